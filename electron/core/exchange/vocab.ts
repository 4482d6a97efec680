/**
 * The code lists of the Excel exchange: what a coded column exports (label in the workbook's language, code alongside)
 * and what an import accepts (code, English or Chinese label, synonyms: electron/excel/codes.ts). The labels are the
 * screens' own (renderer/i18n, plain data): a sponsor's workbook says what the coordinator saw.
 */
import {
  aeActions,
  aeCausalities,
  aeOutcomes,
  aeSeverities,
  deviationCategories,
  deviationSeverities,
  seriousCriteria,
  sexes,
  studyPhases,
  subjectStatuses,
  therapeuticAreas,
  visitAnchors,
  visitKinds,
  visitStatuses,
  withdrawalReasons,
} from '../../../db/schema/vocabulary';
import type { CodeEntry, CodeList } from '../../excel/codes';
import { aesEn } from '../../../renderer/i18n/aes.en';
import { aesZh } from '../../../renderer/i18n/aes.zh-CN';
import { subjectsEn } from '../../../renderer/i18n/subjects.en';
import { subjectsZh } from '../../../renderer/i18n/subjects.zh-CN';
import { visitsEn } from '../../../renderer/i18n/visits.en';
import { visitsZh } from '../../../renderer/i18n/visits.zh-CN';
import { schedulesEn } from '../../../renderer/i18n/schedules.en';
import { schedulesZh } from '../../../renderer/i18n/schedules.zh-CN';
import zhCN from '../../../renderer/i18n/zh-CN';
import en from '../../../renderer/i18n/en';

/** A list from the codes and the screens' label maps; synonyms per code where people write other words. */
function list<C extends string>(
  name: string,
  codes: readonly C[],
  zh: Record<C, string>,
  en: Record<C, string>,
  synonyms: Partial<Record<C, readonly string[]>> = {},
): CodeList {
  return {
    name,
    entries: codes.map((code): CodeEntry => ({ code, zh: zh[code], en: en[code], synonyms: synonyms[code] })),
  };
}

export const SEX = list('SEX', sexes, subjectsZh.sex, subjectsEn.sex, {
  M: ['Male', '男性'],
  F: ['Female', '女性'],
});
export const SUBJECT_STATUS = list('subject status', subjectStatuses, subjectsZh.status, subjectsEn.status);
export const WITHDRAWAL_REASON = list(
  'withdrawal reason',
  withdrawalReasons,
  subjectsZh.withdrawalReason,
  subjectsEn.withdrawalReason,
  {
    consent_withdrawn: ['WITHDRAWAL BY SUBJECT', '受试者撤回'],
    adverse_event: ['ADVERSE EVENT', 'AE'],
    physician_decision: ['PHYSICIAN DECISION'],
    lost_to_follow_up: ['LOST TO FOLLOW-UP'],
    death: ['DEATH'],
  },
);
export const VISIT_STATUS = list('visit status', visitStatuses, visitsZh.status, visitsEn.status, {
  done: ['completed', '完成'],
});
export const DEVIATION_CATEGORY = list(
  'deviation category',
  deviationCategories,
  visitsZh.deviation.categories,
  visitsEn.deviation.categories,
);
export const DEVIATION_SEVERITY = list(
  'deviation severity',
  deviationSeverities,
  visitsZh.deviation.severities,
  visitsEn.deviation.severities,
);
export const AE_SEVERITY = list('AESEV', aeSeverities, aesZh.severity, aesEn.severity);
export const CAUSALITY = list('causality', aeCausalities, aesZh.causality, aesEn.causality, {
  // SDTM AEREL as sponsors send it (the CDISC pilot: NONE, REMOTE, POSSIBLE, PROBABLE)
  not_related: ['NOT RELATED', 'NONE', '无关'],
  unlikely: ['UNLIKELY RELATED', 'UNLIKELY', 'REMOTE'],
  possibly: ['POSSIBLY RELATED', 'POSSIBLE'],
  probably: ['PROBABLY RELATED', 'PROBABLE'],
  definitely: ['DEFINITELY RELATED', 'RELATED', '有关'],
});
export const AE_ACTION = list('AEACN', aeActions, aesZh.action, aesEn.action);
export const AE_OUTCOME = list('AEOUT', aeOutcomes, aesZh.outcome, aesEn.outcome, {
  'RECOVERED/RESOLVED': ['痊愈', '已恢复'],
  'RECOVERING/RESOLVING': ['好转'],
  'NOT RECOVERED/NOT RESOLVED': ['未恢复', '未好转'],
  FATAL: ['死亡'],
});
export const SERIOUS_CRITERION = list('serious criterion', seriousCriteria, aesZh.criteriaShort, aesEn.criteriaShort);
/** Y / N (SDTM NY): yes/no cells, 是/否 … are matched by matchCode itself. */
export const YES_NO: CodeList = {
  name: 'NY',
  entries: [
    { code: 'Y', zh: '是', en: 'Yes' },
    { code: 'N', zh: '否', en: 'No' },
  ],
};

// study set-up (the study kind)
export const STUDY_PHASE = list('phase', studyPhases, zhCN.phase, en.phase, {
  I: ['1', 'Phase I', 'Phase 1', 'I期'],
  II: ['2', 'Phase II', 'Phase 2', 'II期'],
  III: ['3', 'Phase III', 'Phase 3', 'III期'],
  IV: ['4', 'Phase IV', 'Phase 4', 'IV期'],
});
export const THERAPEUTIC_AREA = list('therapeutic area', therapeuticAreas, zhCN.area, en.area);
export const VISIT_KIND = list('visit kind', visitKinds, schedulesZh.kind, schedulesEn.kind);
export const VISIT_ANCHOR = list('visit anchor', visitAnchors, schedulesZh.anchor, schedulesEn.anchor);
