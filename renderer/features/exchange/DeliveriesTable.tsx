/** The study's deliveries, newest first: when, what, to whom, the file, full or changes only, rows per sheet, by whom. */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeliveryView } from '../../../electron/api/exchange';
import type { Query } from '../../api/useApiQuery';
import { ErrorState } from '../../components/ErrorState';
import { translateError } from '../../components/formErrors';
import { formatDateTime } from '../../i18n/format';
import { kindText } from './labels';

export function DeliveriesTable({ query }: { query: Query<DeliveryView[]> }) {
  const { t } = useTranslation();
  if (query.error && !query.data) return <ErrorState error={query.error} onRetry={query.reload} />;

  const columns: TableProps<DeliveryView>['columns'] = [
    {
      key: 'exportedAt',
      title: t('exchangeUi.deliveries.exportedAt'),
      dataIndex: 'exportedAt',
      width: 150,
      render: (v: string) => formatDateTime(v),
    },
    {
      key: 'kind',
      title: t('exchangeUi.deliveries.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (v: DeliveryView['kind']) => (
        <Tag color={v === 'sdtm' ? 'purple' : 'blue'} variant="filled">
          {kindText(v)}
        </Tag>
      ),
    },
    { key: 'recipient', title: t('exchangeUi.deliveries.recipient'), dataIndex: 'recipient', width: 160 },
    {
      key: 'scope',
      title: t('exchangeUi.deliveries.scope'),
      dataIndex: 'changesOnly',
      width: 90,
      render: (v: boolean) =>
        v ? (
          <Tag color="gold" variant="filled">
            {t('exchangeUi.deliveries.changesOnly')}
          </Tag>
        ) : (
          <Tag variant="filled">{t('exchangeUi.deliveries.full')}</Tag>
        ),
    },
    {
      key: 'fileName',
      title: t('exchangeUi.deliveries.fileName'),
      dataIndex: 'fileName',
      width: 260,
      render: (v: string) => (
        <Typography.Text className="td-mono" style={{ fontSize: 12, wordBreak: 'break-all' }}>
          {v}
        </Typography.Text>
      ),
    },
    {
      key: 'rows',
      title: t('exchangeUi.deliveries.rows'),
      dataIndex: 'rows',
      // one sheet's count never breaks across lines
      render: (rows: Record<string, number>) => (
        <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: 12, fontSize: 12 }}>
          {Object.entries(rows).map(([sheet, n]) => (
            <span key={sheet} style={{ whiteSpace: 'nowrap' }}>
              {sheet} <b>{n}</b>
            </span>
          ))}
        </div>
      ),
    },
    {
      key: 'exportedBy',
      title: t('exchangeUi.deliveries.exportedBy'),
      dataIndex: 'exportedBy',
      width: 100,
      render: (v: string | null) => v ?? '',
    },
  ];

  return (
    <>
      <div className="td-toolbar" style={{ justifyContent: 'flex-end' }}>
        <Button icon={<ReloadOutlined />} onClick={query.reload} loading={query.loading}>
          {t('exchangeUi.deliveries.refresh')}
        </Button>
      </div>
      {query.error && <Alert type="error" showIcon title={translateError(query.error)} style={{ marginBottom: 12 }} />}
      <Table<DeliveryView>
        className="td-top-aligned"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={query.data}
        loading={query.loading && !query.data}
        locale={{ emptyText: t('exchangeUi.deliveries.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        data-testid="deliveries-table"
      />
    </>
  );
}
