import { count, eq } from 'drizzle-orm';
import { users } from '../../../db/schema';
import type { SessionUser } from '../../api/contract';
import type { ParsedInputOf } from '../../api/contract';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, fieldError } from '../errors';
import { hashPassword, verifyPassword } from './passwords';

export function needsSetup(db: AppDb): boolean {
  return (db.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
}

const toSessionUser = (u: typeof users.$inferSelect): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
});

/** First launch: creates the administrator. Refused once any user exists. */
export async function setupAdministrator(
  ctx: ServiceContext,
  input: ParsedInputOf<'auth.setup'>,
): Promise<SessionUser> {
  if (input.password.toLowerCase().includes(input.username.toLowerCase())) {
    throw fieldError('validation', 'password', 'validation.passwordContainsUsername');
  }
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

export async function login(db: AppDb, username: string, password: string): Promise<SessionUser> {
  const user = db.select().from(users).where(eq(users.username, username.trim())).get();
  const ok = user !== undefined && user.active && (await verifyPassword(password, user.passwordHash));
  // one message for unknown user and wrong password: do not tell which user names exist
  if (!user || !ok) throw new AppError('unauthenticated', 'auth.invalidCredentials', { field: 'password' });
  return toSessionUser(user);
}
