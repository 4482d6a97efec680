import Database from 'better-sqlite3';
import {
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedDatabase } from '../../../db/open';
import { verifyAuditChain } from '../audit/audit';
import { ADMIN, aStudy, createHarness, type Harness } from '../../testing/harness';
import { listBackupFiles } from './backups';
import { checkBackups, hostDatabase, recoveryAdvice } from './restore';

let h: Harness;
afterEach(() => h?.cleanup());

/** A harness whose host can restore, as browser mode and the desktop set it up. */
async function restorable(): Promise<Harness & { current: () => OpenedDatabase }> {
  h = await createHarness();
  let current = h.opened;
  const host = h.host;
  host.database = hostDatabase({
    file: h.file,
    openOptions: {},
    current: () => current,
    install: (next) => {
      current = next;
      host.db = next.db;
    },
  });
  const harness = h;
  const { dir } = harness;
  const first = harness.opened;
  h.cleanup = () => {
    current.close();
    first.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return Object.assign(h, { current: () => current });
}

const studyNumbers = async (x: Harness) => (await x.call('studies.list', {})).map((s) => s.protocolNumber).sort();
const refusal = async (x: Harness, file: string) => {
  const r = await x.send('backup.restore', { path: file });
  expect(r.ok).toBe(false);
  return r.ok ? null : r.error;
};
function corrupt(file: string, offset: number, length: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}
const auditActions = (x: Harness) =>
  (x.host.db.$client.prepare('SELECT action FROM audit_events ORDER BY seq').all() as { action: string }[]).map(
    (r) => r.action,
  );

describe('backup → damage → restore', () => {
  it('brings back every row committed before the backup, keeps the damaged database aside, signs everyone out', async () => {
    const x = await restorable();
    await x.call('studies.create', aStudy({ protocolNumber: 'BEFORE-1' }));
    const backup = await x.call('backup.now', {});
    expect(backup.ok).toBe(true);
    await x.call('studies.create', aStudy({ protocolNumber: 'AFTER-1' }));
    const other = { user: x.session.user }; // a second signed-in session (another browser / window)
    x.host.signOutAll = () => void (other.user = null);

    // damage: a table dropped behind the app's back
    x.host.db.$client.exec('PRAGMA foreign_keys = OFF; DROP TABLE centers; PRAGMA foreign_keys = ON');

    const result = await x.call('backup.restore', { path: backup.path });
    expect(result.restoredFrom).toBe(backup.path);
    expect(path.basename(result.keptAside)).toMatch(/^pre-restore-.*\.sqlite$/);
    expect(x.session.user).toBeNull();
    expect(other.user).toBeNull();
    expect((await x.send('studies.list', {})).ok).toBe(false); // signed out

    await x.call('auth.login', { username: ADMIN.username, password: ADMIN.password });
    expect(await studyNumbers(x)).toEqual(['BEFORE-1']);
    expect(verifyAuditChain(x.host.db.$client).ok).toBe(true);
    const restoreEvent = x.host.db.$client
      .prepare("SELECT actor, changes FROM audit_events WHERE action = 'restore'")
      .get() as { actor: string; changes: string };
    expect(restoreEvent.actor).toBe(ADMIN.username);
    expect(restoreEvent.changes).toContain(result.keptAside);
    expect(restoreEvent.changes).toContain('audit chain');

    // the database as it was before the restore is kept, with the study entered after the backup
    const kept = new Database(result.keptAside, { readonly: true });
    expect(kept.prepare("SELECT count(*) AS n FROM studies WHERE protocol_number = 'AFTER-1'").get()).toEqual({ n: 1 });
    kept.close();
    // a live file, no leftovers of the swap
    expect(readdirSync(x.dir).filter((f) => f.includes('restore'))).toEqual([]);
  });
});

describe('restore refusals change nothing', () => {
  it('refuses a text file, a foreign SQLite database, a damaged, a newer and a tampered backup', async () => {
    const x = await restorable();
    await x.call('studies.create', aStudy({ protocolNumber: 'KEEP-1' }));
    const good = await x.call('backup.now', {});
    await x.call('studies.create', aStudy({ protocolNumber: 'KEEP-2' }));
    const before = readFileSync(x.file);
    const folder = path.dirname(good.path);
    const filesBefore = readdirSync(folder).sort();

    const text = path.join(x.dir, 'notes.txt');
    writeFileSync(text, 'Visit schedule, not a database\n'.repeat(200));
    const foreign = path.join(x.dir, 'other.sqlite');
    const f = new Database(foreign);
    f.exec('CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO patients VALUES (1, 1)');
    f.close();
    const damaged = path.join(x.dir, 'damaged.sqlite');
    writeFileSync(damaged, readFileSync(good.path));
    corrupt(damaged, 4096 * 3, 4096 * 4); // pages in the middle of the file
    const newer = path.join(x.dir, 'newer.sqlite');
    writeFileSync(newer, readFileSync(good.path));
    const n = new Database(newer);
    n.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', Date.now() + 1e10);
    n.close();
    const tampered = path.join(x.dir, 'tampered.sqlite');
    writeFileSync(tampered, readFileSync(good.path));
    const t = new Database(tampered);
    t.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'someone' WHERE seq = 2");
    t.close();

    const expected: [string, string][] = [
      [text, 'backup.notADatabase'],
      [foreign, 'backup.notTrialDesk'],
      [damaged, 'backup.damaged'],
      [newer, 'backup.newerVersion'],
      [tampered, 'backup.auditChainBroken'],
      [path.join(x.dir, 'missing.sqlite'), 'backup.fileNotFound'],
      [x.file, 'backup.isLiveDatabase'],
    ];
    for (const [file, key] of expected) {
      const error = await refusal(x, file);
      expect([path.basename(file), error?.messageKey, error?.field]).toEqual([path.basename(file), key, 'path']);
    }
    expect(await studyNumbers(x)).toEqual(['KEEP-1', 'KEEP-2']);
    expect(readdirSync(folder).sort()).toEqual(filesBefore); // no pre-restore copy
    expect(readdirSync(x.dir).filter((name) => name.includes('restore-partial'))).toEqual([]);
    // the refusals are in the trail; only they were appended to the live file
    expect(auditActions(x).filter((a) => a === 'restore_refused')).toHaveLength(expected.length);
    expect(verifyAuditChain(x.host.db.$client).ok).toBe(true);
    expect(statSync(x.file).size).toBeGreaterThanOrEqual(before.length - 4096 * 4);
  });

  it('is for administrators only', async () => {
    const x = await restorable();
    const r = await x.send('backup.restore', { path: x.file }, { user: null });
    expect(r.ok ? null : r.error.code).toBe('unauthenticated');
  });
});

describe('settings', () => {
  it('validates each field, saves with audit events, and names the default backup folder', async () => {
    const x = await restorable();
    const s = await x.call('settings.get', {});
    expect(s).toMatchObject({ idleLockMinutes: 10, retainDaily: 14, retainMonthly: 12, backupFolder: null });
    expect(s.defaultBackupFolder).toBe(path.join(x.dir, 'backups'));

    const bad = await x.send('settings.update', { ...s, idleLockMinutes: 0, backupFolder: 'relative/dir' });
    expect(bad.ok ? null : bad.error.fields?.map((e) => [e.field, e.messageKey])).toEqual([
      ['idleLockMinutes', 'validation.min'],
    ]);
    const rel = await x.send('settings.update', { ...s, backupFolder: 'relative/dir' });
    expect(rel.ok ? null : [rel.error.field, rel.error.messageKey]).toEqual([
      'backupFolder',
      'validation.absolutePath',
    ]);

    const folder = path.join(x.dir, 'usb');
    const saved = await x.call('settings.update', {
      ...s,
      siteName: '血液病医院 药物临床试验机构',
      idleLockMinutes: 5,
      backupFolder: folder,
      retainDaily: 3,
    });
    expect(saved).toMatchObject({ idleLockMinutes: 5, backupFolder: folder, retainDaily: 3 });
    expect(auditActions(x).filter((a) => a === 'setting')).toHaveLength(4);
    expect(existsSync(folder)).toBe(false); // created by the first backup, not by saving
    const list = await x.call('backup.list', {});
    expect(list).toEqual({ folder, files: [] });
  });
});

describe('a damaged database at start-up', () => {
  it('lists the backups checked, newest first, and names the latest good one to restore', async () => {
    const x = await restorable();
    const good = await x.call('backup.now', {});
    const newer = await x.call('backup.now', {});
    corrupt(newer.path, 4096 * 2, 4096 * 3);
    const folder = path.dirname(good.path);
    const checked = checkBackups(listBackupFiles(folder));
    expect(checked.map((c) => [path.basename(c.path), c.ok])).toEqual([
      [path.basename(newer.path), false],
      [path.basename(good.path), true],
    ]);
    expect(checked[0]!.problem).toMatch(/^backup\.damaged/);
    const advice = recoveryAdvice(x.file, folder, checked);
    expect(advice).toContain(`npm run cli -- restore "${good.path}" --db "${x.file}"`);
    expect(advice).toMatch(/REFUSED .*backup\.damaged/);
  });
});
