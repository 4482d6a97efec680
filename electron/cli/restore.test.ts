import Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from '../core/backup/checks';
import { bufferIo } from './io';
import { main } from './main';

let dir: string;
let seeded: string;

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io, { cwd: dir, now: () => new Date('2026-02-03T04:05:06.007Z') });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}
const count = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-cli-restore-'));
  seeded = path.join(dir, 'seeded.sqlite');
  expect((await run('seed-demo', '--db', 'seeded.sqlite', '--scale', 'small')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli: restore', () => {
  it('restores a backup over a live file whose pages are damaged, keeping the damaged file aside', async () => {
    const live = path.join(dir, 'live', 'trialdesk.sqlite');
    const b = await run('backup', 'usb', '--db', 'seeded.sqlite');
    expect(b.code).toBe(0);
    const backup = b.out.split('\n').at(-1)!;
    const studies = count(seeded, 'SELECT count(*) AS n FROM studies');
    // the live file: the seeded one, its first pages overwritten (as a disk fault would)
    const liveDir = path.dirname(live);
    mkdirSync(liveDir);
    copyFileSync(seeded, live);
    const fd = openSync(live, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, 0);
    closeSync(fd);

    const r = await run('restore', backup, '--db', live);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('audit chain');
    expect(r.out).toMatch(/kept at .*pre-restore-2026-02-03T04-05-06-007Z-damaged\.sqlite/);
    expect(count(live, 'SELECT count(*) AS n FROM studies')).toBe(studies);
    const db = new Database(live);
    expect(checkDatabase(db).every((c) => c.ok)).toBe(true);
    expect(db.prepare("SELECT actor FROM audit_events WHERE action = 'restore'").get()).toEqual({ actor: 'system' });
    db.close();
    expect(existsSync(path.join(liveDir, 'backups', 'pre-restore-2026-02-03T04-05-06-007Z-damaged.sqlite'))).toBe(true);
  });

  it('refuses a foreign file with exit 1 and changes nothing; exit 2 for a wrong command line', async () => {
    const live = path.join(dir, 'keep.sqlite');
    copyFileSync(seeded, live);
    const text = path.join(dir, 'readme.txt');
    writeFileSync(text, 'hello');
    const before = count(live, 'SELECT count(*) AS n FROM audit_events');
    const r = await run('restore', text, '--db', live);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^REFUSED backup\.notADatabase: .*Nothing was changed\.$/);
    // the refusal is recorded; nothing else changed
    expect(count(live, 'SELECT count(*) AS n FROM audit_events')).toBe(before + 1);
    expect(count(live, "SELECT count(*) AS n FROM audit_events WHERE action = 'restore_refused'")).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('restore'))).toEqual([]); // no temp copy, nothing kept aside
    expect(existsSync(path.join(dir, 'backups'))).toBe(false);

    expect((await run('restore', '--db', live)).code).toBe(2);
    expect((await run('restore', text, '--db', path.join(dir, 'none.sqlite'))).code).toBe(2);
  });
});
