/**
 * Subjects an import brings in (the subjects kind, SDTM DM + DS): other centers' de-identified subjects. Each one is
 * checked with the rules of the screens, then created, updated or left unchanged:
 * - a center of the study that is not ours: our own subjects come in through consent and screening in the app, where
 *   the consent record is kept (GCP), never through a file;
 * - a subject stays at its center; numbers are never given to two subjects, nor given again (numbering.ts);
 * - an arm of the study; status dates in the path's order (consent ≤ screening ≤ enrollment ≤ first dose ≤ follow-up ≤
 *   end), none in the future, and the date of the subject's status present.
 * The caller writes visits after the subjects, then lets the plan follow (syncSubjects).
 */
import { subjectNumbers, subjects } from '../../../../db/schema';
import { eq } from 'drizzle-orm';
import type { Sex, SubjectStatus, WithdrawalReason } from '../../../api';
import { diff, recordAudit, type Changes } from '../../audit/audit';
import type { AppDb, ServiceContext, Tx } from '../../context';
import { latestToday } from '../../dates';
import { STATUS_DATE } from '../../subjects/status';
import { syncSubjectVisits } from '../../visits/visits';
import type { PlanEnv, ReadSheet } from './engine';

export type SubjectRow = typeof subjects.$inferSelect;

/** The subject's fields an import sets (personal fields never: other centers' subjects are de-identified). */
export const IMPORTED_SUBJECT_FIELDS = [
  'screeningNumber',
  'subjectNumber',
  'initials',
  'sex',
  'birthYear',
  'arm',
  'status',
  'firstConsentDate',
  'screeningDate',
  'screenFailureDate',
  'screenFailureDetail',
  'enrollmentDate',
  'treatmentStartDate',
  'followUpDate',
  'completionDate',
  'withdrawalDate',
  'withdrawalReason',
  'withdrawalDetail',
] as const satisfies readonly (keyof SubjectRow)[];
export type ImportedField = (typeof IMPORTED_SUBJECT_FIELDS)[number];

export interface IncomingSubject {
  centerCode: string;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  sex: Sex;
  birthYear: number | null;
  arm: string | null;
  status: SubjectStatus;
  firstConsentDate: string | null;
  screeningDate: string | null;
  screenFailureDate: string | null;
  screenFailureDetail: string | null;
  enrollmentDate: string | null;
  treatmentStartDate: string | null;
  followUpDate: string | null;
  completionDate: string | null;
  withdrawalDate: string | null;
  withdrawalReason: WithdrawalReason | null;
  withdrawalDetail: string | null;
  /** fields the file has no column for: a stored subject keeps its value (a sponsor's list rarely has them all) */
  keep?: ReadonlySet<ImportedField>;
  /** where each value came from, for the rejections (a field not listed: the row itself) */
  at: { sheet: ReadSheet; row: number; fields: Partial<Record<ImportedField | 'centerCode', string | CellAt>> };
}

/** a value that came from another sheet (a DS row's date for a DM subject) */
export interface CellAt {
  sheet: ReadSheet;
  row: number;
  field: string;
}

/** A center as the import sees it: known (id) or created by this import (id set when written). */
export interface CenterRef {
  id: number;
  code: string;
  isOwn: boolean;
}

/** The study the subjects go to: what is stored, and what this import creates before them. */
export interface SubjectTarget {
  studyId: () => number;
  centers: ReadonlyMap<string, CenterRef>;
  arms: readonly string[];
  /** stored subjects of the study (empty for a study this import creates) */
  stored: readonly SubjectRow[];
  /** numbers given before: `${kind}:${lower-case number}` → subject id */
  given: ReadonlyMap<string, number>;
}

export interface PlannedSubject {
  /** the row as it will be: a new subject's id and study are set when it is written */
  row: SubjectRow;
  action: 'create' | 'update' | 'unchanged';
  before: SubjectRow | null;
}

export interface SubjectPlan {
  /** by lower-case screening number */
  subjects: Map<string, PlannedSubject>;
  created: number;
  updated: number;
  unchanged: number;
  /** writes the subjects (numbers claimed, audited) inside the import's transaction */
  write(ctx: ServiceContext, tx: Tx, reason: string): void;
  /** after their visits are written: every written subject's plan follows its dates and status */
  syncVisits(ctx: ServiceContext, tx: Tx, reason: string): void;
}

const lower = (s: string) => s.trim().toLowerCase();
/** the dates of the path in order; the end is completion or withdrawal */
const PATH: readonly ImportedField[] = [
  'firstConsentDate',
  'screeningDate',
  'enrollmentDate',
  'treatmentStartDate',
  'followUpDate',
  'completionDate',
  'withdrawalDate',
];
const ENROLLED: readonly SubjectStatus[] = ['enrolled', 'on_treatment', 'follow_up', 'completed'];

let placeholder = 0;

export function planSubjects(env: PlanEnv, incoming: readonly IncomingSubject[], target: SubjectTarget): SubjectPlan {
  const today = latestToday(env.ctx);
  const byScreening = new Map(target.stored.map((s) => [lower(s.screeningNumber), s]));
  const bySubjectNumber = new Map(
    target.stored.filter((s) => s.subjectNumber).map((s) => [lower(s.subjectNumber!), s]),
  );
  const planned = new Map<string, PlannedSubject>();
  const subjectNumbersInFile = new Map<string, string>();
  let created = 0;
  let updated = 0;
  let unchanged = 0;

  for (const file of incoming) {
    const problems: {
      field: ImportedField | 'centerCode' | null;
      key: string;
      params?: Record<string, string | number>;
    }[] = [];
    const refuse = (
      field: ImportedField | 'centerCode' | null,
      key: string,
      params?: Record<string, string | number>,
    ) => problems.push({ field, key, params });
    const key = lower(file.screeningNumber);
    const center = target.centers.get(lower(file.centerCode));
    const before = byScreening.get(key) ?? null;
    const s: IncomingSubject = before && file.keep ? { ...file, ...keptOf(before, file.keep) } : file;
    const values = valuesOf(s, before);
    const same =
      before !== null && Object.keys(diff(before, { ...before, ...values }, IMPORTED_SUBJECT_FIELDS)).length === 0;
    if (planned.has(key)) refuse('screeningNumber', 'exchange.duplicateSubject', { value: s.screeningNumber });
    if (!center) refuse('centerCode', 'exchange.unknownCenterCode', { value: s.centerCode });
    // our own subject read back unchanged (our own export) is fine: only a change must go through the app
    else if (center.isOwn && !(same && before.centerId === center.id))
      refuse('centerCode', 'exchange.ownCenterSubject', { code: center.code });
    else if (before && before.centerId !== center.id)
      refuse('centerCode', 'exchange.subjectOtherCenter', { value: s.screeningNumber });
    // a number held by, or given before to, another subject
    const given = (kind: 'screening' | 'subject', n: string) => target.given.get(`${kind}:${lower(n)}`);
    const earlier = given('screening', s.screeningNumber);
    if (!before && earlier !== undefined)
      refuse('screeningNumber', 'subjects.numberUsedBefore', { value: s.screeningNumber });
    if (s.subjectNumber) {
      const holder = bySubjectNumber.get(lower(s.subjectNumber));
      const inFile = subjectNumbersInFile.get(lower(s.subjectNumber));
      const givenTo = given('subject', s.subjectNumber);
      if ((holder && holder.id !== before?.id) || (inFile !== undefined && inFile !== key))
        refuse('subjectNumber', 'subjects.subjectNumberTaken', { value: s.subjectNumber });
      else if (givenTo !== undefined && givenTo !== before?.id)
        refuse('subjectNumber', 'subjects.numberUsedBefore', { value: s.subjectNumber });
    }
    if (s.arm && !target.arms.includes(s.arm)) refuse('arm', 'subjects.unknownArm');
    if (s.enrollmentDate && target.arms.length > 0 && !s.arm) refuse('arm', 'subjects.armRequired');
    if ((ENROLLED.includes(s.status) || s.enrollmentDate) && !s.subjectNumber)
      refuse('subjectNumber', 'exchange.subjectNumberRequired');

    // dates: none in the future, each after the ones before it on the path, the status's own one present
    let previous: { field: ImportedField; date: string } | null = null;
    for (const field of PATH) {
      const date = s[field] as string | null;
      if (!date) continue;
      if (date > today) refuse(field, 'subjects.futureDate');
      else if (previous && date < previous.date) refuse(field, 'subjects.dateBeforePrevious', { date: previous.date });
      // completion and withdrawal are two ends: each follows the path, not each other
      if (field !== 'completionDate') previous = { field, date };
    }
    if (s.screenFailureDate) {
      const from = s.screeningDate ?? s.firstConsentDate;
      if (s.screenFailureDate > today) refuse('screenFailureDate', 'subjects.futureDate');
      else if (from && s.screenFailureDate < from)
        refuse('screenFailureDate', 'subjects.dateBeforePrevious', { date: from });
    }
    const statusDate = STATUS_DATE[s.status] as ImportedField;
    if (!s[statusDate]) refuse(statusDate, 'exchange.statusDateMissing', { status: s.status });
    if (s.status === 'withdrawn' && !s.withdrawalReason)
      refuse('withdrawalReason', 'subjects.withdrawalReasonRequired');

    if (problems.length > 0) {
      for (const p of problems) {
        const at = p.field === null ? undefined : s.at.fields[p.field];
        if (at !== undefined && typeof at !== 'string') env.reject(at.sheet, at.row, at.field, p.key, p.params);
        else env.reject(s.at.sheet, s.at.row, at ?? null, p.key, p.params);
      }
      continue;
    }
    if (s.subjectNumber) subjectNumbersInFile.set(lower(s.subjectNumber), key);
    if (before) {
      planned.set(key, { row: { ...before, ...values }, action: same ? 'unchanged' : 'update', before });
      if (same) unchanged++;
      else updated++;
    } else {
      const row: SubjectRow = {
        ...values,
        // set when written (a study or center this import creates has no id yet)
        id: --placeholder,
        studyId: 0,
        centerId: center!.id,
        birthDate: null,
        strata: {},
        name: null,
        recordNumber: null,
        idNumber: null,
        phone: null,
        eligibility: {},
        capOverrideReason: null,
        screenFailureReason: null,
        lastConsentVersionId: null,
        eligibilityConfirmed: false,
        scheduleVersionId: null,
        createdAt: '',
        updatedAt: '',
      };
      planned.set(key, { row, action: 'create', before: null });
      created++;
    }
  }

  const centerOf = (s: IncomingSubject) => target.centers.get(lower(s.centerCode))!;
  const incomingByKey = new Map(incoming.map((s) => [lower(s.screeningNumber), s]));
  return {
    subjects: planned,
    created,
    updated,
    unchanged,
    write(ctx, tx, reason) {
      const at = ctx.now().toISOString();
      const studyId = target.studyId();
      const claim = (kind: 'screening' | 'subject', number: string, subjectId: number) => {
        if (target.given.has(`${kind}:${lower(number)}`)) return;
        tx.insert(subjectNumbers).values({ studyId, kind, number, subjectId, assignedAt: at }).run();
      };
      for (const [key, p] of planned) {
        if (p.action === 'unchanged') continue;
        if (p.action === 'create') {
          const { id: _placeholder, ...values } = p.row;
          const row = tx
            .insert(subjects)
            .values({
              ...values,
              studyId,
              centerId: centerOf(incomingByKey.get(key)!).id,
              createdAt: at,
              updatedAt: at,
            })
            .returning()
            .get();
          // the AE and visit plans hold this object: they see the id once it exists
          Object.assign(p.row, row);
          claim('screening', row.screeningNumber, row.id);
          if (row.subjectNumber) claim('subject', row.subjectNumber, row.id);
          audit(
            ctx,
            row,
            'create',
            { ...diff(null, row, IMPORTED_SUBJECT_FIELDS), centerId: [null, row.centerId] },
            reason,
          );
        } else {
          const before = p.before!;
          const { id, ...values } = p.row;
          const row = tx
            .update(subjects)
            .set({ ...pickImported(values), updatedAt: at })
            .where(eq(subjects.id, id))
            .returning()
            .get();
          Object.assign(p.row, row);
          if (row.subjectNumber && row.subjectNumber !== before.subjectNumber)
            claim('subject', row.subjectNumber, row.id);
          audit(ctx, row, 'update', diff(before, row, IMPORTED_SUBJECT_FIELDS), reason);
        }
      }
    },
    syncVisits(ctx, tx, reason) {
      for (const p of planned.values()) if (p.action !== 'unchanged') syncSubjectVisits(ctx, tx, p.row, { reason });
    },
  };
}

const valuesOf = (s: IncomingSubject, before: SubjectRow | null): Pick<SubjectRow, ImportedField> => ({
  screeningNumber: before?.screeningNumber ?? s.screeningNumber.trim(),
  subjectNumber: s.subjectNumber,
  initials: s.initials,
  sex: s.sex,
  birthYear: s.birthYear,
  arm: s.arm,
  status: s.status,
  firstConsentDate: s.firstConsentDate,
  screeningDate: s.screeningDate,
  screenFailureDate: s.screenFailureDate,
  screenFailureDetail: s.screenFailureDetail,
  enrollmentDate: s.enrollmentDate,
  treatmentStartDate: s.treatmentStartDate,
  followUpDate: s.followUpDate,
  completionDate: s.completionDate,
  withdrawalDate: s.withdrawalDate,
  withdrawalReason: s.withdrawalReason,
  withdrawalDetail: s.withdrawalDetail,
});
const keptOf = (before: SubjectRow, keep: ReadonlySet<ImportedField>): Partial<IncomingSubject> =>
  Object.fromEntries([...keep].map((f) => [f, before[f]]));

const pickImported = (row: Omit<SubjectRow, 'id'>): Pick<SubjectRow, ImportedField> =>
  Object.fromEntries(IMPORTED_SUBJECT_FIELDS.map((f) => [f, row[f]])) as Pick<SubjectRow, ImportedField>;

function audit(ctx: ServiceContext, row: SubjectRow, action: 'create' | 'update', changes: Changes, reason: string) {
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

/** Numbers given in a study before (subject_numbers), for SubjectTarget.given. */
export function numbersGiven(db: AppDb, studyId: number): Map<string, number> {
  const rows = db.select().from(subjectNumbers).where(eq(subjectNumbers.studyId, studyId)).all();
  return new Map(rows.map((r) => [`${r.kind}:${lower(r.number)}`, r.subjectId]));
}
