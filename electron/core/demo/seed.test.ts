import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../../db/open';
import { centerFields, studyFields, type StudyDetail } from '../../api/contract';
import { dispatch, type HostContext } from '../../handlers';
import { verifyAuditChain } from '../audit/audit';
import { DEMO_ACCOUNTS, DemoSeedError, seedDemo, type SeedReport } from './seed';

let dir: string;
const open: OpenedDatabase[] = [];
let a: OpenedDatabase;
let b: OpenedDatabase;
let report: SeedReport;

async function fresh(name: string): Promise<OpenedDatabase> {
  const o = await openDatabase(path.join(dir, name));
  open.push(o);
  return o;
}
const rows = (o: OpenedDatabase, sql: string) => o.db.$client.prepare(sql).all() as Record<string, unknown>[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-demo-'));
  a = await fresh('a.sqlite');
  b = await fresh('b.sqlite');
  report = await seedDemo(a.db, { scale: 'small' });
  await seedDemo(b.db, { scale: 'small' });
}, 60_000); // scrypt for the four demo accounts, twice
afterAll(() => {
  for (const o of open) o.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seed-demo small', () => {
  it('is deterministic: two seeds give identical studies, centers and audit trails', () => {
    for (const sql of [
      'SELECT * FROM studies ORDER BY id',
      'SELECT * FROM centers ORDER BY id',
      'SELECT * FROM audit_events ORDER BY seq',
      'SELECT id, username, display_name, role, active, created_at, updated_at FROM users ORDER BY id',
    ]) {
      const ra = rows(a, sql);
      expect(ra.length).toBeGreaterThan(0);
      expect(rows(b, sql)).toEqual(ra);
    }
    // only the password salt differs
    const hashes = [a, b].map((o) => rows(o, 'SELECT password_hash FROM users')[0]!.password_hash);
    expect(hashes[0]).not.toBe(hashes[1]);
  });

  it('reports what it wrote, and the chain of audit events verifies', () => {
    expect(report).toMatchObject({ scale: 'small', studies: 8 });
    expect(report.accounts.map((x) => x.role)).toEqual(['admin', 'coordinator', 'investigator', 'monitor']);
    expect(report.centers).toBe(rows(a, 'SELECT id FROM centers').length);
    const chain = verifyAuditChain(a.db.$client);
    expect(chain).toEqual({ ok: true, events: report.auditEvents, firstBroken: null });
  });

  it('gives every row its create event with {field: [null, value]}', () => {
    const events = rows(a, "SELECT * FROM audit_events WHERE action = 'create'");
    const studies = rows(a, 'SELECT id, protocol_number FROM studies');
    const centers = rows(a, 'SELECT id, study_id, code FROM centers');
    for (const s of studies) {
      const e = events.find((x) => x.entity === 'study' && x.entity_id === String(s.id))!;
      const changes = JSON.parse(e.changes as string) as Record<string, [unknown, unknown]>;
      expect(changes.protocolNumber).toEqual([null, s.protocol_number]);
      expect(changes.status).toEqual([null, 'planning']);
      expect(e.study_id).toBe(s.id);
    }
    for (const c of centers) {
      const e = events.find((x) => x.entity === 'center' && x.entity_id === String(c.id))!;
      const changes = JSON.parse(e.changes as string) as Record<string, [unknown, unknown]>;
      expect(changes.code).toEqual([null, c.code]);
      expect(e.study_id).toBe(c.study_id);
    }
    expect(events.filter((e) => e.entity === 'user')).toHaveLength(DEMO_ACCOUNTS.length);
  });

  it('stores rows the services would accept: ISO dates, UTC timestamps with ms, one lead and own center', async () => {
    const host: HostContext = { db: a.db, host: 'cli', version: 'test' };
    const session = {
      user: { id: 1, username: 'admin', displayName: 'x', role: 'admin' as const, mustChangePassword: false },
    };
    const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const list = await dispatch(host, session, 'studies.list', {});
    expect(list.ok).toBe(true);
    const ids = (list as { value: { id: number }[] }).value.map((s) => s.id);
    expect(ids).toHaveLength(8);
    for (const id of ids) {
      const r = await dispatch(host, session, 'studies.get', { id });
      expect(r.ok).toBe(true);
      const study = (r as { value: StudyDetail }).value;
      studyFields.parse(study);
      expect(study.createdAt).toMatch(stamp);
      expect(study.updatedAt >= study.createdAt).toBe(true);
      expect(study.centers.filter((c) => c.isLead)).toHaveLength(1);
      expect(study.centers.filter((c) => c.isOwn)).toHaveLength(1);
      for (const c of study.centers) {
        centerFields.parse(c);
        expect(c.createdAt).toMatch(stamp);
        if (c.status !== 'pending') expect(c.activationDate ?? c.statusReason).not.toBeNull();
        if (c.hardCap !== null) expect(c.hardCap).toBeGreaterThanOrEqual(c.enrollmentTarget ?? 0);
      }
      if (study.status === 'suspended') expect(study.nextStatuses).toContain('enrolling');
    }
    expect(rows(a, 'PRAGMA foreign_key_check')).toEqual([]);
  });

  it('creates the administrator through the accounts service: the printed password signs in', async () => {
    const host: HostContext = { db: a.db, host: 'cli', version: 'test' };
    const admin = DEMO_ACCOUNTS[0]!;
    const r = await dispatch(host, { user: null }, 'auth.login', {
      username: admin.username,
      password: admin.password,
    });
    expect(r).toMatchObject({ ok: true, value: { username: 'admin', role: 'admin' } });
  });

  it('creates one account per role: each printed password signs in, non-administrators see their studies', async () => {
    const host: HostContext = { db: a.db, host: 'cli', version: 'test' };
    for (const acc of DEMO_ACCOUNTS) {
      const session = { user: null };
      const r = await dispatch(host, session, 'auth.login', { username: acc.username, password: acc.password });
      expect(r).toMatchObject({ ok: true, value: { role: acc.role, mustChangePassword: acc.role !== 'admin' } });
      if (acc.role === 'admin') continue;
      const assigned = rows(
        a,
        `SELECT study_id FROM user_studies WHERE user_id = (SELECT id FROM users WHERE username = '${acc.username}')`,
      );
      expect(assigned).toHaveLength(acc.studies!);
    }
  });

  it('refuses a database that has studies, and writes nothing', async () => {
    const before = rows(a, 'SELECT count(*) AS n FROM audit_events')[0]!.n;
    await expect(seedDemo(a.db, { scale: 'small' })).rejects.toThrow(DemoSeedError);
    await expect(seedDemo(a.db, { scale: 'small' })).rejects.toThrow(/already has 8 studies/);
    expect(rows(a, 'SELECT count(*) AS n FROM audit_events')[0]!.n).toBe(before);
  });

  it('adds studies to a set-up database without studies, attributed to its administrator', async () => {
    const c = await fresh('c.sqlite');
    const host: HostContext = { db: c.db, host: 'cli', version: 'test' };
    const setup = await dispatch(host, { user: null }, 'auth.setup', {
      username: 'wang',
      displayName: '王',
      password: 'Correct-horse-9',
    });
    expect(setup.ok).toBe(true);
    const r = await seedDemo(c.db, { scale: 'small' });
    expect(r.accounts).toEqual([]);
    expect(r.actor).toEqual({ id: 1, username: 'wang' });
    expect(rows(c, "SELECT DISTINCT actor FROM audit_events WHERE entity != 'user'")).toEqual([{ actor: 'wang' }]);
    expect(verifyAuditChain(c.db.$client).ok).toBe(true);
  });
});

describe('seed-demo large', () => {
  it('writes 300 studies and 1,500 centers in one fast transaction, and the chain verifies', async () => {
    const o = await fresh('large.sqlite');
    const r = await seedDemo(o.db, { scale: 'large' });
    expect(r).toMatchObject({ studies: 300, centers: 1500 });
    expect(rows(o, 'SELECT count(*) AS n FROM studies')[0]!.n).toBe(300);
    expect(rows(o, 'SELECT count(*) AS n FROM centers')[0]!.n).toBe(1500);
    expect(r.ms.data).toBeLessThan(5000);
    expect(verifyAuditChain(o.db.$client)).toMatchObject({ ok: true, events: r.auditEvents });
    const statuses = rows(o, 'SELECT status, count(*) AS n FROM studies GROUP BY status').map((x) => x.status);
    expect(statuses).toHaveLength(7);
  });
});
