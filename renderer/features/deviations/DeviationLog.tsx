/**
 * The study's protocol deviation log (方案偏离记录): every deviation, numbered DV-001 … per study, those raised from a
 * visit out of window or missed and those recorded here; filtered by category, center and date; recorded and corrected
 * by site roles, read by monitors.
 */
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Select, Table, Tag, Typography, type TableProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviationCategory, DeviationSeverity, DeviationView, StudyDetail } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { DATE, formatDate } from '../../i18n/format';
import { CenterFilter } from '../subjects/CenterFilter';
import { subjectError } from '../subjects/forms';
import { useSubjectRoles } from '../subjects/roles';
import { categoryOptions } from '../schedules/labels';
import { DeviationModal } from './DeviationModal';

export const severityColor: Record<DeviationSeverity, string> = { major: 'red', minor: 'gold' };

const wrap = (v: string | null) => <span style={{ whiteSpace: 'pre-wrap' }}>{v ?? ''}</span>;

export function DeviationLog({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { canEdit } = useSubjectRoles();
  const [category, setCategory] = useState<DeviationCategory | undefined>();
  const [centerId, setCenterId] = useState<number | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [refresh, setRefresh] = useState(0);
  // the deviation stays while the dialog closes, so its title does not change under the animation
  const [editing, setEditing] = useState<{ deviation: DeviationView | null; open: boolean; n: number }>({
    deviation: null,
    open: false,
    n: 0,
  });
  const q = useApiQuery(
    'deviations.list',
    {
      studyId: study.id,
      category,
      centerId,
      from: range?.[0]?.format(DATE) ?? null,
      to: range?.[1]?.format(DATE) ?? null,
    },
    refresh,
  );

  const columns: TableProps<DeviationView>['columns'] = [
    {
      key: 'number',
      title: t('schedulesUi.deviations.number'),
      dataIndex: 'number',
      width: 76,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'occurredDate',
      title: t('schedulesUi.deviations.occurredDate'),
      dataIndex: 'occurredDate',
      width: 100,
      render: (v: string) => formatDate(v),
    },
    {
      key: 'subject',
      title: t('schedulesUi.deviations.subject'),
      dataIndex: 'subjectLabel',
      width: 92,
      render: (v: string | null) =>
        v ? (
          <span className="td-mono">{v}</span>
        ) : (
          <Typography.Text type="secondary">{t('schedulesUi.deviations.studyLevel')}</Typography.Text>
        ),
    },
    {
      key: 'center',
      title: t('subjectsUi.fields.center'),
      dataIndex: 'centerCode',
      width: 52,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'visit',
      title: t('schedulesUi.deviations.visit'),
      dataIndex: 'visitCode',
      width: 64,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'category',
      title: t('schedulesUi.deviations.category'),
      dataIndex: 'category',
      width: 100,
      render: (v: DeviationCategory) => t(`schedulesUi.category.${v}`),
    },
    {
      key: 'severity',
      title: t('schedulesUi.deviations.severity'),
      dataIndex: 'severity',
      width: 64,
      render: (v: DeviationSeverity) => (
        <Tag color={severityColor[v]} variant="filled">
          {t(`schedulesUi.severity.${v}`)}
        </Tag>
      ),
    },
    {
      key: 'description',
      title: t('schedulesUi.deviations.description'),
      dataIndex: 'description',
      render: wrap,
    },
    {
      key: 'correctiveAction',
      title: t('schedulesUi.deviations.correctiveAction'),
      dataIndex: 'correctiveAction',
      width: 180,
      render: wrap,
    },
    {
      key: 'reported',
      title: t('schedulesUi.deviations.reported'),
      width: 156,
      render: (_: unknown, r) => (
        <div style={{ fontSize: 12, lineHeight: '20px' }}>
          <div>
            <Typography.Text type="secondary">{t('schedulesUi.deviations.reportedSponsor')} </Typography.Text>
            {r.reportedSponsorDate ? formatDate(r.reportedSponsorDate) : '—'}
          </div>
          <div>
            <Typography.Text type="secondary">{t('schedulesUi.deviations.reportedEthics')} </Typography.Text>
            {r.reportedEthicsDate ? formatDate(r.reportedEthicsDate) : '—'}
          </div>
        </div>
      ),
    },
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: '',
            width: 44,
            render: (_: unknown, r: DeviationView) => (
              <Button
                type="text"
                size="small"
                icon={<EditOutlined />}
                aria-label={t('schedulesUi.deviations.edit', { number: r.number })}
                title={t('common.edit')}
                onClick={() => setEditing((e) => ({ deviation: r, open: true, n: e.n + 1 }))}
              />
            ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="deviation-log">
      <div className="td-toolbar">
        <Select
          allowClear
          placeholder={t('schedulesUi.deviations.allCategories')}
          aria-label={t('schedulesUi.deviations.category')}
          style={{ width: 150 }}
          value={category}
          onChange={setCategory}
          options={categoryOptions()}
          popupMatchSelectWidth={false}
        />
        <CenterFilter study={study} value={centerId} onChange={setCenterId} width={220} />
        <DatePicker.RangePicker
          style={{ width: 250 }}
          aria-label={t('schedulesUi.deviations.dateRange')}
          allowEmpty={[true, true]}
          value={range}
          format={t('format.date')}
          onChange={(v) => setRange(v)}
        />
        {q.data && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('schedulesUi.deviations.count', { count: q.data.length })}
          </Typography.Text>
        )}
        {canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            style={{ marginInlineStart: 'auto' }}
            onClick={() => setEditing((e) => ({ deviation: null, open: true, n: e.n + 1 }))}
          >
            {t('schedulesUi.deviations.create')}
          </Button>
        )}
      </div>
      {q.error && (
        <Alert
          type="error"
          showIcon
          title={subjectError(q.error)}
          style={{ marginBottom: 12 }}
          action={
            <Button size="small" onClick={q.reload}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      <Table<DeviationView>
        size="small"
        bordered
        rowKey="id"
        columns={columns}
        dataSource={q.data}
        loading={q.loading}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false, size: 'small' }}
        scroll={{ x: 1080 }}
        className="td-top-aligned"
        locale={{ emptyText: t('schedulesUi.deviations.empty') }}
        data-testid="deviations-table"
      />
      <DeviationModal
        // a new form each time it opens: nothing of the last one is kept
        key={editing.n}
        study={study}
        open={editing.open}
        deviation={editing.deviation}
        onClose={() => setEditing((e) => ({ ...e, open: false }))}
        onSaved={(d) => {
          void message.success(
            editing.deviation
              ? t('schedulesUi.deviations.updated', { number: d.number })
              : t('schedulesUi.deviations.created', { number: d.number }),
          );
          setEditing((e) => ({ ...e, open: false }));
          setRefresh((r) => r + 1);
        }}
      />
    </div>
  );
}
