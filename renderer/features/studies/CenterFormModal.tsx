import { Alert, App, Button, Col, Form, Input, InputNumber, Modal, Row, Switch, type InputRef } from 'antd';
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { centerFields, type Center, type CenterFields } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { clearErrorsOnChange } from '../../components/formErrors';
import { useReasonedSave } from '../../components/useReasonedSave';
import { requiredFields } from './labels';
import { focusFirstField } from '../../components/focus';

const FIELD_NAMES = Object.keys(centerFields.shape);
const REQUIRED = requiredFields(centerFields);

/** Add a center to a study, or edit one; a key-field change asks for the reason when the server says so. */
export function CenterFormModal({
  open,
  studyId,
  center,
  onClose,
  onSaved,
}: {
  open: boolean;
  studyId: number;
  center?: Center;
  onClose: () => void;
  onSaved: (center: Center) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CenterFields>();
  const firstField = useRef<InputRef>(null);
  const initial = useMemo<Partial<CenterFields>>(
    () =>
      center
        ? Object.fromEntries(FIELD_NAMES.map((k) => [k, center[k as keyof Center]]))
        : { isLead: false, isOwn: false },
    [center],
  );

  const saved = (c: Center) => {
    void message.success(t('centers.saved', { code: c.code }));
    onSaved(c);
  };

  const { busy, alert, clearAlert, submit, reasonModal } = useReasonedSave({
    form,
    fieldNames: FIELD_NAMES,
    save: (values: CenterFields, reason) =>
      center
        ? call('centers.update', { id: center.id, fields: values, reason })
        : call('centers.create', { ...values, studyId }),
    onSaved: saved,
  });

  const item = (name: keyof CenterFields) => ({ name, label: t(`fields.${name}`), required: REQUIRED.has(name) });

  return (
    <Modal
      open={open}
      title={center ? t('centers.editTitle', { code: center.code }) : t('centers.createTitle')}
      width={640}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) focusFirstField(firstField.current);
        else clearAlert();
      }}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="ok" type="primary" htmlType="submit" form="center" loading={busy}>
          {center ? t('common.save') : t('common.create')}
        </Button>,
      ]}
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        name="center"
        layout="vertical"
        initialValues={initial}
        preserve={false}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void submit(v)}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item {...item('code')}>
              <Input ref={firstField} className="td-mono" placeholder="01" />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item {...item('hospitalName')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item {...item('city')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item {...item('pi')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('isLead')} valuePropName="checked" extra={t('centers.leadHelp')}>
              <Switch />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('isOwn')} valuePropName="checked" extra={t('centers.ownHelp')}>
              <Switch />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item {...item('enrollmentTarget')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item {...item('hardCap')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item {...item('activationDate')}>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {reasonModal}
    </Modal>
  );
}
