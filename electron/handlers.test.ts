import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelNames } from './api';
import { handlers } from './handlers';
import { aCenter, aStudy, ADMIN, createHarness, type Harness } from './testing/harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.cleanup());

const auditRows = () =>
  h.opened.db.$client.prepare('SELECT * FROM audit_events ORDER BY seq').all() as {
    seq: number;
    actor: string;
    action: string;
    entity: string;
    entity_id: string;
    changes: string;
    reason: string | null;
  }[];
const count = (table: string) =>
  (h.opened.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('the handler table', () => {
  it('has exactly one handler per contract channel', () => {
    expect(Object.keys(handlers).sort()).toEqual([...channelNames].sort());
  });

  it('refuses unknown channels and unauthenticated calls without writing', async () => {
    expect(await h.send('studies.drop', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const anonymous = { user: null };
    const r = await h.send('studies.create', aStudy(), anonymous);
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthenticated', messageKey: 'errors.unauthenticated' } });
    expect(count('studies')).toBe(0);
  });

  it('refuses a second administrator set-up', async () => {
    const r = await h.send('auth.setup', { ...ADMIN, username: 'other' }, { user: null });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict', messageKey: 'auth.alreadySetUp' } });
  });

  it('signs in with the right password only, with one message for unknown user and wrong password', async () => {
    const s = { user: null };
    const wrong = await h.send('auth.login', { username: 'admin', password: 'nope-nope-nope' }, s);
    const unknown = await h.send('auth.login', { username: 'ghost', password: ADMIN.password }, s);
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthenticated', field: 'password' } });
    expect(await h.call('auth.login', { username: 'admin', password: ADMIN.password }, s)).toMatchObject({
      role: 'admin',
    });
    expect(s).toMatchObject({ user: { username: 'admin' } });
    const stored = h.opened.db.$client.prepare('SELECT password_hash FROM users').get() as { password_hash: string };
    expect(stored.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  });
});

describe('studies', () => {
  it('creates, lists, finds and reads a study; the signed-in user is the audit actor', async () => {
    const study = await h.call('studies.create', aStudy());
    expect(study).toMatchObject({
      protocolNumber: 'HR-ITP-III-01',
      status: 'planning',
      nextStatuses: ['startup', 'terminated'],
    });
    await h.call(
      'studies.create',
      aStudy({ protocolNumber: 'BGB-3111-306', shortTitle: 'MCL 泽布替尼', sponsor: '百济神州' }),
    );
    expect((await h.call('studies.list', { search: '百济' })).map((s) => s.protocolNumber)).toEqual(['BGB-3111-306']);
    expect(
      (await h.call('studies.list', { sort: 'protocolNumber', order: 'asc' })).map((s) => s.protocolNumber),
    ).toEqual(['BGB-3111-306', 'HR-ITP-III-01']);
    expect(await h.call('studies.get', { id: study.id })).toEqual(study);
    const [setup, created] = auditRows();
    expect(setup).toMatchObject({ action: 'create', entity: 'user' });
    expect(created).toMatchObject({ actor: 'admin', action: 'create', entity: 'study', entity_id: String(study.id) });
    expect(JSON.parse(created!.changes)).toMatchObject({
      protocolNumber: [null, 'HR-ITP-III-01'],
      status: [null, 'planning'],
    });
  });

  it('gives field-level errors for bad input and writes nothing', async () => {
    const r = await h.send('studies.create', {
      ...aStudy(),
      protocolNumber: '',
      title: 'x'.repeat(501),
      phase: 'V',
      ethicsApprovalDate: '2024-02-30',
      registrationNumber: 'ABC',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation');
    expect(r.error.fields).toEqual(
      expect.arrayContaining([
        { field: 'protocolNumber', messageKey: 'validation.required' },
        { field: 'title', messageKey: 'validation.maxLength', params: { max: 500 } },
        { field: 'phase', messageKey: 'validation.option' },
        { field: 'ethicsApprovalDate', messageKey: 'validation.date' },
        { field: 'registrationNumber', messageKey: 'validation.registrationNumber' },
      ]),
    );
    const missing = await h.send('studies.create', { protocolNumber: 'X-1' });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'title', messageKey: 'validation.required' },
    });
    expect(count('studies')).toBe(0);
    expect(count('audit_events')).toBe(1); // only the administrator's creation
  });

  it('refuses a duplicate protocol number, whatever its case and spaces', async () => {
    await h.call('studies.create', aStudy());
    const before = count('audit_events');
    const r = await h.send('studies.create', aStudy({ protocolNumber: ' hr-itp-iii-01 ' }));
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'conflict', field: 'protocolNumber', messageKey: 'studies.protocolNumberTaken' },
    });
    expect(count('studies')).toBe(1);
    expect(count('audit_events')).toBe(before);
  });

  it('requires a reason when a key field changes, and audits old → new with it', async () => {
    const study = await h.call('studies.create', aStudy());
    const fields = { ...aStudy(), sitePi: '李明', shortTitle: '新简称' };
    const refused = await h.send('studies.update', { id: study.id, fields });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'reason', messageKey: 'validation.reasonRequired' },
    });
    expect((await h.call('studies.get', { id: study.id })).sitePi).toBe('张磊');

    const updated = await h.call('studies.update', { id: study.id, fields, reason: '原PI调离，伦理已备案' });
    expect(updated).toMatchObject({ sitePi: '李明', shortTitle: '新简称' });
    const last = auditRows().at(-1)!;
    expect(last).toMatchObject({ action: 'update', reason: '原PI调离，伦理已备案' });
    expect(JSON.parse(last.changes)).toEqual({
      shortTitle: ['ITP-海曲泊帕 III期', '新简称'],
      sitePi: ['张磊', '李明'],
    });

    // a non-key field alone needs no reason; an unchanged save writes no event
    await h.call('studies.update', { id: study.id, fields: { ...fields, sponsor: '江苏恒瑞医药' } });
    const n = count('audit_events');
    await h.call('studies.update', { id: study.id, fields: { ...fields, sponsor: '江苏恒瑞医药' } });
    expect(count('audit_events')).toBe(n);
  });

  it('follows the status path and refuses illegal changes', async () => {
    const { id } = await h.call('studies.create', aStudy());
    expect(await h.send('studies.changeStatus', { id, status: 'closed' })).toMatchObject({
      ok: false,
      error: {
        code: 'illegal_transition',
        messageKey: 'studies.illegalTransition',
        params: { from: 'planning', to: 'closed' },
      },
    });
    await h.call('studies.changeStatus', { id, status: 'startup' });
    await h.call('studies.changeStatus', { id, status: 'enrolling' });
    expect(await h.send('studies.changeStatus', { id, status: 'suspended' })).toMatchObject({
      ok: false,
      error: { field: 'reason', messageKey: 'validation.reasonRequiredForStatus' },
    });
    const suspended = await h.call('studies.changeStatus', { id, status: 'suspended', reason: '申办方暂停入组' });
    expect(suspended.nextStatuses).toEqual(['enrolling', 'terminated']);
    await h.call('studies.changeStatus', { id, status: 'enrolling', reason: '恢复入组' });
    await h.call('studies.changeStatus', { id, status: 'followup' });
    const closed = await h.call('studies.changeStatus', { id, status: 'closed' });
    expect(closed.nextStatuses).toEqual([]);
    const statusEvents = auditRows().filter((e) => e.action === 'status');
    expect(statusEvents.map((e) => JSON.parse(e.changes) as unknown)).toEqual([
      { status: ['planning', 'startup'] },
      { status: ['startup', 'enrolling'] },
      { status: ['enrolling', 'suspended'] },
      { status: ['suspended', 'enrolling'] },
      { status: ['enrolling', 'followup'] },
      { status: ['followup', 'closed'] },
    ]);
  });
});

describe('centers', () => {
  it('adds centers, with one lead and one own center per study', async () => {
    const { id: studyId } = await h.call('studies.create', aStudy());
    const lead = await h.call('centers.create', aCenter(studyId));
    expect(lead).toMatchObject({ code: '01', isLead: true, isOwn: true, status: 'active' });
    const second = await h.send(
      'centers.create',
      aCenter(studyId, { code: '02', isOwn: false, hospitalName: '北京大学人民医院' }),
    );
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'conflict', field: 'isLead', messageKey: 'centers.secondLead', params: { code: '01' } },
    });
    const dupCode = await h.send('centers.create', aCenter(studyId, { isLead: false, isOwn: false }));
    expect(dupCode).toMatchObject({ ok: false, error: { field: 'code', messageKey: 'centers.codeTaken' } });
    const cap = await h.send(
      'centers.create',
      aCenter(studyId, { code: '03', isLead: false, isOwn: false, hardCap: 5 }),
    );
    expect(cap).toMatchObject({ ok: false, error: { field: 'hardCap', messageKey: 'centers.hardCapBelowTarget' } });
    const badCode = await h.send('centers.create', aCenter(studyId, { code: '0 1', isLead: false, isOwn: false }));
    expect(badCode).toMatchObject({ ok: false, error: { field: 'code', messageKey: 'validation.centerCode' } });

    await h.call('centers.create', aCenter(studyId, { code: '02', isLead: false, isOwn: false, activationDate: null }));
    expect((await h.call('studies.list', {}))[0]).toMatchObject({ id: studyId, centerCount: 2 });
    const detail = await h.call('studies.get', { id: studyId });
    expect(detail.centers.map((c) => [c.code, c.status])).toEqual([
      ['01', 'active'],
      ['02', 'pending'],
    ]);
  });

  it('activates, closes with a reason, re-opens, and edits key fields with a reason', async () => {
    const { id: studyId } = await h.call('studies.create', aStudy());
    const c = await h.call('centers.create', aCenter(studyId, { activationDate: null }));
    expect(await h.send('centers.changeStatus', { id: c.id, status: 'active' })).toMatchObject({
      ok: false,
      error: { field: 'date', messageKey: 'centers.activationDateRequired' },
    });
    await h.call('centers.changeStatus', { id: c.id, status: 'active', date: '2024-05-06' });
    expect(await h.send('centers.changeStatus', { id: c.id, status: 'closed' })).toMatchObject({
      ok: false,
      error: { field: 'reason' },
    });
    const closed = await h.call('centers.changeStatus', { id: c.id, status: 'closed', reason: '中心未能入组' });
    expect(closed).toMatchObject({ status: 'closed', activationDate: '2024-05-06', statusReason: '中心未能入组' });
    await h.call('centers.changeStatus', { id: c.id, status: 'active', reason: '申办方要求重新开放' });

    const { studyId: _s, ...fields } = aCenter(studyId, { enrollmentTarget: 30, hardCap: 36 });
    expect(await h.send('centers.update', { id: c.id, fields })).toMatchObject({
      ok: false,
      error: { field: 'reason' },
    });
    const updated = await h.call('centers.update', { id: c.id, fields, reason: '申办方调整中心目标' });
    expect(updated).toMatchObject({ enrollmentTarget: 30, hardCap: 36 });
    const history = await h.call('audit.forRecord', { entity: 'center', entityId: String(c.id) });
    expect(history[0]).toMatchObject({
      action: 'update',
      reason: '申办方调整中心目标',
      changes: { enrollmentTarget: [20, 30] },
    });
    expect(history.map((e) => e.action)).toEqual(['update', 'status', 'status', 'status', 'create']);
  });
});

describe('the audit trail', () => {
  it('is append-only and verifies', async () => {
    await h.call('studies.create', aStudy());
    const sqlite = h.opened.db.$client;
    expect(() => sqlite.prepare("UPDATE audit_events SET reason = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(await h.call('audit.verify', {})).toEqual({ ok: true, events: 2, firstBroken: null });
  });

  it('names the first broken link after a raw SQL edit', async () => {
    const { id } = await h.call('studies.create', aStudy());
    await h.call('studies.changeStatus', { id, status: 'startup' });
    await h.call('studies.changeStatus', { id, status: 'enrolling' });
    // a tamperer with the file and the sqlite3 shell: drops the guard and edits event 3
    const raw = new Database(h.file);
    raw.exec(
      'DROP TRIGGER audit_events_no_update; UPDATE audit_events SET changes = \'{"status":["planning","closed"]}\' WHERE seq = 3',
    );
    raw.close();
    expect(await h.call('audit.verify', {})).toEqual({
      ok: false,
      events: 3,
      firstBroken: { seq: 3, problem: 'hash' },
    });
  });

  it('shares the transaction of the change: if the audit write fails, the change is undone', async () => {
    const sqlite = h.opened.db.$client;
    // simulate a failing audit write (disk full, corrupted page…) after the study row was inserted
    sqlite.exec(
      "CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const r = await h.send('studies.create', aStudy());
    expect(r).toMatchObject({ ok: false, error: { code: 'internal', messageKey: 'errors.internal' } });
    expect(count('studies')).toBe(0);
    sqlite.exec('DROP TRIGGER fail_audit');
    expect((await h.call('studies.create', aStudy())).protocolNumber).toBe('HR-ITP-III-01');
  });
});

describe('settings', () => {
  it('remembers the workstation language, with an audit event', async () => {
    expect((await h.call('app.info', {})).locale).toBe('zh-CN');
    await h.call('app.setLocale', { locale: 'en' });
    expect((await h.call('app.info', {})).locale).toBe('en');
    expect(await h.send('app.setLocale', { locale: 'fr' })).toMatchObject({
      ok: false,
      error: { field: 'locale', messageKey: 'validation.option' },
    });
    expect(auditRows().at(-1)).toMatchObject({
      entity: 'setting',
      entity_id: 'ui.locale',
      changes: '{"value":[null,"en"]}',
    });
  });
});
