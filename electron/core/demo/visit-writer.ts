/**
 * Writes the demo's schedules and visits (issue 5) inside seed.ts's one transaction: schedule versions as schedules.save
 * writes them, then per subject the simulation of visits.ts — started at registration, each sync with its 'schedule'
 * event, each recording with its 'record' event by the demo coordinator, deviation decisions (and the deviations they
 * raise), unscheduled visits — applied in time order among the plan's own events (a heap keyed by time). Each write is
 * checked against the rules of the services (dates not in the future, not before consent, reasons, windows) and
 * recorded through recordAudit. A visit row is inserted once, in its state as of "today", by the sync that planned it
 * (as seed.ts inserts a subject in its final state at registration).
 */
import { DEVIATION_FIELDS } from '../visits/deviations';
import type Database from 'better-sqlite3';
import { scheduleInput } from '../../api';
import { diff, recordAudit, type Changes } from '../audit/audit';
import type { ServiceContext } from '../context';
import { latestToday } from '../dates';
import { createRng } from './prng';
import type { DemoPlan } from './plan';
import { checkLines } from '../visits/schedule';
import {
  simulateVisits,
  VISIT_RATES,
  type SimEvent,
  type SimStepKey,
  type SimSync,
  type SimVisit,
  type SubjectVisits,
  type VisitRates,
} from './visits';

export interface VisitCounts {
  scheduleVersions: number;
  visits: number;
  deviations: number;
}

/** Visit rates by scale: the small demo shows a few overdue visits on a worklist of a few dozen subjects. */
const RATES: Record<DemoPlan['scale'], VisitRates> = {
  small: { ...VISIT_RATES, overdue: 0.12, undecided: 0.15, aeFollowUp: 0.2, unscheduled: 0.1 },
  large: VISIT_RATES,
};

interface Running {
  sim: SubjectVisits;
  /** visit index → row id (once inserted), and the version it has in the database now */
  ids: number[];
  versions: (number | null)[];
  subjectId: number;
  studyId: number;
  centerId: number;
  study: number;
  firstConsentDate: string | null;
}

interface Queued {
  at: number;
  n: number;
  k: number;
  e: SimEvent;
}

/** A binary min-heap of the subjects' timed events, by time then by order of arrival. */
class Heap {
  private items: Queued[] = [];
  get size() {
    return this.items.length;
  }
  peek(): Queued | undefined {
    return this.items[0];
  }
  private less = (a: Queued, b: Queued) => a.at < b.at || (a.at === b.at && a.n < b.n);
  push(q: Queued) {
    const h = this.items;
    h.push(q);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Queued | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function visitWriter(args: {
  sqlite: Database.Database;
  plan: DemoPlan;
  /** the seed's context (its clock is set by `setClock`) */
  ctx: ServiceContext;
  setClock: (t: number) => void;
  /** the study rows as seed.ts writes them (by plan index) */
  studyRows: readonly { id: number }[];
}) {
  const { sqlite, plan, ctx, setClock } = args;
  const rates = RATES[plan.scale];
  const insertVersion = sqlite.prepare(
    `INSERT INTO schedule_versions (study_id, version, effective_date, notes, visits, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertVisit = sqlite.prepare(
    `INSERT INTO visits (study_id, center_id, subject_id, version_id, code, name, seq, cycle, cycle_day, unscheduled,
       target_date, window_start, window_end, calendar_date, status, actual_date, reason, notes, out_of_window,
       deviation_decision, deviation_id, deviation_explanation, entered_by, entered_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
  );
  const setSubjectVersion = sqlite.prepare('UPDATE subjects SET schedule_version_id = ? WHERE id = ?');
  const insertDeviation = sqlite.prepare(
    `INSERT INTO deviations (study_id, number, subject_id, center_id, visit_id, occurred_date, category, description,
       severity, corrective_action, reported_sponsor_date, reported_ethics_date, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setDeviation = sqlite.prepare('UPDATE visits SET deviation_id = ? WHERE id = ?');
  const setVisitVersion = sqlite.prepare('UPDATE visits SET version_id = ? WHERE id = ?');

  // the coordinator who records the visits: the first active coordinator account (the demo's crc.li), else the seed's
  const coordinator = sqlite
    .prepare("SELECT id, username FROM users WHERE role = 'coordinator' AND active = 1 ORDER BY id LIMIT 1")
    .get() as { id: number; username: string } | undefined;
  const crc: ServiceContext = coordinator
    ? { ...ctx, actor: { id: coordinator.id, username: coordinator.username } }
    : ctx;

  const versionIds: number[][] = plan.studies.map(() => []);
  const deviationNumbers: number[] = plan.studies.map(() => 0);
  const counts: VisitCounts = { scheduleVersions: 0, visits: 0, deviations: 0 };
  const running = new Map<number, Running>();
  const heap = new Heap();
  let arrivals = 0;

  // each subject's steps that may change its plan, with their times
  const steps = new Map<number, { key: SimStepKey; at: number }[]>();
  for (const e of plan.events) {
    if (!('subject' in e)) continue;
    const key: SimStepKey | null =
      e.kind === 'subject.create'
        ? 'create'
        : e.kind === 'subject.screen'
          ? 'screen'
          : e.kind === 'subject.enroll'
            ? 'enroll'
            : e.kind === 'subject.status'
              ? e.to
              : null;
    if (!key) continue;
    let list = steps.get(e.subject);
    if (!list) steps.set(e.subject, (list = []));
    list.push({ key, at: e.at });
  }

  const fail = (r: Running | null, message: string): never => {
    throw new Error(`demo plan: ${message}${r ? ` (subject ${r.subjectId})` : ''}`);
  };

  function createVersion(study: number, index: number): void {
    const v = plan.studies[study]!.schedule.versions[index]!;
    const studyId = args.studyRows[study]!.id;
    // what schedules.save checks and stores
    const input = scheduleInput.parse({
      studyId,
      version: v.version,
      effectiveDate: v.effectiveDate,
      notes: v.notes,
      visits: v.visits,
      reason: v.reason,
    });
    const lines = checkLines(
      input.visits,
      plan.studies[study]!.setup.arms.map((a) => a.code),
    );
    if (JSON.stringify(lines) !== JSON.stringify(v.visits))
      fail(null, `schedule ${v.version} not as checkLines keeps it`);
    const at = ctx.now().toISOString();
    const id = Number(
      insertVersion.run(studyId, v.version, v.effectiveDate, v.notes, JSON.stringify(lines), at, at).lastInsertRowid,
    );
    versionIds[study]![index] = id;
    counts.scheduleVersions++;
    const after = { version: v.version, effectiveDate: v.effectiveDate, notes: v.notes, visits: lines };
    recordAudit(ctx, {
      action: 'create',
      entity: 'schedule_version',
      entityId: id,
      studyId,
      changes: diff(null, after, ['version', 'effectiveDate', 'notes', 'visits']),
      reason: v.reason,
    });
  }

  /** A subject was registered (its row exists): its visits are simulated now, their events queued. */
  function start(k: number, row: { id: number; studyId: number; centerId: number; firstConsentDate: string | null }) {
    const x = plan.subjects[k]!;
    const sim = simulateVisits({
      schedule: plan.studies[x.study]!.schedule,
      subject: x,
      steps: steps.get(k) ?? [],
      today: plan.baseDate,
      limit: Date.parse(`${plan.baseDate}T00:00:00.000Z`) + 10 * 3_600_000,
      rates,
      rng: createRng((0x7a11_5eed ^ Math.imul(k + 1, 0x9e37_79b1)) >>> 0),
    });
    const r: Running = {
      sim,
      ids: [],
      versions: [],
      subjectId: row.id,
      studyId: row.studyId,
      centerId: row.centerId,
      study: x.study,
      firstConsentDate: row.firstConsentDate,
    };
    running.set(k, r);
    for (const e of sim.events) heap.push({ at: e.at, n: arrivals++, k, e });
    sim.events = []; // the heap holds them
  }

  /** The sync a subject step ran (inside the step's own service call, before its own audit event). */
  function step(k: number, key: SimStepKey) {
    const r = running.get(k);
    const s = r?.sim.steps[key];
    if (r && s) applySync(r, s, ctx);
  }

  function versionId(r: Running, index: number | null): number | null {
    if (index === null) return null;
    const id = versionIds[r.study]![index];
    if (id === undefined) fail(r, `visit of schedule version ${index} before it exists`);
    return id!;
  }

  /** Inserts a visit in its state as of today, but with the version that planned it now (a later move updates it). */
  function insert(r: Running, i: number, version: number | null) {
    const v: SimVisit = r.sim.visits[i]!;
    r.versions[i] = version;
    const id = Number(
      insertVisit.run(
        r.studyId,
        r.centerId,
        r.subjectId,
        versionId(r, version),
        v.code,
        v.name,
        v.seq,
        v.cycle,
        v.cycleDay,
        v.unscheduled ? 1 : 0,
        v.targetDate,
        v.windowStart,
        v.windowEnd,
        v.calendarDate,
        v.status,
        v.actualDate,
        v.reason,
        v.notes,
        v.outOfWindow ? 1 : 0,
        v.deviationDecision,
        v.deviationExplanation,
        v.entered ? (crc.actor.id ?? null) : null,
        v.enteredAt,
        v.createdAt,
        v.updatedAt,
      ).lastInsertRowid,
    );
    r.ids[i] = id;
    counts.visits++;
    if (version === v.version) (r.sim.visits as (SimVisit | undefined)[])[i] = undefined; // written as it ends
  }

  function applySync(r: Running, s: SimSync, by: ServiceContext) {
    for (const i of s.inserted) insert(r, i, s.of);
    for (const i of s.reversioned) {
      if (r.versions[i] === s.of) continue;
      setVisitVersion.run(versionId(r, s.of), r.ids[i]);
      r.versions[i] = s.of;
      if (r.sim.visits[i]?.version === s.of) (r.sim.visits as (SimVisit | undefined)[])[i] = undefined;
    }
    const changes: Changes = { ...s.changes };
    if (s.version) {
      const [from, to] = s.version;
      const id = versionId(r, to)!;
      setSubjectVersion.run(id, r.subjectId);
      const versions = plan.studies[r.study]!.schedule.versions;
      changes.scheduleVersion = [from === null ? null : versions[from]!.version, versions[to]!.version];
    }
    recordAudit(by, {
      action: 'schedule',
      entity: 'subject',
      entityId: r.subjectId,
      studyId: r.studyId,
      subjectId: r.subjectId,
      changes,
      reason: s.reason,
    });
  }

  const idOf = (r: Running, i: number) => r.ids[i] ?? fail(r, `visit ${i} recorded before it was planned`);

  function apply(k: number, e: SimEvent) {
    const r = running.get(k)!;
    setClock(e.at);
    switch (e.kind) {
      case 'record': {
        const [, status] = e.changes.status as [string, string];
        const actual = (e.changes.actualDate?.[1] as string | undefined) ?? null;
        // recordVisit's own checks
        if (status === 'done' && !actual) fail(r, 'visit done without a date');
        if (actual && actual > latestToday(crc)) fail(r, `visit done on ${actual}, in the future`);
        if (actual && r.firstConsentDate && actual < r.firstConsentDate) fail(r, 'visit done before consent');
        if ((status === 'not_done' || status === 'cancelled') && !e.changes.reason)
          fail(r, `${status} without a reason`);
        recordAudit(crc, {
          action: 'record',
          entity: 'visit',
          entityId: idOf(r, e.visit),
          studyId: r.studyId,
          subjectId: r.subjectId,
          changes: e.changes,
          reason: null,
        });
        if (e.sync) applySync(r, e.sync, crc);
        return;
      }
      case 'decision': {
        const visitId = idOf(r, e.visit);
        let deviationId: number | null = null;
        if (e.deviation) {
          const f = e.deviation;
          // the deviation's own checks (core/visits/deviations.ts)
          const today = latestToday(crc);
          for (const d of [f.occurredDate, f.reportedSponsorDate, f.reportedEthicsDate])
            if (d && (d > today || d < f.occurredDate)) fail(r, `deviation dated ${d}`);
          const number = ++deviationNumbers[r.study]!;
          const at = ctx.now().toISOString();
          deviationId = Number(
            insertDeviation.run(
              r.studyId,
              number,
              r.subjectId,
              r.centerId,
              visitId,
              f.occurredDate,
              f.category,
              f.description,
              f.severity,
              f.correctiveAction,
              f.reportedSponsorDate,
              f.reportedEthicsDate,
              crc.actor.id,
              at,
              at,
            ).lastInsertRowid,
          );
          counts.deviations++;
          setDeviation.run(deviationId, visitId);
          recordAudit(crc, {
            action: 'create',
            entity: 'deviation',
            entityId: deviationId,
            studyId: r.studyId,
            subjectId: r.subjectId,
            changes: { number: [null, number], visitId: [null, visitId], ...diff(null, f, DEVIATION_FIELDS) },
          });
        } else if (!e.explanation) fail(r, 'deviation explained without an explanation');
        recordAudit(crc, {
          action: 'deviation_decision',
          entity: 'visit',
          entityId: visitId,
          studyId: r.studyId,
          subjectId: r.subjectId,
          changes: e.deviation
            ? { deviationDecision: ['proposed', 'confirmed'], deviationId: [null, deviationId] }
            : { deviationDecision: ['proposed', 'explained'], deviationExplanation: [null, e.explanation] },
        });
        return;
      }
      case 'unscheduled': {
        const v = r.sim.visits[e.visit]!;
        if (v.actualDate! > latestToday(crc)) fail(r, 'unscheduled visit in the future');
        if (r.firstConsentDate && v.actualDate! < r.firstConsentDate) fail(r, 'unscheduled visit before consent');
        const row = { ...v };
        insert(r, e.visit, v.version);
        recordAudit(crc, {
          action: 'create',
          entity: 'visit',
          entityId: r.ids[e.visit]!,
          studyId: r.studyId,
          subjectId: r.subjectId,
          changes: diff(null, row, ['code', 'name', 'unscheduled', 'status', 'actualDate', 'reason', 'notes']),
        });
        return;
      }
      case 'move':
        applySync(r, e.sync, ctx);
        return;
    }
  }

  /** Applies the queued subject events that happened before `t`. */
  function until(t: number) {
    for (let q = heap.peek(); q && q.at < t; q = heap.peek()) {
      heap.pop();
      apply(q.k, q.e);
    }
  }

  /** After the last plan event: the rest of the queue; every planned visit written. */
  function finish() {
    until(Infinity);
    for (const [, r] of running)
      r.sim.visits.forEach((v, i) => {
        if (v) fail(r, `visit ${v.code} never written`);
        if (r.ids[i] === undefined) fail(r, `visit ${i} never written`);
      });
  }

  return { createVersion, start, step, until, finish, counts };
}
