/**
 * Adverse events through the real handler table on a real SQLite file, with NCI's CTCAE workbook loaded: each rule
 * (grades of the term, dates, consent, seriousness, grade 5 ⇔ fatal ⇔ death, the investigator's fields), the SAE clock
 * on an injected clock (due, overdue, on time, late), SUSAR flag and clock, signatures invalidated by an edit, batch
 * sign-off, the listing filters, counts, the board and the queue, SUSAR reports. Every refusal writes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AeFieldsInput, ApiResult, InputOf } from '../../api';
import type { Session } from '../../handlers';
import { ADMIN, aCenter, aStudy, createHarness, type Harness } from '../../testing/harness';

const WORKBOOK = path.resolve(import.meta.dirname, '../../../../shared/data/ctcae/CTCAE_v5.0_2017-11-27.xlsx');
const hasWorkbook = existsSync(WORKBOOK);
const PASSWORD = 'Investigator-pass-2026';
// CTCAE v5.0 MedDRA codes (NCI's workbook)
const NEUTROPHILS_DECREASED = '10029366';
const FEBRILE_NEUTROPENIA = '10016288';

let h: Harness;
let clock = new Date('2026-11-20T02:00:00Z');
let studyId: number;
let centerId: number;
let subjectId: number;
const as: Record<'coordinator' | 'investigator' | 'monitor', Session> = {
  coordinator: { user: null },
  investigator: { user: null },
  monitor: { user: null },
};

/** Moves the host clock; a jump of hours locks idle sessions (auto-lock), so everyone signs in again. */
async function setClock(iso: string) {
  clock = new Date(iso);
  await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password });
  for (const role of ['coordinator', 'investigator', 'monitor'] as const)
    await h.call('auth.login', { username: `s.${role}`, password: PASSWORD }, as[role]);
}

const count = (table: string) =>
  (h.opened.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const writes = () => [
  count('audit_events'),
  count('adverse_events'),
  count('sae_reports'),
  count('signatures'),
  count('susar_reports'),
];

/** A refusal with nothing written (a failed signature writes its audit event: pass `auditEvents`). */
async function refused(channel: string, payload: unknown, session?: Session, auditEvents = 0) {
  const before = writes();
  const r: ApiResult<unknown> = await h.send(channel, payload, session);
  expect(r.ok, JSON.stringify(r)).toBe(false);
  const after = writes();
  expect(after).toEqual([before[0]! + auditEvents, ...before.slice(1)]);
  return r.ok ? null : r.error;
}
const fieldsOf = (e: Awaited<ReturnType<typeof refused>>) => e?.fields?.map((f) => [f.field, f.messageKey]);

const ae = (over: Partial<AeFieldsInput> = {}): AeFieldsInput => ({
  verbatimTerm: '中性粒细胞减少',
  ctcaeCode: NEUTROPHILS_DECREASED,
  grade: 3,
  startDate: '2026-11-10',
  endDate: null,
  ongoing: true,
  serious: false,
  seriousCriteria: [],
  action: 'DRUG INTERRUPTED',
  outcome: 'RECOVERING/RESOLVING',
  ...over,
});
const create = (fields: AeFieldsInput, session = as.coordinator) =>
  h.call('aes.create', { subjectId, fields }, session);
const lastAe = async () => (await h.call('aes.forSubject', { subjectId })).aes.at(-1)!;

beforeAll(async () => {
  h = await createHarness({ now: () => clock });
  if (hasWorkbook)
    await h.call('ctcae.load', {
      fileName: 'CTCAE_v5.0_2017-11-27.xlsx',
      base64: readFileSync(WORKBOOK).toString('base64'),
    });
  studyId = (await h.call('studies.create', aStudy())).id;
  await h.call('studies.changeStatus', { id: studyId, status: 'startup' });
  await h.call('studies.changeStatus', { id: studyId, status: 'enrolling' });
  centerId = (await h.call('centers.create', aCenter(studyId))).id;
  const consentVersionId = (
    await h.call('subjects.approveConsentVersion', {
      studyId,
      version: 'V1.0',
      versionDate: '2026-01-01',
      approvedDate: '2026-02-01',
    })
  ).consentVersions[0]!.id;
  subjectId = (
    await h.call('subjects.register', {
      studyId,
      centerId,
      screeningNumber: 'S01001',
      initials: 'WXY',
      sex: 'F',
      birthDate: '1980-03-02',
      consent: { consentVersionId, signedDate: '2026-10-01', obtainedBy: '李协调' },
    })
  ).id;
  for (const role of ['coordinator', 'investigator', 'monitor'] as const) {
    await h.call('users.create', {
      username: `s.${role}`,
      displayName: role === 'investigator' ? '张研究' : role,
      role,
      temporaryPassword: 'Temporary-pass-01',
      studyIds: [studyId],
    });
    await h.call('auth.login', { username: `s.${role}`, password: 'Temporary-pass-01' }, as[role]);
    await h.call('auth.changePassword', { currentPassword: 'Temporary-pass-01', newPassword: PASSWORD }, as[role]);
  }
}, 120_000);
afterAll(() => h.cleanup());

describe.skipIf(!hasWorkbook)('recording an AE (CTCAE v5.0 loaded from ../shared/data)', () => {
  it('records a grade 3 "Neutrophil count decreased", numbered per subject, with the term and SOC copied', async () => {
    const view = await create(ae());
    expect(view.severityScale).toBe('ctcae');
    expect(view.aes).toHaveLength(1);
    expect(view.aes[0]).toMatchObject({
      aeNumber: 1,
      ctcaeTerm: 'Neutrophil count decreased',
      soc: 'Investigations',
      grade: 3,
      ongoing: true,
      serious: false,
      sae: null,
      signature: 'none',
      warnings: [],
    });
    const events = h.opened.db.$client
      .prepare("SELECT action, changes FROM audit_events WHERE entity = 'adverse_event'")
      .all() as { action: string; changes: string }[];
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.changes)).toMatchObject({
      grade: [null, 3],
      ctcaeTerm: [null, 'Neutrophil count decreased'],
    });
  });

  it('refuses a grade the term does not define: Febrile neutropenia is grade 3–5 only', async () => {
    const e = await refused(
      'aes.create',
      { subjectId, fields: ae({ ctcaeCode: FEBRILE_NEUTROPENIA, grade: 2 }) },
      as.coordinator,
    );
    expect(e).toMatchObject({ field: 'fields.grade', messageKey: 'safety.gradeNotDefined' });
    expect(e?.params).toMatchObject({ grades: '3, 4, 5', term: 'Febrile neutropenia' });
    const unknown = await refused('aes.create', { subjectId, fields: ae({ ctcaeCode: '99999999' }) }, as.coordinator);
    expect(unknown).toMatchObject({ field: 'fields.ctcaeCode', messageKey: 'safety.unknownTerm' });
  });

  it('a verbatim term without a CTCAE term takes any grade 1–5; outside 1–5 is refused by the contract', async () => {
    const view = await create(
      ae({
        verbatimTerm: '乏力',
        ctcaeCode: null,
        grade: 1,
        ongoing: false,
        endDate: '2026-11-12',
        outcome: 'RECOVERED/RESOLVED',
      }),
    );
    expect(view.aes.at(-1)).toMatchObject({ ctcaeTerm: null, soc: null, grade: 1 });
    const e = await refused('aes.create', { subjectId, fields: ae({ ctcaeCode: null, grade: 6 }) }, as.coordinator);
    expect(e).toMatchObject({ field: 'fields.grade', messageKey: 'validation.ctcaeGrade' });
  });

  it('refuses dates out of order, ongoing with an end, no end without ongoing, future dates — all fields at once', async () => {
    const e = await refused(
      'aes.create',
      { subjectId, fields: ae({ startDate: '2026-11-12', endDate: '2026-11-11', ongoing: true }) },
      as.coordinator,
    );
    expect(fieldsOf(e)).toEqual([['fields.endDate', 'safety.endBeforeStart']]);
    const noEnd = await refused('aes.create', { subjectId, fields: ae({ ongoing: false }) }, as.coordinator);
    expect(fieldsOf(noEnd)).toEqual([['fields.endDate', 'safety.endRequired']]);
    const future = await refused('aes.create', { subjectId, fields: ae({ startDate: '2026-12-30' }) }, as.coordinator);
    expect(fieldsOf(future)).toEqual([['fields.startDate', 'safety.futureDate']]);
  });

  it('an AE starting before consent is medical history: refused with that explanation', async () => {
    const e = await refused('aes.create', { subjectId, fields: ae({ startDate: '2026-09-28' }) }, as.coordinator);
    expect(e).toMatchObject({
      field: 'fields.startDate',
      messageKey: 'safety.beforeConsent',
      params: { consent: '2026-10-01' },
    });
  });

  it('serious ⇔ at least one criterion; grade 5 ⇔ outcome fatal ⇔ death criterion; fatal is not ongoing', async () => {
    const noCriteria = await refused(
      'aes.create',
      { subjectId, fields: ae({ serious: true, awarenessAt: '2026-11-19T08:00:00Z' }) },
      as.coordinator,
    );
    expect(fieldsOf(noCriteria)).toEqual([['fields.seriousCriteria', 'safety.criteriaRequired']]);
    const criteriaOnly = await refused(
      'aes.create',
      { subjectId, fields: ae({ seriousCriteria: ['hospitalisation'] }) },
      as.coordinator,
    );
    expect(fieldsOf(criteriaOnly)).toEqual([['fields.seriousCriteria', 'safety.criteriaWithoutSerious']]);
    const grade5 = await refused(
      'aes.create',
      {
        subjectId,
        fields: ae({
          ctcaeCode: FEBRILE_NEUTROPENIA,
          grade: 5,
          serious: true,
          seriousCriteria: ['hospitalisation'],
          awarenessAt: '2026-11-19T08:00:00Z',
        }),
      },
      as.coordinator,
    );
    expect(fieldsOf(grade5)).toEqual([['fields.outcome', 'safety.grade5NeedsFatal']]);
    const fatal = await refused(
      'aes.create',
      {
        subjectId,
        fields: ae({
          grade: 4,
          outcome: 'FATAL',
          serious: true,
          seriousCriteria: ['hospitalisation'],
          awarenessAt: '2026-11-19T08:00:00Z',
        }),
      },
      as.coordinator,
    );
    expect(fieldsOf(fatal)).toEqual([
      ['fields.grade', 'safety.fatalNeedsGrade5'],
      ['fields.seriousCriteria', 'safety.fatalNeedsDeath'],
      ['fields.ongoing', 'safety.fatalOngoing'],
    ]);
    const death = await refused(
      'aes.create',
      { subjectId, fields: ae({ serious: true, seriousCriteria: ['death'], awarenessAt: '2026-11-19T08:00:00Z' }) },
      as.coordinator,
    );
    expect(fieldsOf(death)).toEqual([['fields.outcome', 'safety.deathNeedsFatal']]);
  });

  it('SAE awareness: required, not before onset, not in the future', async () => {
    const sae = (awarenessAt: string | null) =>
      ae({ serious: true, seriousCriteria: ['hospitalisation'], startDate: '2026-11-15', awarenessAt });
    expect(fieldsOf(await refused('aes.create', { subjectId, fields: sae(null) }, as.coordinator))).toEqual([
      ['fields.awarenessAt', 'safety.awarenessRequired'],
    ]);
    // 2026-11-14 23:00 in Beijing is still before the onset day
    expect(
      fieldsOf(await refused('aes.create', { subjectId, fields: sae('2026-11-14T15:00:00Z') }, as.coordinator)),
    ).toEqual([['fields.awarenessAt', 'safety.awarenessBeforeOnset']]);
    expect(
      fieldsOf(await refused('aes.create', { subjectId, fields: sae('2026-11-20T03:00:00Z') }, as.coordinator)),
    ).toEqual([['fields.awarenessAt', 'safety.futureTime']]);
  });

  it('causality and expectedness are the investigator’s; monitors record nothing', async () => {
    const e = await refused(
      'aes.create',
      { subjectId, fields: ae({ causality: 'possibly', expected: true }) },
      as.coordinator,
    );
    expect(fieldsOf(e)).toEqual([
      ['fields.causality', 'safety.investigatorOnly'],
      ['fields.expected', 'safety.investigatorOnly'],
    ]);
    const monitor = await refused('aes.create', { subjectId, fields: ae() }, as.monitor);
    expect(monitor?.code).toBe('forbidden');
  });
});

describe.skipIf(!hasWorkbook)('the SAE clock, SUSAR, reports', { timeout: 120_000 }, () => {
  let saeId: number;
  it('an SAE is due 24 h after awareness; overdue after; reported on time', async () => {
    const view = await create(
      ae({
        verbatimTerm: '发热性中性粒细胞减少',
        ctcaeCode: FEBRILE_NEUTROPENIA,
        grade: 3,
        startDate: '2026-11-18',
        serious: true,
        seriousCriteria: ['hospitalisation'],
        awarenessAt: '2026-11-19T06:30:00Z',
      }),
    );
    const sae = view.aes.at(-1)!;
    saeId = sae.id;
    expect(sae.sae).toMatchObject({ state: 'due', dueAt: '2026-11-20T06:30:00.000Z', hours: 24, reportedAt: null });
    expect(sae.warnings).toContain('safety.warnSaeNotAssessed');
    await setClock('2026-11-20T06:30:00Z');
    expect((await h.call('aes.get', { id: saeId }, as.coordinator)).sae?.state).toBe('overdue');
    const board = await h.call('aes.saeBoard', { studyId }, as.coordinator);
    expect(board.open.map((r) => [r.id, r.clock.state])).toEqual([[saeId, 'overdue']]);
    await setClock('2026-11-20T06:00:00Z');
    const reported = await h.call(
      'aes.reportSae',
      { aeId: saeId, sentAt: '2026-11-20T05:59:00Z', recipient: '申办者药物警戒部', method: 'email' },
      as.coordinator,
    );
    expect(reported.sae).toMatchObject({ state: 'on_time', reportedAt: '2026-11-20T05:59:00.000Z' });
    expect(reported.reports.map((r) => r.number)).toEqual([0]);
    const followUp = await h.call(
      'aes.reportSae',
      { aeId: saeId, sentAt: '2026-11-20T05:59:30Z', recipient: '申办者药物警戒部', method: 'edc' },
      as.coordinator,
    );
    expect(followUp.reports.map((r) => r.number)).toEqual([0, 1]);
    expect(followUp.sae?.state).toBe('on_time');
    const board2 = await h.call('aes.saeBoard', { studyId }, as.coordinator);
    expect(board2.open).toEqual([]);
    expect(board2.recent.map((r) => [r.id, r.clock.state, r.followUps])).toEqual([[saeId, 'on_time', 1]]);
  });

  it('a report sent after the due time is late; a report before awareness or in the future is refused', async () => {
    const view = await create(
      ae({
        verbatimTerm: '肺部感染',
        ctcaeCode: null,
        grade: 3,
        startDate: '2026-11-17',
        serious: true,
        seriousCriteria: ['hospitalisation', 'medically_important'],
        awarenessAt: '2026-11-17T01:00:00Z',
      }),
    );
    const id = view.aes.at(-1)!.id;
    expect(
      fieldsOf(
        await refused(
          'aes.reportSae',
          { aeId: id, sentAt: '2026-11-16T01:00:00Z', recipient: 'PV', method: 'fax' },
          as.coordinator,
        ),
      ),
    ).toEqual([['sentAt', 'safety.reportBeforeAwareness']]);
    expect(
      fieldsOf(
        await refused(
          'aes.reportSae',
          { aeId: id, sentAt: '2026-11-21T01:00:00Z', recipient: 'PV', method: 'fax' },
          as.coordinator,
        ),
      ),
    ).toEqual([['sentAt', 'safety.futureTime']]);
    const late = await h.call(
      'aes.reportSae',
      { aeId: id, sentAt: '2026-11-18T09:00:00Z', recipient: 'PV', method: 'fax' },
      as.coordinator,
    );
    expect(late.sae?.state).toBe('late');
    const notSerious = (await lastAe()).id;
    void notSerious;
    const first = (await h.call('aes.forSubject', { subjectId })).aes[0]!;
    expect(
      await refused(
        'aes.reportSae',
        { aeId: first.id, sentAt: '2026-11-19T01:00:00Z', recipient: 'PV', method: 'fax' },
        as.coordinator,
      ),
    ).toMatchObject({
      messageKey: 'safety.notSerious',
    });
  });

  it('SUSAR = serious + related + unexpected, with the sponsor’s 7/15-day clock for information', async () => {
    const base = await h.call('aes.get', { id: saeId }, as.investigator);
    const fields = {
      verbatimTerm: base.verbatimTerm,
      ctcaeCode: base.ctcaeCode,
      grade: base.grade,
      startDate: base.startDate,
      endDate: base.endDate,
      ongoing: base.ongoing,
      serious: base.serious,
      seriousCriteria: base.seriousCriteria,
      awarenessAt: base.sae!.awarenessAt,
      action: base.action,
      outcome: base.outcome,
    };
    const view = await h.call(
      'aes.update',
      { id: saeId, fields: { ...fields, causality: 'probably', expected: false }, changeReason: '研究者评估' },
      as.investigator,
    );
    const susar = view.aes.find((a) => a.id === saeId)!;
    expect(susar).toMatchObject({ susar: true, related: true });
    // not fatal / life-threatening: 15 days from the initial report
    expect(susar.susarClock).toEqual({ days: 15, fromAt: '2026-11-20T05:59:00.000Z', dueDate: '2026-12-05' });
    // the due instant stays where the awareness put it
    expect(susar.sae?.dueAt).toBe('2026-11-20T06:30:00.000Z');
  });
});

describe.skipIf(!hasWorkbook)('the investigator’s signature', { timeout: 120_000 }, () => {
  let id: number;
  const fieldsOfAe = async (aeId: number) => {
    const a = await h.call('aes.get', { id: aeId }, as.investigator);
    return {
      verbatimTerm: a.verbatimTerm,
      ctcaeCode: a.ctcaeCode,
      grade: a.grade,
      startDate: a.startDate,
      endDate: a.endDate,
      ongoing: a.ongoing,
      serious: a.serious,
      seriousCriteria: a.seriousCriteria,
      awarenessAt: a.sae?.awarenessAt ?? null,
      causality: a.causality,
      expected: a.expected,
      action: a.action,
      outcome: a.outcome,
      treatment: a.treatment,
      notes: a.notes,
    } satisfies AeFieldsInput;
  };

  it('cannot sign before causality and expectedness; signs with the password; a wrong one is refused', async () => {
    id = (await h.call('aes.forSubject', { subjectId })).aes[0]!.id;
    const sign = (password: string): InputOf<'signatures.sign'> => ({
      entity: 'adverse_event',
      entityId: id,
      meaning: 'ae_assessed',
      password,
    });
    expect(await refused('signatures.sign', sign(PASSWORD), as.investigator)).toMatchObject({
      messageKey: 'safety.notAssessable',
    });
    await h.call(
      'aes.update',
      { id, fields: { ...(await fieldsOfAe(id)), causality: 'possibly', expected: true }, changeReason: '研究者评估' },
      as.investigator,
    );
    expect(await refused('signatures.sign', sign('wrong-password'), as.investigator, 1)).toMatchObject({
      field: 'password',
      messageKey: 'signatures.wrongPassword',
    });
    expect(await refused('signatures.sign', sign(PASSWORD), as.coordinator)).toMatchObject({ code: 'forbidden' });
    await h.call('signatures.sign', sign(PASSWORD), as.investigator);
    const signed = await h.call('aes.get', { id }, as.coordinator);
    expect(signed).toMatchObject({ signature: 'valid', signedBy: '张研究' });
    expect((await h.call('aes.signOffQueue', { studyId }, as.investigator)).map((r) => r.id)).not.toContain(id);
  });

  it('an edit of the signed content invalidates it and puts the AE back in the queue; notes do not', async () => {
    const fields = await fieldsOfAe(id);
    await h.call(
      'aes.update',
      { id, fields: { ...fields, notes: '复查血常规' }, changeReason: '补充备注' },
      as.coordinator,
    );
    expect((await h.call('aes.get', { id }, as.coordinator)).signature).toBe('valid');
    // an edit that changes nothing writes nothing
    const before = writes();
    await h.call(
      'aes.update',
      { id, fields: { ...fields, notes: '复查血常规' }, changeReason: '无变化' },
      as.coordinator,
    );
    expect(writes()).toEqual(before);
    await h.call(
      'aes.update',
      {
        id,
        fields: {
          ...fields,
          notes: '复查血常规',
          ongoing: false,
          endDate: '2026-11-19',
          outcome: 'RECOVERED/RESOLVED',
        },
        changeReason: '已恢复',
      },
      as.coordinator,
    );
    expect((await h.call('aes.get', { id }, as.coordinator)).signature).toBe('invalidated');
    const queue = await h.call('aes.signOffQueue', { studyId }, as.investigator);
    expect(queue.find((r) => r.id === id)).toMatchObject({ invalidated: true, assessable: true });
    const update = h.opened.db.$client
      .prepare(
        "SELECT changes, reason FROM audit_events WHERE entity = 'adverse_event' AND entity_id = ? ORDER BY seq DESC LIMIT 1",
      )
      .get(String(id)) as { changes: string; reason: string };
    expect(update.reason).toBe('已恢复');
    expect(JSON.parse(update.changes)).toMatchObject({
      assessmentSigned: [true, false],
      endDate: [null, '2026-11-19'],
    });
  });

  it('batch sign-off: one password, one signature per AE, all or nothing', async () => {
    const queue = await h.call('aes.signOffQueue', { studyId }, as.investigator);
    const assessable = queue.filter((r) => r.assessable).map((r) => r.id);
    const unassessable = queue.find((r) => !r.assessable)!.id;
    expect(
      await refused('aes.sign', { ids: [...assessable, unassessable], password: PASSWORD }, as.investigator),
    ).toMatchObject({
      field: 'ids',
      messageKey: 'safety.notAssessableIn',
    });
    expect(await refused('aes.sign', { ids: assessable, password: 'nope' }, as.investigator, 1)).toMatchObject({
      field: 'password',
    });
    const signaturesBefore = count('signatures');
    expect(await h.call('aes.sign', { ids: assessable, password: PASSWORD }, as.investigator)).toEqual({
      signed: assessable.length,
    });
    expect(count('signatures')).toBe(signaturesBefore + assessable.length);
    for (const a of assessable) expect((await h.call('aes.get', { id: a }, as.monitor)).signature).toBe('valid');
  });
});

describe.skipIf(!hasWorkbook)('the study lists', () => {
  it('filters the listing: grade ≥ 3, serious, related, ongoing, unsigned, SAE overdue, search; pages', async () => {
    const list = (over: Partial<InputOf<'aes.list'>> = {}) => h.call('aes.list', { studyId, ...over }, as.monitor);
    const all = await list();
    expect(all.total).toBe(all.rows.length);
    const rows = (await h.call('aes.forSubject', { subjectId })).aes;
    const expectIds = (pred: (a: (typeof rows)[number]) => boolean) =>
      rows
        .filter(pred)
        .map((a) => a.id)
        .sort();
    const ids = async (over: Partial<InputOf<'aes.list'>>) => (await list(over)).rows.map((r) => r.id).sort();
    expect(await ids({ gradeAtLeast3: true })).toEqual(expectIds((a) => (a.grade ?? 0) >= 3));
    expect(await ids({ serious: true })).toEqual(expectIds((a) => a.serious));
    expect(await ids({ related: true })).toEqual(expectIds((a) => a.related));
    expect(await ids({ ongoing: true })).toEqual(expectIds((a) => a.ongoing));
    expect(await ids({ unsigned: true })).toEqual(expectIds((a) => a.signature !== 'valid'));
    expect(await ids({ search: '乏力' })).toEqual(expectIds((a) => a.verbatimTerm === '乏力'));
    const page = await list({ limit: 2, offset: 0 });
    expect(page.rows).toHaveLength(2);
    expect(page.total).toBe(rows.length);
    // an SAE whose clock runs out becomes "SAE overdue"
    const open = await create(
      ae({
        verbatimTerm: '败血症',
        ctcaeCode: null,
        grade: 4,
        startDate: '2026-11-19',
        serious: true,
        seriousCriteria: ['life_threatening'],
        awarenessAt: '2026-11-19T00:00:00Z',
      }),
    );
    const openId = open.aes.at(-1)!.id;
    expect(await ids({ saeOverdue: true })).toEqual([openId]);
  });

  it('counts by SOC and grade: events and subjects', async () => {
    const counts = await h.call('aes.counts', { studyId }, as.monitor);
    expect(counts.levels).toEqual(['1', '2', '3', '4', '5']);
    const rows = (await h.call('aes.forSubject', { subjectId })).aes;
    expect(counts.totals.total).toBe(rows.length);
    expect(counts.totals.subjects).toBe(1);
    const investigations = counts.rows.find((r) => r.soc === 'Investigations')!;
    expect(investigations.events['3']).toBe(rows.filter((a) => a.soc === 'Investigations' && a.grade === 3).length);
    expect(counts.rows.at(-1)?.soc).toBeNull();
  });

  it('the study scale is fixed once AEs exist; the SAE hours can change', async () => {
    expect(
      await refused(
        'safety.updateSettings',
        { studyId, severityScale: 'aesev', saeReportHours: 24, reason: null },
        as.coordinator,
      ),
    ).toMatchObject({ field: 'severityScale', messageKey: 'safety.scaleInUse' });
    const s = await h.call(
      'safety.updateSettings',
      { studyId, severityScale: 'ctcae', saeReportHours: 12, reason: '方案修订' },
      as.coordinator,
    );
    expect(s).toMatchObject({ saeReportHours: 12, severityScale: 'ctcae' });
  });

  it('a fatal AE offers the subject’s withdrawal for death', async () => {
    const view = await create(
      ae({
        verbatimTerm: '败血症死亡',
        ctcaeCode: FEBRILE_NEUTROPENIA,
        grade: 5,
        startDate: '2026-11-19',
        ongoing: false,
        endDate: '2026-11-20',
        serious: true,
        seriousCriteria: ['death'],
        awarenessAt: '2026-11-20T01:00:00Z',
        outcome: 'FATAL',
      }),
    );
    expect(view.offerDeathWithdrawal).toBe(true);
    // 12 hours now (the setting changed above)
    expect(view.aes.at(-1)!.sae?.dueAt).toBe('2026-11-20T13:00:00.000Z');
    expect(view.aes.at(-1)!.susarClock).toBeNull();
  });
});

describe('SUSAR reports from the sponsor', () => {
  it('logs, refuses a duplicate reference and dates out of order, acknowledges once (investigator)', async () => {
    const fields = {
      sponsorReference: 'HR-2026-SUSAR-0042',
      receivedDate: '2026-11-18',
      eventTerm: 'Hepatic failure',
      reportType: '首次报告',
      fatalOrLifeThreatening: true,
    };
    const s = await h.call('susars.create', { studyId, fields }, as.coordinator);
    expect(s).toMatchObject({ sponsorReference: 'HR-2026-SUSAR-0042', acknowledgedAt: null });
    expect(
      await refused(
        'susars.create',
        { studyId, fields: { ...fields, sponsorReference: 'hr-2026-susar-0042' } },
        as.coordinator,
      ),
    ).toMatchObject({
      field: 'fields.sponsorReference',
    });
    expect(
      await refused(
        'susars.update',
        { id: s.id, fields: { ...fields, ethicsSubmittedDate: '2026-11-17' }, changeReason: '递交伦理' },
        as.coordinator,
      ),
    ).toMatchObject({ field: 'fields.ethicsSubmittedDate', messageKey: 'safety.ethicsBeforeReceived' });
    expect(await refused('susars.acknowledge', { id: s.id }, as.coordinator)).toMatchObject({ code: 'forbidden' });
    const ack = await h.call('susars.acknowledge', { id: s.id }, as.investigator);
    expect(ack).toMatchObject({ acknowledgedBy: '张研究' });
    const before = writes();
    await h.call('susars.acknowledge', { id: s.id }, as.investigator);
    expect(writes()).toEqual(before);
    const updated = await h.call(
      'susars.update',
      { id: s.id, fields: { ...fields, ethicsSubmittedDate: '2026-11-19' }, changeReason: '已递交伦理委员会' },
      as.coordinator,
    );
    expect(updated.ethicsSubmittedDate).toBe('2026-11-19');
    expect((await h.call('susars.list', { studyId }, as.monitor)).map((x) => x.id)).toEqual([s.id]);
  });
});

describe('without a CTCAE dictionary', () => {
  it('records verbatim terms with grades 1–5 (a fresh installation)', async () => {
    const fresh = await createHarness({ now: () => clock });
    try {
      const st = (await fresh.call('studies.create', aStudy({ protocolNumber: 'NO-CTCAE-01' }))).id;
      await fresh.call('studies.changeStatus', { id: st, status: 'startup' });
      await fresh.call('studies.changeStatus', { id: st, status: 'enrolling' });
      const c = (await fresh.call('centers.create', aCenter(st))).id;
      const cv = (
        await fresh.call('subjects.approveConsentVersion', {
          studyId: st,
          version: 'V1',
          versionDate: '2026-01-01',
          approvedDate: '2026-01-02',
        })
      ).consentVersions[0]!.id;
      const sid = (
        await fresh.call('subjects.register', {
          studyId: st,
          centerId: c,
          screeningNumber: 'S1',
          initials: 'AB',
          sex: 'M',
          birthYear: 1970,
          consent: { consentVersionId: cv, signedDate: '2026-10-01', obtainedBy: 'x' },
        })
      ).id;
      expect((await fresh.call('ctcae.status', {})).terms).toBe(0);
      const v = await fresh.call('aes.create', { subjectId: sid, fields: ae({ ctcaeCode: null, grade: 2 }) });
      expect(v.aes[0]).toMatchObject({ grade: 2, ctcaeTerm: null });
      const r = await fresh.send('aes.create', { subjectId: sid, fields: ae() });
      expect(r.ok ? null : r.error.messageKey).toBe('safety.unknownTerm');
    } finally {
      fresh.cleanup();
    }
  });
});
