/**
 * /excel — Excel exchange with sponsors (issue 7): one study at a time (kept in the address, like the tab), its export
 * form with the export settings beside it, its deliveries, and its imports. Monitors export too (exports are
 * de-identified) but do not import.
 */
import { App, Badge, Divider, Empty, Skeleton, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { ErrorState } from '../../components/ErrorState';
import { useUrlState } from '../subjects/useUrlState';
import { DeliveriesTable } from './DeliveriesTable';
import { ExportForm } from './ExportForm';
import { ExportSettingsCard } from './ExportSettingsCard';
import { ImportTab } from './ImportTab';
import { StudyPicker } from '../../components/StudyPicker';
import type { ImportCommitResult, ImportKind } from '../../../electron/api';

const TABS = ['export', 'deliveries', 'import'] as const;
type Tab = (typeof TABS)[number];

export function ExchangePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { params, update } = useUrlState();
  const studies = useApiQuery('studies.list', { sort: 'protocolNumber', order: 'asc' });
  const list = studies.data ?? [];
  const chosen = Number(params.get('study')) || undefined;
  // the study asked for in the address, else the first one
  const studyId = list.find((s) => s.id === chosen)?.id ?? list[0]?.id;
  // monitors do not import (the server refuses them): no import tab for them
  const { user } = useSession();
  const canImport = user !== null && user.role !== 'monitor';
  const tab = TABS.find((k) => k === params.get('tab') && (k !== 'import' || canImport)) ?? 'export';
  // an import that may have made a study: the list learns of it, and the page shows the study imported into
  const showStudy = (result: ImportCommitResult, kind: ImportKind) => {
    if (kind !== 'study' && kind !== 'sdtm') return;
    studies.reload();
    if (result.studyId === null || result.studyId === studyId) return;
    // another study's page replaces this one (and its result panel): the outcome stays in a message
    void message.success(t('exchangeUi.import.committed', { created: result.created, updated: result.updated }));
    update({ study: result.studyId, tab: 'import' });
  };

  return (
    <>
      <div className="td-page-header">
        <div>
          <Typography.Title level={4}>{t('exchangeUi.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('exchangeUi.intro')}</Typography.Text>
        </div>
        <StudyPicker
          studies={list}
          value={studyId}
          loading={studies.loading}
          label={t('exchangeUi.study')}
          width={380}
          testId="exchange-study"
          onChange={(id) => update({ study: id })}
        />
      </div>
      <div className="td-panel">
        {studies.error ? (
          <ErrorState error={studies.error} onRetry={studies.reload} />
        ) : !studies.data ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : studyId === undefined ? (
          <>
            <Empty description={t('exchangeUi.noStudies')}>
              <Link to="/studies">{t('nav.studies')}</Link>
            </Empty>
            {/* a fresh installation: a study set-up or an SDTM workbook brings the first study */}
            {canImport && (
              <>
                <Divider />
                <ImportTab studyId={null} onImported={showStudy} />
              </>
            )}
          </>
        ) : (
          <StudyExchange
            key={studyId}
            studyId={studyId}
            tab={tab}
            canImport={canImport}
            onImported={showStudy}
            onTab={(k) => update({ tab: k === 'export' ? undefined : k })}
          />
        )}
      </div>
    </>
  );
}

function StudyExchange({
  studyId,
  tab,
  canImport,
  onImported,
  onTab,
}: {
  studyId: number;
  tab: Tab;
  canImport: boolean;
  onImported: (result: ImportCommitResult, kind: ImportKind) => void;
  onTab: (tab: Tab) => void;
}) {
  const { t } = useTranslation();
  const study = useApiQuery('studies.get', { id: studyId });
  const [refresh, setRefresh] = useState(0);
  const deliveries = useApiQuery('exchange.deliveries', { studyId }, refresh);

  if (study.error) return <ErrorState error={study.error} onRetry={study.reload} />;
  if (!study.data || study.data.id !== studyId) return <Skeleton active paragraph={{ rows: 6 }} />;
  const count = deliveries.data?.length ?? 0;
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => onTab(k as Tab)}
      items={[
        {
          key: 'export',
          label: t('exchangeUi.tabs.export'),
          children: (
            <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start', flexWrap: 'wrap' }}>
              <ExportForm
                study={study.data}
                deliveries={deliveries.data ?? []}
                onExported={() => setRefresh((n) => n + 1)}
              />
              <div style={{ flex: '0 1 340px', minWidth: 280 }}>
                <ExportSettingsCard studyId={studyId} />
              </div>
            </div>
          ),
        },
        {
          key: 'deliveries',
          label: (
            <span>
              {t('exchangeUi.tabs.deliveries')}
              {count > 0 && (
                <Badge
                  count={count}
                  overflowCount={199}
                  color="#8c8c8c"
                  size="small"
                  style={{ marginInlineStart: 6 }}
                  data-testid="deliveries-count"
                />
              )}
            </span>
          ),
          children: <DeliveriesTable query={deliveries} />,
        },
        ...(canImport
          ? [
              {
                key: 'import',
                label: t('exchangeUi.import.tab'),
                children: <ImportTab studyId={studyId} onImported={onImported} />,
              },
            ]
          : []),
      ]}
    />
  );
}
