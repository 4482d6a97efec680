/**
 * The audit trail viewer: filters (study, record kind and ID, user, action, local date range), the events newest first
 * with their changes, export of the filtered trail to Excel, and the integrity check of the hash chain.
 */
import { DownloadOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Input,
  Select,
  Space,
  Table,
  Tooltip,
  Typography,
  type TableProps,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, AuditVerifyResult, InputOf } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { AuditActionTag, AuditChanges } from '../../components/AuditChanges';
import { ErrorState } from '../../components/ErrorState';
import { translateError } from '../../components/formErrors';
import { DATE, formatDateTime } from '../../i18n/format';

type Filters = Omit<InputOf<'audit.list'>, 'limit' | 'offset' | 'utcOffsetMinutes'>;

const RECORD_KINDS = [
  'study',
  'center',
  'subject',
  'visit',
  'deviation',
  'adverse_event',
  'susar_report',
  'schedule_version',
  'holiday',
  'ctcae',
  'safety_settings',
  'export_delivery',
  'import_batch',
  'user',
  'setting',
] as const;
const ACTIONS = [
  'create',
  'update',
  'status',
  'consent',
  'screen',
  'enroll',
  'sign',
  'sign_failed',
  'setting',
  // visits (issue 5): after the older ones, so that the first screen of the list stays as it was
  'schedule',
  'record',
  'deviation_decision',
  // safety (issue 6)
  'report',
  'acknowledge',
  'export',
  'import',
  'load',
] as const;
const PAGE_SIZE = 50;

/** The workstation's offset east of UTC, in minutes, for the server to turn local dates into UTC bounds. */
const utcOffsetMinutes = () => -new Date().getTimezoneOffset();

/** Saves bytes the server returned as a file, in both hosts (a Blob URL and a download link). */
export function downloadBase64(fileName: string, base64: string, mime: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AuditTrailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [entityIdText, setEntityIdText] = useState('');
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [verified, setVerified] = useState<AuditVerifyResult | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const offset = utcOffsetMinutes();
  const q = useApiQuery('audit.list', {
    ...filters,
    utcOffsetMinutes: offset,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  const studies = useApiQuery('studies.list', { limit: 1000, sort: 'protocolNumber', order: 'asc' });
  const actors = useApiQuery('audit.actors', {});

  const update = (patch: Partial<Filters>) => {
    setFilters((f) => {
      const next: Filters = { ...f, ...patch };
      for (const k of Object.keys(next) as (keyof Filters)[]) if (next[k] === undefined) delete next[k];
      return next;
    });
    setPage(1);
  };
  const reset = () => {
    setFilters({});
    setRange(null);
    setEntityIdText('');
    setPage(1);
  };

  const canExport = user?.role !== 'monitor';
  const canVerify = user?.role === 'admin';

  const exportExcel = async () => {
    setExporting(true);
    setActionError(null);
    try {
      const out = await call('audit.export', { ...filters, utcOffsetMinutes: offset });
      downloadBase64(out.fileName, out.base64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      void message.success(t('auditTrail.exported', { count: out.rows, file: out.fileName }));
    } catch (err) {
      setActionError(translateError(asApiError(err)));
    } finally {
      setExporting(false);
    }
  };
  const verify = async () => {
    setVerifying(true);
    setActionError(null);
    setVerified(null);
    try {
      setVerified(await call('audit.verify', {}));
    } catch (err) {
      setActionError(translateError(asApiError(err)));
    } finally {
      setVerifying(false);
    }
  };

  const studyCodes = new Map((studies.data ?? []).map((s) => [s.id, s.protocolNumber]));
  const recordLabel = (e: AuditEntry) => {
    const kind = t(`entities.${e.entity}`, { defaultValue: e.entity });
    if (e.entity === 'study') return `${kind} ${studyCodes.get(Number(e.entityId)) ?? e.entityId}`;
    return `${kind} #${e.entityId}`;
  };

  const columns: TableProps<AuditEntry>['columns'] = [
    { key: 'seq', title: '#', dataIndex: 'seq', width: 64, align: 'right' },
    {
      key: 'at',
      title: t('history.time'),
      dataIndex: 'at',
      width: 172,
      render: (v: string) => (
        <div>
          <div>{formatDateTime(v, true)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 11 }}>
            {t('auditTrail.utc', { time: v.slice(0, 19).replace('T', ' ') })}
          </Typography.Text>
        </div>
      ),
    },
    { key: 'actor', title: t('history.user'), dataIndex: 'actor', width: 110 },
    {
      key: 'action',
      title: t('history.action'),
      dataIndex: 'action',
      width: 100,
      render: (v: string) => <AuditActionTag action={v} />,
    },
    {
      key: 'record',
      title: t('history.record'),
      width: 180,
      render: (_: unknown, e) => (
        <div>
          <div>{recordLabel(e)}</div>
          {e.studyId !== null && e.entity !== 'study' && (
            <Typography.Text type="secondary" style={{ fontSize: 11 }}>
              {studyCodes.get(e.studyId) ?? `#${e.studyId}`}
            </Typography.Text>
          )}
        </div>
      ),
    },
    { key: 'changes', title: t('history.changes'), render: (_: unknown, e) => <AuditChanges entry={e} /> },
    {
      key: 'reason',
      title: t('history.reason'),
      dataIndex: 'reason',
      width: 200,
      render: (v: string | null) => v ?? '',
    },
  ];

  return (
    <>
      <div className="td-page-header">
        <div>
          <Typography.Title level={4}>{t('auditTrail.title')}</Typography.Title>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('auditTrail.intro')}
            {q.data && (
              <>
                {' '}
                <Typography.Text strong style={{ fontSize: 12 }} data-testid="audit-total">
                  {t('auditTrail.total', { total: q.data.total })}
                </Typography.Text>
              </>
            )}
          </Typography.Text>
        </div>
        <Space>
          {canExport && (
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportExcel()}>
              {t('auditTrail.export')}
            </Button>
          )}
          {canVerify && (
            <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()}>
              {t('auditTrail.verify')}
            </Button>
          )}
        </Space>
      </div>

      {verified && (
        <Alert
          data-testid="audit-verify-result"
          type={verified.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setVerified(null) }}
          style={{ marginBottom: 12 }}
          title={
            verified.ok || !verified.firstBroken
              ? t('auditTrail.verifyOk', { count: verified.events })
              : t('auditTrail.verifyBroken', {
                  seq: verified.firstBroken.seq,
                  problem: t(`auditTrail.problems.${verified.firstBroken.problem}`),
                  count: verified.events,
                })
          }
        />
      )}
      {actionError && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setActionError(null) }}
          style={{ marginBottom: 12 }}
          title={actionError}
        />
      )}

      <div className="td-panel">
        <div className="td-audit-filters">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('auditTrail.allStudies')}
            aria-label={t('auditTrail.study')}
            style={{ width: 210 }}
            value={filters.studyId}
            onChange={(v: number | undefined) => update({ studyId: v })}
            options={(studies.data ?? []).map((s) => ({ value: s.id, label: `${s.protocolNumber} · ${s.shortTitle}` }))}
          />
          <Select
            allowClear
            placeholder={t('auditTrail.entity')}
            aria-label={t('auditTrail.entity')}
            style={{ width: 110 }}
            value={filters.entity}
            onChange={(v: string | undefined) => {
              if (!v) setEntityIdText('');
              update({ entity: v, entityId: v ? filters.entityId : undefined });
            }}
            options={RECORD_KINDS.map((k) => ({ value: k, label: t(`entities.${k}`) }))}
          />
          <Input
            allowClear
            placeholder={t('auditTrail.entityId')}
            aria-label={t('auditTrail.entityId')}
            style={{ width: 90 }}
            disabled={!filters.entity}
            value={entityIdText}
            onChange={(e) => {
              setEntityIdText(e.target.value);
              update({ entityId: e.target.value.trim() || undefined });
            }}
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('auditTrail.user')}
            aria-label={t('auditTrail.user')}
            style={{ width: 150 }}
            value={filters.actor}
            onChange={(v: string | undefined) => update({ actor: v })}
            options={(actors.data ?? []).map((a) => ({
              value: a.username,
              label: a.displayName ? `${a.displayName} (${a.username})` : a.username,
            }))}
          />
          <Select
            allowClear
            placeholder={t('auditTrail.action')}
            aria-label={t('auditTrail.action')}
            style={{ width: 110 }}
            value={filters.action}
            onChange={(v: string | undefined) => update({ action: v })}
            options={ACTIONS.map((a) => ({ value: a, label: t(`history.actions.${a}`) }))}
          />
          <DatePicker.RangePicker
            style={{ width: 240 }}
            aria-label={t('auditTrail.dateRange')}
            allowEmpty={[true, true]}
            value={range}
            format={t('format.date')}
            onChange={(v) => {
              setRange(v);
              update({ from: v?.[0]?.format(DATE), to: v?.[1]?.format(DATE) });
            }}
          />
          <Button onClick={reset}>{t('auditTrail.reset')}</Button>
        </div>
        {q.error && !q.data ? (
          <ErrorState error={q.error} onRetry={q.reload} />
        ) : (
          <>
            {q.error && (
              <Alert
                type="error"
                showIcon
                title={translateError(q.error)}
                style={{ marginBottom: 12 }}
                action={
                  <Tooltip title={t('common.retry')}>
                    <Button size="small" icon={<ReloadOutlined />} onClick={q.reload} />
                  </Tooltip>
                }
              />
            )}
            <Table<AuditEntry>
              className="td-top-aligned"
              size="small"
              rowKey="seq"
              columns={columns}
              dataSource={q.data?.rows}
              loading={q.loading}
              locale={{ emptyText: t('auditTrail.empty') }}
              pagination={{
                current: page,
                pageSize: PAGE_SIZE,
                total: q.data?.total ?? 0,
                showSizeChanger: false,
                hideOnSinglePage: true,
                onChange: setPage,
              }}
              data-testid="audit-table"
            />
          </>
        )}
      </div>
    </>
  );
}
