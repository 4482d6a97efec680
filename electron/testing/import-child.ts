/**
 * Crash-test child (core/exchange/import/crash.test.ts): validates an AE workbook into `db` as the site's investigator,
 * says `COMMITTING` on stdout just before the commit (stdout to a pipe is synchronous on Linux: the line is out before
 * the transaction starts), then `DONE <created>` after it, so that the parent can SIGKILL it in the middle.
 * `node --import tsx import-child.ts db file.xlsx protocol nowIso`
 */
import { readFileSync } from 'node:fs';
import { openDatabase } from '../../db/open';
import { contract } from '../api';
import { commitImport, validateImport } from '../core/exchange/import/engine';
import { importKind } from '../core/exchange/import/kinds';
import { parseInput } from '../core/validation';

const [db, file, protocol, nowIso] = process.argv.slice(2) as [string, string, string, string];

async function run(): Promise<void> {
  const opened = await openDatabase(db);
  const ctx = { db: opened.db, actor: { id: null, username: 'crash-test' }, now: () => new Date(nowIso) };
  const study = opened.db.$client.prepare('SELECT id FROM studies WHERE protocol_number = ?').get(protocol) as {
    id: number;
  };
  const input = parseInput(contract['imports.validate'].input, {
    kind: 'aes',
    studyId: study.id,
    fileName: 'crash-aes.xlsx',
    base64: readFileSync(file).toString('base64'),
    jobId: 'crash-test-import',
    lang: 'zh-CN',
    utcOffsetMinutes: 480,
  });
  const report = await validateImport(ctx, { kind: importKind('aes'), input, role: 'investigator', saved: null });
  if (!report.token) throw new Error(`refused: ${JSON.stringify(report.rejected.slice(0, 3))}`);
  process.stdout.write(`COMMITTING ${report.created}\n`);
  const done = commitImport(ctx, report.token);
  process.stdout.write(`DONE ${done.created}\n`);
  opened.close();
}

run().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
