/**
 * The one workbook writer every export uses (sponsor export, SDTM export, change log, validation report, audit trail):
 * exceljs's streaming writer, rows pulled lazily from an Iterable or AsyncIterable (a 100,000-row SQL cursor is never held
 * whole), one sheet after another.
 *
 * What every workbook gets: real Excel date cells (yyyy-mm-dd, yyyy-mm-dd hh:mm), a bold frozen header row, an autofilter
 * over the written range, widths from the header and a sample of values (CJK counts double), dropdowns where a column has a
 * code list (long lists on a hidden sheet), no formulas, every string through `cellText` (formula-looking text neutralised,
 * characters XML forbids removed, over-long text cut with a visible marker) and valid, unique sheet names.
 *
 * Cancel and failure: the file is written to `<target>.part` and renamed only on success, so an aborted, failed or crashed
 * export never leaves a half file under the final name (a crash leaves the .part: the caller may sweep stale ones). An
 * AbortSignal stops the writer at the next chunk of rows; it then removes the .part and rejects with
 * `ExportCancelledError`. A caller's Writable is never ended on failure (a truncated download must not look complete): the
 * caller destroys it.
 */
import { once } from 'node:events';
import { createWriteStream, promises as fsp } from 'node:fs';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../core/errors';
import { columnLetter } from './cell';

// ---------------------------------------------------------------------------------------------------------------------
// Text

/** Text that Excel / LibreOffice would read as a formula or command: = + - @ tab CR LF, also behind leading quotes. */
const FORMULA_START = /^'*[=+\-@\t\r\n]/;

/**
 * Text as a cell may safely hold it: a leading = + - @ tab CR LF gets a single quote in front; nothing else changes. Text
 * that already starts with quotes before such a character gets one more, so that `originalText` undoes it exactly.
 */
export function safeText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The text `safeText` was given: what an importer of our own workbooks calls on a text cell. */
export function originalText(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value;
}

// XML 1.0 forbids U+0000–U+001F except tab, LF, CR, lone surrogates, U+FFFE and U+FFFF: Excel refuses such a file.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters an .xlsx cannot hold (control characters other than tab/CR/LF, lone surrogates, U+FFFE/F). */
export function cleanText(value: string): string {
  return SUSPECT.test(value) ? value.replace(XML_INVALID, '') : value;
}

/** Excel's limit on the characters of one cell. */
export const MAX_CELL_TEXT = 32_767;
/** Ends a text that was cut at MAX_CELL_TEXT, so that nobody takes it for the whole value. */
export const TRUNCATED_MARKER = '…[已截断 truncated]';

/** Any string on its way into a cell: cleaned, neutralised, cut to Excel's limit with a visible marker. */
export function cellText(value: string): string {
  const text = safeText(cleanText(value));
  if (text.length <= MAX_CELL_TEXT) return text;
  let end = MAX_CELL_TEXT - TRUNCATED_MARKER.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
  return text.slice(0, end) + TRUNCATED_MARKER;
}

// ---------------------------------------------------------------------------------------------------------------------
// Sheet names

const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;
const MAX_SHEET_NAME = 31;

/**
 * Names Excel accepts, in order, unique among themselves (case-insensitively, as Excel compares them): at most 31
 * characters, none of []:*?/\, no control characters, not starting or ending with an apostrophe, not "History" (reserved),
 * never empty. A clash gets " (2)", " (3)" … within the 31 characters.
 */
export function sheetNames(wanted: readonly string[], taken: readonly string[] = []): string[] {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  return wanted.map((raw) => {
    let base = cleanText(raw)
      .replace(/[\t\r\n]/g, ' ')
      .replace(SHEET_NAME_FORBIDDEN, '_')
      .trim()
      .replace(/^'+|'+$/g, '')
      .trim();
    if (!base) base = 'Sheet';
    if (base.toLowerCase() === 'history') base = `${base}_`;
    base = clip(base, MAX_SHEET_NAME);
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = clip(base, MAX_SHEET_NAME - suffix.length).trimEnd() + suffix;
    }
    used.add(name.toLowerCase());
    return name;
  });
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** A sheet name inside a formula reference: always quoted, quotes doubled. */
function sheetRef(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Columns and cells

export type ColumnKind = 'text' | 'integer' | 'number' | 'date' | 'datetime' | 'bool';
export type Scalar = string | number | boolean | null;

export interface ColumnSpec<R> {
  header: string;
  kind: ColumnKind;
  /**
   * The cell's value. Dates as 'YYYY-MM-DD' text, instants as ISO-8601 text (with Z or an offset: shown at the
   * workbook's utcOffsetMinutes; without a zone: shown as written): the writer makes real Excel date cells of them. A
   * value the column's kind cannot take (a partial date '2024-03', text in a number column) is written as text, as is.
   */
  value: (row: R) => Scalar | undefined;
  /** Width in characters; without it the width comes from the header and the first rows' values. */
  width?: number;
  /** A code list: the column gets a dropdown with these values (as a warning, so other values can still be typed). */
  list?: readonly string[];
  /** A comment on the header cell (what the column holds, which format). */
  note?: string;
  /** Excel number format overriding the kind's own, e.g. 'yyyy-mm-dd hh:mm:ss'. */
  numFmt?: string;
}

export interface SheetSpec<R> {
  name: string;
  columns: readonly ColumnSpec<R>[];
  /** Pulled only when this sheet is written; a better-sqlite3 `.iterate()` works as is. */
  rows: Iterable<R> | AsyncIterable<R>;
}

/** A column as the writer keeps it: the spec without its row type. */
export type ColumnMeta = Omit<ColumnSpec<unknown>, 'value'>;

type ReadMeLines = readonly (readonly [label: string, value: string])[];

export interface ReadMeSpec {
  name: string;
  /** first line, large and bold */
  title: string;
  /**
   * label → value lines. A function is called after every other sheet is written, with their row counts (for a "rows per
   * sheet" line); the sheet still appears at its place in the list.
   */
  lines: ReadMeLines | ((written: readonly WrittenSheet[]) => ReadMeLines);
}

export interface WrittenSheet {
  /** the name as written (made valid and unique) */
  name: string;
  /** data rows, header not counted (a Read me sheet: its lines) */
  rows: number;
}

/** One sheet of a workbook: make it with `sheet()` or `readMeSheet()`. */
export type Sheet =
  | { kind: 'table'; name: string; columns: readonly ColumnMeta[]; rows: Iterable<Scalar[]> | AsyncIterable<Scalar[]> }
  | { kind: 'readMe'; name: string; title: string; lines: ReadMeSpec['lines'] };

/** A data sheet: header row, then one row per item of `rows`, each cell from its column's `value`. */
export function sheet<R>(spec: SheetSpec<R>): Sheet {
  const { columns } = spec;
  const values = (row: R): Scalar[] => columns.map((c) => c.value(row) ?? null);
  return {
    kind: 'table',
    name: spec.name,
    columns: columns.map(({ value: _value, ...meta }) => meta),
    rows: isAsyncIterable(spec.rows) ? mapAsync(spec.rows, values) : mapSync(spec.rows, values),
  };
}

/** The "Read me" sheet: a title, a blank line, then label / value lines (study, exported when and by whom, filters …). */
export function readMeSheet(spec: ReadMeSpec): Sheet {
  return { kind: 'readMe', ...spec };
}

/**
 * A code shown as its label with the code in the next column ("code columns alongside"): the label column gets a
 * dropdown of the labels, the code column one of the codes. A code without a label shows the code in both.
 */
export function codeColumns<R>(spec: {
  header: string;
  codeHeader: string;
  value: (row: R) => string | null | undefined;
  labels: ReadonlyMap<string, string>;
  note?: string;
  width?: number;
}): [ColumnSpec<R>, ColumnSpec<R>] {
  return [
    {
      header: spec.header,
      kind: 'text',
      value: (row) => {
        const code = spec.value(row);
        return code == null ? null : (spec.labels.get(code) ?? code);
      },
      list: [...spec.labels.values()],
      note: spec.note,
      width: spec.width,
    },
    { header: spec.codeHeader, kind: 'text', value: spec.value, list: [...spec.labels.keys()] },
  ];
}

function* mapSync<R>(rows: Iterable<R>, f: (row: R) => Scalar[]): Generator<Scalar[]> {
  for (const row of rows) yield f(row);
}

async function* mapAsync<R>(rows: AsyncIterable<R>, f: (row: R) => Scalar[]): AsyncGenerator<Scalar[]> {
  for await (const row of rows) yield f(row);
}

function isAsyncIterable<T>(x: Iterable<T> | AsyncIterable<T>): x is AsyncIterable<T> {
  return typeof (x as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === 'function';
}

// Shared style objects: exceljs caches a style by object identity, so one object per kind keeps the per-cell cost low
// (a fresh object per cell, exceljs's default, serialises the style of every cell).
type Style = Partial<ExcelJS.Style>;
const DATE_FORMAT = 'yyyy-mm-dd';
const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm';
const PLAIN: Style = {};
const TEXT: Style = { numFmt: '@' };
const INTEGER: Style = { numFmt: '0' };
const DATE: Style = { numFmt: DATE_FORMAT };
const DATETIME: Style = { numFmt: DATETIME_FORMAT };
const KIND_STYLE: Record<ColumnKind, Style> = {
  text: TEXT,
  integer: INTEGER,
  number: PLAIN,
  date: DATE,
  datetime: DATETIME,
  bool: PLAIN,
};
export const HEADER_STYLE: Style = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } },
  border: { bottom: { style: 'thin', color: { argb: 'FF9AA5B1' } } },
  alignment: { vertical: 'middle' },
};
const TITLE: Style = { font: { bold: true, size: 14 } };
const LABEL: Style = { font: { bold: true }, alignment: { vertical: 'top' } };
const WRAPPED: Style = { alignment: { wrapText: true, vertical: 'top' } };

/** The style of a column's cells: the kind's number format, or the column's own. */
export function columnStyle(c: Pick<ColumnMeta, 'kind' | 'numFmt'>): Style {
  return c.numFmt ? { numFmt: c.numFmt } : KIND_STYLE[c.kind];
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
// Excel's 1900 leap-year bug shifts every serial before 1900-03-01 by a day, and there is nothing before 1900.
const FIRST_EXACT_DATE = Date.UTC(1900, 2, 1);
const LAST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function calendarMs(y: string, m: string, d: string): number | null {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return null;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return null;
  const ms = Date.UTC(year, month - 1, day);
  return ms >= FIRST_EXACT_DATE && ms <= LAST_DATE ? ms : null;
}

/** 'YYYY-MM-DD' as the Date exceljs writes as that calendar day (exceljs takes a Date's UTC fields), else null. */
export function dateCell(text: string): Date | null {
  const m = DATE_TEXT.exec(text);
  const ms = m ? calendarMs(m[1]!, m[2]!, m[3]!) : null;
  return ms === null ? null : new Date(ms);
}

/**
 * An ISO-8601 date-time as the Date exceljs writes as its wall clock: with Z or an offset, the instant at
 * `utcOffsetMinutes`; without a zone, the time as written. Else null.
 */
export function dateTimeCell(text: string, utcOffsetMinutes: number): Date | null {
  const m = INSTANT_TEXT.exec(text);
  if (!m) return null;
  const day = calendarMs(m[1]!, m[2]!, m[3]!);
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = m[6] ? Number(m[6]) : 0;
  if (day === null || h > 23 || min > 59 || s > 59) return null;
  let ms = day + ((h * 60 + min) * 60 + s) * 1000 + (m[7] ? Math.floor(Number(m[7]) * 1000) : 0);
  if (m[8]) ms += (utcOffsetMinutes - zoneMinutes(m[8])) * 60_000;
  return ms >= FIRST_EXACT_DATE && ms <= LAST_DATE ? new Date(ms) : null;
}

/** 'Z', '+08', '+08:00', '-0530' as minutes east of UTC. */
function zoneMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  return (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/**
 * A value as exceljs should write it in a column of this kind, and the style of that one cell (usually the column's;
 * a date-only value in a date-time column, a fraction in an integer column get the style that shows them whole).
 */
export function toCell(
  kind: ColumnKind,
  v: Scalar | undefined,
  utcOffsetMinutes: number,
  style: Style,
): [value: ExcelJS.CellValue | undefined, style: Style] {
  if (v === null || v === undefined || v === '') return [undefined, style];
  switch (kind) {
    case 'text':
      return [cellText(typeof v === 'string' ? v : String(v)), style];
    case 'integer':
    case 'number':
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return [undefined, style]; // NaN/Infinity have no cell form: Excel would repair
        return [v, kind === 'integer' && !Number.isInteger(v) ? PLAIN : style];
      }
      break;
    case 'date':
      if (typeof v === 'string') {
        const d = dateCell(v);
        if (d) return [d, style];
      }
      break;
    case 'datetime':
      if (typeof v === 'string') {
        const t = dateTimeCell(v, utcOffsetMinutes);
        if (t) return [t, style];
        const d = dateCell(v);
        if (d) return [d, DATE];
      }
      break;
    case 'bool':
      if (typeof v === 'boolean') return [v, style];
      break;
  }
  if (typeof v === 'string') return [cellText(v), style];
  if (typeof v === 'number') return Number.isFinite(v) ? [v, PLAIN] : [undefined, style];
  return [v, PLAIN];
}

const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\uD840-\uD87F][\uDC00-\uDFFF]/g;

/** Characters as Excel's column width counts them: a CJK (wide) character is two; the longest line of the text. */
export function displayWidth(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) {
    const wide = line.match(WIDE);
    const w = line.length + (wide ? wide.reduce((n, ch) => n + 2 - ch.length, 0) : 0);
    if (w > widest) widest = w;
  }
  return widest;
}

export const MIN_WIDTH = 6;
export const MAX_WIDTH = 50;

/** A column's width from its header (bold, with the filter button) and sample values, within MIN_WIDTH..MAX_WIDTH. */
export function autoWidth(kind: ColumnKind, header: string, samples: readonly (Scalar | undefined)[]): number {
  let w = displayWidth(header) + 4;
  for (const v of samples) {
    if (v === null || v === undefined) continue;
    let vw: number;
    if (typeof v === 'string') {
      vw =
        kind === 'date' && DATE_TEXT.test(v)
          ? 10
          : kind === 'datetime' && INSTANT_TEXT.test(v)
            ? 16
            : displayWidth(v.length > 200 ? v.slice(0, 200) : v);
    } else if (typeof v === 'number') {
      vw = Math.min(String(v).length, 14);
    } else {
      vw = 5;
    }
    if (vw + 2 > w) w = vw + 2;
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.ceil(w)));
}

// ---------------------------------------------------------------------------------------------------------------------
// Dropdown lists

/** Excel refuses an inline list longer than 255 characters; longer lists (or items with , or ") go to a hidden sheet. */
const INLINE_LIST_MAX = 250;
export const LISTS_SHEET_NAME = 'lists';

/** The formulas of dropdown lists: inline when short, else a range on the hidden lists sheet (one column per list). */
export class ListRegistry {
  readonly columns: string[][] = [];
  private readonly formulas = new Map<string, string>();
  constructor(readonly sheetName: string) {}

  /** The validation formula for this list, or null for an empty list. */
  formula(list: readonly string[]): string | null {
    const items = [...new Set(list.map(cellText).filter((s) => s.trim() !== ''))];
    if (!items.length) return null;
    const key = JSON.stringify(items);
    let f = this.formulas.get(key);
    if (f === undefined) {
      const joined = items.join(',');
      if (joined.length <= INLINE_LIST_MAX && !items.some((s) => s.includes(',') || s.includes('"'))) {
        f = `"${joined}"`;
      } else {
        this.columns.push(items);
        const col = columnLetter(this.columns.length);
        f = `${sheetRef(this.sheetName)}!$${col}$1:$${col}$${items.length}`;
      }
      this.formulas.set(key, f);
    }
    return f;
  }

  /** A dropdown over `range`: a warning, not a stop, because imports also take codes and the other language's labels. */
  validation(list: readonly string[]): ExcelJS.DataValidation | null {
    const f = this.formula(list);
    return f === null
      ? null
      : { type: 'list', allowBlank: true, formulae: [f], showErrorMessage: true, errorStyle: 'warning' };
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Writing

/** Excel's last row: a sheet holds at most this many data rows under its header. */
export const MAX_DATA_ROWS = 1_048_575;
const MAX_COLUMNS = 16_384;
/** rows between progress reports, cancel checks and letting the zip catch up */
const CHUNK = 1000;
/** rows whose values size the columns */
const SAMPLE_ROWS = 100;
/**
 * Sheet XML waiting for the compressor: above HIGH the writer waits until it is below LOW (exceljs's streams have no
 * back-pressure of their own). Never waiting for empty keeps the compressor busy while the rows are made.
 */
const BACKLOG_HIGH = 16 * 1024 * 1024;
const BACKLOG_LOW = 8 * 1024 * 1024;

/** The export was cancelled (AbortSignal): nothing was left under the target's name. */
export class ExportCancelledError extends AppError {
  constructor() {
    super('validation', 'excel.exportCancelled');
    this.name = 'ExportCancelledError';
  }
}

export type WriteTarget = string | Writable;

export interface WorkbookOptions {
  /** in tab order */
  sheets: readonly Sheet[];
  creator: string;
  now: Date;
  /** the wall clock date-time cells show (e.g. 480 for UTC+08:00) */
  utcOffsetMinutes: number;
  signal?: AbortSignal;
  /** data rows written so far, all sheets together; called every CHUNK rows and at the end of each sheet */
  onProgress?: (rowsWritten: number) => void;
  /** shared strings table (smaller file for repetitive text, a little more memory); default false */
  sharedStrings?: boolean;
}

export interface WorkbookResult {
  sheets: WrittenSheet[];
}

// exceljs's streaming writer has no public hooks for these; read defensively so an upgrade degrades, never breaks.
interface WriterInternals {
  zip?: NodeJS.EventEmitter & {
    unpipe?(dest?: NodeJS.WritableStream): unknown;
    abort?(): unknown;
    finalize?(): Promise<unknown>;
  };
  _worksheets?: unknown[];
}
interface SheetStreamInternals {
  stream?: { pipes?: { _writableState?: { length?: number } }[] };
}

interface Output {
  stream: Writable;
  /** after the zip is finished: make the file durable and give it its final name */
  done(): Promise<void>;
  /** after a failure: stop, remove what was written (a caller's Writable is only detached) */
  fail(zip: WriterInternals['zip']): Promise<void>;
}

/** Detaches the zip from the output and stops it. */
function stopZip(zip: WriterInternals['zip'], output: Writable): void {
  if (!zip) return;
  zip.unpipe?.(output);
  // exceljs may still be on its way to finalize(), which rejects, unhandled, once the archive is aborted
  zip.finalize = () => Promise.resolve();
  zip.abort?.();
}

async function openOutput(target: WriteTarget): Promise<Output> {
  if (typeof target !== 'string') {
    return {
      stream: target,
      done: () => Promise.resolve(),
      fail: (zip) => {
        stopZip(zip, target);
        return Promise.resolve();
      },
    };
  }
  const part = `${target}.part`;
  // flush: fsync before close, so the file is durable before it takes the final name
  const stream = createWriteStream(part, { flush: true });
  await once(stream, 'ready');
  const closed = () =>
    stream.closed ? Promise.resolve() : new Promise<void>((resolve) => stream.once('close', () => resolve()));
  return {
    stream,
    done: async () => {
      await closed();
      await fsp.rename(part, target);
    },
    fail: async (zip) => {
      stopZip(zip, stream);
      stream.on('error', () => undefined); // a write in flight may still fail: the file is being removed anyway
      stream.destroy();
      await closed();
      await fsp.rm(part, { force: true });
    },
  };
}

/** Writes the workbook to a file path (through `<path>.part`) or a Writable, and says what it wrote. */
export async function writeWorkbook(target: WriteTarget, opts: WorkbookOptions): Promise<WorkbookResult> {
  if (opts.signal?.aborted) throw new ExportCancelledError();
  const out = await openOutput(target);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out.stream,
    useStyles: true,
    useSharedStrings: opts.sharedStrings ?? false,
  });
  const internals = wb as unknown as WriterInternals;
  // Without listeners a stream error would be an uncaught exception; it stops the writer at its next check instead.
  const failure = new AbortController();
  const onError = (e: unknown) => failure.abort(e);
  out.stream.on('error', onError);
  internals.zip?.on('error', onError);
  const onAbort = () => failure.abort(new ExportCancelledError());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await writeSheets(wb, opts, failure.signal);
    // exceljs waits for the output's 'finish', which never comes once the output has failed: race it with the failure
    const commit = wb.commit();
    commit.catch(() => undefined); // when the race is lost, its late rejection is not news
    await Promise.race([commit, rejected(failure.signal)]);
    await out.done();
    return result;
  } catch (e) {
    // the first cause: tearing down may raise errors of its own (writes after destroy)
    const cause: unknown = failure.signal.aborted ? failure.signal.reason : e;
    await out.fail(internals.zip);
    throw cause;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    out.stream.off('error', onError);
  }
}

/** A promise that rejects with the signal's reason once it is aborted. */
function rejected(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** The workbook as bytes (small workbooks, tests): `writeWorkbook` into memory. */
export async function writeWorkbookToBuffer(opts: WorkbookOptions): Promise<{ bytes: Buffer; sheets: WrittenSheet[] }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const { sheets } = await writeWorkbook(sink, opts);
  return { bytes: Buffer.concat(chunks), sheets };
}

/** Bytes already made (a small non-streaming workbook) to a target, with the same .part → rename rule. */
export async function writeBytes(target: WriteTarget, bytes: Uint8Array): Promise<void> {
  if (typeof target !== 'string') {
    await new Promise<void>((resolve, reject) => {
      target.once('error', reject);
      target.end(bytes, () => {
        target.off('error', reject);
        resolve();
      });
    });
    return;
  }
  const part = `${target}.part`;
  try {
    const handle = await fsp.open(part, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(part, target);
  } catch (e) {
    await fsp.rm(part, { force: true });
    throw e;
  }
}

interface Context {
  opts: WorkbookOptions;
  stop: AbortSignal;
  lists: ListRegistry;
  total: number;
}

async function writeSheets(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  opts: WorkbookOptions,
  stop: AbortSignal,
): Promise<WorkbookResult> {
  wb.creator = cleanText(opts.creator);
  wb.lastModifiedBy = wb.creator;
  wb.created = opts.now;
  wb.modified = opts.now;

  const names = sheetNames(opts.sheets.map((s) => s.name));
  const [listsName] = sheetNames([LISTS_SHEET_NAME], names);
  const ctx: Context = { opts, stop, lists: new ListRegistry(listsName!), total: 0 };
  const written: (WrittenSheet | undefined)[] = [];
  const worksheets: (ExcelJS.Worksheet | undefined)[] = [];
  let deferred = false;

  for (const [i, s] of opts.sheets.entries()) {
    if (stop.aborted) throw stop.reason;
    const name = names[i]!;
    if (s.kind === 'table') {
      const ws = wb.addWorksheet(name, { views: [FROZEN_HEADER] });
      worksheets[i] = ws;
      written[i] = { name, rows: await writeTable(ws, s, ctx) };
    } else if (typeof s.lines === 'function') {
      deferred = true; // written last, once the row counts are known
    } else {
      const ws = wb.addWorksheet(name);
      worksheets[i] = ws;
      written[i] = { name, rows: writeReadMe(ws, s.title, s.lines) };
    }
  }
  const done = written.filter((w): w is WrittenSheet => w !== undefined);
  for (const [i, s] of opts.sheets.entries()) {
    if (s.kind === 'readMe' && typeof s.lines === 'function') {
      const name = names[i]!;
      const ws = wb.addWorksheet(name);
      worksheets[i] = ws;
      written[i] = { name, rows: writeReadMe(ws, s.title, s.lines(done)) };
    }
  }
  if (ctx.lists.columns.length) worksheets.push(writeLists(wb, ctx.lists));
  if (deferred) {
    // Tab order is the order of exceljs's sheet list; a Read me written last still goes where the caller put it.
    const internals = wb as unknown as WriterInternals;
    if (!Array.isArray(internals._worksheets)) throw new Error('exceljs streaming writer internals changed');
    const ordered: unknown[] = []; // sparse like exceljs's own: sheet ids start at 1, index 0 is a hole
    worksheets.forEach((ws, i) => (ordered[i + 1] = ws));
    internals._worksheets = ordered;
  }
  return { sheets: written.filter((w): w is WrittenSheet => w !== undefined) };
}

const FROZEN_HEADER: Partial<ExcelJS.WorksheetView> = {
  state: 'frozen',
  xSplit: 0,
  ySplit: 1,
  topLeftCell: 'A2',
  activeCell: 'A2',
};

type RowIterator = {
  next(): IteratorResult<Scalar[]> | Promise<IteratorResult<Scalar[]>>;
  return?(): unknown;
};

async function writeTable(ws: ExcelJS.Worksheet, s: Extract<Sheet, { kind: 'table' }>, ctx: Context) {
  const { columns } = s;
  if (columns.length > MAX_COLUMNS) throw new Error(`${columns.length} columns: Excel holds ${MAX_COLUMNS}`);
  const offset = ctx.opts.utcOffsetMinutes;
  // A written cell needs a number format only when it is a date: text is text and whole numbers show whole in General,
  // and every s="…" costs bytes and time on 100,000 rows. The columns keep their formats for what users type.
  const styles = columns.map((c) => (c.numFmt || c.kind === 'date' || c.kind === 'datetime' ? columnStyle(c) : PLAIN));
  const colStyles = columns.map(columnStyle);
  const it: RowIterator = isAsyncIterable(s.rows) ? s.rows[Symbol.asyncIterator]() : s.rows[Symbol.iterator]();
  let finished = false;
  const pull = async (): Promise<Scalar[] | undefined> => {
    const r = it.next();
    const res = r instanceof Promise ? await r : r;
    if (res.done) finished = true;
    return res.done ? undefined : res.value;
  };
  try {
    const sample: Scalar[][] = [];
    while (sample.length < SAMPLE_ROWS) {
      const v = await pull();
      if (!v) break;
      sample.push(v);
    }
    ws.columns = columns.map((c, i) => ({
      width:
        c.width ??
        autoWidth(
          c.kind,
          c.header,
          sample.map((r) => r[i]),
        ),
      style: colStyles[i],
    }));

    const header = ws.addRow(columns.map((c) => cellText(c.header)));
    plainRow(header);
    header.eachCell((cell, col) => {
      cell.style = HEADER_STYLE;
      const note = columns[col - 1]!.note;
      if (note) cell.note = cleanText(note);
    });
    header.commit();

    const values: (ExcelJS.CellValue | undefined)[] = new Array<undefined>(columns.length).fill(undefined);
    const cellStyles: Style[] = styles.slice();
    let n = 0;
    const put = (row: Scalar[]) => {
      if (n === MAX_DATA_ROWS) {
        throw new AppError('validation', 'excel.exportSheetTooLong', {
          params: { sheet: ws.name, max: MAX_DATA_ROWS },
        });
      }
      for (let i = 0; i < columns.length; i++) {
        const [v, st] = toCell(columns[i]!.kind, row[i], offset, styles[i]!);
        values[i] = v; // every index assigned: exceljs reads an array with an own [0] as starting at column A
        cellStyles[i] = st;
      }
      const r = ws.addRow(values);
      plainRow(r);
      r.eachCell((cell, col) => {
        cell.style = cellStyles[col - 1]!;
      });
      r.commit();
      n++;
    };
    for (const row of sample) put(row);
    if (sample.length === SAMPLE_ROWS) {
      for (let row = await pull(); row; row = await pull()) {
        put(row);
        if (n % CHUNK === 0) await tick(ws, ctx, n);
      }
    }
    ctx.total += n;
    ctx.opts.onProgress?.(ctx.total);

    const last = columnLetter(columns.length);
    ws.autoFilter = `A1:${last}${n + 1}`;
    if (n > 0) {
      for (const [i, c] of columns.entries()) {
        if (!c.list) continue;
        const validation = ctx.lists.validation(c.list);
        const col = columnLetter(i + 1);
        if (validation) validations(ws).add(n === 1 ? `${col}2` : `${col}2:${col}${n + 1}`, validation);
      }
    }
    ws.commit();
    return n;
  } finally {
    if (!finished) {
      const r = it.return?.();
      if (r instanceof Promise) await r.catch(() => undefined);
    }
  }
}

/** A row's own style, shared: exceljs gives each row a fresh {} and then serialises it once per row. */
function plainRow(row: ExcelJS.Row): void {
  (row as unknown as { style: Style }).style = PLAIN;
}

/** exceljs has data validations on every worksheet, its typings only on some. */
export function validations(ws: ExcelJS.Worksheet): { add(address: string, v: ExcelJS.DataValidation): void } {
  return (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } })
    .dataValidations;
}

/** Between chunks: progress, cancel, and waiting while the zip's backlog is large. */
async function tick(ws: ExcelJS.Worksheet, ctx: Context, sheetRows: number): Promise<void> {
  ctx.opts.onProgress?.(ctx.total + sheetRows);
  await new Promise<void>((resolve) => setImmediate(resolve)); // lets the zip take what is queued
  if (ctx.stop.aborted) throw ctx.stop.reason;
  const state = (ws as unknown as SheetStreamInternals).stream?.pipes?.[0]?._writableState;
  if (!state || (state.length ?? 0) <= BACKLOG_HIGH) return;
  while ((state.length ?? 0) > BACKLOG_LOW) {
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
    if (ctx.stop.aborted) throw ctx.stop.reason; // a dead output never drains: its error ends the wait
  }
}

function writeReadMe(ws: ExcelJS.Worksheet, title: string, lines: ReadMeLines): number {
  const labelWidth = Math.min(40, Math.max(16, ...lines.map(([label]) => displayWidth(label) + 3)));
  ws.columns = [{ width: labelWidth }, { width: 90 }];
  const head = ws.addRow([cellText(title)]);
  head.getCell(1).style = TITLE;
  head.commit();
  ws.addRow([]).commit();
  for (const [label, value] of lines) {
    const r = ws.addRow([cellText(label), cellText(value)]);
    r.getCell(1).style = LABEL;
    r.getCell(2).style = WRAPPED;
    r.commit();
  }
  ws.commit();
  return lines.length;
}

function writeLists(wb: ExcelJS.stream.xlsx.WorkbookWriter, lists: ListRegistry): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(lists.sheetName, { state: 'hidden' });
  const height = Math.max(...lists.columns.map((c) => c.length));
  ws.columns = lists.columns.map(() => ({ width: 24, style: TEXT }));
  for (let r = 0; r < height; r++) {
    const values: (string | undefined)[] = lists.columns.map((c) => c[r]);
    const row = ws.addRow(values);
    row.eachCell((cell) => {
      cell.style = TEXT;
    });
    row.commit();
  }
  ws.commit();
  return ws;
}
