/**
 * The visits of one demo subject (issue 5), simulated as the clinic and the services would have made them: each step of
 * the subject that changes a plan input (consent at registration, screen failure, enrollment, first dose, follow-up,
 * completion, withdrawal) brings the plan in line with the schedule by the services' own rule, and so does every
 * recorded visit that another line is anchored on, and the move to an amended version. Between the steps the
 * coordinator records each visit as it happens: most done, on the target or within the window (the screening visit on
 * the screening day, cycle 1 day 1 on the first dose, end of treatment on the day follow-up began, the last follow-up on
 * the day of completion), a few out of window, missed or not done; a few AE follow-ups and other unscheduled visits.
 * Visits whose time has not come stay planned, a few recent ones stay unrecorded (overdue), and whatever is still
 * planned when the subject's participation ends is cancelled by the system.
 *
 * Pure and deterministic (its own generator per subject). The plan math is core/visits/plan.ts planVisits, each new
 * visit core/visits/visits.ts newVisit; `sync` below is syncSubjectVisits over the subject's visits in memory (the
 * seeding test holds the seeded result to the service itself). seed.ts writes the result.
 */
import type { DeviationDecision, PlannedVisit, SubjectStatus, VisitDefinition, VisitStatus } from '../../api';
import { activeSubjectStatuses } from '../../../db/schema/vocabulary';
import type { Changes } from '../audit/audit';
import { dateOfDay, dayNumber } from '../dates';
import { lineOf, planVisits, type PlanAnchors } from '../visits/plan';
import { newVisit } from '../visits/visits';
import {
  AE_FOLLOW_UP_REASONS,
  DEVIATION_CORRECTIVE_ACTIONS,
  DEVIATION_EXPLANATIONS,
  SCREENING_NOT_DONE_REASON,
  UNSCHEDULED_REASONS,
  UNSCHEDULED_VISIT_NAME,
  VISIT_DONE_NOTES,
  VISIT_MISSED_NOTES,
  VISIT_NOT_DONE_REASONS,
} from './catalog';
import type { Rng } from './prng';
import { AE_FOLLOW_UP, type DemoSchedule } from './schedules';
import type { DemoSubject } from './subjects';

export { UNSCHEDULED_SEQ } from '../visits/visits';
import { UNSCHEDULED_SEQ } from '../visits/visits';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** How often a visit ends otherwise than done within its window, and how many recent ones stay unrecorded. */
export interface VisitRates {
  missed: number;
  notDone: number;
  outOfWindow: number;
  /** of the visits whose window closed in the last 30 days: still unrecorded today (overdue) */
  overdue: number;
  /** of the deviation decisions: still not taken (besides those of the last two weeks) */
  undecided: number;
  /** subjects on treatment with an AE follow-up visit / a free unscheduled visit */
  aeFollowUp: number;
  unscheduled: number;
}
export const VISIT_RATES: VisitRates = {
  missed: 0.02,
  notDone: 0.01,
  outOfWindow: 0.03,
  overdue: 0.004,
  undecided: 0.005,
  aeFollowUp: 0.08,
  unscheduled: 0.03,
};

/** A visit in its state as of the demo's "today" (the row seed.ts inserts, ids aside). */
export interface SimVisit {
  code: string;
  name: string;
  seq: number;
  cycle: number | null;
  cycleDay: number | null;
  unscheduled: boolean;
  targetDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  calendarDate: string;
  status: VisitStatus;
  actualDate: string | null;
  reason: string | null;
  notes: string | null;
  outOfWindow: boolean;
  deviationDecision: DeviationDecision | null;
  deviationExplanation: string | null;
  /** index of the study's schedule version that planned it; null for a free unscheduled visit */
  version: number | null;
  /** recorded by the coordinator (entered_by), at enteredAt */
  entered: boolean;
  enteredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One syncSubjectVisits that changed something: the visits it inserted, and its audit event's changes. */
export interface SimSync {
  at: number;
  /** code → [old target | old status | null, new target | 'cancelled'] */
  changes: Changes;
  /** the subject's schedule version changed: [old index | null, new index] */
  version: [number | null, number] | null;
  /** the version (index) it followed */
  of: number;
  /** visits (indexes) inserted, in plan order */
  inserted: number[];
  /** visits (indexes) moved to this version from another one (an amendment) */
  reversioned: number[];
  reason: string | null;
}
export interface SimDeviation {
  occurredDate: string;
  category: 'visit_window' | 'missed_visit';
  description: string;
  severity: 'major' | 'minor';
  correctiveAction: string | null;
  reportedSponsorDate: string | null;
  reportedEthicsDate: string | null;
}
export type SimEvent =
  /** visits.record by the coordinator, with the sync it runs (null: it changed nothing) */
  | { at: number; kind: 'record'; visit: number; changes: Changes; sync: SimSync | null }
  /** visits.resolveDeviation: raise the deviation, or explain why there is none */
  | { at: number; kind: 'decision'; visit: number; deviation: SimDeviation | null; explanation: string | null }
  | { at: number; kind: 'unscheduled'; visit: number }
  /** schedules.moveSubjects (the amendment) */
  | { at: number; kind: 'move'; sync: SimSync };

/** The subject's steps that may change its plan (the sync runs inside the step's own service call). */
export type SimStepKey = 'create' | 'screen' | 'enroll' | 'on_treatment' | 'follow_up' | 'completed' | 'withdrawn';

export interface SubjectVisits {
  visits: SimVisit[];
  /** the sync of a step, when it changed something */
  steps: Partial<Record<SimStepKey, SimSync>>;
  /** sorted by time */
  events: SimEvent[];
}

export interface SimInput {
  schedule: DemoSchedule;
  subject: DemoSubject;
  /** the subject's steps with their times (ms), in order */
  steps: readonly { key: SimStepKey; at: number }[];
  /** the demo's "today" (YYYY-MM-DD) and the time nothing may happen after */
  today: string;
  limit: number;
  rates: VisitRates;
  rng: Rng;
}

const isActive = (s: SubjectStatus) => (activeSubjectStatuses as readonly string[]).includes(s);
const iso = (t: number) => new Date(t).toISOString();
// a few thousand distinct dates between them: parsed and formatted once
const dayCache = new Map<string, number>();
const day = (date: string) => {
  let d = dayCache.get(date);
  if (d === undefined) dayCache.set(date, (d = dayNumber(date)));
  return d;
};
const dateCache = new Map<number, string>();
const dateOf = (d: number) => {
  let s = dateCache.get(d);
  if (s === undefined) dateCache.set(d, (s = dateOfDay(d)));
  return s;
};

/** Per version: the codes whose actual date other lines count from (the last occurrence of an anchor line). */
const anchorCodesOf = new WeakMap<readonly VisitDefinition[], Set<string>>();
function anchorCodes(lines: readonly VisitDefinition[]): Set<string> {
  let codes = anchorCodesOf.get(lines);
  if (!codes) {
    const day0 = '2000-01-01';
    const plan = planVisits(
      lines.map((l) => ({ ...l, arms: [] })),
      { consent: day0, enrollment: day0, first_dose: day0 },
      null,
    ).visits;
    codes = new Set();
    lines.forEach((l, i) => {
      if (!lines.some((o) => o.anchor === 'visit' && o.anchorCode === l.code)) return;
      const last = plan
        .filter((p) => lineOf(p) === i)
        .sort((a, b) => a.seq - b.seq)
        .at(-1);
      if (last) codes!.add(last.code);
    });
    anchorCodesOf.set(lines, codes);
  }
  return codes;
}

/** What the coordinator will record for a planned visit, and when; null: not recorded (yet). */
interface Pending {
  at: number;
  status: 'done' | 'missed' | 'not_done';
  actual: number | null;
  reason: string | null;
  notes: string | null;
}

export function simulateVisits(input: SimInput): SubjectVisits {
  const { schedule, subject: x, rates, rng } = input;
  const versions = schedule.versions;
  const visits: SimVisit[] = [];
  const stepSyncs: SubjectVisits['steps'] = {};
  const events: SimEvent[] = [];
  const anchors: PlanAnchors = { consent: null, enrollment: null, first_dose: null };
  let arm: string | null = null;
  let status: SubjectStatus = 'screening';
  let version: number | null = null;
  /** a partial sync (an amendment from a date) ran: the next recording syncs whatever it records */
  let dirty = false;
  const today = day(input.today);
  const officeTime = (d: number) => d * DAY + HOUR + rng.int(0, 8 * HOUR - 1);

  // the end of participation: nothing is recorded after it
  const endStep = input.steps.find(
    (s) => s.key === 'completed' || s.key === 'withdrawn' || (s.key === 'screen' && x.screenFailureReason !== null),
  );
  const endDate = x.completionDate ?? x.withdrawalDate ?? x.screenFailureDate;
  const end = endStep && endDate ? { at: endStep.at, day: day(endDate) } : null;
  const createdAt = input.steps[0]?.at ?? 0;

  // --- the plan rule, memoised on what it depends on
  let memoKey = '';
  let memoPlan: PlannedVisit[] = [];
  const planOf = (v: number, actual: ReadonlyMap<string, string>): PlannedVisit[] => {
    const lines = versions[v]!.visits;
    const key = [v, anchors.consent, anchors.enrollment, anchors.first_dose, arm]
      .concat([...anchorCodes(lines)].map((c) => actual.get(c) ?? ''))
      .join('|');
    if (key !== memoKey) {
      memoKey = key;
      memoPlan = planVisits(lines, anchors, arm, actual).visits;
    }
    return memoPlan;
  };
  const currentAt = (at: number): number | null => {
    let found: number | null = null;
    versions.forEach((v, i) => {
      if (v.at <= at) found = i;
    });
    return found;
  };

  /** Decisions taken so far (visit index → what will be recorded, null: nothing for now). */
  const decided = new Map<number, Pending | null>();
  /** when each visit was inserted, and last inserted or moved (ms) */
  const born: number[] = [];
  const touched: number[] = [];
  /** visits were inserted or moved since the last round of decisions */
  let stale = true;

  // --- syncSubjectVisits, in memory
  const PLACEHOLDER = { id: 0, studyId: 0, centerId: 0 };
  const sync = (at: number, opts: { version?: number; fromDate?: string; reason?: string } = {}): SimSync | null => {
    const v = opts.version ?? version ?? currentAt(at);
    if (v === null) return null;
    const existing: number[] = [];
    const byCode = new Map<string, number>();
    const actual = new Map<string, string>();
    visits.forEach((row, i) => {
      if (row.unscheduled) return;
      existing.push(i);
      byCode.set(row.code, i);
      if (row.status === 'done' && row.actualDate) actual.set(row.code, row.actualDate);
    });
    const ended = !isActive(status);
    const plan = ended ? [] : planOf(v, actual);
    const from = opts.fromDate ?? null;
    const stamp = iso(at);
    const changes: Changes = {};
    const inserted: number[] = [];
    const reversioned: number[] = [];
    const open = (row: SimVisit) => row.status === 'planned' || (row.status === 'cancelled' && !row.entered);
    for (const p of plan) {
      const i = byCode.get(p.code);
      const row = i === undefined ? undefined : visits[i]!;
      if (from && p.targetDate < from && (!row || row.targetDate === null || row.targetDate < from)) continue;
      if (!row) {
        const r = newVisit(PLACEHOLDER, v, p, stamp);
        visits.push({
          code: r.code,
          name: r.name,
          seq: r.seq,
          cycle: r.cycle ?? null,
          cycleDay: r.cycleDay ?? null,
          unscheduled: false,
          targetDate: r.targetDate ?? null,
          windowStart: r.windowStart ?? null,
          windowEnd: r.windowEnd ?? null,
          calendarDate: r.calendarDate,
          status: r.status,
          actualDate: null,
          reason: null,
          notes: null,
          outOfWindow: false,
          deviationDecision: null,
          deviationExplanation: null,
          version: r.versionId ?? null,
          entered: false,
          enteredAt: null,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        });
        born.push(at);
        touched.push(at);
        stale = true;
        inserted.push(visits.length - 1);
        changes[p.code] = [null, p.targetDate];
      } else if (
        open(row) &&
        (row.status !== 'planned' ||
          row.targetDate !== p.targetDate ||
          row.windowStart !== p.windowStart ||
          row.windowEnd !== p.windowEnd ||
          row.name !== p.name ||
          row.seq !== p.seq ||
          row.version !== v)
      ) {
        changes[p.code] = [row.status === 'planned' ? row.targetDate : row.status, p.targetDate];
        if (row.version !== v) reversioned.push(i!);
        Object.assign(row, {
          targetDate: p.targetDate,
          windowStart: p.windowStart,
          windowEnd: p.windowEnd,
          calendarDate: p.targetDate,
          name: p.name,
          seq: p.seq,
          cycle: p.cycle,
          cycleDay: p.cycleDay,
          version: v,
          status: 'planned',
          reason: null,
          updatedAt: stamp,
        } satisfies Partial<SimVisit>);
        touched[i!] = at;
        stale = true;
        decided.delete(i!);
      }
    }
    const planned = new Set(plan.map((p) => p.code));
    const why = ended ? 'subject_ended' : 'schedule_changed';
    for (const i of existing) {
      const row = visits[i]!;
      if (row.status !== 'planned' || planned.has(row.code)) continue;
      if (from && row.targetDate !== null && row.targetDate < from) continue;
      changes[row.code] = [row.targetDate, 'cancelled'];
      Object.assign(row, { status: 'cancelled', reason: why, updatedAt: stamp } satisfies Partial<SimVisit>);
      decided.delete(i);
    }
    let versionChange: SimSync['version'] = null;
    if (version !== v) {
      versionChange = [version, v];
      version = v;
    }
    dirty = from !== null;
    if (Object.keys(changes).length === 0 && !versionChange) return null;
    return { at, changes, version: versionChange, of: v, inserted, reversioned, reason: opts.reason ?? null };
  };

  // --- what the coordinator records for a visit
  const lineOfVisit = (row: SimVisit) => versions[row.version!]!.visits[lineOf(row)]!;
  const course = schedule.course;
  /** the day a visit took place when the subject's own dates say it (null: the clinic's usual spread) */
  const pinned = (row: SimVisit, ws: number, we: number): number | null => {
    const line = lineOfVisit(row);
    const near = (date: string | null) =>
      date !== null && day(date) >= ws - 3 && day(date) <= we + 3 ? day(date) : null;
    if (row.code === course.screening) return x.screeningDate ? day(x.screeningDate) : null;
    if (line.anchor === 'first_dose' && row.targetDate === x.treatmentStartDate) return day(row.targetDate!);
    if (row.code === course.treatEnd)
      return near(x.followUpDate ?? (course.followDays === 0 && x.completionDate ? x.completionDate : null));
    if (row.code === course.last) return near(x.completionDate);
    return null;
  };
  const lag = () => Number(rng.weighted({ 0: 65, 1: 25, 2: 6, 3: 3, 7: 1 }));

  const decide = (i: number): Pending | null => {
    const row = visits[i]!;
    const target = day(row.targetDate!);
    const ws = day(row.windowStart!);
    const we = day(row.windowEnd!);
    // never before the day the visit was planned (consent, enrollment or first dose)
    const earliest = Math.floor(born[i]! / DAY);
    let status: Pending['status'] = 'done';
    let actual: number | null = null;
    let recorded: number;
    let reason: string | null = null;
    let notes: string | null = null;
    const pin = pinned(row, ws, we);
    if (row.code === course.screening && !x.screeningDate) {
      // never came back for screening: recorded not done once it is long overdue
      if (!isActive(x.status) || we >= today - 30) return null;
      status = 'not_done';
      reason = SCREENING_NOT_DONE_REASON;
      recorded = we + rng.int(1, 5);
    } else if (pin !== null) {
      actual = pin;
      recorded = actual + lag();
    } else {
      const r = rng.next();
      if (r < rates.missed) {
        status = 'missed';
        notes = rng.pick(VISIT_MISSED_NOTES);
        recorded = we + rng.int(1, 4);
      } else if (r < rates.missed + rates.notDone) {
        status = 'not_done';
        reason = rng.pick(VISIT_NOT_DONE_REASONS);
        recorded = Math.max(ws, target) + rng.int(0, 3);
      } else {
        if (r < rates.missed + rates.notDone + rates.outOfWindow) {
          actual = rng.chance(0.75) ? we + rng.int(1, 4) : ws - rng.int(1, 3);
          if (actual < earliest) actual = we + rng.int(1, 4);
        } else {
          // on the target day mostly, else a day or two off, within the window
          const off = rng.chance(0.5) ? 0 : rng.chance(0.6) ? rng.pick([-1, 1]) : rng.int(ws - target, we - target);
          actual = Math.min(we, Math.max(ws, earliest, target + off));
        }
        if (rng.chance(0.04)) notes = rng.pick(VISIT_DONE_NOTES);
        recorded = actual + lag();
      }
    }
    if (end) {
      if ((actual ?? recorded) > end.day) return null; // cancelled when the subject ends
      recorded = Math.min(recorded, end.day);
    }
    if (recorded > today) return null;
    if (pin === null && we < today && we >= today - 30 && rng.chance(rates.overdue)) return null;
    let at = Math.max(officeTime(recorded), touched[i]! + rng.int(5, 40) * MINUTE);
    if (end && at >= end.at) at = end.at - rng.int(1, 4) * MINUTE;
    if (at <= touched[i]! || at > input.limit) return null;
    return { at, status, actual, reason, notes };
  };

  const record = (i: number, p: Pending) => {
    const row = visits[i]!;
    decided.delete(i);
    const actualDate = p.actual === null ? null : dateOf(p.actual);
    const outOfWindow = actualDate !== null && (actualDate < row.windowStart! || actualDate > row.windowEnd!);
    const decision: DeviationDecision | null = p.status === 'missed' || outOfWindow ? 'proposed' : null;
    // as recordVisit has it: { code, ...diff(before, after, VISIT_FIELDS) }
    const changes: Changes = { code: [row.code, row.code], status: ['planned', p.status] };
    if (actualDate) changes.actualDate = [null, actualDate];
    if (p.reason) changes.reason = [null, p.reason];
    if (p.notes) changes.notes = [null, p.notes];
    if (outOfWindow) changes.outOfWindow = [false, true];
    if (decision) changes.deviationDecision = [null, decision];
    const stamp = iso(p.at);
    Object.assign(row, {
      status: p.status,
      actualDate,
      reason: p.reason,
      notes: p.notes,
      outOfWindow,
      deviationDecision: decision,
      calendarDate: actualDate ?? row.targetDate ?? row.calendarDate,
      entered: true,
      enteredAt: stamp,
      updatedAt: stamp,
    } satisfies Partial<SimVisit>);
    const anchor = p.status === 'done' && anchorCodes(versions[version!]!.visits).has(row.code);
    events.push({ at: p.at, kind: 'record', visit: i, changes, sync: dirty || anchor ? sync(p.at) : null });
    if (decision) resolve(i, p);
  };

  /** The deviation decision, one to three weeks later (a few still waiting today). */
  const resolve = (i: number, p: Pending) => {
    const row = visits[i]!;
    if (rng.chance(rates.undecided)) return;
    const recordedDay = Math.floor(p.at / DAY);
    const decisionDay = recordedDay + rng.int(1, 14);
    const at = officeTime(decisionDay);
    if (at > input.limit) return;
    const missed = row.status === 'missed';
    const confirm = rng.chance(missed ? 0.7 : 0.55);
    let deviation: SimDeviation | null = null;
    let explanation: string | null = null;
    if (confirm) {
      const occurred = missed ? row.windowEnd! : row.actualDate!;
      const major = rng.chance(missed ? 0.3 : 0.1);
      const reported = (from: number) => dateOf(rng.int(from, decisionDay));
      const sponsor = rng.chance(0.8) ? reported(day(occurred)) : null;
      deviation = {
        occurredDate: occurred,
        category: missed ? 'missed_visit' : 'visit_window',
        description: missed
          ? `${row.code}（${row.name}）访视缺失：窗口期 ${row.windowStart} 至 ${row.windowEnd} 内未完成访视`
          : `${row.code}（${row.name}）访视超出窗口期：实际 ${row.actualDate}，窗口期 ${row.windowStart} 至 ${row.windowEnd}`,
        severity: major ? 'major' : 'minor',
        correctiveAction: rng.pick(DEVIATION_CORRECTIVE_ACTIONS),
        reportedSponsorDate: sponsor,
        reportedEthicsDate: major ? reported(day(sponsor ?? occurred)) : null,
      };
    } else explanation = rng.pick(DEVIATION_EXPLANATIONS);
    Object.assign(row, {
      deviationDecision: confirm ? 'confirmed' : 'explained',
      deviationExplanation: explanation,
      updatedAt: iso(at),
    } satisfies Partial<SimVisit>);
    events.push({ at, kind: 'decision', visit: i, deviation, explanation });
  };

  // --- unscheduled visits while on treatment: an AE follow-up, now and then a free one
  const extra: { at: number; day: number; code: string | null }[] = [];
  if (x.treatmentStartDate) {
    const from = day(x.treatmentStartDate) + 3;
    const to = Math.min(end?.day ?? today, today);
    for (const code of [AE_FOLLOW_UP, null]) {
      if (to <= from || !rng.chance(code ? rates.aeFollowUp : rates.unscheduled)) continue;
      const d = rng.int(from, to);
      let at = officeTime(Math.min(to, d + lag()));
      if (end && at >= end.at) at = end.at - rng.int(5, 30) * MINUTE;
      if (at <= input.limit && Math.floor(at / DAY) >= d) extra.push({ at, day: d, code });
    }
    extra.sort((a, b) => a.at - b.at);
  }
  const addUnscheduled = (u: (typeof extra)[number]) => {
    if (version === null) return;
    const line = u.code ? versions[version]!.visits.find((l) => l.kind === 'on_demand' && l.code === u.code) : null;
    if (u.code && !line) return;
    const stamp = iso(u.at);
    const date = dateOf(u.day);
    visits.push({
      code: u.code ?? 'UNS',
      name: line ? line.name : UNSCHEDULED_VISIT_NAME,
      seq: UNSCHEDULED_SEQ + visits.filter((v) => v.unscheduled).length,
      cycle: null,
      cycleDay: null,
      unscheduled: true,
      targetDate: null,
      windowStart: null,
      windowEnd: null,
      calendarDate: date,
      status: 'done',
      actualDate: date,
      reason: rng.pick(u.code ? AE_FOLLOW_UP_REASONS : UNSCHEDULED_REASONS),
      notes: null,
      outOfWindow: false,
      deviationDecision: null,
      deviationExplanation: null,
      version: u.code ? version : null,
      entered: true,
      enteredAt: stamp,
      createdAt: stamp,
      updatedAt: stamp,
    });
    born.push(u.at);
    touched.push(u.at);
    events.push({ at: u.at, kind: 'unscheduled', visit: visits.length - 1 });
  };

  // --- the steps, the recordings, the move and the unscheduled visits in time order
  const move = schedule.move && createdAt < schedule.move.at ? schedule.move : null;
  let moved = false;
  let si = 0;
  let ui = 0;
  for (;;) {
    if (stale) {
      stale = false;
      const waiting = visits
        .map((row, i) => i)
        .filter((i) => visits[i]!.status === 'planned' && !visits[i]!.unscheduled && !decided.has(i))
        .sort(
          (a, b) =>
            (visits[a]!.targetDate! < visits[b]!.targetDate!
              ? -1
              : visits[a]!.targetDate! > visits[b]!.targetDate!
                ? 1
                : 0) || visits[a]!.seq - visits[b]!.seq,
        );
      for (const i of waiting) decided.set(i, decide(i));
    }
    let next: { at: number; run: () => void } | null = null;
    for (const [i, p] of decided) if (p && (!next || p.at < next.at)) next = { at: p.at, run: () => record(i, p) };
    if (move && !moved && (!next || move.at < next.at))
      next = {
        at: move.at,
        run: () => {
          moved = true;
          if (!isActive(status) || version === move.version) return;
          const s = sync(move.at, { version: move.version, fromDate: move.fromDate, reason: move.reason });
          if (s) events.push({ at: move.at, kind: 'move', sync: s });
        },
      };
    const u = extra[ui];
    if (u && (!next || u.at < next.at)) next = { at: u.at, run: () => (ui++, addUnscheduled(u)) };
    const step = input.steps[si];
    if (next && (!step || next.at < step.at)) {
      next.run();
      continue;
    }
    if (!step) break;
    si++;
    let changed = true;
    switch (step.key) {
      case 'create':
        anchors.consent = x.consents[0]?.signedDate ?? null;
        changed = anchors.consent !== null;
        break;
      case 'screen':
        changed = x.screenFailureReason !== null;
        if (changed) status = 'screen_failed';
        break;
      case 'enroll':
        anchors.enrollment = x.enrollmentDate;
        arm = x.arm;
        status = 'enrolled';
        break;
      case 'on_treatment':
        anchors.first_dose = x.treatmentStartDate;
        status = step.key;
        break;
      default:
        status = step.key;
    }
    const s = changed ? sync(step.at) : null;
    if (s) stepSyncs[step.key] = s;
  }
  events.sort((a, b) => a.at - b.at);
  return { visits, steps: stepSyncs, events };
}
