/**
 * What the export screens share: the sheets each kind offers, their labels, and where the server's field errors go on
 * the export form (the date range is one picker for the two input fields `from` and `to`).
 */
import type { FormInstance } from 'antd';
import type { ApiError } from '../../../electron/api';
import {
  sdtmDomains,
  sponsorSheets,
  type ExportKind,
  type SdtmDomain,
  type SponsorSheet,
} from '../../../electron/api/exchange';
import { applyFieldErrors } from '../../components/formErrors';
import i18n from '../../i18n';

export type ExportSheet = SponsorSheet | SdtmDomain;

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const sheetsOf = (kind: ExportKind): readonly ExportSheet[] =>
  kind === 'sponsor' ? sponsorSheets : sdtmDomains;

export const kindText = (kind: ExportKind): string => i18n.t(`exchangeUi.kinds.${kind}`);
export const sheetText = (sheet: ExportSheet): string => i18n.t(`exchangeUi.sheets.${sheet}`);

/** The form's fields, by the names the server's errors use once `from` / `to` are folded into `range`. */
export const EXPORT_FIELDS = ['kind', 'sheets', 'lang', 'centerIds', 'range', 'recipient', 'changesOnly'] as const;

const formField = (path: string): string => {
  // "sheets.0" → "sheets"; either end of the date range → the range picker
  const head = path.split('.')[0] ?? path;
  return head === 'from' || head === 'to' ? 'range' : head;
};

/** Puts the server's field errors on the export form; returns what belongs to no field shown (for the alert). */
export function placeExportErrors(form: FormInstance, error: ApiError): string | null {
  const fields = error.fields?.map((f) => ({ ...f, field: formField(f.field) }));
  return applyFieldErrors(form, { ...error, fields }, EXPORT_FIELDS);
}

/** The workstation's offset east of UTC in minutes: date-time cells show its wall clock. */
export const utcOffsetMinutes = (): number => -new Date().getTimezoneOffset();
