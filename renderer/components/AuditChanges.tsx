/**
 * How an audit event's changes and action read on screen: used by a record's history (features/studies/HistoryPanel)
 * and by the audit trail viewer (features/audit).
 */
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../electron/api';
import i18n from '../i18n';
import { formatDate } from '../i18n/format';

const actionColors: Record<string, string> = {
  create: 'green',
  update: 'blue',
  status: 'orange',
  setting: 'default',
  sign: 'purple',
  sign_failed: 'red',
  consent: 'cyan',
  screen: 'geekblue',
  enroll: 'green',
  cap_override: 'magenta',
  schedule: 'blue',
  record: 'cyan',
  deviation_decision: 'volcano',
};

/** A changed value as people read it: labels for codes, local dates, yes/no, a dash for nothing. */
export function formatValue(entity: string, field: string, v: unknown): string {
  const t = i18n.t.bind(i18n);
  if (v === null || v === undefined || v === '') return t('common.empty');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'string') {
    if (field === 'status' && entity === 'subject') return t(`subjectsUi.status.${v}`, { defaultValue: v });
    if (field === 'status' && entity === 'visit') return t(`visitsUi.status.${v}`, { defaultValue: v });
    if (field === 'category' && entity === 'deviation') return t(`schedulesUi.category.${v}`, { defaultValue: v });
    if (field === 'severity' && entity === 'deviation') return t(`schedulesUi.severity.${v}`, { defaultValue: v });
    if (field === 'withdrawalReason') return t(`subjectsUi.withdrawalReason.${v}`, { defaultValue: v });
    if (field === 'sex') return t(`subjectsUi.sex.${v}`, { defaultValue: v });
    if (field === 'status') return t(`${entity === 'center' ? 'centerStatus' : 'studyStatus'}.${v}`);
    if (field === 'phase') return t(`phase.${v}`);
    if (field === 'therapeuticArea') return t(`area.${v}`);
    if (field === 'meaning') return t(`signatures.meanings.${v}`, { defaultValue: v });
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
    return v;
  }
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** A field's label: a subject's or a visit's own labels first, then the shared ones, else the code (C1D8 …). */
function fieldLabel(
  t: (key: string, opts?: { defaultValue: string }) => string,
  entity: string,
  field: string,
): string {
  const shared = t(`fields.${field}`, { defaultValue: field });
  if (entity === 'subject') return t(`subjectsUi.fields.${field}`, { defaultValue: shared });
  if (entity === 'visit') return t(`visitsUi.fields.${field}`, { defaultValue: shared });
  return shared;
}

/** The changed fields of one event: "field: old → new" (a created record: "field: value"). */
export function AuditChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const created = entry.action === 'create';
  // a new record or a signature lists values only: one column of "old → new" would be all dashes
  const valuesOnly = created || entry.action === 'sign' || entry.action === 'sign_failed';
  return (
    // a new record lists every field: two columns keep it short
    <ul className={created ? 'td-changes td-changes-grid' : 'td-changes'}>
      {Object.entries(entry.changes).map(([field, [before, after]]) => (
        <li key={field}>
          <Typography.Text type="secondary">
            {fieldLabel(t, entry.entity, field)}
            {t('format.labelSuffix')}
          </Typography.Text>
          {!valuesOnly && (
            <>
              <span className="td-old">{formatValue(entry.entity, field, before)}</span>
              {' → '}
            </>
          )}
          <span className={field === 'contentHash' ? 'td-mono' : undefined}>
            {field === 'contentHash' && typeof after === 'string'
              ? `${after.slice(0, 16)}…`
              : formatValue(entry.entity, field, after)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function AuditActionTag({ action }: { action: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={actionColors[action] ?? 'default'}>{t(`history.actions.${action}`, { defaultValue: action })}</Tag>
  );
}
