/**
 * The figures of `npm run bench`, measured on real files in a temp folder: opening + migrating a fresh database, seeding
 * the demo data, and the handler time of the study list and study detail through `dispatch` (as the renderer calls them),
 * each beside the same SQL run directly by better-sqlite3, so that the cost of the table, validation and drizzle shows.
 */
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type OpenedDatabase } from '../../db/open';
import * as schema from '../../db/schema';
import { contract, type InputOf, type SessionUser } from '../api/contract';
import type { AppDb } from '../core/context';
import { createRng } from '../core/demo/prng';
import { seedDemo, type SeedReport } from '../core/demo/seed';
import type { DemoScale } from '../core/demo/plan';
import { getStudy, listStudies } from '../core/studies/studies';
import { parseInput } from '../core/validation';
import { dispatch, type HostContext, type Session } from '../handlers';
import { backupToFolder } from '../core/backup/backup';
import { checkDatabase } from '../core/backup/checks';
import type { CliIo } from './io';

export interface BenchResult {
  name: string;
  value: number;
  unit: 'ms' | 's';
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
          `${small.r.studies} studies, ${small.r.centers} centers, ${small.r.auditEvents} audit events)`,
      );
      add({ name: 'seed.small', value: small.ms / 1000, unit: 's', better: 'lower' });
    }
    const seeds: { o: OpenedDatabase; r: SeedReport; ms: number }[] = [];
    for (let i = 0; i < (opts.quick ? 1 : 3); i++) seeds.push(await seedOnce(scale, i));
    const seedTotal = percentile(
      seeds.map((x) => x.ms),
      0.5,
    );
    const seedData = percentile(
      seeds.map((x) => x.r.ms.data),
      0.5,
    );
    const last = seeds.at(-1)!;
    const rows = last.r.studies + last.r.centers + last.r.auditEvents;
    io.out(
      `seed.${scale}            ${(seedTotal / 1000).toFixed(2)} s median of ${seeds.length} (plan ${(last.r.ms.plan / 1000).toFixed(3)} s, accounts/scrypt ` +
        `${(last.r.ms.accounts / 1000).toFixed(2)} s, data ${(seedData / 1000).toFixed(3)} s: ${last.r.studies} studies, ` +
        `${last.r.centers} centers, ${last.r.auditEvents} audit events, ${Math.round(rows / (seedData / 1000))} rows/s)`,
    );
    add({ name: `seed.${scale}`, value: seedTotal / 1000, unit: 's', better: 'lower' });
    add({ name: `seed.${scale}.data`, value: seedData / 1000, unit: 's', better: 'lower' });

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

/** The last line of the bench output. */
export const resultsLine = (results: readonly BenchResult[]): string => JSON.stringify({ results });
