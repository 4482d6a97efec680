/**
 * Screening and subject numbers from per-study patterns: `{center}` is the center code, `{seq:N}` the sequence padded to
 * at least N digits (`S{center}{seq:3}` → S01007, `{center}-{seq:3}` → 01-007). A proposal is the next number after the
 * highest ever given for that center (subject_numbers keeps every number given, so a number is never given twice, even
 * when its subject was renumbered); the user may type another one.
 */
import { and, eq, sql } from 'drizzle-orm';
import { subjectNumbers, subjects } from '../../../db/schema';
import type { AppDb, Tx } from '../context';
import { fieldError } from '../errors';

export type NumberKind = 'screening' | 'subject';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SEQ = /\{seq(?::([1-6]))?\}/;

export function formatNumber(pattern: string, centerCode: string, seq: number): string {
  return pattern
    .replaceAll('{center}', centerCode)
    .replace(SEQ, (_, width: string | undefined) => String(seq).padStart(Number(width ?? 1), '0'));
}

/** The regular expression of a pattern's numbers for one center, capturing the sequence. */
export function patternRegex(pattern: string, centerCode: string): RegExp {
  const parts = pattern.replaceAll('{center}', centerCode).split(/\{seq(?::[1-6])?\}/);
  return new RegExp(`^${escapeRegex(parts[0] ?? '')}(\\d+)${escapeRegex(parts[1] ?? '')}$`, 'i');
}

/** The next number of the pattern for a center: one past the highest sequence ever given there (1 when none). */
export function proposeNumber(
  db: AppDb,
  studyId: number,
  kind: NumberKind,
  pattern: string,
  centerCode: string,
): string {
  const re = patternRegex(pattern, centerCode);
  const prefix = pattern.replaceAll('{center}', centerCode).split(SEQ)[0] ?? '';
  // narrow by the literal text before the sequence (the index orders numbers per study and kind), then parse
  const given = db
    .select({ number: subjectNumbers.number })
    .from(subjectNumbers)
    .where(
      and(
        eq(subjectNumbers.studyId, studyId),
        eq(subjectNumbers.kind, kind),
        sql`lower(${subjectNumbers.number}) LIKE ${`${prefix.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`} ESCAPE '\\'`,
      ),
    )
    .all();
  let max = 0;
  for (const { number } of given) {
    const m = re.exec(number);
    if (m?.[1]) max = Math.max(max, Number(m[1]));
  }
  return formatNumber(pattern, centerCode, max + 1);
}

/**
 * Refuses a number another subject of the study holds now (taken) or held before (never reused). `subjectId`: the
 * subject that will hold it (null for a new one), which may keep or get back its own number.
 */
export function assertNumberFree(
  db: AppDb,
  input: { studyId: number; kind: NumberKind; number: string; subjectId: number | null },
): void {
  const field = input.kind === 'screening' ? 'screeningNumber' : 'subjectNumber';
  const column = input.kind === 'screening' ? subjects.screeningNumber : subjects.subjectNumber;
  const holder = db
    .select({ id: subjects.id })
    .from(subjects)
    // IS NOT NULL lets SQLite use the partial unique index of subject numbers (subjects_subject_number_uq)
    .where(
      and(
        eq(subjects.studyId, input.studyId),
        sql`${column} IS NOT NULL`,
        sql`lower(${column}) = lower(${input.number})`,
      ),
    )
    .get();
  if (holder && holder.id !== input.subjectId) {
    throw fieldError('conflict', field, `subjects.${field}Taken`, { value: input.number });
  }
  const earlier = givenBefore(db, input);
  if (earlier && earlier.subjectId !== input.subjectId) {
    throw fieldError('conflict', field, 'subjects.numberUsedBefore', { value: input.number });
  }
}

function givenBefore(db: AppDb, input: { studyId: number; kind: NumberKind; number: string }) {
  return db
    .select({ subjectId: subjectNumbers.subjectId })
    .from(subjectNumbers)
    .where(
      and(
        eq(subjectNumbers.studyId, input.studyId),
        eq(subjectNumbers.kind, input.kind),
        sql`lower(${subjectNumbers.number}) = lower(${input.number})`,
      ),
    )
    .get();
}

/** Records a number as given to a subject, inside the caller's transaction, after assertNumberFree's checks. */
export function claimNumber(
  tx: Tx,
  db: AppDb,
  input: { studyId: number; kind: NumberKind; number: string; subjectId: number; at: string },
): void {
  assertNumberFree(db, input);
  if (givenBefore(db, input)) return; // given back to the subject that had it
  tx.insert(subjectNumbers)
    .values({
      studyId: input.studyId,
      kind: input.kind,
      number: input.number,
      subjectId: input.subjectId,
      assignedAt: input.at,
    })
    .run();
}
