import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import { centers, studies } from './studies';
import { subjects } from './subjects';
import { visits } from './visits';
import {
  aeActions,
  aeCausalities,
  aeOutcomes,
  aeSeverities,
  aeSeverityScales,
  reportMethods,
  type seriousCriteria,
} from './vocabulary';

/**
 * NCI CTCAE v5.0, as loaded by an administrator from NCI's own workbook (core/safety/ctcae.ts). Never shipped with the
 * app. A grade text is null where NCI prints "-" (the term does not define that grade).
 */
export const ctcaeTerms = sqliteTable(
  'ctcae_terms',
  {
    meddraCode: text('meddra_code').primaryKey(),
    soc: text('soc').notNull(),
    term: text('term').notNull(),
    grade1: text('grade1'),
    grade2: text('grade2'),
    grade3: text('grade3'),
    grade4: text('grade4'),
    grade5: text('grade5'),
    definition: text('definition'),
    navigationalNote: text('navigational_note'),
    /** the row's position in NCI's sheet: the dictionary's own order (by SOC, then term) */
    position: integer('position').notNull(),
  },
  (t) => [index('ctcae_terms_soc_idx').on(t.soc, t.position)],
);

/** Each load of the CTCAE workbook: which file (SHA-256), by whom, what changed. */
export const ctcaeLoads = sqliteTable('ctcae_loads', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  fileName: text('file_name').notNull(),
  sha256: text('sha256').notNull(),
  terms: integer('terms').notNull(),
  added: integer('added').notNull(),
  updated: integer('updated').notNull(),
  loadedBy: integer('loaded_by').references(() => users.id, { onDelete: 'restrict' }),
  loadedAt: text('loaded_at').notNull(),
});

/** How a study records AEs (absent row = the defaults: CTCAE grades, 24-hour SAE clock). */
export const safetySettings = sqliteTable('safety_settings', {
  studyId: integer('study_id')
    .primaryKey()
    .references(() => studies.id, { onDelete: 'restrict' }),
  severityScale: text('severity_scale', { enum: aeSeverityScales }).notNull(),
  /** hours from the investigator's awareness to the initial SAE report to the sponsor */
  saeReportHours: integer('sae_report_hours').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/**
 * An adverse event of a subject (issue 6). study_id and center_id are copied from the subject so that the study
 * listing, the SAE board and the counts read one table. The rules (grades, consistency, the SAE clock) live in
 * core/safety.
 */
export const adverseEvents = sqliteTable(
  'adverse_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    centerId: integer('center_id')
      .notNull()
      .references(() => centers.id, { onDelete: 'restrict' }),
    subjectId: integer('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'restrict' }),
    /** 1, 2, 3 … per subject */
    aeNumber: integer('ae_number').notNull(),
    verbatimTerm: text('verbatim_term').notNull(),
    /** CTCAE term chosen from the dictionary (copied, so that the record stands without the dictionary) */
    ctcaeCode: text('ctcae_code'),
    ctcaeTerm: text('ctcae_term'),
    soc: text('soc'),
    /** CTCAE grade 1–5 (studies on the CTCAE scale) */
    grade: integer('grade'),
    /** AESEV (studies not on CTCAE) */
    severity: text('severity', { enum: aeSeverities }),
    /** YYYY-MM-DD */
    startDate: text('start_date').notNull(),
    endDate: text('end_date'),
    ongoing: integer('ongoing', { mode: 'boolean' }).notNull(),
    serious: integer('serious', { mode: 'boolean' }).notNull(),
    seriousCriteria: text('serious_criteria', { mode: 'json' }).$type<(typeof seriousCriteria)[number][]>().notNull(),
    /** per the reference safety information; null until assessed */
    expected: integer('expected', { mode: 'boolean' }),
    causality: text('causality', { enum: aeCausalities }),
    /** causality is possibly / probably / definitely related (kept for the listing's filter and the SUSAR flag) */
    related: integer('related', { mode: 'boolean' }).notNull().default(false),
    action: text('action', { enum: aeActions }),
    treatment: text('treatment'),
    outcome: text('outcome', { enum: aeOutcomes }),
    visitId: integer('visit_id').references(() => visits.id, { onDelete: 'restrict' }),
    notes: text('notes'),
    /** SAE clock: the investigator's awareness (UTC instant), the initial report's due instant and when it was sent */
    awarenessAt: text('awareness_at'),
    reportDueAt: text('report_due_at'),
    reportedAt: text('reported_at'),
    /** the investigator's "AE assessed" signature is valid (cleared by any change of the signed content) */
    assessmentSigned: integer('assessment_signed', { mode: 'boolean' }).notNull().default(false),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('adverse_events_subject_number_uq').on(t.subjectId, t.aeNumber),
    // the study listing, newest onset first
    index('adverse_events_study_start_idx').on(t.studyId, t.startDate),
    // the listing's search as you type: its total counted from the index alone (subject + terms, no table rows);
    // in subject order, it also counts a study's distinct subjects without a temporary b-tree
    index('adverse_events_study_subject_terms_idx').on(t.studyId, t.subjectId, t.verbatimTerm, t.ctcaeTerm),
    // counts by SOC and grade (events and distinct subjects), from the index alone
    index('adverse_events_study_soc_idx').on(t.studyId, t.soc, t.grade, t.severity, t.subjectId),
    // the SAE board and the "SAE overdue" filter: serious events whose initial report is not sent, by due instant
    index('adverse_events_sae_open_idx')
      .on(t.studyId, t.reportDueAt)
      .where(sql`${t.serious} = 1 AND ${t.reportedAt} IS NULL`),
    // the SAE board's recently reported events
    index('adverse_events_sae_reported_idx')
      .on(t.reportedAt, t.studyId)
      .where(sql`${t.serious} = 1 AND ${t.reportedAt} IS NOT NULL`),
    // the investigator's sign-off queue: of one study, and of every study (an administrator) in onset order
    index('adverse_events_unsigned_idx')
      .on(t.studyId, t.startDate)
      .where(sql`${t.assessmentSigned} = 0`),
    index('adverse_events_unsigned_onset_idx')
      .on(t.startDate)
      .where(sql`${t.assessmentSigned} = 0`),
  ],
);

/** SAE reports sent to the sponsor: the initial report (number 0) and numbered follow-ups. */
export const saeReports = sqliteTable(
  'sae_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    aeId: integer('ae_id')
      .notNull()
      .references(() => adverseEvents.id, { onDelete: 'restrict' }),
    /** 0 = initial report, 1, 2 … follow-ups */
    number: integer('number').notNull(),
    /** UTC instant */
    sentAt: text('sent_at').notNull(),
    recipient: text('recipient').notNull(),
    method: text('method', { enum: reportMethods }).notNull(),
    notes: text('notes'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('sae_reports_ae_number_uq').on(t.aeId, t.number)],
);

/**
 * SUSAR reports the sponsor sends the site (from any center of the study, or elsewhere): logged, acknowledged by an
 * investigator, and passed to the ethics committee.
 */
export const susarReports = sqliteTable(
  'susar_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    /** the sponsor's case / report number */
    sponsorReference: text('sponsor_reference').notNull(),
    /** YYYY-MM-DD */
    receivedDate: text('received_date').notNull(),
    eventTerm: text('event_term').notNull(),
    /** e.g. "initial", "follow-up 1" as the sponsor labels it */
    reportType: text('report_type'),
    fatalOrLifeThreatening: integer('fatal_or_life_threatening', { mode: 'boolean' }).notNull(),
    acknowledgedBy: integer('acknowledged_by').references(() => users.id, { onDelete: 'restrict' }),
    acknowledgedAt: text('acknowledged_at'),
    /** YYYY-MM-DD: passed to the ethics committee */
    ethicsSubmittedDate: text('ethics_submitted_date'),
    notes: text('notes'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('susar_reports_study_ref_uq').on(t.studyId, sql`lower(${t.sponsorReference})`),
    index('susar_reports_study_received_idx').on(t.studyId, t.receivedDate),
  ],
);
