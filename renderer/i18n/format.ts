import dayjs from 'dayjs';
import i18n from './index';

/** Stored calendar dates are 'YYYY-MM-DD' text: parsed as such, never through a JS Date and a time zone. */
export const DATE = 'YYYY-MM-DD';

export function parseDate(value: string | null | undefined): dayjs.Dayjs | null {
  if (!value) return null;
  const d = dayjs(value, DATE, true);
  return d.isValid() ? d : null;
}

/** A calendar date in the current language's format ('2024-03-05' / '5 Mar 2024'); '' when empty. */
export function formatDate(value: string | null | undefined): string {
  const d = parseDate(value);
  return d ? d.format(i18n.t('format.date')) : '';
}

/** An instant (UTC ISO text) in the workstation's local time. */
export function formatDateTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '';
  const d = dayjs(iso);
  return d.isValid() ? d.format(i18n.t(withSeconds ? 'format.timestamp' : 'format.dateTime')) : iso;
}

/** The local calendar day of an instant (for dense tables; the full time goes in a tooltip). */
export function formatInstantDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = dayjs(iso);
  return d.isValid() ? d.format(i18n.t('format.date')) : iso;
}
