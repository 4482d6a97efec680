/**
 * The study's adverse events (study page, tab 不良事件): the listing with the reviewer's filters (grade ≥ 3, serious,
 * related, ongoing, unsigned, SAE overdue), search and center, paged on the server; the counts by SOC and grade (a
 * table and a stacked bar chart); the study's safety settings. Filters and page live in the address.
 */
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Empty, Input, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { StudyDetail } from '../../../electron/api';
import type { AeListRow } from '../../../electron/api/safety';
import { useApiQuery } from '../../api/useApiQuery';
import { formatDate, formatDateTime } from '../../i18n/format';
import { SeverityTag, SusarTag } from '../aes/AeTags';
import { CenterFilter } from '../subjects/CenterFilter';
import { useDebounced, useUrlState } from '../subjects/useUrlState';
import { AeCountsPanel } from './AeCountsPanel';
import { causalityText, clockStateColors, clockStateText, expectedText, safetyError, subjectAesPath } from './labels';
import { SafetySettingsCard } from './SafetySettingsCard';
import { AeTerm, SubjectAe } from './SignOffQueue';

const FILTERS = ['gradeAtLeast3', 'serious', 'related', 'ongoing', 'unsigned', 'saeOverdue'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE_SIZES = [50, 100, 200, 500];

export function StudyAesPanel({ study }: { study: StudyDetail }) {
  return (
    <>
      <AeListing study={study} />
      <AeCountsPanel studyId={study.id} />
      <SafetySettingsCard studyId={study.id} />
    </>
  );
}

function AeListing({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { params, update } = useUrlState();
  const on = new Set((params.get('ae') ?? '').split(',').filter((f): f is Filter => FILTERS.includes(f as Filter)));
  const centerId = Number(params.get('center')) || undefined;
  const pageSize = PAGE_SIZES.find((n) => n === Number(params.get('size'))) ?? 50;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const search = useDebounced(searchText.trim(), 300);
  const [refresh, setRefresh] = useState(0);

  const q = useApiQuery(
    'aes.list',
    {
      studyId: study.id,
      centerId: centerId ?? null,
      gradeAtLeast3: on.has('gradeAtLeast3'),
      serious: on.has('serious'),
      related: on.has('related'),
      ongoing: on.has('ongoing'),
      unsigned: on.has('unsigned'),
      saeOverdue: on.has('saeOverdue'),
      search: search || null,
      limit: pageSize,
      offset: (page - 1) * pageSize,
    },
    refresh,
  );
  const filtered = on.size > 0 || Boolean(centerId) || Boolean(search);
  // a filter change starts again from the first page
  const filter = (changes: Record<string, string | number | undefined>) => update({ ...changes, page: undefined });
  const toggle = (f: Filter, checked: boolean) => {
    const next = new Set(on);
    if (checked) next.add(f);
    else next.delete(f);
    filter({ ae: FILTERS.filter((x) => next.has(x)).join(',') });
  };

  const columns: TableProps<AeListRow>['columns'] = [
    {
      key: 'subject',
      title: `${t('safetyUi.fields.subject')} / ${t('safetyUi.fields.aeNumber')}`,
      width: 104,
      render: (_: unknown, r) => (
        <SubjectAe studyId={study.id} subjectId={r.subjectId} label={r.subjectLabel} aeNumber={r.aeNumber} />
      ),
    },
    {
      key: 'center',
      title: t('safetyUi.fields.center'),
      dataIndex: 'centerCode',
      width: 52,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'term',
      title: t('safetyUi.fields.term'),
      width: 180,
      ellipsis: { showTitle: false },
      render: (_: unknown, r) => <AeTerm verbatim={r.verbatimTerm} ctcae={r.ctcaeTerm} />,
    },
    {
      key: 'soc',
      title: t('safetyUi.fields.soc'),
      dataIndex: 'soc',
      width: 150,
      ellipsis: true,
      render: (v: string | null) => v ?? '',
    },
    {
      key: 'grade',
      title: t('safetyUi.fields.grade'),
      width: 64,
      render: (_: unknown, r) => <SeverityTag scale={null} grade={r.grade} severity={r.severity} />,
    },
    {
      key: 'period',
      title: `${t('safetyUi.fields.startDate')} / ${t('safetyUi.fields.endDate')}`,
      width: 112,
      render: (_: unknown, r) => (
        <>
          <div>{formatDate(r.startDate)}</div>
          {r.ongoing ? (
            <Tag color="processing" style={{ marginInlineEnd: 0 }}>
              {t('safetyUi.ongoing')}
            </Tag>
          ) : (
            <div>{formatDate(r.endDate)}</div>
          )}
        </>
      ),
    },
    {
      key: 'serious',
      title: t('safetyUi.fields.serious'),
      width: 92,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          {r.serious ? <Tag color="red">SAE</Tag> : t('common.no')}
          {r.susar && <SusarTag />}
        </Space>
      ),
    },
    {
      key: 'causality',
      title: t('safetyUi.fields.causality'),
      width: 96,
      render: (_: unknown, r) => causalityText(r.causality),
    },
    {
      key: 'expected',
      title: t('safetyUi.fields.expected'),
      width: 64,
      render: (_: unknown, r) => (r.expected === null ? '' : expectedText(r.expected)),
    },
    {
      key: 'sae',
      title: t('safetyUi.fields.saeState'),
      width: 90,
      render: (_: unknown, r) =>
        r.saeState ? (
          <Tag
            color={clockStateColors[r.saeState]}
            title={r.reportDueAt ? `${t('safetyUi.fields.dueAt')} ${formatDateTime(r.reportDueAt)}` : undefined}
            data-testid="ae-sae-state"
          >
            {clockStateText(r.saeState)}
          </Tag>
        ) : (
          ''
        ),
    },
    {
      key: 'signed',
      title: t('safetyUi.fields.signature'),
      width: 84,
      render: (_: unknown, r) =>
        r.signed ? <Tag color="success">{t('safetyUi.signed')}</Tag> : <Tag>{t('safetyUi.unsigned')}</Tag>,
    },
  ];

  const empty = filtered ? (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('safetyUi.aes.noMatch')}>
      <Button
        onClick={() => {
          setSearchText('');
          filter({ ae: undefined, center: undefined, q: '' });
        }}
      >
        {t('safetyUi.aes.clearFilters')}
      </Button>
    </Empty>
  ) : (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('safetyUi.aes.empty')} />
  );

  return (
    <section aria-label={t('safetyUi.aes.listTitle')} style={{ marginBottom: 24 }}>
      <div className="td-toolbar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('safetyUi.aes.search')}
          aria-label={t('safetyUi.aes.search')}
          style={{ width: 260 }}
          value={searchText}
          onChange={(e) => {
            setSearchText(e.target.value);
            filter({ q: e.target.value.trim() });
          }}
        />
        <CenterFilter study={study} value={centerId} onChange={(v) => filter({ center: v })} width={180} />
        <Space size={0} wrap data-testid="ae-filters">
          {FILTERS.map((f) => (
            <Checkbox key={f} checked={on.has(f)} onChange={(e) => toggle(f, e.target.checked)}>
              {t(`safetyUi.aes.filters.${f}`)}
            </Checkbox>
          ))}
        </Space>
        <Space style={{ marginInlineStart: 'auto' }}>
          {q.data && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="aes-total">
              {t('safetyUi.aes.count', { count: q.data.total })}
            </Typography.Text>
          )}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => setRefresh((n) => n + 1)}
            aria-label={t('safetyUi.refresh')}
          />
        </Space>
      </div>
      {q.error && <Alert type="error" showIcon title={safetyError(q.error)} style={{ marginBottom: 12 }} />}
      <Table<AeListRow>
        className="td-clickable-rows"
        data-testid="aes-table"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={q.data?.rows}
        loading={q.loading}
        scroll={{ x: 1088 }}
        onChange={(pagination, _f, _s, extra) => {
          if (extra.action === 'paginate') update({ page: pagination.current, size: pagination.pageSize });
        }}
        pagination={{
          current: page,
          pageSize,
          total: q.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          size: 'small',
          showTotal: (total) => t('safetyUi.aes.count', { count: total }),
        }}
        locale={{ emptyText: q.loading && !q.data ? <div style={{ height: 120 }} /> : empty }}
        onRow={(r) => ({ onClick: () => void navigate(subjectAesPath(study.id, r.subjectId)) })}
      />
    </section>
  );
}
