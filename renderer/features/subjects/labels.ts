import {
  sexes,
  subjectStatuses,
  withdrawalReasons,
  type CodedItem,
  type Sex,
  type SubjectStatus,
  type SubjectSetupView,
} from '../../../electron/api';
import i18n from '../../i18n';
import { formatDate } from '../../i18n/format';

/** Select options with translated labels, in the contract's order. */
export const statusOptions = () => subjectStatuses.map((s) => ({ value: s, label: i18n.t(`subjectsUi.status.${s}`) }));
export const sexOptions = () => sexes.map((s) => ({ value: s, label: i18n.t(`subjectsUi.sex.${s}`) }));
export const withdrawalOptions = () =>
  withdrawalReasons.map((r) => ({ value: r, label: i18n.t(`subjectsUi.withdrawalReason.${r}`) }));
export const codedOptions = (items: readonly CodedItem[]) =>
  items.map((i) => ({ value: i.code, label: `${i.code} · ${i.label}` }));
/** The study's consent versions, "2.0 (2025-03-01) · current". */
export const consentVersionOptions = (versions: SubjectSetupView['consentVersions']) =>
  versions.map((v) => ({
    value: v.id,
    label: `${v.version} (${formatDate(v.versionDate)})${v.current ? ` · ${i18n.t('subjectsUi.consent.current')}` : ''}`,
  }));

/** A code of a per-study list (arm, screen-failure reason) as "code · label"; the bare code when it left the list. */
export function codedLabel(items: readonly CodedItem[] | undefined, code: string | null): string {
  if (!code) return '';
  const item = items?.find((i) => i.code === code);
  return item ? `${item.code} · ${item.label}` : code;
}

/** "男 / 54" — sex and age, as the lists show them. */
export function sexAge(sex: Sex, age: number | null): string {
  const s = i18n.t(`subjectsUi.sex.${sex}`);
  return age === null ? s : `${s} / ${age}`;
}

export const statusLabel = (s: SubjectStatus): string => i18n.t(`subjectsUi.status.${s}`);
