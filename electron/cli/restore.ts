import type Database from 'better-sqlite3';
import path from 'node:path';
import { assertLocalPath, DEFAULT_MIGRATIONS, type OpenedDatabase } from '../../db/open';
import { openSqlite } from '../../db/sqlite';
import { SYSTEM_ACTOR } from '../core/context';
import { restoreDatabase, RestoreRefused } from '../core/backup/restore';
import { EXIT, type CliIo, type ExitCode } from './io';

/** The configured backup folder when the live file can tell it, else `backups` beside it. */
function keepAsideFolder(sqlite: Database.Database | null, file: string): string {
  const fallback = path.join(path.dirname(file), 'backups');
  if (!sqlite) return fallback;
  try {
    const row = sqlite.prepare("SELECT value FROM settings WHERE key = 'backups.folder'").get() as
      { value: string } | undefined;
    const v = row ? (JSON.parse(row.value) as unknown) : null;
    return typeof v === 'string' && v ? v : fallback;
  } catch {
    return fallback;
  }
}

/**
 * `restore <backup-file> --db <file>`: the same core restore as the settings screen (same checks, the current file kept
 * aside first). Works on a damaged live file: that one is moved aside instead of backed up. Run it with the app closed.
 */
export async function restoreCommand(
  file: string,
  candidate: string,
  io: CliIo,
  opts: { now?: () => Date; migrationsFolder?: string } = {},
): Promise<ExitCode> {
  try {
    assertLocalPath(file);
  } catch (err) {
    io.err((err as Error).message);
    return EXIT.usage;
  }
  let sqlite: Database.Database | null = null;
  try {
    sqlite = openSqlite(file, { fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").get();
  } catch {
    sqlite?.close();
    sqlite = null; // damaged or not a database: it is moved aside, not backed up
  }
  const folder = keepAsideFolder(sqlite, file);
  let restored: OpenedDatabase | null = null;
  io.out(`Restoring ${file}`);
  io.out(`  from ${candidate}`);
  try {
    const result = await restoreDatabase(
      {
        file,
        openOptions: { migrationsFolder: opts.migrationsFolder ?? DEFAULT_MIGRATIONS, now: opts.now },
        connection: sqlite,
        close: () => sqlite?.close(),
        install: (next) => {
          restored = next;
        },
      },
      candidate,
      { actor: SYSTEM_ACTOR, now: opts.now ?? (() => new Date()), folder },
    );
    for (const c of result.checks) io.out(`ok      ${c}`);
    if (result.migrated.length > 0) io.out(`ok      updated to this version: ${result.migrated.join(', ')}`);
    io.out(`The previous database was kept at ${result.keptAside}`);
    io.out('Restored.');
    return EXIT.ok;
  } catch (err) {
    if (err instanceof RestoreRefused) {
      io.err(`REFUSED ${err.error.messageKey}: ${err.detail}. Nothing was changed.`);
      return EXIT.failed;
    }
    io.err(`Restore failed: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    sqlite?.close();
    (restored as OpenedDatabase | null)?.close();
  }
}
