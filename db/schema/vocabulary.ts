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
