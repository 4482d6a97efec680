/**
 * AE counts of a study by system organ class and grade (or AESEV severity): events per level, events in all, and
 * subjects (each counted once per SOC) — a table, and the same events as a stacked bar per SOC.
 */
import { Alert, Empty, Skeleton, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AeCounts } from '../../../electron/api/safety';
import { useApiQuery } from '../../api/useApiQuery';
import { levelColor, levelText, safetyError } from './labels';

type CountRow = AeCounts['rows'][number];

export function AeCountsPanel({ studyId }: { studyId: number }) {
  const { t } = useTranslation();
  const q = useApiQuery('aes.counts', { studyId });
  const title = (
    <div className="td-section-head" style={{ justifyContent: 'flex-start' }}>
      <Typography.Text strong>{t('safetyUi.counts.title')}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('safetyUi.counts.hint')}
      </Typography.Text>
    </div>
  );
  if (!q.data) {
    return (
      <section style={{ marginBottom: 24 }}>
        {title}
        {q.error ? (
          <Alert type="error" showIcon title={safetyError(q.error)} />
        ) : (
          <Skeleton active paragraph={{ rows: 4 }} />
        )}
      </section>
    );
  }
  const counts = q.data;
  const socName = (soc: string | null) => soc ?? t('safetyUi.counts.noSoc');

  const columns: TableProps<CountRow>['columns'] = [
    {
      key: 'soc',
      title: t('safetyUi.counts.soc'),
      dataIndex: 'soc',
      render: (v: string | null) => socName(v),
    },
    ...counts.levels.map((level) => ({
      key: `level-${level}`,
      title: levelText(level),
      width: 76,
      align: 'right' as const,
      render: (_: unknown, r: CountRow) => r.events[level] || '',
    })),
    {
      key: 'total',
      title: t('safetyUi.counts.total'),
      dataIndex: 'total',
      width: 84,
      align: 'right',
      render: (v: number) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { key: 'subjects', title: t('safetyUi.counts.subjects'), dataIndex: 'subjects', width: 84, align: 'right' },
  ];

  const chartData = counts.rows.map((r) => ({ soc: socName(r.soc), ...r.events }));
  return (
    <section style={{ marginBottom: 24 }} aria-label={t('safetyUi.counts.title')}>
      {title}
      {counts.rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('safetyUi.counts.empty')} />
      ) : (
        <>
          <Table<CountRow>
            data-testid="ae-counts-table"
            size="small"
            rowKey={(r) => r.soc ?? ''}
            columns={columns}
            dataSource={counts.rows}
            pagination={false}
            summary={() => (
              <Table.Summary.Row className="td-summary-row" data-testid="ae-counts-totals">
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{t('safetyUi.counts.totals')}</Typography.Text>
                </Table.Summary.Cell>
                {counts.levels.map((level, i) => (
                  <Table.Summary.Cell key={level} index={1 + i} align="right">
                    {counts.totals.events[level] || ''}
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={1 + counts.levels.length} align="right">
                  <Typography.Text strong>{counts.totals.total}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2 + counts.levels.length} align="right">
                  <Typography.Text strong>{counts.totals.subjects}</Typography.Text>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
          <Typography.Text strong style={{ display: 'block', margin: '16px 0 8px' }}>
            {t('safetyUi.counts.chartTitle')}
          </Typography.Text>
          <div
            className="td-chart"
            data-testid="ae-counts-chart"
            role="img"
            aria-label={t('safetyUi.counts.chartTitle')}
          >
            <ResponsiveContainer width="100%" height={Math.max(180, counts.rows.length * 34 + 70)}>
              <BarChart data={chartData} layout="vertical" margin={{ top: 8, right: 24, bottom: 0, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e6e9ef" />
                <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
                <YAxis type="category" dataKey="soc" width={280} tick={{ fontSize: 12 }} interval={0} />
                <Tooltip />
                {/* grade 1 → 5 in the legend's order, not alphabetically */}
                <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
                {counts.levels.map((level) => (
                  <Bar
                    key={level}
                    dataKey={level}
                    name={levelText(level)}
                    stackId="events"
                    fill={levelColor(level)}
                    maxBarSize={22}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </section>
  );
}
