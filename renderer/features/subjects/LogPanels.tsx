/**
 * The screening log (筛选表, ICH E6 8.3.20) and the enrollment log (入选表, E6 8.3.22), in the column layouts sites and
 * sponsors use (../shared/data/site_logs/log_layouts.csv). Both are de-identified: subjects by number and initials.
 */
import { Alert, Button, Descriptions, Table, Typography, type TableProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CodedItem,
  EnrollmentLogRow,
  ScreeningLogRow,
  StudyDetail,
  SubjectStatus,
  WithdrawalReason,
} from '../../../electron/api';
import type { Query } from '../../api/useApiQuery';
import { useApiQuery } from '../../api/useApiQuery';
import { SubjectStatusTag } from '../../components/StatusTag';
import { formatDate, formatDateTime } from '../../i18n/format';
import { CenterFilter } from './CenterFilter';
import { subjectError } from './forms';
import { codedLabel } from './labels';

const PAGE = { pageSize: 100, hideOnSinglePage: true, showSizeChanger: false, size: 'small' as const };

/** The log's page header (protocol, sponsor, investigator, center) and its center filter. */
function LogHeader({
  study,
  centerId,
  onCenter,
  count,
}: {
  study: StudyDetail;
  centerId: number | undefined;
  onCenter: (id: number | undefined) => void;
  count: number | undefined;
}) {
  const { t } = useTranslation();
  const center = study.centers.find((c) => c.id === centerId);
  return (
    <>
      <div className="td-toolbar">
        <CenterFilter study={study} value={centerId} onChange={onCenter} width={240} />
        {count !== undefined && (
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 'auto' }}>
            {t('subjectsUi.list.count', { count })}
          </Typography.Text>
        )}
      </div>
      <Descriptions
        size="small"
        column={4}
        style={{ marginBottom: 8 }}
        items={[
          { key: 'protocol', label: t('fields.protocolNumber'), children: study.protocolNumber },
          { key: 'sponsor', label: t('fields.sponsor'), children: study.sponsor },
          { key: 'pi', label: t('subjectsUi.logs.investigator'), children: center?.pi ?? study.sitePi },
          {
            key: 'center',
            label: t('subjectsUi.fields.center'),
            children: center ? `${center.code} · ${center.hospitalName}` : t('subjectsUi.list.allCenters'),
          },
        ]}
      />
    </>
  );
}

function LoadError<T>({ q }: { q: Query<T> }): ReactNode {
  const { t } = useTranslation();
  if (!q.error) return null;
  return (
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
  );
}

/** A log as printed: its header, a load error, and the table of its rows (one per subject), paged alike. */
function LogView<Row extends object>({
  testId,
  study,
  centerId,
  onCenter,
  q,
  columns,
  width,
}: {
  testId: string;
  study: StudyDetail;
  centerId: number | undefined;
  onCenter: (id: number | undefined) => void;
  q: Query<Row[]>;
  columns: TableProps<Row>['columns'];
  /** the table's scroll width: the log's columns at their set widths */
  width: number;
}) {
  const { t } = useTranslation();
  return (
    <>
      <LogHeader study={study} centerId={centerId} onCenter={onCenter} count={q.data?.length} />
      <LoadError q={q} />
      <Table<Row>
        data-testid={testId}
        size="small"
        bordered
        rowKey="subjectId"
        columns={columns}
        dataSource={q.data}
        loading={q.loading}
        pagination={PAGE}
        scroll={{ x: width }}
        locale={{ emptyText: t('subjectsUi.logs.empty') }}
      />
    </>
  );
}

/** The log's reason arrives as "CODE: detail" (or the detail alone): the code is shown by its label. */
function failureReason(reasons: readonly CodedItem[] | undefined, code: string | null, detail: string | null): string {
  const label = code ? (reasons?.find((r) => r.code === code)?.label ?? code) : null;
  return [label, detail].filter(Boolean).join(' — ');
}

const mono = (v: string | null) => <span className="td-mono">{v ?? ''}</span>;

export function ScreeningLogPanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const [centerId, setCenterId] = useState<number | undefined>();
  const q = useApiQuery('subjects.screeningLog', { studyId: study.id, centerId });
  const setup = useApiQuery('subjects.setup', { studyId: study.id });

  const yesNo = (v: boolean | null) => (v === null ? '' : v ? t('common.yes') : t('common.no'));
  const columns: TableProps<ScreeningLogRow>['columns'] = [
    { key: 'center', title: t('subjectsUi.fields.center'), dataIndex: 'centerCode', width: 64, render: mono },
    {
      key: 'screeningNumber',
      title: t('subjectsUi.fields.screeningNumber'),
      dataIndex: 'screeningNumber',
      width: 110,
      render: mono,
    },
    {
      key: 'subjectNumber',
      title: t('subjectsUi.fields.subjectNumber'),
      dataIndex: 'subjectNumber',
      width: 110,
      render: mono,
    },
    { key: 'initials', title: t('subjectsUi.fields.initials'), dataIndex: 'initials', width: 80, render: mono },
    {
      key: 'consentDate',
      title: t('subjectsUi.logs.consentDate'),
      dataIndex: 'consentDate',
      width: 110,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'consentVersion',
      title: t('subjectsUi.fields.consentVersion'),
      dataIndex: 'consentVersion',
      width: 110,
      render: (v: string | null) => v ?? '',
    },
    {
      key: 'screeningDate',
      title: t('subjectsUi.fields.screeningDate'),
      dataIndex: 'screeningDate',
      width: 110,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'eligible',
      title: t('subjectsUi.logs.eligible'),
      dataIndex: 'eligible',
      width: 90,
      align: 'center',
      render: (v: boolean | null) =>
        v === false ? <Typography.Text type="danger">{yesNo(v)}</Typography.Text> : yesNo(v),
    },
    {
      key: 'screenFailureReason',
      title: t('subjectsUi.fields.screenFailureReason'),
      dataIndex: 'screenFailureReason',
      ellipsis: true,
      render: (v: string | null, row) => {
        const text = failureReason(setup.data?.screenFailureReasons, v, row.screenFailureDetail);
        return <span title={text}>{text}</span>;
      },
    },
    {
      key: 'enrolled',
      title: t('subjectsUi.logs.enrolled'),
      dataIndex: 'enrolled',
      width: 80,
      align: 'center',
      render: (v: boolean) => yesNo(v),
    },
  ];

  return (
    <LogView<ScreeningLogRow>
      testId="screening-log"
      study={study}
      centerId={centerId}
      onCenter={setCenterId}
      q={q}
      columns={columns}
      width={1100}
    />
  );
}

export function EnrollmentLogPanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const [centerId, setCenterId] = useState<number | undefined>();
  const q = useApiQuery('subjects.enrollmentLog', { studyId: study.id, centerId });
  const setup = useApiQuery('subjects.setup', { studyId: study.id });
  // the log's running number is the row's place in enrollment order, across pages
  const position = new Map(q.data?.map((r, i) => [r.subjectId, i + 1]));

  const columns: TableProps<EnrollmentLogRow>['columns'] = [
    {
      key: 'index',
      title: t('subjectsUi.logs.index'),
      width: 50,
      align: 'right',
      render: (_: unknown, r) => position.get(r.subjectId),
    },
    { key: 'center', title: t('subjectsUi.fields.center'), dataIndex: 'centerCode', width: 56, render: mono },
    {
      key: 'subjectNumber',
      title: t('subjectsUi.fields.subjectNumber'),
      dataIndex: 'subjectNumber',
      width: 96,
      render: mono,
    },
    {
      key: 'screeningNumber',
      title: t('subjectsUi.fields.screeningNumber'),
      dataIndex: 'screeningNumber',
      width: 96,
      render: mono,
    },
    { key: 'initials', title: t('subjectsUi.fields.initials'), dataIndex: 'initials', width: 72, render: mono },
    {
      key: 'consentDate',
      title: t('subjectsUi.logs.consentDate'),
      dataIndex: 'consentDate',
      width: 104,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'screeningDate',
      title: t('subjectsUi.fields.screeningDate'),
      dataIndex: 'screeningDate',
      width: 104,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'enrollmentDate',
      title: t('subjectsUi.fields.enrollmentDate'),
      dataIndex: 'enrollmentDate',
      width: 104,
      render: (v: string) => formatDate(v),
    },
    {
      key: 'arm',
      title: t('subjectsUi.fields.arm'),
      dataIndex: 'arm',
      width: 120,
      ellipsis: true,
      render: (v: string | null) => codedLabel(setup.data?.arms, v),
    },
    {
      key: 'confirmed',
      title: t('subjectsUi.logs.confirmedBy'),
      width: 170,
      render: (_: unknown, r) =>
        r.confirmedBy ? (
          `${r.confirmedBy} ${formatDateTime(r.confirmedAt)}`
        ) : (
          <Typography.Text type="danger">{t('subjectsUi.flags.unconfirmed')}</Typography.Text>
        ),
    },
    {
      key: 'status',
      title: t('subjectsUi.fields.status'),
      dataIndex: 'status',
      width: 84,
      render: (v: SubjectStatus) => <SubjectStatusTag status={v} />,
    },
    {
      key: 'endDate',
      title: t('subjectsUi.logs.endDate'),
      dataIndex: 'endDate',
      width: 104,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'withdrawalReason',
      title: t('subjectsUi.logs.dropOutReason'),
      dataIndex: 'withdrawalReason',
      width: 110,
      render: (v: WithdrawalReason | null) => (v ? t(`subjectsUi.withdrawalReason.${v}`) : ''),
    },
  ];

  return (
    <LogView<EnrollmentLogRow>
      testId="enrollment-log"
      study={study}
      centerId={centerId}
      onCenter={setCenterId}
      q={q}
      columns={columns}
      width={1270}
    />
  );
}
