/**
 * The base of every Excel export: one data sheet (real date-time cells, frozen bold header, autofilter, column widths, no
 * formulas) and a "Read me" sheet saying what the file is, when and by whom it was made, with which filters, how many
 * rows. Text that a spreadsheet could take for a formula is neutralised by `safeText`.
 */
import ExcelJS from 'exceljs';

/** Characters that make Excel / LibreOffice read a cell as a formula or a command (CSV/formula injection). */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** Text as a cell may safely hold it: a leading = + - @ tab CR LF gets a single quote in front; nothing else changes. */
export function safeText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export type CellValue = string | number | boolean | Date | null;

export interface ExportColumn<R> {
  header: string;
  /** characters, as Excel counts them (a CJK character is about two) */
  width: number;
  kind: 'text' | 'number' | 'datetime' | 'date';
  value: (row: R) => CellValue;
}

export interface TableExport<R> {
  /** first line of the Read me sheet */
  title: string;
  /** label → value lines of the Read me sheet (exported when/by whom, filters, row count, app version …) */
  readMe: [string, string][];
  readMeSheetName: string;
  sheetName: string;
  columns: ExportColumn<R>[];
  rows: Iterable<R>;
  creator: string;
  now: Date;
}

const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const DATE_FORMAT = 'yyyy-mm-dd';

/**
 * A wall-clock time as Excel stores it: Excel cells have no time zone, and exceljs writes a Date's UTC fields, so the
 * instant is shifted by the offset whose wall clock the cell should show.
 */
export function wallClock(iso: string, utcOffsetMinutes: number): Date {
  return new Date(Date.parse(iso) + utcOffsetMinutes * 60_000);
}

/** A 'YYYY-MM-DD' calendar date as a date cell (midnight, no zone shift). */
export function calendarDate(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

/** Every string goes through safeText, whatever the column: no cell is ever a formula. */
function cell(v: CellValue): ExcelJS.CellValue {
  return typeof v === 'string' ? safeText(v) : v;
}

/** Builds the workbook and returns the .xlsx bytes. */
export async function writeTableExport<R>(spec: TableExport<R>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = safeText(spec.creator);
  wb.created = spec.now;
  wb.modified = spec.now;
  wb.calcProperties.fullCalcOnLoad = false;

  const readMe = wb.addWorksheet(spec.readMeSheetName);
  readMe.columns = [{ width: 24 }, { width: 90 }];
  const title = readMe.addRow([safeText(spec.title)]);
  title.font = { bold: true, size: 14 };
  readMe.addRow([]);
  for (const [label, value] of spec.readMe) {
    const r = readMe.addRow([safeText(label), safeText(value)]);
    r.getCell(1).font = { bold: true };
    r.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }

  const ws = wb.addWorksheet(spec.sheetName, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  ws.columns = spec.columns.map((c) => ({
    header: safeText(c.header),
    width: c.width,
    style:
      c.kind === 'datetime'
        ? { numFmt: DATE_TIME_FORMAT }
        : c.kind === 'date'
          ? { numFmt: DATE_FORMAT }
          : { alignment: { wrapText: false, vertical: 'top' } },
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } };
  let count = 0;
  for (const row of spec.rows) {
    ws.addRow(spec.columns.map((c) => cell(c.value(row))));
    count++;
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, count + 1), column: spec.columns.length } };

  const bytes = await wb.xlsx.writeBuffer();
  return Buffer.from(bytes);
}
