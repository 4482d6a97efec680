/**
 * Adverse events (issue 6): the one place of the AE rules.
 * - Severity: the study's scale — a CTCAE grade the chosen term defines (any 1–5 for a verbatim term), or AESEV.
 * - Consistency a reviewer expects: dates in order and not in the future; an AE never starts before consent (that is
 *   medical history); ongoing ⇔ no end date; serious ⇔ at least one criterion; grade 5 ⇔ outcome FATAL ⇔ death criterion.
 *   Softer inconsistencies are warnings on the record (`warnings`), not refusals.
 * - Causality and expectedness are the investigator's: only an investigator sets or changes them.
 * - SAEs: the awareness instant starts the reporting clock (core/safety/clock.ts); reports are numbered, 0 = initial.
 * - Any change of the signed content clears the investigator's "AE assessed" flag: the AE is back in the sign-off queue.
 */
import { asc, eq, inArray, max, sql } from 'drizzle-orm';
import { adverseEvents, ctcaeTerms, saeReports, subjects, users, visits } from '../../../db/schema';
import { activeSubjectStatuses } from '../../../db/schema/vocabulary';
import type { AeFields, AeView, ParsedInputOf, Role, SaeReportView, SubjectAesView } from '../../api';
import type { FieldError } from '../../api/errors';
import { diff, recordAudit, type Changes } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { latestToday, localDate } from '../dates';
import { AppError, fieldError, notFound } from '../errors';
import { signaturesForMany, verifySigner, writeSignature } from '../signatures/signatures';
import { isRelated, isSusar, reportDueAt, saeClock, susarClock } from './clock';
import { safetySettingsOf, type SafetySettings } from './settings';
import { SIGNED_AE_FIELDS } from './signed-content';

export type AeRow = typeof adverseEvents.$inferSelect;
export type SubjectRow = typeof subjects.$inferSelect;

/** An instant may be this far ahead of the host's clock (workstation clocks differ by a little). */
const CLOCK_SKEW_MS = 5 * 60_000;
const RECOVERED: readonly string[] = ['RECOVERED/RESOLVED', 'RECOVERED/RESOLVED WITH SEQUELAE'];
const NOT_RECOVERED = 'NOT RECOVERED/NOT RESOLVED';

/** The fields an AE's audit events record. */
export const AE_FIELDS = [...SIGNED_AE_FIELDS, 'soc', 'related', 'visitId', 'notes', 'reportDueAt'] as const;

export function getAeRow(db: AppDb, id: number): AeRow {
  const row = db.select().from(adverseEvents).where(eq(adverseEvents.id, id)).get();
  if (!row) throw notFound('adverse_event');
  return row;
}
export const aeSubject = (db: AppDb, id: number): number => getAeRow(db, id).subjectId;

function subjectRow(db: AppDb, id: number): SubjectRow {
  const row = db.select().from(subjects).where(eq(subjects.id, id)).get();
  if (!row) throw notFound('subject');
  return row;
}

/** What an AE row stores from the typed fields once the rules pass (CTCAE term copied, clock computed). */
export type AeValues = AeFields & {
  ctcaeTerm: string | null;
  soc: string | null;
  related: boolean;
  reportDueAt: string | null;
};

/**
 * What the rules look up: the CTCAE term of a code, the subject of a visit. The screens ask the database per AE; an
 * import of 100,000 rows passes maps read once.
 */
export interface AeLookups {
  term(code: string): typeof ctcaeTerms.$inferSelect | undefined;
  visitSubject(visitId: number): number | undefined;
}
export const dbLookups = (db: AppDb): AeLookups => ({
  term: (code) => db.select().from(ctcaeTerms).where(eq(ctcaeTerms.meddraCode, code)).get(),
  visitSubject: (visitId) =>
    db.select({ subjectId: visits.subjectId }).from(visits).where(eq(visits.id, visitId)).get()?.subjectId,
});

/**
 * Checks an AE against every rule at once; refuses with all offending fields (prefixed `fields.`), or returns what to
 * store. `before` is the stored AE on an edit. `assessedElsewhere`: the causality and expectedness come from another
 * center's investigator (an import of another center's data), not from this user.
 */
export function checkAe(
  ctx: ServiceContext,
  subject: SubjectRow,
  settings: SafetySettings,
  role: Role,
  f: AeFields,
  before: AeRow | null,
  /** today: the latest date anywhere now (latestToday), given once by a caller checking many rows */
  opts: { lookups?: AeLookups; assessedElsewhere?: boolean; today?: string } = {},
): AeValues {
  const lookups = opts.lookups ?? dbLookups(ctx.db);
  const errors: FieldError[] = [];
  const refuse = (field: string, messageKey: string, params?: Record<string, string | number>) => {
    if (!errors.some((e) => e.field === `fields.${field}`))
      errors.push({ field: `fields.${field}`, messageKey, params });
  };
  const today = opts.today ?? latestToday(ctx);

  // severity on the study's scale; a CTCAE term's own grades
  let ctcaeTerm: string | null = null;
  let soc: string | null = null;
  let grade = f.grade;
  let severity = f.severity;
  if (settings.severityScale === 'ctcae') {
    severity = null;
    if (grade === null) refuse('grade', 'safety.gradeRequired');
  } else {
    grade = null;
    if (severity === null) refuse('severity', 'safety.severityRequired');
  }
  if (f.ctcaeCode) {
    const term = lookups.term(f.ctcaeCode);
    if (!term && before?.ctcaeCode === f.ctcaeCode) {
      // an AE coded elsewhere (seeded, imported) edited before this installation loaded the dictionary: its term stays
      ctcaeTerm = before.ctcaeTerm;
      soc = before.soc;
    } else if (!term) refuse('ctcaeCode', 'safety.unknownTerm', { code: f.ctcaeCode });
    else {
      ctcaeTerm = term.term;
      soc = term.soc;
      const defined = [term.grade1, term.grade2, term.grade3, term.grade4, term.grade5]
        .map((text, i) => (text ? i + 1 : 0))
        .filter((g) => g > 0);
      if (grade !== null && !defined.includes(grade))
        refuse('grade', 'safety.gradeNotDefined', { grade, term: term.term, grades: defined.join(', ') });
    }
  }

  // dates
  if (f.startDate > today) refuse('startDate', 'safety.futureDate');
  if (subject.firstConsentDate && f.startDate < subject.firstConsentDate)
    refuse('startDate', 'safety.beforeConsent', { consent: subject.firstConsentDate });
  if (f.endDate) {
    if (f.endDate > today) refuse('endDate', 'safety.futureDate');
    if (f.endDate < f.startDate) refuse('endDate', 'safety.endBeforeStart', { start: f.startDate });
    if (f.ongoing) refuse('endDate', 'safety.ongoingWithEnd');
  } else if (!f.ongoing) refuse('endDate', 'safety.endRequired');

  // seriousness and the clock
  const criteria = f.serious ? f.seriousCriteria : [];
  if (f.serious && criteria.length === 0) refuse('seriousCriteria', 'safety.criteriaRequired');
  if (!f.serious && f.seriousCriteria.length > 0) refuse('seriousCriteria', 'safety.criteriaWithoutSerious');
  const awarenessAt = f.serious ? f.awarenessAt : null;
  if (f.serious) {
    // another center's SAE runs on that center's clock: its awareness time is theirs, rarely in the file
    if (!awarenessAt) {
      if (!opts.assessedElsewhere) refuse('awarenessAt', 'safety.awarenessRequired');
    } else if (Date.parse(awarenessAt) > ctx.now().getTime() + CLOCK_SKEW_MS)
      refuse('awarenessAt', 'safety.futureTime');
    else if (localDate(new Date(awarenessAt)) < f.startDate)
      refuse('awarenessAt', 'safety.awarenessBeforeOnset', { start: f.startDate });
  }

  // grade 5 ⇔ fatal ⇔ death; a fatal event is over
  const fatal = f.outcome === 'FATAL';
  if (grade === 5 && !fatal) refuse('outcome', 'safety.grade5NeedsFatal');
  if (fatal && settings.severityScale === 'ctcae' && grade !== null && grade !== 5)
    refuse('grade', 'safety.fatalNeedsGrade5');
  if (fatal && !criteria.includes('death')) refuse('seriousCriteria', 'safety.fatalNeedsDeath');
  if (criteria.includes('death') && !fatal) refuse('outcome', 'safety.deathNeedsFatal');
  if (fatal && f.ongoing) refuse('ongoing', 'safety.fatalOngoing');

  // the investigator's assessment
  if (role !== 'investigator' && !opts.assessedElsewhere) {
    if (f.causality !== (before?.causality ?? null)) refuse('causality', 'safety.investigatorOnly');
    if (f.expected !== (before?.expected ?? null)) refuse('expected', 'safety.investigatorOnly');
  }

  if (f.visitId !== null) {
    if (lookups.visitSubject(f.visitId) !== subject.id) refuse('visitId', 'safety.visitNotSubject');
  }

  if (errors.length > 0) {
    const first = errors[0]!;
    throw new AppError('validation', first.messageKey, { params: first.params, fields: errors });
  }
  // the due instant is set once per awareness: a later change of the study's hours does not move it
  const dueAt =
    awarenessAt === null
      ? null
      : before && before.awarenessAt === awarenessAt && before.reportDueAt
        ? before.reportDueAt
        : reportDueAt(awarenessAt, settings.saeReportHours);
  // every field named (no spread): an import builds 100,000 of these, and a spread plus added fields is ~10× slower
  return {
    verbatimTerm: f.verbatimTerm,
    ctcaeCode: f.ctcaeCode ?? null,
    ctcaeTerm,
    soc,
    grade,
    severity,
    startDate: f.startDate,
    endDate: f.endDate,
    ongoing: f.ongoing,
    serious: f.serious,
    seriousCriteria: criteria,
    awarenessAt,
    reportDueAt: dueAt,
    expected: f.expected,
    causality: f.causality,
    related: isRelated(f.causality),
    action: f.action,
    treatment: f.treatment,
    outcome: f.outcome,
    visitId: f.visitId,
    notes: f.notes,
  };
}

/** Warnings a reviewer would raise that do not stop the record (message keys). */
export function aeWarnings(ae: AeRow): string[] {
  const out: string[] = [];
  if (ae.ongoing && ae.outcome && RECOVERED.includes(ae.outcome)) out.push('safety.warnRecoveredOngoing');
  if (!ae.ongoing && ae.outcome === NOT_RECOVERED) out.push('safety.warnEndedNotRecovered');
  if (ae.grade === 4 && !ae.serious) out.push('safety.warnGrade4NotSerious');
  if (ae.serious && (ae.causality === null || ae.expected === null)) out.push('safety.warnSaeNotAssessed');
  if (!ae.outcome) out.push('safety.warnNoOutcome');
  return out;
}

/** Audit changes of an AE, with the criteria list compared by value (the demo seed writes the same). */
export function aeChanges<T extends Pick<AeRow, (typeof AE_FIELDS)[number]>>(before: T | null, after: T): Changes {
  const changes = diff(
    before,
    after,
    AE_FIELDS.filter((f) => f !== 'seriousCriteria'),
  );
  const oldCriteria = before ? JSON.stringify(before.seriousCriteria) : '[]';
  if (oldCriteria !== JSON.stringify(after.seriousCriteria))
    changes.seriousCriteria = [before?.seriousCriteria ?? null, after.seriousCriteria];
  return changes;
}

/** Records an AE; returns its id. */
export function createAe(ctx: ServiceContext, input: ParsedInputOf<'aes.create'>, role: Role): number {
  const subject = subjectRow(ctx.db, input.subjectId);
  const settings = safetySettingsOf(ctx.db, subject.studyId);
  const values = checkAe(ctx, subject, settings, role, input.fields, null);
  return ctx.db.transaction(
    (tx) => {
      const next =
        (tx
          .select({ n: max(adverseEvents.aeNumber) })
          .from(adverseEvents)
          .where(eq(adverseEvents.subjectId, subject.id))
          .get()?.n ?? 0) + 1;
      const now = ctx.now().toISOString();
      const row = tx
        .insert(adverseEvents)
        .values({
          ...values,
          studyId: subject.studyId,
          centerId: subject.centerId,
          subjectId: subject.id,
          aeNumber: next,
          createdBy: ctx.actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'create',
        entity: 'adverse_event',
        entityId: row.id,
        studyId: row.studyId,
        subjectId: row.subjectId,
        changes: aeChanges(null, row),
      });
      return row.id;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Edits an AE (with its reason). A change of the signed content clears the investigator's "assessed" flag, in the same
 * write; an edit that changes nothing writes nothing.
 */
export function updateAe(ctx: ServiceContext, input: ParsedInputOf<'aes.update'>, role: Role): void {
  const before = getAeRow(ctx.db, input.id);
  const subject = subjectRow(ctx.db, before.subjectId);
  const settings = safetySettingsOf(ctx.db, subject.studyId);
  const values = checkAe(ctx, subject, settings, role, input.fields, before);
  const changes = aeChanges(before, { ...before, ...values });
  if (Object.keys(changes).length === 0) return;
  const signedChanged = SIGNED_AE_FIELDS.some((f) => f in changes);
  ctx.db.transaction(
    (tx) => {
      tx.update(adverseEvents)
        .set({
          ...values,
          assessmentSigned: signedChanged ? false : before.assessmentSigned,
          updatedAt: ctx.now().toISOString(),
        })
        .where(eq(adverseEvents.id, before.id))
        .run();
      if (signedChanged && before.assessmentSigned) changes.assessmentSigned = [true, false];
      recordAudit(ctx, {
        action: 'update',
        entity: 'adverse_event',
        entityId: before.id,
        studyId: before.studyId,
        subjectId: before.subjectId,
        changes,
        reason: input.changeReason,
      });
    },
    { behavior: 'immediate' },
  );
}

/** The initial SAE report to the sponsor (the first one) or the next numbered follow-up. */
export function reportSae(ctx: ServiceContext, input: ParsedInputOf<'aes.reportSae'>): void {
  const ae = getAeRow(ctx.db, input.aeId);
  if (!ae.serious || !ae.awarenessAt) throw fieldError('validation', 'aeId', 'safety.notSerious');
  if (Date.parse(input.sentAt) > ctx.now().getTime() + CLOCK_SKEW_MS)
    throw fieldError('validation', 'sentAt', 'safety.futureTime');
  if (input.sentAt < ae.awarenessAt) throw fieldError('validation', 'sentAt', 'safety.reportBeforeAwareness');
  ctx.db.transaction(
    (tx) => {
      const previous = tx
        .select()
        .from(saeReports)
        .where(eq(saeReports.aeId, ae.id))
        .orderBy(asc(saeReports.number))
        .all();
      const last = previous.at(-1);
      if (last && input.sentAt < last.sentAt)
        throw fieldError('validation', 'sentAt', 'safety.followUpBeforePrevious', { number: last.number });
      const number = previous.length;
      const now = ctx.now().toISOString();
      tx.insert(saeReports)
        .values({
          aeId: ae.id,
          number,
          sentAt: input.sentAt,
          recipient: input.recipient,
          method: input.method,
          notes: input.notes,
          createdBy: ctx.actor.id,
          createdAt: now,
        })
        .run();
      if (number === 0)
        tx.update(adverseEvents)
          .set({ reportedAt: input.sentAt, updatedAt: now })
          .where(eq(adverseEvents.id, ae.id))
          .run();
      recordAudit(ctx, {
        action: 'report',
        entity: 'adverse_event',
        entityId: ae.id,
        studyId: ae.studyId,
        subjectId: ae.subjectId,
        changes: {
          report: [null, number === 0 ? 'initial' : `follow-up ${number}`],
          sentAt: [null, input.sentAt],
          recipient: [null, input.recipient],
          method: [null, input.method],
          ...(number === 0 && ae.reportDueAt ? { onTime: [null, input.sentAt <= ae.reportDueAt] } : {}),
        },
      });
    },
    { behavior: 'immediate' },
  );
}

// ---------- views ----------

/** The AE views of some AEs (one subject's log, one AE): reports, visit codes and signatures read in batches. */
export function aeViews(db: AppDb, now: Date, rows: readonly AeRow[]): AeView[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const reports = new Map<number, SaeReportView[]>();
  for (const r of db
    .select({
      id: saeReports.id,
      aeId: saeReports.aeId,
      number: saeReports.number,
      sentAt: saeReports.sentAt,
      recipient: saeReports.recipient,
      method: saeReports.method,
      notes: saeReports.notes,
      createdBy: users.displayName,
    })
    .from(saeReports)
    .leftJoin(users, eq(users.id, saeReports.createdBy))
    .where(inArray(saeReports.aeId, ids))
    .orderBy(asc(saeReports.number))
    .all()) {
    const { aeId, ...view } = r;
    reports.set(aeId, [...(reports.get(aeId) ?? []), view]);
  }
  const visitIds = rows.flatMap((r) => (r.visitId ? [r.visitId] : []));
  const visitCodes = new Map(
    visitIds.length
      ? db
          .select({ id: visits.id, code: visits.code })
          .from(visits)
          .where(inArray(visits.id, visitIds))
          .all()
          .map((v) => [v.id, v.code])
      : [],
  );
  const labels = new Map(
    db
      .select({ id: subjects.id, label: sql<string>`coalesce(${subjects.subjectNumber}, ${subjects.screeningNumber})` })
      .from(subjects)
      .where(inArray(subjects.id, [...new Set(rows.map((r) => r.subjectId))]))
      .all()
      .map((s) => [s.id, s.label]),
  );
  const signatures = signaturesForMany(db, 'adverse_event', ids, 'ae_assessed');
  const hours = new Map<number, number>();
  const hoursOf = (studyId: number) => {
    if (!hours.has(studyId)) hours.set(studyId, safetySettingsOf(db, studyId).saeReportHours);
    return hours.get(studyId)!;
  };
  return rows.map((ae) => {
    const latest = signatures.get(ae.id)?.[0] ?? null;
    return {
      id: ae.id,
      studyId: ae.studyId,
      centerId: ae.centerId,
      subjectId: ae.subjectId,
      subjectLabel: labels.get(ae.subjectId) ?? '',
      aeNumber: ae.aeNumber,
      verbatimTerm: ae.verbatimTerm,
      ctcaeCode: ae.ctcaeCode,
      ctcaeTerm: ae.ctcaeTerm,
      soc: ae.soc,
      grade: ae.grade,
      severity: ae.severity,
      startDate: ae.startDate,
      endDate: ae.endDate,
      ongoing: ae.ongoing,
      serious: ae.serious,
      seriousCriteria: ae.seriousCriteria,
      expected: ae.expected,
      causality: ae.causality,
      related: ae.related,
      action: ae.action,
      treatment: ae.treatment,
      outcome: ae.outcome,
      visitId: ae.visitId,
      visitCode: ae.visitId ? (visitCodes.get(ae.visitId) ?? null) : null,
      notes: ae.notes,
      susar: isSusar(ae),
      sae:
        ae.serious && ae.awarenessAt && ae.reportDueAt
          ? saeClock(
              now,
              { awarenessAt: ae.awarenessAt, reportDueAt: ae.reportDueAt, reportedAt: ae.reportedAt },
              hoursOf(ae.studyId),
            )
          : null,
      susarClock: isSusar(ae) ? susarClock(ae) : null,
      reports: reports.get(ae.id) ?? [],
      signature: latest ? (latest.valid ? 'valid' : 'invalidated') : 'none',
      signedBy: latest?.signerName ?? null,
      signedAt: latest?.signedAt ?? null,
      warnings: aeWarnings(ae),
      createdAt: ae.createdAt,
      updatedAt: ae.updatedAt,
    };
  });
}

export function getAe(db: AppDb, now: Date, id: number): AeView {
  return aeViews(db, now, [getAeRow(db, id)])[0]!;
}

/** A subject's AE log, by AE number. `afterWrite` = the AE just saved (to offer "withdrawn – death" after a fatal one). */
export function subjectAes(db: AppDb, now: Date, subjectId: number, afterWrite: number | null = null): SubjectAesView {
  const subject = subjectRow(db, subjectId);
  const rows = db
    .select()
    .from(adverseEvents)
    .where(eq(adverseEvents.subjectId, subjectId))
    .orderBy(asc(adverseEvents.aeNumber))
    .all();
  const written = afterWrite === null ? null : rows.find((r) => r.id === afterWrite);
  return {
    subjectId,
    severityScale: safetySettingsOf(db, subject.studyId).severityScale,
    aes: aeViews(db, now, rows),
    offerDeathWithdrawal:
      written?.outcome === 'FATAL' && (activeSubjectStatuses as readonly string[]).includes(subject.status),
  };
}

export const aeStudy = (db: AppDb, id: number): number => getAeRow(db, id).studyId;

/**
 * Batch sign-off: one password entry, then one "AE assessed" signature per AE, all in one transaction — every AE must
 * be signable (assessed), or nothing is signed and the refusal names the first that is not.
 */
export async function signAes(ctx: ServiceContext, input: ParsedInputOf<'aes.sign'>): Promise<number> {
  const ids = [...new Set(input.ids)];
  const rows = ctx.db.select().from(adverseEvents).where(inArray(adverseEvents.id, ids)).all();
  if (rows.length !== ids.length) throw notFound('adverse_event');
  const unassessed = rows.find((r) => r.causality === null || r.expected === null);
  if (unassessed) {
    const label = ctx.db
      .select({ label: sql<string>`coalesce(${subjects.subjectNumber}, ${subjects.screeningNumber})` })
      .from(subjects)
      .where(eq(subjects.id, unassessed.subjectId))
      .get()?.label;
    throw fieldError('validation', 'ids', 'safety.notAssessableIn', {
      subject: label ?? '',
      number: String(unassessed.aeNumber).padStart(2, '0'), // AE-01, as the screens show it
    });
  }
  const signer = await verifySigner(ctx, input.password, {
    entity: 'adverse_event',
    entityId: rows[0]!.id,
    meaning: 'ae_assessed',
    studyId: rows[0]!.studyId,
  });
  ctx.db.transaction(
    (tx) => {
      for (const id of ids) writeSignature(ctx, tx, signer, 'adverse_event', id, 'ae_assessed');
    },
    { behavior: 'immediate' },
  );
  return ids.length;
}
