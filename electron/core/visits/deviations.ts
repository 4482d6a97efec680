/**
 * Protocol deviations: per subject (raised from a visit or on their own) or study-level, numbered per study (DV-001),
 * with reporting dates to the sponsor and the ethics committee. The study's deviation log reads them in date order.
 */
import { eq, sql } from 'drizzle-orm';
import { deviations, subjects } from '../../../db/schema';
import type { DeviationView, ParsedInputOf } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext, Tx } from '../context';
import { assertNotFuture } from '../dates';
import { fieldError, notFound } from '../errors';

type Fields = ParsedInputOf<'deviations.create'>['fields'];
/** The fields a deviation's audit events record (the demo seeder writes the same). */
export const DEVIATION_FIELDS = [
  'occurredDate',
  'category',
  'description',
  'severity',
  'correctiveAction',
  'reportedSponsorDate',
  'reportedEthicsDate',
] as const;

function checkFields(ctx: ServiceContext, f: Fields, prefix = ''): void {
  assertNotFuture(ctx, `${prefix}occurredDate`, f.occurredDate, 'deviations.futureDate');
  for (const field of ['reportedSponsorDate', 'reportedEthicsDate'] as const) {
    const date = f[field];
    if (!date) continue;
    assertNotFuture(ctx, `${prefix}${field}`, date, 'deviations.futureDate');
    if (date < f.occurredDate)
      throw fieldError('validation', `${prefix}${field}`, 'deviations.reportBeforeOccurred', { date: f.occurredDate });
  }
}

/** Inside the caller's transaction (a deviation raised from a visit lands with the visit's decision). */
export function insertDeviation(
  ctx: ServiceContext,
  tx: Tx,
  input: { studyId: number; subjectId: number | null; visitId: number | null; fields: Fields },
): number {
  const prefix = input.visitId ? 'deviation.' : 'fields.';
  checkFields(ctx, input.fields, prefix);
  let centerId: number | null = null;
  if (input.subjectId !== null) {
    const subject = tx
      .select({ studyId: subjects.studyId, centerId: subjects.centerId })
      .from(subjects)
      .where(eq(subjects.id, input.subjectId))
      .get();
    if (!subject || subject.studyId !== input.studyId)
      throw fieldError('validation', 'subjectId', 'deviations.subjectOfOtherStudy');
    centerId = subject.centerId;
  }
  const next =
    tx
      .select({ n: sql<number>`coalesce(max(${deviations.number}), 0) + 1` })
      .from(deviations)
      .where(eq(deviations.studyId, input.studyId))
      .get()?.n ?? 1;
  const at = ctx.now().toISOString();
  const row = tx
    .insert(deviations)
    .values({
      ...input.fields,
      studyId: input.studyId,
      number: next,
      subjectId: input.subjectId,
      centerId,
      visitId: input.visitId,
      createdBy: ctx.actor.id,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  recordAudit(ctx, {
    action: 'create',
    entity: 'deviation',
    entityId: row.id,
    studyId: row.studyId,
    subjectId: row.subjectId,
    changes: { number: [null, row.number], visitId: [null, row.visitId], ...diff(null, row, DEVIATION_FIELDS) },
  });
  return row.id;
}

export function createDeviation(ctx: ServiceContext, input: ParsedInputOf<'deviations.create'>): number {
  return ctx.db.transaction(
    (tx) =>
      insertDeviation(ctx, tx, {
        studyId: input.studyId,
        subjectId: input.subjectId,
        visitId: null,
        fields: input.fields,
      }),
    { behavior: 'immediate' },
  );
}

export function getDeviationRow(db: AppDb, id: number) {
  const row = db.select().from(deviations).where(eq(deviations.id, id)).get();
  if (!row) throw notFound('deviation');
  return row;
}

export function updateDeviation(ctx: ServiceContext, input: ParsedInputOf<'deviations.update'>): void {
  const before = getDeviationRow(ctx.db, input.id);
  checkFields(ctx, input.fields, 'fields.');
  ctx.db.transaction(
    (tx) => {
      const after = tx
        .update(deviations)
        .set({ ...input.fields, updatedAt: ctx.now().toISOString() })
        .where(eq(deviations.id, before.id))
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'update',
        entity: 'deviation',
        entityId: before.id,
        studyId: before.studyId,
        subjectId: before.subjectId,
        changes: diff(before, after, DEVIATION_FIELDS),
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
}

const LIST_SQL = `SELECT d.id, d.study_id, d.number, d.subject_id, coalesce(s.subject_number, s.screening_number) AS subject_label,
  c.code AS center_code, d.visit_id, v.code AS visit_code, d.occurred_date, d.category, d.description, d.severity,
  d.corrective_action, d.reported_sponsor_date, d.reported_ethics_date, coalesce(u.display_name, 'system') AS created_by,
  d.created_at, d.updated_at
FROM deviations d
LEFT JOIN subjects s ON s.id = d.subject_id
LEFT JOIN centers c ON c.id = d.center_id
LEFT JOIN visits v ON v.id = d.visit_id
LEFT JOIN users u ON u.id = d.created_by`;

interface ListRow {
  id: number;
  study_id: number;
  number: number;
  subject_id: number | null;
  subject_label: string | null;
  center_code: string | null;
  visit_id: number | null;
  visit_code: string | null;
  occurred_date: string;
  category: DeviationView['category'];
  description: string;
  severity: DeviationView['severity'];
  corrective_action: string | null;
  reported_sponsor_date: string | null;
  reported_ethics_date: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const view = (r: ListRow): DeviationView => ({
  id: r.id,
  studyId: r.study_id,
  number: `DV-${String(r.number).padStart(3, '0')}`,
  subjectId: r.subject_id,
  subjectLabel: r.subject_label,
  centerCode: r.center_code,
  visitId: r.visit_id,
  visitCode: r.visit_code,
  occurredDate: r.occurred_date,
  category: r.category,
  description: r.description,
  severity: r.severity,
  correctiveAction: r.corrective_action,
  reportedSponsorDate: r.reported_sponsor_date,
  reportedEthicsDate: r.reported_ethics_date,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The study's deviation log (date order), optionally by center, subject, category and date range. */
export function listDeviations(db: AppDb, q: ParsedInputOf<'deviations.list'>): DeviationView[] {
  const where = ['d.study_id = @studyId'];
  if (q.centerId) where.push('d.center_id = @centerId');
  if (q.subjectId) where.push('d.subject_id = @subjectId');
  if (q.category) where.push('d.category = @category');
  if (q.from) where.push('d.occurred_date >= @from');
  if (q.to) where.push('d.occurred_date <= @to');
  const rows = db.$client
    .prepare(`${LIST_SQL} WHERE ${where.join(' AND ')} ORDER BY d.occurred_date, d.number`)
    .all({ ...q }) as ListRow[];
  return rows.map(view);
}

export function getDeviation(db: AppDb, id: number): DeviationView {
  const row = db.$client.prepare(`${LIST_SQL} WHERE d.id = ?`).get(id) as ListRow | undefined;
  if (!row) throw notFound('deviation');
  return view(row);
}

/** The study a deviation belongs to (access checks). */
export const deviationStudy = (db: AppDb, id: number): number => getDeviationRow(db, id).studyId;
