/**
 * Auto-lock of a signed-in session on a shared ward workstation: after idle time, on the lock button, and when the
 * operating system locks or suspends. A locked session keeps its user (the renderer keeps the unsaved input under the
 * lock screen) but the handler table refuses every call except the few in `OPEN_WHILE_LOCKED` until the same user
 * re-enters the password, or another user signs in (which replaces the session's user).
 *
 * Plain logic over the host's session objects and the database: no Electron, tested through the handler table.
 */
import type { SessionUser } from '../../api/contract';
import type { LockCause } from '../../api/events';
import * as accounts from '../accounts/accounts';
import { recordAudit } from '../audit/audit';
import type { Actor, ServiceContext } from '../context';
import { AppError, fieldError } from '../errors';

/** The lock state a host keeps per session (a window, a browser). */
export interface LockableSession {
  user: SessionUser | null;
  /** UTC instant the session locked; null/absent while open */
  lockedAt?: string | null;
  /** host clock (ms) of the last call of this session */
  lastActivityAt?: number;
}

/**
 * What a locked session may still call: unlock, another user's sign-in, sign-out, the start-up question (which reports
 * `locked`, so a reload shows the lock screen), and locking again (idempotent).
 */
export const OPEN_WHILE_LOCKED: ReadonlySet<string> = new Set([
  'auth.unlock',
  'auth.login',
  'auth.logout',
  'auth.lock',
  'app.info',
]);
/** Calls that are neither refused into the audit trail nor count as a change (the renderer's activity heartbeat). */
const QUIET_CHANNELS: ReadonlySet<string> = new Set(['auth.activity']);

const actorOf = (user: SessionUser): Actor => ({ id: user.id, username: user.username });

export function isLocked(session: LockableSession): boolean {
  return session.user !== null && session.lockedAt != null;
}

/**
 * Locks a signed-in, open session and records why. `at` is when it locked (for an idle lock: when the idle time ran
 * out, which may be before anyone noticed). Returns false when there was nothing to lock.
 */
export function lockSession(
  ctx: Pick<ServiceContext, 'db' | 'now'>,
  session: LockableSession,
  cause: LockCause,
  at: Date = ctx.now(),
): boolean {
  const user = session.user;
  if (!user || isLocked(session)) return false;
  const lockedAt = at.toISOString();
  ctx.db.transaction(
    () => {
      recordAudit(
        { ...ctx, actor: actorOf(user) },
        {
          action: 'lock',
          entity: 'user',
          entityId: user.id,
          changes: { cause: [null, cause], lockedAt: [null, lockedAt] },
        },
      );
    },
    { behavior: 'immediate' },
  );
  session.lockedAt = lockedAt;
  return true;
}

/** Locks every signed-in session (the OS locked the screen or is suspending). Returns the sessions that locked now. */
export function lockAll<S extends LockableSession>(
  ctx: Pick<ServiceContext, 'db' | 'now'>,
  sessions: Iterable<S>,
  cause: LockCause,
): S[] {
  const locked: S[] = [];
  for (const s of sessions) if (lockSession(ctx, s, cause)) locked.push(s);
  return locked;
}

/**
 * Before a call: a signed-in session idle for `idleMinutes` or more locks now (cause idle, locked at the moment the idle
 * time ran out); a locked session is refused every channel outside `OPEN_WHILE_LOCKED`, and the attempt is recorded.
 */
export function guardCall(
  ctx: Pick<ServiceContext, 'db' | 'now'>,
  session: LockableSession,
  channel: string,
  idleMinutes: number,
): void {
  const user = session.user;
  if (!user) return;
  const now = ctx.now().getTime();
  if (!isLocked(session)) {
    const last = session.lastActivityAt ?? now;
    session.lastActivityAt = last;
    const deadline = last + idleMinutes * 60_000;
    if (now >= deadline) lockSession(ctx, session, 'idle', new Date(deadline));
  }
  if (!isLocked(session) || OPEN_WHILE_LOCKED.has(channel)) return;
  if (!QUIET_CHANNELS.has(channel)) {
    ctx.db.transaction(
      () => {
        recordAudit(
          { ...ctx, actor: actorOf(user) },
          { action: 'locked_call_refused', entity: 'user', entityId: user.id, changes: { channel: [null, channel] } },
        );
      },
      { behavior: 'immediate' },
    );
  }
  throw new AppError('locked', 'lock.locked');
}

/**
 * After a call that succeeded: who is signed in now decides the lock state. A new sign-in (this or another user) opens
 * the session; sign-out clears it; any other call of an open session counts as activity.
 */
export function afterCall(session: LockableSession, channel: string, now: Date): void {
  if (!session.user) {
    session.lockedAt = null;
    session.lastActivityAt = undefined;
    return;
  }
  if (channel === 'auth.login' || channel === 'auth.setup') session.lockedAt = null;
  if (!isLocked(session)) session.lastActivityAt = now.getTime();
}

/**
 * Unlocks with the password of the session's own user. The password is checked by the sign-in rule itself
 * (accounts.login): the same increasing delay and lock-out after repeated failures, an inactive account refused, each
 * attempt in the audit trail. A refused unlock is also recorded as unlock_failed; a wrong password is a field error on
 * `password`.
 */
export async function unlockSession(
  ctx: Pick<ServiceContext, 'db' | 'now'>,
  session: LockableSession,
  password: string,
): Promise<SessionUser> {
  const user = session.user;
  if (!user) throw new AppError('unauthenticated', 'errors.unauthenticated');
  const asUser = { ...ctx, actor: actorOf(user) };
  let checked: SessionUser;
  try {
    checked = await accounts.login(asUser, user.username, password);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    ctx.db.transaction(
      () =>
        recordAudit(asUser, {
          action: 'unlock_failed',
          entity: 'user',
          entityId: user.id,
          changes: {},
          reason: err.error.messageKey,
        }),
      { behavior: 'immediate' },
    );
    if (err.error.messageKey === 'auth.invalidCredentials') {
      throw fieldError('unauthenticated', 'password', 'lock.wrongPassword');
    }
    throw err;
  }
  const lockedAt = session.lockedAt ?? null;
  if (lockedAt !== null)
    ctx.db.transaction(
      () =>
        recordAudit(asUser, {
          action: 'unlock',
          entity: 'user',
          entityId: user.id,
          changes: { lockedAt: [lockedAt, null] },
        }),
      { behavior: 'immediate' },
    );
  session.user = checked;
  session.lockedAt = null;
  session.lastActivityAt = ctx.now().getTime();
  return checked;
}
