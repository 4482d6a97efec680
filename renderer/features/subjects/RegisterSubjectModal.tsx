import { Alert, Button, Col, Divider, Form, Input, Modal, Row, Select, Typography, type InputRef } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudyDetail, SubjectDetail, SubjectSetupView } from '../../../electron/api';
import { call } from '../../api/client';
import { useSession } from '../../app/session';
import { DateField } from '../../components/DateField';
import { focusFirstField } from '../../components/focus';
import { clearChangedErrors, today } from './forms';
import { consentVersionOptions } from './labels';
import {
  identityInput,
  IdentityFields,
  PersonalFields,
  personalInput,
  StrataFields,
  type IdentityValues,
} from './SubjectFields';
import { useSubjectSave } from './useSubjectSave';

interface RegisterValues extends IdentityValues {
  centerId: number;
  screeningNumber: string;
  consent?: { consentVersionId?: number; signedDate?: string | null; obtainedBy?: string };
}

/**
 * Registers a subject in screening: center, screening number (proposed from the study's pattern, editable), identity;
 * for our own center also the personal fields and the first consent, which must come before screening.
 */
export function RegisterSubjectModal({
  open,
  study,
  setup,
  onClose,
  onSaved,
}: {
  open: boolean;
  study: StudyDetail;
  setup: SubjectSetupView;
  onClose: () => void;
  onSaved: (subject: SubjectDetail) => void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<RegisterValues>();
  const firstField = useRef<InputRef>(null);
  const centerId = Form.useWatch('centerId', form);
  const center = study.centers.find((c) => c.id === centerId);
  const ownCenter = center?.isOwn ?? false;
  // the last proposal: replaced by the next center's, unless the user typed a number of their own
  const proposal = useRef<string | null>(null);

  useEffect(() => {
    if (!open || !centerId) return;
    let current = true;
    call('subjects.proposeNumber', { studyId: study.id, centerId, kind: 'screening' }).then(
      ({ number }) => {
        if (!current) return;
        const typed = form.getFieldValue('screeningNumber') as string | undefined;
        if (!typed || typed === proposal.current) form.setFieldValue('screeningNumber', number);
        proposal.current = number;
      },
      () => undefined, // no proposal: the user types the number
    );
    return () => {
      current = false;
    };
  }, [open, centerId, study.id, form]);

  const { busy, alert, clearAlert, submit, reasonModal } = useSubjectSave({
    form,
    save: (v: RegisterValues) =>
      call('subjects.register', {
        studyId: study.id,
        centerId: v.centerId,
        screeningNumber: v.screeningNumber ?? '',
        ...identityInput(v),
        // other centers' subjects are entered de-identified, without consent (it stays at their center)
        ...(ownCenter
          ? {
              personal: personalInput(v.personal),
              consent: {
                consentVersionId: v.consent?.consentVersionId ?? 0,
                signedDate: v.consent?.signedDate ?? '',
                obtainedBy: v.consent?.obtainedBy ?? '',
              },
            }
          : {}),
      }),
    onSaved,
  });

  const ownCenterId = study.centers.find((c) => c.isOwn)?.id;
  const initial: Partial<RegisterValues> = {
    centerId: ownCenterId ?? study.centers[0]?.id,
    birthMode: 'date',
    strata: [],
    consent: {
      consentVersionId: setup.currentConsentVersionId ?? undefined,
      signedDate: today(),
      obtainedBy: user?.displayName ?? '',
    },
  };

  return (
    <Modal
      open={open}
      title={t('subjectsUi.register.title')}
      width={760}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) focusFirstField(firstField.current);
        else {
          clearAlert();
          proposal.current = null;
        }
      }}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="ok" type="primary" htmlType="submit" form="register-subject" loading={busy}>
          {t('subjectsUi.register.submit')}
        </Button>,
      ]}
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form<RegisterValues>
        form={form}
        name="register-subject"
        layout="vertical"
        initialValues={initial}
        preserve={false}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void submit(v)}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="centerId" label={t('subjectsUi.fields.center')} required>
              <Select
                options={study.centers.map((c) => ({
                  value: c.id,
                  label: `${c.code} · ${c.hospitalName}${c.isOwn ? ` (${t('centers.own')})` : ''}`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="screeningNumber"
              label={t('subjectsUi.fields.screeningNumber')}
              required
              extra={t('subjectsUi.register.numberHint', { pattern: setup.screeningPattern })}
            >
              <Input ref={firstField} className="td-mono" maxLength={30} />
            </Form.Item>
          </Col>
        </Row>
        <IdentityFields />
        <StrataFields />
        {ownCenter ? (
          <>
            <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>
              {t('subjectsUi.register.personalSection')}
            </Divider>
            <PersonalFields />
            <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>
              {t('subjectsUi.register.consentSection')}
            </Divider>
            {setup.consentVersions.length === 0 ? (
              <Alert type="warning" showIcon title={t('subjectsUi.consent.noVersions')} />
            ) : (
              <Row gutter={16}>
                <Col span={8}>
                  <Form.Item
                    name={['consent', 'consentVersionId']}
                    label={t('subjectsUi.fields.consentVersion')}
                    required
                  >
                    <Select options={consentVersionOptions(setup.consentVersions)} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name={['consent', 'signedDate']} label={t('subjectsUi.fields.signedDate')} required>
                    <DateField />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name={['consent', 'obtainedBy']} label={t('subjectsUi.fields.obtainedBy')} required>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
              </Row>
            )}
          </>
        ) : (
          center && (
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }}>
              {t('subjectsUi.register.otherCenterHint')}
            </Typography.Paragraph>
          )
        )}
      </Form>
      {reasonModal}
    </Modal>
  );
}
