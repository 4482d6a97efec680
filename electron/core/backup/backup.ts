/**
 * Backup to a folder: an online copy through SQLite's backup API (`verifiedBackup` of db/open.ts: a temp name, an
 * integrity check, then the final name), made a self-contained single file, then verified as a TrialDesk database:
 * integrity_check, foreign keys and the audit chain of the copy.
 */
import type Database from 'better-sqlite3';
import { openSqlite } from '../../../db/sqlite';
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { verifiedBackup } from '../../../db/open';
import { auditChainCheck, foreignKeyCheck, integrityCheck, runCheck, type CheckResult } from './checks';

export interface BackupResult {
  /** absolute path of the copy */
  path: string;
  bytes: number;
  /** the checks run on the copy */
  checks: CheckResult[];
  ok: boolean;
}

/** A backup that could not be written (the copy, if any, is removed). */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** `trialdesk-2026-01-05T08-30-00-123Z.sqlite`: UTC, sortable, valid on every file system. */
export function backupFileName(at: Date, prefix = 'trialdesk-'): string {
  return `${prefix}${at.toISOString().replace(/[:.]/g, '-')}.sqlite`;
}

/** A name in `dir` that does not exist yet (…-2.sqlite, … when two backups share a millisecond). */
function freshPath(dir: string, at: Date, prefix?: string): string {
  const base = path.join(path.resolve(dir), backupFileName(at, prefix));
  let candidate = base;
  for (let i = 2; existsSync(candidate) || existsSync(`${candidate}.partial`); i++) {
    candidate = base.replace(/\.sqlite$/, `-${i}.sqlite`);
  }
  return candidate;
}

/** Side files a read-only open of the WAL-mode temp copy leaves behind: nothing was written to them. */
function removeLeftovers(file: string): void {
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return; // not ours to remove
  rmSync(wal, { force: true });
  rmSync(`${file}-shm`, { force: true });
}

/**
 * Copies the open database `sqlite` into `dir` and verifies the copy. Throws BackupError when no verified copy could be
 * written; returns `ok: false` (the copy kept) when the copy is readable but a TrialDesk check fails on it — which means
 * the source has the same problem.
 */
export async function backupToFolder(
  sqlite: Database.Database,
  dir: string,
  opts: { now?: () => Date; /** file name prefix (default `trialdesk-`) */ prefix?: string } = {},
): Promise<BackupResult> {
  const dest = freshPath(dir, (opts.now ?? (() => new Date()))(), opts.prefix);
  const partial = `${dest}.partial`;
  try {
    await verifiedBackup(sqlite, dest);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BackupError(`The backup could not be written to ${dest}: ${(err as Error).message}`);
  } finally {
    removeLeftovers(partial);
  }

  let checks: CheckResult[];
  try {
    const copy = openSqlite(dest, { fileMustExist: true });
    try {
      // one self-contained file (no -wal/-shm beside it), whatever the source's journal mode
      copy.pragma('journal_mode = DELETE');
      checks = [
        runCheck('integrity_check', integrityCheck, copy),
        runCheck('foreign_key_check', foreignKeyCheck, copy),
        runCheck('audit chain', auditChainCheck, copy),
      ];
    } finally {
      copy.close();
    }
  } catch (err) {
    rmSync(dest, { force: true });
    removeLeftovers(dest);
    throw new BackupError(`The backup copy could not be verified: ${(err as Error).message}`);
  }
  return { path: dest, bytes: statSync(dest).size, checks, ok: checks.every((c) => c.ok) };
}
