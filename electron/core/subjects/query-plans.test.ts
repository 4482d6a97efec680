/**
 * The hot subject queries use the named indexes (issue 4): subjects_study_status_idx, subjects_study_center_idx,
 * subjects_study_screening_idx, and the unique number indexes for lookups by number — never a full scan of subjects.
 * Checked with EXPLAIN QUERY PLAN on the SQL the services build (the list and summary builders of lists.ts) and on every
 * statement the hot channels actually run through the handler table (captured at the connection). The database has no
 * sqlite_stat1 (the app never runs ANALYZE), so the plans depend on the schema and the SQL only: a small seed is enough.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture, explain, type Captured } from '../../testing/query-plans';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../../db/open';
import { contract, type InputOf, type SessionUser } from '../../api/contract';
import { dispatch, type HostContext, type Session } from '../../handlers';
import { seedDemo } from '../demo/seed';
import { parseInput } from '../validation';
import { ENROLLMENT_SUMMARY_SQL, subjectListSql } from './lists';

let dir: string;
let o: OpenedDatabase;
let sqlite: Database.Database;
let host: HostContext;
let admin: Session;
/** an enrolling study with subjects, its own center and another one */
let study: { id: number; own: number; other: number };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-plans-'));
  o = await openDatabase(path.join(dir, 'plans.sqlite'));
  sqlite = o.db.$client;
  const report = await seedDemo(o.db, { scale: 'small' });
  host = { db: o.db, host: 'cli', version: 'test' };
  const user: SessionUser = {
    id: report.actor.id!,
    username: report.actor.username,
    displayName: 'admin',
    role: 'admin',
    mustChangePassword: false,
  };
  admin = { user };
  const s = sqlite
    .prepare(
      `SELECT s.study_id AS id, count(*) AS n FROM subjects s JOIN studies st ON st.id = s.study_id
       WHERE st.status = 'enrolling' GROUP BY s.study_id ORDER BY n DESC LIMIT 1`,
    )
    .get() as { id: number };
  const centers = sqlite.prepare('SELECT id, is_own FROM centers WHERE study_id = ?').all(s.id) as {
    id: number;
    is_own: number;
  }[];
  study = { id: s.id, own: centers.find((c) => c.is_own === 1)!.id, other: centers.find((c) => c.is_own === 0)!.id };
}, 60_000);
afterAll(() => {
  o.close();
  rmSync(dir, { recursive: true, force: true });
});

const SUBJECT_INDEXES = [
  'subjects_study_status_idx',
  'subjects_study_center_idx',
  'subjects_study_screening_idx',
  'subjects_screening_number_uq',
  'subjects_subject_number_uq',
];

/** The names the plan gives the subjects table in this statement: its aliases, or the table name. */
function subjectAliases(sql: string): Set<string> {
  const out = new Set(['subjects']);
  for (const m of sql.matchAll(/\bsubjects"?\s+(?:AS\s+)?"?([A-Za-z_]\w*)"?/gi)) {
    const alias = m[1]!;
    if (!/^(where|join|left|inner|on|group|order|limit|set|values|using)$/i.test(alias)) out.add(alias);
  }
  return out;
}

/** Problems of a plan: a scan of subjects, or a subjects access without one of its indexes. */
function subjectAccessProblems(sql: string, plan: string[]): string[] {
  const aliases = subjectAliases(sql);
  const problems: string[] = [];
  for (const line of plan) {
    const m = /^(SCAN|SEARCH) (\S+)(.*)$/.exec(line);
    if (!m || !aliases.has(m[2]!)) continue;
    if (m[1] === 'SCAN') problems.push(`full scan: ${line}`);
    else if (!SUBJECT_INDEXES.some((i) => m[3]!.includes(`INDEX ${i} `)) && !m[3]!.includes('INTEGER PRIMARY KEY'))
      problems.push(`no subjects index: ${line}`);
  }
  return problems;
}

/** The subjects lines of a plan (the ones the assertions name indexes in). */
const subjectLines = (sql: string, plan: string[]) => {
  const aliases = subjectAliases(sql);
  return plan.filter((line) => aliases.has(line.split(' ')[1] ?? ''));
};

async function call<T = unknown>(channel: string, payload: unknown): Promise<T> {
  const r = await dispatch(host, admin, channel, payload);
  if (!r.ok) throw new Error(`${channel} refused: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

/** Captured statements that touch subjects (reads and writes), each with its plan. */
function plansOf(captured: Captured[]) {
  const seen = new Set<string>();
  return captured
    .filter((c) => /\bsubjects\b/i.test(c.sql) && /^\s*(SELECT|UPDATE|DELETE|WITH)/i.test(c.sql))
    .filter((c) => !seen.has(c.sql) && seen.add(c.sql))
    .map((c) => {
      const args = c.args.length === 1 && c.args[0] !== null && typeof c.args[0] === 'object' ? c.args[0] : c.args;
      return { sql: c.sql, plan: explain(sqlite, c.sql, args as unknown[] | Record<string, unknown>) };
    });
}

describe('query plans: the subjects list', () => {
  const listPlans = (payload: Omit<InputOf<'subjects.list'>, 'studyId'>, role: SessionUser['role'] = 'admin') => {
    const q = parseInput(contract['subjects.list'].input, { studyId: study.id, ...payload });
    const { count, page, params } = subjectListSql(q, { id: 1, role });
    return {
      count: { sql: count, plan: explain(sqlite, count, params) },
      page: { sql: page, plan: explain(sqlite, page, { ...params, limit: q.limit, offset: q.offset }) },
    };
  };

  it('never scans subjects, whatever the filters, search, sort and page', () => {
    const payloads: Omit<InputOf<'subjects.list'>, 'studyId'>[] = [
      {},
      { status: 'on_treatment', sort: 'enrollmentDate', order: 'desc' },
      { centerId: 1 },
      { centerId: 1, status: 'completed', sort: 'subjectNumber' },
      { search: 's01' },
      { arm: 'A', sort: 'screeningDate', order: 'desc', offset: 200 },
      { needsReconsent: true },
      { unconfirmed: true, sort: 'status' },
    ];
    for (const role of ['admin', 'coordinator', 'monitor'] as const) {
      for (const p of payloads) {
        const { count, page } = listPlans(p, role);
        for (const x of [count, page]) expect(subjectAccessProblems(x.sql, x.plan), JSON.stringify(p)).toEqual([]);
      }
    }
  });

  it('default page: subjects_study_screening_idx gives the order (no sort of the study’s rows)', () => {
    const { page } = listPlans({});
    expect(subjectLines(page.sql, page.plan).join()).toMatch(/INDEX subjects_study_screening_idx \(study_id=\?\)/);
    expect(page.plan.join()).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  });

  it('status filter: subjects_study_status_idx on (study, status)', () => {
    const { page } = listPlans({ status: 'on_treatment', sort: 'enrollmentDate', order: 'desc' });
    expect(subjectLines(page.sql, page.plan).join()).toMatch(
      /INDEX subjects_study_status_idx \(study_id=\? AND status=\?\)/,
    );
  });

  it('center filter: subjects_study_center_idx counts the center’s rows (with the status when filtered)', () => {
    const { count } = listPlans({ centerId: study.own });
    expect(subjectLines(count.sql, count.plan).join()).toMatch(
      /INDEX subjects_study_center_idx \(study_id=\? AND center_id=\?\)/,
    );
    const both = listPlans({ centerId: study.own, status: 'completed' });
    expect(subjectLines(both.count.sql, both.count.plan).join()).toMatch(
      /INDEX subjects_study_center_idx \(study_id=\? AND center_id=\? AND status=\?\)/,
    );
  });

  it('through the handler table: every statement of subjects.list reads subjects by an index', async () => {
    const captured = await capture(sqlite, () =>
      call('subjects.list', { studyId: study.id, status: 'enrolled', sort: 'enrollmentDate', order: 'desc' }),
    );
    const plans = plansOf(captured);
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) expect(subjectAccessProblems(p.sql, p.plan), p.sql).toEqual([]);
  });
});

describe('query plans: the per-center enrollment summary', () => {
  it('groups each center’s subjects through subjects_study_center_idx', async () => {
    const plan = explain(sqlite, ENROLLMENT_SUMMARY_SQL, { studyId: study.id });
    expect(subjectAccessProblems(ENROLLMENT_SUMMARY_SQL, plan)).toEqual([]);
    expect(subjectLines(ENROLLMENT_SUMMARY_SQL, plan).join()).toMatch(
      /INDEX subjects_study_center_idx \(study_id=\? AND center_id=\?\)/,
    );
    const captured = await capture(sqlite, () => call('subjects.enrollmentSummary', { studyId: study.id }));
    for (const p of plansOf(captured)) expect(subjectAccessProblems(p.sql, p.plan), p.sql).toEqual([]);
  });
});

describe('query plans: registration, screening and enrollment of one subject', () => {
  it('reads subjects by index only; numbers are looked up through the unique number indexes', async () => {
    const setup = await call<{
      currentConsentVersionId: number;
      arms: { code: string }[];
      criteria: { code: string; kind: string }[];
    }>('subjects.setup', { studyId: study.id });
    const day = new Date().toISOString().slice(0, 10);
    const captured = await capture(sqlite, async () => {
      const { number } = await call<{ number: string }>('subjects.proposeNumber', {
        studyId: study.id,
        centerId: study.own,
        kind: 'screening',
      });
      const subject = await call<{ id: number }>('subjects.register', {
        studyId: study.id,
        centerId: study.own,
        screeningNumber: number,
        initials: 'QP',
        sex: 'F',
        birthDate: '1966-05-04',
        personal: { name: '查询计划', recordNumber: null, idNumber: null, phone: null },
        consent: { consentVersionId: setup.currentConsentVersionId, signedDate: day, obtainedBy: 'test' },
      });
      await call('subjects.screen', {
        id: subject.id,
        screeningDate: day,
        eligibility: Object.fromEntries(setup.criteria.map((c) => [c.code, c.kind === 'inclusion'])),
        outcome: 'eligible',
      });
      const check = await call<{ proposedSubjectNumber: string }>('subjects.enrollmentCheck', { id: subject.id });
      await call('subjects.enroll', {
        id: subject.id,
        enrollmentDate: day,
        subjectNumber: check.proposedSubjectNumber,
        arm: setup.arms[0]?.code ?? null,
      });
    });
    const plans = plansOf(captured);
    expect(plans.length).toBeGreaterThan(3);
    for (const p of plans) expect(subjectAccessProblems(p.sql, p.plan), p.sql).toEqual([]);

    // the center's enrolled count (target, hard cap): covered by subjects_study_center_idx
    const counting = plans.filter((p) => /count\(\*\)/i.test(p.sql) && /"?center_id"?\s*=/.test(p.sql));
    expect(counting.length).toBeGreaterThan(0);
    for (const p of counting)
      expect(subjectLines(p.sql, p.plan).join()).toMatch(/subjects_study_center_idx \(study_id=\? AND center_id=\?/);
    // "is this number taken?": the unique index on the number itself, not a walk through the study's subjects
    const byNumber = (column: string) =>
      plans.filter((p) => new RegExp(`lower\\("subjects"\\."${column}"\\)\\s*=\\s*lower\\(`).test(p.sql));
    expect(byNumber('screening_number').length).toBeGreaterThan(0);
    for (const p of byNumber('screening_number'))
      expect(p.plan.join(), p.sql).toMatch(/subjects_screening_number_uq \(study_id=\? AND <expr>=\?\)/);
    expect(byNumber('subject_number').length).toBeGreaterThan(0);
    for (const p of byNumber('subject_number'))
      expect(p.plan.join(), p.sql).toMatch(/subjects_subject_number_uq \(study_id=\? AND <expr>=\?\)/);
  });
});

describe('query plans: logs and lists of a study', () => {
  it('screening log, enrollment log, re-consent list and identification list read subjects by index', async () => {
    const captured = await capture(sqlite, async () => {
      await call('subjects.screeningLog', { studyId: study.id });
      await call('subjects.enrollmentLog', { studyId: study.id, centerId: study.other });
      await call('subjects.reconsentList', { studyId: study.id });
      await call('subjects.identificationList', { studyId: study.id });
    });
    const plans = plansOf(captured);
    expect(plans.length).toBeGreaterThanOrEqual(4);
    for (const p of plans) expect(subjectAccessProblems(p.sql, p.plan), p.sql).toEqual([]);
  });
});
