import { and, asc, desc, eq, inArray, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { studies } from '../../../db/schema';
import type { ParsedInputOf, Study, StudyDetail, StudyListItem, StudyStatus } from '../../api/contract';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, fieldError, notFound } from '../errors';
import { listCenters } from '../centers/centers';
import { latestSignature, signatureStates } from '../signatures/signatures';
import { nextStudyStatuses, studyStatusNeedsReason } from './status';

type StudyRow = typeof studies.$inferSelect;
type StudyFields = ParsedInputOf<'studies.create'>;

const FIELDS = [
  'protocolNumber',
  'title',
  'shortTitle',
  'sponsor',
  'cro',
  'phase',
  'indication',
  'therapeuticArea',
  'registrationNumber',
  'sitePi',
  'ethicsApprovalDate',
  'protocolVersion',
  'protocolVersionDate',
  'enrollmentTarget',
] as const satisfies readonly (keyof StudyFields)[];

/** Fields whose change on an existing study must be explained (GCP: key data changed after entry). */
const KEY_FIELDS: readonly (keyof StudyFields)[] = [
  'protocolNumber',
  'phase',
  'registrationNumber',
  'sitePi',
  'ethicsApprovalDate',
  'protocolVersion',
  'protocolVersionDate',
  'enrollmentTarget',
];

function toStudy(row: StudyRow): Study {
  const { statusBeforeSuspension: _hidden, ...study } = row;
  return study;
}

/** The signature meaning a site investigator gives to a protocol version (see core/signatures). */
export const PROTOCOL_APPROVAL = 'protocol_version_approved';

export function getStudyRow(db: AppDb, id: number): StudyRow {
  const row = db.select().from(studies).where(eq(studies.id, id)).get();
  if (!row) throw notFound('study');
  return row;
}

export function getStudy(db: AppDb, id: number): StudyDetail {
  const row = getStudyRow(db, id);
  return {
    ...toStudy(row),
    centers: listCenters(db, id),
    nextStatuses: nextStudyStatuses(row.status, row.statusBeforeSuspension),
    protocolApproval: latestSignature(db, 'study', id, PROTOCOL_APPROVAL),
  };
}

const sortColumns = {
  protocolNumber: studies.protocolNumber,
  shortTitle: studies.shortTitle,
  status: studies.status,
  phase: studies.phase,
  updatedAt: studies.updatedAt,
} as const;

/** `visibleIds`: only these studies (a non-administrator's assignments, core/accounts/access); null for all. */
export function listStudies(
  db: AppDb,
  q: ParsedInputOf<'studies.list'>,
  visibleIds: readonly number[] | null = null,
): StudyListItem[] {
  const where: SQL[] = [];
  if (visibleIds) where.push(inArray(studies.id, [...visibleIds]));
  if (q.status) where.push(eq(studies.status, q.status));
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const match = (col: AnyColumn) => sql`${col} LIKE ${pattern} ESCAPE '\\'`;
    where.push(
      or(
        match(studies.protocolNumber),
        match(studies.shortTitle),
        match(studies.title),
        match(studies.sponsor),
        match(studies.indication),
      )!,
    );
  }
  const sortCol = sortColumns[q.sort];
  const rows = db
    .select({
      id: studies.id,
      protocolNumber: studies.protocolNumber,
      shortTitle: studies.shortTitle,
      title: studies.title,
      sponsor: studies.sponsor,
      phase: studies.phase,
      therapeuticArea: studies.therapeuticArea,
      status: studies.status,
      sitePi: studies.sitePi,
      enrollmentTarget: studies.enrollmentTarget,
      updatedAt: studies.updatedAt,
      // spelt out: inside a one-table select drizzle renders columns unqualified, and `id` would bind to centers.id
      centerCount: sql<number>`(SELECT count(*) FROM centers c WHERE c.study_id = studies.id)`,
    })
    .from(studies)
    .where(where.length ? and(...where) : undefined)
    .orderBy(q.order === 'asc' ? asc(sortCol) : desc(sortCol), asc(studies.id))
    .limit(q.limit)
    .all();
  const approvals = signatureStates(
    db,
    'study',
    rows.map((r) => r.id),
    PROTOCOL_APPROVAL,
  );
  return rows.map((r) => ({ ...r, protocolApproval: approvals.get(r.id) ?? 'none' }));
}

function assertProtocolNumberFree(db: AppDb, protocolNumber: string, exceptId?: number): void {
  const clash = db
    .select({ id: studies.id })
    .from(studies)
    .where(sql`lower(${studies.protocolNumber}) = lower(${protocolNumber})`)
    .get();
  if (clash && clash.id !== exceptId) {
    throw fieldError('conflict', 'protocolNumber', 'studies.protocolNumberTaken', { value: protocolNumber });
  }
}

export function createStudy(ctx: ServiceContext, fields: StudyFields): StudyDetail {
  const id = ctx.db.transaction(
    (tx) => {
      assertProtocolNumberFree(ctx.db, fields.protocolNumber);
      const now = ctx.now().toISOString();
      const row = tx
        .insert(studies)
        .values({ ...fields, status: 'planning', createdAt: now, updatedAt: now })
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'create',
        entity: 'study',
        entityId: row.id,
        studyId: row.id,
        changes: diff(null, { ...row }, [...FIELDS, 'status']),
      });
      return row.id;
    },
    { behavior: 'immediate' },
  );
  return getStudy(ctx.db, id);
}

export function updateStudy(ctx: ServiceContext, id: number, fields: StudyFields, reason: string | null): StudyDetail {
  ctx.db.transaction(
    (tx) => {
      const before = getStudyRow(ctx.db, id);
      const changes = diff(before, fields, FIELDS);
      if (Object.keys(changes).length === 0) return;
      const keyChanged = KEY_FIELDS.filter((f) => f in changes);
      if (keyChanged.length > 0 && !reason) {
        throw new AppError('validation', 'validation.reasonRequired', {
          field: 'reason',
          params: { fields: keyChanged.join(', ') },
        });
      }
      if ('protocolNumber' in changes) assertProtocolNumberFree(ctx.db, fields.protocolNumber, id);
      tx.update(studies)
        .set({ ...fields, updatedAt: ctx.now().toISOString() })
        .where(eq(studies.id, id))
        .run();
      recordAudit(ctx, { action: 'update', entity: 'study', entityId: id, studyId: id, changes, reason });
    },
    { behavior: 'immediate' },
  );
  return getStudy(ctx.db, id);
}

export function changeStudyStatus(
  ctx: ServiceContext,
  id: number,
  to: StudyStatus,
  reason: string | null,
): StudyDetail {
  ctx.db.transaction(
    (tx) => {
      const before = getStudyRow(ctx.db, id);
      const allowed = nextStudyStatuses(before.status, before.statusBeforeSuspension);
      if (!allowed.includes(to)) {
        throw new AppError('illegal_transition', 'studies.illegalTransition', {
          field: 'status',
          params: { from: before.status, to },
        });
      }
      if (studyStatusNeedsReason(before.status, to) && !reason) {
        throw fieldError('validation', 'reason', 'validation.reasonRequiredForStatus');
      }
      tx.update(studies)
        .set({
          status: to,
          statusReason: reason,
          statusBeforeSuspension: to === 'suspended' ? before.status : null,
          updatedAt: ctx.now().toISOString(),
        })
        .where(eq(studies.id, id))
        .run();
      recordAudit(ctx, {
        action: 'status',
        entity: 'study',
        entityId: id,
        studyId: id,
        changes: { status: [before.status, to] },
        reason,
      });
    },
    { behavior: 'immediate' },
  );
  return getStudy(ctx.db, id);
}
