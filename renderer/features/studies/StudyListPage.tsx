import { CheckCircleFilled, PlusOutlined, ReloadOutlined, SearchOutlined, WarningFilled } from '@ant-design/icons';
import { Alert, Button, Empty, Input, Select, Table, Tooltip, Typography, type TableProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  studyStatuses,
  type InputOf,
  type SignatureState,
  type StudyListItem,
  type StudyStatus,
} from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { ErrorState } from '../../components/ErrorState';
import { translateError } from '../../components/formErrors';
import { StudyStatusTag } from '../../components/StatusTag';
import { formatDateTime, formatInstantDate } from '../../i18n/format';
import { StudyFormDrawer } from './StudyFormDrawer';
import { useCanEditStudies } from '../../app/permissions';

type SortField = NonNullable<InputOf<'studies.list'>['sort']>;
const sortFields: readonly SortField[] = ['protocolNumber', 'shortTitle', 'status', 'phase', 'updatedAt'];

/** Waits until typing pauses before searching on the server. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function StudyListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  // filters live in the address, so coming back from a study shows the same list
  const [params, setParams] = useSearchParams();
  const status = studyStatuses.find((s) => s === params.get('status'));
  const sort = sortFields.find((f) => f === params.get('sort')) ?? 'updatedAt';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const search = useDebounced(searchText.trim(), 300);
  const [creating, setCreating] = useState(false);
  const canEdit = useCanEditStudies();

  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );

  const q = useApiQuery('studies.list', { search: search || undefined, status, sort, order });
  const filtered = Boolean(search || status);

  const sortOrder = (field: SortField) => (sort === field ? (order === 'asc' ? 'ascend' : 'descend') : null);
  const columns: TableProps<StudyListItem>['columns'] = [
    {
      key: 'protocolNumber',
      title: t('fields.protocolNumber'),
      dataIndex: 'protocolNumber',
      sorter: true,
      sortOrder: sortOrder('protocolNumber'),
      width: 150,
      // the protocol-approval signature rides along as an icon: a column of its own would squeeze the titles
      render: (v: string, r) => (
        <>
          <Link to={`/studies/${r.id}`} className="td-mono" onClick={(e) => e.stopPropagation()}>
            {v}
          </Link>
          <ApprovalMark state={r.protocolApproval} />
        </>
      ),
    },
    {
      key: 'shortTitle',
      title: t('fields.shortTitle'),
      dataIndex: 'shortTitle',
      sorter: true,
      sortOrder: sortOrder('shortTitle'),
      ellipsis: { showTitle: false },
      render: (v: string, r) => (
        <Tooltip title={r.title} placement="topLeft">
          {v}
        </Tooltip>
      ),
    },
    { key: 'sponsor', title: t('fields.sponsor'), dataIndex: 'sponsor', ellipsis: true, width: 120 },
    {
      key: 'phase',
      title: t('fields.phase'),
      dataIndex: 'phase',
      sorter: true,
      sortOrder: sortOrder('phase'),
      width: 90,
      render: (v: string) => t(`phase.${v}`),
    },
    {
      key: 'therapeuticArea',
      title: t('fields.therapeuticArea'),
      dataIndex: 'therapeuticArea',
      width: 120,
      render: (v: string) => t(`area.${v}`),
    },
    {
      key: 'status',
      title: t('fields.status'),
      dataIndex: 'status',
      sorter: true,
      sortOrder: sortOrder('status'),
      width: 84,
      render: (v: StudyStatus) => <StudyStatusTag status={v} />,
    },
    { key: 'sitePi', title: t('studies.sitePiShort'), dataIndex: 'sitePi', width: 90, ellipsis: true },
    { key: 'centerCount', title: t('fields.centerCount'), dataIndex: 'centerCount', width: 72, align: 'right' },
    {
      key: 'enrollmentTarget',
      title: t('fields.enrollmentTarget'),
      dataIndex: 'enrollmentTarget',
      width: 84,
      align: 'right',
      render: (v: number | null) => v ?? t('common.empty'),
    },
    {
      key: 'updatedAt',
      title: t('fields.updatedAt'),
      dataIndex: 'updatedAt',
      sorter: true,
      sortOrder: sortOrder('updatedAt'),
      width: 110,
      render: (v: string) => <span title={formatDateTime(v)}>{formatInstantDate(v)}</span>,
    },
  ];

  const onChange: TableProps<StudyListItem>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = sortFields.find((f) => f === s?.columnKey);
    if (field && s?.order) update({ sort: field, order: s.order === 'ascend' ? 'asc' : 'desc' });
    else update({ sort: undefined, order: undefined });
  };

  const clearFilters = () => {
    setSearchText('');
    update({ q: undefined, status: undefined });
  };

  const empty = filtered ? (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('studies.noMatch')}>
      <Button onClick={clearFilters}>{t('studies.clearFilters')}</Button>
    </Empty>
  ) : (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <>
          <Typography.Text strong>{t('studies.emptyTitle')}</Typography.Text>
          <br />
          <Typography.Text type="secondary">{t('studies.emptyHint')}</Typography.Text>
        </>
      }
    >
      {canEdit && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('studies.new')}
        </Button>
      )}
    </Empty>
  );

  return (
    <>
      <div className="td-page-header">
        <div>
          <Typography.Title level={4}>{t('studies.title')}</Typography.Title>
          {q.data && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('studies.count', { count: q.data.length })}
            </Typography.Text>
          )}
        </div>
        {canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('studies.new')}
          </Button>
        )}
      </div>

      {q.error && !q.data ? (
        <div className="td-panel">
          <ErrorState error={q.error} onRetry={q.reload} />
        </div>
      ) : (
        <div className="td-panel">
          <div className="td-toolbar">
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('studies.searchPlaceholder')}
              aria-label={t('studies.searchPlaceholder')}
              style={{ width: 360 }}
              value={searchText}
              onChange={(e) => {
                setSearchText(e.target.value);
                update({ q: e.target.value.trim() || undefined });
              }}
            />
            <Select
              allowClear
              placeholder={t('studies.allStatuses')}
              aria-label={t('fields.status')}
              style={{ width: 160 }}
              value={status}
              onChange={(v: StudyStatus | undefined) => update({ status: v })}
              options={studyStatuses.map((s) => ({ value: s, label: t(`studyStatus.${s}`) }))}
            />
          </div>
          {q.error && (
            <Alert
              type="error"
              showIcon
              title={translateError(q.error)}
              style={{ marginBottom: 12 }}
              action={
                <Button size="small" icon={<ReloadOutlined />} onClick={q.reload}>
                  {t('common.retry')}
                </Button>
              }
            />
          )}
          <Table<StudyListItem>
            className="td-clickable-rows"
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={q.data}
            loading={q.loading}
            onChange={onChange}
            sortDirections={['ascend', 'descend']}
            showSorterTooltip={false}
            scroll={{ x: 1020 }}
            pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
            locale={{ emptyText: q.loading && !q.data ? <div style={{ height: 120 }} /> : empty }}
            onRow={(r) => ({ onClick: () => void navigate(`/studies/${r.id}`) })}
          />
        </div>
      )}

      <StudyFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(detail) => {
          setCreating(false);
          void navigate(`/studies/${detail.id}`);
        }}
      />
    </>
  );
}

/** The protocol-approval signature of a study in the list: nothing, a green check, or a red "invalidated" mark. */
function ApprovalMark({ state }: { state: SignatureState }) {
  const { t } = useTranslation();
  if (state === 'none') return null;
  const label = `${t('signatures.meanings.protocol_version_approved')}${t('format.labelSuffix')}${t(
    state === 'valid' ? 'signatures.valid' : 'signatures.invalidated',
  )}`;
  return (
    <Tooltip title={label}>
      <span role="img" aria-label={label} data-testid={`approval-${state}`} className={`td-approval-${state}`}>
        {state === 'valid' ? <CheckCircleFilled /> : <WarningFilled />}
      </span>
    </Tooltip>
  );
}
