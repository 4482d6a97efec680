import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { centers, studies } from './studies';
import { users } from './accounts';
import { type criterionKinds, sexes, subjectStatuses, withdrawalReasons } from './vocabulary';

/** One item of a study's per-study lists (arms, screen-failure reasons): a short code and a label. */
export interface CodedItem {
  code: string;
  label: string;
}
export interface Criterion {
  /** e.g. I1, E3 */
  code: string;
  kind: (typeof criterionKinds)[number];
  text: string;
}

/**
 * What a study needs before subjects can be registered (issue 4): numbering patterns, arms, eligibility criteria,
 * screen-failure reasons. One row per study, created with defaults on first use.
 */
export const subjectSetups = sqliteTable('subject_setups', {
  studyId: integer('study_id')
    .primaryKey()
    .references(() => studies.id, { onDelete: 'restrict' }),
  /** e.g. S{center}{seq:3} */
  screeningPattern: text('screening_pattern').notNull(),
  /** e.g. {center}-{seq:3} */
  subjectPattern: text('subject_pattern').notNull(),
  arms: text('arms', { mode: 'json' }).$type<CodedItem[]>().notNull(),
  criteria: text('criteria', { mode: 'json' }).$type<Criterion[]>().notNull(),
  screenFailureReasons: text('screen_failure_reasons', { mode: 'json' }).$type<CodedItem[]>().notNull(),
  /** the consent version in use now (consent_versions.id); null until one is approved */
  currentConsentVersionId: integer('current_consent_version_id'),
  updatedAt: text('updated_at').notNull(),
});

/** Informed-consent form versions approved by the ethics committee for a study. */
export const consentVersions = sqliteTable(
  'consent_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    version: text('version').notNull(),
    /** YYYY-MM-DD: the version date printed on the form */
    versionDate: text('version_date').notNull(),
    /** YYYY-MM-DD: ethics approval of this version */
    approvedDate: text('approved_date').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('consent_versions_study_version_uq').on(t.studyId, sql`lower(${t.version})`)],
);

/**
 * A subject (screening onwards). Personal fields (name, record number, ID number, phone) exist only for subjects of
 * our own center, are never sent to monitors and never exported to a sponsor (core/subjects/privacy.ts).
 */
export const subjects = sqliteTable(
  'subjects',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    centerId: integer('center_id')
      .notNull()
      .references(() => centers.id, { onDelete: 'restrict' }),
    screeningNumber: text('screening_number').notNull(),
    /** enrollment / randomisation number, set at enrollment */
    subjectNumber: text('subject_number'),
    initials: text('initials').notNull(),
    sex: text('sex', { enum: sexes }).notNull(),
    /** YYYY-MM-DD, or only the year in birthYear */
    birthDate: text('birth_date'),
    birthYear: integer('birth_year'),
    arm: text('arm'),
    /** free key/values, e.g. {"risk group": "high"} */
    strata: text('strata', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    // personal fields: own center only
    name: text('name'),
    recordNumber: text('record_number'),
    idNumber: text('id_number'),
    phone: text('phone'),

    status: text('status', { enum: subjectStatuses }).notNull(),
    /** YYYY-MM-DD of screening; eligibility checklist {criterion code: true = met} */
    screeningDate: text('screening_date'),
    eligibility: text('eligibility', { mode: 'json' }).$type<Record<string, boolean>>().notNull(),
    screenFailureDate: text('screen_failure_date'),
    screenFailureReason: text('screen_failure_reason'),
    screenFailureDetail: text('screen_failure_detail'),
    enrollmentDate: text('enrollment_date'),
    /** set when an investigator enrolled beyond the center's hard cap */
    capOverrideReason: text('cap_override_reason'),
    treatmentStartDate: text('treatment_start_date'),
    followUpDate: text('follow_up_date'),
    completionDate: text('completion_date'),
    withdrawalDate: text('withdrawal_date'),
    withdrawalReason: text('withdrawal_reason', { enum: withdrawalReasons }),
    withdrawalDetail: text('withdrawal_detail'),
    /** the latest consent signed (consent_versions.id): re-consent is due when it is not the study's current version */
    lastConsentVersionId: integer('last_consent_version_id'),
    /** YYYY-MM-DD of the first consent (age at consent) */
    firstConsentDate: text('first_consent_date'),
    /** a valid "eligibility confirmed" signature covers the subject's current eligibility content */
    eligibilityConfirmed: integer('eligibility_confirmed', { mode: 'boolean' }).notNull().default(false),
    /** the schedule version (schedule_versions.id) the subject's future visits follow; null before the first plan */
    scheduleVersionId: integer('schedule_version_id'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('subjects_screening_number_uq').on(t.studyId, sql`lower(${t.screeningNumber})`),
    uniqueIndex('subjects_subject_number_uq')
      .on(t.studyId, sql`lower(${t.subjectNumber})`)
      .where(sql`${t.subjectNumber} IS NOT NULL`),
    // the subjects list: a study's subjects by status / center, newest screening first
    index('subjects_study_status_idx').on(t.studyId, t.status),
    index('subjects_study_center_idx').on(t.studyId, t.centerId, t.status),
    index('subjects_study_screening_idx').on(t.studyId, t.screeningNumber),
  ],
);

/** Each consent a subject signed (own center only). */
export const consents = sqliteTable(
  'consents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectId: integer('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'restrict' }),
    consentVersionId: integer('consent_version_id')
      .notNull()
      .references(() => consentVersions.id, { onDelete: 'restrict' }),
    /** YYYY-MM-DD */
    signedDate: text('signed_date').notNull(),
    /** the investigator / delegate who obtained consent (printed name) */
    obtainedBy: text('obtained_by').notNull(),
    notes: text('notes'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('consents_subject_idx').on(t.subjectId, t.signedDate)],
);

/**
 * Every number ever given in a study (screening and subject numbers): a number is never given twice, even after the
 * subject holding it was renumbered ("gaps allowed, reuse never").
 */
export const subjectNumbers = sqliteTable(
  'subject_numbers',
  {
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: ['screening', 'subject'] }).notNull(),
    number: text('number').notNull(),
    subjectId: integer('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'restrict' }),
    assignedAt: text('assigned_at').notNull(),
  },
  (t) => [uniqueIndex('subject_numbers_uq').on(t.studyId, t.kind, sql`lower(${t.number})`)],
);
