/**
 * Visits through the real handler table on a real SQLite file: schedule versions and their checks, plans generated at
 * enrollment and first dose, recalculation when an anchor date is corrected (recorded visits never move), amendments
 * moving only future visits, recording with its refusals, deviation proposals, the worklist and the overdue count on
 * an injected clock, holidays, the deviation log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import official from '../../../db/reference/holidays-cn.json' with { type: 'json' };
import type { ApiResult, InputOf, SubjectVisitsView, VisitView } from '../../api';
import { ADMIN, aCenter, aStudy, createHarness, type Harness } from '../../testing/harness';
import { CYCLE_SCHEDULE, line } from '../../testing/schedules';
import { addDays, isWeekend } from '../dates';

let h: Harness;
let clock = new Date('2026-11-20T02:00:00Z');
let studyId: number;
let centerId: number;
let consentVersionId: number;
let subjectId: number;

const count = (table: string) =>
  (h.opened.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const writes = () => [count('audit_events'), count('visits'), count('deviations'), count('schedule_versions')];

/** A refusal with nothing written. */
async function refused(channel: string, payload: unknown) {
  const before = writes();
  const r: ApiResult<unknown> = await h.send(channel, payload);
  expect(r.ok, JSON.stringify(r)).toBe(false);
  expect(writes()).toEqual(before);
  return r.ok ? null : r.error;
}

const schedule = (over: Partial<InputOf<'schedules.save'>> = {}): InputOf<'schedules.save'> => ({
  studyId,
  version: '1.0',
  effectiveDate: '2026-01-01',
  notes: null,
  visits: CYCLE_SCHEDULE,
  reason: null,
  ...over,
});
/** Moves the host clock; a jump of days locks the idle session (auto-lock), so the administrator signs in again. */
async function setClock(iso: string) {
  clock = new Date(iso);
  await h.call('auth.login', { username: ADMIN.username, password: ADMIN.password });
}
const visitsOf = () => h.call('visits.forSubject', { subjectId });
const visit = (v: SubjectVisitsView, code: string): VisitView => {
  const found = v.visits.find((x) => x.code === code && !x.unscheduled);
  if (!found) throw new Error(`no visit ${code}`);
  return found;
};

beforeAll(async () => {
  h = await createHarness({ now: () => clock });
  studyId = (await h.call('studies.create', aStudy())).id;
  await h.call('studies.changeStatus', { id: studyId, status: 'startup' });
  await h.call('studies.changeStatus', { id: studyId, status: 'enrolling' });
  centerId = (await h.call('centers.create', aCenter(studyId))).id;
  await h.call('subjects.updateSetup', {
    studyId,
    fields: {
      screeningPattern: 'S{center}{seq:3}',
      subjectPattern: '{center}-{seq:3}',
      arms: [
        { code: 'A', label: '试验组' },
        { code: 'B', label: '对照组' },
      ],
      criteria: [{ code: 'I1', kind: 'inclusion', text: '年龄 ≥ 18 岁' }],
      screenFailureReasons: [],
    },
    reason: null,
  });
  consentVersionId = (
    await h.call('subjects.approveConsentVersion', {
      studyId,
      version: 'V1.0',
      versionDate: '2026-01-01',
      approvedDate: '2026-02-01',
    })
  ).consentVersions[0]!.id;
}, 60_000);
afterAll(() => h.cleanup());

describe('schedule versions', () => {
  it('refuses negative windows, cycles without length and anchor loops on their line, writing nothing', async () => {
    const negative = await refused(
      'schedules.save',
      schedule({ visits: [{ ...CYCLE_SCHEDULE[0]!, windowBefore: -2 }] }),
    );
    expect(negative).toMatchObject({ code: 'validation', field: 'visits.0.windowBefore' });
    expect(negative?.fields?.[0]?.messageKey).toBe('validation.windowNegative');
    const noLength = await refused(
      'schedules.save',
      schedule({ visits: [CYCLE_SCHEDULE[0]!, { ...CYCLE_SCHEDULE[1]!, cycleLength: null }] }),
    );
    expect(noLength).toMatchObject({ field: 'visits.1.cycleLength', messageKey: 'visits.cycleLengthRequired' });
    const loop = await refused(
      'schedules.save',
      schedule({
        visits: [
          line({ code: 'A', name: 'A', kind: 'once', anchor: 'visit', anchorCode: 'B', dayOffset: 1 }),
          line({ code: 'B', name: 'B', kind: 'once', anchor: 'visit', anchorCode: 'A', dayOffset: 1 }),
        ],
      }),
    );
    expect(loop).toMatchObject({ field: 'visits.0.anchorCode', messageKey: 'visits.anchorLoop' });
  });

  it('saves a version, edits it while nobody follows it, and previews a plan', async () => {
    const [v] = await h.call('schedules.save', schedule({ version: '0.9' }));
    expect(v).toMatchObject({ version: '0.9', subjectCount: 0, current: true });
    const edited = await h.call('schedules.save', schedule({ versionId: v!.id, reason: '版本号更正' }));
    expect(edited).toHaveLength(1);
    expect(edited[0]).toMatchObject({ id: v!.id, version: '1.0' });
    const preview = await h.call('schedules.preview', {
      studyId,
      visits: CYCLE_SCHEDULE,
      anchors: { consent: '2026-06-01', enrollment: '2026-06-05', firstDose: '2026-06-08' },
      arm: null,
    });
    expect(preview.visits).toHaveLength(28);
    expect(preview.visits.find((p) => p.code === 'C2D1')?.targetDate).toBe('2026-06-29');
  });
});

describe("a subject's plan", () => {
  it('plans the screening visit at registration, treatment visits only once the first dose is known', async () => {
    subjectId = (
      await h.call('subjects.register', {
        studyId,
        centerId,
        screeningNumber: 'S01001',
        initials: 'WXY',
        sex: 'F',
        birthDate: '1980-03-02',
        consent: { consentVersionId, signedDate: '2026-06-01', obtainedBy: '李协调' },
      })
    ).id;
    let v = await visitsOf();
    expect(v.visits.map((x) => [x.code, x.targetDate, x.windowEnd])).toEqual([['SCR', '2026-06-01', '2026-06-29']]);
    expect(v.version).toBe('1.0');
    await h.call('subjects.screen', {
      id: subjectId,
      screeningDate: '2026-06-02',
      eligibility: { I1: true },
      outcome: 'eligible',
    });
    await h.call('subjects.enroll', { id: subjectId, enrollmentDate: '2026-06-05', subjectNumber: '01-001', arm: 'A' });
    v = await visitsOf();
    expect(v.visits).toHaveLength(1);
    expect(v.waiting.map((w) => w.why)).toEqual(['anchor_unknown', 'anchor_unknown', 'anchor_unknown']);
    expect(v.onDemand).toEqual([{ code: 'AEFU', name: '不良事件随访' }]);

    await h.call('subjects.changeStatus', { id: subjectId, to: 'on_treatment', date: '2026-06-08' });
    v = await visitsOf();
    expect(v.visits).toHaveLength(28);
    expect(visit(v, 'C1D8')).toMatchObject({
      targetDate: '2026-06-15',
      windowStart: '2026-06-14',
      windowEnd: '2026-06-17',
      status: 'planned',
    });
    const trail = h.opened.db.$client
      .prepare("SELECT changes FROM audit_events WHERE action = 'schedule' AND subject_id = ? ORDER BY seq")
      .all(subjectId) as { changes: string }[];
    expect(trail).toHaveLength(2);
    expect(JSON.parse(trail[1]!.changes)).toMatchObject({
      C1D1: [null, '2026-06-08'],
      FU8: [null, expect.any(String)],
    });
  });

  it('records a visit in window; out of window it proposes a deviation, confirmed into the log', async () => {
    let v = await h.call('visits.record', {
      id: visit(await visitsOf(), 'C1D1').id,
      status: 'done',
      actualDate: '2026-06-08',
      notes: '首次给药',
    });
    expect(visit(v, 'C1D1')).toMatchObject({
      status: 'done',
      outOfWindow: false,
      deviationDecision: null,
      enteredBy: ADMIN.displayName,
    });
    v = await h.call('visits.record', { id: visit(v, 'C1D8').id, status: 'done', actualDate: '2026-06-19' });
    const late = visit(v, 'C1D8');
    expect(late).toMatchObject({ outOfWindow: true, deviationDecision: 'proposed' });
    expect((await h.call('visits.worklist', {})).pendingDeviations.map((p) => p.code)).toEqual(['C1D8']);

    v = await h.call('visits.resolveDeviation', {
      visitId: late.id,
      decision: 'confirm',
      deviation: {
        occurredDate: '2026-06-19',
        category: 'visit_window',
        description: 'C1D8 超窗 2 天',
        severity: 'minor',
        correctiveAction: '加强预约提醒',
      },
    });
    expect(visit(v, 'C1D8')).toMatchObject({ deviationDecision: 'confirmed', deviationNumber: 'DV-001' });
    const log = await h.call('deviations.list', { studyId });
    expect(log).toEqual([
      expect.objectContaining({
        number: 'DV-001',
        subjectLabel: '01-001',
        visitCode: 'C1D8',
        category: 'visit_window',
      }),
    ]);
    expect((await h.call('visits.worklist', {})).pendingDeviations).toEqual([]);
    await refused('visits.resolveDeviation', { visitId: late.id, decision: 'explain', explanation: 'x' });
  });

  it('refuses future dates, dates before consent, a missing reason and an uncommented correction', async () => {
    const v = await visitsOf();
    const c1d15 = visit(v, 'C1D15').id;
    expect(await refused('visits.record', { id: c1d15, status: 'done', actualDate: '2026-12-01' })).toMatchObject({
      field: 'actualDate',
      messageKey: 'visits.actualDateFuture',
    });
    expect(await refused('visits.record', { id: c1d15, status: 'done' })).toMatchObject({
      field: 'actualDate',
      messageKey: 'visits.actualDateRequired',
    });
    expect(await refused('visits.record', { id: c1d15, status: 'not_done' })).toMatchObject({
      field: 'reason',
      messageKey: 'visits.reasonRequired',
    });
    expect(
      await refused('visits.addUnscheduled', { subjectId, actualDate: '2026-05-20', name: '输血', reason: '血小板低' }),
    ).toMatchObject({ field: 'actualDate', messageKey: 'visits.actualBeforeConsent', params: { date: '2026-06-01' } });
    const done = visit(v, 'C1D1').id;
    expect(await refused('visits.record', { id: done, status: 'done', actualDate: '2026-06-09' })).toMatchObject({
      field: 'changeReason',
      messageKey: 'visits.changeReasonRequired',
    });
    const corrected = await h.call('visits.record', {
      id: done,
      status: 'done',
      actualDate: '2026-06-08',
      notes: '首次给药（补录备注）',
      changeReason: '补录备注',
    });
    expect(visit(corrected, 'C1D1').notes).toBe('首次给药（补录备注）');
  });

  it('moves planned visits when the first-dose date is corrected; recorded visits stay', async () => {
    const before = await visitsOf();
    await h.call('subjects.correctStatusDate', {
      id: subjectId,
      status: 'on_treatment',
      date: '2026-06-10',
      reason: '首次给药日期录入错误',
    });
    const after = await visitsOf();
    expect(visit(after, 'C1D1')).toMatchObject({ targetDate: '2026-06-08', actualDate: '2026-06-08' });
    expect(visit(after, 'C1D8').actualDate).toBe('2026-06-19');
    expect(visit(after, 'C1D15').targetDate).toBe(addDays(visit(before, 'C1D15').targetDate!, 2));
    expect(visit(after, 'EOT').targetDate).toBe(addDays(visit(before, 'EOT').targetDate!, 2));
    await refused('subjects.correctStatusDate', {
      id: subjectId,
      status: 'on_treatment',
      date: '2026-06-01',
      reason: 'x',
    });
  });

  it('an amendment moves only the unrecorded visits from its date', async () => {
    const before = await visitsOf();
    const amended = CYCLE_SCHEDULE.map((l) => (l.code === 'C' ? { ...l, cycleLength: 28 } : l));
    const versions = await h.call(
      'schedules.save',
      schedule({ version: '2.0', effectiveDate: '2026-07-01', visits: amended, reason: '方案修订 2.0' }),
    );
    expect(versions.map((x) => [x.version, x.current, x.subjectCount])).toEqual([
      ['2.0', true, 0],
      ['1.0', false, 1],
    ]);
    expect(await refused('schedules.save', schedule({ versionId: versions[1]!.id, notes: '改' }))).toMatchObject({
      messageKey: 'visits.versionInUse',
    });
    const moved = await h.call('schedules.moveSubjects', {
      versionId: versions[0]!.id,
      fromDate: '2026-07-01',
      reason: '伦理批准方案修订 2.0',
    });
    expect(moved).toEqual({ moved: 1 });
    const after = await visitsOf();
    expect(after.version).toBe('2.0');
    for (const code of ['SCR', 'C1D1', 'C1D8', 'C1D15'])
      expect(visit(after, code).targetDate, code).toBe(visit(before, code).targetDate);
    // C2D1 was 2026-07-01 under 21-day cycles (on the amendment's date, so it follows it): 28-day cycles → 07-08
    expect(visit(before, 'C2D1').targetDate).toBe('2026-07-01');
    expect(visit(after, 'C2D1')).toMatchObject({ targetDate: '2026-07-08', versionId: versions[0]!.id });
    expect(visit(after, 'C2D15').targetDate).toBe('2026-07-22');
    expect(visit(after, 'C1D15').versionId).toBe(versions[1]!.id);
    expect(visit(after, 'C6D1').targetDate).toBe(addDays('2026-06-10', 5 * 28));
  });
});

describe('worklist, overdue and the clock', () => {
  it('sorts planned visits into today / this week / window open / overdue and counts overdue site-wide', async () => {
    await setClock('2026-07-20T02:00:00Z'); // a day with C2D15 (2026-07-22) this week
    const list = await h.call('visits.worklist', {});
    expect(list.today).toBe('2026-07-20');
    expect(list.weekEnd).toBe('2026-07-26');
    const v = await visitsOf();
    const planned = v.visits.filter((x) => x.status === 'planned');
    const overdue = planned.filter((x) => x.windowEnd! < '2026-07-20').map((x) => x.code);
    expect(list.overdue.map((r) => r.code).sort()).toEqual(overdue.sort());
    expect(list.thisWeek.map((r) => r.code)).toContain('C2D15');
    expect((await h.call('visits.overdueCount', {})).count).toBe(overdue.length);

    await setClock('2026-12-31T02:00:00Z');
    const later = await h.call('visits.worklist', {});
    expect(later.overdue.length).toBeGreaterThan(list.overdue.length);
    const { count: n } = await h.call('visits.overdueCount', {});
    expect(n).toBe(later.overdue.length);
    expect(later.overdue[0]!.daysOverdue).toBeGreaterThan(0);

    // a missed visit leaves the overdue list and asks for a decision; explained, it asks no more
    const missed = await h.call('visits.record', { id: later.overdue[0]!.visitId, status: 'missed' });
    expect(missed.visits.find((x) => x.id === later.overdue[0]!.visitId)).toMatchObject({
      status: 'missed',
      deviationDecision: 'proposed',
    });
    expect((await h.call('visits.overdueCount', {})).count).toBe(n - 1);
    const explained = await h.call('visits.resolveDeviation', {
      visitId: later.overdue[0]!.visitId,
      decision: 'explain',
      explanation: '受试者住院，申办方书面同意',
    });
    expect(explained.visits.find((x) => x.id === later.overdue[0]!.visitId)?.deviationDecision).toBe('explained');
  });

  it("plans other centers' subjects (windows for their data) but keeps them off this site's worklist", async () => {
    const other = (
      await h.call(
        'centers.create',
        aCenter(studyId, { code: '02', hospitalName: '其他医院', isLead: false, isOwn: false, hardCap: null }),
      )
    ).id;
    const before = await h.call('visits.overdueCount', {});
    const theirs = (
      await h.call('subjects.register', {
        studyId,
        centerId: other,
        screeningNumber: 'S02001',
        initials: 'LM',
        sex: 'M',
      })
    ).id;
    await h.call('subjects.screen', {
      id: theirs,
      screeningDate: '2026-06-01',
      eligibility: { I1: true },
      outcome: 'eligible',
    });
    await h.call('subjects.enroll', { id: theirs, enrollmentDate: '2026-06-02', subjectNumber: '02-001', arm: 'B' });
    await h.call('subjects.changeStatus', { id: theirs, to: 'on_treatment', date: '2026-06-03' });
    expect((await h.call('visits.forSubject', { subjectId: theirs })).visits.length).toBe(27); // no consent: no SCR
    const list = await h.call('visits.worklist', {});
    const all = [...list.overdue, ...list.dueToday, ...list.thisWeek, ...list.windowOpen];
    expect(all.some((r) => r.subjectId === theirs)).toBe(false);
    expect(await h.call('visits.overdueCount', {})).toEqual(before);
  });

  it('orders the re-consent list by each subject’s next planned visit', async () => {
    await h.call('subjects.approveConsentVersion', {
      studyId,
      version: 'V2.0',
      versionDate: '2026-12-01',
      approvedDate: '2026-12-20',
    });
    const next = (await visitsOf()).visits
      .filter((x) => x.status === 'planned')
      .map((x) => x.targetDate!)
      .sort()[0];
    expect(await h.call('subjects.reconsentList', { studyId })).toEqual([
      expect.objectContaining({ subjectId, nextVisitDate: next }),
    ]);
  });

  it('shows the month calendar', async () => {
    const month = await h.call('visits.calendar', { month: '2026-07' });
    expect(month.entries.map((e) => e.code)).toContain('C2D15');
    expect(month.entries.every((e) => e.date.startsWith('2026-07'))).toBe(true);
  });
});

describe('holidays', () => {
  it('loads the official list once, flags targets on weekends and holidays, never moves them', async () => {
    const first = await h.call('holidays.loadOfficial', { year: 2026 });
    expect(first).toMatchObject({ added: 39, updated: 0, unchanged: 0, available: [2026] });
    expect(await h.call('holidays.loadOfficial', { year: 2026 })).toMatchObject({ added: 0, unchanged: 39 });
    expect(await refused('holidays.loadOfficial', { year: 2031 })).toMatchObject({
      messageKey: 'holidays.noOfficialList',
    });
    const days = new Map(official.years['2026'].map((d) => [d.date, d]));
    const v = await visitsOf();
    for (const x of v.visits.filter((y) => y.status === 'planned')) {
      const d = days.get(x.targetDate!);
      const expected = d ? (d.kind === 'holiday' ? d.name : null) : isWeekend(x.targetDate!) ? 'weekend' : null;
      expect(x.targetHoliday, x.targetDate!).toBe(expected);
    }
    const oct = await h.call('visits.calendar', { month: '2026-10' });
    expect(oct.holidays.filter((d) => d.kind === 'holiday')).toHaveLength(7);
    expect(oct.holidays.find((d) => d.date === '2026-10-10')?.kind).toBe('workday');
  });
});

describe('deviations and the end of participation', () => {
  it('logs a study-level deviation, refuses a report before it happened, edits with a reason', async () => {
    const d = await h.call('deviations.create', {
      studyId,
      subjectId: null,
      fields: {
        occurredDate: '2026-07-02',
        category: 'procedure',
        description: '冰箱温度超出 2–8 ℃ 4 小时',
        severity: 'major',
        reportedSponsorDate: '2026-07-03',
      },
    });
    expect(d).toMatchObject({ number: 'DV-002', subjectId: null, severity: 'major' });
    expect(
      await refused('deviations.update', {
        id: d.id,
        fields: { ...d, reportedEthicsDate: '2026-07-01' },
        reason: '补充伦理报告日期',
      }),
    ).toMatchObject({ field: 'fields.reportedEthicsDate', messageKey: 'deviations.reportBeforeOccurred' });
    const edited = await h.call('deviations.update', {
      id: d.id,
      fields: { ...d, reportedEthicsDate: '2026-07-10' },
      reason: '补充伦理报告日期',
    });
    expect(edited.reportedEthicsDate).toBe('2026-07-10');
    expect((await h.call('deviations.list', { studyId, category: 'procedure' })).map((x) => x.number)).toEqual([
      'DV-002',
    ]);
  });

  it('cancels the remaining planned visits when the subject withdraws; recorded ones stay', async () => {
    await h.call('subjects.changeStatus', {
      id: subjectId,
      to: 'withdrawn',
      date: '2026-12-30',
      withdrawalReason: 'consent_withdrawn',
    });
    const v = await visitsOf();
    expect(v.visits.filter((x) => x.status === 'planned')).toEqual([]);
    expect(visit(v, 'FU8')).toMatchObject({ status: 'cancelled', systemCancelled: 'subject_ended' });
    expect(visit(v, 'C1D8')).toMatchObject({ status: 'done', deviationNumber: 'DV-001' });
    expect((await h.call('visits.overdueCount', {})).count).toBe(0);
  });
});
