import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/**
 * The audit trail: append-only (triggers in the first migration reject UPDATE and DELETE) and hash-chained:
 * hash = SHA-256(prev_hash + canonical JSON of the event). See electron/core/audit.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    seq: integer('seq').primaryKey(),
    at: text('at').notNull(),
    actorId: integer('actor_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    studyId: integer('study_id'),
    /** the subject an event concerns (subject, consent, …): hashed only when set, so older events keep their hash */
    subjectId: integer('subject_id'),
    /** JSON {field: [old, new]} */
    changes: text('changes').notNull(),
    reason: text('reason'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_entity_idx').on(t.entity, t.entityId),
    index('audit_study_idx').on(t.studyId),
    index('audit_subject_idx').on(t.subjectId),
  ],
);
