/**
 * The Excel exchange figures of `npm run bench` (issue 7): each measured task runs in a child process of its own
 * (bench-child.ts) so that its peak RSS is its own, not the bench's with the large seed in it.
 *
 * - export: the full sponsor export of the study with the most visits (the large seed's ~100,000-row visit tracker),
 *   against exceljs's streaming writer alone writing the very same cells (read back from our workbook): the ratio.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { BenchResult } from './benchmarks';
import type { CliIo } from './io';

export const EXCHANGE_TARGETS = { exportRatio: 1.3, rssMb: 400 } as const;

const root = path.resolve(import.meta.dirname, '../..');

/** Runs one bench-child task; resolves with its JSON line. */
function child<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'electron/cli/bench-child.ts', ...args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench-child ${args[0]} exited ${code}: ${err.trim()}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench-child ${args[0]} printed no result: ${out}${err}`));
      }
    });
  });
}

export async function benchExchange(args: {
  sqlite: Database.Database;
  dir: string;
  io: CliIo;
}): Promise<BenchResult[]> {
  const { sqlite, dir, io } = args;
  const results: BenchResult[] = [];
  const study = sqlite
    .prepare(
      `SELECT st.protocol_number AS protocol, count(*) AS n FROM visits v JOIN studies st ON st.id = v.study_id
       GROUP BY v.study_id ORDER BY n DESC LIMIT 1`,
    )
    .get() as { protocol: string; n: number };
  const exported = path.join(dir, 'sponsor-export.xlsx');
  const ours = await child<{ ms: number; maxRssMb: number; rows: Record<string, number> }>([
    'export',
    sqlite.name,
    study.protocol,
    exported,
  ]);
  const raw = await child<{ ms: number; maxRssMb: number; cells: number }>([
    'raw-write',
    exported,
    path.join(dir, 'raw-write.xlsx'),
  ]);
  const ratio = ours.ms / raw.ms;
  const rows = Object.values(ours.rows).reduce((a, b) => a + b, 0);
  io.out(
    `exchange.export       ${(ours.ms / 1000).toFixed(2)} s, peak RSS ${ours.maxRssMb.toFixed(0)} MB — the full sponsor ` +
      `export of ${study.protocol} (${rows} rows: ${Object.entries(ours.rows)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}); exceljs streaming write of the same ${raw.cells} cells ${(raw.ms / 1000).toFixed(2)} s ` +
      `(peak RSS ${raw.maxRssMb.toFixed(0)} MB): ×${ratio.toFixed(2)}`,
  );
  results.push(
    { name: 'exchange.export.sponsor', value: ours.ms / 1000, unit: 's', better: 'lower' },
    { name: 'exchange.export.rows', value: rows, unit: 'rows', better: 'higher' },
    { name: 'exchange.export.raw', value: raw.ms / 1000, unit: 's', better: 'lower' },
    {
      name: 'exchange.export.ratio',
      value: ratio,
      unit: 'x',
      target: EXCHANGE_TARGETS.exportRatio,
      better: 'lower',
    },
    {
      name: 'exchange.export.rss',
      value: ours.maxRssMb,
      unit: 'MB',
      target: EXCHANGE_TARGETS.rssMb,
      better: 'lower',
    },
    { name: 'exchange.export.raw.rss', value: raw.maxRssMb, unit: 'MB', better: 'lower' },
  );
  return results;
}
