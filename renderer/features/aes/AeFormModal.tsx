/**
 * Records a new adverse event of a subject, or edits a recorded one (an edit asks for its reason first and voids the
 * investigator's signature). The CTCAE term picker shows the chosen term's definition and the text of each grade; grades
 * the term does not define cannot be chosen (the server refuses them too). Without a dictionary: verbatim terms and
 * grades 1–5; studies on the AESEV scale choose mild / moderate / severe. The consistency rules (grade 5 ⇔ fatal ⇔
 * death criterion, dates in order, start before consent …) are the server's: its refusals land on the fields.
 */
import { Alert, Checkbox, Col, Descriptions, Form, Input, Modal, Radio, Row, Select, Space, Typography } from 'antd';
import { useEffect, useLayoutEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VisitView } from '../../../electron/api';
import type {
  AeAction,
  AeCausality,
  AeFieldsInput,
  AeOutcome,
  AeSeverity,
  AeSeverityScale,
  AeView,
  CtcaeTermView,
  SeriousCriterion,
  SubjectAesView,
} from '../../../electron/api';
import { ApiCallError, asApiError, call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { ReasonModal } from '../../components/ReasonModal';
import { formatDate } from '../../i18n/format';
import { clearChangedErrors } from '../subjects/forms';
import { useSubjectRoles } from '../subjects/roles';
import { FormAlert } from '../subjects/useModalSubmit';
import { CtcaePicker } from './CtcaePicker';
import { DateTimeField } from './DateTimeField';
import { placeAeErrors } from './forms';
import {
  actionOptions,
  aeNumberText,
  causalityOptions,
  criteriaOptions,
  expectedChoice,
  expectedOptions,
  expectedValue,
  outcomeOptions,
  severityOptions,
  type ExpectedChoice,
} from './labels';

interface AeValues {
  verbatimTerm?: string;
  ctcaeCode?: string | null;
  grade?: number | null;
  severity?: AeSeverity | null;
  startDate?: string | null;
  endDate?: string | null;
  ongoing?: boolean;
  serious?: boolean;
  seriousCriteria?: SeriousCriterion[];
  awarenessAt?: string | null;
  expected?: ExpectedChoice | null;
  causality?: AeCausality | null;
  action?: AeAction | null;
  treatment?: string | null;
  outcome?: AeOutcome | null;
  visitId?: number | null;
  notes?: string | null;
}

const GRADES = [1, 2, 3, 4, 5] as const;

function toFields(v: AeValues, scale: AeSeverityScale): AeFieldsInput {
  const serious = v.serious ?? false;
  return {
    verbatimTerm: v.verbatimTerm?.trim() ?? '',
    ctcaeCode: v.ctcaeCode ?? null,
    grade: scale === 'ctcae' ? (v.grade ?? null) : null,
    severity: scale === 'aesev' ? (v.severity ?? null) : null,
    startDate: v.startDate ?? '',
    endDate: v.ongoing ? null : (v.endDate ?? null),
    ongoing: v.ongoing ?? false,
    serious,
    seriousCriteria: serious ? (v.seriousCriteria ?? []) : [],
    awarenessAt: serious ? (v.awarenessAt ?? null) : null,
    expected: expectedValue(v.expected),
    causality: v.causality ?? null,
    action: v.action ?? null,
    treatment: v.treatment?.trim() || null,
    outcome: v.outcome ?? null,
    visitId: v.visitId ?? null,
    notes: v.notes?.trim() || null,
  };
}

function fromAe(ae: AeView): AeValues {
  return {
    verbatimTerm: ae.verbatimTerm,
    ctcaeCode: ae.ctcaeCode,
    grade: ae.grade,
    severity: ae.severity,
    startDate: ae.startDate,
    endDate: ae.endDate,
    ongoing: ae.ongoing,
    serious: ae.serious,
    seriousCriteria: ae.seriousCriteria,
    awarenessAt: ae.sae?.awarenessAt ?? null,
    expected: expectedChoice(ae.expected),
    causality: ae.causality,
    action: ae.action,
    treatment: ae.treatment,
    outcome: ae.outcome,
    visitId: ae.visitId,
    notes: ae.notes,
  };
}

const NEW_AE: AeValues = { ongoing: true, serious: false, seriousCriteria: [], expected: null };

export interface AeFormTarget {
  /** null: a new AE */
  ae: AeView | null;
}

export function AeFormModal({
  target,
  subjectId,
  subjectLabel,
  scale,
  dictionary,
  onClose,
  onSaved,
}: {
  /** the AE to edit, or { ae: null } for a new one; null: closed */
  target: AeFormTarget | null;
  subjectId: number;
  subjectLabel: string;
  scale: AeSeverityScale;
  /** a CTCAE dictionary is loaded (else verbatim terms and grades 1–5) */
  dictionary: boolean;
  onClose: () => void;
  /** the subject's AEs after the save, and the AE saved */
  onSaved: (view: SubjectAesView, aeId: number, created: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AeValues>();
  // the chosen CTCAE term (with its grade texts), for the opening it was chosen in
  const [picked, setPicked] = useState<{ target: AeFormTarget | null; term: CtcaeTermView | null }>({
    target: null,
    term: null,
  });
  const term = picked.target === target ? picked.term : null;
  const setTerm = (next: CtcaeTermView | null) => setPicked({ target, term: next });
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [askReason, setAskReason] = useState<AeValues | null>(null);
  const [visits, setVisits] = useState<VisitView[]>([]);
  const editing = target?.ae ?? null;
  // causality and expectedness are the investigator's (the server refuses anyone else's change)
  const { investigator } = useSubjectRoles();
  const open = target !== null;

  const serious = Form.useWatch('serious', form);

  // every opening starts from the AE (or from nothing): the last form's values do not leak into the next
  useLayoutEffect(() => {
    if (!target) return;
    form.setFieldsValue(target.ae ? fromAe(target.ae) : NEW_AE);
  }, [form, target]);

  // the edited AE's CTCAE term, with its grade texts
  useEffect(() => {
    const code = target?.ae?.ctcaeCode;
    if (!code || !dictionary) return;
    let current = true;
    call('ctcae.term', { meddraCode: code }).then(
      (found) => current && setPicked({ target, term: found }),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [target, dictionary]);

  // the subject's visits that took place, to link the AE to one of them
  useEffect(() => {
    if (!open) return;
    let current = true;
    call('visits.forSubject', { subjectId }).then(
      (view) => current && setVisits(view.visits.filter((v) => v.status === 'done')),
      () => current && setVisits([]),
    );
    return () => {
      current = false;
    };
  }, [open, subjectId]);

  const created = (view: SubjectAesView): number => view.aes.reduce((max, ae) => (ae.id > max ? ae.id : max), 0);

  const submit = async (values: AeValues) => {
    if (editing) {
      // every change of a recorded AE has its reason: asked before anything is sent
      setAlert(null);
      setAskReason(values);
      return;
    }
    setBusy(true);
    setAlert(null);
    try {
      const view = await call('aes.create', { subjectId, fields: toFields(values, scale) });
      onSaved(view, created(view), true);
    } catch (err) {
      setAlert(placeAeErrors(form, asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  const submitWithReason = async (reason: string | null) => {
    if (!editing || !askReason) return;
    try {
      const view = await call('aes.update', {
        id: editing.id,
        fields: toFields(askReason, scale),
        changeReason: reason ?? '',
      });
      setAskReason(null);
      onSaved(view, editing.id, false);
    } catch (err) {
      const error = asApiError(err);
      // the reason's own errors stay on the reason modal's field
      if (error.fields?.some((f) => f.field === 'changeReason')) {
        throw new ApiCallError({
          ...error,
          fields: error.fields.map((f) => (f.field === 'changeReason' ? { ...f, field: 'reason' } : f)),
        });
      }
      setAskReason(null);
      setAlert(placeAeErrors(form, error));
    }
  };

  const gradeOptions = GRADES.map((g) => {
    const text = term ? term.grades[g - 1] : null;
    const undefinedGrade = term !== null && text === null;
    return {
      value: g,
      disabled: undefinedGrade,
      label: (
        <span data-testid={`grade-${g}`} style={{ display: 'inline-flex', gap: 8, alignItems: 'baseline' }}>
          <Typography.Text strong style={{ whiteSpace: 'nowrap' }} disabled={undefinedGrade}>
            {t('aesUi.grade', { grade: g })}
          </Typography.Text>
          {term && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} disabled={undefinedGrade}>
              {text ?? t('aesUi.form.gradeUndefined')}
            </Typography.Text>
          )}
        </span>
      ),
    };
  });

  const visitOptions = [
    { value: 0, label: t('aesUi.form.noVisit') },
    ...visits.map((v) => ({ value: v.id, label: `${v.code} ${v.name} · ${formatDate(v.actualDate)}` })),
  ];

  const onValuesChange = (changed: AeValues) => {
    clearChangedErrors(form)(changed);
    // an end date ends the event; "ongoing" clears the end date
    if (changed.endDate) form.setFieldValue('ongoing', false);
    if (changed.ongoing === true) form.setFieldValue('endDate', null);
  };

  return (
    <>
      <Modal
        open={open}
        title={
          editing
            ? t('aesUi.form.editTitle', { number: aeNumberText(editing.aeNumber), subject: subjectLabel })
            : t('aesUi.form.newTitle', { subject: subjectLabel })
        }
        width={880}
        okText={t('aesUi.form.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={onClose}
        destroyOnHidden
        afterClose={() => setAlert(null)}
        styles={{ body: { maxHeight: 'calc(100vh - 220px)', overflowY: 'auto', paddingInlineEnd: 8 } }}
        data-testid="ae-form"
      >
        {editing && <Alert type="info" showIcon title={t('aesUi.form.editHint')} style={{ marginBottom: 12 }} />}
        <FormAlert text={alert} testId="ae-form-alert" />
        <Form<AeValues>
          form={form}
          name="ae"
          layout="vertical"
          preserve={false}
          onValuesChange={onValuesChange}
          onFinish={(v) => void submit(v)}
        >
          <SectionTitle>{t('aesUi.form.sectionEvent')}</SectionTitle>
          <Row gutter={16}>
            <Col xs={24} md={10}>
              <Form.Item name="verbatimTerm" label={t('aesUi.fields.verbatimTerm')} required>
                <Input maxLength={200} placeholder={t('aesUi.form.verbatimPlaceholder')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={14}>
              {dictionary ? (
                <Form.Item name="ctcaeCode" label={t('aesUi.fields.ctcaeTerm')} extra={t('aesUi.form.ctcaeHelp')}>
                  <CtcaePicker
                    current={term}
                    onPick={(picked) => {
                      setTerm(picked);
                      // a grade the new term does not define cannot stay chosen
                      const grade = form.getFieldValue('grade') as number | null | undefined;
                      if (picked && grade && picked.grades[grade - 1] === null) form.setFieldValue('grade', null);
                    }}
                  />
                </Form.Item>
              ) : (
                <Form.Item label={t('aesUi.fields.ctcaeTerm')}>
                  <Alert type="warning" showIcon title={t('aesUi.form.noDictionary')} data-testid="no-dictionary" />
                </Form.Item>
              )}
            </Col>
          </Row>
          {term && (
            <Descriptions
              size="small"
              bordered
              column={1}
              style={{ marginBottom: 12 }}
              styles={{ label: { width: 140, whiteSpace: 'nowrap' } }}
              data-testid="ctcae-term"
              items={[
                {
                  key: 'term',
                  label: t('aesUi.fields.ctcaeTerm'),
                  children: (
                    <Space size={8} wrap>
                      <Typography.Text strong>{term.term}</Typography.Text>
                      <Typography.Text type="secondary" className="td-mono">
                        {term.meddraCode}
                      </Typography.Text>
                    </Space>
                  ),
                },
                { key: 'soc', label: t('aesUi.fields.soc'), children: term.soc },
                ...(term.definition
                  ? [{ key: 'definition', label: t('aesUi.form.definition'), children: term.definition }]
                  : []),
                ...(term.navigationalNote
                  ? [{ key: 'note', label: t('aesUi.form.navigationalNote'), children: term.navigationalNote }]
                  : []),
              ]}
            />
          )}
          {scale === 'aesev' ? (
            <Form.Item name="severity" label={t('aesUi.fields.severity')} required>
              <Radio.Group options={severityOptions()} optionType="button" />
            </Form.Item>
          ) : (
            <Form.Item
              name="grade"
              label={t('aesUi.fields.grade')}
              required
              extra={dictionary && !term ? t('aesUi.form.pickTerm') : undefined}
            >
              {term ? (
                <Radio.Group options={gradeOptions} style={{ display: 'flex', flexDirection: 'column', gap: 6 }} />
              ) : (
                <Radio.Group options={gradeOptions} optionType="button" />
              )}
            </Form.Item>
          )}
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="startDate" label={t('aesUi.fields.startDate')} required>
                <DateField />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="endDate" label={t('aesUi.fields.endDate')}>
                {/* typing an end date ends the event (the "ongoing" box clears itself) */}
                <DateField />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="ongoing" valuePropName="checked" label=" ">
                <Checkbox>{t('aesUi.form.ongoing')}</Checkbox>
              </Form.Item>
            </Col>
          </Row>

          <SectionTitle>{t('aesUi.form.sectionSeriousness')}</SectionTitle>
          <Form.Item name="serious" label={t('aesUi.fields.serious')} required>
            <Radio.Group
              optionType="button"
              options={[
                { value: false, label: t('aesUi.form.seriousNo') },
                { value: true, label: t('aesUi.form.seriousYes') },
              ]}
            />
          </Form.Item>
          {serious && (
            <Row gutter={16}>
              <Col xs={24} md={15}>
                <Form.Item name="seriousCriteria" label={t('aesUi.fields.seriousCriteria')} required>
                  <Checkbox.Group
                    options={criteriaOptions()}
                    style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '4px 12px' }}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={9}>
                <Form.Item
                  name="awarenessAt"
                  label={t('aesUi.fields.awarenessAt')}
                  required
                  extra={t('aesUi.form.awarenessHelp')}
                >
                  <DateTimeField />
                </Form.Item>
              </Col>
            </Row>
          )}

          <SectionTitle>{t('aesUi.form.sectionAssessment')}</SectionTitle>
          <Row gutter={16}>
            <Col xs={24} md={15}>
              <Form.Item
                name="causality"
                label={t('aesUi.fields.causality')}
                extra={investigator ? undefined : t('aesUi.form.investigatorOnly')}
              >
                <Radio.Group options={causalityOptions()} disabled={!investigator} />
              </Form.Item>
            </Col>
            <Col xs={24} md={9}>
              <Form.Item name="expected" label={t('aesUi.fields.expected')}>
                <Radio.Group options={expectedOptions()} disabled={!investigator} />
              </Form.Item>
            </Col>
          </Row>

          <SectionTitle>{t('aesUi.form.sectionOther')}</SectionTitle>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="action" label={t('aesUi.fields.action')}>
                <Select options={actionOptions()} allowClear />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="outcome" label={t('aesUi.fields.outcome')}>
                <Select options={outcomeOptions()} allowClear />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="visitId"
                label={t('aesUi.fields.visitId')}
                getValueProps={(v: number | null | undefined) => ({ value: v ?? 0 })}
                normalize={(v: number) => (v === 0 ? null : v)}
              >
                <Select options={visitOptions} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="treatment" label={t('aesUi.fields.treatment')}>
            <Input.TextArea rows={2} maxLength={500} showCount />
          </Form.Item>
          <Form.Item name="notes" label={t('aesUi.fields.notes')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
      <ReasonModal
        open={askReason !== null}
        title={t('reason.title')}
        description={<Alert type="info" showIcon title={t('aesUi.form.editHint')} />}
        reasonRequired
        okText={t('common.save')}
        onSubmit={({ reason }) => submitWithReason(reason)}
        onCancel={() => setAskReason(null)}
      />
    </>
  );
}

function SectionTitle({ children }: { children: string }) {
  return (
    <Typography.Title level={5} style={{ fontSize: 14, margin: '4px 0 10px' }}>
      {children}
    </Typography.Title>
  );
}
