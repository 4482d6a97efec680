import type Database from 'better-sqlite3';
import { openSqlite } from '../../db/sqlite';
import { assertLocalPath } from '../../db/open';
import { BackupError, backupToFolder } from '../core/backup/backup';
import { EXIT, type CliIo, type ExitCode } from './io';
import { checkLine } from './verify';

/**
 * `backup <dir>`: an online copy of the file as it is. The source is opened directly, not through openDatabase: a backup
 * must not migrate the file (nor refuse a newer one); it works while the app has the database open (WAL).
 */
export async function backupCommand(file: string, dir: string, io: CliIo, now?: () => Date): Promise<ExitCode> {
  let sqlite: Database.Database;
  try {
    assertLocalPath(file);
    sqlite = openSqlite(file, { fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").get(); // fails here if not a database
  } catch (err) {
    io.err(`Cannot open ${file}: ${(err as Error).message}`);
    return EXIT.failed;
  }
  try {
    const result = await backupToFolder(sqlite, dir, { now });
    for (const c of result.checks) io.out(checkLine(c));
    if (!result.ok) {
      const failed = result.checks.find((c) => !c.ok)!;
      io.out(result.path);
      io.err(
        `FAILED ${failed.name}: ${failed.detail} — the copy was kept at ${result.path}; the source has the same problem (run verify).`,
      );
      return EXIT.failed;
    }
    io.out(`Backup written and verified (${(result.bytes / 1024).toFixed(0)} KiB):`);
    io.out(result.path);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof BackupError) {
      io.err(err.message);
      return EXIT.failed;
    }
    throw err;
  } finally {
    sqlite.close();
  }
}
