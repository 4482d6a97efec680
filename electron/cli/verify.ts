import type Database from 'better-sqlite3';
import { openSqlite } from '../../db/sqlite';
import path from 'node:path';
import { DatabaseOpenError, openDatabase, type OpenedDatabase } from '../../db/open';
import { listBackupFiles } from '../core/backup/backups';
import { checkBackups, recoveryAdvice } from '../core/backup/restore';
import { checkDatabase, type CheckResult } from '../core/backup/checks';
import { EXIT, type CliIo, type ExitCode } from './io';

export const checkLine = (c: CheckResult): string =>
  `${c.ok ? 'ok    ' : 'FAILED'}  ${c.name}${c.detail ? `: ${c.detail}` : ''}`;

/**
 * Looks before opening: openDatabase would turn any SQLite file (or an empty one) into a TrialDesk database by migrating
 * it, which verify must not do to a wrong file. Returns the problem, or null.
 */
function notTrialDesk(file: string): string | null {
  let peek: Database.Database | null = null;
  try {
    peek = openSqlite(file, { readonly: true, fileMustExist: true });
    const ours = peek
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
      .get();
    return ours ? null : 'not a TrialDesk database (it has no migrations table); nothing was changed';
  } catch (err) {
    return `${(err as Error).message}; nothing was changed`;
  } finally {
    peek?.close();
  }
}

/**
 * `verify`: opens the file as the app does (pragmas asserted, quick_check, newer-schema refusal, migrations after a
 * verified backup), then runs every whole-file check. Prints each; the exit code and the last line name the first failure.
 */
export async function verifyCommand(file: string, io: CliIo): Promise<ExitCode> {
  io.out(`Verifying ${file}`);
  let opened: OpenedDatabase;
  try {
    const problem = notTrialDesk(file);
    if (problem) throw new Error(problem);
    opened = await openDatabase(file);
  } catch (err) {
    // DatabaseOpenError messages say what to do: shown as they are
    const failed: CheckResult = { name: 'open', ok: false, detail: (err as Error).message };
    io.out(checkLine(failed));
    io.err(`FAILED ${failed.name}: ${failed.detail}`);
    if (err instanceof DatabaseOpenError && err.failure === 'integrity') {
      // damaged: which backups are good, and the command that restores the latest good one
      const folder = path.join(path.dirname(file), 'backups');
      io.err(recoveryAdvice(file, folder, checkBackups(listBackupFiles(folder))));
    }
    return EXIT.failed;
  }
  const checks: CheckResult[] = [];
  try {
    const sqlite = opened.db.$client;
    const applied = (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    checks.push({
      name: 'open',
      ok: true,
      detail:
        opened.migrated.length > 0
          ? `settings and quick_check ok; updated now (${opened.migrated.join(', ')}), backup first at ${opened.backupPath ?? '(new file)'}`
          : `settings and quick_check ok; schema up to date (${applied} migration(s))`,
    });
    io.out(checkLine(checks[0]!));
    for (const c of checkDatabase(sqlite)) {
      checks.push(c);
      io.out(checkLine(c));
    }
  } finally {
    opened.close();
  }
  const failed = checks.find((c) => !c.ok);
  if (failed) {
    io.err(`FAILED ${failed.name}: ${failed.detail}`);
    return EXIT.failed;
  }
  io.out('All checks passed.');
  return EXIT.ok;
}
