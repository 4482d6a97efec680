/**
 * The figures of `npm run bench`, measured on real files in a temp folder: opening + migrating a fresh database, seeding
 * the demo data, the handler time of the study list and study detail, and of the subject screens of the study with the
 * most subjects (5,000 in the large seed: list pages, per-center enrollment summary, enrollment of one subject), through
 * `dispatch` (as the renderer calls them), each read beside the same SQL run directly by better-sqlite3, so that the cost
 * of the table, validation and drizzle shows. Issue 5: the coordinator's worklist, the whole-site overdue count,
 * recording a visit, and generating the plans of 1,000 subjects on a 40-visit schedule, on the seed's 1.2 M visits.
 * Issue 6: NCI's CTCAE workbook loaded into a fresh database, the CTCAE picker's search as the user types, the study AE
 * listing with its filters, the SAE board, AE counts by SOC and grade, the sign-off queue and recording an AE, on the
 * seed's 150,000 AEs.
 */
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type OpenedDatabase } from '../../db/open';
import * as schema from '../../db/schema';
import { contract, type InputOf, type SessionUser } from '../api/contract';
import { visitDefinition, type VisitDefinitionInput, type Worklist } from '../api';
import type { AppDb } from '../core/context';
import { createRng } from '../core/demo/prng';
import { DEMO_ACCOUNTS, seedDemo, type SeedReport } from '../core/demo/seed';
import type { DemoScale } from '../core/demo/plan';
import { getStudy, listStudies } from '../core/studies/studies';
import { ENROLLMENT_SUMMARY_SQL, subjectListSql } from '../core/subjects/lists';
import { parseInput } from '../core/validation';
import { dispatch, type HostContext, type Session } from '../handlers';
import { subjects as subjectsTable } from '../../db/schema';
import { eq } from 'drizzle-orm';
import { addDays } from '../core/dates';
import { planVisits } from '../core/visits/plan';
import { currentVersion } from '../core/visits/schedule';
import { syncSubjectVisits } from '../core/visits/visits';
import { WORKLIST_SQL, worklistStudies } from '../core/visits/worklist';
import { backupToFolder } from '../core/backup/backup';
import { checkDatabase } from '../core/backup/checks';
import type { CliIo } from './io';
import { benchExchange } from './bench-exchange';
import type { AeFieldsInput, AeListResult, SaeBoard } from '../api';
import { searchCtcae } from '../core/safety/ctcae';
import { capture } from '../testing/query-plans';

export interface BenchResult {
  name: string;
  value: number;
  /** rows: a count (the seed's visits); x: a ratio to the raw library; MB: peak resident memory */
  unit: 'ms' | 's' | 'rows' | 'x' | 'MB';
  target?: number;
  better: 'lower' | 'higher';
}

export interface BenchOptions {
  quick: boolean;
  /** the seed the queries run on (default large; tests use small) */
  scale?: DemoScale;
  /** overrides every iteration count (tests) */
  iterations?: number;
}

/** ms budget per call the issue names for the study screens (p95) */
const TARGET_MS = 20;
/** ms budgets (p95) of issue 4: a subject list page, the per-center enrollment summary, one enrollment */
const SUBJECT_TARGETS = { list: 30, summary: 30, enroll: 10 } as const;
/**
 * ms budgets of issue 5: a coordinator's worklist (p95), the whole-site overdue count (p95), generating the plans of
 * 1,000 subjects × 40 visits in one transaction, recording one visit with its audit event (p95)
 */
const VISIT_TARGETS = { worklist: 30, overdue: 50, generate: 1000, record: 10 } as const;
/**
 * ms budgets of issue 6 (p95): the study AE listing with its filters, the SAE board, the CTCAE picker's search as the
 * user types; loading NCI's CTCAE workbook into a database without a dictionary (one call)
 */
const SAFETY_TARGETS = { list: 30, board: 20, search: 10, load: 3000 } as const;
/** NCI's CTCAE v5.0 workbook, beside the project (../shared/data, never in the repository) */
export const CTCAE_WORKBOOK = path.resolve(
  import.meta.dirname,
  '../../../shared/data/ctcae/CTCAE_v5.0_2017-11-27.xlsx',
);
/** the password the bench gives the demo coordinator at first sign-in */
const benchPassword = (password: string) => `${password}-bench`;

/** nearest-rank percentile of a sample */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) throw new Error('empty sample');
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

/** times `fn` n times after a warm-up; ms per call */
async function sample(n: number, warmup: number, fn: (i: number) => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

interface Captured {
  sql: string;
  params: unknown[];
}
/** The SQL statements a service call runs, captured through drizzle's logger on the same connection. */
function captureSql(sqlite: AppDb['$client'], call: (db: AppDb) => unknown): Captured[] {
  const captured: Captured[] = [];
  const spy = drizzle({
    client: sqlite,
    schema,
    logger: { logQuery: (sql, params) => void captured.push({ sql, params }) },
  });
  call(spy);
  return captured;
}

export async function runBench(opts: BenchOptions, io: CliIo): Promise<BenchResult[]> {
  const scale = opts.scale ?? 'large';
  const n = (quick: number, full: number) => opts.iterations ?? (opts.quick ? quick : full);
  const results: BenchResult[] = [];
  const add = (r: BenchResult) => void results.push({ ...r, value: round(r.value) });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-bench-'));
  const opened: OpenedDatabase[] = [];
  io.out(`TrialDesk bench${opts.quick ? ' (quick)' : ''}: temp folder ${dir}`);
  try {
    // --- open + migrate a fresh file
    const opens = await sample(n(5, 15), 1, async (i) => {
      const o = await openDatabase(path.join(dir, `open-${i}-${Math.random().toString(36).slice(2)}.sqlite`));
      o.close();
    });
    const openMedian = percentile(opens, 0.5);
    io.out(
      `db.open.migrate       median ${fmt(openMedian)}, p95 ${fmt(percentile(opens, 0.95))} (${opens.length} runs)`,
    );
    add({ name: 'db.open.migrate.median', value: openMedian, unit: 'ms', better: 'lower' });

    // --- seeding: small once, the query scale (large) one or more times; the last one stays open for the queries
    const seedOnce = async (s: DemoScale, i: number): Promise<{ o: OpenedDatabase; r: SeedReport; ms: number }> => {
      const o = await openDatabase(path.join(dir, `seed-${s}-${i}.sqlite`));
      opened.push(o);
      const t = performance.now();
      const r = await seedDemo(o.db, { scale: s });
      return { o, r, ms: performance.now() - t };
    };
    if (scale !== 'small') {
      const small = await seedOnce('small', 0);
      io.out(
        `seed.small            ${(small.ms / 1000).toFixed(2)} s (plan ${(small.r.ms.plan / 1000).toFixed(3)} s, ` +
          `accounts/scrypt ${(small.r.ms.accounts / 1000).toFixed(2)} s, data ${(small.r.ms.data / 1000).toFixed(3)} s: ` +
          `${small.r.studies} studies, ${small.r.centers} centers, ${small.r.subjects} subjects, ` +
          `${small.r.visits} visits, ${small.r.auditEvents} audit events)`,
      );
      add({ name: 'seed.small', value: small.ms / 1000, unit: 's', better: 'lower' });
    }
    // the large seed (1.2 M visits with their audit events) takes minutes: once, in both modes
    const seeds: { o: OpenedDatabase; r: SeedReport; ms: number }[] = [];
    for (let i = 0; i < (opts.quick || scale === 'large' ? 1 : 3); i++) seeds.push(await seedOnce(scale, i));
    const seedTotal = percentile(
      seeds.map((x) => x.ms),
      0.5,
    );
    const seedData = percentile(
      seeds.map((x) => x.r.ms.data),
      0.5,
    );
    const last = seeds.at(-1)!;
    const w = last.r;
    // rows written besides the subjects' numbers and the set-ups: studies, centers, subjects, consents, signatures,
    // visits, deviations, audit
    const rows =
      w.studies +
      w.centers +
      w.subjects +
      w.consents +
      w.signatures +
      w.visits +
      w.deviations +
      w.aes +
      w.saeReports +
      w.aeSignatures +
      w.auditEvents;
    io.out(
      `seed.${scale}            ${(seedTotal / 1000).toFixed(2)} s median of ${seeds.length} (plan ${(w.ms.plan / 1000).toFixed(3)} s, accounts/scrypt ` +
        `${(w.ms.accounts / 1000).toFixed(2)} s, data ${(seedData / 1000).toFixed(3)} s: ${w.studies} studies, ` +
        `${w.centers} centers, ${w.subjects} subjects, ${w.consents} consents, ${w.signatures} signatures, ` +
        `${w.visits} visits, ${w.deviations} deviations, ${w.aes} AEs (${w.saes} serious, ${w.saeReports} SAE ` +
        `reports, ${w.aeSignatures} AE signatures; ${(w.ms.aes / 1000).toFixed(2)} s of the data), ` +
        `${w.auditEvents} audit events, ` +
        `${Math.round(rows / (seedData / 1000))} rows/s)`,
    );
    add({ name: `seed.${scale}`, value: seedTotal / 1000, unit: 's', better: 'lower' });
    add({ name: `seed.${scale}.data`, value: seedData / 1000, unit: 's', better: 'lower' });
    add({ name: `seed.${scale}.visits`, value: w.visits, unit: 'rows', better: 'higher' });
    // issue 6: the AEs' share of the data time (planned and written, with their reports, signatures and audit events)
    add({ name: `seed.${scale}.aes`, value: w.ms.aes / 1000, unit: 's', better: 'lower' });

    // --- the study screens, through the handler table, on the seeded file
    const { o, r } = last;
    const sqlite = o.db.$client;
    const host: HostContext = { db: o.db, host: 'cli', version: 'bench' };
    const user: SessionUser = {
      id: r.actor.id!,
      username: r.actor.username,
      displayName: 'bench',
      role: 'admin',
      mustChangePassword: false,
    };
    const session: Session = { user };
    const call = async (channel: string, payload: unknown) => {
      const res = await dispatch(host, session, channel, payload);
      if (!res.ok) throw new Error(`${channel} failed: ${JSON.stringify(res.error)}`);
      return res.value;
    };

    const variants: { suffix: string; label: string; payload: InputOf<'studies.list'> }[] = [
      { suffix: '', label: 'default sort', payload: {} },
      { suffix: '.search', label: 'search "骨髓瘤"', payload: { search: '骨髓瘤' } },
      { suffix: '.status', label: 'status enrolling', payload: { status: 'enrolling' } },
    ];
    const listN = n(200, 1000);
    for (const v of variants) {
      const count = ((await call('studies.list', v.payload)) as unknown[]).length;
      const viaTable = await sample(listN, 20, () => call('studies.list', v.payload));
      const [q] = captureSql(sqlite, (db) => listStudies(db, parseInput(contract['studies.list'].input, v.payload)));
      const stmt = sqlite.prepare(q!.sql);
      const raw = await sample(listN, 20, () => stmt.all(...q!.params));
      const p95 = percentile(viaTable, 0.95);
      const rawP95 = percentile(raw, 0.95);
      io.out(
        `studies.list${v.suffix.padEnd(8)}  p95 ${fmt(p95)} (median ${fmt(percentile(viaTable, 0.5))}), raw SQL p95 ` +
          `${fmt(rawP95)}, ×${(p95 / rawP95).toFixed(1)} — ${v.label}, ${count} rows, ${listN} calls`,
      );
      add({ name: `studies.list${v.suffix}.p95`, value: p95, unit: 'ms', target: TARGET_MS, better: 'lower' });
      add({ name: `studies.list${v.suffix}.raw.p95`, value: rawP95, unit: 'ms', better: 'lower' });
    }

    const ids = (sqlite.prepare('SELECT id FROM studies').all() as { id: number }[]).map((x) => x.id);
    const rng = createRng(7);
    const getN = n(300, 2000);
    const picks = Array.from({ length: getN + 20 }, () => rng.pick(ids));
    const viaTable = await sample(getN, 20, (i) => call('studies.get', { id: picks[i]! }));
    // the statements getStudy runs, replayed with the study id swapped into their parameters
    const probe = ids[0]!;
    const statements = captureSql(sqlite, (db) => getStudy(db, probe)).map((c) => ({
      stmt: sqlite.prepare(c.sql),
      params: c.params,
    }));
    const raw = await sample(getN, 20, (i) => {
      for (const { stmt, params } of statements) stmt.all(...params.map((p) => (p === probe ? picks[i]! : p)));
    });
    const getP95 = percentile(viaTable, 0.95);
    const getRawP95 = percentile(raw, 0.95);
    io.out(
      `studies.get           p95 ${fmt(getP95)} (median ${fmt(percentile(viaTable, 0.5))}), raw SQL p95 ${fmt(getRawP95)}, ` +
        `×${(getP95 / getRawP95).toFixed(1)} — random ids of ${ids.length} studies, ${statements.length} statements, ${getN} calls`,
    );
    add({ name: 'studies.get.p95', value: getP95, unit: 'ms', target: TARGET_MS, better: 'lower' });
    add({ name: 'studies.get.raw.p95', value: getRawP95, unit: 'ms', better: 'lower' });

    for (const r of await benchSubjects({ host, admin: session, baseDate: last.r.baseDate, n, io })) add(r);
    for (const r of await benchVisits({ host, admin: session, baseDate: last.r.baseDate, quick: opts.quick, n, io }))
      add(r);
    for (const r of await benchSafety({
      host,
      admin: session,
      baseDate: last.r.baseDate,
      quick: opts.quick,
      n,
      io,
      dir,
    }))
      add(r);
    // issue 7: exports (and imports) in child processes of their own, for their peak RSS
    for (const r of await benchExchange({ sqlite, dir, io, ...(opts.quick ? { rows: 2000, runs: 1 } : {}) })) add(r);

    // --- backup (online backup API, verified: integrity, foreign keys, audit chain) and verify of the seeded file
    let t0 = performance.now();
    const copy = await backupToFolder(sqlite, path.join(dir, 'backups'));
    const backupS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const checks = checkDatabase(sqlite);
    const verifyS = (performance.now() - t0) / 1000;
    io.out(
      `backup.${scale}          ${backupS.toFixed(2)} s (${(copy.bytes / 1048576).toFixed(1)} MiB, copy verified), ` +
        `verify ${verifyS.toFixed(2)} s (${checks.map((c) => c.name).join(', ')}: ${checks.every((c) => c.ok) ? 'ok' : 'FAILED'})`,
    );
    add({ name: `backup.${scale}`, value: backupS, unit: 's', better: 'lower' });
    add({ name: `verify.${scale}`, value: verifyS, unit: 's', better: 'lower' });
  } finally {
    for (const o of opened) o.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of results) {
    if (r.target !== undefined && r.value > r.target)
      io.out(`OVER TARGET: ${r.name} ${r.value} ${r.unit} > ${r.target}`);
  }
  return results;
}

/**
 * The subject screens on the study with the most subjects, through the handler table: list pages (filters, search, sort,
 * offsets) as an administrator and as a coordinator assigned to the study, the per-center enrollment summary, and
 * enrollment of one subject at a time (registration, consent and eligible screening prepared beforehand, untimed).
 */
async function benchSubjects(args: {
  host: HostContext;
  admin: Session;
  baseDate: string;
  n: (quick: number, full: number) => number;
  io: CliIo;
}): Promise<BenchResult[]> {
  const { host, admin, baseDate, n, io } = args;
  const sqlite = host.db.$client;
  const results: BenchResult[] = [];
  const call = async <T = unknown>(session: Session, channel: string, payload: unknown): Promise<T> => {
    const res = await dispatch(host, session, channel, payload);
    if (!res.ok) throw new Error(`${channel} failed: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  // the enrolling study with the most subjects (the large seed's 5,000-subject study)
  const study = sqlite
    .prepare(
      `SELECT s.study_id AS id, count(*) AS n FROM subjects s JOIN studies st ON st.id = s.study_id
       WHERE st.status = 'enrolling' GROUP BY s.study_id ORDER BY n DESC, s.study_id LIMIT 1`,
    )
    .get() as { id: number; n: number };
  const centers = sqlite
    .prepare(
      `SELECT c.id, c.code, c.is_own AS own, c.status, c.hard_cap - (SELECT count(*) FROM subjects s
         WHERE s.center_id = c.id AND s.enrollment_date IS NOT NULL) AS room
       FROM centers c WHERE c.study_id = ? ORDER BY c.code`,
    )
    .all(study.id) as { id: number; code: string; own: number; status: string; room: number | null }[];
  const own = centers.find((c) => c.own === 1)!;
  const other = centers.find((c) => c.own === 0) ?? own;
  // where the bench enrolls: an active center with the most room under its hard cap (ours when it has none)
  const roomOf = (c: (typeof centers)[number]) => (c.room === null ? Infinity : c.room) + c.own * 0.5;
  const target = centers.filter((c) => c.status === 'active').sort((a, b) => roomOf(b) - roomOf(a))[0]!;

  // the demo coordinator, past the temporary password, assigned to this study too
  const demo = DEMO_ACCOUNTS.find((a) => a.role === 'coordinator')!;
  const coordinator: Session = { user: null };
  await call(coordinator, 'auth.login', { username: demo.username, password: demo.password });
  const newPassword = benchPassword(demo.password);
  await call(coordinator, 'auth.changePassword', { currentPassword: demo.password, newPassword });
  const assigned = (
    sqlite.prepare('SELECT study_id AS id FROM user_studies WHERE user_id = ?').all(coordinator.user!.id) as {
      id: number;
    }[]
  ).map((x) => x.id);
  await call(admin, 'users.assignStudies', {
    id: coordinator.user!.id,
    studyIds: [...new Set([...assigned, study.id])],
    reason: 'bench',
  });

  // --- list pages: the filters, searches, sorts and offsets of the screen
  const screeningPrefix = (
    sqlite
      .prepare('SELECT screening_number AS s FROM subjects WHERE study_id = ? AND center_id = ? LIMIT 1')
      .get(study.id, own.id) as { s: string }
  ).s.slice(0, -2);
  const variants: InputOf<'subjects.list'>[] = [
    { studyId: study.id },
    { studyId: study.id, status: 'on_treatment', sort: 'enrollmentDate', order: 'desc' },
    { studyId: study.id, centerId: own.id, sort: 'screeningDate', order: 'desc', offset: 200 },
    { studyId: study.id, search: screeningPrefix },
    { studyId: study.id, status: 'screen_failed', sort: 'screeningDate', order: 'desc' },
    { studyId: study.id, offset: Math.max(0, study.n - 100), limit: 100 },
    { studyId: study.id, centerId: other.id, status: 'completed', sort: 'subjectNumber' },
    { studyId: study.id, unconfirmed: true, sort: 'enrollmentDate', order: 'desc' },
    { studyId: study.id, needsReconsent: true },
    { studyId: study.id, arm: 'A', status: 'follow_up', sort: 'status', offset: 100 },
    { studyId: study.id, sort: 'enrollmentDate', order: 'desc', offset: 1000, limit: 50 },
    { studyId: study.id, search: 'zh' },
  ];
  const listN = n(120, 600);
  const roles: { label: string; session: Session }[] = [
    { label: 'administrator', session: admin },
    { label: 'coordinator', session: coordinator },
  ];
  const byRole: number[][] = [];
  for (const { session } of roles) {
    byRole.push(await sample(listN, 24, (i) => call(session, 'subjects.list', variants[i % variants.length]!)));
  }
  const viaTable = byRole.flat();
  const parsed = variants.map((v) => parseInput(contract['subjects.list'].input, v));
  const statements = parsed.map((q) => {
    const { count, page, params } = subjectListSql(q, { id: admin.user!.id, role: 'admin' });
    return { count: sqlite.prepare(count), page: sqlite.prepare(page), params: { ...params }, q };
  });
  const raw = await sample(listN, 24, (i) => {
    const st = statements[i % statements.length]!;
    st.count.get(st.params);
    st.page.all({ ...st.params, limit: st.q.limit, offset: st.q.offset });
  });
  const listP95 = percentile(viaTable, 0.95);
  const listRawP95 = percentile(raw, 0.95);
  io.out(
    `subjects.list         p95 ${fmt(listP95)} (median ${fmt(percentile(viaTable, 0.5))}; administrator ` +
      `${fmt(percentile(byRole[0]!, 0.95))}, coordinator ${fmt(percentile(byRole[1]!, 0.95))}), raw SQL p95 ` +
      `${fmt(listRawP95)}, ×${(listP95 / listRawP95).toFixed(1)} — study of ${study.n} subjects, ${variants.length} ` +
      `filter/sort/page variants, ${viaTable.length} calls`,
  );
  results.push(
    { name: 'subjects.list.p95', value: listP95, unit: 'ms', target: SUBJECT_TARGETS.list, better: 'lower' },
    { name: 'subjects.list.raw.p95', value: listRawP95, unit: 'ms', better: 'lower' },
  );

  // --- per-center enrollment summary
  const summaryN = n(120, 600);
  const summary = await sample(summaryN, 24, () => call(admin, 'subjects.enrollmentSummary', { studyId: study.id }));
  const summaryStmt = sqlite.prepare(ENROLLMENT_SUMMARY_SQL);
  const summaryRaw = await sample(summaryN, 24, () => summaryStmt.all({ studyId: study.id }));
  const summaryP95 = percentile(summary, 0.95);
  const summaryRawP95 = percentile(summaryRaw, 0.95);
  io.out(
    `subjects.enrollmentSummary p95 ${fmt(summaryP95)} (median ${fmt(percentile(summary, 0.5))}), raw SQL p95 ` +
      `${fmt(summaryRawP95)}, ×${(summaryP95 / summaryRawP95).toFixed(1)} — ${centers.length} centers, ${summaryN} calls`,
  );
  results.push(
    {
      name: 'subjects.enrollmentSummary.p95',
      value: summaryP95,
      unit: 'ms',
      target: SUBJECT_TARGETS.summary,
      better: 'lower',
    },
    { name: 'subjects.enrollmentSummary.raw.p95', value: summaryRawP95, unit: 'ms', better: 'lower' },
  );

  // --- enrollment of one subject at a time, as the coordinator (in the large seed at our own center: no hard cap)
  const setup = await call<{
    currentConsentVersionId: number | null;
    arms: { code: string }[];
    criteria: { code: string; kind: string }[];
  }>(coordinator, 'subjects.setup', { studyId: study.id });
  const enrollN = n(20, 60);
  const warmup = 3;
  const ids: number[] = [];
  const register: number[] = [];
  const screen: number[] = [];
  for (let i = 0; i < enrollN + warmup; i++) {
    const { number } = await call<{ number: string }>(coordinator, 'subjects.proposeNumber', {
      studyId: study.id,
      centerId: target.id,
      kind: 'screening',
    });
    let t = performance.now();
    const subject = await call<{ id: number }>(coordinator, 'subjects.register', {
      studyId: study.id,
      centerId: target.id,
      screeningNumber: number,
      initials: 'BQ',
      sex: i % 2 === 0 ? 'F' : 'M',
      birthDate: '1968-03-15',
      ...(target.own === 1
        ? {
            personal: {
              name: '测试受试者',
              recordNumber: `B${String(i).padStart(6, '0')}`,
              idNumber: null,
              phone: null,
            },
            consent: { consentVersionId: setup.currentConsentVersionId!, signedDate: baseDate, obtainedBy: 'bench' },
          }
        : {}),
    });
    register.push(performance.now() - t);
    t = performance.now();
    await call(coordinator, 'subjects.screen', {
      id: subject.id,
      screeningDate: baseDate,
      eligibility: Object.fromEntries(setup.criteria.map((c) => [c.code, c.kind === 'inclusion'])),
      outcome: 'eligible',
    });
    screen.push(performance.now() - t);
    ids.push(subject.id);
  }
  const enroll: number[] = [];
  for (const [i, id] of ids.entries()) {
    // what the enrollment form shows first (untimed): the proposed number, target and cap
    const check = await call<{ proposedSubjectNumber: string }>(coordinator, 'subjects.enrollmentCheck', { id });
    const t = performance.now();
    await call(coordinator, 'subjects.enroll', {
      id,
      enrollmentDate: baseDate,
      subjectNumber: check.proposedSubjectNumber,
      arm: setup.arms[0]?.code ?? null,
    });
    if (i >= warmup) enroll.push(performance.now() - t);
  }
  const enrollP95 = percentile(enroll, 0.95);
  io.out(
    `subjects.enroll       p95 ${fmt(enrollP95)} (median ${fmt(percentile(enroll, 0.5))}) — ${enroll.length} subjects ` +
      `enrolled one by one at center ${target.code}${target.own ? ' (ours)' : ''} with their audit events ` +
      `(registration p95 ${fmt(percentile(register, 0.95))}, ` +
      `eligible screening p95 ${fmt(percentile(screen, 0.95))}, untimed in the figure)`,
  );
  results.push(
    { name: 'subjects.enroll.p95', value: enrollP95, unit: 'ms', target: SUBJECT_TARGETS.enroll, better: 'lower' },
    { name: 'subjects.register.p95', value: percentile(register, 0.95), unit: 'ms', better: 'lower' },
    { name: 'subjects.screen.p95', value: percentile(screen, 0.95), unit: 'ms', better: 'lower' },
  );
  return results;
}

/** The 40 visits of the generation bench: screening, 8 cycles D1/D8/D15, end of treatment, 14 follow-ups. */
const GENERATE_SCHEDULE: VisitDefinitionInput[] = [
  { code: 'SCR', name: '筛选期访视', kind: 'once', anchor: 'consent', dayOffset: 0, windowBefore: 0, windowAfter: 28 },
  {
    code: 'C',
    name: '治疗周期',
    kind: 'cycles',
    anchor: 'first_dose',
    dayOffset: 0,
    windowBefore: 1,
    windowAfter: 2,
    cycleLength: 21,
    cycleCount: 8,
    cycleDays: [1, 8, 15],
  },
  {
    code: 'EOT',
    name: '治疗结束访视',
    kind: 'once',
    anchor: 'visit',
    anchorCode: 'C',
    dayOffset: 28,
    windowBefore: 3,
    windowAfter: 7,
  },
  {
    code: 'FU',
    name: '生存随访',
    kind: 'every',
    anchor: 'visit',
    anchorCode: 'EOT',
    dayOffset: 84,
    interval: 84,
    count: 14,
    windowBefore: 7,
    windowAfter: 7,
  },
  { code: 'AEFU', name: '不良事件随访', kind: 'on_demand', anchor: 'first_dose', windowBefore: 0, windowAfter: 0 },
];
const GENERATE_SUBJECTS = 1000;

/**
 * The visit screens on the seeded file, on the demo's own "today" (the seeded visits are planned around it, so the
 * bench's host runs on that clock): the demo coordinator's worklist (their studies; after benchSubjects the large
 * seed's 5,000-subject study among them) through the handler table and as raw SQL; the whole-site overdue count as an
 * administrator; recording the coordinator's due visits one by one (done today: the update, its audit event, the plan
 * kept in step, the subject's visits returned); then the plans of 1,000 subjects on a 40-visit schedule, generated in
 * one transaction by syncSubjectVisits (the study, its center, subjects and schedule prepared untimed beforehand).
 */
async function benchVisits(args: {
  host: HostContext;
  admin: Session;
  baseDate: string;
  quick: boolean;
  n: (quick: number, full: number) => number;
  io: CliIo;
}): Promise<BenchResult[]> {
  const { baseDate, n, io } = args;
  const now = new Date(`${baseDate}T02:00:00.000Z`); // 10:00 in Beijing
  const host: HostContext = { ...args.host, now: () => now };
  const { db } = host;
  const sqlite = db.$client;
  const results: BenchResult[] = [];
  const call = async <T = unknown>(session: Session, channel: string, payload: unknown): Promise<T> => {
    const res = await dispatch(host, session, channel, payload);
    if (!res.ok) throw new Error(`${channel} failed: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  // sessions of their own: a session's idle time runs on its host's clock
  const admin: Session = { user: { ...args.admin.user! } };
  const demo = DEMO_ACCOUNTS.find((a) => a.role === 'coordinator')!;
  const coordinator: Session = { user: null };
  const signedIn = await dispatch(host, coordinator, 'auth.login', {
    username: demo.username,
    password: benchPassword(demo.password),
  });
  if (!signedIn.ok) {
    await call(coordinator, 'auth.login', { username: demo.username, password: demo.password });
    await call(coordinator, 'auth.changePassword', {
      currentPassword: demo.password,
      newPassword: benchPassword(demo.password),
    });
  }
  const me = coordinator.user!;

  // --- the worklist: today, this week, window open, overdue, pending deviation decisions
  const studyIds = worklistStudies(db, { id: me.id, role: me.role }, {});
  const first = await call<Worklist>(coordinator, 'visits.worklist', {});
  const worklistN = n(100, 500);
  const viaTable = await sample(worklistN, 20, () => call(coordinator, 'visits.worklist', {}));
  const stmt = sqlite.prepare(WORKLIST_SQL(studyIds.length, false));
  const params = [...studyIds, addDays(first.today, 6)];
  const raw = await sample(worklistN, 20, () => stmt.all(...params));
  const p95 = percentile(viaTable, 0.95);
  const rawP95 = percentile(raw, 0.95);
  const visitsOfStudies = (
    sqlite
      .prepare(`SELECT count(*) AS n FROM visits WHERE study_id IN (${studyIds.map(() => '?').join(',')})`)
      .get(...studyIds) as { n: number }
  ).n;
  io.out(
    `visits.worklist       p95 ${fmt(p95)} (median ${fmt(percentile(viaTable, 0.5))}), raw SQL p95 ${fmt(rawP95)}, ` +
      `×${(p95 / rawP95).toFixed(1)} — coordinator of ${studyIds.length} studies (${visitsOfStudies} visits): ` +
      `${first.dueToday.length} due today, ${first.thisWeek.length} this week, ${first.windowOpen.length} window open, ` +
      `${first.overdue.length} overdue, ${first.pendingDeviations.length} deviation decisions; ${worklistN} calls`,
  );
  results.push(
    { name: 'visits.worklist.p95', value: p95, unit: 'ms', target: VISIT_TARGETS.worklist, better: 'lower' },
    { name: 'visits.worklist.raw.p95', value: rawP95, unit: 'ms', better: 'lower' },
  );
  // the same coordinator's worklist of one study (the study filter of the screen): the busiest one
  const busiest = (
    sqlite
      .prepare(
        `SELECT study_id AS id FROM visits WHERE study_id IN (${studyIds.map(() => '?').join(',')})
         GROUP BY study_id ORDER BY count(*) DESC LIMIT 1`,
      )
      .get(...studyIds) as { id: number }
  ).id;
  const oneStudy = await sample(n(50, 200), 10, () => call(coordinator, 'visits.worklist', { studyId: busiest }));
  const oneStudyP95 = percentile(oneStudy, 0.95);
  io.out(
    `visits.worklist.study p95 ${fmt(oneStudyP95)} (median ${fmt(percentile(oneStudy, 0.5))}) — the same ` +
      `coordinator, filtered on their busiest study, ${oneStudy.length} calls`,
  );
  results.push({
    name: 'visits.worklist.study.p95',
    value: oneStudyP95,
    unit: 'ms',
    target: VISIT_TARGETS.worklist,
    better: 'lower',
  });

  // --- the whole-site overdue count (administrator: every study)
  const overdueN = n(200, 1000);
  const { count } = await call<{ count: number }>(admin, 'visits.overdueCount', {});
  const overdue = await sample(overdueN, 20, () => call(admin, 'visits.overdueCount', {}));
  const overdueP95 = percentile(overdue, 0.95);
  io.out(
    `visits.overdueCount   p95 ${fmt(overdueP95)} (median ${fmt(percentile(overdue, 0.5))}) — administrator, ` +
      `${count} overdue visits site-wide, ${overdueN} calls`,
  );
  results.push({
    name: 'visits.overdueCount.p95',
    value: overdueP95,
    unit: 'ms',
    target: VISIT_TARGETS.overdue,
    better: 'lower',
  });
  // the badge of everybody else: the overdue count over the studies assigned to them
  const { count: theirs } = await call<{ count: number }>(coordinator, 'visits.overdueCount', {});
  const overdueOwn = await sample(n(50, 200), 10, () => call(coordinator, 'visits.overdueCount', {}));
  const overdueOwnP95 = percentile(overdueOwn, 0.95);
  io.out(
    `visits.overdueCount.coordinator p95 ${fmt(overdueOwnP95)} (median ${fmt(percentile(overdueOwn, 0.5))}) — ` +
      `the coordinator's ${studyIds.length} studies, ${theirs} overdue, ${overdueOwn.length} calls`,
  );
  results.push({ name: 'visits.overdueCount.coordinator.p95', value: overdueOwnP95, unit: 'ms', better: 'lower' });

  // --- recording the coordinator's due visits one by one, as done today
  const due = [...first.dueToday, ...first.windowOpen, ...first.overdue, ...first.thisWeek].map((r) => r.visitId);
  const warmup = 3;
  const recordN = Math.min(n(20, 100), Math.max(1, due.length - warmup));
  const record: number[] = [];
  for (const [i, id] of due.slice(0, recordN + warmup).entries()) {
    const t = performance.now();
    await call(coordinator, 'visits.record', { id, status: 'done', actualDate: baseDate });
    if (i >= warmup || due.length <= warmup) record.push(performance.now() - t);
  }
  const recordP95 = percentile(record, 0.95);
  io.out(
    `visits.record         p95 ${fmt(recordP95)} (median ${fmt(percentile(record, 0.5))}) — ${record.length} planned ` +
      `visits of the worklist recorded done one by one by the coordinator (audit event, plan kept in step, the ` +
      `subject's visits returned)`,
  );
  results.push({
    name: 'visits.record.p95',
    value: recordP95,
    unit: 'ms',
    target: VISIT_TARGETS.record,
    better: 'lower',
  });

  // --- the plans of 1,000 subjects × 40 visits in one transaction
  const perSubject = planVisits(
    GENERATE_SCHEDULE.map((l) => visitDefinition.parse(l)),
    { consent: baseDate, enrollment: baseDate, first_dose: baseDate },
    null,
  ).visits.length;
  if (perSubject !== 40) throw new Error(`the generation schedule gives ${perSubject} visits, not 40`);
  const rng = createRng(11);
  const generate: number[] = [];
  for (let run = 0; run < (args.quick ? 1 : 3); run++) {
    const study = await call<{ id: number }>(admin, 'studies.create', {
      protocolNumber: `BENCH-GEN-${run + 1}`,
      title: '计划生成基准研究',
      shortTitle: '计划生成基准',
      sponsor: 'bench',
      cro: null,
      phase: 'III',
      indication: '多发性骨髓瘤（MM）',
      therapeuticArea: 'myeloma',
      registrationNumber: null,
      sitePi: 'bench',
      ethicsApprovalDate: null,
      protocolVersion: 'V1.0',
      protocolVersionDate: addDays(baseDate, -900),
      enrollmentTarget: GENERATE_SUBJECTS,
    });
    const center = await call<{ id: number }>(admin, 'centers.create', {
      studyId: study.id,
      code: '01',
      hospitalName: '北京大学人民医院',
      city: '北京',
      pi: 'bench',
      isLead: true,
      isOwn: true,
      enrollmentTarget: GENERATE_SUBJECTS,
      hardCap: null,
      activationDate: null,
    });
    // 1,000 enrolled subjects on treatment, consented over the last two years (fixture rows, no audit: untimed)
    const insert = sqlite.prepare(
      `INSERT INTO subjects (study_id, center_id, screening_number, subject_number, initials, sex, birth_year, arm, strata,
         status, screening_date, eligibility, enrollment_date, treatment_start_date, first_consent_date, created_at,
         updated_at)
       VALUES (?, ?, ?, ?, 'BQ', ?, 1965, NULL, '{}', 'on_treatment', ?, '{}', ?, ?, ?, ?, ?)`,
    );
    sqlite.transaction(() => {
      for (let k = 1; k <= GENERATE_SUBJECTS; k++) {
        const consent = addDays(baseDate, -rng.int(30, 730));
        const enrolled = addDays(consent, rng.int(7, 21));
        const at = now.toISOString();
        insert.run(
          study.id,
          center.id,
          `S01${k}`,
          `01-${k}`,
          k % 2 ? 'F' : 'M',
          consent,
          enrolled,
          addDays(enrolled, rng.int(0, 7)),
          consent,
          at,
          at,
        );
      }
    })();
    await call(admin, 'schedules.save', {
      studyId: study.id,
      version: 'V1.0',
      effectiveDate: addDays(baseDate, -900),
      notes: null,
      visits: GENERATE_SCHEDULE,
      reason: null,
    });
    const rows = db.select().from(subjectsTable).where(eq(subjectsTable.studyId, study.id)).all();
    const ctx = { db, actor: { id: admin.user!.id, username: admin.user!.username }, now: () => now };
    const t = performance.now();
    // a batch (as schedules.moveSubjects runs it): the schedule version read once, passed to every subject's sync
    db.transaction(
      (tx) => {
        const version = currentVersion(db, study.id);
        if (!version) throw new Error('no schedule version');
        rows.forEach((subject) => syncSubjectVisits(ctx, tx, subject, { version }));
      },
      { behavior: 'immediate' },
    );
    generate.push(performance.now() - t);
    const made = (sqlite.prepare('SELECT count(*) AS n FROM visits WHERE study_id = ?').get(study.id) as { n: number })
      .n;
    if (made !== GENERATE_SUBJECTS * 40) throw new Error(`generated ${made} visits, not ${GENERATE_SUBJECTS * 40}`);
  }
  const generateMs = percentile(generate, 0.5);
  io.out(
    `visits.generate       ${fmt(generateMs)} median of ${generate.length} (${generate.map(fmt).join(', ')}) — ` +
      `${GENERATE_SUBJECTS} subjects × 40 visits, syncSubjectVisits in one transaction with the audit events`,
  );
  results.push({
    name: 'visits.generate.1000x40',
    value: generateMs,
    unit: 'ms',
    target: VISIT_TARGETS.generate,
    better: 'lower',
  });
  return results;
}

/**
 * The safety screens (issue 6) on the seeded file, on the demo's own "today" (the seeded SAE clocks run on it):
 * - NCI's CTCAE workbook loaded through 'ctcae.load' (base64, as the renderer sends it) into a fresh database set up
 *   with its own administrator (untimed), then the same file again (nothing changes); then into the seeded file, where
 *   the picker's search runs as the user types (successive prefixes of terms, a SOC and a MedDRA code);
 * - the study AE listing on the study with the most AEs (the large seed's 5,000-subject study), with each filter of
 *   the screen, as an administrator; the SAE board of every study and of that study; AE counts by SOC and grade; the
 *   sign-off queue of every study — each beside the statements it runs replayed raw (captured at the connection);
 * - recording AEs one by one as the demo coordinator (validation, the AE number, the audit event, the subject's AE log
 *   returned).
 * Without the workbook (../shared/data absent) the CTCAE figures are skipped with the reason printed.
 */
async function benchSafety(args: {
  host: HostContext;
  admin: Session;
  baseDate: string;
  quick: boolean;
  n: (quick: number, full: number) => number;
  io: CliIo;
  dir: string;
}): Promise<BenchResult[]> {
  const { baseDate, n, io } = args;
  const now = new Date(`${baseDate}T02:00:00.000Z`); // 10:00 in Beijing, as the visit screens
  const host: HostContext = { ...args.host, now: () => now };
  const sqlite = host.db.$client;
  const results: BenchResult[] = [];
  const call = async <T = unknown>(session: Session, channel: string, payload: unknown, on = host): Promise<T> => {
    const res = await dispatch(on, session, channel, payload);
    if (!res.ok) throw new Error(`${channel} failed: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  const admin: Session = { user: { ...args.admin.user! } };
  /** the statements a call runs on adverse_events (and the tables around it), to replay raw */
  const rawOf = async (session: Session, channel: string, payload: unknown) => {
    const captured = (await capture(sqlite, () => call(session, channel, payload))).filter((c) =>
      /\badverse_events\b/.test(c.sql),
    );
    const statements = captured.map((c) => ({ stmt: sqlite.prepare(c.sql), args: c.args }));
    return () => {
      for (const { stmt, args } of statements) stmt.all(...args);
    };
  };
  const ratio = (a: number, b: number) => `×${(a / b).toFixed(1)}`;

  // --- NCI's CTCAE workbook: a fresh database, then the seeded one
  if (!existsSync(CTCAE_WORKBOOK)) {
    io.out(`ctcae.*               skipped: NCI's workbook is not at ${CTCAE_WORKBOOK} (../shared/data absent)`);
  } else {
    const bytes = readFileSync(CTCAE_WORKBOOK);
    const payload = { fileName: path.basename(CTCAE_WORKBOOK), base64: bytes.toString('base64') };
    const loads: number[] = [];
    const reloads: number[] = [];
    for (let run = 0; run < (args.quick ? 1 : 3); run++) {
      const fresh = await openDatabase(path.join(args.dir, `ctcae-${run}.sqlite`));
      try {
        const on: HostContext = { db: fresh.db, host: 'cli', version: 'bench', now: () => now };
        const session: Session = { user: null };
        await call(
          session,
          'auth.setup',
          { username: 'ctcae-admin', displayName: 'bench', password: 'Dictionary-load-2026' },
          on,
        );
        let t = performance.now();
        const r = await call<{ terms: number; added: number }>(session, 'ctcae.load', payload, on);
        loads.push(performance.now() - t);
        if (r.terms !== 837 || r.added !== 837) throw new Error(`ctcae.load: ${r.terms} terms, ${r.added} added`);
        t = performance.now();
        const again = await call<{ added: number; updated: number }>(session, 'ctcae.load', payload, on);
        reloads.push(performance.now() - t);
        if (again.added + again.updated !== 0) throw new Error('ctcae.load: the same file again changed terms');
      } finally {
        fresh.close();
      }
    }
    const loadMs = percentile(loads, 0.5);
    const reloadMs = percentile(reloads, 0.5);
    io.out(
      `ctcae.load            ${fmt(loadMs)} median of ${loads.length} (${loads.map(fmt).join(', ')}) — NCI's workbook ` +
        `(${(bytes.length / 1024).toFixed(0)} KiB, base64 through the handler table) into a database without a ` +
        `dictionary: 837 terms; the same file again ${fmt(reloadMs)} (nothing changes)`,
    );
    results.push(
      { name: 'ctcae.load', value: loadMs, unit: 'ms', target: SAFETY_TARGETS.load, better: 'lower' },
      { name: 'ctcae.load.unchanged', value: reloadMs, unit: 'ms', better: 'lower' },
    );

    // the picker on the seeded file: what a user types, one letter at a time
    await call(admin, 'ctcae.load', payload);
    const typed = ['neutrophil', 'platelet c', 'febrile', 'anemia', 'infusion', 'alanine', 'investigations', '1002936'];
    const queries = typed.flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1)));
    const rounds = n(3, 20);
    const searchN = rounds * queries.length;
    let found = 0;
    for (const query of queries) found += (await call<unknown[]>(admin, 'ctcae.search', { query })).length;
    const search = await sample(searchN, queries.length, (i) =>
      call(admin, 'ctcae.search', { query: queries[i % queries.length]! }),
    );
    const parsed = queries.map((query) => parseInput(contract['ctcae.search'].input, { query }));
    const direct = await sample(searchN, queries.length, (i) => searchCtcae(host.db, parsed[i % parsed.length]!));
    const searchP95 = percentile(search, 0.95);
    const directP95 = percentile(direct, 0.95);
    io.out(
      `ctcae.search          p95 ${fmt(searchP95)} (median ${fmt(percentile(search, 0.5))}), the service alone p95 ` +
        `${fmt(directP95)}, ${ratio(searchP95, directP95)} — ${queries.length} prefixes typed ("n", "ne", "neu" … of ` +
        `${typed.length} terms, a SOC and a code; ${found} terms shown in all), ${searchN} calls`,
    );
    results.push(
      { name: 'ctcae.search.p95', value: searchP95, unit: 'ms', target: SAFETY_TARGETS.search, better: 'lower' },
      { name: 'ctcae.search.raw.p95', value: directP95, unit: 'ms', better: 'lower' },
    );
  }

  // --- the study AE listing on the study with the most AEs, each filter of the screen
  const study = sqlite
    .prepare(
      'SELECT study_id AS id, count(*) AS n FROM adverse_events GROUP BY study_id ORDER BY n DESC, study_id LIMIT 1',
    )
    .get() as { id: number; n: number };
  const filters: { name: string; label: string; payload: InputOf<'aes.list'> }[] = [
    { name: 'none', label: 'no filter', payload: { studyId: study.id } },
    { name: 'grade3', label: 'grade ≥ 3', payload: { studyId: study.id, gradeAtLeast3: true } },
    { name: 'serious', label: 'serious', payload: { studyId: study.id, serious: true } },
    {
      name: 'relatedOngoing',
      label: 'related + ongoing',
      payload: { studyId: study.id, related: true, ongoing: true },
    },
    { name: 'unsigned', label: 'unsigned', payload: { studyId: study.id, unsigned: true } },
    { name: 'saeOverdue', label: 'SAE overdue', payload: { studyId: study.id, saeOverdue: true } },
    { name: 'search', label: 'search "neutro"', payload: { studyId: study.id, search: 'neutro' } },
  ];
  const listN = n(60, 300);
  const lines: string[] = [];
  const rawAll: number[] = [];
  let worst = 0;
  for (const f of filters) {
    const first = await call<AeListResult>(admin, 'aes.list', f.payload);
    const timed = await sample(listN, 10, () => call(admin, 'aes.list', f.payload));
    const replay = await rawOf(admin, 'aes.list', f.payload);
    const raw = await sample(listN, 10, replay);
    rawAll.push(...raw);
    const p95 = percentile(timed, 0.95);
    worst = Math.max(worst, p95);
    lines.push(`${f.label} ${fmt(p95)} (raw ${fmt(percentile(raw, 0.95))}, ${first.total} AEs)`);
    results.push({
      name: `aes.list.${f.name}.p95`,
      value: p95,
      unit: 'ms',
      target: SAFETY_TARGETS.list,
      better: 'lower',
    });
  }
  const listRawP95 = percentile(rawAll, 0.95);
  io.out(
    `aes.list              worst p95 ${fmt(worst)}, raw SQL p95 ${fmt(listRawP95)} — study of ${study.n} AEs, ` +
      `page of 50, administrator, ${listN} calls each: ${lines.join('; ')}`,
  );
  results.push({ name: 'aes.list.raw.p95', value: listRawP95, unit: 'ms', better: 'lower' });

  // --- the SAE board: every study (administrator), one study
  const boardN = n(60, 300);
  for (const [suffix, payload, label] of [
    ['', {}, 'every study'],
    ['.study', { studyId: study.id }, 'the study'],
  ] as const) {
    const first = await call<SaeBoard>(admin, 'aes.saeBoard', payload);
    const timed = await sample(boardN, 10, () => call(admin, 'aes.saeBoard', payload));
    const raw = await sample(boardN, 10, await rawOf(admin, 'aes.saeBoard', payload));
    const p95 = percentile(timed, 0.95);
    const rawP95 = percentile(raw, 0.95);
    io.out(
      `aes.saeBoard${suffix.padEnd(10)} p95 ${fmt(p95)} (median ${fmt(percentile(timed, 0.5))}), raw SQL p95 ` +
        `${fmt(rawP95)}, ${ratio(p95, rawP95)} — ${label}: ${first.open.length} open, ${first.recent.length} ` +
        `reported in the last 30 days, ${boardN} calls`,
    );
    results.push(
      { name: `aes.saeBoard${suffix}.p95`, value: p95, unit: 'ms', target: SAFETY_TARGETS.board, better: 'lower' },
      { name: `aes.saeBoard${suffix}.raw.p95`, value: rawP95, unit: 'ms', better: 'lower' },
    );
  }

  // --- counts by SOC and grade; the sign-off queue of every study
  for (const [name, channel, payload, label] of [
    ['aes.counts', 'aes.counts', { studyId: study.id }, `the study of ${study.n} AEs`],
    ['aes.signOffQueue', 'aes.signOffQueue', {}, 'administrator, every study, 200 oldest'],
  ] as const) {
    const timed = await sample(n(40, 200), 10, () => call(admin, channel, payload));
    const raw = await sample(n(40, 200), 10, await rawOf(admin, channel, payload));
    const p95 = percentile(timed, 0.95);
    const rawP95 = percentile(raw, 0.95);
    io.out(
      `${name.padEnd(21)} p95 ${fmt(p95)} (median ${fmt(percentile(timed, 0.5))}), raw SQL p95 ${fmt(rawP95)}, ` +
        `${ratio(p95, rawP95)} — ${label}, ${timed.length} calls`,
    );
    results.push(
      { name: `${name}.p95`, value: p95, unit: 'ms', better: 'lower' },
      { name: `${name}.raw.p95`, value: rawP95, unit: 'ms', better: 'lower' },
    );
  }

  // --- recording AEs one by one as the demo coordinator, on subjects of the study at our own center
  const demo = DEMO_ACCOUNTS.find((a) => a.role === 'coordinator')!;
  const coordinator: Session = { user: null };
  const signedIn = await dispatch(host, coordinator, 'auth.login', {
    username: demo.username,
    password: benchPassword(demo.password),
  });
  if (!signedIn.ok) {
    await call(coordinator, 'auth.login', { username: demo.username, password: demo.password });
    await call(coordinator, 'auth.changePassword', {
      currentPassword: demo.password,
      newPassword: benchPassword(demo.password),
    });
  }
  const assigned = (
    sqlite.prepare('SELECT study_id AS id FROM user_studies WHERE user_id = ?').all(coordinator.user!.id) as {
      id: number;
    }[]
  ).map((x) => x.id);
  if (!assigned.includes(study.id))
    await call(admin, 'users.assignStudies', {
      id: coordinator.user!.id,
      studyIds: [...assigned, study.id],
      reason: 'bench',
    });
  const createN = n(20, 100);
  const warmup = 3;
  const subjects = sqlite
    .prepare(
      `SELECT s.id, s.first_consent_date AS consent FROM subjects s JOIN centers c ON c.id = s.center_id AND c.is_own = 1
       WHERE s.study_id = ? AND s.first_consent_date <= ?
       ORDER BY s.status != 'on_treatment', s.id LIMIT ?`,
    )
    .all(study.id, addDays(baseDate, -30), createN + warmup) as { id: number; consent: string }[];
  const fields = (i: number): AeFieldsInput => ({
    verbatimTerm: '中性粒细胞计数降低',
    ctcaeCode: existsSync(CTCAE_WORKBOOK) ? '10029366' : null,
    grade: 3,
    startDate: addDays(baseDate, -(i % 20)),
    endDate: null,
    ongoing: true,
    serious: false,
    seriousCriteria: [],
    action: 'DRUG INTERRUPTED',
    treatment: '重组人粒细胞集落刺激因子（G-CSF）皮下注射',
    outcome: 'NOT RECOVERED/NOT RESOLVED',
  });
  const create: number[] = [];
  for (let i = 0; i < createN + warmup; i++) {
    const subject = subjects[i % subjects.length]!;
    const t = performance.now();
    await call(coordinator, 'aes.create', { subjectId: subject.id, fields: fields(i) });
    if (i >= warmup) create.push(performance.now() - t);
  }
  const createP95 = percentile(create, 0.95);
  io.out(
    `aes.create            p95 ${fmt(createP95)} (median ${fmt(percentile(create, 0.5))}) — ${create.length} AEs ` +
      `recorded one by one by the coordinator on ${Math.min(subjects.length, createN + warmup)} subjects (rules, ` +
      `CTCAE grade check, AE number, audit event, the subject's AE log returned)`,
  );
  results.push({ name: 'aes.create.p95', value: createP95, unit: 'ms', better: 'lower' });
  return results;
}

/** The last line of the bench output. */
export const resultsLine = (results: readonly BenchResult[]): string => JSON.stringify({ results });
