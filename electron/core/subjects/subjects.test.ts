/**
 * Subjects through the real handler table on a real SQLite file: each rule of issue 4 and its refusal (clear message,
 * nothing written), numbering, consent and re-consent, enrollment against target and cap with the investigator's
 * override, the status path, eligibility signatures, and what each role sees of personal fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult, InputOf, Role } from '../../api';
import type { Session } from '../../handlers';
import { ADMIN, aCenter, aStudy, createHarness, type Harness } from '../../testing/harness';

let h: Harness;
const as: Partial<Record<Role, Session>> = {};
const PASSWORD = 'Subjects-test-2026';
let studyId: number;
let own: number; // our center: target 2, cap 3
let other: number; // another center (de-identified subjects only)
let v1: number;

const auditCount = () =>
  (h.opened.db.$client.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
const subjectCount = () => (h.opened.db.$client.prepare('SELECT count(*) AS n FROM subjects').get() as { n: number }).n;

/** A refusal with nothing written. */
async function refused(channel: string, payload: unknown, session?: Session) {
  const before = [auditCount(), subjectCount()];
  const r: ApiResult<unknown> = await h.send(channel, payload, session);
  expect(r.ok, JSON.stringify(r)).toBe(false);
  expect([auditCount(), subjectCount()]).toEqual(before);
  return r.ok ? null : r.error;
}

const consent = (signedDate = '2026-11-02') => ({ consentVersionId: v1, signedDate, obtainedBy: '李协调' });
const register = (over: Partial<InputOf<'subjects.register'>> = {}) =>
  h.call('subjects.register', {
    studyId,
    centerId: own,
    screeningNumber: 'S01001',
    initials: 'zsf',
    sex: 'M',
    birthDate: '1970-05-20',
    personal: { name: '张三丰', recordNumber: 'ZY20261234', idNumber: '12010119700520123X', phone: '13800138000' },
    consent: consent(),
    ...over,
  });
const screenEligible = (id: number, screeningDate = '2026-11-03') =>
  h.call('subjects.screen', { id, screeningDate, eligibility: { I1: true, I2: true, E1: false }, outcome: 'eligible' });

beforeAll(async () => {
  h = await createHarness({ now: () => new Date('2026-11-20T02:00:00Z') });
  const study = await h.call('studies.create', aStudy());
  studyId = study.id;
  await h.call('studies.changeStatus', { id: studyId, status: 'startup' });
  await h.call('studies.changeStatus', { id: studyId, status: 'enrolling' });
  own = (await h.call('centers.create', aCenter(studyId, { enrollmentTarget: 2, hardCap: 3 }))).id;
  other = (
    await h.call(
      'centers.create',
      aCenter(studyId, { code: '02', hospitalName: '北京大学人民医院', isLead: false, isOwn: false, hardCap: null }),
    )
  ).id;
  await h.call('subjects.updateSetup', {
    studyId,
    fields: {
      screeningPattern: 'S{center}{seq:3}',
      subjectPattern: '{center}-{seq:3}',
      arms: [
        { code: 'A', label: '海曲泊帕' },
        { code: 'B', label: '安慰剂' },
      ],
      criteria: [
        { code: 'I1', kind: 'inclusion', text: '年龄 ≥ 18 岁' },
        { code: 'I2', kind: 'inclusion', text: '血小板 < 30×10⁹/L' },
        { code: 'E1', kind: 'exclusion', text: '既往接受过 TPO 受体激动剂' },
      ],
      screenFailureReasons: [
        { code: 'IE', label: '不符合入选/排除标准' },
        { code: 'WC', label: '撤回知情同意' },
      ],
    },
    reason: null,
  });
  v1 = (
    await h.call('subjects.approveConsentVersion', {
      studyId,
      version: 'V1.0',
      versionDate: '2026-09-01',
      approvedDate: '2026-10-01',
    })
  ).consentVersions[0]!.id;
  as.admin = h.session;
  for (const role of ['coordinator', 'investigator', 'monitor'] as const) {
    await h.call('users.create', {
      username: `s.${role}`,
      displayName: role === 'investigator' ? '张研究' : role,
      role,
      temporaryPassword: 'Temporary-pass-01',
      studyIds: [studyId],
    });
    const s: Session = { user: null };
    await h.call('auth.login', { username: `s.${role}`, password: 'Temporary-pass-01' }, s);
    await h.call('auth.changePassword', { currentPassword: 'Temporary-pass-01', newPassword: PASSWORD }, s);
    as[role] = s;
  }
}, 120_000);
afterAll(() => h.cleanup());

describe('registration, numbering and consent', () => {
  it('proposes numbers from the pattern, registers with the first consent, refuses a duplicate', async () => {
    expect(await h.call('subjects.proposeNumber', { studyId, centerId: own, kind: 'screening' })).toEqual({
      number: 'S01001',
    });
    const s = await register();
    expect(s).toMatchObject({ status: 'screening', initials: 'ZSF', ownCenter: true, age: 56, needsReconsent: false });
    expect(s.consents).toHaveLength(1);
    expect(s.personal?.name).toBe('张三丰');
    expect(await h.call('subjects.proposeNumber', { studyId, centerId: own, kind: 'screening' })).toEqual({
      number: 'S01002',
    });
    const dup = await refused('subjects.register', { ...registerPayload(), screeningNumber: 's01001' });
    expect(dup).toMatchObject({
      code: 'conflict',
      field: 'screeningNumber',
      messageKey: 'subjects.screeningNumberTaken',
    });
  });

  it('our center needs consent; other centers take no consent and no personal fields; unknown versions refused', async () => {
    expect(await refused('subjects.register', { ...registerPayload('S01090'), consent: undefined })).toMatchObject({
      field: 'consent',
      messageKey: 'subjects.consentRequired',
    });
    const otherStudy = await h.call('studies.create', aStudy({ protocolNumber: 'OTHER-01' }));
    const foreignVersion = (
      await h.call('subjects.approveConsentVersion', {
        studyId: otherStudy.id,
        version: 'V9',
        versionDate: '2026-01-01',
        approvedDate: '2026-01-02',
      })
    ).consentVersions[0]!.id;
    expect(
      await refused('subjects.register', {
        ...registerPayload('S01091'),
        consent: { ...consent(), consentVersionId: foreignVersion },
      }),
    ).toMatchObject({ field: 'consent.consentVersionId', messageKey: 'subjects.unknownConsentVersion' });
    expect(
      await refused('subjects.register', {
        ...registerPayload('S01092'),
        consent: consent('2026-09-15'), // before V1.0 was approved
      }),
    ).toMatchObject({ field: 'consent.signedDate', messageKey: 'subjects.consentBeforeApproval' });
    const otherCenter = { ...registerPayload('S02001'), centerId: other, consent: undefined };
    expect(await refused('subjects.register', otherCenter)).toMatchObject({
      field: 'personal',
      messageKey: 'subjects.personalOwnCenterOnly',
    });
    expect(
      await refused('subjects.register', { ...otherCenter, personal: undefined, consent: consent() }),
    ).toMatchObject({ field: 'consent', messageKey: 'subjects.consentOwnCenterOnly' });
    const ok = await h.call('subjects.register', { ...otherCenter, personal: undefined });
    expect(ok).toMatchObject({ ownCenter: false, personal: null, consents: [] });
  });

  it('never gives a number twice, even after the subject that had it was renumbered', async () => {
    const a = await register({ screeningNumber: 'S01010' });
    await h.call('subjects.update', {
      id: a.id,
      fields: { ...editable(a), screeningNumber: 'S01011' },
      reason: '筛选号录入错误',
    });
    const reuse = await refused('subjects.register', registerPayload('S01010'));
    expect(reuse).toMatchObject({
      code: 'conflict',
      field: 'screeningNumber',
      messageKey: 'subjects.numberUsedBefore',
    });
    // a key field changed without a reason: the server asks for one
    expect(
      await refused('subjects.update', {
        id: a.id,
        fields: { ...editable(a), screeningNumber: 'S01012' },
        reason: null,
      }),
    ).toMatchObject({ field: 'reason', messageKey: 'validation.reasonRequired' });
  });
});

function registerPayload(screeningNumber = 'S01001'): InputOf<'subjects.register'> {
  return {
    studyId,
    centerId: own,
    screeningNumber,
    initials: 'LS',
    sex: 'F',
    birthYear: 1985,
    personal: { name: '李四', recordNumber: null, idNumber: null, phone: null },
    consent: consent(),
  };
}
function editable(s: { screeningNumber: string; subjectNumber: string | null; initials: string; sex: 'M' | 'F' }) {
  return {
    screeningNumber: s.screeningNumber,
    subjectNumber: s.subjectNumber,
    initials: s.initials,
    sex: s.sex,
    birthDate: null,
    birthYear: 1985,
    arm: null,
    strata: {},
  };
}

describe('screening', () => {
  it('refuses screening before consent, an incomplete or contradicting checklist, a failure without reason', async () => {
    const s = await h.call('subjects.register', registerPayload('S01020'));
    expect(
      await refused('subjects.screen', {
        id: s.id,
        screeningDate: '2026-11-01',
        eligibility: { I1: true, I2: true, E1: false },
        outcome: 'eligible',
      }),
    ).toMatchObject({ field: 'screeningDate', messageKey: 'subjects.screeningBeforeConsent' });
    expect(
      await refused('subjects.screen', {
        id: s.id,
        screeningDate: '2026-11-03',
        eligibility: { I1: true },
        outcome: 'eligible',
      }),
    ).toMatchObject({ field: 'eligibility', params: { codes: 'I2, E1' } });
    expect(
      await refused('subjects.screen', {
        id: s.id,
        screeningDate: '2026-11-03',
        eligibility: { I1: true, I2: true, E1: true },
        outcome: 'eligible',
      }),
    ).toMatchObject({ field: 'outcome', messageKey: 'subjects.checklistNotEligible' });
    expect(
      await refused('subjects.screen', {
        id: s.id,
        screeningDate: '2026-11-03',
        eligibility: { I1: true, I2: true, E1: true },
        outcome: 'screen_failed',
      }),
    ).toMatchObject({ field: 'screenFailureReason', messageKey: 'subjects.screenFailureReasonRequired' });
    const failed = await h.call('subjects.screen', {
      id: s.id,
      screeningDate: '2026-11-03',
      eligibility: { I1: true, I2: true, E1: true },
      outcome: 'screen_failed',
      screenFailureReason: 'IE',
      screenFailureDetail: '既往使用艾曲泊帕',
    });
    expect(failed).toMatchObject({ status: 'screen_failed', screenFailureDate: '2026-11-03', nextStatuses: [] });
    expect(
      await refused('subjects.enroll', { id: s.id, enrollmentDate: '2026-11-05', subjectNumber: '01-090', arm: 'A' }),
    ).toMatchObject({
      code: 'illegal_transition',
      messageKey: 'subjects.notEligible',
    });
  });
});

describe('enrollment against target and hard cap', () => {
  it('warns at target, refuses over cap, lets only an investigator override with reason and password', async () => {
    const ids: number[] = [];
    for (const n of ['S01031', 'S01032', 'S01033', 'S01034']) {
      const s = await h.call('subjects.register', registerPayload(n));
      await screenEligible(s.id);
      ids.push(s.id);
    }
    const [a, b, c, d] = ids as [number, number, number, number];
    expect(
      await refused('subjects.enroll', { id: a, enrollmentDate: '2026-11-02', subjectNumber: '01-001', arm: 'A' }),
    ).toMatchObject({
      field: 'enrollmentDate',
      messageKey: 'subjects.enrollmentBeforeScreening',
    });
    expect(
      await refused('subjects.enroll', { id: a, enrollmentDate: '2026-11-05', subjectNumber: '01-001' }),
    ).toMatchObject({
      field: 'arm',
      messageKey: 'subjects.armRequired',
    });
    let check = await h.call('subjects.enrollmentCheck', { id: a });
    expect(check).toMatchObject({ proposedSubjectNumber: '01-001', enrolled: 0, atTarget: false, overCap: false });
    await h.call('subjects.enroll', { id: a, enrollmentDate: '2026-11-05', subjectNumber: '01-001', arm: 'A' });
    check = await h.call('subjects.enrollmentCheck', { id: b });
    expect(check).toMatchObject({ proposedSubjectNumber: '01-002', enrolled: 1, atTarget: true, overCap: false });
    await h.call('subjects.enroll', { id: b, enrollmentDate: '2026-11-05', subjectNumber: '01-002', arm: 'B' });
    await h.call('subjects.enroll', { id: c, enrollmentDate: '2026-11-06', subjectNumber: '01-003', arm: 'A' });
    check = await h.call('subjects.enrollmentCheck', { id: d });
    expect(check).toMatchObject({ enrolled: 3, hardCap: 3, overCap: true });

    const over = { id: d, enrollmentDate: '2026-11-07', subjectNumber: '01-004', arm: 'B' };
    expect(await refused('subjects.enroll', over)).toMatchObject({ code: 'conflict', messageKey: 'subjects.overCap' });
    const override = { ...over, capOverride: { reason: '申办方书面同意超额入组', password: PASSWORD } };
    expect(await refused('subjects.enroll', override, as.coordinator)).toMatchObject({
      code: 'forbidden',
      messageKey: 'subjects.overrideInvestigatorOnly',
    });
    const wrong = await h.send(
      'subjects.enroll',
      { ...override, capOverride: { reason: 'x', password: 'wrong-pass-99' } },
      as.investigator,
    );
    expect(wrong).toMatchObject({
      ok: false,
      error: { field: 'capOverride.password', messageKey: 'subjects.wrongPassword' },
    });
    const enrolled = await h.call('subjects.enroll', override, as.investigator);
    expect(enrolled).toMatchObject({
      status: 'enrolled',
      capOverrideReason: '申办方书面同意超额入组',
      unconfirmed: true,
    });
    expect(enrolled.timeline.some((t) => t.kind === 'signature' && t.code === 'over_cap_enrollment_approved')).toBe(
      true,
    );
    const events = h.opened.db.$client
      .prepare(
        "SELECT action, actor FROM audit_events WHERE subject_id = ? AND action IN ('enroll','cap_override','sign','sign_failed') ORDER BY seq",
      )
      .all(d);
    expect(events).toEqual([
      { action: 'sign_failed', actor: 's.investigator' },
      { action: 'enroll', actor: 's.investigator' },
      { action: 'cap_override', actor: 's.investigator' },
      { action: 'sign', actor: 's.investigator' },
    ]);

    const summary = await h.call('subjects.enrollmentSummary', { studyId });
    expect(summary.centers.find((x) => x.centerId === own)).toMatchObject({ enrolled: 4, target: 2, hardCap: 3 });
    expect(summary.totals.screened).toBe(summary.centers.reduce((n, x) => n + x.screened, 0));
  });

  it('refuses enrollment in a study that is not enrolling and at an inactive center', async () => {
    const s = await h.call('subjects.register', registerPayload('S01040'));
    await screenEligible(s.id);
    const study2 = await h.call('studies.create', aStudy({ protocolNumber: 'PAUSED-01' }));
    void study2;
    await h.call('centers.changeStatus', { id: own, status: 'closed', date: null, reason: '中心暂停' });
    expect(
      await refused('subjects.enroll', { id: s.id, enrollmentDate: '2026-11-08', subjectNumber: '01-010', arm: 'A' }),
    ).toMatchObject({
      messageKey: 'subjects.centerNotActive',
    });
    await h.call('centers.changeStatus', { id: own, status: 'active', date: '2026-11-08', reason: '恢复' });
    await h.call('studies.changeStatus', { id: studyId, status: 'suspended', reason: '安全性评估' });
    expect(
      await refused('subjects.enroll', { id: s.id, enrollmentDate: '2026-11-08', subjectNumber: '01-010', arm: 'A' }),
    ).toMatchObject({
      messageKey: 'subjects.studyNotEnrolling',
      params: { status: 'suspended' },
    });
    await h.call('studies.changeStatus', { id: studyId, status: 'enrolling', reason: '评估完成' });
  });
});

describe('status path', () => {
  it('follows the allowed transitions with ordered dates; withdrawal needs its reason', async () => {
    const list = await h.call('subjects.list', { studyId, status: 'enrolled', sort: 'subjectNumber' });
    const id = list.rows[0]!.id;
    expect(await refused('subjects.changeStatus', { id, to: 'completed', date: '2026-11-10' })).toMatchObject({
      code: 'illegal_transition',
    });
    expect(await refused('subjects.changeStatus', { id, to: 'on_treatment', date: '2026-11-01' })).toMatchObject({
      field: 'date',
      messageKey: 'subjects.dateBeforePrevious',
    });
    expect(await refused('subjects.changeStatus', { id, to: 'on_treatment', date: '2027-01-01' })).toMatchObject({
      field: 'date',
      messageKey: 'subjects.futureDate',
    });
    await h.call('subjects.changeStatus', { id, to: 'on_treatment', date: '2026-11-06' });
    expect(await refused('subjects.changeStatus', { id, to: 'withdrawn', date: '2026-11-12' })).toMatchObject({
      field: 'withdrawalReason',
    });
    expect(
      await refused('subjects.changeStatus', { id, to: 'withdrawn', date: '2026-11-12', withdrawalReason: 'other' }),
    ).toMatchObject({ field: 'detail' });
    const w = await h.call('subjects.changeStatus', {
      id,
      to: 'withdrawn',
      date: '2026-11-12',
      withdrawalReason: 'adverse_event',
      detail: '4级血小板减少',
    });
    expect(w).toMatchObject({ status: 'withdrawn', withdrawalReason: 'adverse_event', nextStatuses: [] });
    expect(w.timeline.map((t) => (t.kind === 'status' ? t.code : t.kind))).toEqual(
      expect.arrayContaining(['consent', 'screening', 'enrolled', 'on_treatment', 'withdrawn']),
    );
  });
});

describe('re-consent', () => {
  it('lists active own-center subjects after a new version, until each has re-consented', async () => {
    const v2 = (
      await h.call('subjects.approveConsentVersion', {
        studyId,
        version: 'V2.0',
        versionDate: '2026-11-10',
        approvedDate: '2026-11-15',
      })
    ).consentVersions.find((v) => v.current)!;
    const due = await h.call('subjects.reconsentList', { studyId });
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((d) => d.lastConsentVersion === 'V1.0')).toBe(true);
    // withdrawn, screen-failed and other centers' subjects are not on it
    const flagged = await h.call('subjects.list', { studyId, needsReconsent: true, limit: 500 });
    expect(flagged.total).toBe(due.length);
    expect(
      flagged.rows.every(
        (r) => r.ownCenter && ['screening', 'enrolled', 'on_treatment', 'follow_up'].includes(r.status),
      ),
    ).toBe(true);
    const first = due[0]!;
    const after = await h.call('subjects.recordConsent', {
      subjectId: first.subjectId,
      consentVersionId: v2.id,
      signedDate: '2026-11-18',
      obtainedBy: '李协调',
    });
    expect(after.needsReconsent).toBe(false);
    expect((await h.call('subjects.reconsentList', { studyId })).map((d) => d.subjectId)).not.toContain(
      first.subjectId,
    );
  });
});

describe('eligibility signature', () => {
  it('an investigator confirms eligibility; a later change invalidates it and the subject is unconfirmed again', async () => {
    const s = (await h.call('subjects.list', { studyId, status: 'enrolled', limit: 1 })).rows[0]!;
    expect(s.unconfirmed).toBe(true);
    expect(
      await refused(
        'signatures.sign',
        { entity: 'subject', entityId: s.id, meaning: 'eligibility_confirmed', password: PASSWORD },
        as.coordinator,
      ),
    ).toMatchObject({ code: 'forbidden' });
    await h.call(
      'signatures.sign',
      { entity: 'subject', entityId: s.id, meaning: 'eligibility_confirmed', password: PASSWORD },
      as.investigator,
    );
    let detail = await h.call('subjects.get', { id: s.id });
    expect(detail).toMatchObject({ unconfirmed: false, eligibilitySignature: { valid: true, signerName: '张研究' } });
    expect(
      (await h.call('subjects.list', { studyId, unconfirmed: true, limit: 500 })).rows.map((r) => r.id),
    ).not.toContain(s.id);

    await h.call('subjects.update', {
      id: s.id,
      fields: {
        ...editable(detail),
        birthYear: detail.birthYear,
        initials: 'LSX',
        subjectNumber: detail.subjectNumber,
        arm: detail.arm,
      },
      reason: '缩写更正',
    });
    detail = await h.call('subjects.get', { id: s.id });
    expect(detail).toMatchObject({ unconfirmed: true, eligibilitySignature: { valid: false } });
    expect((await h.call('subjects.list', { studyId, unconfirmed: true, limit: 500 })).rows.map((r) => r.id)).toContain(
      s.id,
    );
  });
});

describe('privacy per role', () => {
  it('site roles see personal fields (masked in lists, searchable); a monitor never sees them, not even in the trail', async () => {
    const first = (await h.call('subjects.list', { studyId, search: 'S01001' })).rows[0]!;
    expect(first).toMatchObject({ maskedName: '张*丰', maskedRecordNumber: '****1234' });
    expect(
      (await h.call('subjects.list', { studyId, search: '三丰' }, as.coordinator)).rows.map((r) => r.id),
    ).toContain(first.id);

    const monitorList = await h.call('subjects.list', { studyId, search: 'S01001' }, as.monitor);
    expect(monitorList.rows[0]).toMatchObject({ maskedName: null, maskedRecordNumber: null });
    expect((await h.call('subjects.list', { studyId, search: '三丰' }, as.monitor)).total).toBe(0);
    expect((await h.call('subjects.get', { id: first.id }, as.monitor)).personal).toBeNull();
    expect((await h.call('subjects.get', { id: first.id }, as.investigator)).personal?.idNumber).toBe(
      '12010119700520123X',
    );
    expect(await refused('subjects.identificationList', { studyId }, as.monitor)).toMatchObject({ code: 'forbidden' });
    const ids = await h.call('subjects.identificationList', { studyId }, as.coordinator);
    expect(ids.every((r) => r.subjectId !== undefined)).toBe(true);
    expect(ids.find((r) => r.subjectId === first.id)?.name).toBe('张三丰');

    const trail = await h.call('audit.list', { subjectId: first.id, utcOffsetMinutes: 480 }, as.monitor);
    const created = trail.rows.find((e) => e.action === 'create')!;
    expect(created.changes.name).toEqual([null, '***']);
    expect(JSON.stringify(trail.rows)).not.toContain('张三丰');
    const adminTrail = await h.call('audit.forRecord', { entity: 'subject', entityId: String(first.id) });
    expect(adminTrail.find((e) => e.action === 'create')!.changes.name).toEqual([null, '张三丰']);
    // a monitor may not write
    expect(await refused('subjects.register', registerPayload('S01099'), as.monitor)).toMatchObject({
      code: 'forbidden',
    });
  });

  it('the logs are de-identified and in order', async () => {
    const screening = await h.call('subjects.screeningLog', { studyId });
    expect(screening.length).toBe((await h.call('subjects.list', { studyId, limit: 500 })).total);
    expect(JSON.stringify(screening)).not.toContain('张三丰');
    const enrollment = await h.call('subjects.enrollmentLog', { studyId }, as.monitor);
    const dates = enrollment.map((r) => r.enrollmentDate);
    expect(dates).toEqual([...dates].sort());
    expect(enrollment.some((r) => r.confirmedBy === '张研究')).toBe(false); // invalidated above: no valid sign-off shown
  });
});

void ADMIN;
