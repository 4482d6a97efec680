import dayjs from 'dayjs';
import {
  deviationCategories,
  deviationSeverities,
  recordableVisitStatuses,
  type VisitStatus,
  type VisitView,
} from '../../../electron/api';
import i18n from '../../i18n';
import { DATE, formatDate } from '../../i18n/format';
import { subjectPath } from '../subjects/SubjectsPanel';

export { subjectPath };

/** planned in blue, done green, missed red, not done orange, cancelled grey */
export const visitStatusColors: Record<VisitStatus, string> = {
  planned: 'blue',
  done: 'green',
  missed: 'red',
  not_done: 'orange',
  cancelled: 'default',
};

/** "第2周期 第8天"; '' for a visit outside cycles (a repeated visit's occurrence number is in its code: FU2). */
export function cycleDayText(cycle: number | null, cycleDay: number | null): string {
  if (cycle === null || cycleDay === null) return '';
  return i18n.t('visitsUi.cycleDay', { cycle, day: cycleDay });
}

/** "2026-12-05 至 2026-12-09"; '' when the visit has no window (unscheduled). */
export function windowText(start: string | null, end: string | null): string {
  if (!start || !end) return '';
  return i18n.t('visitsUi.window', { start: formatDate(start), end: formatDate(end) });
}

/** The server names the holiday, or says 'weekend'. */
export const holidayText = (holiday: string): string => (holiday === 'weekend' ? i18n.t('visitsUi.weekend') : holiday);

export const recordableOptions = () =>
  recordableVisitStatuses.map((s) => ({ value: s, label: i18n.t(`visitsUi.recordable.${s}`) }));
export const categoryOptions = () =>
  deviationCategories.map((c) => ({ value: c, label: i18n.t(`visitsUi.deviation.categories.${c}`) }));
export const severityOptions = () =>
  deviationSeverities.map((s) => ({ value: s, label: i18n.t(`visitsUi.deviation.severities.${s}`) }));

/** The workstation's calendar date as stored text. */
export const todayText = (): string => dayjs().format(DATE);

/** A planned visit whose window closed before `today` (the worklist's "overdue"). */
export const isOverdue = (v: Pick<VisitView, 'status' | 'windowEnd'>, today: string): boolean =>
  v.status === 'planned' && v.windowEnd !== null && v.windowEnd < today;
