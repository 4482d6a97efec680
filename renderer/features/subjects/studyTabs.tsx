import type { TabsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StudyDetail } from '../../../electron/api';
import { ConsentPanel } from './ConsentPanel';
import { EnrollmentProgressPanel } from './EnrollmentProgressPanel';
import { IdentificationListPanel } from './IdentificationListPanel';
import { EnrollmentLogPanel, ScreeningLogPanel } from './LogPanels';
import { useSubjectRoles } from './roles';
import { SubjectSetupPanel } from './SubjectSetupPanel';
import { SubjectsPanel } from './SubjectsPanel';
import { DeviationLog } from '../deviations/DeviationLog';
import { SchedulePanel } from '../schedules/SchedulePanel';
import { StudyAesPanel } from '../safety/StudyAesPanel';

/** The subject tabs of a study's page. The identification list and the set-up are for site roles only. */
export function useSubjectTabs(study: StudyDetail): NonNullable<TabsProps['items']> {
  const { t } = useTranslation();
  const { siteRole } = useSubjectRoles();
  return [
    { key: 'subjects', label: t('subjectsUi.tabs.subjects'), children: <SubjectsPanel study={study} /> },
    { key: 'progress', label: t('subjectsUi.tabs.progress'), children: <EnrollmentProgressPanel study={study} /> },
    { key: 'screeningLog', label: t('subjectsUi.tabs.screeningLog'), children: <ScreeningLogPanel study={study} /> },
    {
      key: 'enrollmentLog',
      label: t('subjectsUi.tabs.enrollmentLog'),
      children: <EnrollmentLogPanel study={study} />,
    },
    ...(siteRole
      ? [
          {
            key: 'identification',
            label: t('subjectsUi.tabs.identification'),
            children: <IdentificationListPanel study={study} />,
          },
        ]
      : []),
    { key: 'consent', label: t('subjectsUi.tabs.consent'), children: <ConsentPanel study={study} /> },
    { key: 'schedule', label: t('schedulesUi.tabs.schedule'), children: <SchedulePanel study={study} /> },
    { key: 'deviations', label: t('schedulesUi.tabs.deviations'), children: <DeviationLog study={study} /> },
    { key: 'aes', label: t('safetyUi.aes.tab'), children: <StudyAesPanel study={study} /> },
    ...(siteRole
      ? [{ key: 'setup', label: t('subjectsUi.tabs.setup'), children: <SubjectSetupPanel study={study} /> }]
      : []),
  ];
}
