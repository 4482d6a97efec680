/**
 * Whole-file checks of a TrialDesk database, used by `verify` and to verify a backup copy: SQLite's integrity_check and
 * foreign_key_check, the audit chain, and the triggers that keep the audit trail append-only.
 */
import type Database from 'better-sqlite3';
import { verifyAuditChain } from '../audit/audit';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** what was found: a count when ok, the first problem otherwise */
  detail: string;
}

const MAX_LISTED = 3;

export function integrityCheck(sqlite: Database.Database): CheckResult {
  const messages = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  const ok = messages.length === 1 && messages[0] === 'ok';
  const more = messages.length > MAX_LISTED ? ` (+${messages.length - MAX_LISTED} more)` : '';
  return {
    name: 'integrity_check',
    ok,
    detail: ok ? 'ok' : messages.slice(0, MAX_LISTED).join('; ') + more,
  };
}

export function foreignKeyCheck(sqlite: Database.Database): CheckResult {
  const broken = sqlite.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[];
  const first = broken[0];
  return {
    name: 'foreign_key_check',
    ok: !first,
    detail: first
      ? `${broken.length} broken reference(s), first: ${first.table} row ${first.rowid ?? '?'} → missing ${first.parent}`
      : 'no broken references',
  };
}

const PROBLEMS = {
  hash: 'hash mismatch (the event was changed after it was written)',
  link: 'does not link to the previous event (an event was removed or replaced)',
  sequence: 'out of sequence (events missing or inserted)',
} as const;

export function auditChainCheck(sqlite: Database.Database): CheckResult {
  const r = verifyAuditChain(sqlite);
  return {
    name: 'audit chain',
    ok: r.ok,
    detail: r.firstBroken
      ? `event ${r.firstBroken.seq} ${PROBLEMS[r.firstBroken.problem]}`
      : `${r.events} event(s), every hash and link verified`,
  };
}

/** The first migration's triggers: without them anyone with the file can edit the audit trail unnoticed until verify. */
export const AUDIT_TRIGGERS = ['audit_events_no_update', 'audit_events_no_delete'] as const;

export function auditTriggersCheck(sqlite: Database.Database): CheckResult {
  const rows = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
    .all() as { name: string; sql: string }[];
  const missing = AUDIT_TRIGGERS.filter(
    (name) => !rows.some((r) => r.name === name && /RAISE\s*\(\s*ABORT/i.test(r.sql)),
  );
  return {
    name: 'audit triggers',
    ok: missing.length === 0,
    detail:
      missing.length === 0
        ? 'the audit trail is append-only'
        : `missing or altered: ${missing.join(', ')} (the audit trail can be edited)`,
  };
}

/** Runs one check; an error (no audit table, unreadable page, …) is a failed check, not a crash. */
export function runCheck(
  name: string,
  check: (sqlite: Database.Database) => CheckResult,
  sqlite: Database.Database,
): CheckResult {
  try {
    return check(sqlite);
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message };
  }
}

export const CHECKS = [
  ['integrity_check', integrityCheck],
  ['foreign_key_check', foreignKeyCheck],
  ['audit chain', auditChainCheck],
  ['audit triggers', auditTriggersCheck],
] as const;

/** Every check, in the order `verify` prints them. */
export function checkDatabase(sqlite: Database.Database): CheckResult[] {
  return CHECKS.map(([name, check]) => runCheck(name, check, sqlite));
}
