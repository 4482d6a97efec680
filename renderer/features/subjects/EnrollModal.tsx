import { Alert, Button, Col, Descriptions, Divider, Form, Input, Modal, Row, Select, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EnrollmentCheck, StudyDetail, SubjectDetail, SubjectSetupView } from '../../../electron/api';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { DateField } from '../../components/DateField';
import { clearChangedErrors, subjectError, subjectMessage, today } from './forms';
import { codedOptions } from './labels';
import { useSubjectRoles } from './roles';
import { FormAlert, useModalSubmit } from './useModalSubmit';

interface EnrollValues {
  enrollmentDate: string | null;
  subjectNumber: string;
  arm?: string | null;
  capOverride?: { reason?: string; password?: string };
}

/** What the modal passes down to its body and form unchanged. */
interface EnrollProps {
  study: StudyDetail;
  subject: SubjectDetail;
  setup: SubjectSetupView;
  onClose: () => void;
  onSaved: (subject: SubjectDetail) => void;
}

/**
 * Enrolls a screened subject. The server's enrollment check comes first: the proposed subject number, and whether this
 * enrollment reaches the center's target (a warning) or passes its hard cap (refused unless an investigator overrides
 * with a reason and the password, an electronic signature).
 */
export function EnrollModal({ open, ...props }: EnrollProps & { open: boolean }) {
  const { t } = useTranslation();
  // mounted only while open (destroyOnHidden): the check is fresh each time
  return (
    <Modal
      open={open}
      title={t('subjectsUi.enroll.title', { number: props.subject.screeningNumber })}
      width={640}
      footer={null}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <EnrollBody {...props} />
    </Modal>
  );
}

function EnrollBody(props: EnrollProps) {
  const check = useApiQuery('subjects.enrollmentCheck', { id: props.subject.id });
  if (check.error) return <Alert type="error" showIcon title={subjectError(check.error)} />;
  if (!check.data) return <Skeleton active paragraph={{ rows: 5 }} />;
  return <EnrollForm {...props} check={check.data} />;
}

function EnrollForm({ study, subject, setup, check, onClose, onSaved }: EnrollProps & { check: EnrollmentCheck }) {
  const { t } = useTranslation();
  const { investigator } = useSubjectRoles();
  const [form] = Form.useForm<EnrollValues>();
  const code = subject.centerCode;
  // the check's verdicts, in the server's own words
  const blocked = !check.studyEnrolling || !check.centerActive;
  const refused = blocked || (check.overCap && !investigator);

  // the footer is the form's own (the Modal around it has none), so modalProps go unused
  const { busy, alert, finish } = useModalSubmit({
    form,
    send: (v: EnrollValues) =>
      call('subjects.enroll', {
        id: subject.id,
        enrollmentDate: v.enrollmentDate ?? '',
        subjectNumber: v.subjectNumber ?? '',
        arm: v.arm ?? null,
        capOverride: check.overCap
          ? { reason: v.capOverride?.reason ?? '', password: v.capOverride?.password ?? '' }
          : undefined,
      }),
    onSaved,
    onClose,
  });

  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={2}
        style={{ marginBottom: 12 }}
        items={[
          {
            key: 'center',
            label: t('subjectsUi.fields.center'),
            children: [code, study.centers.find((c) => c.id === subject.centerId)?.hospitalName]
              .filter(Boolean)
              .join(' · '),
          },
          {
            key: 'enrolled',
            label: t('subjectsUi.enroll.enrolledSoFar'),
            children: <span data-testid="enroll-count">{check.enrolled}</span>,
          },
          { key: 'target', label: t('fields.enrollmentTarget'), children: check.target ?? t('common.empty') },
          { key: 'cap', label: t('fields.hardCap'), children: check.hardCap ?? t('common.empty') },
        ]}
      />
      {!check.studyEnrolling && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={subjectMessage('subjects.studyNotEnrolling', { status: study.status })}
        />
      )}
      {!check.centerActive && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={subjectMessage('subjects.centerNotActive', { code })}
        />
      )}
      {check.atTarget && !check.overCap && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="enroll-at-target"
          title={subjectMessage('subjects.atTarget', { code, target: check.target ?? '' })}
          description={t('subjectsUi.enroll.atTargetHint')}
        />
      )}
      {check.overCap && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="enroll-over-cap"
          title={subjectMessage('subjects.overCap', { code, cap: check.hardCap ?? '' })}
          description={investigator ? t('subjectsUi.enroll.overrideHint') : t('subjectsUi.enroll.overCapOthers')}
        />
      )}
      <FormAlert text={alert} testId="enroll-error" />
      <Form<EnrollValues>
        form={form}
        name="enroll"
        layout="vertical"
        preserve={false}
        disabled={refused}
        initialValues={{ enrollmentDate: today(), subjectNumber: check.proposedSubjectNumber, arm: null }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="enrollmentDate" label={t('subjectsUi.fields.enrollmentDate')} required>
              <DateField />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="subjectNumber"
              label={t('subjectsUi.fields.subjectNumber')}
              required
              extra={t('subjectsUi.register.numberHint', { pattern: setup.subjectPattern })}
            >
              <Input className="td-mono" maxLength={30} />
            </Form.Item>
          </Col>
          {setup.arms.length > 0 && (
            <Col span={8}>
              <Form.Item name="arm" label={t('subjectsUi.fields.arm')}>
                <Select allowClear options={codedOptions(setup.arms)} popupMatchSelectWidth={false} />
              </Form.Item>
            </Col>
          )}
        </Row>
        {check.overCap && investigator && (
          <div data-testid="cap-override">
            <Divider titlePlacement="start" plain style={{ margin: '0 0 12px' }}>
              {t('subjectsUi.enroll.overrideSection')}
            </Divider>
            <Form.Item name={['capOverride', 'reason']} label={t('subjectsUi.enroll.overrideReason')} required>
              <Input.TextArea rows={2} maxLength={500} showCount />
            </Form.Item>
            <Form.Item
              name={['capOverride', 'password']}
              label={t('signatures.password')}
              extra={t('signatures.passwordHint')}
              required
            >
              <Input.Password autoComplete="current-password" maxLength={200} />
            </Form.Item>
          </div>
        )}
      </Form>
      {/* the footer lives in the body, so that the check's verdict can disable the button */}
      <div className="td-modal-footer">
        {refused && (
          <Typography.Text type="danger" style={{ marginInlineEnd: 'auto' }} data-testid="enroll-refused">
            {t('subjectsUi.enroll.refused')}
          </Typography.Text>
        )}
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button type="primary" htmlType="submit" form="enroll" loading={busy} disabled={refused}>
          {check.overCap && investigator ? t('subjectsUi.enroll.submitOverride') : t('subjectsUi.enroll.submit')}
        </Button>
      </div>
    </>
  );
}
