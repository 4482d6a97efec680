import { Col, Form, Input, Modal, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SubjectVisitsView } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';
import { placeVisitErrors } from './forms';
import { todayText } from './labels';

/** The select's value for a visit of no on-demand line (a free one, named here). */
const FREE = '';

interface UnscheduledValues {
  code: string;
  name?: string | null;
  actualDate: string | null;
  reason?: string | null;
  notes?: string | null;
}

/** An unscheduled visit: one of the schedule's on-demand lines (AE follow-up, early termination) or a free one. */
export function AddUnscheduledModal({
  open,
  subjectId,
  subjectLabel,
  onDemand,
  onClose,
  onSaved,
}: {
  open: boolean;
  subjectId: number;
  subjectLabel: string;
  onDemand: SubjectVisitsView['onDemand'];
  onClose: () => void;
  onSaved: (view: SubjectVisitsView) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<UnscheduledValues>();
  const code = Form.useWatch('code', form);
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: UnscheduledValues) =>
      call('visits.addUnscheduled', {
        subjectId,
        code: v.code || null,
        name: v.code ? null : (v.name ?? null),
        actualDate: v.actualDate ?? '',
        reason: v.reason ?? '',
        notes: v.notes ?? null,
      }),
    onSaved,
    onClose,
    place: placeVisitErrors,
  });

  return (
    <Modal
      open={open}
      title={t('visitsUi.unscheduled.title', { subject: subjectLabel })}
      width={600}
      okText={t('visitsUi.unscheduled.ok')}
      {...modalProps}
    >
      <FormAlert text={alert} />
      <Form<UnscheduledValues>
        form={form}
        name="unscheduled-visit"
        layout="vertical"
        preserve={false}
        initialValues={{ code: onDemand[0]?.code ?? FREE, actualDate: todayText() }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item name="code" label={t('visitsUi.unscheduled.kind')} required>
              <Select
                options={[
                  ...onDemand.map((d) => ({ value: d.code, label: `${d.code} · ${d.name}` })),
                  { value: FREE, label: t('visitsUi.unscheduled.free') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="actualDate" label={t('visitsUi.fields.actualDate')} required>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
        {code === FREE && (
          <Form.Item name="name" label={t('visitsUi.fields.name')} required>
            <Input maxLength={100} />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('visitsUi.fields.reason')}
          required
          extra={t('visitsUi.unscheduled.reasonHelp')}
        >
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
        <Form.Item name="notes" label={t('visitsUi.fields.notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
