import { LockOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { IdentificationRow, StudyDetail } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { formatDate, formatDateTime } from '../../i18n/format';
import { subjectError } from './forms';

/**
 * The subject identification code list (鉴认代码表, ICH E6 8.3.21): subject number → name, record number, contact.
 * Kept by the investigator only, never exported to a sponsor; printed for the investigator's file. Printing hides the
 * app around it (styles.css, @media print).
 */
export function IdentificationListPanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const q = useApiQuery('subjects.identificationList', { studyId: study.id });
  const own = study.centers.find((c) => c.isOwn);

  const columns: TableProps<IdentificationRow>['columns'] = [
    {
      key: 'index',
      title: t('subjectsUi.logs.index'),
      width: 50,
      align: 'right',
      render: (_: unknown, _r, i) => i + 1,
    },
    {
      key: 'subjectNumber',
      title: t('subjectsUi.fields.subjectNumber'),
      dataIndex: 'subjectNumber',
      width: 100,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'screeningNumber',
      title: t('subjectsUi.fields.screeningNumber'),
      dataIndex: 'screeningNumber',
      width: 100,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    { key: 'initials', title: t('subjectsUi.fields.initials'), dataIndex: 'initials', width: 70 },
    {
      key: 'name',
      title: t('subjectsUi.fields.name'),
      dataIndex: 'name',
      width: 90,
      render: (v: string | null) => v ?? '',
    },
    {
      key: 'birth',
      title: t('subjectsUi.fields.birth'),
      width: 100,
      render: (_: unknown, r) => (r.birthDate ? formatDate(r.birthDate) : (r.birthYear ?? '')),
    },
    {
      key: 'recordNumber',
      title: t('subjectsUi.fields.recordNumber'),
      dataIndex: 'recordNumber',
      width: 110,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'idNumber',
      title: t('subjectsUi.fields.idNumber'),
      dataIndex: 'idNumber',
      width: 170,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'phone',
      title: t('subjectsUi.fields.phone'),
      dataIndex: 'phone',
      width: 120,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    {
      key: 'firstConsentDate',
      title: t('subjectsUi.identification.firstConsent'),
      dataIndex: 'firstConsentDate',
      width: 110,
      render: (v: string | null) => formatDate(v),
    },
  ];

  return (
    <div className="td-print-area" data-testid="identification-list">
      {/* shown on paper only: the screen has the study page's header */}
      <div className="td-print-heading">
        <Typography.Title level={5} style={{ margin: '0 0 4px' }}>
          {t('subjectsUi.identification.title')}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('subjectsUi.identification.heading', {
            protocolNumber: study.protocolNumber,
            center: own ? `${own.code} · ${own.hospitalName}` : '',
            pi: own?.pi ?? study.sitePi,
            time: formatDateTime(new Date().toISOString()),
          })}
        </Typography.Text>
      </div>
      <div className="td-toolbar">
        <Alert
          type="warning"
          showIcon
          icon={<LockOutlined />}
          title={t('subjectsUi.identification.confidential')}
          style={{ flex: 1, padding: '4px 12px' }}
        />
        <Button className="td-no-print" icon={<PrinterOutlined />} onClick={() => window.print()}>
          {t('subjectsUi.identification.print')}
        </Button>
      </div>
      {q.error && <Alert type="error" showIcon title={subjectError(q.error)} style={{ margin: '8px 0' }} />}
      <Table<IdentificationRow>
        size="small"
        bordered
        rowKey="subjectId"
        columns={columns}
        dataSource={q.data}
        loading={q.loading}
        // all rows at once: the list is printed as a whole
        pagination={false}
        locale={{ emptyText: t('subjectsUi.identification.empty') }}
        style={{ marginTop: 8 }}
      />
    </div>
  );
}
