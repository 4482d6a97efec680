/**
 * A one-table export as bytes: a "Read me" sheet saying what the file is, when and by whom it was made, with which
 * filters, how many rows, then the data sheet. Kept for the audit trail's export (its Date-valued columns); it runs on
 * the one writer, write.ts, so it gets that writer's quality rules (real dates, frozen bold header, autofilter, no
 * formulas, neutralised text). New exports use write.ts directly.
 */
import { readMeSheet, sheet, writeWorkbookToBuffer, type ColumnSpec } from './write';

export { safeText } from './write';

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

/** A Date-valued column as the writer takes it: the Date's UTC fields are the wall clock the cell shows. */
function column<R>(c: ExportColumn<R>): ColumnSpec<R> {
  const value = (row: R) => {
    const v = c.value(row);
    if (!(v instanceof Date)) return v;
    const iso = v.toISOString();
    return c.kind === 'date' ? iso.slice(0, 10) : iso;
  };
  return c.kind === 'datetime'
    ? { header: c.header, width: c.width, kind: 'datetime', numFmt: DATE_TIME_FORMAT, value }
    : { header: c.header, width: c.width, kind: c.kind, value };
}

/** Builds the workbook and returns the .xlsx bytes. */
export async function writeTableExport<R>(spec: TableExport<R>): Promise<Buffer> {
  const { bytes } = await writeWorkbookToBuffer({
    creator: spec.creator,
    now: spec.now,
    utcOffsetMinutes: 0, // Date values already hold the wall clock (see wallClock)
    sheets: [
      readMeSheet({ name: spec.readMeSheetName, title: spec.title, lines: spec.readMe }),
      sheet({ name: spec.sheetName, columns: spec.columns.map(column), rows: spec.rows }),
    ],
  });
  return bytes;
}
