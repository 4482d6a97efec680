import { HomeOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Progress, Skeleton, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
  type ScatterShapeProps,
} from 'recharts';
import type { CenterProgress, StudyDetail } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { formatDate } from '../../i18n/format';
import { subjectError } from './forms';

type Count = 'screened' | 'screenFailed' | 'enrolled' | 'active' | 'completed' | 'withdrawn';
/** The counts of a center's progress, in the order of a subject's path, with the chart's colours. */
const counts: { key: Count; color: string }[] = [
  { key: 'screened', color: '#8fa8c4' },
  { key: 'screenFailed', color: '#bfbfbf' },
  { key: 'enrolled', color: '#1d5a96' },
  { key: 'active', color: '#52a35a' },
  { key: 'completed', color: '#8a63b8' },
  { key: 'withdrawn', color: '#e08a3c' },
];

/** A target (or cap) as a short horizontal mark across its center's bars. */
function markShape(color: string, dashed: boolean) {
  function Mark(props: ScatterShapeProps) {
    const { cx, cy } = props;
    if (cx === undefined || cy === undefined || cx === null || cy === null) return <g />;
    return (
      <line
        x1={cx - 42}
        x2={cx + 42}
        y1={cy}
        y2={cy}
        stroke={color}
        strokeWidth={2.5}
        strokeDasharray={dashed ? '5 3' : undefined}
      />
    );
  }
  return Mark;
}

/** Enrollment per center against its target and cap (the lead site follows every center): a table and a chart. */
export function EnrollmentProgressPanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const q = useApiQuery('subjects.enrollmentSummary', { studyId: study.id });

  if (q.error && !q.data) {
    return (
      <Alert
        type="error"
        showIcon
        title={subjectError(q.error)}
        action={
          <Button size="small" onClick={q.reload}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (!q.data) return <Skeleton active paragraph={{ rows: 8 }} />;
  const summary = q.data;
  if (summary.centers.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('subjectsUi.progress.noCenters')} />;
  }

  const label = (key: Count) => t(`subjectsUi.progress.${key}`);
  const columns: TableProps<CenterProgress>['columns'] = [
    {
      key: 'code',
      title: t('fields.code'),
      dataIndex: 'code',
      width: 110,
      render: (code: string, c) => (
        <>
          <span className="td-mono">{code}</span>
          {c.ownCenter && (
            <Tag color="blue" icon={<HomeOutlined />} variant="filled" style={{ marginInlineStart: 6 }}>
              {t('centers.own')}
            </Tag>
          )}
        </>
      ),
    },
    { key: 'hospitalName', title: t('fields.hospitalName'), dataIndex: 'hospitalName', ellipsis: true },
    {
      key: 'target',
      title: t('fields.enrollmentTarget'),
      dataIndex: 'target',
      width: 76,
      align: 'right',
      render: (v: number | null) => v ?? t('common.empty'),
    },
    {
      key: 'hardCap',
      title: t('fields.hardCap'),
      dataIndex: 'hardCap',
      width: 76,
      align: 'right',
      render: (v: number | null) => v ?? t('common.empty'),
    },
    ...counts.map(({ key }) => ({
      key,
      title: label(key),
      dataIndex: key,
      // "筛选失败" is the one header of four characters
      width: key === 'screenFailed' ? 80 : 64,
      align: 'right' as const,
    })),
    {
      key: 'progress',
      title: t('subjectsUi.progress.ofTarget'),
      width: 130,
      render: (_: unknown, c: CenterProgress) =>
        c.target ? (
          <Progress
            size="small"
            percent={Math.round((c.enrolled / c.target) * 100)}
            format={() => `${c.enrolled}/${c.target}`}
            status={c.hardCap !== null && c.enrolled > c.hardCap ? 'exception' : 'normal'}
          />
        ) : (
          ''
        ),
    },
    {
      key: 'firstEnrollmentDate',
      title: t('subjectsUi.progress.firstEnrollment'),
      dataIndex: 'firstEnrollmentDate',
      width: 100,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'lastEnrollmentDate',
      title: t('subjectsUi.progress.lastEnrollment'),
      dataIndex: 'lastEnrollmentDate',
      width: 100,
      render: (v: string | null) => formatDate(v),
    },
  ];

  const totals = summary.totals;
  const chartData = summary.centers.map((c) => ({
    ...c,
    // null values leave the mark out for centers without a target or cap
    targetMark: c.target,
    capMark: c.hardCap,
  }));

  return (
    <>
      <Table<CenterProgress>
        data-testid="progress-table"
        size="small"
        rowKey="centerId"
        columns={columns}
        dataSource={summary.centers}
        pagination={false}
        scroll={{ x: 1100 }}
        summary={() => (
          <Table.Summary.Row className="td-summary-row">
            <Table.Summary.Cell index={0} colSpan={2}>
              <Typography.Text strong>{t('subjectsUi.progress.total')}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              {summary.studyTarget ?? totals.target ?? t('common.empty')}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} />
            {counts.map(({ key }, i) => (
              <Table.Summary.Cell key={key} index={4 + i} align="right">
                <Typography.Text strong>{totals[key]}</Typography.Text>
              </Table.Summary.Cell>
            ))}
            <Table.Summary.Cell index={10} />
            <Table.Summary.Cell index={11}>{formatDate(totals.firstEnrollmentDate)}</Table.Summary.Cell>
            <Table.Summary.Cell index={12}>{formatDate(totals.lastEnrollmentDate)}</Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      <Typography.Text strong style={{ display: 'block', margin: '16px 0 8px' }}>
        {t('subjectsUi.progress.chartTitle')}
      </Typography.Text>
      <div
        className="td-chart"
        data-testid="progress-chart"
        role="img"
        aria-label={t('subjectsUi.progress.chartTitle')}
      >
        <ResponsiveContainer width="100%" height={320}>
          <ComposedChart data={chartData} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} barCategoryGap="18%">
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e6e9ef" />
            <XAxis dataKey="code" tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={36} />
            <Tooltip />
            {/* in the order drawn (a subject's path, then target and cap), not alphabetically */}
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
            {counts.map(({ key, color }) => (
              <Bar key={key} dataKey={key} name={label(key)} fill={color} maxBarSize={22} isAnimationActive={false} />
            ))}
            <Scatter
              dataKey="targetMark"
              name={t('fields.enrollmentTarget')}
              fill="#cf1322"
              shape={markShape('#cf1322', false)}
              isAnimationActive={false}
            />
            <Scatter
              dataKey="capMark"
              name={t('fields.hardCap')}
              fill="#595959"
              shape={markShape('#595959', true)}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </>
  );
}
