/**
 * The hot visit queries use the indexes of migration 0003 (issue 5), never a full scan of visits or deviations: the
 * worklist visits_planned_idx, the overdue count visits_overdue_idx (covering: the count never reads the table), pending
 * deviation decisions visits_proposed_idx, the calendar visits_study_calendar_idx, a subject's visits visits_subject_idx,
 * the deviation log deviations_study_date_idx. Checked with EXPLAIN QUERY PLAN on the SQL worklist.ts exports and on
 * every statement the visit channels actually run through the handler table (captured at the connection).
 * The app never runs ANALYZE (db/open.ts sets pragmas and checks integrity, nothing more), so there is no sqlite_stat1
 * and the plans depend on the schema and the SQL, not on row counts: the small demo seed (its 1,400 visits of every
 * status, deviations, an amendment) on a real temp file is as realistic as the large one for the planner. The test
 * asserts that no ANALYZE data exists, so that it notices the day the app starts collecting statistics.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture, explain, type Captured } from '../../testing/query-plans';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../../db/open';
import type { SessionUser } from '../../api/contract';
import { dispatch, type HostContext, type Session } from '../../handlers';
import { addDays } from '../dates';
import { seedDemo } from '../demo/seed';
import { CALENDAR_SQL, OVERDUE_COUNT_SQL, PENDING_DEVIATIONS_SQL, WORKLIST_SQL } from './worklist';

let dir: string;
let o: OpenedDatabase;
let sqlite: Database.Database;
let host: HostContext;
let admin: Session;
let today: string;
/** every study, and the four with the most visits */
let allStudies: number[];
let busy: number[];
/** our own center in the busiest study */
let ownCenter: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-visit-plans-'));
  o = await openDatabase(path.join(dir, 'plans.sqlite'));
  sqlite = o.db.$client;
  const report = await seedDemo(o.db, { scale: 'small' });
  today = report.baseDate;
  // the demo's "today", during office hours in Beijing: the worklist has rows of every section
  host = { db: o.db, host: 'cli', version: 'test', now: () => new Date(`${today}T02:00:00.000Z`) };
  const user: SessionUser = {
    id: report.actor.id!,
    username: report.actor.username,
    displayName: 'admin',
    role: 'admin',
    mustChangePassword: false,
  };
  admin = { user };
  allStudies = (sqlite.prepare('SELECT id FROM studies ORDER BY id').all() as { id: number }[]).map((s) => s.id);
  busy = (
    sqlite.prepare('SELECT study_id AS id FROM visits GROUP BY study_id ORDER BY count(*) DESC LIMIT 4').all() as {
      id: number;
    }[]
  ).map((s) => s.id);
  ownCenter = (
    sqlite.prepare('SELECT id FROM centers WHERE study_id = ? AND is_own = 1').get(busy[0]) as { id: number }
  ).id;
}, 60_000);
afterAll(() => {
  o.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The names a statement gives a table: its aliases, and the table name itself. */
function aliases(sql: string, table: string): Set<string> {
  const out = new Set([table]);
  for (const m of sql.matchAll(new RegExp(`\\b${table}"?\\s+(?:AS\\s+)?"?([A-Za-z_]\\w*)"?`, 'gi'))) {
    const alias = m[1]!;
    if (!/^(where|join|left|inner|on|group|order|limit|set|values|using)$/i.test(alias)) out.add(alias);
  }
  return out;
}

/** The plan lines that read `table` (SCAN or SEARCH under one of its names). */
const linesOf = (sql: string, plan: string[], table: string) => {
  const names = aliases(sql, table);
  return plan.filter((line) => /^(SCAN|SEARCH) /.test(line) && names.has(line.split(' ')[1] ?? ''));
};

/** Problems of a plan: a full scan of one of the big tables, or a read of one without an index. */
const BIG_TABLES = ['visits', 'deviations', 'subjects', 'audit_events'] as const;
function accessProblems(sql: string, plan: string[]): string[] {
  const problems: string[] = [];
  for (const table of BIG_TABLES)
    for (const line of linesOf(sql, plan, table)) {
      if (line.startsWith('SCAN')) problems.push(`full scan of ${table}: ${line}`);
      else if (!/USING (COVERING )?INDEX \w+ \(|INTEGER PRIMARY KEY/.test(line))
        problems.push(`${table} without an index: ${line}`);
    }
  return problems;
}

async function call<T = unknown>(channel: string, payload: unknown): Promise<T> {
  const r = await dispatch(host, admin, channel, payload);
  if (!r.ok) throw new Error(`${channel} refused: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

/** Captured reads and writes of the big tables, each once, with its plan. */
function plansOf(captured: Captured[]) {
  const seen = new Set<string>();
  return captured
    .filter((c) => /\b(visits|deviations|subjects)\b/i.test(c.sql) && /^\s*(SELECT|UPDATE|DELETE|WITH)/i.test(c.sql))
    .filter((c) => !seen.has(c.sql) && seen.add(c.sql))
    .map((c) => {
      const args = c.args.length === 1 && c.args[0] !== null && typeof c.args[0] === 'object' ? c.args[0] : c.args;
      return { sql: c.sql, plan: explain(sqlite, c.sql, args as unknown[] | Record<string, unknown>) };
    });
}

describe('query plans: the database the planner sees', () => {
  it('has no ANALYZE statistics (the app never collects them) and visits of every status', () => {
    const stat = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").get() as {
      n: number;
    };
    expect(stat.n).toBe(0);
    const statuses = sqlite.prepare('SELECT DISTINCT status FROM visits').all();
    expect(statuses).toHaveLength(5);
    expect(busy.length).toBeGreaterThanOrEqual(4);
  });
});

describe('query plans: the worklist', () => {
  const params = (studies: number[], byCenter: boolean) => [
    ...studies,
    addDays(today, 6),
    ...(byCenter ? [ownCenter] : []),
  ];

  it('reads planned visits through visits_planned_idx by study and window start, never a scan of visits', () => {
    for (const studies of [busy.slice(0, 1), busy, allStudies])
      for (const byCenter of [false, true]) {
        const sql = WORKLIST_SQL(studies.length, byCenter);
        const plan = explain(sqlite, sql, params(studies, byCenter));
        expect(accessProblems(sql, plan), `${studies.length} studies`).toEqual([]);
        const visits = linesOf(sql, plan, 'visits');
        expect(visits, plan.join('\n')).toHaveLength(1);
        expect(visits[0]).toMatch(/^SEARCH v USING INDEX visits_planned_idx \(study_id=\? AND window_start<\?\)$/);
        // subjects, centers and studies by their primary keys
        expect(linesOf(sql, plan, 'subjects').join()).toMatch(/INTEGER PRIMARY KEY/);
      }
  });

  it('through the handler table: the worklist and its pending deviations read visits by index only', async () => {
    const captured = await capture(sqlite, () => call('visits.worklist', {}));
    const plans = plansOf(captured);
    expect(plans.filter((p) => /\bvisits\b/.test(p.sql)).length).toBeGreaterThanOrEqual(2);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), p.sql).toEqual([]);
    const worklist = await call<{ overdue: unknown[]; dueToday: unknown[]; thisWeek: unknown[] }>(
      'visits.worklist',
      {},
    );
    expect(worklist.overdue.length + worklist.thisWeek.length).toBeGreaterThan(0);
  });
});

describe('query plans: the overdue count', () => {
  it('whole site: a range of visits_overdue_idx by window end, covering (the table is never read)', () => {
    const sql = OVERDUE_COUNT_SQL(null);
    const plan = explain(sqlite, sql, [today]);
    expect(accessProblems(sql, plan)).toEqual([]);
    expect(linesOf(sql, plan, 'visits')).toEqual(['SEARCH v USING COVERING INDEX visits_overdue_idx (window_end<?)']);
  });

  /* with a list of studies, `+v.study_id` keeps the study filter inside visits_overdue_idx (covering) */
  it('a list of studies: the same covering range, the studies filtered in the index', () => {
    for (const studies of [busy.slice(0, 1), busy, allStudies]) {
      const sql = OVERDUE_COUNT_SQL(studies.length);
      const plan = explain(sqlite, sql, [today, ...studies]);
      expect(accessProblems(sql, plan)).toEqual([]);
      expect(linesOf(sql, plan, 'visits'), plan.join('\n')).toEqual([
        'SEARCH v USING COVERING INDEX visits_overdue_idx (window_end<?)',
      ]);
    }
  });

  it('through the handler table', async () => {
    const captured = await capture(sqlite, () => call('visits.overdueCount', {}));
    const plans = plansOf(captured);
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), p.sql).toEqual([]);
    expect((await call<{ count: number }>('visits.overdueCount', {})).count).toBeGreaterThan(0);
  });
});

describe('query plans: pending deviation decisions and the calendar', () => {
  /* with a list of studies, `+v.study_id` keeps the study filter inside visits_overdue_idx (covering) */
  it('pending deviations: visits_proposed_idx by study', () => {
    for (const studies of [busy.slice(0, 1), allStudies]) {
      const sql = PENDING_DEVIATIONS_SQL(studies.length);
      const plan = explain(sqlite, sql, studies);
      expect(accessProblems(sql, plan)).toEqual([]);
      expect(linesOf(sql, plan, 'visits')).toEqual(['SEARCH v USING INDEX visits_proposed_idx (study_id=?)']);
    }
  });

  it('calendar: visits_study_calendar_idx by study and the month’s dates', async () => {
    for (const byCenter of [false, true]) {
      const sql = CALENDAR_SQL(busy.length, byCenter);
      const month = today.slice(0, 7);
      const plan = explain(sqlite, sql, [...busy, `${month}-01`, `${month}-31`, ...(byCenter ? [ownCenter] : [])]);
      expect(accessProblems(sql, plan)).toEqual([]);
      expect(linesOf(sql, plan, 'visits')).toEqual([
        'SEARCH v USING INDEX visits_study_calendar_idx (study_id=? AND calendar_date>? AND calendar_date<?)',
      ]);
    }
    const captured = await capture(sqlite, () => call('visits.calendar', { month: today.slice(0, 7) }));
    for (const p of plansOf(captured)) expect(accessProblems(p.sql, p.plan), p.sql).toEqual([]);
  });
});

describe('query plans: a subject’s visits, recording, the deviation log', () => {
  it('a subject’s visits through visits_subject_idx', async () => {
    const subject = sqlite
      .prepare(
        `SELECT subject_id AS id FROM visits WHERE status = 'planned' AND window_start <= ? AND study_id = ?
         ORDER BY window_start LIMIT 1`,
      )
      .get(today, busy[0]) as { id: number };
    const captured = await capture(sqlite, () => call('visits.forSubject', { subjectId: subject.id }));
    const plans = plansOf(captured);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), p.sql).toEqual([]);
    const bySubject = plans.filter((p) => /"visits"\."subject_id"\s*=/.test(p.sql));
    expect(bySubject.length).toBeGreaterThan(0);
    for (const p of bySubject)
      expect(linesOf(p.sql, p.plan, 'visits').join()).toMatch(/visits_subject_idx \(subject_id=\?/);
  });

  it('recording a visit (with the plan kept in step) reads visits and subjects by index only', async () => {
    const visit = sqlite
      .prepare(
        `SELECT v.id FROM visits v JOIN centers c ON c.id = v.center_id AND c.is_own = 1
         WHERE v.status = 'planned' AND v.window_start <= ? AND v.unscheduled = 0 ORDER BY v.window_start DESC LIMIT 1`,
      )
      .get(today) as { id: number };
    const captured = await capture(sqlite, () =>
      call('visits.record', { id: visit.id, status: 'done', actualDate: today }),
    );
    const plans = plansOf(captured);
    expect(plans.length).toBeGreaterThan(2);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), p.sql).toEqual([]);
    // the sync reads the subject's scheduled visits: one of the subject's own indexes
    const sync = plans.filter((p) => /"visits"\."subject_id"\s*=/.test(p.sql) && /"unscheduled"\s*=/.test(p.sql));
    expect(sync.length).toBeGreaterThan(0);
    for (const p of sync)
      expect(linesOf(p.sql, p.plan, 'visits').join()).toMatch(
        /(visits_subject_idx|visits_subject_code_uq) \(subject_id=\?/,
      );
  });

  it('the deviation log: deviations_study_date_idx, in date order (only the number within a day is sorted)', async () => {
    const study = (
      sqlite
        .prepare('SELECT study_id AS id FROM deviations GROUP BY study_id ORDER BY count(*) DESC LIMIT 1')
        .get() as {
        id: number;
      }
    ).id;
    const captured = await capture(sqlite, async () => {
      await call('deviations.list', { studyId: study });
      await call('deviations.list', { studyId: study, from: '2025-01-01', to: today, category: 'visit_window' });
    });
    const plans = plansOf(captured).filter((p) => /\bdeviations\b/.test(p.sql));
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const p of plans) {
      expect(accessProblems(p.sql, p.plan), p.sql).toEqual([]);
      expect(linesOf(p.sql, p.plan, 'deviations').join()).toMatch(/deviations_study_date_idx \(study_id=\?/);
      expect(p.plan.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      // the visit, subject, center and author of each row by primary key
      expect(linesOf(p.sql, p.plan, 'visits').join()).toMatch(/INTEGER PRIMARY KEY/);
    }
    const list = await call<unknown[]>('deviations.list', { studyId: study });
    expect(list.length).toBeGreaterThan(0);
  });
});
