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
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { studyFields, type Study, type StudyDetail, type StudyFields } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { applyFieldErrors, clearErrorsOnChange, needsReason, translateError } from '../../components/formErrors';
import { ReasonModal } from '../../components/ReasonModal';
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
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [askReason, setAskReason] = useState<{ values: StudyFields; text: string } | null>(null);
  const firstField = useRef<InputRef>(null);
  const initial = useMemo(() => initialValues(study), [study]);

  const saved = (detail: StudyDetail) => {
    void message.success(study ? t('common.saved') : t('studies.created', { protocolNumber: detail.protocolNumber }));
    onSaved(detail);
  };

  const submit = async (values: StudyFields) => {
    setBusy(true);
    setAlert(null);
    try {
      saved(
        study
          ? await call('studies.update', { id: study.id, fields: values, reason: null })
          : await call('studies.create', values),
      );
    } catch (err) {
      const error = asApiError(err);
      if (study && needsReason(error, 'validation.reasonRequired')) {
        setAskReason({ values, text: translateError(error) });
      } else {
        setAlert(applyFieldErrors(form, error, FIELD_NAMES));
      }
    } finally {
      setBusy(false);
    }
  };

  const submitWithReason = async (reason: string | null) => {
    if (!study || !askReason) return;
    try {
      const detail = await call('studies.update', { id: study.id, fields: askReason.values, reason });
      setAskReason(null);
      saved(detail);
    } catch (err) {
      const error = asApiError(err);
      if (error.fields?.some((f) => f.field === 'reason')) throw err; // shown on the modal's reason field
      setAskReason(null);
      setAlert(applyFieldErrors(form, error, FIELD_NAMES));
    }
  };

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
        else setAlert(null);
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

      <ReasonModal
        open={askReason !== null}
        title={t('reason.title')}
        description={<Alert type="info" showIcon title={askReason?.text} />}
        reasonRequired
        okText={t('common.save')}
        onSubmit={({ reason }) => submitWithReason(reason)}
        onCancel={() => setAskReason(null)}
      />
    </Drawer>
  );
}
