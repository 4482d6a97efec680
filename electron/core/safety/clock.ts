/**
 * The reporting clocks of a serious AE — pure functions of instants, so that tests pass any "now".
 * - The site's clock (China GCP 2020 Art. 26, in practice 24 h): from the investigator's awareness to the initial report
 *   to the sponsor. due → overdue while unsent; once sent, on_time or late.
 * - The sponsor's expedited clock for a SUSAR (ICH E2A, CDE 2018), shown for information: 7 calendar days when fatal or
 *   life-threatening, else 15, from the sponsor's first knowledge (our initial report; the awareness while unsent).
 */
import type { SaeClock, SaeClockState, SeriousCriterion, SusarClock } from '../../api/safety';
import { relatedCausalities } from '../../../db/schema/vocabulary';
import { addDays, localDate } from '../dates';

export const DEFAULT_SAE_REPORT_HOURS = 24;
const HOUR_MS = 3_600_000;

/** The instant the initial report is due (UTC ISO-8601). */
export const reportDueAt = (awarenessAt: string, hours: number): string =>
  new Date(Date.parse(awarenessAt) + hours * HOUR_MS).toISOString();

export function saeClockState(now: Date, dueAt: string, reportedAt: string | null): SaeClockState {
  if (reportedAt) return reportedAt <= dueAt ? 'on_time' : 'late';
  return now.getTime() < Date.parse(dueAt) ? 'due' : 'overdue';
}

export function saeClock(
  now: Date,
  ae: { awarenessAt: string; reportDueAt: string; reportedAt: string | null },
  hours: number,
): SaeClock {
  return {
    state: saeClockState(now, ae.reportDueAt, ae.reportedAt),
    awarenessAt: ae.awarenessAt,
    dueAt: ae.reportDueAt,
    reportedAt: ae.reportedAt,
    hours,
  };
}

export const isRelated = (causality: string | null): boolean =>
  causality !== null && (relatedCausalities as readonly string[]).includes(causality);

/** Suspected unexpected serious adverse reaction: serious, related, and not expected per the reference information. */
export const isSusar = (ae: { serious: boolean; causality: string | null; expected: boolean | null }): boolean =>
  ae.serious && isRelated(ae.causality) && ae.expected === false;

export function susarClock(ae: {
  seriousCriteria: readonly SeriousCriterion[];
  awarenessAt: string | null;
  reportedAt: string | null;
}): SusarClock | null {
  const fromAt = ae.reportedAt ?? ae.awarenessAt;
  if (!fromAt) return null;
  const days = ae.seriousCriteria.includes('death') || ae.seriousCriteria.includes('life_threatening') ? 7 : 15;
  // calendar days from the day of first knowledge, as the ward's calendar reads it
  const dueDate = addDays(localDate(new Date(fromAt)), days);
  return { days, fromAt, dueDate };
}
