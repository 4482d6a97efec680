import { Alert, type FormInstance } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../electron/api';
import { asApiError } from '../../api/client';
import { placeFieldErrors } from './forms';

/**
 * The submit of a subject-screen form in a modal that needs no reason: send the values, hand the result on; a refusal
 * lands on the form's fields, or in the alert when it concerns no field. `modalProps` are the Modal props every such
 * modal shares (its OK button submits the form; closing forgets the alert).
 */
export function useModalSubmit<V, R>({
  form,
  send,
  onSaved,
  onClose,
  place = placeFieldErrors,
}: {
  form: FormInstance;
  send: (values: V) => Promise<R>;
  onSaved: (result: R) => void;
  onClose: () => void;
  /** puts a refusal on the form's fields, returns the rest (default: the subject screens' wording) */
  place?: (form: FormInstance, error: ApiError) => string | null;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const finish = async (values: V) => {
    setBusy(true);
    setAlert(null);
    try {
      onSaved(await send(values));
    } catch (err) {
      setAlert(place(form, asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  const modalProps = {
    cancelText: t('common.cancel'),
    confirmLoading: busy,
    onOk: () => form.submit(),
    onCancel: onClose,
    destroyOnHidden: true,
    afterClose: () => setAlert(null),
  };

  return { busy, alert, finish, modalProps };
}

/** The alert above a form with what the server refused that no field shows. */
export function FormAlert({ text, testId }: { text: string | null; testId?: string }) {
  return text ? <Alert type="error" showIcon title={text} style={{ marginBottom: 12 }} data-testid={testId} /> : null;
}
