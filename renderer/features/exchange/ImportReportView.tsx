/**
 * An import's validation report on screen: rows to create / update / leave unchanged / rejected, a warning when the same
 * file was imported before, and every rejected cell with its sheet, row, column, value and reason in the user's language.
 * The same report downloads as a workbook (summary, rejected cells, unknown headers) to keep or send back to the sender.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Statistic, Table, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportRejection, ImportReport } from '../../../electron/api/imports';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { translateError, translateMessage } from '../../components/formErrors';
import i18n from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { downloadBase64 } from '../audit/AuditTrailPage';
import { XLSX_MIME } from './labels';

/** The reason in the screen's language (the server's text is in the language asked for when validating). */
export function rejectionReason(r: ImportRejection): string {
  return i18n.exists(`msg.${r.messageKey}`) ? translateMessage(r.messageKey, r.params) : r.reason;
}

/** `mapping`: the column mapping form, shown above the rejected cells (mapping a column is often the whole fix). */
export function ImportReportView({ report, mapping }: { report: ImportReport; mapping?: ReactNode }) {
  const { t } = useTranslation();
  const stats = [
    { key: 'created', value: report.created, color: undefined },
    { key: 'updated', value: report.updated, color: undefined },
    { key: 'unchanged', value: report.unchanged, color: '#8c8c8c' },
    { key: 'rejected', value: report.rejectedRows, color: report.rejectedRows > 0 ? '#cf1322' : undefined },
  ] as const;
  return (
    <section data-testid="import-report">
      <Typography.Title level={5} style={{ marginBottom: 4 }}>
        {t('exchangeUi.import.report.title')}
        <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginInlineStart: 8 }}>
          {report.fileName}
        </Typography.Text>
      </Typography.Title>
      {report.sheets.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 4, fontSize: 12 }}>
          {t('exchangeUi.import.report.sheets', {
            sheets: report.sheets.map((s) => s.name).join(t('format.listSeparator')),
          })}
        </Typography.Paragraph>
      )}
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', margin: '12px 0', alignItems: 'center' }}>
        {stats.map((s) => (
          <Card key={s.key} size="small" style={{ flex: '0 1 170px', minWidth: 140 }}>
            <Statistic
              title={t(`exchangeUi.import.report.${s.key}`)}
              value={s.value}
              styles={{ content: s.color ? { color: s.color } : undefined }}
              data-testid={`import-${s.key}`}
            />
          </Card>
        ))}
        <DownloadReport report={report} />
      </div>
      {report.importedBefore && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12, maxWidth: 860 }}
          data-testid="import-imported-before"
          title={t('exchangeUi.import.report.importedBefore', {
            when: formatDateTime(report.importedBefore.at),
            batch: report.importedBefore.batchId,
          })}
        />
      )}
      {report.rejected.length > 0 ? (
        <>
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12, maxWidth: 860 }}
            title={t(
              report.unknownHeaders.length > 0
                ? 'exchangeUi.import.report.hasRejectionsMapping'
                : 'exchangeUi.import.report.hasRejections',
              { rows: report.rejectedRows },
            )}
          />
          {mapping}
          <RejectionsTable rejected={report.rejected} />
        </>
      ) : (
        <>
          {report.token ? (
            <Alert
              type="success"
              showIcon
              style={{ maxWidth: 860 }}
              title={t('exchangeUi.import.report.ready')}
              data-testid="import-ready"
            />
          ) : (
            <Alert type="info" showIcon style={{ maxWidth: 860 }} title={t('exchangeUi.import.report.nothingToDo')} />
          )}
          {mapping}
        </>
      )}
    </section>
  );
}

/** 下载报告: the report as a workbook, in the screen's language (its reasons translated again on the server). */
function DownloadReport({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { locale } = useSession();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const out = await call('imports.report', { jobId: report.jobId, lang: locale });
      downloadBase64(out.fileName, out.base64, XLSX_MIME);
      void message.success(t('exchangeUi.import.reportFile.downloaded', { file: out.fileName }));
    } catch (err) {
      void message.error(translateError(asApiError(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={busy}
      onClick={() => void download()}
      title={t('exchangeUi.import.reportFile.hint')}
      data-testid="import-report-download"
    >
      {t('exchangeUi.import.reportFile.download')}
    </Button>
  );
}

function RejectionsTable({ rejected }: { rejected: ImportRejection[] }) {
  const { t } = useTranslation();
  return (
    <Table<ImportRejection & { n: number }>
      size="small"
      bordered
      data-testid="import-rejections"
      rowKey="n"
      dataSource={rejected.map((r, n) => ({ ...r, n }))}
      pagination={{
        pageSize: 10,
        hideOnSinglePage: true,
        showSizeChanger: false,
        showTotal: (count) => t('exchangeUi.import.rejections.total', { count }),
      }}
      title={() => <Typography.Text strong>{t('exchangeUi.import.rejections.title')}</Typography.Text>}
      columns={[
        { key: 'sheet', title: t('exchangeUi.import.rejections.sheet'), dataIndex: 'sheet', width: 140 },
        {
          key: 'row',
          title: t('exchangeUi.import.rejections.row'),
          width: 70,
          align: 'right',
          render: (_, r) => (r.row > 0 ? r.row : t('exchangeUi.import.rejections.wholeSheet')),
        },
        { key: 'column', title: t('exchangeUi.import.rejections.column'), dataIndex: 'column', width: 60 },
        {
          key: 'value',
          title: t('exchangeUi.import.rejections.value'),
          width: 180,
          ellipsis: true,
          render: (_, r) => <span className="td-mono">{r.value}</span>,
        },
        { key: 'reason', title: t('exchangeUi.import.rejections.reason'), render: (_, r) => rejectionReason(r) },
      ]}
    />
  );
}
