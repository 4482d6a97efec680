import { count, eq } from 'drizzle-orm';
import { users } from '../../../db/schema';
import type { SessionUser } from '../../api/contract';
import type { ParsedInputOf } from '../../api/contract';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, fieldError } from '../errors';
import { assertPasswordRules, hashPassword, verifyPassword } from './passwords';

type UserRow = typeof users.$inferSelect;

export function needsSetup(db: AppDb): boolean {
  return (db.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
}

const toSessionUser = (u: typeof users.$inferSelect): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  mustChangePassword: u.mustChangePassword,
});

/** First launch: creates the administrator. Refused once any user exists. */
export async function setupAdministrator(
  ctx: ServiceContext,
  input: ParsedInputOf<'auth.setup'>,
): Promise<SessionUser> {
  assertPasswordRules(input.username, input.password, 'password');
  const passwordHash = await hashPassword(input.password); // slow: outside the transaction
  return ctx.db.transaction(
    (tx) => {
      if (needsSetup(ctx.db) === false) throw new AppError('conflict', 'auth.alreadySetUp');
      const now = ctx.now().toISOString();
      const user = tx
        .insert(users)
        .values({
          username: input.username,
          displayName: input.displayName,
          role: 'admin',
          passwordHash,
          // set-up signs the administrator in
          lastLoginAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      recordAudit(
        { ...ctx, actor: { id: user.id, username: user.username } },
        {
          action: 'create',
          entity: 'user',
          entityId: user.id,
          changes: { username: [null, user.username], displayName: [null, user.displayName], role: [null, user.role] },
        },
      );
      return toSessionUser(user);
    },
    { behavior: 'immediate' },
  );
}

/** Consecutive failures that lock an account, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
/** Seconds sign-in is refused after the 1st, 2nd, 3rd, 4th consecutive failure (the 5th locks). */
export const FAILURE_DELAYS_S = [0, 1, 2, 4] as const;

type FailReason = 'unknown_user' | 'wrong_password' | 'inactive' | 'too_soon' | 'locked';

function recordLoginFailed(ctx: ServiceContext, attempted: string, user: UserRow | undefined, reason: FailReason) {
  ctx.db.transaction(
    () =>
      recordAudit(
        { ...ctx, actor: { id: null, username: attempted } },
        { action: 'login_failed', entity: 'user', entityId: user?.id ?? attempted, changes: {}, reason },
      ),
    { behavior: 'immediate' },
  );
}

const lockedOut = (ms: number) =>
  new AppError('unauthenticated', 'auth.lockedOut', { field: 'password', params: { minutes: Math.ceil(ms / 60_000) } });
const tooSoon = (ms: number) =>
  new AppError('unauthenticated', 'auth.tooSoon', { field: 'password', params: { seconds: Math.ceil(ms / 1000) } });

/**
 * Sign-in. One message for an unknown user and a wrong password; after each failure an increasing "refused until"
 * (FAILURE_DELAYS_S, against ctx.now — never a sleep), and after MAX_FAILED_LOGINS consecutive failures a lock-out of
 * LOCKOUT_MINUTES. Every attempt, failed or not, is in the audit trail.
 */
export async function login(ctx: ServiceContext, username: string, password: string): Promise<SessionUser> {
  const attempted = username.trim();
  const user = ctx.db.select().from(users).where(eq(users.username, attempted)).get();
  const now = ctx.now();
  if (user?.lockedUntil && user.lockedUntil > now.toISOString()) {
    const wait = Date.parse(user.lockedUntil) - now.getTime();
    const locked = user.failedLogins >= MAX_FAILED_LOGINS;
    recordLoginFailed(ctx, attempted, user, locked ? 'locked' : 'too_soon');
    throw locked ? lockedOut(wait) : tooSoon(wait);
  }
  const ok = user !== undefined && (await verifyPassword(password, user.passwordHash));
  if (!user) {
    recordLoginFailed(ctx, attempted, user, 'unknown_user');
    throw new AppError('unauthenticated', 'auth.invalidCredentials', { field: 'password', params: { seconds: 0 } });
  }
  // a refusal is returned (not thrown) from the transaction, so that the counter and the audit event are committed
  const outcome = ctx.db.transaction(
    (tx): SessionUser | AppError => {
      const row = ctx.db.select().from(users).where(eq(users.id, user.id)).get()!;
      const at = ctx.now();
      if (!ok) {
        // a lock-out that has run out starts a fresh count
        const failures = (row.failedLogins >= MAX_FAILED_LOGINS ? 0 : row.failedLogins) + 1;
        const locks = failures >= MAX_FAILED_LOGINS;
        const delayMs = locks ? LOCKOUT_MINUTES * 60_000 : FAILURE_DELAYS_S[failures - 1]! * 1000;
        tx.update(users)
          .set({
            failedLogins: failures,
            lockedUntil: delayMs > 0 ? new Date(at.getTime() + delayMs).toISOString() : null,
          })
          .where(eq(users.id, row.id))
          .run();
        recordAudit(
          { ...ctx, actor: { id: null, username: attempted } },
          {
            action: 'login_failed',
            entity: 'user',
            entityId: row.id,
            changes: { failedLogins: [row.failedLogins, failures] },
            reason: locks ? 'locked_out' : 'wrong_password',
          },
        );
        if (locks) return lockedOut(delayMs);
        return new AppError('unauthenticated', 'auth.invalidCredentials', {
          field: 'password',
          params: { seconds: delayMs / 1000 },
        });
      }
      if (!row.active) {
        recordAudit(
          { ...ctx, actor: { id: null, username: attempted } },
          { action: 'login_failed', entity: 'user', entityId: row.id, changes: {}, reason: 'inactive' },
        );
        return new AppError('unauthenticated', 'auth.inactive', { field: 'username' });
      }
      tx.update(users)
        .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: at.toISOString() })
        .where(eq(users.id, row.id))
        .run();
      recordAudit(
        { ...ctx, actor: { id: row.id, username: row.username } },
        {
          action: 'login',
          entity: 'user',
          entityId: row.id,
          changes: row.failedLogins ? { failedLogins: [row.failedLogins, 0] } : {},
        },
      );
      return toSessionUser(row);
    },
    { behavior: 'immediate' },
  );
  if (outcome instanceof AppError) throw outcome;
  return outcome;
}

/**
 * The session user as the database has it now: null when the account is gone or deactivated. Hosts call it on every
 * call, so a role change or deactivation takes effect at once.
 */
export function currentSessionUser(db: AppDb, id: number): SessionUser | null {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  return row && row.active ? toSessionUser(row) : null;
}

/** The signed-in user changes their own password (required after a temporary one). */
export async function changePassword(
  ctx: ServiceContext,
  userId: number,
  currentPassword: string,
  newPassword: string,
): Promise<SessionUser> {
  const user = ctx.db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new AppError('unauthenticated', 'errors.unauthenticated');
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw fieldError('validation', 'currentPassword', 'auth.wrongCurrentPassword');
  }
  assertPasswordRules(user.username, newPassword, 'newPassword');
  if (newPassword === currentPassword) throw fieldError('validation', 'newPassword', 'auth.samePassword');
  const passwordHash = await hashPassword(newPassword);
  return ctx.db.transaction(
    (tx) => {
      const row = tx
        .update(users)
        .set({ passwordHash, mustChangePassword: false, updatedAt: ctx.now().toISOString() })
        .where(eq(users.id, userId))
        .returning()
        .get();
      recordAudit(ctx, {
        action: 'password_change',
        entity: 'user',
        entityId: userId,
        changes: user.mustChangePassword ? { mustChangePassword: [true, false] } : {},
      });
      return toSessionUser(row);
    },
    { behavior: 'immediate' },
  );
}
