/**
 * Words and colours of the safety screens. The AE code lists (causality, criteria, severity, report method) are the
 * AE screens' own (features/aes/labels.ts, aesUi.*), so that an AE reads the same everywhere; what the codes mean is
 * the server's (core/safety).
 */
import type { ApiError } from '../../../electron/api';
import type { AeCausality, SaeClockState, SeriousCriterion } from '../../../electron/api/safety';
import { translateMessage } from '../../components/formErrors';
import i18n from '../../i18n';

export { aeNumberText, expectedText } from '../aes/labels';

/**
 * A subject's page, on its adverse-event tab (the subject page's tab key "aes", asked for in the address as the study
 * page does).
 */
export const subjectAesPath = (studyId: number, subjectId: number): string =>
  `/studies/${studyId}/subjects/${subjectId}?tab=aes`;

export const criterionText = (c: SeriousCriterion): string => i18n.t(`aesUi.criteria.${c}`);
export const criterionShort = (c: SeriousCriterion): string => i18n.t(`aesUi.criteriaShort.${c}`);
export const causalityText = (c: AeCausality | null): string => (c ? i18n.t(`aesUi.causality.${c}`) : '');

/** The board's state words: blue while due, red overdue, green on time, orange-red late. */
export const clockStateColors: Record<SaeClockState, string> = {
  due: 'blue',
  overdue: 'red',
  on_time: 'green',
  late: 'volcano',
};
export const clockStateText = (s: SaeClockState): string => i18n.t(`safetyUi.clockStates.${s}`);

/** The column label of a counts level: '1'…'5', MILD / MODERATE / SEVERE, or 'unknown'. */
export function levelText(level: string): string {
  if (level === 'unknown') return i18n.t('safetyUi.counts.unknown');
  if (/^[1-5]$/.test(level)) return i18n.t('safetyUi.counts.level', { level });
  return i18n.t(`aesUi.severity.${level}`, { defaultValue: level });
}

/** Stacked-bar colours of the counts chart by level (grade 1 → 5, then unknown). */
export function levelColor(level: string): string {
  const colors: Record<string, string> = {
    '1': '#95c98e',
    '2': '#f2c94c',
    '3': '#f08c3a',
    '4': '#d9363e',
    '5': '#5c0011',
    MILD: '#95c98e',
    MODERATE: '#f2c94c',
    SEVERE: '#d9363e',
  };
  return colors[level] ?? '#bfbfbf';
}

/** A server message of the safety screens in words. */
export function safetyError(error: ApiError): string {
  return translateMessage(error.messageKey, error.params, error.field);
}
