/**
 * What the investigator's "AE assessed" signature vouches for: the whole clinical content of the AE. A change of any
 * of these afterwards invalidates the signature (core/safety/aes.ts clears the AE's "signed" flag in the same write).
 */
import type { adverseEvents } from '../../../db/schema';

type AeRow = typeof adverseEvents.$inferSelect;

export const SIGNED_AE_FIELDS = [
  'aeNumber',
  'verbatimTerm',
  'ctcaeCode',
  'ctcaeTerm',
  'grade',
  'severity',
  'startDate',
  'endDate',
  'ongoing',
  'serious',
  'seriousCriteria',
  'awarenessAt',
  'expected',
  'causality',
  'action',
  'treatment',
  'outcome',
] as const satisfies readonly (keyof AeRow)[];

export function aeSignedContent(ae: Pick<AeRow, (typeof SIGNED_AE_FIELDS)[number]>): Record<string, unknown> {
  return Object.fromEntries(SIGNED_AE_FIELDS.map((f) => [f, ae[f] ?? null]));
}
