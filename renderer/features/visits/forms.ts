/**
 * Server errors on the visit screens' forms: the subject screens' placement (nested fields such as
 * deviation.occurredDate), with the visit fields' labels and visit statuses as words.
 */
import type { FormInstance } from 'antd';
import type { ApiError } from '../../../electron/api';
import { translateMessage } from '../../components/formErrors';
import i18n from '../../i18n';
import { placeFieldErrors } from '../subjects/forms';

type Params = Record<string, string | number>;

/** params that carry a visit status code */
const STATUS_PARAMS = ['status', 'from', 'to'];

const fieldLabel = (path: string): string => {
  const leaf = path.split('.').pop() ?? path;
  return i18n.t(`visitsUi.fields.${leaf}`, {
    defaultValue: i18n.t(`subjectsUi.fields.${leaf}`, { defaultValue: leaf }),
  });
};

/** A server message of the visit screens in words. */
export function visitMessage(messageKey: string, params?: Params, field?: string): string {
  const p: Params = { ...params };
  if (typeof p.fields === 'string') {
    p.fields = p.fields.split(/,\s*/).map(fieldLabel).join(i18n.t('format.listSeparator'));
  }
  if (messageKey.startsWith('visits.')) {
    for (const name of STATUS_PARAMS) {
      const v = p[name];
      if (typeof v === 'string') p[name] = i18n.t(`visitsUi.status.${v}`, { defaultValue: v });
    }
  }
  return translateMessage(messageKey, p, field);
}

export function visitError(error: ApiError): string {
  return visitMessage(error.messageKey, error.params, error.field);
}

/** placeFieldErrors with the visit screens' wording. */
export function placeVisitErrors(form: FormInstance, error: ApiError): string | null {
  return placeFieldErrors(form, error, visitMessage);
}
