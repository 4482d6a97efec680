import { Alert, Descriptions, Form, Input, Modal, Radio, Space } from 'antd';
import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordableVisitStatus, SubjectVisitsView, VisitView } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { useReasonedSave } from '../../components/useReasonedSave';
import { formatDate } from '../../i18n/format';
import { clearChangedErrors } from '../subjects/forms';
import { FormAlert } from '../subjects/useModalSubmit';
import { placeVisitErrors, visitError } from './forms';
import { recordableOptions, todayText, windowText } from './labels';
import { HolidayTag, VisitName } from './VisitTags';

/** What the record dialog needs of a visit (the subject page has the whole visit, the worklist a row of it). */
export type RecordTarget = Pick<
  VisitView,
  | 'id'
  | 'code'
  | 'name'
  | 'cycle'
  | 'cycleDay'
  | 'status'
  | 'actualDate'
  | 'reason'
  | 'notes'
  | 'targetDate'
  | 'windowStart'
  | 'windowEnd'
  | 'targetHoliday'
  | 'unscheduled'
> & { subjectLabel: string };

interface RecordValues {
  status: RecordableVisitStatus;
  actualDate: string | null;
  reason?: string | null;
  notes?: string | null;
}

/**
 * Records what happened to a visit: done (on a date), missed, not done or cancelled (with a reason). A visit already
 * recorded is corrected: the server asks for the reason of the change (the reason modal).
 */
export function RecordVisitModal({
  target,
  onClose,
  onSaved,
}: {
  /** the visit; null: closed */
  target: RecordTarget | null;
  onClose: () => void;
  onSaved: (view: SubjectVisitsView, visitId: number) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RecordValues>();
  const status = Form.useWatch('status', form);
  const actualDate = Form.useWatch('actualDate', form);

  const { busy, alert, clearAlert, submit, reasonModal } = useReasonedSave<RecordValues, SubjectVisitsView>({
    form,
    save: (v, changeReason) => {
      if (!target) return Promise.reject(new Error('closed'));
      return call('visits.record', {
        id: target.id,
        status: v.status,
        actualDate: v.status === 'done' ? (v.actualDate ?? '') : null,
        reason: v.status === 'done' ? null : (v.reason ?? null),
        notes: v.notes ?? null,
        changeReason,
      });
    },
    onSaved: (view) => {
      if (target) onSaved(view, target.id);
    },
    describe: visitError,
    place: placeVisitErrors,
    reasonAsk: { field: 'changeReason', messageKey: 'visits.changeReasonRequired' },
  });

  const recorded = target !== null && target.status !== 'planned';
  // cosmetic: the server decides what is out of window
  const outside =
    status === 'done' &&
    Boolean(actualDate) &&
    target?.windowStart != null &&
    target.windowEnd != null &&
    (actualDate! < target.windowStart || actualDate! > target.windowEnd);
  // every opening starts from the visit: a form keeps the values of a field that went away (preserve={false} puts
  // back its first initial value), which would otherwise leak from the visit recorded before
  useLayoutEffect(() => {
    if (!target) return;
    form.setFieldsValue(
      target.status === 'planned'
        ? { status: 'done', actualDate: todayText(), reason: null, notes: null }
        : {
            status: target.status,
            actualDate: target.actualDate,
            reason: target.reason,
            notes: target.notes,
          },
    );
  }, [form, target]);

  return (
    <>
      <Modal
        open={target !== null}
        title={target && t('visitsUi.record.title', { subject: target.subjectLabel, code: target.code })}
        width={600}
        okText={t('visitsUi.record.ok')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={onClose}
        destroyOnHidden
        afterClose={clearAlert}
      >
        {target && (
          <Descriptions
            size="small"
            bordered
            column={2}
            style={{ marginBottom: 12 }}
            styles={{ label: { whiteSpace: 'nowrap' } }}
            items={[
              {
                key: 'visit',
                label: t('visitsUi.fields.visit'),
                span: 'filled',
                children: (
                  <VisitName code={target.code} name={target.name} cycle={target.cycle} cycleDay={target.cycleDay} />
                ),
              },
              ...(target.targetDate
                ? [
                    {
                      key: 'target',
                      label: t('visitsUi.fields.targetDate'),
                      children: (
                        <Space size={6} wrap>
                          <span style={{ whiteSpace: 'nowrap' }}>{formatDate(target.targetDate)}</span>
                          <HolidayTag holiday={target.targetHoliday} />
                        </Space>
                      ),
                    },
                    {
                      key: 'window',
                      label: t('visitsUi.fields.window'),
                      children: (
                        <span style={{ whiteSpace: 'nowrap' }}>{windowText(target.windowStart, target.windowEnd)}</span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
        {recorded && (
          <Alert type="info" showIcon title={t('visitsUi.record.correction')} style={{ marginBottom: 12 }} />
        )}
        <FormAlert text={alert} />
        <Form<RecordValues>
          form={form}
          name="record-visit"
          layout="vertical"
          preserve={false}
          onValuesChange={clearChangedErrors(form)}
          onFinish={(v) => void submit(v)}
        >
          <Form.Item name="status" label={t('visitsUi.fields.status')} required>
            {/* an unscheduled visit took place (it is added as done) or is cancelled as a mistake */}
            <Radio.Group
              options={recordableOptions().filter(
                (o) => !target?.unscheduled || o.value === 'done' || o.value === 'cancelled',
              )}
            />
          </Form.Item>
          {status === 'done' && (
            <Form.Item
              name="actualDate"
              label={t('visitsUi.fields.actualDate')}
              required
              extra={
                outside ? (
                  <span style={{ color: '#d46b08' }} data-testid="record-outside-hint">
                    {t('visitsUi.record.outOfWindowHint')}
                  </span>
                ) : undefined
              }
            >
              <DateField />
            </Form.Item>
          )}
          {status === 'missed' && (
            <Alert type="warning" showIcon title={t('visitsUi.record.missedHint')} style={{ marginBottom: 12 }} />
          )}
          {status !== undefined && status !== 'done' && (
            <Form.Item
              name="reason"
              label={t('visitsUi.fields.reason')}
              required={status === 'not_done' || status === 'cancelled'}
              extra={t('visitsUi.record.reasonHelp')}
            >
              <Input.TextArea rows={2} maxLength={500} showCount />
            </Form.Item>
          )}
          <Form.Item name="notes" label={t('visitsUi.fields.notes')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
      {reasonModal}
    </>
  );
}
