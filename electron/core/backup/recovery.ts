/**
 * Recovery mode: a start-up that finds the database damaged does not stop with an error box. The damaged file is opened
 * read-only (it is never written), the host refuses every call but recovery's own, and the screen offers the backups —
 * each checked as a restore checks it, the latest good one first. Nobody can sign in to a damaged database, so the
 * restore is authorised by an active administrator of the chosen backup (the accounts as they will be once restored);
 * only files of the backup folders can be chosen, so a file made up elsewhere cannot bring its own administrator.
 */
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import path from 'node:path';
import { DatabaseOpenError, openDatabase, type OpenedDatabase, type OpenOptions } from '../../../db/open';
import * as schema from '../../../db/schema';
import { openSqlite } from '../../../db/sqlite';
import { verifyPassword } from '../accounts/passwords';
import type { Actor } from '../context';
import { AppError } from '../errors';
import { listBackupFiles } from './backups';
import { checkBackups, hostDatabase, type CheckedBackup, type HostDatabase } from './restore';

export interface RecoveryState {
  /** the damaged database file */
  file: string;
  /** what the start-up check found */
  problem: string;
  /** the folders searched for backups */
  folders: string[];
  /** newest first, each checked */
  backups: CheckedBackup[];
  /** failed authorisations (in memory: the damaged database cannot record them) */
  failures: number;
  refusedUntil: number;
}

/** A host's database as the handler table sees it: the open connection, and recovery when the file is damaged. */
export interface HostDatabaseState {
  opened: OpenedDatabase;
  recovery: RecoveryState | null;
}

/** The configured backup folder, when the damaged file can still be read that far. */
function configuredFolder(sqlite: Database.Database): string | null {
  try {
    const row = sqlite.prepare("SELECT value FROM settings WHERE key = 'backups.folder'").get() as
      { value: string } | undefined;
    const value: unknown = row ? JSON.parse(row.value) : null;
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}

/** The damaged file, opened read-only: enough for `host.db` to exist; recovery's channels do not read it. */
function openDamaged(file: string): OpenedDatabase {
  const sqlite = openSqlite(file, { readonly: true, fileMustExist: true });
  return { db: drizzle({ client: sqlite, schema }), file, migrated: [], backupPath: null, close: () => sqlite.close() };
}

/**
 * Opens the host's database. A damaged file (integrity) gives recovery mode instead of an error; every other failure
 * (newer schema, failed migration, native module) is still thrown for the host to report.
 */
export async function openHostDatabase(file: string, openOptions: OpenOptions): Promise<HostDatabaseState> {
  try {
    return { opened: await openDatabase(file, openOptions), recovery: null };
  } catch (err) {
    if (!(err instanceof DatabaseOpenError) || err.failure !== 'integrity') throw err;
    const opened = openDamaged(file);
    const folders = [path.join(path.dirname(file), 'backups')];
    const configured = configuredFolder(opened.db.$client);
    if (configured && !folders.includes(path.resolve(configured))) folders.push(path.resolve(configured));
    const files = folders.flatMap((f) => listBackupFiles(f)).sort((a, b) => b.at.localeCompare(a.at));
    return {
      opened,
      recovery: {
        file,
        problem: err.message,
        folders,
        backups: checkBackups(files, openOptions.migrationsFolder),
        failures: 0,
        refusedUntil: 0,
      },
    };
  }
}

/** What a host keeps to run on its database: the handler table reads `db`, `recovery` and `database` from it. */
export interface DatabaseHost {
  db: OpenedDatabase['db'];
  recovery?: RecoveryState | null;
  database?: HostDatabase;
}

/**
 * Wires an opened database into a host: `host.db`, recovery mode, and the restore hook (which also ends recovery mode).
 * Returns the accessor of the currently open database, for closing it at quit.
 */
export function attachDatabase(
  host: DatabaseHost,
  file: string,
  openOptions: OpenOptions,
  state: HostDatabaseState,
): () => OpenedDatabase {
  let current = state.opened;
  host.db = current.db;
  host.recovery = state.recovery;
  host.database = hostDatabase({
    file,
    openOptions,
    current: () => current,
    // the damaged file is not backed up through SQLite: the restore moves it aside as it is
    readable: () => !host.recovery,
    install: (next) => {
      current = next;
      host.db = next.db;
      host.recovery = null;
    },
  });
  return () => current;
}

const MAX_FAILURES = 5;
const LOCKOUT_MS = 15 * 60_000;

/**
 * The administrator who authorises a restore in recovery mode, checked against the chosen backup's own accounts.
 * The same message for an unknown user, a wrong password and a non-administrator; 5 failures refuse for 15 minutes.
 */
export async function authoriseRecovery(
  state: RecoveryState,
  backupPath: string,
  username: string,
  password: string,
  now: Date,
): Promise<Actor> {
  const chosen = state.backups.find((b) => b.path === backupPath);
  if (!chosen) throw new AppError('validation', 'recovery.notListed', { field: 'path' });
  if (!chosen.ok) throw new AppError('validation', 'recovery.backupRefused', { field: 'path' });
  if (state.refusedUntil > now.getTime()) {
    throw new AppError('unauthenticated', 'auth.lockedOut', {
      field: 'password',
      params: { minutes: Math.ceil((state.refusedUntil - now.getTime()) / 60_000) },
    });
  }
  const sqlite = openSqlite(chosen.path, { readonly: true, fileMustExist: true });
  let row: { id: number; username: string; password_hash: string } | undefined;
  try {
    row = sqlite
      .prepare("SELECT id, username, password_hash FROM users WHERE username = ? AND role = 'admin' AND active = 1")
      .get(username.trim()) as typeof row;
  } finally {
    sqlite.close();
  }
  if (row && (await verifyPassword(password, row.password_hash))) {
    state.failures = 0;
    return { id: row.id, username: row.username };
  }
  state.failures += 1;
  if (state.failures >= MAX_FAILURES) {
    state.failures = 0;
    state.refusedUntil = now.getTime() + LOCKOUT_MS;
  }
  throw new AppError('unauthenticated', 'recovery.notAuthorised', { field: 'password' });
}
