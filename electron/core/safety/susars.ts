/**
 * SUSAR reports received from the sponsor (GCP 2020 Art. 26): logged per study, read and acknowledged by an
 * investigator, and passed to the ethics committee (the date it was submitted).
 */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { susarReports, users } from '../../../db/schema';
import type { ParsedInputOf, SusarView } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { assertNotFuture } from '../dates';
import { fieldError, notFound } from '../errors';

type Fields = ParsedInputOf<'susars.create'>['fields'];
const SUSAR_FIELDS = [
  'sponsorReference',
  'receivedDate',
  'eventTerm',
  'reportType',
  'fatalOrLifeThreatening',
  'ethicsSubmittedDate',
  'notes',
] as const;

function checkFields(ctx: ServiceContext, studyId: number, f: Fields, exceptId: number | null): void {
  assertNotFuture(ctx, 'fields.receivedDate', f.receivedDate, 'safety.futureDate');
  if (f.ethicsSubmittedDate) {
    assertNotFuture(ctx, 'fields.ethicsSubmittedDate', f.ethicsSubmittedDate, 'safety.futureDate');
    if (f.ethicsSubmittedDate < f.receivedDate)
      throw fieldError('validation', 'fields.ethicsSubmittedDate', 'safety.ethicsBeforeReceived', {
        date: f.receivedDate,
      });
  }
  const taken = ctx.db
    .select({ id: susarReports.id })
    .from(susarReports)
    .where(
      and(
        eq(susarReports.studyId, studyId),
        sql`lower(${susarReports.sponsorReference}) = lower(${f.sponsorReference})`,
        exceptId === null ? undefined : ne(susarReports.id, exceptId),
      ),
    )
    .get();
  if (taken) throw fieldError('conflict', 'fields.sponsorReference', 'safety.susarReferenceTaken');
}

export function getSusarRow(db: AppDb, id: number) {
  const row = db.select().from(susarReports).where(eq(susarReports.id, id)).get();
  if (!row) throw notFound('susar_report');
  return row;
}
export const susarStudy = (db: AppDb, id: number): number => getSusarRow(db, id).studyId;

export function createSusar(ctx: ServiceContext, input: ParsedInputOf<'susars.create'>): number {
  checkFields(ctx, input.studyId, input.fields, null);
  return ctx.db.transaction(
    (tx) => {
      const now = ctx.now().toISOString();
      const row = tx
        .insert(susarReports)
        .values({ ...input.fields, studyId: input.studyId, createdBy: ctx.actor.id, createdAt: now, updatedAt: now })
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'create',
        entity: 'susar_report',
        entityId: row.id,
        studyId: row.studyId,
        changes: diff(null, row, SUSAR_FIELDS),
      });
      return row.id;
    },
    { behavior: 'immediate' },
  );
}

export function updateSusar(ctx: ServiceContext, input: ParsedInputOf<'susars.update'>): void {
  const before = getSusarRow(ctx.db, input.id);
  checkFields(ctx, before.studyId, input.fields, before.id);
  const changes = diff(before, { ...before, ...input.fields }, SUSAR_FIELDS);
  if (Object.keys(changes).length === 0) return;
  ctx.db.transaction(
    (tx) => {
      tx.update(susarReports)
        .set({ ...input.fields, updatedAt: ctx.now().toISOString() })
        .where(eq(susarReports.id, before.id))
        .run();
      recordAudit(ctx, {
        action: 'update',
        entity: 'susar_report',
        entityId: before.id,
        studyId: before.studyId,
        changes,
        reason: input.changeReason,
      });
    },
    { behavior: 'immediate' },
  );
}

/** The investigator has read the report (once; a second acknowledgement changes nothing). */
export function acknowledgeSusar(ctx: ServiceContext, id: number): void {
  const before = getSusarRow(ctx.db, id);
  if (before.acknowledgedAt) return;
  ctx.db.transaction(
    (tx) => {
      const at = ctx.now().toISOString();
      tx.update(susarReports)
        .set({ acknowledgedBy: ctx.actor.id, acknowledgedAt: at, updatedAt: at })
        .where(eq(susarReports.id, id))
        .run();
      recordAudit(ctx, {
        action: 'acknowledge',
        entity: 'susar_report',
        entityId: id,
        studyId: before.studyId,
        changes: { acknowledgedAt: [null, at], acknowledgedBy: [null, ctx.actor.username] },
      });
    },
    { behavior: 'immediate' },
  );
}

function selectViews(db: AppDb) {
  return db
    .select({
      id: susarReports.id,
      studyId: susarReports.studyId,
      sponsorReference: susarReports.sponsorReference,
      receivedDate: susarReports.receivedDate,
      eventTerm: susarReports.eventTerm,
      reportType: susarReports.reportType,
      fatalOrLifeThreatening: susarReports.fatalOrLifeThreatening,
      acknowledgedBy: users.displayName,
      acknowledgedAt: susarReports.acknowledgedAt,
      ethicsSubmittedDate: susarReports.ethicsSubmittedDate,
      notes: susarReports.notes,
      createdAt: susarReports.createdAt,
    })
    .from(susarReports)
    .leftJoin(users, eq(users.id, susarReports.acknowledgedBy));
}

export function listSusars(db: AppDb, studyId: number): SusarView[] {
  return selectViews(db)
    .where(eq(susarReports.studyId, studyId))
    .orderBy(desc(susarReports.receivedDate), desc(susarReports.id))
    .all();
}

export function getSusar(db: AppDb, id: number): SusarView {
  const row = selectViews(db).where(eq(susarReports.id, id)).get();
  if (!row) throw notFound('susar_report');
  return row;
}
