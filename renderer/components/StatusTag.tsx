import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CenterStatus, StudyStatus, SubjectStatus } from '../../electron/api';

// Calm colours; warnings only for what went wrong (suspended, terminated).
const studyColors: Record<StudyStatus, string> = {
  planning: 'default',
  startup: 'cyan',
  enrolling: 'green',
  followup: 'blue',
  closed: 'purple',
  suspended: 'orange',
  terminated: 'red',
};
const centerColors: Record<CenterStatus, string> = { pending: 'gold', active: 'green', closed: 'default' };
// a subject's path: in progress in blues and greens, done in purple, the two exits grey (screen failure) and orange
const subjectColors: Record<SubjectStatus, string> = {
  screening: 'gold',
  screen_failed: 'default',
  enrolled: 'cyan',
  on_treatment: 'green',
  follow_up: 'blue',
  completed: 'purple',
  withdrawn: 'orange',
};

export function StudyStatusTag({ status }: { status: StudyStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={studyColors[status]} data-status={status}>
      {t(`studyStatus.${status}`)}
    </Tag>
  );
}

export function CenterStatusTag({ status }: { status: CenterStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={centerColors[status]} data-status={status}>
      {t(`centerStatus.${status}`)}
    </Tag>
  );
}

export function SubjectStatusTag({ status }: { status: SubjectStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={subjectColors[status]} data-status={status}>
      {t(`subjectsUi.status.${status}`)}
    </Tag>
  );
}
