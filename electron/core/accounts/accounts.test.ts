/**
 * Users, roles, study assignments and sign-in hardening — through the real handler table on a real SQLite file, with
 * an injected clock for the delays and the lock-out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResult, UserListItem } from '../../api';
import { ADMIN, aCenter, aStudy, createHarness, type Harness } from '../../testing/harness';
import type { Session } from '../../handlers';

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
let clock = T0;
const now = () => new Date(clock);
const advance = (ms: number) => (clock += ms);

let h: Harness;
beforeEach(async () => {
  clock = T0;
  h = await createHarness({ now });
});
afterEach(() => h.cleanup());

const auditRows = (where = '1=1') =>
  h.opened.db.$client.prepare(`SELECT * FROM audit_events WHERE ${where} ORDER BY seq`).all() as {
    actor: string;
    action: string;
    entity: string;
    entity_id: string;
    changes: string;
    reason: string | null;
  }[];

const errorOf = (r: ApiResult<unknown>) => (r.ok ? null : r.error);
const TEMP = 'Temporary-pass-01';
const NEW_PW = 'Changed-pw-2026!';

async function makeUser(username: string, role: UserListItem['role'], studyIds: number[] = []) {
  return h.call('users.create', { username, displayName: `${username} 名`, role, temporaryPassword: TEMP, studyIds });
}
/** Signs in with the temporary password and changes it: a ready session of that user. */
async function signIn(username: string, password = TEMP): Promise<Session> {
  const s: Session = { user: null };
  const user = await h.call('auth.login', { username, password }, s);
  if (user.mustChangePassword) {
    await h.call('auth.changePassword', { currentPassword: password, newPassword: NEW_PW }, s);
  }
  return s;
}

describe('user administration', () => {
  it('creates a user with a temporary password that must be changed before anything else', async () => {
    const study = await h.call('studies.create', aStudy());
    const u = await makeUser('li.coord', 'coordinator', [study.id]);
    expect(u).toMatchObject({ role: 'coordinator', active: true, mustChangePassword: true, studyIds: [study.id] });
    const list = await h.call('users.list', {});
    expect(list.map((x) => x.username)).toEqual(['admin', 'li.coord']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt/);

    const s: Session = { user: null };
    const signed = await h.call('auth.login', { username: 'li.coord', password: TEMP }, s);
    expect(signed.mustChangePassword).toBe(true);
    expect(errorOf(await h.send('studies.list', {}, s))).toMatchObject({
      code: 'forbidden',
      messageKey: 'auth.mustChangePassword',
    });
    expect((await h.send('app.info', {}, s)).ok).toBe(true);
    // the new password follows the rules
    expect(
      errorOf(await h.send('auth.changePassword', { currentPassword: TEMP, newPassword: 'short' }, s)),
    ).toMatchObject({ field: 'newPassword', messageKey: 'validation.passwordLength' });
    expect(
      errorOf(await h.send('auth.changePassword', { currentPassword: TEMP, newPassword: 'my-li.coord-2026' }, s)),
    ).toMatchObject({ field: 'newPassword', messageKey: 'validation.passwordContainsUsername' });
    expect(
      errorOf(
        await h.send('auth.changePassword', { currentPassword: 'wrong-one-123', newPassword: 'Fine-new-pw-2026' }, s),
      ),
    ).toMatchObject({ field: 'currentPassword', messageKey: 'auth.wrongCurrentPassword' });
    const changed = await h.call('auth.changePassword', { currentPassword: TEMP, newPassword: 'Fine-new-pw-2026' }, s);
    expect(changed.mustChangePassword).toBe(false);
    expect((await h.call('studies.list', {}, s)).map((x) => x.id)).toEqual([study.id]);

    const events = auditRows("entity = 'user'");
    expect(events.map((e) => e.action)).toEqual(['create', 'create', 'login', 'password_change']);
    expect(events.every((e) => !e.changes.includes('scrypt'))).toBe(true);
    expect(JSON.parse(events[1]!.changes)).toMatchObject({ role: [null, 'coordinator'], studyIds: [null, [study.id]] });
  });

  it('refuses a temporary password against the rules, and a taken user name (any case), writing nothing', async () => {
    const before = auditRows().length;
    const short = await h.send('users.create', {
      username: 'zhao',
      displayName: '赵',
      role: 'monitor',
      temporaryPassword: 'short',
    });
    expect(errorOf(short)).toMatchObject({ field: 'temporaryPassword', messageKey: 'validation.passwordLength' });
    const taken = await h.send('users.create', {
      username: 'ADMIN',
      displayName: '重名',
      role: 'monitor',
      temporaryPassword: TEMP,
    });
    expect(errorOf(taken)).toMatchObject({ field: 'username', messageKey: 'users.usernameTaken' });
    const badStudy = await h.send('users.create', {
      username: 'zhao',
      displayName: '赵',
      role: 'monitor',
      temporaryPassword: TEMP,
      studyIds: [999],
    });
    expect(errorOf(badStudy)).toMatchObject({ field: 'studyIds', messageKey: 'users.unknownStudy' });
    expect(auditRows().length).toBe(before);
    expect(await h.call('users.list', {})).toHaveLength(1);
  });

  it('edits name and role; a role change needs a reason', async () => {
    const u = await makeUser('wu.li', 'coordinator');
    const noReason = await h.send('users.update', { id: u.id, displayName: '吴', role: 'investigator' });
    expect(errorOf(noReason)).toMatchObject({ field: 'reason', messageKey: 'validation.reasonRequired' });
    expect((await h.call('users.update', { id: u.id, displayName: '吴医生', role: 'coordinator' })).displayName).toBe(
      '吴医生',
    );
    const r = await h.call('users.update', { id: u.id, displayName: '吴医生', role: 'investigator', reason: '转岗' });
    expect(r.role).toBe('investigator');
    const last = auditRows("action = 'update'").at(-1)!;
    expect(JSON.parse(last.changes)).toEqual({ role: ['coordinator', 'investigator'] });
    expect(last.reason).toBe('转岗');
  });

  it('deactivates and reactivates with a reason; never oneself or the last administrator', async () => {
    const u = await makeUser('qian', 'monitor');
    const s = await signIn('qian');
    const self = await h.send('users.setActive', { id: 1, active: false, reason: '离职' });
    expect(errorOf(self)).toMatchObject({ code: 'conflict', messageKey: 'users.notSelf' });
    const demote = await h.send('users.update', {
      id: 1,
      displayName: ADMIN.displayName,
      role: 'monitor',
      reason: 'x',
    });
    expect(errorOf(demote)).toMatchObject({ messageKey: 'users.lastAdmin' });

    expect((await h.call('users.setActive', { id: u.id, active: false, reason: '项目结束' })).active).toBe(false);
    // the signed-in session ends at its next call; a new sign-in is refused
    expect(errorOf(await h.send('studies.list', {}, s))).toMatchObject({ code: 'unauthenticated' });
    const again = await h.send('auth.login', { username: 'qian', password: NEW_PW }, { user: null });
    expect(errorOf(again)).toMatchObject({ messageKey: 'auth.inactive' });
    expect((await h.call('users.setActive', { id: u.id, active: true, reason: '新项目' })).active).toBe(true);
    expect(auditRows("entity = 'user'").map((e) => e.action)).toEqual(
      expect.arrayContaining(['deactivate', 'reactivate', 'login_failed']),
    );
    // another administrator makes the first one deactivatable
    const second = await makeUser('admin2', 'admin');
    const s2 = await signIn('admin2');
    expect((await h.call('users.setActive', { id: 1, active: false, reason: '交接' }, s2)).active).toBe(false);
    expect(errorOf(await h.send('users.setActive', { id: second.id, active: false, reason: 'x' }, s2))).toMatchObject({
      messageKey: 'users.notSelf',
    });
  });

  it('assigns studies (audited old → new); non-administrators see and touch only their studies', async () => {
    const a = await h.call('studies.create', aStudy());
    const b = await h.call('studies.create', aStudy({ protocolNumber: 'P-2', shortTitle: 'B' }));
    const centerB = await h.call('centers.create', aCenter(b.id));
    const u = await makeUser('sun', 'investigator', [a.id]);
    const s = await signIn('sun');
    expect((await h.call('studies.list', {}, s)).map((x) => x.id)).toEqual([a.id]);
    expect((await h.call('studies.get', { id: a.id }, s)).id).toBe(a.id);
    for (const [ch, payload] of [
      ['studies.get', { id: b.id }],
      ['studies.changeStatus', { id: b.id, status: 'startup' }],
      ['centers.create', aCenter(b.id, { code: '02', isLead: false, isOwn: false })],
      ['centers.update', { id: centerB.id, fields: aCenter(b.id), reason: null }],
      ['audit.forRecord', { entity: 'study', entityId: String(b.id) }],
      ['audit.forRecord', { entity: 'center', entityId: String(centerB.id) }],
    ] as const) {
      expect(errorOf(await h.send(ch, payload, s)), ch).toMatchObject({
        code: 'forbidden',
        messageKey: 'errors.notAssigned',
      });
    }
    await h.call('users.assignStudies', { id: u.id, studyIds: [b.id, a.id], reason: '新增项目' });
    expect((await h.call('studies.list', {}, s)).map((x) => x.id).sort()).toEqual([a.id, b.id]);
    const ev = auditRows("action = 'assign_studies'").at(-1)!;
    expect(JSON.parse(ev.changes)).toEqual({ studyIds: [[a.id], [a.id, b.id]] });

    // a study created by an investigator is assigned to them, audited in the same transaction
    const c = await h.call('studies.create', aStudy({ protocolNumber: 'P-3', shortTitle: 'C' }), s);
    expect((await h.call('users.list', {})).find((x) => x.id === u.id)!.studyIds).toEqual([a.id, b.id, c.id]);
    // the administrator sees all
    expect(await h.call('studies.list', {})).toHaveLength(3);
  });
});

describe('sign-in hardening (injected clock)', () => {
  const fail = () => h.send('auth.login', { username: 'zhou', password: 'not-the-password' }, { user: null });
  const good = () => h.send('auth.login', { username: 'zhou', password: NEW_PW }, { user: null });

  it('delays after each failure, locks for 15 minutes after 5, and lets the lock run out', async () => {
    await makeUser('zhou', 'coordinator');
    await signIn('zhou');
    // 1st failure: no wait
    expect(errorOf(await fail())).toMatchObject({ messageKey: 'auth.invalidCredentials', params: { seconds: 0 } });
    // 2nd: wait 1 s
    expect(errorOf(await fail())).toMatchObject({ messageKey: 'auth.invalidCredentials', params: { seconds: 1 } });
    // too soon: refused without checking the password — even the right one
    expect(errorOf(await good())).toMatchObject({ messageKey: 'auth.tooSoon', params: { seconds: 1 } });
    advance(1000);
    expect(errorOf(await fail())).toMatchObject({ params: { seconds: 2 } });
    advance(1500);
    expect(errorOf(await fail())).toMatchObject({ messageKey: 'auth.tooSoon', params: { seconds: 1 } });
    advance(500);
    expect(errorOf(await fail())).toMatchObject({ params: { seconds: 4 } });
    advance(4000);
    // 5th consecutive failure: locked out for 15 minutes
    expect(errorOf(await fail())).toMatchObject({ messageKey: 'auth.lockedOut', params: { minutes: 15 } });
    expect((await h.call('users.list', {})).find((u) => u.username === 'zhou')).toMatchObject({
      failedLogins: 5,
      lockedUntil: new Date(clock + 15 * 60_000).toISOString(),
    });
    advance(14 * 60_000);
    expect(errorOf(await good())).toMatchObject({ messageKey: 'auth.lockedOut', params: { minutes: 1 } });
    advance(60_000);
    // expired: the right password signs in and resets the count
    expect(await good()).toMatchObject({ ok: true, value: { username: 'zhou' } });
    // (the administrator's own session has idled into the auto-lock meanwhile: sign in afresh)
    const admin = await signIn('admin', ADMIN.password);
    const listed = (await h.call('users.list', {}, admin)).find((u) => u.username === 'zhou')!;
    expect(listed).toMatchObject({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date(clock).toISOString() });

    // every attempt is in the audit trail, as the attempted user name
    const failed = auditRows("action = 'login_failed'");
    expect(failed.map((e) => e.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'too_soon',
      'wrong_password',
      'too_soon',
      'wrong_password',
      'locked_out',
      'locked',
    ]);
    expect(failed.every((e) => e.actor === 'zhou' && e.entity === 'user')).toBe(true);
  }, 120_000); // a dozen scrypt (N=2^17) hashes: ~15 s on a quiet 2-core machine, twice that when it is busy

  it("a success resets the count; an administrator's reset clears a lock-out and forces a new password", async () => {
    const u = await makeUser('zhou', 'coordinator');
    await signIn('zhou');
    await fail();
    advance(1000);
    expect((await good()).ok).toBe(true);
    expect(errorOf(await fail())).toMatchObject({ params: { seconds: 0 } }); // counted from zero again
    for (let i = 0; i < 4; i++) {
      advance(10_000);
      await fail();
    }
    expect(errorOf(await good())).toMatchObject({ messageKey: 'auth.lockedOut' });
    await h.call('users.resetPassword', { id: u.id, temporaryPassword: 'Reset-temp-2026x', reason: '用户锁定' });
    const s: Session = { user: null };
    const back = await h.call('auth.login', { username: 'zhou', password: 'Reset-temp-2026x' }, s);
    expect(back.mustChangePassword).toBe(true);
    const reset = auditRows("action = 'password_reset'")[0]!;
    expect(reset.reason).toBe('用户锁定');
    expect(reset.changes).not.toMatch(/scrypt|hash/i);
  }, 120_000); // as above: many scrypt hashes

  it('one message for an unknown user and a wrong password; the unknown name is audited too', async () => {
    const unknown = await h.send('auth.login', { username: 'nobody', password: 'whatever-123' }, { user: null });
    const wrong = await h.send('auth.login', { username: 'admin', password: 'whatever-123' }, { user: null });
    expect(errorOf(unknown)).toMatchObject({ code: 'unauthenticated', messageKey: 'auth.invalidCredentials' });
    expect(errorOf(wrong)).toMatchObject({ code: 'unauthenticated', messageKey: 'auth.invalidCredentials' });
    const ev = auditRows("action = 'login_failed'");
    expect(ev.map((e) => [e.actor, e.entity_id, e.reason])).toEqual([
      ['nobody', 'nobody', 'unknown_user'],
      ['admin', '1', 'wrong_password'],
    ]);
  });
});
