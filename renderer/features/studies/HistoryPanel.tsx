import { Alert, Button, Table, Tag, Typography, type TableProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, AuditEntry, StudyDetail } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { translateError } from '../../components/formErrors';
import i18n from '../../i18n';
import { formatDate, formatDateTime } from '../../i18n/format';

const actionColors: Record<string, string> = { create: 'green', update: 'blue', status: 'orange', setting: 'default' };

/** A changed value as people read it: labels for codes, local dates, yes/no, a dash for nothing. */
function formatValue(entity: string, field: string, v: unknown): string {
  const t = i18n.t.bind(i18n);
  if (v === null || v === undefined || v === '') return t('common.empty');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'string') {
    if (field === 'status') return t(`${entity === 'center' ? 'centerStatus' : 'studyStatus'}.${v}`);
    if (field === 'phase') return t(`phase.${v}`);
    if (field === 'therapeuticArea') return t(`area.${v}`);
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
    return v;
  }
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

function Changes({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const created = entry.action === 'create';
  return (
    // a new record lists every field: two columns keep it short
    <ul className={created ? 'td-changes td-changes-grid' : 'td-changes'}>
      {Object.entries(entry.changes).map(([field, [before, after]]) => (
        <li key={field}>
          <Typography.Text type="secondary">
            {t(`fields.${field}`, { defaultValue: field })}
            {t('format.labelSuffix')}
          </Typography.Text>
          {!created && (
            <>
              <span className="td-old">{formatValue(entry.entity, field, before)}</span>
              {' → '}
            </>
          )}
          <span>{formatValue(entry.entity, field, after)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The study's audit events and those of its centers, newest first. */
export function HistoryPanel({ study, refresh }: { study: StudyDetail; refresh: number }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ key: string; rows?: AuditEntry[]; error?: ApiError }>();
  const [attempt, setAttempt] = useState(0);
  const centerIds = study.centers.map((c) => c.id).join(',');
  const key = `${study.id}:${centerIds}:${refresh}:${attempt}`;

  useEffect(() => {
    let current = true;
    const [studyId, ids] = key.split(':') as [string, string];
    const records = [
      call('audit.forRecord', { entity: 'study', entityId: studyId }),
      ...ids
        .split(',')
        .filter(Boolean)
        .map((id) => call('audit.forRecord', { entity: 'center', entityId: id })),
    ];
    Promise.all(records).then(
      (lists) => current && setState({ key, rows: lists.flat().sort((a, b) => b.seq - a.seq) }),
      (err: unknown) => current && setState({ key, error: asApiError(err) }),
    );
    return () => {
      current = false;
    };
  }, [key]);

  const codes = new Map(study.centers.map((c) => [String(c.id), c.code]));
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
      render: (v: string) => (
        <Tag color={actionColors[v] ?? 'default'}>{t(`history.actions.${v}`, { defaultValue: v })}</Tag>
      ),
    },
    {
      key: 'record',
      title: t('history.record'),
      width: 130,
      render: (_: unknown, e) =>
        e.entity === 'center'
          ? `${t('entities.center')} ${codes.get(e.entityId) ?? e.entityId}`
          : t(`entities.${e.entity}`, { defaultValue: e.entity }),
    },
    { key: 'changes', title: t('history.changes'), render: (_: unknown, e) => <Changes entry={e} /> },
    {
      key: 'reason',
      title: t('history.reason'),
      dataIndex: 'reason',
      width: 220,
      render: (v: string | null) => v ?? '',
    },
  ];

  const fresh = state?.key === key;
  if (fresh && state.error) {
    return (
      <Alert
        type="error"
        showIcon
        title={translateError(state.error)}
        action={
          <Button size="small" onClick={() => setAttempt((a) => a + 1)}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  return (
    <Table<AuditEntry>
      className="td-top-aligned"
      size="small"
      rowKey="seq"
      columns={columns}
      dataSource={state?.rows}
      loading={!fresh}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: t('history.empty') }}
    />
  );
}
