import {
  Alert,
  App,
  Button,
  Col,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  type InputRef,
} from 'antd';
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { studyFields, type Study, type StudyDetail, type StudyFields } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { clearErrorsOnChange } from '../../components/formErrors';
import { useReasonedSave } from '../../components/useReasonedSave';
import { areaOptions, phaseOptions, requiredFields } from './labels';
import { focusFirstField } from '../../components/focus';

const FIELD_NAMES = Object.keys(studyFields.shape);
const REQUIRED = requiredFields(studyFields);

function initialValues(study?: Study): Partial<StudyFields> {
  if (!study) return {};
  return Object.fromEntries(FIELD_NAMES.map((k) => [k, study[k as keyof Study]]));
}

/**
 * Create or edit a study. On edit, the server decides whether the change touches key fields; when it asks for a reason,
 * the reason modal collects it and the same values are sent again.
 */
export function StudyFormDrawer({
  open,
  study,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** the study to edit; a new one when absent */
  study?: Study;
  onClose: () => void;
  onSaved: (detail: StudyDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<StudyFields>();
  const firstField = useRef<InputRef>(null);
  const initial = useMemo(() => initialValues(study), [study]);

  const saved = (detail: StudyDetail) => {
    void message.success(study ? t('common.saved') : t('studies.created', { protocolNumber: detail.protocolNumber }));
    onSaved(detail);
  };

  const { busy, alert, clearAlert, submit, reasonModal } = useReasonedSave({
    form,
    fieldNames: FIELD_NAMES,
    save: (values: StudyFields, reason) =>
      study ? call('studies.update', { id: study.id, fields: values, reason }) : call('studies.create', values),
    onSaved: saved,
  });

  const item = (name: keyof StudyFields) => ({ name, label: t(`fields.${name}`), required: REQUIRED.has(name) });

  return (
    <Drawer
      open={open}
      title={study ? t('studies.editTitle', { protocolNumber: study.protocolNumber }) : t('studies.createTitle')}
      size={760}
      onClose={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) focusFirstField(firstField.current);
        else clearAlert();
      }}
      footer={
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" form="study" loading={busy}>
            {study ? t('common.save') : t('common.create')}
          </Button>
        </Space>
      }
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        name="study"
        layout="vertical"
        initialValues={initial}
        preserve={false}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void submit(v)}
        scrollToFirstError
      >
        <Divider titlePlacement="start" orientationMargin={0} plain style={{ marginTop: 0 }}>
          {t('studies.sectionIdentity')}
        </Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item {...item('protocolNumber')}>
              <Input ref={firstField} className="td-mono" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('shortTitle')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item {...item('title')}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('phase')}>
              <Select options={phaseOptions()} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('therapeuticArea')}>
              <Select options={areaOptions()} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('indication')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('registrationNumber')}>
              <Input className="td-mono" placeholder={t('studies.registrationPlaceholder')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('sponsor')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('cro')}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start" orientationMargin={0} plain>
          {t('studies.sectionConduct')}
        </Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item {...item('sitePi')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('enrollmentTarget')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('protocolVersion')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('protocolVersionDate')}>
              <DateField />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item {...item('ethicsApprovalDate')}>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
      </Form>

      {reasonModal}
    </Drawer>
  );
}
