/**
 * Auto-lock through the real handler table, with the host's clock injected and moved by the test: idle lock, refusal
 * of every other channel (nothing written), unlock by the same user only, another user's sign-in, heartbeat, lock
 * button, and locking every session at once (the OS locked the screen).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settings, users } from '../../../db/schema';
import type { Session } from '../../handlers';
import { aCenter, ADMIN, aStudy, createHarness, type Harness } from '../../testing/harness';
import { hashPassword } from '../accounts/passwords';
import { lockAll } from './lock';

const START = Date.parse('2026-03-02T01:00:00.000Z');
const MINUTE = 60_000;
let t = START;
let h: Harness;

beforeEach(async () => {
  t = START;
  h = await createHarness({ now: () => new Date(t) });
});
afterEach(() => h.cleanup());

const advance = (minutes: number) => {
  t += minutes * MINUTE;
};
const sql = () => h.opened.db.$client;
const auditRows = (from = 0) =>
  sql()
    .prepare(
      'SELECT seq, at, actor, action, entity, entity_id, changes, reason FROM audit_events WHERE seq > ? ORDER BY seq',
    )
    .all(from) as {
    seq: number;
    at: string;
    actor: string;
    action: string;
    entity: string;
    entity_id: string;
    changes: string;
    reason: string | null;
  }[];
const changes = (e: { changes: string }) => JSON.parse(e.changes) as Record<string, [unknown, unknown]>;
const lastSeq = () => (sql().prepare('SELECT max(seq) AS n FROM audit_events').get() as { n: number }).n;
/** every row of the clinical tables, to prove a refused call wrote nothing */
const snapshot = () =>
  JSON.stringify(['studies', 'centers', 'settings', 'users'].map((t) => sql().prepare(`SELECT * FROM ${t}`).all()));

const CLERK = { username: 'li.coord', displayName: '李协调', password: 'Clerk-password-77' };
async function addCoordinator(): Promise<number> {
  const iso = new Date(t).toISOString();
  const row = h.opened.db
    .insert(users)
    .values({
      username: CLERK.username,
      displayName: CLERK.displayName,
      role: 'coordinator',
      passwordHash: await hashPassword(CLERK.password),
      createdAt: iso,
      updatedAt: iso,
    })
    .returning()
    .get();
  return row.id;
}

describe('idle lock (enforced by the handler table)', () => {
  it('after the idle time every channel but unlock/sign-in/sign-out/app.info is refused, and nothing is written', async () => {
    const study = await h.call('studies.create', aStudy());
    advance(9.99);
    expect(await h.send('studies.list', {})).toMatchObject({ ok: true }); // activity: the clock restarts
    advance(10);
    const before = snapshot();
    const seq = lastSeq();

    const attempts: [string, unknown][] = [
      ['studies.list', {}],
      ['studies.get', { id: study.id }],
      ['studies.create', aStudy({ protocolNumber: 'NEW-01' })],
      ['studies.update', { id: study.id, fields: aStudy({ title: '改过的标题' }), reason: '更正' }],
      ['studies.changeStatus', { id: study.id, status: 'ethics_review', reason: '递交伦理' }],
      ['centers.create', aCenter(study.id)],
      ['app.setLocale', { locale: 'en' }],
      ['audit.verify', {}],
      ['auth.activity', {}],
      ['studies.get', { id: 'forged' }], // refused before its payload is even looked at
    ];
    for (const [channel, payload] of attempts) {
      expect(await h.send(channel, payload), channel).toEqual({
        ok: false,
        error: { code: 'locked', messageKey: 'lock.locked' },
      });
    }
    expect(snapshot()).toBe(before);

    const events = auditRows(seq);
    // the lock is dated when the idle time ran out, not when it was noticed
    expect(events[0]).toMatchObject({ action: 'lock', actor: 'admin', entity: 'user' });
    expect(JSON.parse(events[0]!.changes)).toEqual({
      cause: [null, 'idle'],
      lockedAt: [null, new Date(t).toISOString()],
    });
    // every refused call is in the trail, except the harmless heartbeat
    expect(events.slice(1).map((e) => [e.action, changes(e).channel![1]])).toEqual(
      attempts.filter(([c]) => c !== 'auth.activity').map(([c]) => ['locked_call_refused', c]),
    );

    // a reload asks app.info: still signed in, locked
    expect(await h.call('app.info', {})).toMatchObject({
      locked: true,
      user: { username: 'admin' },
      idleLockMinutes: 10,
    });
    expect(await h.call('audit.verify', {}).catch((e: Error) => e.message)).toMatch(/"code":"locked"/);
  });

  it('is not locked one millisecond before the idle time; the installation setting changes the time', async () => {
    t += 10 * MINUTE - 1;
    expect(await h.send('studies.list', {})).toMatchObject({ ok: true });
    h.opened.db
      .insert(settings)
      .values({ key: 'security.idleLockMinutes', value: '2', updatedAt: new Date(t).toISOString() })
      .run();
    advance(1);
    expect(await h.call('app.info', {})).toMatchObject({ locked: false, idleLockMinutes: 2 });
    advance(2);
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('the activity heartbeat keeps a session that fills a long form open', async () => {
    for (let i = 0; i < 6; i++) {
      advance(9);
      expect(await h.send('auth.activity', {})).toEqual({ ok: true, value: null });
    }
    advance(9);
    expect(await h.send('studies.create', aStudy())).toMatchObject({ ok: true });
    expect(auditRows().filter((e) => e.action === 'lock')).toEqual([]);
  });

  it('auth.lock locks at once (manual), and again is a no-op', async () => {
    const seq = lastSeq();
    expect(await h.call('auth.lock', {})).toEqual({ locked: true });
    expect(h.session.lockedAt).toBe(new Date(t).toISOString());
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await h.call('auth.lock', { cause: 'idle' })).toEqual({ locked: true });
    const locks = auditRows(seq).filter((e) => e.action === 'lock');
    expect(locks.map((e) => changes(e).cause![1])).toEqual(['manual']);
    // nobody signed in: nothing to lock
    expect(await h.send('auth.lock', {}, { user: null })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });
});

describe('unlock', () => {
  it('only the same user’s password unlocks; a wrong one is a field error and in the audit trail', async () => {
    await h.call('auth.lock', {});
    const seq = lastSeq();
    const wrong = await h.send('auth.unlock', { password: 'not-my-password' });
    expect(wrong).toEqual({
      ok: false,
      error: {
        code: 'unauthenticated',
        messageKey: 'lock.wrongPassword',
        field: 'password',
        fields: [{ field: 'password', messageKey: 'lock.wrongPassword' }],
      },
    });
    expect(await h.send('auth.unlock', {})).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'password' },
    });
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    // another user's password does not unlock this user's session
    await addCoordinator();
    expect(await h.send('auth.unlock', { password: CLERK.password })).toMatchObject({
      ok: false,
      error: { messageKey: 'lock.wrongPassword' },
    });

    advance(3);
    expect(await h.call('auth.unlock', { password: ADMIN.password })).toMatchObject({ username: 'admin' });
    expect(await h.send('studies.list', {})).toMatchObject({ ok: true });
    expect(await h.call('app.info', {})).toMatchObject({ locked: false, user: { username: 'admin' } });

    // the password is checked by the sign-in rule (login_failed counts towards its lock-out), then the unlock recorded
    const events = auditRows(seq).map((e) => [e.action, e.actor, e.reason]);
    expect(events).toEqual([
      ['login_failed', 'admin', 'wrong_password'],
      ['unlock_failed', 'admin', 'auth.invalidCredentials'],
      ['locked_call_refused', 'admin', null],
      ['login_failed', 'admin', 'wrong_password'],
      ['unlock_failed', 'admin', 'auth.invalidCredentials'],
      ['login', 'admin', null],
      ['unlock', 'admin', null],
    ]);
  });

  it('repeated wrong unlocks follow the sign-in lock-out: 5 failures lock the account for 15 minutes', async () => {
    await h.call('auth.lock', {});
    for (let i = 1; i <= 4; i++) {
      expect(await h.send('auth.unlock', { password: `guess-number-${i}` })).toMatchObject({
        ok: false,
        error: { messageKey: 'lock.wrongPassword', field: 'password' },
      });
      advance(0.1); // past the increasing delay (1, 2, 4 s)
    }
    expect(await h.send('auth.unlock', { password: 'guess-number-5' })).toMatchObject({
      ok: false,
      error: { messageKey: 'auth.lockedOut', field: 'password' },
    });
    advance(14);
    expect(await h.send('auth.unlock', { password: ADMIN.password })).toMatchObject({
      ok: false,
      error: { messageKey: 'auth.lockedOut' },
    });
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    advance(1.1);
    expect(await h.call('auth.unlock', { password: ADMIN.password })).toMatchObject({ username: 'admin' });
    expect(await h.send('studies.list', {})).toMatchObject({ ok: true });
  });

  it('unlock restarts the idle clock', async () => {
    advance(11);
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    await h.call('auth.unlock', { password: ADMIN.password });
    advance(5);
    expect(await h.send('studies.list', {})).toMatchObject({ ok: true });
  });

  it('another user signing in replaces the locked session’s user; a failed attempt leaves it locked', async () => {
    await addCoordinator();
    await h.call('studies.create', aStudy());
    advance(10);
    expect(await h.call('app.info', {})).toMatchObject({ locked: true, user: { username: 'admin' } });
    const failed = await h.send('auth.login', { username: CLERK.username, password: 'wrong-wrong-wrong' });
    expect(failed).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(await h.call('app.info', {})).toMatchObject({ locked: true, user: { username: 'admin' } });

    expect(await h.call('auth.login', { username: CLERK.username, password: CLERK.password })).toMatchObject({
      username: CLERK.username,
    });
    expect(await h.call('app.info', {})).toMatchObject({ locked: false, user: { username: CLERK.username } });
    expect(await h.send('auth.activity', {})).toMatchObject({ ok: true });
    // the new user's idle clock starts at sign-in
    advance(9);
    expect(await h.send('auth.activity', {})).toMatchObject({ ok: true });
  });

  it('signing out of a locked session clears it', async () => {
    await h.call('auth.lock', {});
    expect(await h.call('auth.logout', {})).toBeNull();
    expect(await h.call('app.info', {})).toMatchObject({ locked: false, user: null });
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});

describe('lockAll (the operating system locked the screen or suspends)', () => {
  it('locks every signed-in open session once, with cause os, and leaves the others alone', async () => {
    const admin = h.session.user!;
    const open: Session = { user: admin, lastActivityAt: t };
    const anonymous: Session = { user: null };
    const already: Session = { user: admin, lockedAt: '2026-03-02T00:59:00.000Z' };
    const seq = lastSeq();
    const locked = lockAll({ db: h.opened.db, now: () => new Date(t) }, [h.session, open, anonymous, already], 'os');
    expect(locked).toEqual([h.session, open]);
    expect(open.lockedAt).toBe(new Date(t).toISOString());
    expect(anonymous.lockedAt).toBeUndefined();
    expect(already.lockedAt).toBe('2026-03-02T00:59:00.000Z');
    expect(auditRows(seq).map((e) => [e.action, changes(e).cause![1]])).toEqual([
      ['lock', 'os'],
      ['lock', 'os'],
    ]);
    expect(await h.send('studies.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await h.send('studies.list', {}, open)).toMatchObject({ ok: false, error: { code: 'locked' } });
  });
});
