import { Alert, Button, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { AuditActionTag } from '../../components/AuditChanges';
import i18n from '../../i18n';
import { formatDate, formatDateTime } from '../../i18n/format';
import { subjectError } from './forms';

/** Code fields of a subject's audit events, and the label lists that name their values. */
const subjectActionColors: Record<string, string> = {
  consent: 'cyan',
  screen: 'geekblue',
  enroll: 'green',
  cap_override: 'magenta',
};

const codeLists: Record<string, string> = {
  status: 'subjectsUi.status',
  sex: 'subjectsUi.sex',
  withdrawalReason: 'subjectsUi.withdrawalReason',
  meaning: 'subjectsUi.signature.meanings',
};

/** The eligibility checklist (code → met), as JSON text or as an object, read as "I1 met、E1 not met". */
function formatChecklist(value: unknown): string | null {
  let answers: unknown = value;
  if (typeof value === 'string') {
    try {
      answers = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (answers === null || typeof answers !== 'object') return null;
  const entries = Object.entries(answers as Record<string, unknown>);
  return entries
    .map(([code, met]) => `${code} ${i18n.t(met ? 'subjectsUi.screen.yes' : 'subjectsUi.screen.no')}`)
    .join(i18n.t('format.listSeparator'));
}

/** A changed value as people read it: labels for codes, local dates, yes/no, a dash for nothing. */
function formatValue(field: string, v: unknown, centers: ReadonlyMap<number, string>): string {
  const t = i18n.t.bind(i18n);
  if (v === null || v === undefined || v === '') return t('common.empty');
  if (field === 'eligibility') return formatChecklist(v) || t('common.empty');
  if (field === 'centerId' && typeof v === 'number') return centers.get(v) ?? String(v);
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'string') {
    const list = codeLists[field];
    if (list) return t(`${list}.${v}`, { defaultValue: v });
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
    return v;
  }
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function SubjectChanges({ entry, centers }: { entry: AuditEntry; centers: ReadonlyMap<number, string> }) {
  const { t } = useTranslation();
  const valuesOnly = entry.action === 'create' || entry.action === 'sign' || entry.action === 'sign_failed';
  return (
    <ul className={entry.action === 'create' ? 'td-changes td-changes-grid' : 'td-changes'}>
      {Object.entries(entry.changes).map(([field, [before, after]]) => (
        <li key={field}>
          <Typography.Text type="secondary">
            {t(`subjectsUi.fields.${field}`, { defaultValue: t(`fields.${field}`, { defaultValue: field }) })}
            {t('format.labelSuffix')}
          </Typography.Text>
          {!valuesOnly && (
            <>
              <span className="td-old">{formatValue(field, before, centers)}</span>
              {' → '}
            </>
          )}
          <span className={field === 'contentHash' ? 'td-mono' : undefined}>
            {field === 'contentHash' && typeof after === 'string'
              ? `${after.slice(0, 16)}…`
              : formatValue(field, after, centers)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The subject's own audit events (registration, edits, consents, status changes, signatures), newest first. */
export function SubjectHistory({
  subjectId,
  centers,
  refresh,
}: {
  subjectId: number;
  /** center id → code, for the center of a registration */
  centers: ReadonlyMap<number, string>;
  refresh: number;
}) {
  const { t } = useTranslation();
  const q = useApiQuery('audit.forRecord', { entity: 'subject', entityId: String(subjectId) }, refresh);
  const rows = q.data ? [...q.data].sort((a, b) => b.seq - a.seq) : undefined;

  const columns: TableProps<AuditEntry>['columns'] = [
    {
      key: 'at',
      title: t('history.time'),
      dataIndex: 'at',
      width: 170,
      render: (v: string) => formatDateTime(v, true),
    },
    { key: 'actor', title: t('history.user'), dataIndex: 'actor', width: 110 },
    {
      key: 'action',
      title: t('history.action'),
      dataIndex: 'action',
      width: 100,
      render: (v: string) =>
        // the subject's own actions (consent, screening, enrollment, cap override) are named here
        i18n.exists(`history.actions.${v}`) ? (
          <AuditActionTag action={v} />
        ) : (
          <Tag color={subjectActionColors[v] ?? 'default'}>
            {t(`subjectsUi.historyActions.${v}`, { defaultValue: v })}
          </Tag>
        ),
    },
    {
      key: 'changes',
      title: t('history.changes'),
      render: (_: unknown, e) => <SubjectChanges entry={e} centers={centers} />,
    },
    {
      key: 'reason',
      title: t('history.reason'),
      dataIndex: 'reason',
      width: 220,
      render: (v: string | null) => v ?? '',
    },
  ];

  if (q.error) {
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
  return (
    <Table<AuditEntry>
      className="td-top-aligned"
      data-testid="subject-history"
      size="small"
      rowKey="seq"
      columns={columns}
      dataSource={rows}
      loading={q.loading}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: t('history.empty') }}
    />
  );
}
