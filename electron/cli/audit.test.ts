import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry } from '../api';
import { bufferIo } from './io';
import { main } from './main';

let dir: string;
let seeded: string;

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io, { cwd: dir });
  return { code, out: io.stdout, err: io.stderr.join('\n') };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-cli-audit-'));
  seeded = path.join(dir, 'seeded.sqlite');
  expect((await run('seed-demo', '--db', 'seeded.sqlite')).code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli: audit --json', () => {
  it('prints every event as one JSON object per line, newest first, matching the database', async () => {
    const r = await run('audit', '--json', '--db', 'seeded.sqlite');
    expect(r).toMatchObject({ code: 0, err: '' });
    const db = new Database(seeded, { readonly: true });
    const { n, max } = db.prepare('SELECT count(*) AS n, max(seq) AS max FROM audit_events').get() as {
      n: number;
      max: number;
    };
    const last = db.prepare('SELECT * FROM audit_events WHERE seq = ?').get(max) as { actor: string; at: string };
    db.close();
    expect(n).toBeGreaterThan(10);
    expect(r.out).toHaveLength(n);
    const events = r.out.map((line) => auditEntry.parse(JSON.parse(line)));
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => b - a));
    expect(events[0]).toMatchObject({ seq: max, actor: last.actor, at: last.at });
  });

  it('--limit N prints the newest N', async () => {
    const all = (await run('audit', '--json', '--db', 'seeded.sqlite')).out;
    const r = await run('audit', '--json', '--limit', '3', '--db', 'seeded.sqlite');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(all.slice(0, 3));
  });

  it('refuses a wrong command line, a missing or foreign file, changing nothing', async () => {
    expect((await run('audit', '--db', 'seeded.sqlite')).err).toMatch(/audit needs --json/);
    for (const bad of ['0', '-2', 'x', '1.5']) {
      const r = await run('audit', '--json', `--limit=${bad}`, '--db', 'seeded.sqlite');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--limit must be a whole number/);
    }
    expect((await run('verify', '--json', '--db', 'seeded.sqlite')).err).toMatch(/--json is for audit and import only/);
    expect((await run('audit', '--json', '--db', 'missing.sqlite')).code).toBe(2);
    writeFileSync(path.join(dir, 'other.sqlite'), '');
    new Database(path.join(dir, 'other.sqlite')).exec('CREATE TABLE t (x)').close();
    const foreign = await run('audit', '--json', '--db', 'other.sqlite');
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/not a TrialDesk database/);
  });
});
