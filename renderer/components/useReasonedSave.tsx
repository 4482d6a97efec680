import { Alert, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../electron/api';
import { ApiCallError, asApiError } from '../api/client';
import { applyFieldErrors, needsReason, translateError } from './formErrors';
import { ReasonModal } from './ReasonModal';

/**
 * Saving a record form: send the values; if the server asks for a reason (a key field of an existing record changed),
 * ask for it in a modal and send the same values again with it. Other refusals land on the form's fields, or in the
 * alert when they concern no field. The rule of which fields need a reason stays in the server.
 *
 * `describe` and `place` let a screen with its own error wording or nested fields (the subject screens) reuse the flow;
 * by default errors are translated by translateError and placed on `fieldNames` by applyFieldErrors. `reasonAsk` is
 * how the server asks for the reason when that is not the default (visits.record: `changeReason`, whose `reason` is
 * why a visit was not done).
 */
export function useReasonedSave<V, R>({
  form,
  fieldNames = [],
  save,
  onSaved,
  describe = translateError,
  place = (f, error) => applyFieldErrors(f, error, fieldNames),
  reasonAsk = { field: 'reason', messageKey: 'validation.reasonRequired' },
}: {
  form: FormInstance<V>;
  fieldNames?: readonly string[];
  save: (values: V, reason: string | null) => Promise<R>;
  onSaved: (result: R) => void;
  /** the text of an error, shown when the server asks for a reason */
  describe?: (error: ApiError) => string;
  /** puts the error's field errors on the form; returns what could not be placed (for the alert), or null */
  place?: (form: FormInstance<V>, error: ApiError) => string | null;
  /** the input field the reason goes in, and the message key of the server's refusal that asks for it */
  reasonAsk?: { field: string; messageKey: string };
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [askReason, setAskReason] = useState<{ values: V; text: string } | null>(null);

  const submit = async (values: V) => {
    setBusy(true);
    setAlert(null);
    try {
      onSaved(await save(values, null));
    } catch (err) {
      const error = asApiError(err);
      if (needsReason(error, reasonAsk.messageKey, reasonAsk.field)) setAskReason({ values, text: describe(error) });
      else setAlert(place(form, error));
    } finally {
      setBusy(false);
    }
  };

  const submitWithReason = async (reason: string | null) => {
    if (!askReason) return;
    try {
      const result = await save(askReason.values, reason);
      setAskReason(null);
      onSaved(result);
    } catch (err) {
      const error = asApiError(err);
      // shown on the modal's reason field
      if (error.fields?.some((f) => f.field === reasonAsk.field)) throw asReasonError(error, reasonAsk.field);
      setAskReason(null);
      setAlert(place(form, error));
    }
  };

  const reasonModal = (
    <ReasonModal
      open={askReason !== null}
      title={t('reason.title')}
      description={<Alert type="info" showIcon title={askReason?.text} />}
      reasonRequired
      okText={t('common.save')}
      onSubmit={({ reason }) => submitWithReason(reason)}
      onCancel={() => setAskReason(null)}
    />
  );

  return { busy, alert, clearAlert: () => setAlert(null), submit, reasonModal };
}

/** The error with the reason's field errors named `reason`, which is what the reason modal's field is called. */
function asReasonError(error: ApiError, reasonField: string): ApiCallError {
  if (reasonField === 'reason') return new ApiCallError(error);
  const fields = error.fields?.map((f) => (f.field === reasonField ? { ...f, field: 'reason' } : f));
  return new ApiCallError({ ...error, fields });
}
