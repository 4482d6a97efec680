import { Alert, Col, Form, Input, Modal, Radio, Row, Select } from 'antd';
import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviationCategory, DeviationSeverity, SubjectVisitsView, VisitView } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import i18n from '../../i18n';
import { formatDate } from '../../i18n/format';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';
import { placeVisitErrors } from './forms';
import { categoryOptions, severityOptions } from './labels';

interface DeviationValues {
  occurredDate: string | null;
  category: DeviationCategory;
  description: string;
  severity: DeviationSeverity;
  correctiveAction?: string | null;
  reportedSponsorDate?: string | null;
  reportedEthicsDate?: string | null;
}
interface DecisionValues {
  decision: 'confirm' | 'explain';
  explanation?: string | null;
  deviation?: DeviationValues;
}

/**
 * The deviation the screen proposes for a visit done out of window (category visit window, on the actual date) or
 * missed (category missed visit, on the window's last day). The coordinator may change every field before confirming.
 */
export function proposedDeviation(visit: VisitView): DeviationValues {
  const missed = visit.status === 'missed';
  const params = {
    code: visit.code,
    actual: formatDate(visit.actualDate),
    start: formatDate(visit.windowStart),
    end: formatDate(visit.windowEnd),
  };
  return {
    occurredDate: missed ? visit.windowEnd : (visit.actualDate ?? visit.windowEnd),
    category: missed ? 'missed_visit' : 'visit_window',
    description: i18n.t(missed ? 'visitsUi.deviation.descMissed' : 'visitsUi.deviation.descWindow', params),
    severity: 'minor',
    correctiveAction: null,
    reportedSponsorDate: null,
    reportedEthicsDate: null,
  };
}

/** Confirms the proposed deviation of a visit (it gets its DV number) or explains why it is none. */
export function DeviationDecisionModal({
  visit,
  subjectLabel,
  onClose,
  onSaved,
}: {
  /** the visit waiting for a decision; null: closed */
  visit: VisitView | null;
  subjectLabel: string;
  onClose: () => void;
  onSaved: (view: SubjectVisitsView, visitId: number, decision: DecisionValues['decision']) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DecisionValues>();
  const decision = Form.useWatch('decision', form);
  // every opening starts from the visit's proposal (see RecordVisitModal)
  useLayoutEffect(() => {
    if (visit) form.setFieldsValue({ decision: 'confirm', explanation: null, deviation: proposedDeviation(visit) });
  }, [form, visit]);

  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: async (v: DecisionValues & { visitId: number }) => {
      const d = v.deviation;
      const view = await call(
        'visits.resolveDeviation',
        v.decision === 'confirm'
          ? {
              visitId: v.visitId,
              decision: 'confirm',
              deviation: {
                occurredDate: d?.occurredDate ?? '',
                category: d?.category ?? 'visit_window',
                description: d?.description ?? '',
                severity: d?.severity ?? 'minor',
                correctiveAction: d?.correctiveAction ?? null,
                reportedSponsorDate: d?.reportedSponsorDate ?? null,
                reportedEthicsDate: d?.reportedEthicsDate ?? null,
              },
            }
          : { visitId: v.visitId, decision: 'explain', explanation: v.explanation ?? null },
      );
      return { view, visitId: v.visitId, decision: v.decision };
    },
    onSaved: (r) => onSaved(r.view, r.visitId, r.decision),
    onClose,
    place: placeVisitErrors,
  });

  const what =
    visit &&
    t(visit.status === 'missed' ? 'visitsUi.deviation.proposedMissed' : 'visitsUi.deviation.proposedWindow', {
      code: visit.code,
    });

  return (
    <Modal
      open={visit !== null}
      title={visit && t('visitsUi.deviation.title', { subject: subjectLabel, code: visit.code })}
      width={720}
      okText={t('visitsUi.deviation.ok')}
      {...modalProps}
    >
      {visit && (
        <Alert
          type="warning"
          showIcon
          title={t('visitsUi.deviation.proposed', { what })}
          description={proposedDeviation(visit).description}
          style={{ marginBottom: 12 }}
          data-testid="deviation-proposal"
        />
      )}
      <FormAlert text={alert} />
      <Form<DecisionValues>
        form={form}
        name="deviation-decision"
        layout="vertical"
        preserve={false}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => {
          if (visit) void finish({ ...v, visitId: visit.id });
        }}
      >
        <Form.Item name="decision" label={t('visitsUi.deviation.decision')} required>
          <Radio.Group
            options={[
              { value: 'confirm', label: t('visitsUi.deviation.confirm') },
              { value: 'explain', label: t('visitsUi.deviation.explain') },
            ]}
          />
        </Form.Item>
        {decision === 'explain' && (
          <Form.Item
            name="explanation"
            label={t('visitsUi.fields.explanation')}
            required
            extra={t('visitsUi.deviation.explainHelp')}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount />
          </Form.Item>
        )}
        {/* hidden, not removed, while explaining: switching back finds the proposal as it was */}
        <div style={{ display: decision === 'explain' ? 'none' : undefined }}>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name={['deviation', 'occurredDate']} label={t('visitsUi.fields.occurredDate')} required>
                <DateField />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name={['deviation', 'category']} label={t('visitsUi.fields.category')} required>
                <Select options={categoryOptions()} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name={['deviation', 'severity']} label={t('visitsUi.fields.severity')} required>
                <Radio.Group options={severityOptions()} optionType="button" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name={['deviation', 'description']} label={t('visitsUi.fields.description')} required>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Form.Item name={['deviation', 'correctiveAction']} label={t('visitsUi.fields.correctiveAction')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item name={['deviation', 'reportedSponsorDate']} label={t('visitsUi.fields.reportedSponsorDate')}>
                <DateField />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['deviation', 'reportedEthicsDate']} label={t('visitsUi.fields.reportedEthicsDate')}>
                <DateField />
              </Form.Item>
            </Col>
          </Row>
        </div>
      </Form>
    </Modal>
  );
}
