/**
 * Opens the one SQLite file: refuses network paths, sets and asserts the pragmas, checks integrity, refuses a database
 * written by a newer TrialDesk, takes a verified backup before migrating an existing file, migrates, checks foreign keys.
 */
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';
import * as schema from './schema';
import { openSqlite, useNativeBinding } from './sqlite';
import type { AppDb } from './types';

export type OpenFailure =
  'network_path' | 'native_module' | 'pragma' | 'integrity' | 'newer_schema' | 'backup' | 'migration' | 'foreign_keys';

/** A database that cannot be used safely. The message says what to do; hosts show it and stop. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly failure: OpenFailure,
    message: string,
    readonly backupPath: string | null = null,
  ) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

export interface OpenOptions {
  /** folder of drizzle-kit's SQL migrations and meta/_journal.json (default: db/migrations beside this file) */
  migrationsFolder?: string;
  /** Electron's build of better-sqlite3 (the Node build in node_modules otherwise) */
  nativeBinding?: string;
  /** where pre-migration backups go (default: "backups" beside the database file) */
  backupDir?: string;
  now?: () => Date;
}

export interface OpenedDatabase {
  db: AppDb;
  file: string;
  /** tags of the migrations applied by this open */
  migrated: string[];
  /** the verified backup taken before migrating, if any */
  backupPath: string | null;
  close(): void;
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export const DEFAULT_MIGRATIONS = path.join(import.meta.dirname ?? __dirname, 'migrations');

// Linux statfs magic numbers of network file systems (WAL needs shared memory on a local disk).
const NETWORK_FS = new Map<number, string>([
  [0x6969, 'NFS'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x517b, 'SMB'],
  [0x65735546, 'FUSE'],
  [0x01021997, '9P'],
]);

export function assertLocalPath(file: string): void {
  // \\server\share\… and //server/share/… (UNC); mapped drive letters are resolved by the OS to UNC in realpath
  if (/^(\\\\|\/\/)[^\\/]+[\\/]/.test(file)) {
    throw new DatabaseOpenError('network_path', `The database must be on a local disk, not a network share: ${file}`);
  }
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (process.platform === 'linux') {
    const kind = NETWORK_FS.get(Number(statfsSync(dir).type));
    if (kind)
      throw new DatabaseOpenError(
        'network_path',
        `The database must be on a local disk, not a ${kind} network share: ${file}`,
      );
  }
}

function setPragmas(sqlite: Database.Database): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL, not better-sqlite3's WAL default NORMAL: a committed transaction must survive a power cut
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const got = {
    journal_mode: sqlite.pragma('journal_mode', { simple: true }),
    synchronous: sqlite.pragma('synchronous', { simple: true }),
    foreign_keys: sqlite.pragma('foreign_keys', { simple: true }),
    busy_timeout: sqlite.pragma('busy_timeout', { simple: true }),
  };
  const want = { journal_mode: 'wal', synchronous: 2, foreign_keys: 1, busy_timeout: 5000 };
  for (const [k, v] of Object.entries(want)) {
    if (got[k as keyof typeof got] !== v) {
      throw new DatabaseOpenError(
        'pragma',
        `SQLite setting ${k} is ${String(got[k as keyof typeof got])}, expected ${v}`,
      );
    }
  }
}

export function readJournal(migrationsFolder: string): JournalEntry[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/** created_at (= journal "when") of the migrations already applied to this file. */
function appliedMigrations(sqlite: Database.Database): number[] {
  const table = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (!table) return [];
  return (
    sqlite.prepare('SELECT created_at FROM __drizzle_migrations ORDER BY created_at').all() as { created_at: number }[]
  ).map((r) => Number(r.created_at));
}

/** Online backup (SQLite's backup API, never a file copy) to a temp name, verified, then renamed. */
export async function verifiedBackup(sqlite: Database.Database, dest: string): Promise<void> {
  mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.partial`;
  rmSync(tmp, { force: true });
  await sqlite.backup(tmp);
  // A backup is a single self-contained file: leave WAL mode, so that no -wal/-shm files are left beside it.
  const copy = openSqlite(tmp);
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`integrity_check: ${String(integrity)}`);
    const tables = (db: Database.Database) =>
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='table'").get();
    if (JSON.stringify(tables(copy)) !== JSON.stringify(tables(sqlite))) throw new Error('table count differs');
  } finally {
    copy.close();
  }
  renameSync(tmp, dest);
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '-');

export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<OpenedDatabase> {
  const migrationsFolder = opts.migrationsFolder ?? DEFAULT_MIGRATIONS;
  const now = opts.now ?? (() => new Date());
  assertLocalPath(file);
  mkdirSync(path.dirname(file), { recursive: true });

  let sqlite: Database.Database;
  try {
    if (opts.nativeBinding) useNativeBinding(opts.nativeBinding);
    sqlite = openSqlite(file);
  } catch (err) {
    const msg = (err as Error).message;
    if (/NODE_MODULE_VERSION|nativeBinding|\.node|Could not locate the bindings/.test(msg)) {
      throw new DatabaseOpenError('native_module', `The SQLite native module could not be loaded: ${msg}`);
    }
    throw err;
  }
  try {
    try {
      setPragmas(sqlite);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new DatabaseOpenError(
          'integrity',
          `${file} is not a readable TrialDesk database (${code}). Restore a backup.`,
        );
      }
      throw err;
    }
    const quick = sqlite.pragma('quick_check', { simple: true });
    if (quick !== 'ok')
      throw new DatabaseOpenError(
        'integrity',
        `The database file is damaged (quick_check: ${String(quick)}). Restore a backup.`,
      );

    const journal = readJournal(migrationsFolder);
    const known = new Set(journal.map((e) => e.when));
    const applied = appliedMigrations(sqlite);
    const unknown = applied.filter((w) => !known.has(w));
    if (unknown.length > 0) {
      throw new DatabaseOpenError(
        'newer_schema',
        `This database was written by a newer version of TrialDesk (${unknown.length} unknown migration(s)). Install the newer version; this one will not open it.`,
      );
    }
    const lastApplied = applied.at(-1) ?? 0;
    const pending = journal.filter((e) => e.when > lastApplied);

    let backupPath: string | null = null;
    if (pending.length > 0 && applied.length > 0) {
      backupPath = path.join(
        opts.backupDir ?? path.join(path.dirname(file), 'backups'),
        `pre-migrate-${stamp(now())}.sqlite`,
      );
      try {
        await verifiedBackup(sqlite, backupPath);
      } catch (err) {
        throw new DatabaseOpenError(
          'backup',
          `Could not take a verified backup before updating the database: ${(err as Error).message}`,
        );
      }
    }

    const db = drizzle({ client: sqlite, schema });
    if (pending.length > 0) {
      try {
        migrate(db, { migrationsFolder });
      } catch (err) {
        throw new DatabaseOpenError(
          'migration',
          `Updating the database failed (${(err as Error).message}). Nothing was changed${backupPath ? `; a backup is at ${backupPath}` : ''}.`,
          backupPath,
        );
      }
      const broken = sqlite.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) {
        throw new DatabaseOpenError(
          'foreign_keys',
          `Database update left ${broken.length} broken reference(s).`,
          backupPath,
        );
      }
    }
    return { db, file, migrated: pending.map((e) => e.tag), backupPath, close: () => sqlite.close() };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
