import { sqliteTable, integer, text, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { studies } from './studies';
import { roles } from './vocabulary';

/** Named user accounts. Never deleted: deactivated (issue 3). */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  /** scrypt$N$r$p$salt$hash (base64) */
  passwordHash: text('password_hash').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  /** set by an administrator's password reset: the user must choose a new password at next sign-in */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  /** consecutive failed sign-ins; reset by a successful one */
  failedLogins: integer('failed_logins').notNull().default(0),
  /** UTC instant until which sign-in is refused after repeated failures */
  lockedUntil: text('locked_until'),
  lastLoginAt: text('last_login_at'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Installation-wide settings (key → JSON value). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Which studies a non-administrator may see and work on. */
export const userStudies = sqliteTable(
  'user_studies',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'restrict' }),
    assignedAt: text('assigned_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.studyId] }), index('user_studies_study_idx').on(t.studyId)],
);

/**
 * Electronic signatures (21 CFR Part 11): who, when, what it means, and a hash of the signed content. A later change of
 * that content makes the signature show as invalidated (computed, never stored: the signature row itself never changes).
 */
export const signatures = sqliteTable(
  'signatures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    studyId: integer('study_id'),
    /** code of the meaning, e.g. protocol_version_approved */
    meaning: text('meaning').notNull(),
    signerId: integer('signer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** printed name at the time of signing */
    signerName: text('signer_name').notNull(),
    signedAt: text('signed_at').notNull(),
    /** SHA-256 of the canonical JSON of the signed content */
    contentHash: text('content_hash').notNull(),
    /** the signed content itself (canonical JSON), to show what was signed */
    content: text('content').notNull(),
  },
  (t) => [index('signatures_record_idx').on(t.entity, t.entityId)],
);
