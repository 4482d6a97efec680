import { openSqlite } from '../../db/sqlite';
import { iterateAudit } from '../core/audit/trail';
import { EXIT, type CliIo, type ExitCode } from './io';

/**
 * `audit --json [--limit N]`: the audit trail as JSON Lines (one event object per line), newest first. Reads the file
 * read-only: no migration, no lock on the app's writes beyond SQLite's own.
 */
export function auditCommand(file: string, limit: number | undefined, io: CliIo): ExitCode {
  let sqlite;
  try {
    sqlite = openSqlite(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    io.err(`Cannot open ${file}: ${(err as Error).message}`);
    return EXIT.failed;
  }
  try {
    const ours = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get();
    if (!ours) {
      io.err(`${file} is not a TrialDesk database (it has no audit trail)`);
      return EXIT.failed;
    }
    for (const e of iterateAudit(sqlite, { utcOffsetMinutes: 0 }, { limit })) io.out(JSON.stringify(e));
    return EXIT.ok;
  } catch (err) {
    io.err(`Reading the audit trail failed: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    sqlite.close();
  }
}
