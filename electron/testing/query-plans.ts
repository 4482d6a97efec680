/**
 * What the query-plan tests share: EXPLAIN QUERY PLAN of a statement, and the statements a call really runs (so that the
 * plans checked are those of the services, not copies of their SQL).
 */
import type Database from 'better-sqlite3';

export function explain(sqlite: Database.Database, sql: string, params: unknown[] | Record<string, unknown>): string[] {
  const stmt = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = (Array.isArray(params) ? stmt.all(...params) : stmt.all(params)) as { detail: string }[];
  return rows.map((r) => r.detail);
}

export interface Captured {
  sql: string;
  args: unknown[];
}
/**
 * Every statement run on the connection while `fn` runs, with its arguments: prepare is wrapped for the duration, and
 * so are the run/get/all/iterate of the statements it returns (drizzle and the raw services both go through them).
 */
export async function capture(sqlite: Database.Database, fn: () => Promise<unknown>): Promise<Captured[]> {
  const out: Captured[] = [];
  const original = sqlite.prepare.bind(sqlite);
  const wrap = (sql: string) => {
    const stmt = original(sql) as Database.Statement;
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const inner = (stmt[method] as (...a: unknown[]) => unknown).bind(stmt);
      Object.defineProperty(stmt, method, {
        value: (...args: unknown[]) => {
          out.push({ sql, args });
          return inner(...args);
        },
      });
    }
    return stmt;
  };
  sqlite.prepare = wrap as typeof sqlite.prepare;
  try {
    await fn();
  } finally {
    delete (sqlite as { prepare?: unknown }).prepare; // back to the prototype's
  }
  return out;
}
