import { Alert, Button, Col, Divider, Drawer, Form, Input, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SubjectDetail, SubjectSetupView } from '../../../electron/api';
import { call } from '../../api/client';
import { clearChangedErrors } from './forms';
import { codedOptions } from './labels';
import {
  identityInput,
  IdentityFields,
  PersonalFields,
  personalInput,
  StrataFields,
  type IdentityValues,
} from './SubjectFields';
import { useSubjectSave } from './useSubjectSave';

interface EditValues extends IdentityValues {
  screeningNumber: string;
  subjectNumber: string | null;
  arm: string | null;
}

function initialValues(s: SubjectDetail): EditValues {
  return {
    screeningNumber: s.screeningNumber,
    subjectNumber: s.subjectNumber,
    arm: s.arm,
    initials: s.initials,
    sex: s.sex,
    birthMode: s.birthDate || !s.birthYear ? 'date' : 'year',
    birthDate: s.birthDate,
    birthYear: s.birthYear,
    strata: Object.entries(s.strata).map(([key, value]) => ({ key, value })),
    personal: s.personal ?? undefined,
  };
}

/**
 * Corrects a subject's record. A change of a key field needs a reason (the server asks; the save is sent again with
 * it), and a change of what an investigator signed invalidates the eligibility signature.
 */
export function EditSubjectDrawer({
  open,
  subject,
  setup,
  onClose,
  onSaved,
}: {
  open: boolean;
  subject: SubjectDetail;
  setup: SubjectSetupView;
  onClose: () => void;
  onSaved: (subject: SubjectDetail) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditValues>();
  // personal fields are sent only when this user was shown them (own center, site role)
  const withPersonal = subject.personal !== null;

  const { busy, alert, clearAlert, submit, reasonModal } = useSubjectSave({
    form,
    save: (v: EditValues, reason) =>
      call('subjects.update', {
        id: subject.id,
        fields: {
          screeningNumber: v.screeningNumber ?? '',
          subjectNumber: v.subjectNumber || null,
          arm: v.arm ?? null,
          ...identityInput(v),
          ...(withPersonal ? { personal: personalInput(v.personal) } : {}),
        },
        reason,
      }),
    onSaved,
  });

  return (
    <Drawer
      open={open}
      title={t('subjectsUi.edit.title', { number: subject.subjectNumber ?? subject.screeningNumber })}
      size={760}
      onClose={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) clearAlert();
      }}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" form="edit-subject" loading={busy}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form<EditValues>
        form={form}
        name="edit-subject"
        layout="vertical"
        initialValues={initialValues(subject)}
        preserve={false}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void submit(v)}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="screeningNumber" label={t('subjectsUi.fields.screeningNumber')} required>
              <Input className="td-mono" maxLength={30} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="subjectNumber" label={t('subjectsUi.fields.subjectNumber')}>
              <Input className="td-mono" maxLength={30} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="arm" label={t('subjectsUi.fields.arm')}>
              <Select allowClear options={codedOptions(setup.arms)} popupMatchSelectWidth={false} />
            </Form.Item>
          </Col>
        </Row>
        <IdentityFields />
        <StrataFields />
        {withPersonal && (
          <>
            <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>
              {t('subjectsUi.register.personalSection')}
            </Divider>
            <PersonalFields />
          </>
        )}
      </Form>
      {reasonModal}
    </Drawer>
  );
}
