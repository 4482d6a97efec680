/**
 * A study's subject set-up: numbering patterns, arms, eligibility criteria, screen-failure reasons and consent versions.
 * A study without a saved set-up uses the defaults (nothing is written until someone saves).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { consentVersions, studies, subjectSetups } from '../../../db/schema';
import type { ParsedInputOf, SubjectSetupView } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { fieldError, notFound } from '../errors';

type SetupFields = ParsedInputOf<'subjects.updateSetup'>['fields'];

export const DEFAULT_SETUP: SetupFields = {
  screeningPattern: 'S{center}{seq:3}',
  subjectPattern: '{center}-{seq:3}',
  arms: [],
  criteria: [],
  screenFailureReasons: [
    { code: 'IE', label: '不符合入选/排除标准' },
    { code: 'WC', label: '撤回知情同意' },
    { code: 'OTH', label: '其他' },
  ],
};

function assertStudy(db: AppDb, studyId: number): void {
  if (!db.select({ id: studies.id }).from(studies).where(eq(studies.id, studyId)).get()) throw notFound('study');
}

/** The set-up as the services use it (saved or default), with the current consent version id. */
export function setupOf(db: AppDb, studyId: number): SetupFields & { currentConsentVersionId: number | null } {
  const row = db.select().from(subjectSetups).where(eq(subjectSetups.studyId, studyId)).get();
  if (!row) return { ...DEFAULT_SETUP, currentConsentVersionId: null };
  return {
    screeningPattern: row.screeningPattern,
    subjectPattern: row.subjectPattern,
    arms: row.arms,
    criteria: row.criteria,
    screenFailureReasons: row.screenFailureReasons,
    currentConsentVersionId: row.currentConsentVersionId,
  };
}

export function getSetup(db: AppDb, studyId: number): SubjectSetupView {
  assertStudy(db, studyId);
  const setup = setupOf(db, studyId);
  const versions = db
    .select()
    .from(consentVersions)
    .where(eq(consentVersions.studyId, studyId))
    .orderBy(asc(consentVersions.approvedDate), asc(consentVersions.id))
    .all();
  return {
    studyId,
    ...setup,
    consentVersions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      versionDate: v.versionDate,
      approvedDate: v.approvedDate,
      current: v.id === setup.currentConsentVersionId,
    })),
  };
}

function assertUniqueCodes(items: readonly { code: string }[], field: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = item.code.toLowerCase();
    if (seen.has(key))
      throw fieldError('validation', `${field}.${i}.code`, 'subjects.duplicateCode', { code: item.code });
    seen.add(key);
  });
}

/** Writes the set-up (insert or update) with its audit event in one transaction. */
function writeSetup(
  ctx: ServiceContext,
  studyId: number,
  next: SetupFields & { currentConsentVersionId: number | null },
) {
  const before = ctx.db.select().from(subjectSetups).where(eq(subjectSetups.studyId, studyId)).get();
  const at = ctx.now().toISOString();
  const values = { ...next, updatedAt: at };
  if (before) ctx.db.update(subjectSetups).set(values).where(eq(subjectSetups.studyId, studyId)).run();
  else
    ctx.db
      .insert(subjectSetups)
      .values({ studyId, ...values })
      .run();
  // list-valued fields are compared and audited as JSON text
  const asText = (s: SetupFields & { currentConsentVersionId: number | null }) => ({
    screeningPattern: s.screeningPattern,
    subjectPattern: s.subjectPattern,
    arms: JSON.stringify(s.arms),
    criteria: JSON.stringify(s.criteria),
    screenFailureReasons: JSON.stringify(s.screenFailureReasons),
    currentConsentVersionId: s.currentConsentVersionId,
  });
  const fields = [
    'screeningPattern',
    'subjectPattern',
    'arms',
    'criteria',
    'screenFailureReasons',
    'currentConsentVersionId',
  ] as const;
  return { before: before ? asText(before) : null, after: asText(next), fields };
}

export function updateSetup(
  ctx: ServiceContext,
  studyId: number,
  fields: SetupFields,
  reason: string | null,
): SubjectSetupView {
  assertStudy(ctx.db, studyId);
  assertUniqueCodes(fields.arms, 'fields.arms');
  assertUniqueCodes(fields.criteria, 'fields.criteria');
  assertUniqueCodes(fields.screenFailureReasons, 'fields.screenFailureReasons');
  ctx.db.transaction(
    () => {
      const current = setupOf(ctx.db, studyId);
      const {
        before,
        after,
        fields: names,
      } = writeSetup(ctx, studyId, {
        ...fields,
        currentConsentVersionId: current.currentConsentVersionId,
      });
      const changes = diff(before, after, names);
      if (Object.keys(changes).length > 0)
        recordAudit(ctx, { action: 'update', entity: 'subject_setup', entityId: studyId, studyId, changes, reason });
    },
    { behavior: 'immediate' },
  );
  return getSetup(ctx.db, studyId);
}

/**
 * A consent version approved by the ethics committee becomes the study's current version; every active subject of our
 * own center whose last consent is older now needs to re-consent (core/subjects/logs reconsentList).
 */
export function approveConsentVersion(
  ctx: ServiceContext,
  input: ParsedInputOf<'subjects.approveConsentVersion'>,
): SubjectSetupView {
  assertStudy(ctx.db, input.studyId);
  if (input.approvedDate < input.versionDate)
    throw fieldError('validation', 'approvedDate', 'subjects.approvalBeforeVersionDate', { date: input.versionDate });
  ctx.db.transaction(
    (tx) => {
      const taken = tx
        .select({ id: consentVersions.id })
        .from(consentVersions)
        .where(
          sql`${consentVersions.studyId} = ${input.studyId} AND lower(${consentVersions.version}) = lower(${input.version})`,
        )
        .get();
      if (taken) throw fieldError('conflict', 'version', 'subjects.consentVersionTaken', { version: input.version });
      const row = tx
        .insert(consentVersions)
        .values({
          studyId: input.studyId,
          version: input.version,
          versionDate: input.versionDate,
          approvedDate: input.approvedDate,
          createdAt: ctx.now().toISOString(),
        })
        .returning()
        .get();
      const current = setupOf(ctx.db, input.studyId);
      const { before, after, fields } = writeSetup(ctx, input.studyId, { ...current, currentConsentVersionId: row.id });
      recordAudit(ctx, {
        action: 'create',
        entity: 'consent_version',
        entityId: row.id,
        studyId: input.studyId,
        changes: {
          ...diff(null, row, ['version', 'versionDate', 'approvedDate']),
          ...diff(before, after, fields),
        },
      });
    },
    { behavior: 'immediate' },
  );
  return getSetup(ctx.db, input.studyId);
}
