/**
 * Server errors on the adverse-event forms: the subject screens' placement (fields.startDate lands on startDate), with
 * the AE fields' labels for the field names a message carries.
 */
import type { FormInstance } from 'antd';
import type { ApiError } from '../../../electron/api';
import { translateMessage } from '../../components/formErrors';
import i18n from '../../i18n';
import { placeFieldErrors } from '../subjects/forms';

type Params = Record<string, string | number>;

/** An AE field's label, by its id or input path ("fields.grade" → CTCAE 分级). */
export const aeFieldLabel = (path: string): string => {
  const leaf = path.split('.').pop() ?? path;
  return i18n.t(`aesUi.fields.${leaf}`, { defaultValue: i18n.t(`fields.${leaf}`, { defaultValue: leaf }) });
};

/** A server message of the AE screens in words. */
export function aeMessage(messageKey: string, params?: Params, field?: string): string {
  const p: Params = { ...params };
  if (typeof p.fields === 'string') {
    p.fields = p.fields.split(/,\s*/).map(aeFieldLabel).join(i18n.t('format.listSeparator'));
  }
  return translateMessage(messageKey, p, field);
}

export function aeError(error: ApiError): string {
  return aeMessage(error.messageKey, error.params, error.field);
}

/** Puts each field error on the AE form's field it names; returns the rest for the alert (null: all placed). */
export function placeAeErrors(form: FormInstance, error: ApiError): string | null {
  return placeFieldErrors(form, error, aeMessage);
}

/** A reviewer's warning the server attached to an AE (a message key under safety.warn…), in words. */
export const warningText = (key: string): string => aeMessage(key);
