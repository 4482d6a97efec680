import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import { centers, studies } from './studies';
import { subjects } from './subjects';
import {
  deviationCategories,
  deviationDecisions,
  deviationSeverities,
  holidayKinds,
  visitStatuses,
} from './vocabulary';
import type { VisitDefinition } from '../../electron/api/visits';

/**
 * A version of a study's schedule of activities (issue 5). The visit lines are JSON: a version is small, read whole,
 * and never edited once a subject follows it (a protocol amendment is a new version).
 */
export const scheduleVersions = sqliteTable(
  'schedule_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    version: text('version').notNull(),
    /** YYYY-MM-DD */
    effectiveDate: text('effective_date').notNull(),
    notes: text('notes'),
    visits: text('visits', { mode: 'json' }).$type<VisitDefinition[]>().notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('schedule_versions_study_version_uq').on(t.studyId, sql`lower(${t.version})`)],
);

/**
 * Every visit of a subject: planned from the schedule (status planned until recorded), or unscheduled. study_id and
 * center_id are copied from the subject so that the worklist and the calendar read one table through one index.
 */
export const visits = sqliteTable(
  'visits',
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
    /** the schedule version that planned it; null for a free unscheduled visit */
    versionId: integer('version_id').references(() => scheduleVersions.id, { onDelete: 'restrict' }),
    /** C1D8, FU2, SCR …; unique per subject among scheduled visits */
    code: text('code').notNull(),
    name: text('name').notNull(),
    seq: integer('seq').notNull(),
    cycle: integer('cycle'),
    cycleDay: integer('cycle_day'),
    unscheduled: integer('unscheduled', { mode: 'boolean' }).notNull().default(false),
    /** YYYY-MM-DD; null only for unscheduled visits */
    targetDate: text('target_date'),
    windowStart: text('window_start'),
    windowEnd: text('window_end'),
    /** the day the visit stands on in the calendar: the actual date once recorded, else the target */
    calendarDate: text('calendar_date').notNull(),
    status: text('status', { enum: visitStatuses }).notNull(),
    actualDate: text('actual_date'),
    reason: text('reason'),
    notes: text('notes'),
    outOfWindow: integer('out_of_window', { mode: 'boolean' }).notNull().default(false),
    deviationDecision: text('deviation_decision', { enum: deviationDecisions }),
    deviationId: integer('deviation_id'),
    deviationExplanation: text('deviation_explanation'),
    enteredBy: integer('entered_by').references(() => users.id, { onDelete: 'restrict' }),
    enteredAt: text('entered_at'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('visits_subject_idx').on(t.subjectId, t.seq),
    uniqueIndex('visits_subject_code_uq')
      .on(t.subjectId, t.code)
      .where(sql`${t.unscheduled} = 0`),
    // the worklist: a study's planned visits by window start (overdue, open now, this week all start before weekEnd);
    // center_id lets other centers' visits be skipped inside the index
    index('visits_planned_idx')
      .on(t.studyId, t.windowStart, t.windowEnd, t.targetDate, t.centerId)
      .where(sql`${t.status} = 'planned'`),
    // the whole-site overdue count: planned visits by window end (study and center to filter without the table)
    index('visits_overdue_idx')
      .on(t.windowEnd, t.studyId, t.centerId)
      .where(sql`${t.status} = 'planned'`),
    index('visits_study_calendar_idx').on(t.studyId, t.calendarDate),
    // a center's last visit done (the per-center summary's last follow-up): one index step, however many visits of the
    // study are overdue between it and today
    index('visits_done_center_idx')
      .on(t.centerId, t.calendarDate)
      .where(sql`${t.status} = 'done'`),
    // recorded visits waiting for a deviation decision
    index('visits_proposed_idx')
      .on(t.studyId)
      .where(sql`${t.deviationDecision} = 'proposed'`),
  ],
);

/** Protocol deviations: per subject (optionally from a visit) or study-level; numbered per study. */
export const deviations = sqliteTable(
  'deviations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    /** 1, 2, 3 … per study, shown as DV-001 */
    number: integer('number').notNull(),
    subjectId: integer('subject_id').references(() => subjects.id, { onDelete: 'restrict' }),
    centerId: integer('center_id').references(() => centers.id, { onDelete: 'restrict' }),
    visitId: integer('visit_id').references(() => visits.id, { onDelete: 'restrict' }),
    /** YYYY-MM-DD */
    occurredDate: text('occurred_date').notNull(),
    category: text('category', { enum: deviationCategories }).notNull(),
    description: text('description').notNull(),
    severity: text('severity', { enum: deviationSeverities }).notNull(),
    correctiveAction: text('corrective_action'),
    reportedSponsorDate: text('reported_sponsor_date'),
    reportedEthicsDate: text('reported_ethics_date'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('deviations_study_number_uq').on(t.studyId, t.number),
    index('deviations_study_date_idx').on(t.studyId, t.occurredDate),
    index('deviations_subject_idx').on(t.subjectId),
  ],
);

/** The installation's calendar of official holidays and make-up working days (调休). Targets are flagged, never moved. */
export const holidays = sqliteTable('holidays', {
  /** YYYY-MM-DD */
  date: text('date').primaryKey(),
  kind: text('kind', { enum: holidayKinds }).notNull(),
  name: text('name').notNull(),
  updatedAt: text('updated_at').notNull(),
});
