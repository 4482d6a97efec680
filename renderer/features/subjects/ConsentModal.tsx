import { Alert, Col, Form, Input, Modal, Row, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubjectDetail, SubjectSetupView } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { DateField } from '../../components/DateField';
import { formatDate } from '../../i18n/format';
import { clearChangedErrors, placeFieldErrors, today } from './forms';

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
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const finish = async (v: ConsentValues) => {
    if (!subject) return;
    setBusy(true);
    setAlert(null);
    try {
      onSaved(
        await call('subjects.recordConsent', {
          subjectId: subject.id,
          consentVersionId: v.consentVersionId ?? 0,
          signedDate: v.signedDate ?? '',
          obtainedBy: v.obtainedBy ?? '',
          notes: v.notes ?? null,
        }),
      );
    } catch (err) {
      setAlert(placeFieldErrors(form, asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={subject !== null}
      title={
        subject && t('subjectsUi.consent.recordTitle', { number: subject.subjectNumber ?? subject.screeningNumber })
      }
      width={640}
      okText={t('subjectsUi.consent.recordOk')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setAlert(null)}
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
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
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item name="consentVersionId" label={t('subjectsUi.fields.consentVersion')} required>
              <Select
                options={setup.consentVersions.map((v) => ({
                  value: v.id,
                  label: `${v.version} (${formatDate(v.versionDate)})${v.current ? ` · ${t('subjectsUi.consent.current')}` : ''}`,
                }))}
              />
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
