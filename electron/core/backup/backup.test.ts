import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/open';
import { seedDemo } from '../demo/seed';
import { backupFileName, backupToFolder } from './backup';
import { checkDatabase } from './checks';

let dir: string;
let seeded: string;
const at = new Date('2026-01-05T08:30:00.123Z');
const all = (db: Database.Database, table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-backup-'));
  seeded = path.join(dir, 'seeded.sqlite');
  const o = await openDatabase(seeded);
  await seedDemo(o.db, { scale: 'small' });
  o.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** a copy of the seeded file, so that each test may spoil its own */
function copyOf(name: string): string {
  const file = path.join(dir, name);
  copyFileSync(seeded, file);
  return file;
}

describe('backup to a folder', () => {
  it('names the copy by its UTC time', () => {
    expect(backupFileName(at)).toBe('trialdesk-2026-01-05T08-30-00-123Z.sqlite');
  });

  it('writes one verified, self-contained file with the same rows, while the source is open', async () => {
    const src = new Database(copyOf('live.sqlite'));
    src.pragma('journal_mode = WAL');
    const out = path.join(dir, 'out1');
    const r = await backupToFolder(src, out, { now: () => at });
    expect(r.ok).toBe(true);
    expect(r.path).toBe(path.join(out, 'trialdesk-2026-01-05T08-30-00-123Z.sqlite'));
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
      ['integrity_check', true],
      ['foreign_key_check', true],
      ['audit chain', true],
    ]);
    expect(readdirSync(out)).toEqual([path.basename(r.path)]); // no -wal, -shm or .partial beside it

    const copy = await openDatabase(r.path);
    for (const table of ['studies', 'centers', 'users', 'audit_events']) {
      expect(all(copy.db.$client, table)).toEqual(all(src, table));
    }
    expect(checkDatabase(copy.db.$client).every((c) => c.ok)).toBe(true);
    copy.close();

    // a second backup in the same millisecond gets its own name
    const again = await backupToFolder(src, out, { now: () => at });
    expect(path.basename(again.path)).toBe('trialdesk-2026-01-05T08-30-00-123Z-2.sqlite');
    src.close();
  });

  it('keeps the copy but reports a failure when the audit chain of the copy is broken', async () => {
    const src = new Database(copyOf('tampered.sqlite'));
    src.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET reason = 'x' WHERE seq = 3");
    const r = await backupToFolder(src, path.join(dir, 'out2'), { now: () => at });
    src.close();
    expect(r.ok).toBe(false);
    const failed = r.checks.find((c) => !c.ok)!;
    expect(failed.name).toBe('audit chain');
    expect(failed.detail).toMatch(/^event 3 hash mismatch/);
    expect(existsSync(r.path)).toBe(true);
  });
});
