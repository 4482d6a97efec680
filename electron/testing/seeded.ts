/**
 * A real SQLite file in a temp folder with the small demo seed, and an administrator's session on a host whose clock is
 * the demo's "today" (office hours in Beijing): what the tests over realistic data start from.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type OpenedDatabase } from '../../db/open';
import type { ApiResult, SessionUser } from '../api';
import { seedDemo, type SeedReport } from '../core/demo/seed';
import { dispatch, type HostContext, type Session } from '../handlers';

export interface Seeded {
  dir: string;
  opened: OpenedDatabase;
  sqlite: Database.Database;
  host: HostContext;
  admin: Session;
  report: SeedReport;
  send(channel: string, payload: unknown, session?: Session): Promise<ApiResult<unknown>>;
  /** a call that throws on a refusal */
  call<T>(channel: string, payload: unknown, session?: Session): Promise<T>;
  /** a count(*) AS n query */
  count(sql: string, ...params: unknown[]): number;
  cleanup(): void;
}

export async function openSeeded(prefix: string): Promise<Seeded> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `trialdesk-${prefix}-`));
  const opened = await openDatabase(path.join(dir, `${prefix}.sqlite`));
  const report = await seedDemo(opened.db, { scale: 'small' });
  const host: HostContext = {
    db: opened.db,
    host: 'cli',
    version: 'test',
    now: () => new Date(`${report.baseDate}T02:00:00.000Z`),
  };
  const user: SessionUser = {
    id: report.actor.id!,
    username: report.actor.username,
    displayName: 'admin',
    role: 'admin',
    mustChangePassword: false,
  };
  const admin: Session = { user };
  const sqlite = opened.db.$client;
  const send = (channel: string, payload: unknown, s: Session = admin) => dispatch(host, s, channel, payload);
  return {
    dir,
    opened,
    sqlite,
    host,
    admin,
    report,
    send,
    call: async <T>(channel: string, payload: unknown, s: Session = admin): Promise<T> => {
      const r = await send(channel, payload, s);
      if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
      return r.value as T;
    },
    count: (sql, ...params) => (sqlite.prepare(sql).get(...params) as { n: number }).n,
    cleanup: () => {
      opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
