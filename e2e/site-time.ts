/**
 * The ward's time zone. The browser (playwright.config.ts), the host (fixtures.ts) and the tests' own date helpers all
 * use it, so "today" is one day for all three even when the test runs around midnight in Beijing (16:00 UTC).
 */
export const SITE_TIME_ZONE = 'Asia/Shanghai';

const siteDate = new Intl.DateTimeFormat('en-CA', { timeZone: SITE_TIME_ZONE });

/** The site's calendar date of an instant, as stored ('YYYY-MM-DD'). */
export function siteDateOf(ms: number): string {
  return siteDate.format(new Date(ms));
}
