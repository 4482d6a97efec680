import { Alert, Button, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { AuditActionTag } from '../../components/AuditChanges';
import i18n from '../../i18n';
import { formatDate, formatDateTime } from '../../i18n/format';
import { aeError, aeFieldLabel } from './forms';
import { aeNumberText, expectedText } from './labels';

/** Code fields of an AE's audit events, and the label lists that name their values. */
const codeLists: Record<string, string> = {
  severity: 'aesUi.severity',
  causality: 'aesUi.causality',
  action: 'aesUi.action',
  outcome: 'aesUi.outcome',
  method: 'aesUi.method',
};

/** A changed value of an AE as people read it: labels for codes, local dates and times, yes/no, a dash for nothing. */
function formatValue(field: string, v: unknown): string {
  const t = i18n.t.bind(i18n);
  if (v === null || v === undefined || v === '') return t('common.empty');
  if (field === 'expected' && typeof v === 'boolean') return expectedText(v);
  if (field === 'aeNumber' && typeof v === 'number') return aeNumberText(v);
  if (field === 'grade' && typeof v === 'number') return t('aesUi.grade', { grade: v });
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (field === 'seriousCriteria') {
    let list: unknown = v;
    if (typeof v === 'string') {
      try {
        list = JSON.parse(v);
      } catch {
        return v;
      }
    }
    if (Array.isArray(list)) {
      return list.length
        ? list.map((c) => t(`aesUi.criteria.${String(c)}`, { defaultValue: String(c) })).join(t('format.listSeparator'))
        : t('common.empty');
    }
  }
  if (field === 'meaning' && v === 'ae_assessed') return t('aesUi.signature.meaning');
  if (typeof v === 'string') {
    const list = codeLists[field];
    if (list) return t(`${list}.${v}`, { defaultValue: v });
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return formatDateTime(v);
    return v;
  }
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function AeChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const valuesOnly = entry.action === 'create' || entry.action === 'sign' || entry.action === 'sign_failed';
  return (
    <ul className={entry.action === 'create' ? 'td-changes td-changes-grid' : 'td-changes'}>
      {Object.entries(entry.changes).map(([field, [before, after]]) => (
        <li key={field}>
          <Typography.Text type="secondary">
            {aeFieldLabel(field)}
            {t('format.labelSuffix')}
          </Typography.Text>
          {!valuesOnly && (
            <>
              <span className="td-old">{formatValue(field, before)}</span>
              {' → '}
            </>
          )}
          <span className={field === 'contentHash' ? 'td-mono' : undefined}>
            {field === 'contentHash' && typeof after === 'string'
              ? `${after.slice(0, 16)}…`
              : formatValue(field, after)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The AE's own audit events (recorded, changed with reasons, SAE reports, signatures), newest first. */
export function AeHistory({ aeId, refresh }: { aeId: number; refresh: number }) {
  const { t } = useTranslation();
  const q = useApiQuery('audit.forRecord', { entity: 'adverse_event', entityId: String(aeId) }, refresh);
  const rows = q.data ? [...q.data].sort((a, b) => b.seq - a.seq) : undefined;

  const columns: TableProps<AuditEntry>['columns'] = [
    {
      key: 'at',
      title: t('history.time'),
      dataIndex: 'at',
      width: 160,
      render: (v: string) => formatDateTime(v, true),
    },
    { key: 'actor', title: t('history.user'), dataIndex: 'actor', width: 100 },
    {
      key: 'action',
      title: t('history.action'),
      dataIndex: 'action',
      width: 100,
      render: (v: string) =>
        i18n.exists(`history.actions.${v}`) ? (
          <AuditActionTag action={v} />
        ) : (
          <Tag color="volcano">{t(`aesUi.historyActions.${v}`, { defaultValue: v })}</Tag>
        ),
    },
    { key: 'changes', title: t('history.changes'), render: (_: unknown, e) => <AeChanges entry={e} /> },
    {
      key: 'reason',
      title: t('history.reason'),
      dataIndex: 'reason',
      width: 180,
      render: (v: string | null) => v ?? '',
    },
  ];

  if (q.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={aeError(q.error)}
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
      data-testid="ae-history"
      size="small"
      rowKey="seq"
      columns={columns}
      dataSource={rows}
      loading={q.loading}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: t('history.empty') }}
    />
  );
}
