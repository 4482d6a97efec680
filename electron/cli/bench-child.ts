/**
 * One measured task of `npm run bench`, run in a process of its own so that its peak RSS is its own (the bench's parent
 * holds the large seed and its caches). Prints one JSON line: {"ms", "maxRssMb", …}.
 *
 *   export <db> <protocol> <out.xlsx>       the full sponsor export of a study, as the CLI makes it
 *   raw-write <in.xlsx> <out.xlsx>          exceljs's streaming writer alone, writing the cells of <in.xlsx>
 *   import <db> <protocol> <in.xlsx> <now>  validateImport + commitImport of an AE workbook (bench-import.ts)
 *   raw-import <in.xlsx> <db>               exceljs's streaming reader + a prepared INSERT into a plain table
 *   raw-store <db> <protocol> <in.xlsx>     the same reader + the rows into adverse_events and audit_events as they are
 *   write <out.xlsx> <rows>                 our writer, the generated rows × 12 cells
 *   raw-generated-write <out.xlsx> <rows>   exceljs's streaming writer alone, the same cells
 */
import ExcelJS from 'exceljs';
import { openDatabase } from '../../db/open';
import { contract, sponsorSheets } from '../api';
import { exportStudyToFile } from '../core/exchange/export';
import { parseInput } from '../core/validation';
import {
  childOpenOptions,
  cpuMs,
  importTask,
  maxRssMb,
  rawGeneratedWriteTask,
  rawImportTask,
  rawStoreTask,
  writeTask,
} from './bench-import';

async function exportTask(db: string, protocol: string, out: string) {
  const opened = await openDatabase(db, childOpenOptions());
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
    const cpu0 = process.cpuUsage();
    const r = await exportStudyToFile(
      { db: opened.db, actor: { id: null, username: 'bench' }, now: () => new Date() },
      input,
      { exportedBy: 'bench', version: 'bench' },
      out,
    );
    return {
      ms: performance.now() - t,
      cpuMs: cpuMs(cpu0),
      maxRssMb: maxRssMb(),
      rssBeforeMb: rssBefore,
      rows: r.rows,
    };
  } finally {
    opened.close();
  }
}

/** Every sheet's rows of a workbook as plain values (the workbook itself, ~1 GB for the large export, is let go). */
async function cellsOf(input: string): Promise<{ name: string; rows: ExcelJS.CellValue[][] }[]> {
  const sheets: { name: string; rows: ExcelJS.CellValue[][] }[] = [];
  // read whole: exceljs's streaming reader fails now and then on a sheet whose styles are not read yet
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(input);
  for (const ws of book.worksheets) {
    const rows: ExcelJS.CellValue[][] = [];
    ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    sheets.push({ name: ws.name, rows });
  }
  return sheets;
}

/** The same cells, each sheet's rows as values, written by exceljs's streaming writer with nothing of ours around it. */
async function rawWriteTask(input: string, out: string) {
  const sheets = await cellsOf(input);
  // untimed: the workbook read above is collected now, not by the timed writer (the child runs with --expose-gc)
  (globalThis as { gc?: () => void }).gc?.();
  const cells = sheets.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.length, 0), 0);
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();
  return {
    ms: performance.now() - t,
    cpuMs: cpuMs(cpu0),
    maxRssMb: maxRssMb(),
    cells,
    rows: sheets.map((s) => [s.name, s.rows.length]),
  };
}

async function run(): Promise<void> {
  const [task, ...args] = process.argv.slice(2);
  const tasks: Record<string, () => Promise<object>> = {
    export: () => exportTask(args[0]!, args[1]!, args[2]!),
    'raw-write': () => rawWriteTask(args[0]!, args[1]!),
    import: () => importTask(args[0]!, args[1]!, args[2]!, args[3]!),
    'raw-import': () => rawImportTask(args[0]!, args[1]!),
    'raw-store': () => rawStoreTask(args[0]!, args[1]!, args[2]!),
    write: () => writeTask(args[0]!, Number(args[1])),
    'raw-generated-write': () => rawGeneratedWriteTask(args[0]!, Number(args[1])),
  };
  const result = task && Object.hasOwn(tasks, task) ? await tasks[task]!() : null;
  if (!result) throw new Error(`unknown task ${task}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

run().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
