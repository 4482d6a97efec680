/**
 * Restore from a backup file. First the candidate is checked — copied through SQLite's backup API into a temp file
 * beside the live database (the candidate itself is never written), and that copy checked: a SQLite database, a TrialDesk
 * one, integrity_check and foreign keys, the audit chain, a schema not newer than this app. Only then the current
 * database is kept aside (a verified backup `pre-restore-<time>.sqlite`, or the damaged file moved aside when it cannot
 * be read), its connection closed, the checked copy renamed over the live file, and the file opened again with
 * openDatabase (which migrates an older backup forward after its own backup). The restore's audit event goes into the
 * restored database. A refusal changes nothing.
 */
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_MIGRATIONS,
  openDatabase,
  readJournal,
  verifiedBackup,
  type OpenedDatabase,
  type OpenOptions,
} from '../../../db/open';
import { openSqlite } from '../../../db/sqlite';
import { recordAudit, verifyAuditChain } from '../audit/audit';
import type { Actor, ServiceContext } from '../context';
import { AppError } from '../errors';
import { exclusive } from './backups';
import { foreignKeyCheck, integrityCheck } from './checks';

/** Why a candidate was refused: the message key (translated), and details for the log and the audit trail. */
export class RestoreRefused extends AppError {
  constructor(
    messageKey: string,
    readonly detail: string,
    params?: Record<string, string | number>,
  ) {
    super('validation', messageKey, { field: 'path', params });
    this.name = 'RestoreRefused';
  }
}

/** The tables without which a file is not a TrialDesk database. */
const OUR_TABLES = ['__drizzle_migrations', 'audit_events', 'users', 'studies', 'settings'];

export interface CandidateReport {
  /** what was checked, one line each, for the audit event and the screen */
  checks: string[];
  auditEvents: number;
  /** migrations the candidate lacks (openDatabase will apply them) */
  olderBy: number;
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-');

function sqliteCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

function refusalFromSqlite(err: unknown, file: string): RestoreRefused {
  const code = sqliteCode(err);
  if (code === 'SQLITE_NOTADB') return new RestoreRefused('backup.notADatabase', `${file}: not a SQLite database`);
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_IOERR' || code?.startsWith('SQLITE_CORRUPT'))
    return new RestoreRefused('backup.damaged', `${file}: ${(err as Error).message}`);
  return new RestoreRefused('backup.unreadable', `${file}: ${(err as Error).message}`);
}

/** Checks an opened copy of a candidate; throws RestoreRefused. */
export function checkCandidateConnection(
  copy: Database.Database,
  migrationsFolder: string = DEFAULT_MIGRATIONS,
): CandidateReport {
  const tables = new Set(
    (copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const integrity = integrityCheck(copy);
  if (!integrity.ok) throw new RestoreRefused('backup.damaged', `integrity_check: ${integrity.detail}`);
  const missing = OUR_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) throw new RestoreRefused('backup.notTrialDesk', `missing tables: ${missing.join(', ')}`);

  const journal = readJournal(migrationsFolder);
  const known = new Set(journal.map((e) => e.when));
  const applied = (
    copy.prepare('SELECT created_at FROM __drizzle_migrations ORDER BY created_at').all() as { created_at: number }[]
  ).map((r) => Number(r.created_at));
  const unknown = applied.filter((w) => !known.has(w));
  if (unknown.length > 0)
    throw new RestoreRefused('backup.newerVersion', `${unknown.length} migration(s) unknown to this version`);
  const last = applied.at(-1) ?? 0;
  const olderBy = journal.filter((e) => e.when > last).length;

  const fk = foreignKeyCheck(copy);
  if (!fk.ok) throw new RestoreRefused('backup.damaged', `foreign_key_check: ${fk.detail}`);
  const chain = verifyAuditChain(copy);
  if (!chain.ok) {
    const seq = chain.firstBroken?.seq ?? 0;
    throw new RestoreRefused('backup.auditChainBroken', `audit chain broken at event ${seq}`, { seq });
  }
  return {
    checks: [
      'integrity_check: ok',
      'foreign_key_check: ok',
      `audit chain: ${chain.events} event(s) verified`,
      olderBy > 0 ? `schema: ${olderBy} update(s) behind this version (applied on open)` : 'schema: current',
    ],
    auditEvents: chain.events,
    olderBy,
  };
}

/**
 * Copies the candidate (read-only) through the backup API into `tmp`, makes the copy a single self-contained file and
 * checks it. Returns the report; on a refusal the temp file is removed and RestoreRefused thrown.
 */
export async function prepareCandidate(
  candidate: string,
  tmp: string,
  migrationsFolder?: string,
): Promise<CandidateReport> {
  if (!existsSync(candidate) || !statSync(candidate).isFile())
    throw new RestoreRefused('backup.fileNotFound', `no file at ${candidate}`);
  rmSync(tmp, { force: true });
  try {
    let src: Database.Database;
    try {
      src = openSqlite(candidate, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw refusalFromSqlite(err, candidate);
    }
    try {
      src.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").get();
      await src.backup(tmp);
    } catch (err) {
      throw refusalFromSqlite(err, candidate);
    } finally {
      src.close();
    }
    const copy = openSqlite(tmp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      return checkCandidateConnection(copy, migrationsFolder);
    } catch (err) {
      if (err instanceof RestoreRefused) throw err;
      throw refusalFromSqlite(err, candidate);
    } finally {
      copy.close();
    }
  } catch (err) {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
    throw err;
  }
}

/** The live database a restore replaces, as a host holds it. */
export interface LiveDatabase {
  file: string;
  openOptions: OpenOptions;
  /** the open connection to the live file; null when it could not be opened (a damaged file) */
  connection: Database.Database | null;
  /** closes the live connection; the host stops using it */
  close(): void;
  /** the restored database, opened: the host uses it from now on */
  install(next: OpenedDatabase): void;
}

export interface RestoreResult {
  restoredFrom: string;
  /** where the previous database was kept */
  keptAside: string;
  checks: string[];
  migrated: string[];
}

/** Keeps the current database aside: a verified backup when it can be read, else the damaged files moved aside. */
async function keepAside(live: LiveDatabase, folder: string, at: Date): Promise<string> {
  mkdirSync(folder, { recursive: true });
  const dest = path.join(folder, `pre-restore-${stamp(at)}.sqlite`);
  if (live.connection) {
    try {
      await verifiedBackup(live.connection, dest);
      return dest;
    } catch {
      rmSync(`${dest}.partial`, { force: true });
      // unreadable: fall through and move the file itself aside, after closing
    }
  }
  live.close();
  const damaged = path.join(folder, `pre-restore-${stamp(at)}-damaged.sqlite`);
  if (existsSync(live.file)) renameSync(live.file, damaged);
  for (const side of ['-wal', '-shm']) if (existsSync(live.file + side)) renameSync(live.file + side, damaged + side);
  return damaged;
}

/**
 * Replaces the live database with the backup `candidate` after checking it; see the file comment. `folder` is where the
 * current database is kept aside. Refusals are audited in the current database (when it can be written).
 */
export function restoreDatabase(
  live: LiveDatabase,
  candidate: string,
  opts: { actor: Actor; now: () => Date; folder: string },
): Promise<RestoreResult> {
  return exclusive(async () => {
    const source = path.resolve(candidate);
    const tmp = `${live.file}.restore-partial`;
    let report: CandidateReport;
    try {
      if (source === path.resolve(live.file)) throw new RestoreRefused('backup.isLiveDatabase', 'the live database');
      report = await prepareCandidate(source, tmp, live.openOptions.migrationsFolder);
    } catch (err) {
      if (err instanceof RestoreRefused) auditRefusal(live, opts, source, err);
      throw err;
    }

    const keptAside = await keepAside(live, opts.folder, opts.now());
    live.close();
    // a cleanly closed WAL database leaves no side files; any left are stale and belong to the file being replaced
    for (const side of ['-wal', '-shm', '-journal']) rmSync(live.file + side, { force: true });
    renameSync(tmp, live.file);

    let opened: OpenedDatabase;
    try {
      opened = await openDatabase(live.file, live.openOptions);
    } catch (err) {
      // should not happen after the checks; put the previous database back rather than leave none
      renameSync(live.file, `${live.file}.restore-failed`);
      const back = openSqlite(keptAside, { readonly: true, fileMustExist: true });
      try {
        await back.backup(live.file);
      } finally {
        back.close();
      }
      live.install(await openDatabase(live.file, live.openOptions));
      throw err;
    }
    live.install(opened);
    const ctx: ServiceContext = { db: opened.db, actor: opts.actor, now: opts.now };
    opened.db.transaction(
      () =>
        recordAudit(ctx, {
          action: 'restore',
          entity: 'database',
          entityId: path.basename(source),
          changes: {
            restoredFrom: [null, source],
            keptAside: [null, keptAside],
            checks: [null, report.checks.join('; ')],
            migrated: [null, opened.migrated.join(', ') || null],
          },
        }),
      { behavior: 'immediate' },
    );
    return { restoredFrom: source, keptAside, checks: report.checks, migrated: opened.migrated };
  });
}

function auditRefusal(
  live: LiveDatabase,
  opts: { actor: Actor; now: () => Date },
  source: string,
  err: RestoreRefused,
): void {
  if (!live.connection) return;
  try {
    const sqlite = live.connection;
    // a refusal of a file offered by a signed-in user; the drizzle handle is not needed for one insert
    const ctx = { db: { $client: sqlite } as ServiceContext['db'], actor: opts.actor, now: opts.now };
    sqlite
      .transaction(() =>
        recordAudit(ctx, {
          action: 'restore_refused',
          entity: 'database',
          entityId: path.basename(source),
          changes: { file: [null, source], refused: [null, err.error.messageKey], detail: [null, err.detail] },
        }),
      )
      .immediate();
  } catch {
    // the current database cannot take the event (damaged): the refusal itself changed nothing
  }
}

/** What a host gives the handler table so that `backup.restore` can replace its database. */
export interface HostDatabase {
  live(): LiveDatabase;
}

/**
 * A host's database for restore: `current()` is the database it uses now, `install(next)` makes it use another (the
 * host also sets `host.db`). Closing is idempotent.
 */
export function hostDatabase(opts: {
  file: string;
  openOptions: OpenOptions;
  current: () => OpenedDatabase;
  install: (next: OpenedDatabase) => void;
  /** false while the current database is damaged (recovery mode): it is then moved aside, not backed up */
  readable?: () => boolean;
}): HostDatabase {
  return {
    live: () => {
      const opened = opts.current();
      let closed = false;
      return {
        file: opts.file,
        openOptions: opts.openOptions,
        connection: (opts.readable?.() ?? true) ? opened.db.$client : null,
        close: () => {
          if (closed) return;
          closed = true;
          opened.close();
        },
        install: opts.install,
      };
    },
  };
}

export interface CheckedBackup {
  path: string;
  at: string;
  ok: boolean;
  /** the refusal's message key and detail, when not ok */
  problem: string | null;
}

/**
 * The backups of `folder` (newest first), each checked as a restore would check it (read-only, nothing written): for a
 * start-up that finds the database damaged, the first `ok` one is the latest good backup.
 */
export function checkBackups(
  files: readonly { path: string; at: string }[],
  migrationsFolder?: string,
): CheckedBackup[] {
  return files.map((f) => {
    let db: Database.Database | null = null;
    try {
      db = openSqlite(f.path, { readonly: true, fileMustExist: true });
      checkCandidateConnection(db, migrationsFolder);
      return { path: f.path, at: f.at, ok: true, problem: null };
    } catch (err) {
      const refusal = err instanceof RestoreRefused ? err : refusalFromSqlite(err, f.path);
      return { path: f.path, at: f.at, ok: false, problem: `${refusal.error.messageKey}: ${refusal.detail}` };
    } finally {
      db?.close();
    }
  });
}

/** What a host says when the database is damaged at start-up: the backups, checked, and how to restore the latest good. */
export function recoveryAdvice(file: string, folder: string, files: CheckedBackup[]): string {
  const good = files.find((f) => f.ok);
  const lines = [
    files.length === 0 ? `No backups found in ${folder}.` : `Backups in ${folder} (newest first, each checked):`,
    ...files
      .slice(0, 10)
      .map(
        (f) =>
          `  ${f.ok ? 'good   ' : 'REFUSED'} ${f.at}  ${path.basename(f.path)}${f.problem ? `  (${f.problem})` : ''}`,
      ),
  ];
  if (good) {
    lines.push(
      '',
      'To restore the latest good backup (the damaged file is kept aside first), close TrialDesk and run:',
      `  npm run cli -- restore "${good.path}" --db "${file}"`,
    );
  }
  return lines.join('\n');
}
