/**
 * Turns server errors into text for people: message keys translated with their params, field ids and code values
 * shown as labels; field errors placed on the antd form fields they concern.
 */
import type { FormInstance } from 'antd';
import type { ApiError } from '../../electron/api';
import i18n from '../i18n';

type Params = Record<string, string | number>;

/** Params that carry code values: which label list translates them, per message key. */
const codeParams: Record<string, { list: string; params: string[] }> = {
  'studies.illegalTransition': { list: 'studyStatus', params: ['from', 'to'] },
  'centers.illegalTransition': { list: 'centerStatus', params: ['from', 'to'] },
  'centers.studyClosed': { list: 'studyStatus', params: ['status'] },
};

const label = (list: string, code: string): string => i18n.t(`${list}.${code}`, { defaultValue: code });

export function translateMessage(messageKey: string, params?: Params, field?: string): string {
  const p: Params = { field: field ?? '', ...params };
  // reasonRequired names the changed fields by id: "protocolNumber, sitePi"
  if (typeof p.fields === 'string') {
    p.fields = p.fields
      .split(/,\s*/)
      .map((f) => label('fields', f))
      .join(i18n.t('format.listSeparator'));
  }
  if (typeof p.entity === 'string') p.entity = label('entities', p.entity);
  const codes = codeParams[messageKey];
  for (const name of codes?.params ?? []) {
    const value = p[name];
    if (codes && typeof value === 'string') p[name] = label(codes.list, value);
  }
  const key = `msg.${messageKey}`;
  // an untranslated key is a bug (the key test should catch it); still say something useful
  return i18n.exists(key) ? i18n.t(key, p) : `${i18n.t('msg.errors.internal')} (${messageKey})`;
}

export function translateError(error: ApiError): string {
  return translateMessage(error.messageKey, error.params, error.field);
}

/** Field ids arrive as input paths: "fields.sitePi" for updates, "sitePi" for creates. */
const fieldName = (path: string): string => path.replace(/^fields\./, '');

/**
 * Puts each field error on the form field it names. Returns the text of what could not be placed (errors of no field,
 * or of a field this form does not show), for an Alert above the form; null when everything was placed.
 */
export function applyFieldErrors(form: FormInstance, error: ApiError, names: readonly string[]): string | null {
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const fe of error.fields ?? []) {
    const name = fieldName(fe.field);
    const text = translateMessage(fe.messageKey, fe.params, fe.field);
    if (names.includes(name)) byField.set(name, [...(byField.get(name) ?? []), text]);
    else rest.push(text);
  }
  if (!error.fields?.length) rest.push(translateError(error));
  // every field gets the server's latest verdict: errors from an earlier attempt go
  form.setFields(names.map((name) => ({ name, errors: byField.get(name) ?? [] })));
  const first = byField.keys().next();
  if (!first.done) form.scrollToField(first.value, { block: 'center' });
  return rest.length ? [...new Set(rest)].join(i18n.t('format.listSeparator')) : null;
}

/** Whether the server refused only because a reason is missing (the reason field is the one at fault). */
export function needsReason(error: ApiError, messageKey: string, reasonField = 'reason'): boolean {
  return error.fields?.some((f) => f.field === reasonField && f.messageKey === messageKey) ?? false;
}

/**
 * For `Form onValuesChange`: a field the user has just changed loses the server's error on it (the fields have no rules
 * of their own, so antd would keep it until the next submit).
 */
export function clearErrorsOnChange(form: FormInstance): (changed: Record<string, unknown>) => void {
  return (changed) => form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })));
}
