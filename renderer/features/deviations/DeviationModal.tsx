import { Col, Descriptions, Form, Input, Modal, Radio, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeviationCategory, DeviationSeverity, DeviationView, StudyDetail } from '../../../electron/api';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { DateField } from '../../components/DateField';
import { clearChangedErrors, today } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';
import { subjectOption } from '../schedules/MoveSubjectsModal';
import { categoryOptions, severityOptions } from '../schedules/labels';

interface DeviationValues {
  occurredDate: string | null;
  subjectId?: number | null;
  category?: DeviationCategory;
  severity?: DeviationSeverity;
  description?: string;
  correctiveAction?: string | null;
  reportedSponsorDate?: string | null;
  reportedEthicsDate?: string | null;
  reason?: string;
}

const fieldsOf = (v: DeviationValues) => ({
  occurredDate: v.occurredDate ?? '',
  category: v.category as DeviationCategory,
  severity: v.severity as DeviationSeverity,
  description: v.description ?? '',
  correctiveAction: v.correctiveAction ?? null,
  reportedSponsorDate: v.reportedSponsorDate ?? null,
  reportedEthicsDate: v.reportedEthicsDate ?? null,
});

/**
 * Records a protocol deviation of the study (a subject's, or the study's as a whole when no subject is chosen), or
 * corrects one: a correction says why, for the audit trail.
 */
export function DeviationModal({
  study,
  open,
  deviation,
  onClose,
  onSaved,
}: {
  study: StudyDetail;
  open: boolean;
  /** the deviation corrected; null: a new one */
  deviation: DeviationView | null;
  onClose: () => void;
  onSaved: (d: DeviationView) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DeviationValues>();
  const editing = deviation !== null;
  const subjects = useApiQuery('subjects.list', { studyId: study.id, limit: 500 });

  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: DeviationValues) =>
      deviation
        ? call('deviations.update', { id: deviation.id, fields: fieldsOf(v), reason: v.reason ?? '' })
        : call('deviations.create', { studyId: study.id, subjectId: v.subjectId ?? null, fields: fieldsOf(v) }),
    onSaved,
    onClose,
  });

  const initial: DeviationValues = deviation
    ? {
        occurredDate: deviation.occurredDate,
        category: deviation.category,
        severity: deviation.severity,
        description: deviation.description,
        correctiveAction: deviation.correctiveAction,
        reportedSponsorDate: deviation.reportedSponsorDate,
        reportedEthicsDate: deviation.reportedEthicsDate,
      }
    : { occurredDate: today(), subjectId: null, severity: 'minor' };

  return (
    <Modal
      open={open}
      width={640}
      title={
        deviation
          ? t('schedulesUi.deviations.editTitle', { number: deviation.number })
          : t('schedulesUi.deviations.createTitle')
      }
      okText={deviation ? t('common.save') : t('schedulesUi.deviations.create')}
      {...modalProps}
    >
      {deviation && (
        <Descriptions
          size="small"
          column={3}
          style={{ marginBottom: 12 }}
          items={[
            { key: 'number', label: t('schedulesUi.deviations.number'), children: deviation.number },
            {
              key: 'subject',
              label: t('schedulesUi.deviations.subject'),
              children: deviation.subjectLabel ?? t('schedulesUi.deviations.studyLevel'),
            },
            { key: 'visit', label: t('schedulesUi.deviations.visit'), children: deviation.visitCode ?? '—' },
          ]}
        />
      )}
      <FormAlert text={alert} testId="deviation-alert" />
      <Form<DeviationValues>
        form={form}
        name="deviation"
        layout="vertical"
        preserve={false}
        initialValues={initial}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item name="occurredDate" label={t('schedulesUi.deviations.occurredDate')} required>
              <DateField />
            </Form.Item>
          </Col>
          {!editing && (
            <Col span={14}>
              <Form.Item
                name="subjectId"
                label={t('schedulesUi.deviations.subject')}
                extra={t('schedulesUi.deviations.subjectHint')}
              >
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('schedulesUi.deviations.studyLevel')}
                  loading={subjects.loading}
                  options={(subjects.data?.rows ?? []).map(subjectOption)}
                />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item name="category" label={t('schedulesUi.deviations.category')} required>
              <Select options={categoryOptions()} />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="severity" label={t('schedulesUi.deviations.severity')} required>
              <Radio.Group options={severityOptions()} optionType="button" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('schedulesUi.deviations.description')} required>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item name="correctiveAction" label={t('schedulesUi.deviations.correctiveAction')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="reportedSponsorDate" label={t('schedulesUi.deviations.reportedSponsorDate')}>
              <DateField />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="reportedEthicsDate" label={t('schedulesUi.deviations.reportedEthicsDate')}>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
        {editing && (
          <Form.Item name="reason" label={t('reason.label')} required extra={t('schedulesUi.deviations.reasonHint')}>
            <Input.TextArea rows={2} maxLength={500} showCount placeholder={t('reason.placeholder')} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
