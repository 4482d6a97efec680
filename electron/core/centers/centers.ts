import { asc, eq } from 'drizzle-orm';
import { centers, studies } from '../../../db/schema';
import type { Center, CenterStatus, ParsedInputOf } from '../../api/contract';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, fieldError, notFound } from '../errors';

type CenterFields = ParsedInputOf<'centers.update'>['fields'];
type CenterRow = typeof centers.$inferSelect;

const FIELDS = [
  'code',
  'hospitalName',
  'city',
  'pi',
  'isLead',
  'isOwn',
  'enrollmentTarget',
  'hardCap',
  'activationDate',
] as const satisfies readonly (keyof CenterFields)[];
/** Fields whose change must be explained: they drive numbering, enrollment limits and responsibility. */
const KEY_FIELDS: readonly (keyof CenterFields)[] = [
  'code',
  'pi',
  'isLead',
  'enrollmentTarget',
  'hardCap',
  'activationDate',
];

export function listCenters(db: AppDb, studyId: number): Center[] {
  return db.select().from(centers).where(eq(centers.studyId, studyId)).orderBy(asc(centers.code)).all();
}

export function getCenterRow(db: AppDb, id: number): CenterRow {
  const row = db.select().from(centers).where(eq(centers.id, id)).get();
  if (!row) throw notFound('center');
  return row;
}

/** Rules that involve other centers of the study or several fields at once. */
function assertCenterRules(db: AppDb, studyId: number, f: CenterFields, exceptId?: number): void {
  if (f.hardCap !== null && f.enrollmentTarget !== null && f.hardCap < f.enrollmentTarget) {
    throw fieldError('validation', 'hardCap', 'centers.hardCapBelowTarget', { target: f.enrollmentTarget });
  }
  const others = db
    .select({ id: centers.id, code: centers.code, isLead: centers.isLead, isOwn: centers.isOwn })
    .from(centers)
    .where(eq(centers.studyId, studyId))
    .all()
    .filter((c) => c.id !== exceptId);
  if (others.some((c) => c.code.toLowerCase() === f.code.toLowerCase())) {
    throw fieldError('conflict', 'code', 'centers.codeTaken', { code: f.code });
  }
  const lead = others.find((c) => c.isLead);
  if (f.isLead && lead) throw fieldError('conflict', 'isLead', 'centers.secondLead', { code: lead.code });
  const own = others.find((c) => c.isOwn);
  if (f.isOwn && own) throw fieldError('conflict', 'isOwn', 'centers.secondOwn', { code: own.code });
}

function assertStudyOpen(db: AppDb, studyId: number): void {
  const study = db.select({ status: studies.status }).from(studies).where(eq(studies.id, studyId)).get();
  if (!study) throw notFound('study');
  if (study.status === 'closed' || study.status === 'terminated') {
    throw new AppError('illegal_transition', 'centers.studyClosed', { params: { status: study.status } });
  }
}

export function createCenter(ctx: ServiceContext, studyId: number, fields: CenterFields): Center {
  return ctx.db.transaction(
    (tx) => {
      assertStudyOpen(ctx.db, studyId);
      assertCenterRules(ctx.db, studyId, fields);
      const now = ctx.now().toISOString();
      const row = tx
        .insert(centers)
        .values({
          ...fields,
          studyId,
          status: fields.activationDate ? 'active' : 'pending',
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'create',
        entity: 'center',
        entityId: row.id,
        studyId,
        changes: diff(null, row, [...FIELDS, 'status']),
      });
      return row;
    },
    { behavior: 'immediate' },
  );
}

export function updateCenter(ctx: ServiceContext, id: number, fields: CenterFields, reason: string | null): Center {
  return ctx.db.transaction(
    (tx) => {
      const before = getCenterRow(ctx.db, id);
      const changes = diff(before, fields, FIELDS);
      if (Object.keys(changes).length === 0) return before;
      const keyChanged = KEY_FIELDS.filter((f) => f in changes);
      if (keyChanged.length > 0 && !reason) {
        throw new AppError('validation', 'validation.reasonRequired', {
          field: 'reason',
          params: { fields: keyChanged.join(', ') },
        });
      }
      assertCenterRules(ctx.db, before.studyId, fields, id);
      const after = tx
        .update(centers)
        .set({ ...fields, updatedAt: ctx.now().toISOString() })
        .where(eq(centers.id, id))
        .returning()
        .get();
      recordAudit(ctx, { action: 'update', entity: 'center', entityId: id, studyId: before.studyId, changes, reason });
      return after;
    },
    { behavior: 'immediate' },
  );
}

/** pending → active (activation date), active → closed (reason), closed → active (re-opened, reason). */
export const centerTransitions: Record<CenterStatus, CenterStatus[]> = {
  pending: ['active', 'closed'],
  active: ['closed'],
  closed: ['active'],
};

export function changeCenterStatus(
  ctx: ServiceContext,
  id: number,
  to: CenterStatus,
  date: string | null,
  reason: string | null,
): Center {
  return ctx.db.transaction(
    (tx) => {
      const before = getCenterRow(ctx.db, id);
      if (!centerTransitions[before.status].includes(to)) {
        throw new AppError('illegal_transition', 'centers.illegalTransition', {
          field: 'status',
          params: { from: before.status, to },
        });
      }
      const activationDate = to === 'active' ? (date ?? before.activationDate) : before.activationDate;
      if (to === 'active' && !activationDate) throw fieldError('validation', 'date', 'centers.activationDateRequired');
      if ((to === 'closed' || before.status === 'closed') && !reason) {
        throw fieldError('validation', 'reason', 'validation.reasonRequiredForStatus');
      }
      const after = tx
        .update(centers)
        .set({ status: to, statusReason: reason, activationDate, updatedAt: ctx.now().toISOString() })
        .where(eq(centers.id, id))
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'status',
        entity: 'center',
        entityId: id,
        studyId: before.studyId,
        changes: diff(before, after, ['status', 'activationDate']),
        reason,
      });
      return after;
    },
    { behavior: 'immediate' },
  );
}
