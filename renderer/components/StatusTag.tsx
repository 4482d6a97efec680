import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CenterStatus, StudyStatus } from '../../electron/api';

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
