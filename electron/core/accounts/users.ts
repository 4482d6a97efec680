/**
 * User administration: create, edit, deactivate / reactivate (never delete), reset password, assign studies. Every
 * write is one transaction with its audit event (entity 'user'); password hashes never enter the audit trail.
 */
import { and, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { studies, userStudies, users } from '../../../db/schema';
import type { ParsedInputOf, UserListItem } from '../../api/contract';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext, Tx } from '../context';
import { AppError, fieldError, notFound } from '../errors';
import { assignedStudyIds } from './access';
import { assertPasswordRules, hashPassword } from './passwords';

type UserRow = typeof users.$inferSelect;

function userRow(db: AppDb, id: number): UserRow {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  if (!row) throw notFound('user');
  return row;
}

function toListItem(db: AppDb, u: UserRow, now: Date): UserListItem {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    studyIds: assignedStudyIds(db, u.id),
    lastLoginAt: u.lastLoginAt,
    failedLogins: u.failedLogins,
    lockedUntil: u.lockedUntil && u.lockedUntil > now.toISOString() ? u.lockedUntil : null,
    createdAt: u.createdAt,
  };
}

export function listUsers(ctx: Pick<ServiceContext, 'db' | 'now'>): UserListItem[] {
  const now = ctx.now();
  return ctx.db
    .select()
    .from(users)
    .orderBy(users.username)
    .all()
    .map((u) => toListItem(ctx.db, u, now));
}

export function getUser(ctx: Pick<ServiceContext, 'db' | 'now'>, id: number): UserListItem {
  return toListItem(ctx.db, userRow(ctx.db, id), ctx.now());
}

const sortIds = (ids: readonly number[]): number[] => [...new Set(ids)].sort((a, b) => a - b);

function assertStudiesExist(db: AppDb, ids: readonly number[]): void {
  if (ids.length === 0) return;
  const found = db
    .select({ id: studies.id })
    .from(studies)
    .where(inArray(studies.id, [...ids]))
    .all();
  if (found.length !== ids.length) throw fieldError('validation', 'studyIds', 'users.unknownStudy');
}

/** Replaces the user's assignments inside `tx`; returns [old, new] when they changed. */
function replaceAssignments(ctx: ServiceContext, tx: Tx, userId: number, ids: number[]): [number[], number[]] | null {
  const before = assignedStudyIds(ctx.db, userId);
  if (before.join(',') === ids.join(',')) return null;
  assertStudiesExist(ctx.db, ids);
  const now = ctx.now().toISOString();
  const removed = before.filter((s) => !ids.includes(s));
  const added = ids.filter((s) => !before.includes(s));
  if (removed.length) {
    tx.delete(userStudies)
      .where(and(eq(userStudies.userId, userId), inArray(userStudies.studyId, removed)))
      .run();
  }
  if (added.length)
    tx.insert(userStudies)
      .values(added.map((studyId) => ({ userId, studyId, assignedAt: now })))
      .run();
  return [before, ids];
}

function assertUsernameFree(db: AppDb, username: string): void {
  const clash = db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`)
    .get();
  if (clash) throw fieldError('conflict', 'username', 'users.usernameTaken', { value: username });
}

export async function createUser(ctx: ServiceContext, input: ParsedInputOf<'users.create'>): Promise<UserListItem> {
  assertPasswordRules(input.username, input.temporaryPassword, 'temporaryPassword');
  const passwordHash = await hashPassword(input.temporaryPassword); // slow: outside the transaction
  const studyIds = sortIds(input.studyIds);
  const id = ctx.db.transaction(
    (tx) => {
      assertUsernameFree(ctx.db, input.username);
      assertStudiesExist(ctx.db, studyIds);
      const now = ctx.now().toISOString();
      const user = tx
        .insert(users)
        .values({
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          passwordHash,
          mustChangePassword: true,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      if (studyIds.length) {
        tx.insert(userStudies)
          .values(studyIds.map((studyId) => ({ userId: user.id, studyId, assignedAt: now })))
          .run();
      }
      recordAudit(ctx, {
        action: 'create',
        entity: 'user',
        entityId: user.id,
        changes: {
          username: [null, user.username],
          displayName: [null, user.displayName],
          role: [null, user.role],
          mustChangePassword: [null, true],
          studyIds: [null, studyIds],
        },
      });
      return user.id;
    },
    { behavior: 'immediate' },
  );
  return getUser(ctx, id);
}

function activeAdminCount(db: AppDb, exceptId: number): number {
  return (
    db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true), ne(users.id, exceptId)))
      .get()?.n ?? 0
  );
}

/** Edits display name and role. A role change is a key change: it needs a reason. */
export function updateUser(ctx: ServiceContext, input: ParsedInputOf<'users.update'>): UserListItem {
  ctx.db.transaction(
    (tx) => {
      const before = userRow(ctx.db, input.id);
      const changes = diff(
        { displayName: before.displayName, role: before.role },
        { displayName: input.displayName, role: input.role },
        ['displayName', 'role'],
      );
      if (Object.keys(changes).length === 0) return;
      if ('role' in changes) {
        if (!input.reason) {
          throw new AppError('validation', 'validation.reasonRequired', {
            field: 'reason',
            params: { fields: 'role' },
          });
        }
        if (before.role === 'admin' && before.active && activeAdminCount(ctx.db, before.id) === 0) {
          throw fieldError('conflict', 'role', 'users.lastAdmin');
        }
        if (before.id === ctx.actor.id) throw fieldError('conflict', 'role', 'users.notSelf');
      }
      tx.update(users)
        .set({ displayName: input.displayName, role: input.role, updatedAt: ctx.now().toISOString() })
        .where(eq(users.id, input.id))
        .run();
      recordAudit(ctx, { action: 'update', entity: 'user', entityId: input.id, changes, reason: input.reason });
    },
    { behavior: 'immediate' },
  );
  return getUser(ctx, input.id);
}

/** Deactivates or reactivates an account (never deleted). Not oneself, and never the last active administrator. */
export function setUserActive(ctx: ServiceContext, input: ParsedInputOf<'users.setActive'>): UserListItem {
  ctx.db.transaction(
    (tx) => {
      const before = userRow(ctx.db, input.id);
      if (before.active === input.active) return;
      if (!input.active) {
        if (before.id === ctx.actor.id) throw fieldError('conflict', 'active', 'users.notSelf');
        if (before.role === 'admin' && activeAdminCount(ctx.db, before.id) === 0) {
          throw fieldError('conflict', 'active', 'users.lastAdmin');
        }
      }
      tx.update(users)
        .set({ active: input.active, updatedAt: ctx.now().toISOString() })
        .where(eq(users.id, input.id))
        .run();
      recordAudit(ctx, {
        action: input.active ? 'reactivate' : 'deactivate',
        entity: 'user',
        entityId: input.id,
        changes: { active: [before.active, input.active] },
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
  return getUser(ctx, input.id);
}

/** An administrator sets a temporary password: the user must change it at next sign-in; any lock-out is cleared. */
export async function resetPassword(
  ctx: ServiceContext,
  input: ParsedInputOf<'users.resetPassword'>,
): Promise<UserListItem> {
  const target = userRow(ctx.db, input.id);
  assertPasswordRules(target.username, input.temporaryPassword, 'temporaryPassword');
  const passwordHash = await hashPassword(input.temporaryPassword);
  ctx.db.transaction(
    (tx) => {
      const before = userRow(ctx.db, input.id);
      tx.update(users)
        .set({
          passwordHash,
          mustChangePassword: true,
          failedLogins: 0,
          lockedUntil: null,
          updatedAt: ctx.now().toISOString(),
        })
        .where(eq(users.id, input.id))
        .run();
      recordAudit(ctx, {
        action: 'password_reset',
        entity: 'user',
        entityId: input.id,
        // the fact, never the hash
        changes: {
          mustChangePassword: [before.mustChangePassword, true],
          failedLogins: [before.failedLogins, 0],
          lockedUntil: [before.lockedUntil, null],
        },
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
  return getUser(ctx, input.id);
}

export function assignStudies(ctx: ServiceContext, input: ParsedInputOf<'users.assignStudies'>): UserListItem {
  const ids = sortIds(input.studyIds);
  ctx.db.transaction(
    (tx) => {
      userRow(ctx.db, input.id);
      const changed = replaceAssignments(ctx, tx, input.id, ids);
      if (!changed) return;
      recordAudit(ctx, {
        action: 'assign_studies',
        entity: 'user',
        entityId: input.id,
        changes: { studyIds: changed },
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
  return getUser(ctx, input.id);
}
