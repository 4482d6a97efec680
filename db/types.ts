import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema';

/** The drizzle handle every service gets; `$client` is the better-sqlite3 connection for prepared bulk statements. */
export type AppDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
