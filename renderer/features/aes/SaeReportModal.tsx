/**
 * Logs an SAE report sent to the sponsor: the first one is the initial report (it stops the 24-hour clock: on time or
 * late, as the server says), later ones are numbered follow-up reports.
 */
import { Alert, Form, Input, Modal, Select } from 'antd';
import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { AeView, ReportMethod } from '../../../electron/api';
import { call } from '../../api/client';
import { formatDateTime } from '../../i18n/format';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';
import { DateTimeField } from './DateTimeField';
import { placeAeErrors } from './forms';
import { aeNumberText, methodOptions } from './labels';

interface ReportValues {
  sentAt: string | null;
  recipient?: string;
  method: ReportMethod;
  notes?: string | null;
}

/** "首次报告" for the first report, "随访报告 2" for the third. */
export function reportName(t: (key: string, opts?: Record<string, unknown>) => string, n: number): string {
  return n === 0 ? t('aesUi.report.initial') : t('aesUi.report.followUp', { n });
}

export function SaeReportModal({
  ae,
  onClose,
  onSaved,
}: {
  /** the serious AE; null: closed */
  ae: AeView | null;
  onClose: () => void;
  onSaved: (ae: AeView, what: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReportValues>();
  const next = ae?.reports.length ?? 0;
  const what = reportName(t, next);
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: ReportValues) =>
      call('aes.reportSae', {
        aeId: ae?.id ?? 0,
        sentAt: v.sentAt ?? '',
        recipient: v.recipient?.trim() ?? '',
        method: v.method,
        notes: v.notes?.trim() || null,
      }),
    onSaved: (saved) => onSaved(saved, what),
    onClose,
    place: placeAeErrors,
  });

  useLayoutEffect(() => {
    if (!ae) return;
    // the same recipient and way as the last report, sent now
    const last = ae.reports.at(-1);
    form.setFieldsValue({
      sentAt: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
      recipient: last?.recipient ?? '',
      method: last?.method ?? 'email',
      notes: null,
    });
  }, [form, ae]);

  return (
    <Modal
      open={ae !== null}
      title={
        ae &&
        (next === 0
          ? t('aesUi.report.initialTitle', { number: aeNumberText(ae.aeNumber) })
          : t('aesUi.report.followUpTitle', { n: next, number: aeNumberText(ae.aeNumber) }))
      }
      okText={t('common.save')}
      width={520}
      data-testid="sae-report-modal"
      {...modalProps}
    >
      {ae?.sae && next === 0 && (
        <Alert
          type={ae.sae.state === 'overdue' ? 'error' : 'info'}
          showIcon
          title={t('aesUi.clock.dueHint', { due: formatDateTime(ae.sae.dueAt), hours: ae.sae.hours })}
          style={{ marginBottom: 12 }}
        />
      )}
      <FormAlert text={alert} testId="sae-report-alert" />
      <Form<ReportValues>
        form={form}
        name="sae-report"
        layout="vertical"
        preserve={false}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Form.Item name="sentAt" label={t('aesUi.fields.sentAt')} required>
          <DateTimeField />
        </Form.Item>
        <Form.Item name="recipient" label={t('aesUi.fields.recipient')} required>
          <Input maxLength={200} placeholder={t('aesUi.report.recipientPlaceholder')} />
        </Form.Item>
        <Form.Item name="method" label={t('aesUi.fields.method')} required>
          <Select options={methodOptions()} />
        </Form.Item>
        <Form.Item name="notes" label={t('aesUi.fields.notes')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
