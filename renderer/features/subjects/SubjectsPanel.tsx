import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Empty, Input, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  subjectStatuses,
  type InputOf,
  type StudyDetail,
  type SubjectListItem,
  type SubjectStatus,
} from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { SubjectStatusTag } from '../../components/StatusTag';
import { formatDate } from '../../i18n/format';
import { CenterFilter } from './CenterFilter';
import { subjectError } from './forms';
import { codedLabel, codedOptions, sexAge, statusOptions } from './labels';
import { RegisterSubjectModal } from './RegisterSubjectModal';
import { useSubjectRoles } from './roles';
import { useDebounced, useUrlState } from './useUrlState';

type SortField = NonNullable<InputOf<'subjects.list'>['sort']>;
const sortFields: readonly SortField[] = [
  'screeningNumber',
  'subjectNumber',
  'screeningDate',
  'enrollmentDate',
  'status',
];
const PAGE_SIZES = [50, 100, 200, 500];

export const subjectPath = (studyId: number, subjectId: number) => `/studies/${studyId}/subjects/${subjectId}`;

/** The study's subjects: server-side filters, sort and paging over a virtual table (studies run to 50,000 rows). */
export function SubjectsPanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { siteRole, canEdit } = useSubjectRoles();
  const { params, update } = useUrlState();
  const [registering, setRegistering] = useState(false);

  const centerId = Number(params.get('center')) || undefined;
  const status = subjectStatuses.find((s) => s === params.get('status'));
  const arm = params.get('arm') ?? undefined;
  const needsReconsent = params.get('reconsent') === '1' || undefined;
  const unconfirmed = params.get('unconfirmed') === '1' || undefined;
  const sort = sortFields.find((f) => f === params.get('sort')) ?? 'screeningNumber';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const pageSize = PAGE_SIZES.find((n) => n === Number(params.get('size'))) ?? 100;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const search = useDebounced(searchText.trim(), 300);

  const setup = useApiQuery('subjects.setup', { studyId: study.id });
  const q = useApiQuery('subjects.list', {
    studyId: study.id,
    centerId,
    status,
    arm,
    needsReconsent,
    unconfirmed,
    search: search || undefined,
    sort,
    order,
    offset: (page - 1) * pageSize,
    limit: pageSize,
  });
  const filtered = Boolean(centerId ?? status ?? arm ?? needsReconsent ?? unconfirmed ?? search);
  // a filter change starts again from the first page
  const filter = (changes: Record<string, string | number | undefined>) => update({ ...changes, page: undefined });

  const sortOrder = (field: SortField) => (sort === field ? (order === 'asc' ? 'ascend' : 'descend') : null);
  const arms = setup.data?.arms;
  const columns: TableProps<SubjectListItem>['columns'] = [
    {
      key: 'screeningNumber',
      title: t('subjectsUi.fields.screeningNumber'),
      dataIndex: 'screeningNumber',
      width: 100,
      sorter: true,
      sortOrder: sortOrder('screeningNumber'),
      render: (v: string, r) => (
        <Link to={subjectPath(study.id, r.id)} className="td-mono" onClick={(e) => e.stopPropagation()}>
          {v}
        </Link>
      ),
    },
    {
      key: 'subjectNumber',
      title: t('subjectsUi.fields.subjectNumber'),
      dataIndex: 'subjectNumber',
      width: 110,
      sorter: true,
      sortOrder: sortOrder('subjectNumber'),
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'center',
      title: t('subjectsUi.fields.center'),
      dataIndex: 'centerCode',
      width: 56,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'initials',
      title: t('subjectsUi.fields.initials'),
      dataIndex: 'initials',
      width: 76,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'sexAge',
      title: t('subjectsUi.fields.sexAge'),
      width: 84,
      render: (_: unknown, r) => sexAge(r.sex, r.age),
    },
    {
      key: 'masked',
      title: t('subjectsUi.list.nameAndRecord'),
      width: 140,
      hidden: !siteRole,
      ellipsis: true,
      render: (_: unknown, r) => [r.maskedName, r.maskedRecordNumber].filter(Boolean).join(' · '),
    },
    {
      key: 'arm',
      title: t('subjectsUi.fields.arm'),
      dataIndex: 'arm',
      width: 110,
      ellipsis: true,
      render: (v: string | null) => codedLabel(arms, v),
    },
    {
      key: 'status',
      title: t('subjectsUi.fields.status'),
      dataIndex: 'status',
      width: 84,
      sorter: true,
      sortOrder: sortOrder('status'),
      render: (v: SubjectStatus) => <SubjectStatusTag status={v} />,
    },
    {
      key: 'screeningDate',
      title: t('subjectsUi.fields.screeningDate'),
      dataIndex: 'screeningDate',
      width: 106,
      sorter: true,
      sortOrder: sortOrder('screeningDate'),
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'enrollmentDate',
      title: t('subjectsUi.fields.enrollmentDate'),
      dataIndex: 'enrollmentDate',
      width: 106,
      sorter: true,
      sortOrder: sortOrder('enrollmentDate'),
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'flags',
      title: t('subjectsUi.fields.flags'),
      width: 130,
      render: (_: unknown, r) => <SubjectFlags item={r} />,
    },
  ];

  const onChange: TableProps<SubjectListItem>['onChange'] = (pagination, _f, sorter, extra) => {
    if (extra.action === 'paginate') {
      update({ page: pagination.current, size: pagination.pageSize });
      return;
    }
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = sortFields.find((f) => f === s?.columnKey);
    if (field && s?.order) update({ sort: field, order: s.order === 'ascend' ? 'asc' : 'desc', page: undefined });
    else update({ sort: undefined, order: undefined, page: undefined });
  };

  const clearFilters = () => {
    setSearchText('');
    filter({
      center: undefined,
      status: undefined,
      arm: undefined,
      reconsent: undefined,
      unconfirmed: undefined,
      q: '',
    });
  };

  const empty = filtered ? (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('subjectsUi.list.noMatch')}>
      <Button onClick={clearFilters}>{t('subjectsUi.list.clearFilters')}</Button>
    </Empty>
  ) : (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <>
          <Typography.Text strong>{t('subjectsUi.list.emptyTitle')}</Typography.Text>
          <br />
          <Typography.Text type="secondary">{t('subjectsUi.list.emptyHint')}</Typography.Text>
        </>
      }
    >
      {canEdit && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setRegistering(true)}>
          {t('subjectsUi.list.register')}
        </Button>
      )}
    </Empty>
  );

  return (
    <>
      <div className="td-toolbar">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t(siteRole ? 'subjectsUi.list.searchSite' : 'subjectsUi.list.search')}
          aria-label={t(siteRole ? 'subjectsUi.list.searchSite' : 'subjectsUi.list.search')}
          style={{ width: 300 }}
          value={searchText}
          onChange={(e) => {
            setSearchText(e.target.value);
            filter({ q: e.target.value.trim() });
          }}
        />
        <CenterFilter study={study} value={centerId} onChange={(v) => filter({ center: v })} width={200} />
        <Select
          allowClear
          placeholder={t('subjectsUi.list.allStatuses')}
          aria-label={t('subjectsUi.fields.status')}
          style={{ width: 130 }}
          value={status}
          onChange={(v: SubjectStatus | undefined) => filter({ status: v })}
          options={statusOptions()}
        />
        <Select
          allowClear
          placeholder={t('subjectsUi.list.allArms')}
          aria-label={t('subjectsUi.fields.arm')}
          style={{ width: 160 }}
          value={arm}
          onChange={(v: string | undefined) => filter({ arm: v })}
          options={codedOptions(arms ?? [])}
          popupMatchSelectWidth={false}
        />
        <Checkbox checked={needsReconsent ?? false} onChange={(e) => filter({ reconsent: e.target.checked ? 1 : '' })}>
          {t('subjectsUi.flags.needsReconsent')}
        </Checkbox>
        <Checkbox checked={unconfirmed ?? false} onChange={(e) => filter({ unconfirmed: e.target.checked ? 1 : '' })}>
          {t('subjectsUi.flags.unconfirmed')}
        </Checkbox>
        <Space style={{ marginInlineStart: 'auto' }}>
          {q.data && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="subjects-total">
              {t('subjectsUi.list.count', { count: q.data.total })}
            </Typography.Text>
          )}
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setRegistering(true)}>
              {t('subjectsUi.list.register')}
            </Button>
          )}
        </Space>
      </div>
      {q.error && (
        <Alert
          type="error"
          showIcon
          title={subjectError(q.error)}
          style={{ marginBottom: 12 }}
          action={
            <Button size="small" icon={<ReloadOutlined />} onClick={q.reload}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      <Table<SubjectListItem>
        className="td-clickable-rows"
        data-testid="subjects-table"
        size="small"
        rowKey="id"
        virtual
        columns={columns}
        dataSource={q.data?.rows}
        loading={q.loading}
        onChange={onChange}
        sortDirections={['ascend', 'descend']}
        showSorterTooltip={false}
        // the columns' widths: no sideways scrolling on a 1440-pixel screen
        scroll={{ x: siteRole ? 1102 : 962, y: 520 }}
        pagination={{
          current: page,
          pageSize,
          total: q.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: PAGE_SIZES,
          hideOnSinglePage: false,
          size: 'small',
          showTotal: (total) => t('subjectsUi.list.count', { count: total }),
        }}
        locale={{ emptyText: q.loading && !q.data ? <div style={{ height: 120 }} /> : empty }}
        onRow={(r) => ({ onClick: () => void navigate(subjectPath(study.id, r.id)) })}
      />

      {setup.data && (
        <RegisterSubjectModal
          open={registering}
          study={study}
          setup={setup.data}
          onClose={() => setRegistering(false)}
          onSaved={(s) => {
            setRegistering(false);
            void navigate(subjectPath(study.id, s.id));
          }}
        />
      )}
    </>
  );
}

/** The list's attention marks: consent to renew, eligibility not yet confirmed by an investigator. */
export function SubjectFlags({ item }: { item: Pick<SubjectListItem, 'needsReconsent' | 'unconfirmed'> }) {
  const { t } = useTranslation();
  return (
    <Space size={[4, 2]} wrap>
      {item.needsReconsent && (
        <Tag color="orange" variant="filled" data-testid="flag-reconsent">
          {t('subjectsUi.flags.needsReconsent')}
        </Tag>
      )}
      {item.unconfirmed && (
        <Tag color="red" variant="filled" data-testid="flag-unconfirmed">
          {t('subjectsUi.flags.unconfirmed')}
        </Tag>
      )}
    </Space>
  );
}
