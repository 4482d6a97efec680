import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, type HostContext, type Session } from '../../handlers';
import { ADMIN, aStudy, createHarness, type Harness } from '../../testing/harness';
import { attachDatabase, openHostDatabase } from './recovery';

let h: Harness | undefined;
let closeCurrent: (() => void) | undefined;
afterEach(() => {
  closeCurrent?.();
  closeCurrent = undefined;
  h?.cleanup();
  h = undefined;
});

/** Overwrites the middle of the file's pages with junk: the b-trees break, the header stays a SQLite header. */
function damage(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(size - 8192, 0xa5), 0, size - 8192, 4096);
  closeSync(fd);
}

/** A database with one study, a good backup of it, a later study, then the file damaged on disk while closed. */
async function damagedWithBackup() {
  h = await createHarness();
  await h.call('studies.create', aStudy({ protocolNumber: 'BEFORE-1' }));
  const good = await h.call('backup.now', {});
  await h.call('studies.create', aStudy({ protocolNumber: 'AFTER-1' }));
  h.opened.close();
  damage(h.file);
  const state = await openHostDatabase(h.file, {});
  const host: HostContext = { db: state.opened.db, host: 'browser', version: 'test' };
  const current = attachDatabase(host, h.file, {}, state);
  closeCurrent = () => current().close();
  h.opened = { ...h.opened, close: () => undefined }; // already closed above
  const session: Session = { user: null };
  const send = (channel: string, payload: unknown) => dispatch(host, session, channel, payload);
  return { host, session, send, good, file: h.file };
}

describe('a damaged database at start-up: recovery mode', () => {
  it('opens read-only, refuses everything but recovery, and lists the backups checked', async () => {
    const x = await damagedWithBackup();
    const before = readFileSync(x.file);
    expect(x.host.recovery).toBeTruthy();
    expect(x.host.recovery!.problem).toMatch(/damaged|not a readable/);

    const info = await x.send('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { recovery: true, user: null, needsSetup: false } });
    for (const [channel, payload] of [
      ['auth.login', { username: ADMIN.username, password: ADMIN.password }],
      ['studies.list', {}],
      ['backup.restore', { path: x.good.path }],
    ] as const) {
      expect(await x.send(channel, payload), channel).toMatchObject({
        ok: false,
        error: { code: 'recovery', messageKey: 'recovery.required' },
      });
    }
    const status = await x.send('recovery.status', {});
    expect(status.ok).toBe(true);
    const view = status.ok ? (status.value as { backups: { path: string; ok: boolean }[] }) : null;
    expect(view!.backups.map((b) => [b.path, b.ok])).toEqual([[x.good.path, true]]);
    // nothing was written to the damaged file
    expect(readFileSync(x.file).equals(before)).toBe(true);
  });

  it('restores only a listed backup, authorised by an administrator of that backup, and leaves recovery mode', async () => {
    const x = await damagedWithBackup();
    const elsewhere = path.join(path.dirname(x.file), 'made-up.sqlite');
    expect(
      await x.send('recovery.restore', { path: elsewhere, username: ADMIN.username, password: ADMIN.password }),
    ).toMatchObject({ ok: false, error: { code: 'validation', messageKey: 'recovery.notListed', field: 'path' } });
    expect(
      await x.send('recovery.restore', { path: x.good.path, username: ADMIN.username, password: 'wrong-password-1' }),
    ).toMatchObject({ ok: false, error: { code: 'unauthenticated', messageKey: 'recovery.notAuthorised' } });
    expect(x.host.recovery).toBeTruthy();

    const r = await x.send('recovery.restore', {
      path: x.good.path,
      username: ADMIN.username,
      password: ADMIN.password,
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(x.host.recovery).toBeNull();
    // the damaged file was moved aside as it was, not backed up through SQLite
    const kept = readdirSync(path.dirname(x.good.path)).filter((f) => f.endsWith('-damaged.sqlite'));
    expect(kept).toHaveLength(1);
    expect(existsSync(x.file)).toBe(true);

    // the app works again: sign in, the backup's study is back, the restore is in the audit trail by the administrator
    await x.send('auth.login', { username: ADMIN.username, password: ADMIN.password });
    const studies = await x.send('studies.list', {});
    expect(studies.ok && (studies.value as { protocolNumber: string }[]).map((s) => s.protocolNumber)).toEqual([
      'BEFORE-1',
    ]);
    const restore = x.host.db.$client
      .prepare("SELECT actor AS who FROM audit_events WHERE action = 'restore'")
      .get() as { who: string };
    expect(restore.who).toBe(ADMIN.username);
    expect(await x.send('recovery.status', {})).toMatchObject({
      ok: false,
      error: { messageKey: 'recovery.notActive' },
    });
  });

  it('refuses for 15 minutes after 5 failed authorisations', async () => {
    const x = await damagedWithBackup();
    let at = Date.parse('2026-11-26T08:00:00Z');
    x.host.now = () => new Date(at);
    const attempt = (password: string) =>
      x.send('recovery.restore', { path: x.good.path, username: ADMIN.username, password });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-1')).ok).toBe(false);
    expect(await attempt(ADMIN.password)).toMatchObject({ ok: false, error: { messageKey: 'auth.lockedOut' } });
    at += 15 * 60_000 + 1000;
    expect((await attempt(ADMIN.password)).ok).toBe(true);
  });
});
