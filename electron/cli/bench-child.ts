/**
 * One measured task of `npm run bench`, run in a process of its own so that its peak RSS is its own (the bench's parent
 * holds the large seed and its caches). Prints one JSON line: {"ms", "maxRssMb", …}.
 *
 *   export <db> <protocol> <out.xlsx>       the full sponsor export of a study, as the CLI makes it
 *   raw-write <in.xlsx> <out.xlsx>          exceljs's streaming writer alone, writing the cells of <in.xlsx>
 */
import ExcelJS from 'exceljs';
import { openDatabase } from '../../db/open';
import { contract, sponsorSheets } from '../api';
import { exportStudyToFile } from '../core/exchange/export';
import { parseInput } from '../core/validation';

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

async function exportTask(db: string, protocol: string, out: string) {
  const opened = await openDatabase(db);
  try {
    const study = opened.db.$client.prepare('SELECT id FROM studies WHERE protocol_number = ?').get(protocol) as {
      id: number;
    };
    const input = parseInput(contract['exchange.export'].input, {
      studyId: study.id,
      kind: 'sponsor',
      sheets: [...sponsorSheets],
      lang: 'zh-CN',
      recipient: 'bench',
      utcOffsetMinutes: 480,
    });
    const rssBefore = maxRssMb();
    const t = performance.now();
    const r = await exportStudyToFile(
      { db: opened.db, actor: { id: null, username: 'bench' }, now: () => new Date() },
      input,
      { exportedBy: 'bench', version: 'bench' },
      out,
    );
    return { ms: performance.now() - t, maxRssMb: maxRssMb(), rssBeforeMb: rssBefore, rows: r.rows };
  } finally {
    opened.close();
  }
}

/** The same cells, each sheet's rows as values, written by exceljs's streaming writer with nothing of ours around it. */
async function rawWriteTask(input: string, out: string) {
  const sheets: { name: string; rows: ExcelJS.CellValue[][] }[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache' });
  for await (const ws of reader as AsyncIterable<ExcelJS.Worksheet & AsyncIterable<ExcelJS.Row>>) {
    const rows: ExcelJS.CellValue[][] = [];
    for await (const row of ws) rows.push((row.values as ExcelJS.CellValue[]).slice(1));
    sheets.push({ name: (ws as unknown as { name: string }).name, rows });
  }
  const cells = sheets.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.length, 0), 0);
  const t = performance.now();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();
  return { ms: performance.now() - t, maxRssMb: maxRssMb(), cells, rows: sheets.map((s) => [s.name, s.rows.length]) };
}

async function run(): Promise<void> {
  const [task, ...args] = process.argv.slice(2);
  const result =
    task === 'export'
      ? await exportTask(args[0]!, args[1]!, args[2]!)
      : task === 'raw-write'
        ? await rawWriteTask(args[0]!, args[1]!)
        : null;
  if (!result) throw new Error(`unknown task ${task}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

run().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
