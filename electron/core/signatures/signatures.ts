/**
 * Electronic signatures (21 CFR Part 11 style). A signature vouches for the *signed content* of a record — a plain object
 * of the fields it covers, produced by the record kind's entry in `signables`. The signature stores a SHA-256 of the
 * canonical JSON of that content; when the record's current content hashes differently, the signature is shown as
 * invalidated. Signature rows are only ever inserted: a new signature of the same meaning supersedes older ones, which
 * stay in the history.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { adverseEvents, signatures, studies, subjects, users } from '../../../db/schema';
import type { SignatureView } from '../../api/contract';
import { verifyPassword } from '../accounts/passwords';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext, Tx } from '../context';
import { AppError, fieldError, notFound } from '../errors';
import { aeSignedContent } from '../safety/signed-content';

/** What a record kind gives the signature service: the content a signature vouches for, and the record's study. */
export interface SignedRecord {
  studyId: number | null;
  /** the subject the record belongs to (the audit event of the signature is filed under it) */
  subjectId?: number | null;
  content: Record<string, unknown>;
}
interface Signable {
  /** the meanings a signature on this kind of record may carry */
  meanings: readonly string[];
  /** current signed content; throws notFound for a missing record, a field error when the record cannot be signed */
  load(db: AppDb, entityId: number): SignedRecord;
  /** after a signature is written, in its transaction (a record that keeps a "signed" flag for fast lists) */
  onSigned?: (tx: Tx, entityId: number, meaning: string) => void;
}

/** The record kinds that can be signed. Adding one (eligibility, AE assessment, …) is one entry here. */
export const signables = {
  study: {
    meanings: ['protocol_version_approved'],
    load: (db, id) => {
      // read here rather than through core/studies, which imports this module for its views
      const s = db.select().from(studies).where(eq(studies.id, id)).get();
      if (!s) throw notFound('study');
      if (!s.protocolVersion) throw fieldError('validation', 'protocolVersion', 'signatures.noProtocolVersion');
      return {
        studyId: s.id,
        content: {
          protocolNumber: s.protocolNumber,
          protocolVersion: s.protocolVersion,
          protocolVersionDate: s.protocolVersionDate,
        },
      };
    },
  },
  subject: {
    meanings: ['eligibility_confirmed', 'over_cap_enrollment_approved'],
    load: (db, id) => {
      const s = db.select().from(subjects).where(eq(subjects.id, id)).get();
      if (!s) throw notFound('subject');
      if (!s.screeningDate || s.status === 'screen_failed')
        throw fieldError('validation', 'entityId', 'subjects.notEligible');
      return { studyId: s.studyId, content: subjectSignedContent(s) };
    },
    onSigned: (tx, id, meaning) => {
      if (meaning === 'eligibility_confirmed')
        tx.update(subjects).set({ eligibilityConfirmed: true }).where(eq(subjects.id, id)).run();
    },
  },
  adverse_event: {
    meanings: ['ae_assessed'],
    load: (db, id) => {
      const ae = db.select().from(adverseEvents).where(eq(adverseEvents.id, id)).get();
      if (!ae) throw notFound('adverse_event');
      // the investigator's assessment is what is signed: it must be there
      if (ae.causality === null || ae.expected === null)
        throw fieldError('validation', 'entityId', 'safety.notAssessable');
      return { studyId: ae.studyId, subjectId: ae.subjectId, content: aeSignedContent(ae) };
    },
    // the AE leaves the sign-off queue (core/safety/aes.ts clears the flag when the signed content changes)
    onSigned: (tx, id) =>
      tx.update(adverseEvents).set({ assessmentSigned: true }).where(eq(adverseEvents.id, id)).run(),
  },
} as const satisfies Record<string, Signable>;

/**
 * What an investigator's eligibility confirmation vouches for: who was screened, when, and the checklist. A change of
 * any of these afterwards invalidates the signature (core/subjects clears the subject's "confirmed" flag).
 */
export function subjectSignedContent(s: typeof subjects.$inferSelect): Record<string, unknown> {
  return {
    screeningNumber: s.screeningNumber,
    initials: s.initials,
    sex: s.sex,
    birthDate: s.birthDate,
    birthYear: s.birthYear,
    screeningDate: s.screeningDate,
    eligibility: s.eligibility,
  };
}

export type SignableEntity = keyof typeof signables;
export const signableEntities = Object.keys(signables) as SignableEntity[];
export const signatureMeanings = [...new Set(Object.values(signables).flatMap((s) => s.meanings))];

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
export const contentHash = (content: unknown): string =>
  createHash('sha256').update(canonicalJson(content)).digest('hex');

type SignatureRow = typeof signatures.$inferSelect;

/** The current content hash of a record, or null when it cannot be signed now (then every signature is invalidated). */
function currentHash(db: AppDb, entity: SignableEntity, entityId: number): string | null {
  try {
    return contentHash(signables[entity].load(db, entityId).content);
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}

function toView(row: SignatureRow, current: string | null): SignatureView {
  return {
    id: row.id,
    entity: row.entity,
    entityId: row.entityId,
    meaning: row.meaning,
    signerId: row.signerId,
    signerName: row.signerName,
    signedAt: row.signedAt,
    contentHash: row.contentHash,
    content: JSON.parse(row.content) as Record<string, unknown>,
    valid: current !== null && current === row.contentHash,
    superseded: false,
  };
}

function assertSignable(entity: string, meaning: string): asserts entity is SignableEntity {
  if (!Object.hasOwn(signables, entity)) throw fieldError('validation', 'entity', 'signatures.unknownKind');
  const meanings: readonly string[] = signables[entity as SignableEntity].meanings;
  if (!meanings.includes(meaning)) throw fieldError('validation', 'meaning', 'signatures.unknownMeaning');
}

/**
 * Signs a record as the signed-in user: re-asks the password (a wrong one is refused on `password` and recorded as a
 * failed signature attempt), then stores the signature and its audit event in one transaction.
 */
export async function sign(
  ctx: ServiceContext,
  input: { entity: string; entityId: number; meaning: string; password: string },
): Promise<SignatureView> {
  assertSignable(input.entity, input.meaning);
  const entity = input.entity;
  if (ctx.actor.id === null) throw new AppError('unauthenticated', 'errors.unauthenticated');
  // the record must exist and be signable before the password is even checked
  const before = signables[entity].load(ctx.db, input.entityId);
  const signer = await verifySigner(ctx, input.password, { ...input, entity, studyId: before.studyId });

  const id = ctx.db.transaction((tx) => writeSignature(ctx, tx, signer, entity, input.entityId, input.meaning), {
    behavior: 'immediate',
  });
  const latest = signaturesFor(ctx.db, entity, input.entityId).find((s) => s.id === id);
  if (!latest) throw notFound('signature');
  return latest;
}

/**
 * Writes a signature and its audit event inside the caller's transaction, the signer's password already checked (sign,
 * or a service that signs as part of a change, e.g. an over-cap enrollment). Returns the signature id.
 */
export function writeSignature(
  ctx: ServiceContext,
  tx: Tx,
  signer: { id: number; displayName: string },
  entity: SignableEntity,
  entityId: number,
  meaning: string,
): number {
  assertSignable(entity, meaning);
  // read inside the write lock: what is hashed is what is in the database now
  const record: SignedRecord = signables[entity].load(ctx.db, entityId);
  const hash = contentHash(record.content);
  const row = tx
    .insert(signatures)
    .values({
      entity,
      entityId: String(entityId),
      studyId: record.studyId,
      meaning,
      signerId: signer.id,
      signerName: signer.displayName,
      signedAt: ctx.now().toISOString(),
      contentHash: hash,
      content: canonicalJson(record.content),
    })
    .returning({ id: signatures.id })
    .get();
  (signables[entity] as Signable).onSigned?.(tx, entityId, meaning);
  recordAudit(ctx, {
    action: 'sign',
    entity,
    entityId,
    studyId: record.studyId,
    subjectId: entity === 'subject' ? entityId : (record.subjectId ?? null),
    changes: {
      meaning: [null, meaning],
      signerName: [null, signer.displayName],
      contentHash: [null, hash],
      ...Object.fromEntries(Object.entries(record.content).map(([k, v]) => [k, [null, v ?? null]])),
    },
  });
  return row.id;
}

/**
 * Checks the signer's password for a signature (slow: call it outside any transaction). A wrong one is recorded as a
 * failed signature attempt and refused on `field`.
 */
export async function verifySigner(
  ctx: ServiceContext,
  password: string,
  attempt: { entity: SignableEntity; entityId: number; meaning: string; studyId: number | null },
  field = 'password',
  messageKey = 'signatures.wrongPassword',
): Promise<{ id: number; displayName: string }> {
  if (ctx.actor.id === null) throw new AppError('unauthenticated', 'errors.unauthenticated');
  const signer = ctx.db.select().from(users).where(eq(users.id, ctx.actor.id)).get();
  if (!signer || !signer.active) throw new AppError('unauthenticated', 'errors.unauthenticated');
  if (await verifyPassword(password, signer.passwordHash)) return signer;
  ctx.db.transaction(
    () =>
      recordAudit(ctx, {
        action: 'sign_failed',
        entity: attempt.entity,
        entityId: attempt.entityId,
        studyId: attempt.studyId,
        subjectId: attempt.entity === 'subject' ? attempt.entityId : null,
        changes: { meaning: [null, attempt.meaning] },
        reason: 'wrong password',
      }),
    { behavior: 'immediate' },
  );
  // 'validation', not 'unauthenticated': the session is fine (the renderer signs out on 'unauthenticated')
  throw fieldError('validation', field, messageKey);
}

/** Every signature of a record, newest first, each with `valid` (content unchanged) and `superseded`. */
export function signaturesFor(db: AppDb, entity: string, entityId: number): SignatureView[] {
  return signaturesForMany(db, entity, [entityId]).get(entityId) ?? [];
}

/** The batch variant for lists: entityId → that record's signatures, newest first. */
export function signaturesForMany(
  db: AppDb,
  entity: string,
  entityIds: readonly number[],
  meaning?: string,
): Map<number, SignatureView[]> {
  const out = new Map<number, SignatureView[]>();
  if (!Object.hasOwn(signables, entity) || entityIds.length === 0) return out;
  const kind = entity as SignableEntity;
  const rows: SignatureRow[] = [];
  // bounded IN lists: SQLite's variable limit
  for (let i = 0; i < entityIds.length; i += 500) {
    const ids = entityIds.slice(i, i + 500).map(String);
    rows.push(
      ...db
        .select()
        .from(signatures)
        .where(
          and(
            eq(signatures.entity, kind),
            inArray(signatures.entityId, ids),
            meaning ? eq(signatures.meaning, meaning) : undefined,
          ),
        )
        .orderBy(desc(signatures.signedAt), desc(signatures.id))
        .all(),
    );
  }
  const hashes = new Map<number, string | null>();
  for (const row of rows) {
    const entityId = Number(row.entityId);
    if (!hashes.has(entityId)) hashes.set(entityId, currentHash(db, kind, entityId));
    const list = out.get(entityId) ?? [];
    const view = toView(row, hashes.get(entityId) ?? null);
    view.superseded = list.some((s) => s.meaning === row.meaning);
    list.push(view);
    out.set(entityId, list);
  }
  return out;
}

/** The latest signature of one meaning on a record (the one shown), or null. */
export function latestSignature(db: AppDb, entity: string, entityId: number, meaning: string): SignatureView | null {
  return signaturesFor(db, entity, entityId).find((s) => s.meaning === meaning) ?? null;
}

/** 'none' | 'valid' | 'invalidated' per record, for lists. */
export function signatureStates(
  db: AppDb,
  entity: string,
  entityIds: readonly number[],
  meaning: string,
): Map<number, 'none' | 'valid' | 'invalidated'> {
  const all = signaturesForMany(db, entity, entityIds, meaning);
  return new Map(
    entityIds.map((id) => {
      const latest = all.get(id)?.[0];
      return [id, latest ? (latest.valid ? 'valid' : 'invalidated') : 'none'];
    }),
  );
}
