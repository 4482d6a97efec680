import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../api';
import type { AuditVerifyResult } from '../../api/contract';
import type { ServiceContext } from '../context';

export const GENESIS_HASH = '0'.repeat(64);

export type Changes = Record<string, [unknown, unknown]>;

export interface AuditInput {
  action:
    | 'create'
    | 'update'
    | 'status'
    | 'setting'
    | 'sign'
    | 'sign_failed'
    // accounts (users, roles, sign-in)
    | 'login'
    | 'login_failed'
    | 'deactivate'
    | 'reactivate'
    | 'password_reset'
    | 'password_change'
    | 'assign_studies'
    // backup and restore
    | 'backup'
    | 'backup_delete'
    | 'restore'
    | 'restore_refused'
    // auto-lock of a session
    | 'lock'
    | 'unlock'
    | 'unlock_failed'
    | 'locked_call_refused'
    // subjects (issue 4)
    | 'consent'
    | 'screen'
    | 'enroll'
    | 'cap_override'
    // visits (issue 5): a subject's plan made or recalculated; a visit recorded; a deviation decision
    | 'schedule'
    | 'record'
    | 'deviation_decision'
    | 'delete'
    // safety (issue 6): the CTCAE dictionary loaded; an SAE report sent; a SUSAR report acknowledged
    | 'load'
    | 'report'
    | 'acknowledge'
    // Excel exchange (issue 7): an export delivered to a recipient; an import committed
    | 'export'
    | 'import';
  entity:
    | 'study'
    | 'center'
    | 'user'
    | 'setting'
    | 'backup'
    | 'database'
    | 'subject'
    | 'subject_setup'
    | 'consent_version'
    | 'schedule_version'
    | 'visit'
    | 'deviation'
    | 'holiday'
    | 'ctcae'
    | 'safety_settings'
    | 'adverse_event'
    | 'susar_report'
    | 'export_delivery'
    | 'export_settings'
    | 'import_batch'
    | 'column_mapping';
  entityId: string | number;
  studyId?: number | null;
  /** the subject the event concerns (filters the trail by subject) */
  subjectId?: number | null;
  changes: Changes;
  reason?: string | null;
}

interface StoredEvent {
  seq: number;
  at: string;
  actor_id: number | null;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  study_id: number | null;
  subject_id: number | null;
  changes: string;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

/** The canonical text hashed for an event: fixed field order, the stored JSON of changes as is. */
function canonical(e: Omit<StoredEvent, 'hash' | 'prev_hash'>): string {
  const fields: unknown[] = [
    e.seq,
    e.at,
    e.actor_id,
    e.actor,
    e.action,
    e.entity,
    e.entity_id,
    e.study_id,
    e.changes,
    e.reason,
  ];
  // subject_id (migration 0002) joins the hash only when set: events written before it keep their hash
  if (e.subject_id !== null && e.subject_id !== undefined) fields.push(e.subject_id);
  return JSON.stringify(fields);
}
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const statements = new WeakMap<Database.Database, { last: Database.Statement; insert: Database.Statement }>();
function prepared(sqlite: Database.Database) {
  let s = statements.get(sqlite);
  if (!s) {
    s = {
      last: sqlite.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1'),
      insert: sqlite.prepare(
        `INSERT INTO audit_events (seq, at, actor_id, actor, action, entity, entity_id, study_id, subject_id, changes, reason, prev_hash, hash)
         VALUES (@seq, @at, @actor_id, @actor, @action, @entity, @entity_id, @study_id, @subject_id, @changes, @reason, @prev_hash, @hash)`,
      ),
    };
    statements.set(sqlite, s);
  }
  return s;
}

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change, so that both land or neither.
 */
export function recordAudit(ctx: ServiceContext, input: AuditInput): void {
  const { last, insert } = prepared(ctx.db.$client);
  const prev = last.get() as { seq: number; hash: string } | undefined;
  const event = {
    seq: (prev?.seq ?? 0) + 1,
    at: ctx.now().toISOString(),
    actor_id: ctx.actor.id,
    actor: ctx.actor.username,
    action: input.action,
    entity: input.entity,
    entity_id: String(input.entityId),
    study_id: input.studyId ?? null,
    subject_id: input.subjectId ?? null,
    changes: JSON.stringify(input.changes),
    reason: input.reason ?? null,
  };
  const prevHash = prev?.hash ?? GENESIS_HASH;
  insert.run({ ...event, prev_hash: prevHash, hash: sha256(prevHash + canonical(event)) });
}

const batchInserts = new WeakMap<Database.Database, Database.Statement>();

/**
 * A writer of many events for one transaction (an import's thousands of records): the chain's head is read once and
 * each event is bound by position, which spares recordAudit's per-event SELECT and named binding. Events, hashes and
 * order are exactly what recordAudit would write. Valid only inside the caller's transaction and only while nothing
 * else appends to the trail: an interleaved recordAudit would take the same seq, which the primary key refuses (the
 * transaction then fails whole; the chain is never forked).
 */
export function auditBatch(ctx: ServiceContext): (input: AuditInput) => void {
  const sqlite = ctx.db.$client;
  if (!sqlite.inTransaction) throw new Error('auditBatch: call it inside the transaction that makes the changes');
  let insert = batchInserts.get(sqlite);
  if (!insert) {
    insert = sqlite.prepare(
      `INSERT INTO audit_events (seq, at, actor_id, actor, action, entity, entity_id, study_id, subject_id, changes, reason, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    batchInserts.set(sqlite, insert);
  }
  const head = prepared(sqlite).last.get() as { seq: number; hash: string } | undefined;
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const actorId = ctx.actor.id;
  const actor = ctx.actor.username;
  return (input) => {
    const event = {
      seq: seq + 1,
      at: ctx.now().toISOString(),
      actor_id: actorId,
      actor,
      action: input.action,
      entity: input.entity,
      entity_id: String(input.entityId),
      study_id: input.studyId ?? null,
      subject_id: input.subjectId ?? null,
      changes: JSON.stringify(input.changes),
      reason: input.reason ?? null,
    };
    const hash = sha256(prevHash + canonical(event));
    insert.run(
      event.seq,
      event.at,
      event.actor_id,
      event.actor,
      event.action,
      event.entity,
      event.entity_id,
      event.study_id,
      event.subject_id,
      event.changes,
      event.reason,
      prevHash,
      hash,
    );
    // advanced only once the row is in: a refused insert leaves the writer where the trail is
    seq = event.seq;
    prevHash = hash;
  };
}

/** Field-by-field differences between two versions of a record, over the fields named. */
export function diff<T extends object>(before: T | null, after: T, fields: readonly (keyof T & string)[]): Changes {
  const changes: Changes = {};
  for (const f of fields) {
    const old = before ? (before[f] ?? null) : null;
    const now = after[f] ?? null;
    if (old !== now) changes[f] = [old, now];
  }
  return changes;
}

/** Recomputes the whole chain; names the first event whose link, sequence or hash is wrong. */
export function verifyAuditChain(sqlite: Database.Database): AuditVerifyResult {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let events = 0;
  for (const row of sqlite
    .prepare('SELECT * FROM audit_events ORDER BY seq')
    .iterate() as IterableIterator<StoredEvent>) {
    events++;
    if (row.seq !== expectedSeq) return { ok: false, events, firstBroken: { seq: row.seq, problem: 'sequence' } };
    if (row.prev_hash !== prevHash) return { ok: false, events, firstBroken: { seq: row.seq, problem: 'link' } };
    if (sha256(prevHash + canonical(row)) !== row.hash)
      return { ok: false, events, firstBroken: { seq: row.seq, problem: 'hash' } };
    prevHash = row.hash;
    expectedSeq++;
  }
  return { ok: true, events, firstBroken: null };
}

export function auditForRecord(ctx: Pick<ServiceContext, 'db'>, entity: string, entityId: string): AuditEntry[] {
  const rows = ctx.db.$client
    .prepare('SELECT * FROM audit_events WHERE entity = ? AND entity_id = ? ORDER BY seq DESC')
    .all(entity, entityId) as StoredEvent[];
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    studyId: r.study_id,
    changes: JSON.parse(r.changes) as Record<string, [unknown, unknown]>,
    reason: r.reason,
  }));
}
