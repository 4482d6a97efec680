import { Alert, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError } from '../../api/client';
import { needsReason } from '../../components/formErrors';
import { ReasonModal } from '../../components/ReasonModal';
import { placeFieldErrors, subjectError } from './forms';

/**
 * Saving a subject-screen form: as components/useReasonedSave (the server may ask for a reason when key fields change;
 * then a modal asks for it and the same values go again), but errors land on nested fields too.
 */
export function useSubjectSave<V, R>({
  form,
  save,
  onSaved,
}: {
  form: FormInstance<V>;
  save: (values: V, reason: string | null) => Promise<R>;
  onSaved: (result: R) => void;
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
      if (needsReason(error, 'validation.reasonRequired')) setAskReason({ values, text: subjectError(error) });
      else setAlert(placeFieldErrors(form, error));
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
      if (error.fields?.some((f) => f.field === 'reason')) throw err; // shown on the modal's reason field
      setAskReason(null);
      setAlert(placeFieldErrors(form, error));
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
