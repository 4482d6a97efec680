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
