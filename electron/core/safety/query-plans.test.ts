/**
 * The hot safety queries (issue 6) use the indexes of migration 0004, never a full scan of adverse_events: the study
 * listing adverse_events_study_start_idx in onset order (no sort of the study's AEs) with every filter of the screen,
 * its total from an index, the SAE board the partial indexes of open and reported SAEs, the counts by SOC and grade
 * adverse_events_study_soc_idx alone (covering), the sign-off queue adverse_events_unsigned_idx, a subject's AE log and
 * the next AE number adverse_events_subject_number_uq. Checked with EXPLAIN QUERY PLAN on every statement the safety
 * channels actually run through the handler table (captured at the connection), on the small demo seed (its AEs of
 * every kind: serious, open and reported SAEs, signed, unsigned, an AESEV study) in a real temp file. As for the visits
 * (core/visits/query-plans.test.ts), the app never runs ANALYZE: the plans depend on the schema and the SQL only.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../../db/open';
import type { InputOf, SessionUser } from '../../api/contract';
import { dispatch, type HostContext, type Session } from '../../handlers';
import { capture, explain, type Captured } from '../../testing/query-plans';
import { seedDemo } from '../demo/seed';

let dir: string;
let o: OpenedDatabase;
let sqlite: Database.Database;
let host: HostContext;
let admin: Session;
/** the study with the most AEs */
let study: number;
let subjectWithAes: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-safety-plans-'));
  o = await openDatabase(path.join(dir, 'plans.sqlite'));
  sqlite = o.db.$client;
  const report = await seedDemo(o.db, { scale: 'small' });
  // the demo's "today" during office hours in Beijing: the seeded SAE clocks run on it
  host = { db: o.db, host: 'cli', version: 'test', now: () => new Date(`${report.baseDate}T02:00:00.000Z`) };
  const user: SessionUser = {
    id: report.actor.id!,
    username: report.actor.username,
    displayName: 'admin',
    role: 'admin',
    mustChangePassword: false,
  };
  admin = { user };
  study = (
    sqlite
      .prepare('SELECT study_id AS id FROM adverse_events GROUP BY study_id ORDER BY count(*) DESC LIMIT 1')
      .get() as { id: number }
  ).id;
  subjectWithAes = (
    sqlite
      .prepare('SELECT subject_id AS id FROM adverse_events GROUP BY subject_id ORDER BY count(*) DESC LIMIT 1')
      .get() as { id: number }
  ).id;
}, 60_000);
afterAll(() => {
  o.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T = unknown>(channel: string, payload: unknown, session = admin): Promise<T> {
  const r = await dispatch(host, session, channel, payload);
  if (!r.ok) throw new Error(`${channel} refused: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

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

/**
 * Problems of a plan: a full scan of one of the big tables, or a read of one without an index. A scan of the partial
 * index of open SAEs (serious, initial report not sent: a handful at any time) is no problem.
 */
const BIG_TABLES = ['adverse_events', 'sae_reports', 'signatures', 'subjects', 'visits', 'audit_events'] as const;
function accessProblems(sql: string, plan: string[]): string[] {
  const problems: string[] = [];
  for (const table of BIG_TABLES)
    for (const line of linesOf(sql, plan, table)) {
      if (/^SCAN \w+ USING (COVERING )?INDEX adverse_events_sae_open_idx$/.test(line)) continue;
      if (line.startsWith('SCAN')) problems.push(`full scan of ${table}: ${line}`);
      else if (!/USING (COVERING )?INDEX \w+ \(|INTEGER PRIMARY KEY/.test(line))
        problems.push(`${table} without an index: ${line}`);
    }
  return problems;
}

/** The captured statements that read the safety tables, each once, with its plan. */
function plansOf(captured: Captured[]) {
  const seen = new Set<string>();
  return captured
    .filter((c) => /\b(adverse_events|sae_reports)\b/i.test(c.sql) && /^\s*(SELECT|UPDATE|DELETE|WITH)/i.test(c.sql))
    .filter((c) => !seen.has(c.sql) && seen.add(c.sql))
    .map((c) => {
      const args = c.args.length === 1 && c.args[0] !== null && typeof c.args[0] === 'object' ? c.args[0] : c.args;
      return { sql: c.sql, plan: explain(sqlite, c.sql, args as unknown[] | Record<string, unknown>) };
    });
}
const show = (p: { sql: string; plan: string[] }) => `${p.sql}\n--\n${p.plan.join('\n')}`;

describe('query plans: the database the planner sees', () => {
  it('has no ANALYZE statistics, and AEs of every kind', () => {
    const stat = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").get() as {
      n: number;
    };
    expect(stat.n).toBe(0);
    const kinds = sqlite
      .prepare(
        `SELECT sum(serious) AS serious, sum(serious = 1 AND reported_at IS NULL) AS open,
           sum(assessment_signed = 0) AS unsigned, sum(severity IS NOT NULL) AS aesev FROM adverse_events`,
      )
      .get() as Record<string, number>;
    for (const [kind, n] of Object.entries(kinds)) expect(n, kind).toBeGreaterThan(0);
  });
});

describe('query plans: the study AE listing', () => {
  const filters: [string, Partial<InputOf<'aes.list'>>][] = [
    ['no filter', {}],
    ['grade ≥ 3', { gradeAtLeast3: true }],
    ['serious', { serious: true }],
    ['related + ongoing', { related: true, ongoing: true }],
    ['unsigned', { unsigned: true }],
    ['SAE overdue', { saeOverdue: true }],
    ['search', { search: 'neutro' }],
    ['every filter', { gradeAtLeast3: true, serious: true, related: true, ongoing: true, unsigned: true }],
    ['a later page', { offset: 50 }],
  ];

  it.each(filters)(
    '%s: the study’s AEs by index, in onset order without sorting them, the total by index',
    async (_, filter) => {
      const payload = { studyId: study, ...filter };
      const plans = plansOf(await capture(sqlite, () => call('aes.list', payload)));
      expect(plans.length, 'the page and its total').toBeGreaterThanOrEqual(2);
      for (const p of plans) {
        expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
        const ae = linesOf(p.sql, p.plan, 'adverse_events');
        expect(ae, show(p)).toHaveLength(1);
        expect(ae[0], show(p)).toMatch(/adverse_events_\w+ \(study_id=\?/);
        // subjects and centers of each row by their primary keys; a search's subject numbers in the study's subjects
        for (const table of ['subjects', 'centers'])
          for (const line of linesOf(p.sql, p.plan, table))
            expect(line, show(p)).toMatch(/INTEGER PRIMARY KEY|^SEARCH m USING (COVERING )?INDEX \w+ \(study_id=\?\)$/);
        // the page in onset order from the index (a sort only after the SAE index picked the few overdue ones)
        if (/ORDER BY/.test(p.sql) && !filter.saeOverdue)
          expect(p.plan.join('\n'), show(p)).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      }
      const page = plans.find((p) => /ORDER BY/.test(p.sql))!;
      if (!filter.saeOverdue && !filter.unsigned)
        expect(linesOf(page.sql, page.plan, 'adverse_events')[0]).toMatch(
          /^SEARCH a USING INDEX adverse_events_study_start_idx \(study_id=\?\)$/,
        );
      if (filter.saeOverdue)
        expect(linesOf(page.sql, page.plan, 'adverse_events')[0]).toMatch(/adverse_events_sae_open_idx \(study_id=\?/);
      // the search's total from the subject + terms index alone, as the user types
      if (filter.search) {
        const total = plans.find((p) => /^SELECT count\(\*\)/.test(p.sql))!;
        expect(linesOf(total.sql, total.plan, 'adverse_events'), show(total)).toEqual([
          'SEARCH a USING COVERING INDEX adverse_events_study_subject_terms_idx (study_id=?)',
        ]);
      }
      const list = await call<{ total: number }>('aes.list', payload);
      expect(list.total).toBeGreaterThanOrEqual(0);
    },
  );

  it('with a center filter, still by the study index', async () => {
    const center = (
      sqlite.prepare('SELECT center_id AS id FROM adverse_events WHERE study_id = ? LIMIT 1').get(study) as {
        id: number;
      }
    ).id;
    const plans = plansOf(await capture(sqlite, () => call('aes.list', { studyId: study, centerId: center })));
    for (const p of plans) {
      expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
      expect(linesOf(p.sql, p.plan, 'adverse_events')[0], show(p)).toMatch(/\(study_id=\?/);
    }
  });
});

describe('query plans: the SAE board', () => {
  it.each([
    ['every study (administrator)', false],
    ['one study', true],
  ])('%s: open SAEs by the partial open index, reported ones by the partial reported index', async (_, oneStudy) => {
    const payload = oneStudy ? { studyId: study } : {};
    const plans = plansOf(await capture(sqlite, () => call('aes.saeBoard', payload)));
    const ae = plans.filter((p) => /\badverse_events\b/.test(p.sql));
    expect(ae.length).toBeGreaterThanOrEqual(2);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
    const open = ae.find((p) => /reported_at IS NULL/.test(p.sql))!;
    expect(linesOf(open.sql, open.plan, 'adverse_events').join(), show(open)).toMatch(
      /adverse_events_sae_open_idx( \(|$)/,
    );
    // the SAEs reported in the last days by their instant, the studies filtered in the index: never all the AEs of
    // the studies read to find their few reported SAEs (a study list needs `+a.study_id IN (…)`, as the overdue count
    // of visits does: else the planner prefers adverse_events_study_start_idx by study_id)
    const recent = ae.find((p) => /reported_at IS NOT NULL/.test(p.sql))!;
    expect(linesOf(recent.sql, recent.plan, 'adverse_events').join(), show(recent)).toMatch(
      /adverse_events_sae_reported_idx \(reported_at>\?/,
    );
    // follow-up counts by the report index of each AE
    for (const p of ae)
      for (const line of linesOf(p.sql, p.plan, 'sae_reports'))
        expect(line, show(p)).toMatch(/sae_reports_ae_number_uq/);
  });
});

describe('query plans: counts by SOC and grade, the sign-off queue', () => {
  it('counts: adverse_events_study_soc_idx alone (covering), never the table', async () => {
    const plans = plansOf(await capture(sqlite, () => call('aes.counts', { studyId: study })));
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const p of plans) {
      expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
      // the study's distinct subjects in subject order, from the subject-first index (no temporary b-tree)
      const index = /^SELECT count\(DISTINCT a.subject_id\) AS n FROM/.test(p.sql)
        ? 'adverse_events_study_subject_terms_idx'
        : 'adverse_events_study_soc_idx';
      expect(linesOf(p.sql, p.plan, 'adverse_events'), show(p)).toEqual([
        `SEARCH a USING COVERING INDEX ${index} (study_id=?)`,
      ]);
      if (index !== 'adverse_events_study_soc_idx') expect(p.plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('the sign-off queue of one study: adverse_events_unsigned_idx, in onset order without a sort', async () => {
    const plans = plansOf(await capture(sqlite, () => call('aes.signOffQueue', { studyId: study })));
    expect(plans.length).toBeGreaterThanOrEqual(1);
    for (const p of plans) {
      expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
      expect(linesOf(p.sql, p.plan, 'adverse_events')[0], show(p)).toMatch(
        /^SEARCH a USING INDEX adverse_events_unsigned_idx \(study_id=\?\)$/,
      );
      expect(p.plan.join('\n'), show(p)).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      // "was it signed before": the signatures of the record by their index
      expect(linesOf(p.sql, p.plan, 'signatures').join(), show(p)).toMatch(
        /signatures_record_idx \(entity=\? AND entity_id=\?\)/,
      );
    }
  });

  /*
   * Every study (an administrator; an investigator of many studies): the 200 oldest unsigned AEs must come from an
   * index in onset order — sorting all unsigned AEs of the site (15 % of 150,000 in the large seed) with their joins
   * takes 170–230 ms there. Needs a partial index in onset order, e.g. adverse_events (start_date, study_id) WHERE
   * assessment_signed = 0 (a study list then filtered in the index with `+a.study_id IN (…)`).
   */
  it('the sign-off queue of every study: the oldest unsigned AEs from an index in onset order, no sort of them all', async () => {
    const plans = plansOf(await capture(sqlite, () => call('aes.signOffQueue', {})));
    expect(plans.length).toBeGreaterThanOrEqual(1);
    for (const p of plans) {
      expect(linesOf(p.sql, p.plan, 'adverse_events')[0], show(p)).toMatch(/USING (COVERING )?INDEX \w*unsigned\w*/);
      expect(p.plan.join('\n'), show(p)).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
  });

  it('the sign-off queue of a coordinator’s studies: by an unsigned index, never a scan of the table', async () => {
    const coordinator = sqlite
      .prepare(
        `SELECT u.id, u.username FROM users u WHERE u.role = 'coordinator'
           AND EXISTS (SELECT 1 FROM user_studies us WHERE us.user_id = u.id)`,
      )
      .get() as { id: number; username: string };
    // past the temporary password of the demo account (the test file only)
    sqlite.prepare('UPDATE users SET must_change_password = 0 WHERE id = ?').run(coordinator.id);
    const session: Session = {
      user: { ...coordinator, displayName: 'crc', role: 'coordinator', mustChangePassword: false },
    };
    const plans = plansOf(await capture(sqlite, () => call('aes.signOffQueue', {}, session)));
    expect(plans.length).toBeGreaterThanOrEqual(1);
    for (const p of plans) {
      expect(p.sql).toMatch(/study_id IN \(\?(,\?)+\)/);
      expect(linesOf(p.sql, p.plan, 'adverse_events')[0], show(p)).toMatch(/USING (COVERING )?INDEX \w*unsigned\w*/);
      // (an ordered scan of a partial index of unsigned AEs is no scan of the table)
      expect(
        accessProblems(p.sql, p.plan).filter((x) => !/SCAN a USING INDEX \w*unsigned\w*$/.test(x)),
        show(p),
      ).toEqual([]);
    }
  });
});

describe('query plans: a subject’s AE log, recording an AE', () => {
  it('a subject’s AEs, their reports and signatures by index', async () => {
    const plans = plansOf(await capture(sqlite, () => call('aes.forSubject', { subjectId: subjectWithAes })));
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
    const bySubject = plans.filter((p) => /"adverse_events"\."subject_id"\s*=/.test(p.sql));
    expect(bySubject.length).toBeGreaterThan(0);
    for (const p of bySubject)
      expect(linesOf(p.sql, p.plan, 'adverse_events').join(), show(p)).toMatch(
        /adverse_events_subject_number_uq \(subject_id=\?/,
      );
  });

  it('recording an AE (the next number, the log returned) reads by index only', async () => {
    const subject = sqlite
      .prepare(
        `SELECT s.id, s.first_consent_date AS consent FROM subjects s JOIN centers c ON c.id = s.center_id
         WHERE c.is_own = 1 AND s.first_consent_date IS NOT NULL AND s.study_id NOT IN
           (SELECT study_id FROM safety_settings WHERE severity_scale = 'aesev') LIMIT 1`,
      )
      .get() as { id: number; consent: string };
    const captured = await capture(sqlite, () =>
      call('aes.create', {
        subjectId: subject.id,
        fields: {
          verbatimTerm: '乏力',
          grade: 1,
          startDate: subject.consent,
          ongoing: true,
          serious: false,
          outcome: 'NOT RECOVERED/NOT RESOLVED',
        },
      }),
    );
    const plans = plansOf(captured);
    expect(plans.length).toBeGreaterThan(1);
    for (const p of plans) expect(accessProblems(p.sql, p.plan), show(p)).toEqual([]);
  });
});
