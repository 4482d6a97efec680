import { Alert, Form, Input, Modal, type GetRef } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError } from '../api/client';
import { DateField } from './DateField';
import { applyFieldErrors, clearErrorsOnChange } from './formErrors';
import { focusFirstField } from './focus';

export interface ReasonValues {
  reason: string | null;
  date: string | null;
}

export interface ReasonModalProps {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  /** mark the reason as required (the server has asked for it) */
  reasonRequired?: boolean;
  /** hide the reason field (e.g. a plain activation) */
  withReason?: boolean;
  /** ask for a date too (activation), starting from `initial` */
  date?: { label: string; initial: string | null } | null;
  okText?: string;
  /** throws an ApiCallError to show its reason/date errors here */
  onSubmit: (values: ReasonValues) => Promise<void>;
  onCancel: () => void;
}

/**
 * Asks why (and, for activations, when) before a change the audit trail must explain. The rules of when a reason is
 * needed live in the server; this modal only shows its verdict on the fields.
 */
export function ReasonModal({
  open,
  title,
  description,
  reasonRequired = false,
  withReason = true,
  date,
  okText,
  onSubmit,
  onCancel,
}: ReasonModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason?: string; date?: string | null }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const reasonRef = useRef<GetRef<typeof Input.TextArea>>(null);

  const finish = async (values: { reason?: string; date?: string | null }) => {
    setBusy(true);
    setAlert(null);
    try {
      await onSubmit({ reason: values.reason?.trim() || null, date: values.date ?? null });
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), ['reason', 'date']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText ?? t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible && withReason) focusFirstField(reasonRef.current);
      }}
      afterClose={() => setAlert(null)}
    >
      {description && <div style={{ marginBottom: 16 }}>{description}</div>}
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ date: date?.initial ?? null }}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void finish(v)}
      >
        {date && (
          <Form.Item name="date" label={date.label} required>
            <DateField />
          </Form.Item>
        )}
        {withReason && (
          <Form.Item
            name="reason"
            label={t('reason.label')}
            required={reasonRequired}
            rules={reasonRequired ? [{ required: true, whitespace: true, message: t('msg.validation.required') }] : []}
          >
            <Input.TextArea
              ref={reasonRef}
              rows={3}
              maxLength={500}
              showCount
              placeholder={t('reason.placeholder')}
              // Ctrl/⌘+Enter confirms; plain Enter is a new line
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.submit();
              }}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
