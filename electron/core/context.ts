import type { AppDb } from '../../db/types';

export type { AppDb };
/** A drizzle transaction handle: what services write through. */
export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0];

/** Who is acting. `id: null` for the system (first-run set-up, locale changes before sign-in). */
export interface Actor {
  id: number | null;
  username: string;
}

/** What every service call gets: the database, the actor for the audit trail, and the clock. */
export interface ServiceContext {
  db: AppDb;
  actor: Actor;
  now: () => Date;
}

export const SYSTEM_ACTOR: Actor = { id: null, username: 'system' };
