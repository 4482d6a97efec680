import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './accounts';
import { studies } from './studies';
import { dayMonthOrders, exportKinds, importKinds } from './vocabulary';

/**
 * One committed import (issue 7): which file (name, SHA-256), of what kind, into which study, what it did, by whom.
 * Validation alone writes nothing; the records an import writes carry audit events that name the batch.
 */
export const importBatches = sqliteTable(
  'import_batches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: importKinds }).notNull(),
    /** the study imported into (an SDTM import may have created it) */
    studyId: integer('study_id').references(() => studies.id, { onDelete: 'restrict' }),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    created: integer('created').notNull(),
    updated: integer('updated').notNull(),
    unchanged: integer('unchanged').notNull(),
    rejected: integer('rejected').notNull(),
    importedBy: integer('imported_by').references(() => users.id, { onDelete: 'restrict' }),
    importedAt: text('imported_at').notNull(),
  },
  (t) => [index('import_batches_study_idx').on(t.studyId, t.importedAt), index('import_batches_sha_idx').on(t.sha256)],
);

/**
 * A sponsor's column mapping, saved when a user maps headers the app did not know, and offered for the next file of
 * that sponsor and kind: normalised header text → field, and how ambiguous day/month dates are read.
 */
export const columnMappings = sqliteTable(
  'column_mappings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sponsor: text('sponsor').notNull(),
    kind: text('kind', { enum: importKinds }).notNull(),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string | null>>().notNull(),
    dayMonthOrder: text('day_month_order', { enum: dayMonthOrders }),
    updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'restrict' }),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('column_mappings_sponsor_kind_uq').on(sql`lower(${t.sponsor})`, t.kind)],
);

/**
 * Each export delivered to a recipient: the audit sequence it covered is where the next "changes since last delivery"
 * export of that study to that recipient starts.
 */
export const exportDeliveries = sqliteTable(
  'export_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: exportKinds }).notNull(),
    recipient: text('recipient').notNull(),
    /** the last audit event the export reflects */
    auditSeq: integer('audit_seq').notNull(),
    /** for a changes-only export, the previous delivery's audit_seq it started after; null for a full export */
    sinceSeq: integer('since_seq'),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    /** rows per sheet */
    rows: text('rows', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    /** the options it was made with (sheets, language, filters), for the Read me sheet and the record */
    options: text('options', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    exportedBy: integer('exported_by').references(() => users.id, { onDelete: 'restrict' }),
    exportedAt: text('exported_at').notNull(),
  },
  (t) => [index('export_deliveries_recipient_idx').on(t.studyId, sql`lower(${t.recipient})`, t.kind, t.auditSeq)],
);

/** Per-study export settings (absent row = defaults): whether the protocol lets subjects' initials leave the site. */
export const exportSettings = sqliteTable('export_settings', {
  studyId: integer('study_id')
    .primaryKey()
    .references(() => studies.id, { onDelete: 'restrict' }),
  initials: integer('initials', { mode: 'boolean' }).notNull(),
  updatedAt: text('updated_at').notNull(),
});
