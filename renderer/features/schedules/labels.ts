import dayjs from 'dayjs';
import {
  deviationCategories,
  deviationSeverities,
  holidayKinds,
  visitAnchors,
  visitKinds,
  type CodedItem,
  type HolidayView,
} from '../../../electron/api';
import i18n from '../../i18n';
import { parseDate } from '../../i18n/format';

/** Select options with translated labels, in the contract's order. */
export const kindOptions = () => visitKinds.map((k) => ({ value: k, label: i18n.t(`schedulesUi.kind.${k}`) }));
export const anchorOptions = () => visitAnchors.map((a) => ({ value: a, label: i18n.t(`schedulesUi.anchor.${a}`) }));
export const categoryOptions = () =>
  deviationCategories.map((c) => ({ value: c, label: i18n.t(`schedulesUi.category.${c}`) }));
export const severityOptions = () =>
  deviationSeverities.map((s) => ({ value: s, label: i18n.t(`schedulesUi.severity.${s}`) }));
export const holidayKindOptions = () =>
  holidayKinds.map((k) => ({ value: k, label: i18n.t(`schedulesUi.holidayKind.${k}`) }));
export const armOptions = (arms: readonly CodedItem[] | undefined) =>
  (arms ?? []).map((a) => ({ value: a.code, label: a.code, title: a.label }));

/** The weekday of a stored date in the current language ("周六" / "Sat"); '' when not a date. */
export function weekday(date: string | null | undefined): string {
  const d = parseDate(date);
  return d ? d.locale(dayjs.locale()).format('ddd') : '';
}

export function isWeekend(date: string): boolean {
  const day = parseDate(date)?.day();
  return day === 0 || day === 6;
}

/**
 * Whether a target date falls on a day off: an official holiday, or a weekend that is not a make-up working day
 * (调休上班). Returns what to say about it, or null on a working day.
 */
export function dayOff(
  date: string,
  holidays: ReadonlyMap<string, HolidayView>,
): { kind: 'holiday' | 'weekend'; label: string } | null {
  const h = holidays.get(date);
  if (h?.kind === 'holiday') return { kind: 'holiday', label: h.name };
  if (h?.kind === 'workday') return null;
  return isWeekend(date) ? { kind: 'weekend', label: weekday(date) } : null;
}
