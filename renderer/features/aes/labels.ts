/**
 * The adverse-event code lists as words (zh-CN / en), and the small formatting every AE screen shares: the AE number,
 * the grade or AESEV severity, durations of the SAE clock. The values themselves come from the contract.
 */
import {
  aeActions,
  aeCausalities,
  aeOutcomes,
  aeSeverities,
  reportMethods,
  seriousCriteria,
  type AeSeverity,
  type AeSeverityScale,
  type SaeClockState,
} from '../../../electron/api';
import i18n from '../../i18n';

/** AE-01, AE-12, AE-123 */
export const aeNumberText = (n: number): string => i18n.t('aesUi.number', { number: String(n).padStart(2, '0') });

/** "3 级" for a CTCAE grade, "中度" for an AESEV severity; '' when neither is set. */
export function severityText(scale: AeSeverityScale | null, grade: number | null, severity: AeSeverity | null): string {
  if (scale !== 'aesev' && grade !== null) return i18n.t('aesUi.grade', { grade });
  if (severity) return i18n.t(`aesUi.severity.${severity}`);
  if (grade !== null) return i18n.t('aesUi.grade', { grade });
  return '';
}

export const gradeColors: Record<number, string> = { 1: 'green', 2: 'gold', 3: 'orange', 4: 'red', 5: 'magenta' };
export const severityColors: Record<AeSeverity, string> = { MILD: 'green', MODERATE: 'gold', SEVERE: 'red' };

export const clockColors: Record<SaeClockState, string> = {
  due: 'processing',
  overdue: 'error',
  on_time: 'success',
  late: 'warning',
};

/** Expectedness as stored (true / false / null) ↔ the form's choice. */
export type ExpectedChoice = 'yes' | 'no' | 'unknown';
export const expectedChoice = (v: boolean | null): ExpectedChoice => (v === null ? 'unknown' : v ? 'yes' : 'no');
export const expectedValue = (c: ExpectedChoice | null | undefined): boolean | null =>
  c === 'yes' ? true : c === 'no' ? false : null;
export const expectedText = (v: boolean | null): string => i18n.t(`aesUi.expected.${expectedChoice(v)}`);

const options = <T extends string>(values: readonly T[], list: string) =>
  values.map((value) => ({ value, label: i18n.t(`aesUi.${list}.${value}`) }));

export const causalityOptions = () => options(aeCausalities, 'causality');
export const actionOptions = () => options(aeActions, 'action');
export const outcomeOptions = () => options(aeOutcomes, 'outcome');
export const criteriaOptions = () => options(seriousCriteria, 'criteria');
export const methodOptions = () => options(reportMethods, 'method');
export const severityOptions = () => options(aeSeverities, 'severity');
export const expectedOptions = () => options(['yes', 'no', 'unknown'] as const, 'expected');

/** "5 小时 12 分" / "1 天 3 小时" / "12 分": a span of the SAE clock, rounded down to the minute. */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return i18n.t('aesUi.clock.daysHours', { days: Math.floor(hours / 24), hours: hours % 24 });
  if (hours === 0) return i18n.t('aesUi.clock.minutes', { minutes });
  return i18n.t('aesUi.clock.hoursMinutes', { hours, minutes: minutes % 60 });
}

/** The first 12 hex digits of a SHA-256, enough to tell two files apart on screen. */
export const shortHash = (hash: string | null): string => (hash ? `${hash.slice(0, 12)}…` : '');
