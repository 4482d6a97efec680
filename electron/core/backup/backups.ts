/**
 * The backups of a running app: "back up now" (to the backup folder or a folder the administrator names, e.g. a USB
 * drive), automatic backups (daily while running and on quit) with retention, and the list of the backup folder. Every
 * backup and every deletion is an audit event (actor `system` for automatic ones).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { SYSTEM_ACTOR } from '../context';
import { AppError } from '../errors';
import { assertBackupFolder, backupFolder, getAppSettings } from '../settings/settings';
import { BackupError, backupToFolder, type BackupResult } from './backup';

export type BackupKind = 'daily' | 'monthly' | 'manual' | 'pre-restore' | 'pre-migrate';

export interface BackupFile {
  name: string;
  path: string;
  kind: BackupKind;
  /** UTC ISO instant the backup was taken (from its name) */
  at: string;
  bytes: number;
}

const STAMP = String.raw`(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z`;
/** Our names only: retention never touches any other file. */
const PATTERN = new RegExp(
  String.raw`^(trialdesk-daily-|trialdesk-monthly-|trialdesk-|pre-restore-|pre-migrate-)${STAMP}(-\d+)?(-damaged)?\.sqlite$`,
);
const KIND_OF: Record<string, BackupKind> = {
  'trialdesk-daily-': 'daily',
  'trialdesk-monthly-': 'monthly',
  'trialdesk-': 'manual',
  'pre-restore-': 'pre-restore',
  'pre-migrate-': 'pre-migrate',
};

export function parseBackupName(name: string): { kind: BackupKind; at: string } | null {
  const m = PATTERN.exec(name);
  if (!m) return null;
  const [, prefix, date, h, min, s, ms] = m as unknown as [string, string, string, string, string, string, string];
  return { kind: KIND_OF[prefix]!, at: `${date}T${h}:${min}:${s}.${ms}Z` };
}

/** Our backup files in `folder`, newest first (an absent folder has none). */
export function listBackupFiles(folder: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const files: BackupFile[] = [];
  for (const name of names) {
    const parsed = parseBackupName(name);
    if (!parsed) continue;
    const file = path.join(folder, name);
    try {
      files.push({ name, path: file, kind: parsed.kind, at: parsed.at, bytes: statSync(file).size });
    } catch {
      // removed meanwhile
    }
  }
  return files.sort((a, b) => (a.at === b.at ? b.name.localeCompare(a.name) : b.at.localeCompare(a.at)));
}

/** One backup at a time in this process: the scheduler, "back up now" and restore never overlap. */
let queue: Promise<unknown> = Promise.resolve();
export function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

function audit(
  ctx: ServiceContext,
  action: 'backup' | 'backup_delete',
  file: string,
  changes: Record<string, unknown>,
) {
  ctx.db.transaction(
    () =>
      recordAudit(ctx, {
        action,
        entity: 'backup',
        entityId: path.basename(file),
        changes: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, [null, v]])),
      }),
    { behavior: 'immediate' },
  );
}

export interface BackupNowResult {
  path: string;
  bytes: number;
  ok: boolean;
  checks: BackupResult['checks'];
}

async function writeBackup(ctx: ServiceContext, folder: string, prefix: string, kind: BackupKind) {
  let r: BackupResult;
  try {
    r = await backupToFolder(ctx.db.$client, folder, { now: ctx.now, prefix });
  } catch (err) {
    if (err instanceof BackupError) {
      throw new AppError('conflict', 'backup.writeFailed', { field: 'folder', params: { detail: err.message } });
    }
    throw err;
  }
  audit(ctx, 'backup', r.path, {
    kind,
    path: r.path,
    bytes: r.bytes,
    checks: r.checks.map((c) => `${c.name}: ${c.ok ? 'ok' : c.detail}`).join('; '),
  });
  return { path: r.path, bytes: r.bytes, ok: r.ok, checks: r.checks };
}

/** "Back up now": to `folder` (absolute, local; e.g. a USB drive) or the configured backup folder. */
export function backupNow(ctx: ServiceContext, folder?: string | null): Promise<BackupNowResult> {
  const target = folder ? assertBackupFolder(folder, 'folder') : backupFolder(ctx.db);
  return exclusive(() => writeBackup(ctx, target, 'trialdesk-', 'manual'));
}

/** The local calendar day of an instant: "today" for a ward is the day on the wall clock. */
const localDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const localMonth = (d: Date) => localDay(d).slice(0, 7);

/**
 * Deletes automatic backups beyond the newest `retainDaily` daily and `retainMonthly` monthly ones — only files named as
 * ours (`trialdesk-daily-…`, `trialdesk-monthly-…`); manual, pre-restore and pre-migrate copies are never deleted.
 */
export function applyRetention(ctx: ServiceContext, folder: string): string[] {
  const { retainDaily, retainMonthly } = getAppSettings(ctx.db);
  const files = listBackupFiles(folder);
  const doomed = [
    ...files.filter((f) => f.kind === 'daily').slice(retainDaily),
    ...files.filter((f) => f.kind === 'monthly').slice(retainMonthly),
  ];
  const deleted: string[] = [];
  for (const f of doomed) {
    try {
      rmSync(f.path);
    } catch {
      continue;
    }
    deleted.push(f.path);
    audit(ctx, 'backup_delete', f.path, { kind: f.kind, at: f.at, reason: 'retention' });
  }
  return deleted;
}

export interface AutoBackupResult {
  backup: BackupNowResult | null;
  deleted: string[];
}

/**
 * An automatic backup into the backup folder, as `system`: the first one of a month is kept as monthly, the others are
 * daily. `onlyIfNoneToday` (start-up and the hourly check) skips it when an automatic backup of today exists.
 */
export function autoBackup(db: AppDb, now: () => Date, opts: { onlyIfNoneToday?: boolean } = {}) {
  return exclusive(async (): Promise<AutoBackupResult> => {
    const ctx: ServiceContext = { db, actor: SYSTEM_ACTOR, now };
    // a database nobody has set up yet holds nothing to keep
    const users = db.$client.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
    if (users.n === 0) return { backup: null, deleted: [] };
    const folder = backupFolder(db);
    const auto = listBackupFiles(folder).filter((f) => f.kind === 'daily' || f.kind === 'monthly');
    const today = now();
    if (opts.onlyIfNoneToday && auto.some((f) => localDay(new Date(f.at)) === localDay(today))) {
      return { backup: null, deleted: [] };
    }
    const monthly = !auto.some((f) => f.kind === 'monthly' && localMonth(new Date(f.at)) === localMonth(today));
    const backup = await writeBackup(
      ctx,
      folder,
      monthly ? 'trialdesk-monthly-' : 'trialdesk-daily-',
      monthly ? 'monthly' : 'daily',
    );
    return { backup, deleted: applyRetention(ctx, folder) };
  });
}

export interface BackupScheduler {
  /** the check in progress, if any (tests await it) */
  idle(): Promise<unknown>;
  /** a backup on quit (unconditional), then stop */
  quit(): Promise<unknown>;
  stop(): void;
}

/**
 * Daily automatic backups while the app runs: a check at start-up (a backup if there is none of today), then every
 * `intervalMs` (an hour). `getDb` is read per check: a restore swaps the database.
 */
export function startBackupScheduler(
  /** null while there is nothing to back up (recovery mode: the database is damaged) */
  getDb: () => AppDb | null,
  opts: { now?: () => Date; intervalMs?: number; log?: (line: string) => void } = {},
): BackupScheduler {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((line: string) => console.log(`[trialdesk] ${line}`));
  let running: Promise<unknown> = Promise.resolve();
  const check = (onlyIfNoneToday: boolean) => {
    const db = getDb();
    if (!db) return running;
    running = autoBackup(db, now, { onlyIfNoneToday }).then(
      (r) => {
        if (r.backup)
          log(`automatic backup ${r.backup.ok ? 'written' : 'written but a check FAILED'}: ${r.backup.path}`);
        for (const d of r.deleted) log(`retention removed ${d}`);
      },
      (err: unknown) => log(`automatic backup failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return running;
  };
  void check(true);
  const timer = setInterval(() => void check(true), opts.intervalMs ?? 60 * 60 * 1000);
  timer.unref();
  return {
    idle: () => running,
    quit: async () => {
      clearInterval(timer);
      await running;
      return check(false);
    },
    stop: () => clearInterval(timer),
  };
}
