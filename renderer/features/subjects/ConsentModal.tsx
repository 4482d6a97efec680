import { Col, Form, Input, Modal, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SubjectDetail, SubjectSetupView } from '../../../electron/api';
import { call } from '../../api/client';
import { useSession } from '../../app/session';
import { DateField } from '../../components/DateField';
import { clearChangedErrors, today } from './forms';
import { consentVersionOptions } from './labels';
import { FormAlert, useModalSubmit } from './useModalSubmit';

interface ConsentValues {
  consentVersionId?: number;
  signedDate: string | null;
  obtainedBy: string;
  notes?: string | null;
}

/** A consent signed by a subject of our own center: first consent, or re-consent to a newly approved version. */
export function ConsentModal({
  subject,
  setup,
  onClose,
  onSaved,
}: {
  /** whose consent; null: closed */
  subject: { id: number; screeningNumber: string; subjectNumber: string | null } | null;
  setup: SubjectSetupView;
  onClose: () => void;
  onSaved: (subject: SubjectDetail) => void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<ConsentValues>();
  // the subject goes along with the values: the form is submitted only while the modal is open for one
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: ConsentValues & { subjectId: number }) =>
      call('subjects.recordConsent', {
        subjectId: v.subjectId,
        consentVersionId: v.consentVersionId ?? 0,
        signedDate: v.signedDate ?? '',
        obtainedBy: v.obtainedBy ?? '',
        notes: v.notes ?? null,
      }),
    onSaved,
    onClose,
  });

  return (
    <Modal
      open={subject !== null}
      title={
        subject && t('subjectsUi.consent.recordTitle', { number: subject.subjectNumber ?? subject.screeningNumber })
      }
      width={640}
      okText={t('subjectsUi.consent.recordOk')}
      {...modalProps}
    >
      <FormAlert text={alert} />
      <Form<ConsentValues>
        form={form}
        name="consent"
        layout="vertical"
        preserve={false}
        initialValues={{
          consentVersionId: setup.currentConsentVersionId ?? undefined,
          signedDate: today(),
          obtainedBy: user?.displayName ?? '',
        }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => {
          if (subject) void finish({ ...v, subjectId: subject.id });
        }}
      >
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item name="consentVersionId" label={t('subjectsUi.fields.consentVersion')} required>
              <Select options={consentVersionOptions(setup.consentVersions)} />
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item name="signedDate" label={t('subjectsUi.fields.signedDate')} required>
              <DateField />
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item name="obtainedBy" label={t('subjectsUi.fields.obtainedBy')} required>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="notes" label={t('subjectsUi.fields.notes')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
