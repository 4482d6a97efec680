/**
 * Which studies a user may see and work on — the one place of that rule. Administrators see every study; everybody
 * else only the studies assigned to them (user_studies). A coordinator or investigator who creates a study is assigned
 * to it in the same transaction.
 */
import { and, eq } from 'drizzle-orm';
import {
  adverseEvents,
  centers,
  deviations,
  scheduleVersions,
  subjects,
  susarReports,
  userStudies,
  visits,
} from '../../../db/schema';
import type { Role } from '../../api';
import type { ParsedInputOf, StudyDetail } from '../../api/contract';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, notFound } from '../errors';
import { createStudy } from '../studies/studies';

/** Who is asking: enough of the session user to decide. */
export interface Viewer {
  id: number;
  role: Role;
}

export const seesAllStudies = (viewer: Viewer): boolean => viewer.role === 'admin';

export function assignedStudyIds(db: AppDb, userId: number): number[] {
  return db
    .select({ studyId: userStudies.studyId })
    .from(userStudies)
    .where(eq(userStudies.userId, userId))
    .orderBy(userStudies.studyId)
    .all()
    .map((r) => r.studyId);
}

/** The ids of the studies the viewer may see, or null for "all of them". */
export function visibleStudyIds(db: AppDb, viewer: Viewer): number[] | null {
  return seesAllStudies(viewer) ? null : assignedStudyIds(db, viewer.id);
}

export const notAssigned = (): AppError => new AppError('forbidden', 'errors.notAssigned');

/** Refuses a study the viewer is not assigned to (administrators pass). */
export function assertStudyAccess(db: AppDb, viewer: Viewer, studyId: number): void {
  if (seesAllStudies(viewer)) return;
  const row = db
    .select({ studyId: userStudies.studyId })
    .from(userStudies)
    .where(and(eq(userStudies.userId, viewer.id), eq(userStudies.studyId, studyId)))
    .get();
  if (!row) throw notAssigned();
}

/** The study a center belongs to, checked like the study itself. */
export function assertCenterAccess(db: AppDb, viewer: Viewer, centerId: number): void {
  const row = db.select({ studyId: centers.studyId }).from(centers).where(eq(centers.id, centerId)).get();
  if (!row) {
    if (seesAllStudies(viewer)) return; // the service answers not found
    throw notFound('center');
  }
  assertStudyAccess(db, viewer, row.studyId);
}

/** The study of a subject, checked like the study itself; returns the study id. */
export function assertSubjectAccess(db: AppDb, viewer: Viewer, subjectId: number): number {
  const row = db.select({ studyId: subjects.studyId }).from(subjects).where(eq(subjects.id, subjectId)).get();
  if (!row) throw notFound('subject');
  assertStudyAccess(db, viewer, row.studyId);
  return row.studyId;
}

/**
 * Creates a study; a non-administrator who creates it is assigned to it (one transaction: the study, its audit event,
 * the assignment and its audit event land together or not at all).
 */
export function createStudyAs(
  ctx: ServiceContext,
  viewer: Viewer,
  fields: ParsedInputOf<'studies.create'>,
): StudyDetail {
  return ctx.db.transaction(
    (tx) => {
      const study = createStudy(ctx, fields);
      if (!seesAllStudies(viewer)) {
        const before = assignedStudyIds(ctx.db, viewer.id);
        tx.insert(userStudies)
          .values({ userId: viewer.id, studyId: study.id, assignedAt: ctx.now().toISOString() })
          .run();
        recordAudit(ctx, {
          action: 'assign_studies',
          entity: 'user',
          entityId: viewer.id,
          studyId: study.id,
          changes: { studyIds: [before, [...before, study.id].sort((a, b) => a - b)] },
          reason: null,
        });
      }
      return study;
    },
    { behavior: 'immediate' },
  );
}

/** audit.forRecord: a study's or center's history follows the study; a user's history is for administrators (or the
 * user themself); settings history for administrators. */
/** The study of a visit, deviation, schedule version (issue 5), AE or SUSAR report (issue 6), or undefined for other
 * kinds. */
function recordStudy(db: AppDb, entity: string, id: number): number | undefined {
  const table = {
    visit: visits,
    deviation: deviations,
    schedule_version: scheduleVersions,
    adverse_event: adverseEvents,
    susar_report: susarReports,
  }[entity];
  if (!table) return undefined;
  const row = db.select({ studyId: table.studyId }).from(table).where(eq(table.id, id)).get();
  if (!row) throw notFound(entity);
  return row.studyId;
}

export function assertRecordAccess(db: AppDb, viewer: Viewer, entity: string, entityId: string): void {
  if (seesAllStudies(viewer)) return;
  const n = Number(entityId);
  if (entity === 'study' && Number.isInteger(n)) return assertStudyAccess(db, viewer, n);
  if (entity === 'center' && Number.isInteger(n)) return assertCenterAccess(db, viewer, n);
  if (entity === 'subject' && Number.isInteger(n)) return void assertSubjectAccess(db, viewer, n);
  if (entity === 'subject_setup' && Number.isInteger(n)) return assertStudyAccess(db, viewer, n);
  const owner = Number.isInteger(n) ? recordStudy(db, entity, n) : undefined;
  if (owner !== undefined) return assertStudyAccess(db, viewer, owner);
  if (entity === 'user' && n === viewer.id) return;
  throw new AppError('forbidden', 'errors.forbidden');
}
