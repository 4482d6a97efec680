import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertLocalPath, DatabaseOpenError, DEFAULT_MIGRATIONS, openDatabase, readJournal } from './open';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The app's migrations plus one more, as the next release would ship them. */
function nextReleaseMigrations(sql: string): string {
  const folder = path.join(dir, 'migrations-next');
  cpSync(DEFAULT_MIGRATIONS, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as {
    entries: { idx: number; when: number; tag: string }[];
  };
  const last = journal.entries.at(-1)!;
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_next' });
  writeFileSync(journalFile, JSON.stringify(journal));
  writeFileSync(path.join(folder, '9999_next.sql'), sql);
  return folder;
}

async function fileWithOneStudy(): Promise<string> {
  const file = path.join(dir, 'trialdesk.sqlite');
  const opened = await openDatabase(file);
  opened.db.$client
    .prepare(
      "INSERT INTO studies (protocol_number, title, short_title, sponsor, phase, indication, therapeutic_area, site_pi, status, created_at, updated_at) VALUES ('P-1', 't', 's', 'sp', 'II', 'ITP', 'itp_bleeding', 'pi', 'planning', 'x', 'x')",
    )
    .run();
  opened.close();
  return file;
}

describe('openDatabase', () => {
  it('creates a new file with the safe pragmas and every migration', async () => {
    const opened = await openDatabase(path.join(dir, 'new.sqlite'));
    const sqlite = opened.db.$client;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(opened.migrated).toEqual(readJournal(DEFAULT_MIGRATIONS).map((e) => e.tag));
    expect(opened.backupPath).toBeNull(); // nothing to back up in a new file
    opened.close();
  });

  it('takes a verified backup before migrating an existing file', async () => {
    const file = await fileWithOneStudy();
    const opened = await openDatabase(file, {
      migrationsFolder: nextReleaseMigrations('CREATE TABLE `next_feature` (`id` integer PRIMARY KEY);'),
    });
    expect(opened.migrated).toEqual(['9999_next']);
    expect(opened.backupPath).toMatch(/backups[\\/]pre-migrate-.*\.sqlite$/);
    opened.close();
    const backup = new Database(opened.backupPath!, { readonly: true });
    expect(backup.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(backup.prepare('SELECT protocol_number FROM studies').pluck().all()).toEqual(['P-1']);
    expect(backup.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'next_feature'").pluck().get()).toBe(0);
    backup.close();
  });

  it('stops on a failed migration, names the backup, and leaves the file as it was', async () => {
    const file = await fileWithOneStudy();
    const broken = nextReleaseMigrations(
      'CREATE TABLE `half` (`id` integer);\n--> statement-breakpoint\nTHIS IS NOT SQL;',
    );
    const err = await openDatabase(file, { migrationsFolder: broken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseOpenError);
    expect((err as DatabaseOpenError).failure).toBe('migration');
    expect((err as DatabaseOpenError).message).toContain((err as DatabaseOpenError).backupPath!);
    expect(existsSync((err as DatabaseOpenError).backupPath!)).toBe(true);
    const again = await openDatabase(file); // the current app still opens it, unchanged
    expect(again.db.$client.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(again.db.$client.prepare('SELECT count(*) FROM studies').pluck().get()).toBe(1);
    again.close();
  });

  it('refuses a database written by a newer version of the app', async () => {
    const file = path.join(dir, 'trialdesk.sqlite');
    (
      await openDatabase(file, {
        migrationsFolder: nextReleaseMigrations('CREATE TABLE `next_feature` (`id` integer);'),
      })
    ).close();
    const err = await openDatabase(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseOpenError);
    expect((err as DatabaseOpenError).failure).toBe('newer_schema');
    expect((err as Error).message).toMatch(/newer version of TrialDesk/);
  });

  it('refuses a damaged file', async () => {
    const file = path.join(dir, 'junk.sqlite');
    writeFileSync(file, 'SQLite format 3\0' + 'garbage'.repeat(200));
    const err = await openDatabase(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseOpenError);
    expect((err as DatabaseOpenError).failure).toBe('integrity');
    expect((err as Error).message).toMatch(/Restore a backup/);
  });

  it('refuses network paths', () => {
    expect(() => assertLocalPath('\\\\fileserver\\trials\\trialdesk.sqlite')).toThrow(DatabaseOpenError);
    expect(() => assertLocalPath('//fileserver/trials/trialdesk.sqlite')).toThrow(/local disk/);
    expect(() => assertLocalPath(path.join(dir, 'ok.sqlite'))).not.toThrow();
  });
});
