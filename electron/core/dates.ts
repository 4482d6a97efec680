/**
 * Calendar dates (YYYY-MM-DD text) as whole days. Arithmetic is on UTC day numbers: a day is always 86,400,000 ms there
 * (no daylight saving), so "target + 7 days" is exact across month ends, year ends and 29 February. Plain Date in UTC is
 * the whole library this needs; a date library would add a parse per call on the hot path of plan generation.
 */
import { fieldError } from './errors';
import type { ServiceContext } from './context';

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
/** The YYYY-MM-DD date of a day number. */
export const dateOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string => dateOfDay(dayNumber(date) + days);
/** b − a in days */
export const daysBetween = (a: string, b: string): number => dayNumber(b) - dayNumber(a);
/** 0 = Sunday … 6 = Saturday */
export const weekday = (date: string): number => new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay();
export const isWeekend = (date: string): boolean => {
  const d = weekday(date);
  return d === 0 || d === 6;
};

/** The workstation's calendar date at an instant (its own time zone: "today" on the ward). */
export function localDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The latest calendar date anywhere on Earth now: a date after it is in the future for every workstation. */
export const latestToday = (ctx: Pick<ServiceContext, 'now'>): string =>
  new Date(ctx.now().getTime() + 14 * 3_600_000).toISOString().slice(0, 10);

/** Refuses a date in the future (a visit, consent or status cannot have happened yet). */
export function assertNotFuture(ctx: Pick<ServiceContext, 'now'>, field: string, date: string, key: string): void {
  if (date > latestToday(ctx)) throw fieldError('validation', field, key);
}
