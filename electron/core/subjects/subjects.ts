/**
 * Subjects: registration at screening (with the first consent for our own center), consent, screening outcome,
 * enrollment against the center's target and hard cap, the status path, and the subject view. Every write is one
 * transaction with its audit event (subject_id set, so the trail filters by subject). Rules live here only.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { centers, consents, consentVersions, studies, subjects } from '../../../db/schema';
import type { ParsedInputOf, Role, SubjectDetail, SubjectStatus, TimelineEntry } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import { assertNotFuture as assertDateNotFuture } from '../dates';
import type { AppDb, ServiceContext, Tx } from '../context';
import { AppError, fieldError, notFound } from '../errors';
import {
  contentHash,
  signaturesFor,
  subjectSignedContent,
  verifySigner,
  writeSignature,
} from '../signatures/signatures';
import { assertNumberFree, claimNumber, proposeNumber } from './numbering';
import { PERSONAL_FIELDS, seesPersonalFields } from './privacy';
import { setupOf } from './setup';
import { ENROLLED_STATUSES, isActiveSubject, nextSubjectStatuses, STATUS_DATE } from './status';
import { syncSubjectVisits } from '../visits/visits';

type SubjectRow = typeof subjects.$inferSelect;
type CenterRow = typeof centers.$inferSelect;
/** Who is asking: the role decides whether personal fields are shown; investigators may override the hard cap. */
export interface SubjectViewer {
  id: number;
  role: Role;
}

// ---------- reading ----------
export function getSubjectRow(db: AppDb, id: number): SubjectRow {
  const row = db.select().from(subjects).where(eq(subjects.id, id)).get();
  if (!row) throw notFound('subject');
  return row;
}

function centerRow(db: AppDb, centerId: number): CenterRow {
  const row = db.select().from(centers).where(eq(centers.id, centerId)).get();
  if (!row) throw notFound('center');
  return row;
}

function studyRow(db: AppDb, studyId: number) {
  const row = db.select().from(studies).where(eq(studies.id, studyId)).get();
  if (!row) throw notFound('study');
  return row;
}

/** Whole years between a birth date (or only the year: 1 July assumed) and a date. */
export function ageAt(birthDate: string | null, birthYear: number | null, at: string | null): number | null {
  if (!at) return null;
  const birth = birthDate ?? (birthYear ? `${birthYear}-07-01` : null);
  if (!birth) return null;
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = at.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const assertNotFuture = (ctx: ServiceContext, field: string, date: string) =>
  assertDateNotFuture(ctx, field, date, 'subjects.futureDate');

function needsReconsent(db: AppDb, row: SubjectRow, own: boolean): boolean {
  if (!own || !isActiveSubject(row.status)) return false;
  const current = setupOf(db, row.studyId).currentConsentVersionId;
  return current !== null && row.lastConsentVersionId !== current;
}

const isUnconfirmed = (row: SubjectRow) =>
  (ENROLLED_STATUSES as readonly string[]).includes(row.status) && !row.eligibilityConfirmed;

export function getSubject(db: AppDb, viewer: SubjectViewer, id: number): SubjectDetail {
  const row = getSubjectRow(db, id);
  const center = centerRow(db, row.centerId);
  const consentRows = db
    .select({
      id: consents.id,
      consentVersionId: consents.consentVersionId,
      version: consentVersions.version,
      versionDate: consentVersions.versionDate,
      signedDate: consents.signedDate,
      obtainedBy: consents.obtainedBy,
      notes: consents.notes,
      createdAt: consents.createdAt,
    })
    .from(consents)
    .innerJoin(consentVersions, eq(consentVersions.id, consents.consentVersionId))
    .where(eq(consents.subjectId, id))
    .orderBy(asc(consents.signedDate), asc(consents.id))
    .all();
  const signatures = signaturesFor(db, 'subject', id);
  const eligibilitySignature = signatures.find((s) => s.meaning === 'eligibility_confirmed') ?? null;

  const timeline: TimelineEntry[] = [
    ...consentRows.map((c) => ({
      date: c.signedDate,
      kind: 'consent' as const,
      code: c.version,
      detail: c.obtainedBy,
      invalidated: false,
    })),
    ...(Object.entries(STATUS_DATE) as [SubjectStatus, (typeof STATUS_DATE)[SubjectStatus]][])
      .flatMap(([status, column]) => {
        const date = row[column];
        return date ? [{ status, date }] : [];
      })
      .map(({ status, date }) => ({
        date,
        kind: 'status' as const,
        code: status,
        detail:
          status === 'withdrawn'
            ? [row.withdrawalReason, row.withdrawalDetail].filter(Boolean).join(': ')
            : status === 'screen_failed'
              ? [row.screenFailureReason, row.screenFailureDetail].filter(Boolean).join(': ')
              : status === 'enrolled'
                ? row.capOverrideReason
                : null,
        invalidated: false,
      })),
    ...signatures.map((s) => ({
      date: s.signedAt,
      kind: 'signature' as const,
      code: s.meaning,
      detail: s.signerName,
      invalidated: !s.valid,
    })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  const own = center.isOwn;
  return {
    id: row.id,
    studyId: row.studyId,
    centerId: row.centerId,
    centerCode: center.code,
    ownCenter: own,
    screeningNumber: row.screeningNumber,
    subjectNumber: row.subjectNumber,
    initials: row.initials,
    sex: row.sex,
    birthDate: row.birthDate,
    birthYear: row.birthYear,
    age: ageAt(row.birthDate, row.birthYear, row.firstConsentDate ?? row.screeningDate),
    arm: row.arm,
    strata: row.strata,
    personal:
      own && seesPersonalFields(viewer.role)
        ? { name: row.name, recordNumber: row.recordNumber, idNumber: row.idNumber, phone: row.phone }
        : null,
    status: row.status,
    screeningDate: row.screeningDate,
    eligibility: row.eligibility,
    screenFailureDate: row.screenFailureDate,
    screenFailureReason: row.screenFailureReason,
    screenFailureDetail: row.screenFailureDetail,
    enrollmentDate: row.enrollmentDate,
    capOverrideReason: row.capOverrideReason,
    treatmentStartDate: row.treatmentStartDate,
    followUpDate: row.followUpDate,
    completionDate: row.completionDate,
    withdrawalDate: row.withdrawalDate,
    withdrawalReason: row.withdrawalReason,
    withdrawalDetail: row.withdrawalDetail,
    consents: consentRows,
    needsReconsent: needsReconsent(db, row, own),
    eligibilitySignature,
    unconfirmed: isUnconfirmed(row),
    nextStatuses: nextSubjectStatuses(row.status),
    timeline,
    updatedAt: row.updatedAt,
  };
}

// ---------- writing ----------
/** The fields a subject's create/update events record, in this order (the demo seeder writes the same). */
export const SUBJECT_FIELDS = [
  'screeningNumber',
  'subjectNumber',
  'initials',
  'sex',
  'birthDate',
  'birthYear',
  'arm',
  'name',
  'recordNumber',
  'idNumber',
  'phone',
] as const satisfies readonly (keyof SubjectRow)[];
/** Changes to these must be explained (personal fields and strata are corrected without a reason). */
const KEY_FIELDS: readonly string[] = [
  'screeningNumber',
  'subjectNumber',
  'initials',
  'sex',
  'birthDate',
  'birthYear',
  'arm',
];

type Personal = ParsedInputOf<'subjects.register'>['personal'];
const hasPersonal = (p: Personal) => !!p && PERSONAL_FIELDS.some((f) => p[f] !== null);

function assertPersonalAllowed(own: boolean, personal: Personal): void {
  if (!own && hasPersonal(personal)) throw fieldError('validation', 'personal', 'subjects.personalOwnCenterOnly');
}

/** birth year follows the birth date when both are known */
const birthYearOf = (birthDate: string | null, birthYear: number | null) =>
  birthDate ? Number(birthDate.slice(0, 4)) : birthYear;

function subjectAudit(
  ctx: ServiceContext,
  row: Pick<SubjectRow, 'id' | 'studyId'>,
  action: 'create' | 'update' | 'status' | 'consent' | 'screen' | 'enroll' | 'cap_override',
  changes: Record<string, [unknown, unknown]>,
  reason?: string | null,
): void {
  recordAudit(ctx, {
    action,
    entity: 'subject',
    entityId: row.id,
    studyId: row.studyId,
    subjectId: row.id,
    changes,
    reason,
  });
}

/**
 * Writes a change to a subject and keeps the "eligibility confirmed" flag true only while the signed content is
 * unchanged: the list filter "unconfirmed" reads the flag instead of hashing every row.
 */
function writeSubject(ctx: ServiceContext, tx: Tx, before: SubjectRow, set: Partial<SubjectRow>): SubjectRow {
  const next = { ...before, ...set };
  const invalidates =
    before.eligibilityConfirmed &&
    contentHash(subjectSignedContent(before)) !== contentHash(subjectSignedContent(next));
  const after = tx
    .update(subjects)
    .set({ ...set, ...(invalidates ? { eligibilityConfirmed: false } : {}), updatedAt: ctx.now().toISOString() })
    .where(eq(subjects.id, before.id))
    .returning()
    .get();
  // the visit plan follows the subject's dates, arm and status (issue 5): planned when an anchor date becomes known,
  // moved when it is corrected, cancelled when participation ends — recorded visits never move
  if (PLAN_INPUTS.some((f) => before[f] !== after[f])) syncSubjectVisits(ctx, tx, after);
  return after;
}
const PLAN_INPUTS = [
  'firstConsentDate',
  'enrollmentDate',
  'treatmentStartDate',
  'arm',
  'status',
] as const satisfies readonly (keyof SubjectRow)[];

function consentVersionOf(db: AppDb, studyId: number, consentVersionId: number, field: string) {
  const version = db.select().from(consentVersions).where(eq(consentVersions.id, consentVersionId)).get();
  if (!version || version.studyId !== studyId) throw fieldError('validation', field, 'subjects.unknownConsentVersion');
  return version;
}

type ConsentInput = ParsedInputOf<'subjects.recordConsent'>;

/** Inserts a consent and moves the subject's consent markers (latest version signed, first consent date). */
function insertConsent(
  ctx: ServiceContext,
  tx: Tx,
  subject: SubjectRow,
  input: Omit<ConsentInput, 'subjectId'>,
  fieldPrefix: string,
): SubjectRow {
  const version = consentVersionOf(ctx.db, subject.studyId, input.consentVersionId, `${fieldPrefix}consentVersionId`);
  if (input.signedDate < version.approvedDate)
    throw fieldError('validation', `${fieldPrefix}signedDate`, 'subjects.consentBeforeApproval', {
      date: version.approvedDate,
    });
  assertNotFuture(ctx, `${fieldPrefix}signedDate`, input.signedDate);
  const row = tx
    .insert(consents)
    .values({ ...input, subjectId: subject.id, createdBy: ctx.actor.id, createdAt: ctx.now().toISOString() })
    .returning()
    .get();
  // the latest version signed: by approval date, so that a late-entered older consent does not hide a newer one
  const last = subject.lastConsentVersionId
    ? ctx.db.select().from(consentVersions).where(eq(consentVersions.id, subject.lastConsentVersionId)).get()
    : undefined;
  const newer = !last || version.approvedDate >= last.approvedDate;
  const updated = writeSubject(ctx, tx, subject, {
    lastConsentVersionId: newer ? version.id : subject.lastConsentVersionId,
    firstConsentDate:
      subject.firstConsentDate && subject.firstConsentDate < input.signedDate
        ? subject.firstConsentDate
        : input.signedDate,
  });
  subjectAudit(ctx, subject, 'consent', {
    consentId: [null, row.id],
    version: [null, version.version],
    signedDate: [null, input.signedDate],
    obtainedBy: [null, input.obtainedBy],
  });
  return updated;
}

/** Registration at screening. Our own center: the first consent comes with it (no screening before consent). */
export function registerSubject(ctx: ServiceContext, input: ParsedInputOf<'subjects.register'>): number {
  const study = studyRow(ctx.db, input.studyId);
  if (study.status !== 'enrolling' && study.status !== 'followup')
    throw new AppError('illegal_transition', 'subjects.studyNotOpen', { params: { status: study.status } });
  const center = centerRow(ctx.db, input.centerId);
  if (center.studyId !== input.studyId) throw fieldError('validation', 'centerId', 'subjects.centerOfOtherStudy');
  if (center.status !== 'active')
    throw fieldError('validation', 'centerId', 'subjects.centerNotActive', { code: center.code });
  assertPersonalAllowed(center.isOwn, input.personal);
  if (center.isOwn && !input.consent) throw fieldError('validation', 'consent', 'subjects.consentRequired');
  if (!center.isOwn && input.consent) throw fieldError('validation', 'consent', 'subjects.consentOwnCenterOnly');

  return ctx.db.transaction(
    (tx) => {
      assertNumberFree(ctx.db, {
        studyId: input.studyId,
        kind: 'screening',
        number: input.screeningNumber,
        subjectId: null,
      });
      const at = ctx.now().toISOString();
      const personal = center.isOwn ? input.personal : undefined;
      const row = tx
        .insert(subjects)
        .values({
          studyId: input.studyId,
          centerId: input.centerId,
          screeningNumber: input.screeningNumber,
          initials: input.initials,
          sex: input.sex,
          birthDate: input.birthDate,
          birthYear: birthYearOf(input.birthDate, input.birthYear),
          strata: input.strata,
          name: personal?.name ?? null,
          recordNumber: personal?.recordNumber ?? null,
          idNumber: personal?.idNumber ?? null,
          phone: personal?.phone ?? null,
          status: 'screening',
          eligibility: {},
          createdAt: at,
          updatedAt: at,
        })
        .returning()
        .get();
      claimNumber(tx, ctx.db, {
        studyId: row.studyId,
        kind: 'screening',
        number: row.screeningNumber,
        subjectId: row.id,
        at,
      });
      subjectAudit(ctx, row, 'create', {
        ...diff(null, row, SUBJECT_FIELDS),
        centerId: [null, row.centerId],
        status: [null, 'screening'],
      });
      if (input.consent) insertConsent(ctx, tx, row, input.consent, 'consent.');
      return row.id;
    },
    { behavior: 'immediate' },
  );
}

export function updateSubject(ctx: ServiceContext, input: ParsedInputOf<'subjects.update'>): void {
  const before = getSubjectRow(ctx.db, input.id);
  const center = centerRow(ctx.db, before.centerId);
  const f = input.fields;
  assertPersonalAllowed(center.isOwn, f.personal);
  if (f.subjectNumber !== null && before.subjectNumber === null)
    throw fieldError('validation', 'subjectNumber', 'subjects.enrollFirst');
  if (f.subjectNumber === null && before.subjectNumber !== null)
    throw fieldError('validation', 'subjectNumber', 'validation.required');
  if (f.arm !== null && !setupOf(ctx.db, before.studyId).arms.some((a) => a.code === f.arm))
    throw fieldError('validation', 'arm', 'subjects.unknownArm');
  const next = {
    screeningNumber: f.screeningNumber,
    subjectNumber: f.subjectNumber,
    initials: f.initials,
    sex: f.sex,
    birthDate: f.birthDate,
    birthYear: birthYearOf(f.birthDate, f.birthYear),
    arm: f.arm,
    strata: f.strata,
    // personal fields not sent (a monitor's form never has them) stay as they are
    ...(f.personal && center.isOwn ? f.personal : {}),
  };
  const changes = diff(before, { ...before, ...next }, SUBJECT_FIELDS);
  if (JSON.stringify(before.strata) !== JSON.stringify(f.strata))
    changes.strata = [JSON.stringify(before.strata), JSON.stringify(f.strata)];
  if (Object.keys(changes).length === 0) return;
  const keyChanged = KEY_FIELDS.filter((k) => k in changes);
  if (keyChanged.length > 0 && !input.reason)
    throw new AppError('validation', 'validation.reasonRequired', {
      field: 'reason',
      params: { fields: keyChanged.join(', ') },
    });
  ctx.db.transaction(
    (tx) => {
      const at = ctx.now().toISOString();
      if ('screeningNumber' in changes)
        claimNumber(tx, ctx.db, {
          studyId: before.studyId,
          kind: 'screening',
          number: f.screeningNumber,
          subjectId: before.id,
          at,
        });
      if ('subjectNumber' in changes && f.subjectNumber)
        claimNumber(tx, ctx.db, {
          studyId: before.studyId,
          kind: 'subject',
          number: f.subjectNumber,
          subjectId: before.id,
          at,
        });
      writeSubject(ctx, tx, before, next);
      subjectAudit(ctx, before, 'update', changes, input.reason);
    },
    { behavior: 'immediate' },
  );
}

export function recordConsent(ctx: ServiceContext, input: ConsentInput): void {
  const subject = getSubjectRow(ctx.db, input.subjectId);
  if (!centerRow(ctx.db, subject.centerId).isOwn)
    throw fieldError('validation', 'consentVersionId', 'subjects.consentOwnCenterOnly');
  if (!isActiveSubject(subject.status)) throw new AppError('illegal_transition', 'subjects.subjectNotActive');
  const { subjectId: _subjectId, ...consent } = input;
  ctx.db.transaction((tx) => insertConsent(ctx, tx, subject, consent, ''), { behavior: 'immediate' });
}

/** Screening: the checklist (every criterion answered), and the outcome it supports; a screen failure ends the path. */
export function screenSubject(ctx: ServiceContext, input: ParsedInputOf<'subjects.screen'>): void {
  const before = getSubjectRow(ctx.db, input.id);
  if (before.status !== 'screening')
    throw new AppError('illegal_transition', 'subjects.illegalTransition', {
      params: { from: before.status, to: input.outcome === 'eligible' ? 'screening' : 'screen_failed' },
    });
  const center = centerRow(ctx.db, before.centerId);
  if (center.isOwn) {
    if (!before.firstConsentDate) throw fieldError('validation', 'screeningDate', 'subjects.consentRequired');
    if (input.screeningDate < before.firstConsentDate)
      throw fieldError('validation', 'screeningDate', 'subjects.screeningBeforeConsent', {
        date: before.firstConsentDate,
      });
  }
  assertNotFuture(ctx, 'screeningDate', input.screeningDate);
  const setup = setupOf(ctx.db, before.studyId);
  const missing = setup.criteria.filter((c) => typeof input.eligibility[c.code] !== 'boolean').map((c) => c.code);
  if (missing.length > 0)
    throw fieldError('validation', 'eligibility', 'subjects.checklistIncomplete', { codes: missing.join(', ') });
  const eligibility = Object.fromEntries(setup.criteria.map((c) => [c.code, input.eligibility[c.code]!]));
  const eligibleByChecklist = setup.criteria.every((c) =>
    c.kind === 'inclusion' ? eligibility[c.code] : !eligibility[c.code],
  );
  if (input.outcome === 'eligible' && !eligibleByChecklist)
    throw fieldError('validation', 'outcome', 'subjects.checklistNotEligible');
  const failed = input.outcome === 'screen_failed';
  if (failed && !input.screenFailureReason && !input.screenFailureDetail)
    throw fieldError('validation', 'screenFailureReason', 'subjects.screenFailureReasonRequired');
  if (
    failed &&
    input.screenFailureReason &&
    !setup.screenFailureReasons.some((r) => r.code === input.screenFailureReason)
  )
    throw fieldError('validation', 'screenFailureReason', 'subjects.unknownScreenFailureReason');

  const set: Partial<SubjectRow> = {
    screeningDate: input.screeningDate,
    eligibility,
    ...(failed
      ? {
          status: 'screen_failed',
          screenFailureDate: input.screeningDate,
          screenFailureReason: input.screenFailureReason,
          screenFailureDetail: input.screenFailureDetail,
        }
      : {}),
  };
  ctx.db.transaction(
    (tx) => {
      const after = writeSubject(ctx, tx, before, set);
      const changes = diff(before, after, [
        'screeningDate',
        'status',
        'screenFailureDate',
        'screenFailureReason',
        'screenFailureDetail',
      ]);
      if (JSON.stringify(before.eligibility) !== JSON.stringify(after.eligibility))
        changes.eligibility = [JSON.stringify(before.eligibility), JSON.stringify(after.eligibility)];
      subjectAudit(ctx, before, 'screen', changes);
    },
    { behavior: 'immediate' },
  );
}

/** Ever-enrolled subjects of a center (they count against its target and hard cap). */
export function enrolledAtCenter(db: AppDb, studyId: number, centerId: number): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(subjects)
    .where(
      and(
        eq(subjects.studyId, studyId),
        eq(subjects.centerId, centerId),
        inArray(subjects.status, [...ENROLLED_STATUSES]),
      ),
    )
    .get();
  return row?.n ?? 0;
}

export function enrollmentCheck(db: AppDb, id: number) {
  const subject = getSubjectRow(db, id);
  const center = centerRow(db, subject.centerId);
  const study = studyRow(db, subject.studyId);
  const enrolled = enrolledAtCenter(db, subject.studyId, subject.centerId);
  const setup = setupOf(db, subject.studyId);
  return {
    proposedSubjectNumber: proposeNumber(db, subject.studyId, 'subject', setup.subjectPattern, center.code),
    enrolled,
    target: center.enrollmentTarget,
    hardCap: center.hardCap,
    atTarget: center.enrollmentTarget !== null && enrolled + 1 >= center.enrollmentTarget,
    overCap: center.hardCap !== null && enrolled + 1 > center.hardCap,
    studyEnrolling: study.status === 'enrolling',
    centerActive: center.status === 'active',
  };
}

/**
 * Enrollment: the study enrolling, the center active, screened eligible, the date after consent and screening, an arm
 * from the study's list. Beyond the center's hard cap only an investigator may enroll, with a reason and a signature.
 */
export async function enrollSubject(
  ctx: ServiceContext,
  viewer: SubjectViewer,
  input: ParsedInputOf<'subjects.enroll'>,
): Promise<void> {
  const before = getSubjectRow(ctx.db, input.id);
  if (before.status !== 'screening' || !before.screeningDate)
    throw new AppError('illegal_transition', 'subjects.notEligible');
  const study = studyRow(ctx.db, before.studyId);
  if (study.status !== 'enrolling')
    throw new AppError('illegal_transition', 'subjects.studyNotEnrolling', { params: { status: study.status } });
  const center = centerRow(ctx.db, before.centerId);
  if (center.status !== 'active')
    throw new AppError('illegal_transition', 'subjects.centerNotActive', { params: { code: center.code } });
  if (before.firstConsentDate && input.enrollmentDate < before.firstConsentDate)
    throw fieldError('validation', 'enrollmentDate', 'subjects.enrollmentBeforeConsent', {
      date: before.firstConsentDate,
    });
  if (input.enrollmentDate < before.screeningDate)
    throw fieldError('validation', 'enrollmentDate', 'subjects.enrollmentBeforeScreening', {
      date: before.screeningDate,
    });
  assertNotFuture(ctx, 'enrollmentDate', input.enrollmentDate);
  const arms = setupOf(ctx.db, before.studyId).arms;
  if (arms.length > 0 && !input.arm) throw fieldError('validation', 'arm', 'subjects.armRequired');
  if (input.arm && !arms.some((a) => a.code === input.arm))
    throw fieldError('validation', 'arm', 'subjects.unknownArm');

  const overCap = () =>
    center.hardCap !== null && enrolledAtCenter(ctx.db, before.studyId, before.centerId) + 1 > center.hardCap;
  let signer: { id: number; displayName: string } | null = null;
  if (overCap()) {
    if (!input.capOverride)
      throw new AppError('conflict', 'subjects.overCap', { params: { code: center.code, cap: center.hardCap ?? 0 } });
    if (viewer.role !== 'investigator') throw new AppError('forbidden', 'subjects.overrideInvestigatorOnly');
    signer = await verifySigner(
      ctx,
      input.capOverride.password,
      { entity: 'subject', entityId: before.id, meaning: 'over_cap_enrollment_approved', studyId: before.studyId },
      'capOverride.password',
      'subjects.wrongPassword',
    );
  }

  ctx.db.transaction(
    (tx) => {
      // counted again inside the write lock: two workstations cannot both take the last place
      const beyond = overCap();
      if (beyond && !signer)
        throw new AppError('conflict', 'subjects.overCap', { params: { code: center.code, cap: center.hardCap ?? 0 } });
      const at = ctx.now().toISOString();
      claimNumber(tx, ctx.db, {
        studyId: before.studyId,
        kind: 'subject',
        number: input.subjectNumber,
        subjectId: before.id,
        at,
      });
      const after = writeSubject(ctx, tx, before, {
        status: 'enrolled',
        enrollmentDate: input.enrollmentDate,
        subjectNumber: input.subjectNumber,
        arm: input.arm,
        capOverrideReason: beyond ? (input.capOverride?.reason ?? null) : null,
      });
      subjectAudit(
        ctx,
        before,
        'enroll',
        diff(before, after, ['status', 'enrollmentDate', 'subjectNumber', 'arm', 'capOverrideReason']),
      );
      if (beyond && signer) {
        subjectAudit(
          ctx,
          before,
          'cap_override',
          { hardCap: [null, center.hardCap], centerCode: [null, center.code] },
          input.capOverride?.reason,
        );
        writeSignature(ctx, tx, signer, 'subject', before.id, 'over_cap_enrollment_approved');
      }
    },
    { behavior: 'immediate' },
  );
}

/** The latest status date set so far: a new status cannot be dated before it. */
function lastStatusDate(row: SubjectRow): string | null {
  return (
    Object.values(STATUS_DATE)
      .map((column) => row[column])
      .filter((d): d is string => typeof d === 'string')
      .sort()
      .at(-1) ?? null
  );
}

export function changeSubjectStatus(ctx: ServiceContext, input: ParsedInputOf<'subjects.changeStatus'>): void {
  const before = getSubjectRow(ctx.db, input.id);
  if (!nextSubjectStatuses(before.status).includes(input.to))
    throw new AppError('illegal_transition', 'subjects.illegalTransition', {
      params: { from: before.status, to: input.to },
    });
  const previous = lastStatusDate(before);
  if (previous && input.date < previous)
    throw fieldError('validation', 'date', 'subjects.dateBeforePrevious', { date: previous });
  assertNotFuture(ctx, 'date', input.date);
  const set: Partial<SubjectRow> = { status: input.to, [STATUS_DATE[input.to]]: input.date };
  if (input.to === 'withdrawn') {
    if (!input.withdrawalReason)
      throw fieldError('validation', 'withdrawalReason', 'subjects.withdrawalReasonRequired');
    if (input.withdrawalReason === 'other' && !input.detail)
      throw fieldError('validation', 'detail', 'subjects.detailRequired');
    Object.assign(set, { withdrawalReason: input.withdrawalReason, withdrawalDetail: input.detail });
  }
  ctx.db.transaction(
    (tx) => {
      const after = writeSubject(ctx, tx, before, set);
      subjectAudit(
        ctx,
        before,
        'status',
        diff(before, after, ['status', STATUS_DATE[input.to], 'withdrawalReason', 'withdrawalDetail']),
        input.to === 'withdrawn' ? input.detail : null,
      );
    },
    { behavior: 'immediate' },
  );
}

/**
 * Corrects the date of a status already reached (a first dose entered wrongly, an enrollment date mistyped): the date
 * must stay in order with the dates before and after it on the path. Visits anchored on it move (writeSubject).
 */
export function correctStatusDate(ctx: ServiceContext, input: ParsedInputOf<'subjects.correctStatusDate'>): void {
  const before = getSubjectRow(ctx.db, input.id);
  const column = STATUS_DATE[input.status];
  const old = before[column];
  if (!old) throw fieldError('validation', 'status', 'subjects.statusNotReached');
  const path = Object.keys(STATUS_DATE) as SubjectStatus[];
  const others = path
    .filter((s) => s !== input.status && s !== 'screen_failed')
    .map((s) => ({ s, date: before[STATUS_DATE[s]] }))
    .filter((d): d is { s: SubjectStatus; date: string } => typeof d.date === 'string');
  const position = path.indexOf(input.status);
  const earlier = others.filter((o) => input.status === 'withdrawn' || path.indexOf(o.s) < position);
  const later = others.filter(
    (o) => input.status !== 'withdrawn' && path.indexOf(o.s) > position && o.s !== 'withdrawn',
  );
  const previous = [before.firstConsentDate, ...earlier.map((o) => o.date)].filter(Boolean).sort().at(-1);
  const next = later.map((o) => o.date).sort()[0];
  if (previous && input.date < previous)
    throw fieldError('validation', 'date', 'subjects.dateBeforePrevious', { date: previous });
  if (next && input.date > next) throw fieldError('validation', 'date', 'subjects.dateAfterNext', { date: next });
  assertNotFuture(ctx, 'date', input.date);
  if (input.date === old) return;
  ctx.db.transaction(
    (tx) => {
      const after = writeSubject(ctx, tx, before, { [column]: input.date });
      subjectAudit(ctx, before, 'update', diff(before, after, [column]), input.reason);
    },
    { behavior: 'immediate' },
  );
}
