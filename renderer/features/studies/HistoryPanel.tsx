import { Alert, Button, Table, type TableProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, AuditEntry, StudyDetail } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { translateError } from '../../components/formErrors';
import { AuditActionTag, AuditChanges } from '../../components/AuditChanges';
import { formatDateTime } from '../../i18n/format';

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
      render: (v: string) => <AuditActionTag action={v} />,
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
    { key: 'changes', title: t('history.changes'), render: (_: unknown, e) => <AuditChanges entry={e} /> },
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
