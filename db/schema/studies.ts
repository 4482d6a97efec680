import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

import { centerStatuses, studyPhases, studyStatuses, therapeuticAreas } from './vocabulary';

export const studies = sqliteTable(
  'studies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    protocolNumber: text('protocol_number').notNull(),
    title: text('title').notNull(),
    shortTitle: text('short_title').notNull(),
    sponsor: text('sponsor').notNull(),
    cro: text('cro'),
    phase: text('phase', { enum: studyPhases }).notNull(),
    indication: text('indication').notNull(),
    therapeuticArea: text('therapeutic_area', { enum: therapeuticAreas }).notNull(),
    registrationNumber: text('registration_number'),
    sitePi: text('site_pi').notNull(),
    /** YYYY-MM-DD */
    ethicsApprovalDate: text('ethics_approval_date'),
    protocolVersion: text('protocol_version'),
    /** YYYY-MM-DD */
    protocolVersionDate: text('protocol_version_date'),
    status: text('status', { enum: studyStatuses }).notNull(),
    /** status before a suspension, so that resuming goes back to it */
    statusBeforeSuspension: text('status_before_suspension', { enum: studyStatuses }),
    statusReason: text('status_reason'),
    enrollmentTarget: integer('enrollment_target'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    // protocol numbers are unique regardless of case and surrounding space (they are typed by hand)
    uniqueIndex('studies_protocol_number_uq').on(sql`lower(${t.protocolNumber})`),
    index('studies_status_idx').on(t.status),
    index('studies_updated_idx').on(t.updatedAt),
  ],
);

export const centers = sqliteTable(
  'centers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    code: text('code').notNull(),
    hospitalName: text('hospital_name').notNull(),
    city: text('city'),
    pi: text('pi').notNull(),
    isLead: integer('is_lead', { mode: 'boolean' }).notNull().default(false),
    /** the center this installation belongs to (our own department) */
    isOwn: integer('is_own', { mode: 'boolean' }).notNull().default(false),
    enrollmentTarget: integer('enrollment_target'),
    hardCap: integer('hard_cap'),
    /** YYYY-MM-DD */
    activationDate: text('activation_date'),
    status: text('status', { enum: centerStatuses }).notNull(),
    statusReason: text('status_reason'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('centers_study_code_uq').on(t.studyId, sql`lower(${t.code})`),
    // one lead center and one own center per study
    uniqueIndex('centers_one_lead_uq')
      .on(t.studyId)
      .where(sql`${t.isLead} = 1`),
    uniqueIndex('centers_one_own_uq')
      .on(t.studyId)
      .where(sql`${t.isOwn} = 1`),
  ],
);
