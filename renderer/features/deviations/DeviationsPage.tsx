/** The "deviations" area: one study's deviation log at a time, the study chosen here (and kept in the address). */
import { Empty, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApiQuery } from '../../api/useApiQuery';
import { ErrorState } from '../../components/ErrorState';
import { useUrlState } from '../subjects/useUrlState';
import { DeviationLog } from './DeviationLog';
import { StudyPicker } from '../../components/StudyPicker';

export function DeviationsPage() {
  const { t } = useTranslation();
  const { params, update } = useUrlState();
  const studies = useApiQuery('studies.list', { sort: 'protocolNumber', order: 'asc' });
  const list = studies.data ?? [];
  const chosen = Number(params.get('study')) || undefined;
  // the study asked for in the address, else the first one
  const studyId = list.find((s) => s.id === chosen)?.id ?? list[0]?.id;

  return (
    <>
      <div className="td-page-header">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('schedulesUi.deviations.pageTitle')}
        </Typography.Title>
        <StudyPicker
          studies={list}
          value={studyId}
          loading={studies.loading}
          label={t('schedulesUi.deviations.study')}
          width={420}
          testId="deviation-study"
          onChange={(id) => update({ study: id })}
        />
      </div>
      <div className="td-panel">
        {studies.error ? (
          <ErrorState error={studies.error} onRetry={studies.reload} />
        ) : !studies.data ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : studyId === undefined ? (
          <Empty description={t('schedulesUi.deviations.noStudies')}>
            <Link to="/studies">{t('nav.studies')}</Link>
          </Empty>
        ) : (
          <StudyLog studyId={studyId} />
        )}
      </div>
    </>
  );
}

function StudyLog({ studyId }: { studyId: number }) {
  const study = useApiQuery('studies.get', { id: studyId });
  if (study.error) return <ErrorState error={study.error} onRetry={study.reload} />;
  if (!study.data || study.data.id !== studyId) return <Skeleton active paragraph={{ rows: 6 }} />;
  return <DeviationLog key={studyId} study={study.data} />;
}
