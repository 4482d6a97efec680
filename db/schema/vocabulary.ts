/**
 * Code lists stored in the database. Plain constants without imports, so that the API contract (and through it the
 * renderer) can share them without pulling in drizzle.
 */
export const roles = ['admin', 'coordinator', 'investigator', 'monitor'] as const;
export const studyPhases = ['I', 'II', 'III', 'IV', 'BE', 'other'] as const;
export const studyStatuses = [
  'planning',
  'startup',
  'enrolling',
  'followup',
  'closed',
  'suspended',
  'terminated',
] as const;
export const therapeuticAreas = ['leukemia_mds', 'lymphoma', 'myeloma', 'itp_bleeding', 'other'] as const;
export const centerStatuses = ['pending', 'active', 'closed'] as const;

/** Issue 4 — subjects. The status path: screening → screen_failed | enrolled → on_treatment → follow_up → completed;
 * any active status → withdrawn. The rule (which transition is allowed) lives in core/subjects/status.ts. */
export const subjectStatuses = [
  'screening',
  'screen_failed',
  'enrolled',
  'on_treatment',
  'follow_up',
  'completed',
  'withdrawn',
] as const;
/** Statuses in which a subject is still in the study (re-consent applies; withdrawal possible). */
export const activeSubjectStatuses = ['screening', 'enrolled', 'on_treatment', 'follow_up'] as const;
export const sexes = ['M', 'F'] as const;
export const withdrawalReasons = [
  'consent_withdrawn',
  'adverse_event',
  'physician_decision',
  'lost_to_follow_up',
  'death',
  'other',
] as const;
export const criterionKinds = ['inclusion', 'exclusion'] as const;

/** Issue 5 — visit schedules. What a planned visit's date counts from (the rule: core/visits/plan.ts). */
export const visitAnchors = ['consent', 'enrollment', 'first_dose', 'visit'] as const;
/** once: one visit; cycles: treatment cycles (length, count, days within a cycle: C1D1, C1D8…); every: a visit repeated
 * at a fixed interval (follow-up every 12 weeks); on_demand: defined by the protocol, added only when its condition
 * occurs (AE follow-up, early termination). */
export const visitKinds = ['once', 'cycles', 'every', 'on_demand'] as const;
/** planned until recorded; cancelled: no longer applies (subject ended, amendment dropped it). */
export const visitStatuses = ['planned', 'done', 'missed', 'not_done', 'cancelled'] as const;
/** What a coordinator may record (cancelled also comes from the system). */
export const recordableVisitStatuses = ['done', 'missed', 'not_done', 'cancelled'] as const;
/** A visit that needs a deviation decision (done out of window, missed): proposed until confirmed or explained. */
export const deviationDecisions = ['proposed', 'confirmed', 'explained'] as const;
export const deviationCategories = [
  'visit_window',
  'missed_visit',
  'consent',
  'eligibility',
  'dosing',
  'procedure',
  'other',
] as const;
export const deviationSeverities = ['major', 'minor'] as const;
/** holiday: official day off; workday: a weekend day worked instead (调休上班). */
export const holidayKinds = ['holiday', 'workday'] as const;

/** Issue 6 — adverse events. How a study grades severity: CTCAE grade 1–5 (default) or SDTM AESEV. */
export const aeSeverityScales = ['ctcae', 'aesev'] as const;
/** SDTM AESEV (C66769) submission values. */
export const aeSeverities = ['MILD', 'MODERATE', 'SEVERE'] as const;
/** The seriousness criteria (SDTM AESDTH, AESLIFE, AESHOSP, AESDISAB, AESCONG, AESMIE). */
export const seriousCriteria = [
  'death',
  'life_threatening',
  'hospitalisation',
  'disability',
  'congenital_anomaly',
  'medically_important',
] as const;
/** Causality to the study drug, the 5-point scale (no CDISC list); "related" = possibly, probably or definitely. */
export const aeCausalities = ['not_related', 'unlikely', 'possibly', 'probably', 'definitely'] as const;
export const relatedCausalities = ['possibly', 'probably', 'definitely'] as const;
/** SDTM ACN (C66767): action taken with study treatment. */
export const aeActions = [
  'DOSE INCREASED',
  'DOSE NOT CHANGED',
  'DOSE RATE REDUCED',
  'DOSE REDUCED',
  'DRUG INTERRUPTED',
  'DRUG WITHDRAWN',
  'NOT APPLICABLE',
  'UNKNOWN',
] as const;
/** SDTM OUT (C66768): outcome of the event. */
export const aeOutcomes = [
  'RECOVERED/RESOLVED',
  'RECOVERING/RESOLVING',
  'NOT RECOVERED/NOT RESOLVED',
  'RECOVERED/RESOLVED WITH SEQUELAE',
  'FATAL',
  'UNKNOWN',
] as const;
/** How an SAE report went to the sponsor. */
export const reportMethods = ['email', 'fax', 'edc', 'phone', 'other'] as const;
/** The SAE reporting clock of one SAE (core/safety/clock.ts): due → overdue until the initial report is sent, then
 * on_time or late. */
export const saeClockStates = ['due', 'overdue', 'on_time', 'late'] as const;

/** Issue 7 — Excel exchange. What an import brings in (sdtm: DM/DS/SV/AE/TV sheets as a sponsor's data manager sends). */
export const importKinds = ['study', 'subjects', 'visits', 'aes', 'sdtm'] as const;
/** The layouts an export writes: the sponsor's logs, or SDTM-aligned domains. */
export const exportKinds = ['sponsor', 'sdtm'] as const;
/** How an ambiguous numeric date (03/05/2024) is read: refused unless a column mapping says day or month first. */
export const dayMonthOrders = ['dmy', 'mdy'] as const;
