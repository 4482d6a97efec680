/**
 * Server errors on the subject screens' forms. These forms have nested fields (personal.name, consent.signedDate,
 * arms.0.code), which the flat helpers of components/formErrors do not reach: here an error lands on whichever
 * registered form field its dotted path names.
 */
import type { FormInstance } from 'antd';
import dayjs from 'dayjs';
import type { ApiError } from '../../../electron/api';
import { translateMessage } from '../../components/formErrors';
import i18n from '../../i18n';
import { DATE } from '../../i18n/format';

type Params = Record<string, string | number>;
type NamePath = (string | number)[];

/** Params of subject messages that carry codes (statuses), shown as their labels. */
const codeParams: Record<string, Record<string, string>> = {
  'subjects.illegalTransition': { from: 'subjectsUi.status', to: 'subjectsUi.status' },
  'subjects.studyNotEnrolling': { status: 'studyStatus' },
  'subjects.studyNotOpen': { status: 'studyStatus' },
};

/** A server message in words, with field ids and status codes as labels. */
export function subjectMessage(messageKey: string, params?: Params, field?: string): string {
  const p: Params = { ...params };
  // reasonRequired names the changed fields by id ("initials, personal.name"): subject fields have their own labels
  if (typeof p.fields === 'string') {
    p.fields = p.fields
      .split(/,\s*/)
      .map((f) => i18n.t(`subjectsUi.fields.${f.split('.').pop() ?? f}`, { defaultValue: f }))
      .join(', ');
  }
  for (const [name, list] of Object.entries(codeParams[messageKey] ?? {})) {
    const v = p[name];
    if (typeof v === 'string') p[name] = i18n.t(`${list}.${v}`, { defaultValue: v });
  }
  return translateMessage(messageKey, p, field);
}

export function subjectError(error: ApiError): string {
  return subjectMessage(error.messageKey, error.params, error.field);
}

const joined = (name: NamePath) => name.join('.');
/** "fields.arms.0.code" (updates) and "arms.0.code" (creates) name the same form field. */
const formPath = (path: string) => path.replace(/^fields\./, '');

/**
 * Puts each field error on the registered form field its path names; returns the text of the rest (for an Alert), or
 * null when everything was placed. Every registered field gets the server's latest verdict. `message` words the
 * errors (another area's screens have their own labels).
 */
export function placeFieldErrors(
  form: FormInstance,
  error: ApiError,
  message: (messageKey: string, params?: Params, field?: string) => string = subjectMessage,
): string | null {
  const registered = form.getFieldsError().map((f) => f.name);
  const known = new Set(registered.map(joined));
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  const fieldErrors = error.fields?.length
    ? error.fields
    : error.field
      ? [{ field: error.field, messageKey: error.messageKey, params: error.params }]
      : [];
  for (const fe of fieldErrors) {
    const path = formPath(fe.field);
    const text = message(fe.messageKey, fe.params, fe.field);
    if (known.has(path)) byField.set(path, [...(byField.get(path) ?? []), text]);
    else rest.push(text);
  }
  if (fieldErrors.length === 0) rest.push(message(error.messageKey, error.params, error.field));
  form.setFields(registered.map((name) => ({ name, errors: byField.get(joined(name)) ?? [] })));
  const first = registered.find((name) => byField.has(joined(name)));
  if (first) form.scrollToField(first, { block: 'center' });
  return rest.length ? [...new Set(rest)].join(i18n.t('format.listSeparator')) : null;
}

/** The leaf paths of a changed-values object ({ personal: { name } } → ['personal','name']). */
function leafPaths(value: unknown, prefix: NamePath = []): NamePath[] {
  if (value === null || typeof value !== 'object' || dayjs.isDayjs(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
}

/**
 * For `Form onValuesChange`: a field the user has just changed loses the server's error on it (the fields have no
 * rules of their own, so antd would keep it until the next submit).
 */
export function clearChangedErrors(form: FormInstance): (changed: object) => void {
  return (changed) => {
    const changedPaths = new Set(leafPaths(changed).map(joined));
    const stale = form
      .getFieldsError()
      .filter((f) => f.errors.length > 0 && changedPaths.has(joined(f.name)))
      .map((f) => ({ name: f.name, errors: [] }));
    if (stale.length) form.setFields(stale);
  };
}

/** Today as stored text (the default of the date fields of status changes). */
export const today = (): string => dayjs().format(DATE);
