/**
 * Schedule versions of a study: the lines of its schedule of activities, checked (anchors, cycles, arms, loops) before
 * anything is written. A version nobody follows yet may be edited; after that a protocol amendment is a new version,
 * and subjects move to it from a date (visits.ts moveSubjects).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { scheduleVersions, studies, subjects, visits } from '../../../db/schema';
import type { ParsedInputOf, ScheduleVersionView, SchedulePreview, VisitDefinition } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, fieldError, notFound } from '../errors';
import { setupOf } from '../subjects/setup';
import { lineOf, planVisits } from './plan';

type VersionRow = typeof scheduleVersions.$inferSelect;

export function getVersionRow(db: AppDb, id: number): VersionRow {
  const row = db.select().from(scheduleVersions).where(eq(scheduleVersions.id, id)).get();
  if (!row) throw notFound('schedule_version');
  return row;
}

/** The newest version of a study (new subjects follow it), or null before a schedule exists. */
export function currentVersion(db: AppDb, studyId: number): VersionRow | null {
  return (
    db
      .select()
      .from(scheduleVersions)
      .where(eq(scheduleVersions.studyId, studyId))
      .orderBy(desc(scheduleVersions.id))
      .limit(1)
      .get() ?? null
  );
}

export function listVersions(db: AppDb, studyId: number): ScheduleVersionView[] {
  const counts = new Map(
    db
      .select({ versionId: subjects.scheduleVersionId, n: sql<number>`count(*)` })
      .from(subjects)
      .where(eq(subjects.studyId, studyId))
      .groupBy(subjects.scheduleVersionId)
      .all()
      .map((r) => [r.versionId, r.n]),
  );
  const rows = db
    .select()
    .from(scheduleVersions)
    .where(eq(scheduleVersions.studyId, studyId))
    .orderBy(desc(scheduleVersions.id))
    .all();
  return rows.map((r, i) => ({
    id: r.id,
    studyId: r.studyId,
    version: r.version,
    effectiveDate: r.effectiveDate,
    notes: r.notes,
    visits: r.visits,
    subjectCount: counts.get(r.id) ?? 0,
    current: i === 0,
    createdAt: r.createdAt,
  }));
}

/** Only the fields a line's kind uses are kept, so that a stored line says exactly what it means. */
function normalise(line: VisitDefinition): VisitDefinition {
  const dated = line.kind !== 'on_demand';
  return {
    ...line,
    anchorCode: dated && line.anchor === 'visit' ? line.anchorCode : null,
    dayOffset: dated ? line.dayOffset : null,
    cycleLength: line.kind === 'cycles' ? line.cycleLength : null,
    cycleCount: line.kind === 'cycles' ? line.cycleCount : null,
    cycleDays: line.kind === 'cycles' ? [...new Set(line.cycleDays)].sort((a, b) => a - b) : [],
    interval: line.kind === 'every' ? line.interval : null,
    count: line.kind === 'every' ? line.count : null,
  };
}

/**
 * The rules a schedule must meet; the first broken one is refused on its line's field (`visits.3.cycleLength`).
 * Returns the normalised lines.
 */
export function checkLines(lines: readonly VisitDefinition[], arms: readonly string[]): VisitDefinition[] {
  const out = lines.map(normalise);
  const at = (i: number, field: string, key: string, params?: Record<string, string | number>) =>
    fieldError('validation', `visits.${i}.${field}`, key, params);
  const byCode = new Map<string, number>();
  out.forEach((line, i) => {
    if (byCode.has(line.code.toLowerCase())) throw at(i, 'code', 'visits.duplicateCode', { code: line.code });
    byCode.set(line.code.toLowerCase(), i);
  });
  out.forEach((line, i) => {
    if (line.kind !== 'on_demand') {
      if (line.dayOffset === null) throw at(i, 'dayOffset', 'visits.dayOffsetRequired');
      if (line.anchor === 'visit') {
        if (!line.anchorCode) throw at(i, 'anchorCode', 'visits.anchorCodeRequired');
        const target = byCode.get(line.anchorCode.toLowerCase());
        if (target === undefined) throw at(i, 'anchorCode', 'visits.anchorUnknown', { code: line.anchorCode });
        if (target === i) throw at(i, 'anchorCode', 'visits.anchorSelf');
        if (out[target]?.kind === 'on_demand') throw at(i, 'anchorCode', 'visits.anchorOnDemand');
        line.anchorCode = out[target]?.code ?? line.anchorCode;
      }
    }
    if (line.kind === 'cycles') {
      if (line.cycleLength === null) throw at(i, 'cycleLength', 'visits.cycleLengthRequired');
      if (line.cycleCount === null) throw at(i, 'cycleCount', 'visits.cycleCountRequired');
      if (line.cycleDays.length === 0) throw at(i, 'cycleDays', 'visits.cycleDaysRequired');
      const beyond = line.cycleDays.find((d) => d > (line.cycleLength ?? 0));
      if (beyond !== undefined)
        throw at(i, 'cycleDays', 'visits.cycleDayBeyondLength', { day: beyond, length: line.cycleLength });
    }
    if (line.kind === 'every') {
      if (line.interval === null) throw at(i, 'interval', 'visits.intervalRequired');
      if (line.count === null) throw at(i, 'count', 'visits.countRequired');
    }
    const unknownArm = line.arms.find((a) => !arms.includes(a));
    if (unknownArm) throw at(i, 'arms', 'visits.unknownArm', { code: unknownArm });
  });
  // anchor loops: following anchors from any line must end at a subject date, never come back
  out.forEach((line, i) => {
    const seen = new Set<string>();
    let current: VisitDefinition | undefined = line;
    while (current?.anchor === 'visit' && current.anchorCode) {
      if (seen.has(current.code)) {
        throw at(i, 'anchorCode', 'visits.anchorLoop', { codes: [...seen].join(' → ') });
      }
      seen.add(current.code);
      const next = byCode.get(current.anchorCode.toLowerCase());
      current = next === undefined ? undefined : out[next];
    }
  });
  // the codes the lines generate (C1D1, FU2 …) must not collide with each other
  const everyDay = { consent: '2000-01-01', enrollment: '2000-01-01', first_dose: '2000-01-01' };
  const generated = new Map<string, string>();
  for (const visit of planVisits(
    out.map((l) => ({ ...l, arms: [] })),
    everyDay,
    null,
  ).visits) {
    const key = visit.code.toLowerCase();
    if (generated.has(key)) throw at(lineOf(visit), 'code', 'visits.duplicateCode', { code: visit.code });
    generated.set(key, visit.code);
  }
  return out;
}

export function previewSchedule(db: AppDb, input: ParsedInputOf<'schedules.preview'>): SchedulePreview {
  const arms = setupOf(db, input.studyId).arms.map((a) => a.code);
  const lines = checkLines(input.visits, arms);
  return planVisits(
    lines,
    { consent: input.anchors.consent, enrollment: input.anchors.enrollment, first_dose: input.anchors.firstDose },
    input.arm,
  );
}

const VERSION_FIELDS = ['version', 'effectiveDate', 'notes', 'visits'] as const;

export function saveSchedule(ctx: ServiceContext, input: ParsedInputOf<'schedules.save'>): ScheduleVersionView[] {
  if (!ctx.db.select({ id: studies.id }).from(studies).where(eq(studies.id, input.studyId)).get())
    throw notFound('study');
  const lines = checkLines(
    input.visits,
    setupOf(ctx.db, input.studyId).arms.map((a) => a.code),
  );
  const before = input.versionId ? getVersionRow(ctx.db, input.versionId) : null;
  if (before && before.studyId !== input.studyId) throw notFound('schedule_version');
  if (before && inUse(ctx.db, before)) throw new AppError('conflict', 'visits.versionInUse');
  const taken = ctx.db
    .select({ id: scheduleVersions.id })
    .from(scheduleVersions)
    .where(
      and(
        eq(scheduleVersions.studyId, input.studyId),
        sql`lower(${scheduleVersions.version}) = lower(${input.version})`,
      ),
    )
    .get();
  if (taken && taken.id !== before?.id) throw fieldError('conflict', 'version', 'visits.versionTaken');

  ctx.db.transaction(
    (tx) => {
      const at = ctx.now().toISOString();
      const fields = { version: input.version, effectiveDate: input.effectiveDate, notes: input.notes, visits: lines };
      const after = before
        ? tx
            .update(scheduleVersions)
            .set({ ...fields, updatedAt: at })
            .where(eq(scheduleVersions.id, before.id))
            .returning()
            .get()
        : tx
            .insert(scheduleVersions)
            .values({ ...fields, studyId: input.studyId, createdAt: at, updatedAt: at })
            .returning()
            .get();
      const changes = diff(before, after, VERSION_FIELDS);
      // the lines are compared as JSON: the stored arrays are new objects either way
      if (before && JSON.stringify(before.visits) === JSON.stringify(after.visits)) delete changes.visits;
      recordAudit(ctx, {
        action: before ? 'update' : 'create',
        entity: 'schedule_version',
        entityId: after.id,
        studyId: input.studyId,
        changes,
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
  return listVersions(ctx.db, input.studyId);
}

/** A version is in use once a subject follows it or a visit was planned from it. */
function inUse(db: AppDb, version: VersionRow): boolean {
  const followed = db
    .select({ id: subjects.id })
    .from(subjects)
    .where(and(eq(subjects.studyId, version.studyId), eq(subjects.scheduleVersionId, version.id)))
    .limit(1)
    .get();
  const planned = db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.studyId, version.studyId), eq(visits.versionId, version.id)))
    .limit(1)
    .get();
  return !!followed || !!planned;
}
