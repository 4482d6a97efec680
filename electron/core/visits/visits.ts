/**
 * A subject's visits: the plan kept in step with the schedule and the subject's dates (generation, recalculation,
 * amendments — recorded visits never move), recording, unscheduled visits and the deviation decision a visit out of
 * window or missed asks for. Every write is one transaction with its audit events.
 */
import type Database from 'better-sqlite3';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { deviations, type scheduleVersions, subjects, users, visits } from '../../../db/schema';
import type {
  DeviationDecision,
  ParsedInputOf,
  PlannedVisit,
  SubjectVisitsView,
  SystemCancellation,
  VisitView,
} from '../../api';
import { systemCancellations } from '../../api';
import { diff, recordAudit, type Changes } from '../audit/audit';
import type { AppDb, ServiceContext, Tx } from '../context';
import { assertNotFuture } from '../dates';
import { AppError, fieldError, notFound } from '../errors';
import { isActiveSubject } from '../subjects/status';
import { insertDeviation } from './deviations';
import { holidayCalendar } from './holidays';
import { planVisits, type PlanAnchors } from './plan';
import { currentVersion, getVersionRow } from './schedule';

type SubjectRow = typeof subjects.$inferSelect;
type VisitRow = typeof visits.$inferSelect;
type VersionRow = typeof scheduleVersions.$inferSelect;

/** Unscheduled visits sort after the plan's lines (seq of a planned visit < 200 lines × 10,000). */
export const UNSCHEDULED_SEQ = 9_000_000;

export const anchorsOf = (s: SubjectRow): PlanAnchors => ({
  consent: s.firstConsentDate,
  enrollment: s.enrollmentDate,
  first_dose: s.treatmentStartDate,
});

function subjectRow(db: AppDb, id: number): SubjectRow {
  const row = db.select().from(subjects).where(eq(subjects.id, id)).get();
  if (!row) throw notFound('subject');
  return row;
}
export function getVisitRow(db: AppDb, id: number): VisitRow {
  const row = db.select().from(visits).where(eq(visits.id, id)).get();
  if (!row) throw notFound('visit');
  return row;
}

// ---------- keeping the plan in step ----------
export interface SyncOptions {
  /** the version to follow from now on (an amendment); default: the subject's own, or the study's current one */
  version?: VersionRow;
  /** amendments: only unrecorded visits with a target on or after this date change */
  fromDate?: string;
  reason?: string | null;
}

const isSystemCancelled = (v: VisitRow) => v.status === 'cancelled' && v.enteredBy === null;

/**
 * Brings a subject's planned visits in line with its schedule version and its dates, inside the caller's transaction:
 * new visits are added, unrecorded ones move with their anchors, visits the plan no longer has are cancelled (and all
 * unrecorded ones once the subject's participation has ended). Recorded visits are never touched. One audit event
 * lists what changed (code → [old target, new target]).
 */
export function syncSubjectVisits(ctx: ServiceContext, tx: Tx, subject: SubjectRow, opts: SyncOptions = {}): void {
  const version =
    opts.version ??
    (subject.scheduleVersionId
      ? getVersionRow(ctx.db, subject.scheduleVersionId)
      : currentVersion(ctx.db, subject.studyId));
  if (!version) return; // the study has no schedule yet
  const existing = queries(ctx.db).scheduledVisits.all({ subjectId: subject.id });
  const byCode = new Map(existing.map((v) => [v.code, v]));
  const actual = new Map(
    existing.flatMap((v) => (v.status === 'done' && v.actualDate ? [[v.code, v.actualDate]] : [])),
  );
  const ended = !isActiveSubject(subject.status);
  const plan = ended ? [] : planVisits(version.visits, anchorsOf(subject), subject.arm, actual).visits;
  const from = opts.fromDate ?? null;
  const at = ctx.now().toISOString();
  const changes: Changes = {};

  const open = (v: VisitRow) => v.status === 'planned' || isSystemCancelled(v);
  for (const p of plan) {
    const v = byCode.get(p.code);
    if (from && p.targetDate < from && (!v || v.targetDate === null || v.targetDate < from)) continue;
    if (!v) {
      insertPlanned(ctx.db.$client).run(newVisit(subject, version.id, p, at));
      changes[p.code] = [null, p.targetDate];
    } else if (open(v) && (v.status !== 'planned' || movedOrRenamed(v, p, version.id))) {
      tx.update(visits)
        .set({
          ...datesOf(p),
          name: p.name,
          seq: p.seq,
          cycle: p.cycle,
          cycleDay: p.cycleDay,
          versionId: version.id,
          status: 'planned',
          reason: null,
          updatedAt: at,
        })
        .where(eq(visits.id, v.id))
        .run();
      changes[p.code] = [v.status === 'planned' ? v.targetDate : v.status, p.targetDate];
    }
  }
  const planned = new Set(plan.map((p) => p.code));
  const cancelWhy: SystemCancellation = ended ? 'subject_ended' : 'schedule_changed';
  for (const v of existing) {
    if (v.status !== 'planned' || planned.has(v.code)) continue;
    if (from && v.targetDate !== null && v.targetDate < from) continue;
    tx.update(visits).set({ status: 'cancelled', reason: cancelWhy, updatedAt: at }).where(eq(visits.id, v.id)).run();
    changes[v.code] = [v.targetDate, 'cancelled'];
  }
  if (subject.scheduleVersionId !== version.id) {
    queries(ctx.db).followVersion.run({ subjectId: subject.id, versionId: version.id });
    const previous = subject.scheduleVersionId ? getVersionRow(ctx.db, subject.scheduleVersionId).version : null;
    changes.scheduleVersion = [previous, version.version];
  }
  if (Object.keys(changes).length === 0) return;
  recordAudit(ctx, {
    action: 'schedule',
    entity: 'subject',
    entityId: subject.id,
    studyId: subject.studyId,
    subjectId: subject.id,
    changes,
    reason: opts.reason ?? null,
  });
}

/** The reads and writes of a sync, built once per database (1,000 subjects in a batch would build them 1,000 times). */
const prepared = new WeakMap<AppDb, ReturnType<typeof prepareQueries>>();
function prepareQueries(db: AppDb) {
  return {
    scheduledVisits: db
      .select()
      .from(visits)
      .where(and(eq(visits.subjectId, sql.placeholder('subjectId')), eq(visits.unscheduled, false)))
      .prepare(),
    followVersion: db
      .update(subjects)
      .set({ scheduleVersionId: sql`${sql.placeholder('versionId')}` })
      .where(eq(subjects.id, sql.placeholder('subjectId')))
      .prepare(),
  };
}
function queries(db: AppDb): ReturnType<typeof prepareQueries> {
  let q = prepared.get(db);
  if (!q) prepared.set(db, (q = prepareQueries(db)));
  return q;
}

/**
 * The one INSERT of plan generation, prepared once per connection: building it through the query builder for each of
 * 40,000 visits cost 4 s of the 1,000 × 40 generation budget of 1 s (issue 5 bench).
 */
const insertStatements = new WeakMap<AppDb['$client'], Database.Statement>();
function insertPlanned(sqlite: AppDb['$client']): { run(v: typeof visits.$inferInsert): unknown } {
  let statement = insertStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare(
      `INSERT INTO visits (study_id, center_id, subject_id, version_id, code, name, seq, cycle, cycle_day, unscheduled,
         target_date, window_start, window_end, calendar_date, status, out_of_window, created_at, updated_at)
       VALUES (@studyId, @centerId, @subjectId, @versionId, @code, @name, @seq, @cycle, @cycleDay, 0,
         @targetDate, @windowStart, @windowEnd, @calendarDate, 'planned', 0, @createdAt, @updatedAt)`,
    );
    insertStatements.set(sqlite, statement);
  }
  const prepared = statement;
  return { run: (v) => prepared.run(v) };
}

const datesOf = (p: PlannedVisit) => ({
  targetDate: p.targetDate,
  windowStart: p.windowStart,
  windowEnd: p.windowEnd,
  calendarDate: p.targetDate,
});
const movedOrRenamed = (v: VisitRow, p: PlannedVisit, versionId: number) =>
  v.targetDate !== p.targetDate ||
  v.windowStart !== p.windowStart ||
  v.windowEnd !== p.windowEnd ||
  v.name !== p.name ||
  v.seq !== p.seq ||
  v.versionId !== versionId;

export function newVisit(
  subject: Pick<SubjectRow, 'id' | 'studyId' | 'centerId'>,
  versionId: number,
  p: PlannedVisit,
  at: string,
): typeof visits.$inferInsert {
  return {
    studyId: subject.studyId,
    centerId: subject.centerId,
    subjectId: subject.id,
    versionId,
    code: p.code,
    name: p.name,
    seq: p.seq,
    cycle: p.cycle,
    cycleDay: p.cycleDay,
    ...datesOf(p),
    status: 'planned',
    createdAt: at,
    updatedAt: at,
  };
}

/** Subjects of a version's study move to it from a date; only their unrecorded visits on or after it change. */
export function moveSubjects(ctx: ServiceContext, input: ParsedInputOf<'schedules.moveSubjects'>): number {
  const version = getVersionRow(ctx.db, input.versionId);
  const candidates = ctx.db
    .select()
    .from(subjects)
    .where(
      and(
        eq(subjects.studyId, version.studyId),
        input.subjectIds ? inArray(subjects.id, input.subjectIds) : sql`1 = 1`,
        inArray(subjects.status, ['screening', 'enrolled', 'on_treatment', 'follow_up']),
        sql`coalesce(${subjects.scheduleVersionId}, 0) <> ${version.id}`,
      ),
    )
    .all();
  if (input.subjectIds && candidates.length !== input.subjectIds.length) {
    const found = new Set(candidates.map((s) => s.id));
    const stray = input.subjectIds.find((id) => !found.has(id));
    throw fieldError('validation', 'subjectIds', 'visits.cannotMoveSubject', { id: stray ?? 0 });
  }
  ctx.db.transaction(
    (tx) => {
      for (const subject of candidates)
        syncSubjectVisits(ctx, tx, subject, { version, fromDate: input.fromDate, reason: input.reason });
    },
    { behavior: 'immediate' },
  );
  return candidates.length;
}

// ---------- reading ----------
export function subjectVisits(db: AppDb, subjectId: number): SubjectVisitsView {
  const subject = subjectRow(db, subjectId);
  const rows = db
    .select({
      visit: visits,
      enteredByName: users.displayName,
      deviationNumber: deviations.number,
    })
    .from(visits)
    .leftJoin(users, eq(users.id, visits.enteredBy))
    .leftJoin(deviations, eq(deviations.id, visits.deviationId))
    .where(eq(visits.subjectId, subjectId))
    .orderBy(asc(visits.calendarDate), asc(visits.seq))
    .all();
  const holidayOf = holidayCalendar(db);
  const version = subject.scheduleVersionId ? getVersionRow(db, subject.scheduleVersionId) : null;
  const plan = version ? planVisits(version.visits, anchorsOf(subject), subject.arm) : null;
  return {
    subjectId,
    versionId: version?.id ?? null,
    version: version?.version ?? null,
    visits: rows.map((r) => visitView(r.visit, r.enteredByName, r.deviationNumber, holidayOf)),
    waiting: isActiveSubject(subject.status) ? (plan?.waiting.filter((w) => w.why !== 'on_demand') ?? []) : [],
    onDemand: (version?.visits ?? [])
      .filter((l) => l.kind === 'on_demand')
      .map((l) => ({ code: l.code, name: l.name })),
  };
}

export const deviationLabel = (n: number): string => `DV-${String(n).padStart(3, '0')}`;

function visitView(
  v: VisitRow,
  enteredBy: string | null,
  deviationNumber: number | null,
  holidayOf: (date: string) => string | null,
): VisitView {
  const systemCancelled =
    isSystemCancelled(v) && (systemCancellations as readonly string[]).includes(v.reason ?? '')
      ? (v.reason as SystemCancellation)
      : null;
  return {
    id: v.id,
    subjectId: v.subjectId,
    code: v.code,
    name: v.name,
    seq: v.seq,
    cycle: v.cycle,
    cycleDay: v.cycleDay,
    unscheduled: v.unscheduled,
    targetDate: v.targetDate,
    windowStart: v.windowStart,
    windowEnd: v.windowEnd,
    status: v.status,
    actualDate: v.actualDate,
    reason: systemCancelled ? null : v.reason,
    systemCancelled,
    notes: v.notes,
    outOfWindow: v.outOfWindow,
    deviationDecision: v.deviationDecision,
    deviationId: v.deviationId,
    deviationNumber: deviationNumber === null ? null : deviationLabel(deviationNumber),
    deviationExplanation: v.deviationExplanation,
    targetHoliday: v.targetDate && v.status === 'planned' ? holidayOf(v.targetDate) : null,
    enteredBy,
    enteredAt: v.enteredAt,
    versionId: v.versionId,
  };
}

// ---------- recording ----------
const VISIT_FIELDS = ['status', 'actualDate', 'reason', 'notes', 'outOfWindow', 'deviationDecision'] as const;

function assertActualDate(ctx: ServiceContext, subject: SubjectRow, date: string): void {
  assertNotFuture(ctx, 'actualDate', date, 'visits.actualDateFuture');
  if (subject.firstConsentDate && date < subject.firstConsentDate)
    throw fieldError('validation', 'actualDate', 'visits.actualBeforeConsent', { date: subject.firstConsentDate });
}

function anchorsOnVisits(db: AppDb, subject: SubjectRow): boolean {
  if (!subject.scheduleVersionId) return false;
  return getVersionRow(db, subject.scheduleVersionId).visits.some((l) => l.anchor === 'visit');
}

/** Done outside its window or missed: the coordinator confirms a deviation or explains why there is none. */
export function decisionAfter(
  before: DeviationDecision | null,
  status: VisitRow['status'],
  outOfWindow: boolean,
): DeviationDecision | null {
  const needed = status === 'missed' || (status === 'done' && outOfWindow);
  if (before === 'confirmed') return 'confirmed'; // a raised deviation stays raised (and linked)
  if (!needed) return null;
  return before ?? 'proposed';
}

export function recordVisit(ctx: ServiceContext, input: ParsedInputOf<'visits.record'>): number {
  const before = getVisitRow(ctx.db, input.id);
  const subject = subjectRow(ctx.db, before.subjectId);
  const correction = before.status !== 'planned' && !isSystemCancelled(before);
  if (correction && !input.changeReason) throw fieldError('validation', 'changeReason', 'visits.changeReasonRequired');
  const actualDate = input.status === 'done' ? input.actualDate : null;
  if (input.status === 'done') {
    if (!actualDate) throw fieldError('validation', 'actualDate', 'visits.actualDateRequired');
    assertActualDate(ctx, subject, actualDate);
  }
  if ((input.status === 'not_done' || input.status === 'cancelled') && !input.reason)
    throw fieldError('validation', 'reason', 'visits.reasonRequired');
  if (before.unscheduled && input.status !== 'done' && input.status !== 'cancelled')
    throw fieldError('validation', 'status', 'visits.unscheduledDoneOnly');
  const outOfWindow =
    actualDate !== null &&
    before.windowStart !== null &&
    before.windowEnd !== null &&
    (actualDate < before.windowStart || actualDate > before.windowEnd);

  ctx.db.transaction(
    (tx) => {
      const at = ctx.now().toISOString();
      const after = tx
        .update(visits)
        .set({
          status: input.status,
          actualDate,
          reason: input.reason,
          notes: input.notes,
          outOfWindow,
          deviationDecision: decisionAfter(before.deviationDecision, input.status, outOfWindow),
          calendarDate: actualDate ?? before.targetDate ?? before.calendarDate,
          enteredBy: ctx.actor.id,
          enteredAt: at,
          updatedAt: at,
        })
        .where(eq(visits.id, before.id))
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'record',
        entity: 'visit',
        entityId: before.id,
        studyId: before.studyId,
        subjectId: before.subjectId,
        changes: { code: [before.code, before.code], ...diff(before, after, VISIT_FIELDS) },
        reason: input.changeReason,
      });
      // lines anchored on a visit count from its actual date once done: only they can move
      if (!before.unscheduled && anchorsOnVisits(ctx.db, subject)) syncSubjectVisits(ctx, tx, subject);
    },
    { behavior: 'immediate' },
  );
  return before.subjectId;
}

export function addUnscheduledVisit(ctx: ServiceContext, input: ParsedInputOf<'visits.addUnscheduled'>): void {
  const subject = subjectRow(ctx.db, input.subjectId);
  if (subject.status === 'screen_failed') throw new AppError('illegal_transition', 'visits.subjectNotInStudy');
  let name = input.name;
  if (input.code) {
    const version = subject.scheduleVersionId ? getVersionRow(ctx.db, subject.scheduleVersionId) : null;
    const line = version?.visits.find((l) => l.kind === 'on_demand' && l.code === input.code);
    if (!line) throw fieldError('validation', 'code', 'visits.unknownOnDemand', { code: input.code });
    name ??= line.name;
  }
  if (!name) throw fieldError('validation', 'name', 'visits.nameRequired');
  assertActualDate(ctx, subject, input.actualDate);
  ctx.db.transaction(
    (tx) => {
      const at = ctx.now().toISOString();
      const count = tx
        .select({ n: sql<number>`count(*)` })
        .from(visits)
        .where(and(eq(visits.subjectId, subject.id), eq(visits.unscheduled, true)))
        .get();
      const row = tx
        .insert(visits)
        .values({
          studyId: subject.studyId,
          centerId: subject.centerId,
          subjectId: subject.id,
          versionId: input.code ? subject.scheduleVersionId : null,
          code: input.code ?? 'UNS',
          name,
          seq: UNSCHEDULED_SEQ + (count?.n ?? 0),
          unscheduled: true,
          calendarDate: input.actualDate,
          status: 'done',
          actualDate: input.actualDate,
          reason: input.reason,
          notes: input.notes,
          enteredBy: ctx.actor.id,
          enteredAt: at,
          createdAt: at,
          updatedAt: at,
        })
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'create',
        entity: 'visit',
        entityId: row.id,
        studyId: row.studyId,
        subjectId: row.subjectId,
        changes: diff(null, row, ['code', 'name', 'unscheduled', 'status', 'actualDate', 'reason', 'notes']),
      });
    },
    { behavior: 'immediate' },
  );
}

/** The decision a proposed deviation asks for: raise it (linked to the visit) or explain why there is none. */
export function resolveDeviation(ctx: ServiceContext, input: ParsedInputOf<'visits.resolveDeviation'>): number {
  const before = getVisitRow(ctx.db, input.visitId);
  if (before.deviationDecision !== 'proposed') throw new AppError('conflict', 'visits.noDecisionNeeded');
  if (input.decision === 'explain' && !input.explanation)
    throw fieldError('validation', 'explanation', 'visits.explanationRequired');
  if (input.decision === 'confirm' && !input.deviation)
    throw fieldError('validation', 'deviation', 'visits.deviationRequired');
  ctx.db.transaction(
    (tx) => {
      const deviationId =
        input.decision === 'confirm' && input.deviation
          ? insertDeviation(ctx, tx, {
              studyId: before.studyId,
              subjectId: before.subjectId,
              visitId: before.id,
              fields: input.deviation,
            })
          : null;
      const after = tx
        .update(visits)
        .set({
          deviationDecision: input.decision === 'confirm' ? 'confirmed' : 'explained',
          deviationId,
          deviationExplanation: input.decision === 'explain' ? input.explanation : null,
          updatedAt: ctx.now().toISOString(),
        })
        .where(eq(visits.id, before.id))
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'deviation_decision',
        entity: 'visit',
        entityId: before.id,
        studyId: before.studyId,
        subjectId: before.subjectId,
        changes: diff(before, after, ['deviationDecision', 'deviationId', 'deviationExplanation']),
      });
    },
    { behavior: 'immediate' },
  );
  return before.subjectId;
}
