import { Form, Input, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { InputOf, SubjectDetail, WithdrawalReason } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { clearChangedErrors, today } from './forms';
import { withdrawalOptions } from './labels';
import { FormAlert, useModalSubmit } from './useModalSubmit';

export type StatusMove = InputOf<'subjects.changeStatus'>['to'];

interface StatusValues {
  date: string | null;
  withdrawalReason?: WithdrawalReason | null;
  detail?: string | null;
}

/** Moves a subject along its path (start of treatment, follow-up, completion) or out of the study (withdrawal). */
export function StatusChangeModal({
  subject,
  to,
  initial,
  onClose,
  onSaved,
}: {
  subject: SubjectDetail;
  /** the move asked for; null: closed */
  to: StatusMove | null;
  /** prefilled values (e.g. "withdrawn – death" offered after a fatal adverse event, on the date of death) */
  initial?: { date?: string | null; withdrawalReason?: WithdrawalReason };
  onClose: () => void;
  onSaved: (subject: SubjectDetail) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StatusValues>();
  const withdrawing = to === 'withdrawn';

  // the move goes along with the values: the form is submitted only while the modal is open for one
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: StatusValues & { to: StatusMove }) =>
      call('subjects.changeStatus', {
        id: subject.id,
        to: v.to,
        date: v.date ?? '',
        withdrawalReason: withdrawing ? (v.withdrawalReason ?? null) : null,
        detail: v.detail ?? null,
      }),
    onSaved,
    onClose,
  });

  return (
    <Modal
      open={to !== null}
      title={
        to &&
        t('subjectsUi.move.title', {
          number: subject.subjectNumber ?? subject.screeningNumber,
          from: t(`subjectsUi.status.${subject.status}`),
          to: t(`subjectsUi.status.${to}`),
        })
      }
      okText={to ? t(`subjectsUi.move.ok.${to}`) : undefined}
      okButtonProps={{ danger: withdrawing }}
      {...modalProps}
    >
      {withdrawing && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('subjectsUi.move.withdrawHint')}
        </Typography.Paragraph>
      )}
      <FormAlert text={alert} />
      <Form<StatusValues>
        form={form}
        name="status-change"
        layout="vertical"
        preserve={false}
        initialValues={{ date: initial?.date ?? today(), withdrawalReason: initial?.withdrawalReason }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => {
          if (to) void finish({ ...v, to });
        }}
      >
        <Form.Item name="date" label={to ? t(`subjectsUi.move.dateLabel.${to}`) : ''} required>
          <DateField />
        </Form.Item>
        {withdrawing && (
          <Form.Item name="withdrawalReason" label={t('subjectsUi.fields.withdrawalReason')} required>
            <Select options={withdrawalOptions()} />
          </Form.Item>
        )}
        <Form.Item name="detail" label={t('subjectsUi.fields.detail')}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
