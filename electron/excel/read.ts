/**
 * The one way a workbook is read: `openXlsx` checks the bytes (zip.ts: what the file is, its limits, every member's
 * CRC), learns the workbook's sheets from its own XML, and while each member is inflated for its CRC it notes, per
 * sheet, the `<dimension>`, the number of `<row>` elements and the `<mergeCells>` at the end of the sheet's XML — so
 * that too many rows or columns are refused before the first row is parsed, and merges are known before the rows are
 * read (a header above a merged group title needs them; exceljs's streaming reader drops them).
 *
 * `rows(sheet)` streams one sheet's rows as `Cell[]` through exceljs's streaming WorkbookReader, fed a zip of our own:
 * the same compressed bytes, the parts renamed to what exceljs knows and in the order it needs (shared strings and
 * styles before the sheet), so that exceljs never parks a sheet in a temporary file (it does so, in the OS temp folder,
 * whenever a sheet comes before the shared strings, as in Excel's own files, and leaves it there when reading stops
 * early). A sheet part of any name is read this way (renamed in the stream).
 */
import { Transform, type TransformCallback } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../core/errors';
import { columnLetter, type Cell } from './cell';
import {
  entryStream,
  inflateSmall,
  readZip,
  refuseFile,
  verifyEntry,
  withLimits,
  zipStream,
  type StreamPart,
  type XlsxLimits,
  type ZipEntry,
} from './zip';

export { DEFAULT_XLSX_LIMITS, type XlsxLimits } from './zip';

export interface SheetInfo {
  name: string;
  /** 1-based position among the workbook's worksheets, as the tabs show them */
  index: number;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** the sheet's `<dimension ref>` when it has one ("A1:L100001"), else null */
  dimension: string | null;
  /** `<row>` elements in the sheet's XML: the rows `rows()` will yield (for progress) */
  rowCount: number;
}

/** A merged range, 1-based and inclusive. */
export interface MergeRange {
  ref: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** A row as the sheet holds it: `cells[0]` is column A; trailing empty cells are left out (a blank row has none). */
export interface XlsxRow {
  number: number;
  cells: Cell[];
}

export interface ReadOptions {
  /** aborting stops the read at the next row (or at once when waiting on exceljs); it then throws XlsxReadCancelled */
  signal?: AbortSignal;
  /**
   * 'fill': every cell of a merged range reads as the range's top-left cell (a merged group title over its columns, a
   * merged label down its rows); 'leave' (default): as the file holds them (empty).
   */
  mergedCells?: 'leave' | 'fill';
  /** exceljs silent for this long while we wait on it → excel.damaged (default 30 s) */
  stallMs?: number;
}

export interface XlsxFile {
  /** the worksheets (chart sheets and macro sheets are not listed), in the workbook's order */
  sheets: SheetInfo[];
  date1904: boolean;
  rows(sheet: string, opts?: ReadOptions): AsyncIterable<XlsxRow>;
  /** the sheet's merged ranges, top to bottom (known from the pre-check: no reading needed) */
  merges(sheet: string): MergeRange[];
}

/** What a cancelled read throws (recognise it with `instanceof` or its message key excel.cancelled). */
export class XlsxReadCancelled extends AppError {
  constructor() {
    super('validation', 'excel.cancelled', { field: 'file' });
  }
}

const DEFAULT_STALL_MS = 30_000;
/** the parts read whole (content types, rels, workbook, styles) */
const MAX_PART_BYTES = 64 * 1024 * 1024;
/** members inflated at once by the pre-check (libuv has 4 threads; the machine may have 2 cores) */
const PARALLEL_INFLATES = 2;
const damaged = (): AppError => refuseFile('excel.damaged');

// ---------- the package's own XML (small parts, read with regular expressions) ----------

function decodeXml(s: string): string {
  return s.replace(
    /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g,
    (_, hex?: string, dec?: string, name?: string) => {
      const code = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : -1;
      if (code > 0x10ffff) return _;
      if (code >= 0) return String.fromCodePoint(code);
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name as 'amp'];
    },
  );
}

/** The elements named `local` (any namespace prefix) with their attributes by local name. */
function elements(xml: string, local: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  const tag = new RegExp(`<(?:[\\w.-]+:)?${local}(?=[\\s/>])([^>]*)>`, 'g');
  for (const m of xml.matchAll(tag)) {
    const attrs = new Map<string, string>();
    for (const a of m[1]!.matchAll(/([\w.-]+:)?([\w.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
      attrs.set(a[1] === 'r:' || (a[1] && a[2] === 'id') ? `r:${a[2]!}` : a[2]!, decodeXml(a[3] ?? a[4] ?? ''));
    out.push(attrs);
  }
  return out;
}

/** The prefix of the document's root element ('' when none): exceljs only reads unprefixed SpreadsheetML. */
function rootPrefix(xmlHead: string): string | null {
  const m = /^(?:\uFEFF)?\s*(?:<\?[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([\w.-]+:)?[\w.-]+/.exec(xmlHead);
  return m ? (m[1] ?? '') : null;
}

/** A part name resolved against the folder of the part whose rels name it (targets may be absolute, or %-encoded). */
function resolvePart(base: string, target: string): string {
  let t = target;
  try {
    t = decodeURI(target);
  } catch {
    // a stray % stays as it is
  }
  const parts = t.startsWith('/') ? [] : base.split('/').slice(0, -1);
  for (const seg of t.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

interface Rel {
  type: string;
  target: string;
}
/** rId → relationship, from a .rels part (external targets left out). */
function relsOf(xml: string, base: string): Map<string, Rel> {
  const out = new Map<string, Rel>();
  for (const r of elements(xml, 'Relationship')) {
    const id = r.get('Id');
    const target = r.get('Target');
    if (!id || !target || r.get('TargetMode') === 'External') continue;
    out.set(id, { type: r.get('Type') ?? '', target: resolvePart(base, target) });
  }
  return out;
}
const relType = (rel: Rel | undefined, kind: string): boolean => !!rel && rel.type.endsWith(`/${kind}`);

/** "B3" → { row: 3, col: 2 }; null when it is not a cell reference. */
function cellRef(ref: string): { row: number; col: number } | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1]!.toUpperCase()) col = col * 26 + ch.charCodeAt(0) - 64;
  return { row: Number(m[2]), col };
}

function rangeOf(ref: string): MergeRange | null {
  const [a, b = a] = ref.split(':');
  const from = cellRef(a!);
  const to = cellRef(b!);
  if (!from || !to) return null;
  return {
    ref,
    top: Math.min(from.row, to.row),
    left: Math.min(from.col, to.col),
    bottom: Math.max(from.row, to.row),
    right: Math.max(from.col, to.col),
  };
}

// ---------- what the pre-check notes about each sheet ----------

/**
 * What exceljs's streaming reader misreads: rich text in an inline string (it keeps the last run only — exceljs's own
 * streaming writer writes such cells), phonetic runs (<rPh>, Japanese readings: they replace the text), a formula
 * whose cached result is an error value (it keeps NaN, not "#N/A"). Looked for by needles that are cheap to search
 * (Buffer.indexOf is slow on patterns starting with "<", which XML is full of): `inlineStr` marks every inline string.
 */
const MISREAD_IN_SHEET = ['inlineStr', 't="e"'];
const MISREAD_IN_STRINGS = ['rPh'];

/** Whether any of a few byte patterns occurs in chunks searched with an overlap (SheetScan's carry, or its own). */
class Patterns {
  private readonly patterns: Buffer[];
  private tail = Buffer.alloc(0);
  found = false;
  constructor(patterns: string[]) {
    this.patterns = patterns.map((p) => Buffer.from(p));
  }
  /** `buf` already starts with the end of the previous chunk */
  search(buf: Buffer): void {
    if (!this.found) this.found = this.patterns.some((p) => buf.includes(p));
  }
  /** a chunk on its own: the overlap is kept here */
  feed(chunk: Buffer): void {
    if (this.found) return;
    this.search(this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk);
    this.tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - CARRY)));
  }
}

const HEAD_BYTES = 64 * 1024;
/** the <mergeCells> element kept (16 MB: some 400,000 merges; a sheet with more keeps its first ones) */
const MAX_MERGE_XML = 16 * 1024 * 1024;
/** longest pattern looked for across chunk boundaries, with its delimiter byte */
const CARRY = 32;
const isDelimiter = (b: number | undefined): boolean =>
  b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x3e || b === 0x2f;

/**
 * Fed the sheet's XML as it is inflated: keeps its head (for the dimension and the root's prefix), counts `<row>`
 * elements and keeps the `<mergeCells>` element. A chunk is searched together with the last bytes of the one before,
 * so that nothing is missed or counted twice at a boundary.
 */
class SheetScan {
  private head = Buffer.alloc(0);
  private headDone = false;
  private prefix = '';
  private rowTag = Buffer.from('<row');
  private mergeTag = Buffer.from('<mergeCells');
  private carry = Buffer.alloc(0);
  private mergeParts: Buffer[] | null = null;
  private mergeBytes = 0;
  rows = 0;
  /** the root element's prefix ('' none, null unknown: not XML) */
  root: string | null = null;
  /** cells exceljs misreads are in the sheet (see CellRewriter): it is then streamed through it */
  readonly needsRewrite = new Patterns(MISREAD_IN_SHEET);

  feed(chunk: Buffer): void {
    if (!this.headDone) this.takeHead(chunk);
    if (this.mergeParts) {
      this.keepMerges(chunk);
      return; // nothing after <mergeCells> is a row
    }
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.countRows(buf);
    this.needsRewrite.search(buf);
    const from = Math.max(0, this.carry.length - this.mergeTag.length);
    const at = buf.indexOf(this.mergeTag, from);
    if (at >= 0 && at + this.mergeTag.length < buf.length && isDelimiter(buf[at + this.mergeTag.length])) {
      this.mergeParts = [];
      this.keepMerges(buf.subarray(at));
    }
    this.carry = Buffer.from(buf.subarray(Math.max(0, buf.length - CARRY)));
  }

  private takeHead(chunk: Buffer): void {
    this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
    const text = this.head.toString('utf8');
    if (this.root === null) {
      this.root = rootPrefix(text);
      if (this.root) {
        this.prefix = this.root;
        this.rowTag = Buffer.from(`<${this.prefix}row`);
        this.mergeTag = Buffer.from(`<${this.prefix}mergeCells`);
      }
    }
    if (this.head.length >= HEAD_BYTES || /<(?:[\w.-]+:)?sheetData[\s/>]/.test(text)) this.headDone = true;
  }

  private countRows(buf: Buffer): void {
    const tag = this.rowTag;
    // starts examined last time: those whose tag and delimiter fitted in the previous chunk
    let i = this.carry.length ? this.carry.length - tag.length : 0;
    for (;;) {
      i = buf.indexOf(tag, i);
      if (i < 0 || i + tag.length >= buf.length) break;
      if (isDelimiter(buf[i + tag.length])) this.rows++;
      i += tag.length;
    }
  }

  private keepMerges(bytes: Buffer): void {
    if (this.mergeBytes >= MAX_MERGE_XML) return;
    const part = Buffer.from(bytes.subarray(0, MAX_MERGE_XML - this.mergeBytes));
    this.mergeParts!.push(part);
    this.mergeBytes += part.length;
  }

  /** the `<dimension ref>`, when the sheet has one */
  dimension(): string | null {
    const ref = elements(this.head.toString('utf8'), 'dimension')[0]?.get('ref');
    return ref ? ref.trim() : null;
  }

  merges(): MergeRange[] {
    if (!this.mergeParts) return [];
    const xml = Buffer.concat(this.mergeParts).toString('utf8');
    return elements(xml, 'mergeCell')
      .map((m) => rangeOf(m.get('ref') ?? ''))
      .filter((r): r is MergeRange => r !== null)
      .sort((a, b) => a.top - b.top || a.left - b.left);
  }
}

// ---------- rewriting what exceljs would misread ----------

/**
 * Passes XML through, handing each element `<name …>…</name>` that `wanted` picks to `rewrite` (self-closing ones pass
 * as they are). Works across chunk boundaries; elements not picked are never decoded.
 */
class ElementRewriter extends Transform {
  private pending = Buffer.alloc(0);
  private readonly open: Buffer;
  private readonly close: Buffer;

  constructor(
    name: string,
    private readonly wanted: (element: Buffer) => boolean,
    private readonly rewrite: (element: string) => string,
  ) {
    super();
    this.open = Buffer.from(`<${name}`);
    this.close = Buffer.from(`</${name}>`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let out = 0; // bytes before this are pushed
    let pos = 0; // bytes before this are examined
    for (;;) {
      const at = data.indexOf(this.open, pos);
      if (at < 0) {
        pos = Math.max(pos, data.length - this.open.length);
        break;
      }
      const after = at + this.open.length;
      if (after >= data.length) {
        pos = at;
        break;
      }
      if (!isDelimiter(data[after])) {
        pos = after; // <col, <cfRule …
        continue;
      }
      const tagEnd = data.indexOf(0x3e, after);
      if (tagEnd < 0) {
        pos = at;
        break;
      }
      if (data[tagEnd - 1] === 0x2f) {
        pos = tagEnd + 1;
        continue;
      }
      const closeAt = data.indexOf(this.close, tagEnd + 1);
      if (closeAt < 0) {
        pos = at;
        break;
      }
      const end = closeAt + this.close.length;
      const element = data.subarray(at, end);
      if (this.wanted(element)) {
        if (at > out) this.push(data.subarray(out, at));
        this.push(Buffer.from(this.rewrite(element.toString('utf8'))));
        out = end;
      }
      pos = end;
    }
    if (pos > out) this.push(data.subarray(out, pos));
    this.pending = Buffer.from(data.subarray(Math.max(pos, out)));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length) this.push(this.pending);
    done();
  }
}

const PHONETIC = /<rPh\b[^>]*\/>|<rPh\b[\s\S]*?<\/rPh>/g;
const TEXT_RUN = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g;
const IS_OPEN = Buffer.from('<is>');
const ERROR_TYPE = [Buffer.from(' t="e"'), Buffer.from(" t='e'")];

/**
 * A sheet's cells as exceljs reads them right: an inline string's runs joined into one text (phonetic runs dropped),
 * an error result's formula dropped (the cell is then the error value it shows).
 */
class CellRewriter extends ElementRewriter {
  constructor() {
    super(
      'c',
      (c) => c.includes(IS_OPEN) || ERROR_TYPE.some((p) => c.includes(p)),
      (c) => {
        let out = c;
        if (/\st\s*=\s*["']e["']/.test(out)) out = out.replace(/<f\b[^>]*\/>|<f\b[^>]*>[\s\S]*?<\/f>/, '');
        return out.replace(/<is>([\s\S]*?)<\/is>/, (_, inner: string) => {
          const texts = [...inner.replace(PHONETIC, '').matchAll(TEXT_RUN)].map((m) => m[1]!);
          return `<is><t xml:space="preserve">${texts.join('')}</t></is>`;
        });
      },
    );
  }
}

const NON_ASCII = /[\x80-\xff]/;

/**
 * Non-ASCII characters as XML character references (中 → &#20013;). exceljs decodes each chunk of a part on its own
 * (utils/browser-buffer-decode.js), so a character split between two chunks would read as "��": with nothing but
 * ASCII left, no chunk boundary can split one. A sequence cut at a chunk's end waits for the next chunk.
 */
export class AsciiXml extends Transform {
  private pending: Buffer | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let first = 0;
    while (first < data.length && data[first]! < 0x80) first++;
    if (first === data.length) return done(null, data);
    const out: (Buffer | string)[] = [data.subarray(0, first)];
    let i = first;
    let run = i; // start of the current ASCII run
    while (i < data.length) {
      const b = data[i]!;
      if (b < 0x80) {
        i++;
        continue;
      }
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (i + length > data.length) break; // cut at the chunk's end
      if (run < i) out.push(data.subarray(run, i));
      const text = data.toString('utf8', i, i + length);
      out.push(`&#${text.codePointAt(0)!};`);
      i += length;
      run = i;
    }
    if (run < i) out.push(data.subarray(run, i));
    if (i < data.length) this.pending = Buffer.from(data.subarray(i));
    done(null, Buffer.concat(out.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x))));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.pending ? Buffer.from(this.pending.toString('utf8'), 'utf8') : null);
  }
}

/** Shared strings without their phonetic runs (exceljs would take a reading for the text). */
class PhoneticStripper extends ElementRewriter {
  constructor() {
    super(
      'rPh',
      () => true,
      () => '',
    );
  }
}

// ---------- opening ----------

interface SheetPart extends SheetInfo {
  entry: ZipEntry;
  scan: SheetScan;
  /** the sheet's XML holds non-ASCII text (inline strings): given to exceljs through AsciiXml */
  nonAscii: boolean;
}

/** Excel's built-in zh-CN date and time formats (ids 27–36, 50–58): a file names them by id only, exceljs knows none. */
const LOCALE_DATE_FORMATS: Record<number, string> = {
  27: 'yyyy"年"m"月"',
  28: 'm"月"d"日"',
  29: 'm"月"d"日"',
  30: 'm-d-yy',
  31: 'yyyy"年"m"月"d"日"',
  32: 'h"时"mm"分"',
  33: 'h"时"mm"分"ss"秒"',
  34: '上午/下午 h"时"mm"分"',
  35: '上午/下午 h"时"mm"分"ss"秒"',
  36: 'yyyy"年"m"月"',
  50: 'yyyy"年"m"月"',
  51: 'm"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: 'm"月"d"日"',
  55: '上午/下午 h"时"mm"分"',
  56: '上午/下午 h"时"mm"分"ss"秒"',
  57: 'yyyy"年"m"月"',
  58: 'm"月"d"日"',
};

/**
 * styles.xml with the zh-CN built-in date formats it uses written out as its own numFmts, so that exceljs sees date
 * cells as dates; null when it uses none (the original bytes are then streamed as they are).
 */
function stylesWithLocaleDates(xml: string): string | null {
  const defined = new Set(elements(xml, 'numFmt').map((f) => Number(f.get('numFmtId'))));
  const used = new Set(
    [...xml.matchAll(/\bnumFmtId\s*=\s*"(\d+)"/g)]
      .map((m) => Number(m[1]))
      .filter((id) => id in LOCALE_DATE_FORMATS && !defined.has(id)),
  );
  if (used.size === 0) return null;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const added = [...used].map((id) => `<numFmt numFmtId="${id}" formatCode="${esc(LOCALE_DATE_FORMATS[id]!)}"/>`);
  const open = /<numFmts\b[^>]*?(\/?)>/.exec(xml);
  if (open) {
    const at = open.index + open[0].length;
    return open[1]
      ? `${xml.slice(0, open.index)}<numFmts>${added.join('')}</numFmts>${xml.slice(at)}`
      : `${xml.slice(0, at)}${added.join('')}${xml.slice(at)}`;
  }
  const root = /<styleSheet\b[^>]*>/.exec(xml);
  if (!root) return null;
  const at = root.index + root[0].length;
  return `${xml.slice(0, at)}<numFmts>${added.join('')}</numFmts>${xml.slice(at)}`;
}

const EMPTY_RELS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
);
const EMPTY_SST = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
);
/** exceljs takes only the date system from the workbook part: a minimal one spares parsing the real one's names. */
const bookXml = (date1904: boolean): Buffer =>
  Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<workbookPr${date1904 ? ' date1904="1"' : ''}/></workbook>`,
  );

interface Opened {
  bytes: Buffer;
  limits: XlsxLimits;
  date1904: boolean;
  sheets: SheetPart[];
  strings: StreamPart;
  styles: StreamPart | null;
}

/**
 * Opens a workbook held in memory: checks it whole (see zip.ts), lists its worksheets, notes each sheet's dimension,
 * row count and merges. Throws a field error on `file` (excel.*) for anything that is not a readable .xlsx.
 */
export async function openXlsx(
  bytes: Buffer,
  opts: { limits?: Partial<XlsxLimits>; signal?: AbortSignal } = {},
): Promise<XlsxFile> {
  try {
    return await open(bytes, opts);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw damaged(); // whatever slipped past the checks (an offset out of range …) is a damaged file
  }
}

async function open(bytes: Buffer, opts: { limits?: Partial<XlsxLimits>; signal?: AbortSignal }): Promise<XlsxFile> {
  const limits = withLimits(opts.limits);
  const entries = readZip(bytes, limits);
  const byName = new Map(entries.map((e) => [e.name.toLowerCase(), e]));
  const part = (name: string): ZipEntry | null => byName.get(name.toLowerCase()) ?? null;
  const text = (e: ZipEntry): string => {
    // the package's own parts are read whole: kilobytes in any real file (a bloated styles part: a few megabytes)
    if (e.size > MAX_PART_BYTES) throw refuseFile('excel.resave');
    return inflateSmall(bytes, e).toString('utf8');
  };

  // an Office package whose main part is a workbook in XML (.xlsx, .xlsm; not .docx, not the binary .xlsb)
  const types = part('[Content_Types].xml');
  if (!types) throw refuseFile('excel.notXlsx');
  const rootRels = part('_rels/.rels');
  const main = rootRels
    ? [...relsOf(text(rootRels), '').values()].find((r) => relType(r, 'officeDocument'))?.target
    : undefined;
  const bookEntry = part(main ?? 'xl/workbook.xml');
  if (!bookEntry) throw refuseFile('excel.notXlsx');
  // the main part's content type: a workbook (or template, macro-enabled or not) in XML — not .xlsb, .docx, .pptx
  const typesXml = text(types);
  const override = elements(typesXml, 'Override').find(
    (o) => (o.get('PartName') ?? '').replace(/^\//, '').toLowerCase() === bookEntry.name.toLowerCase(),
  );
  const mainType = override?.get('ContentType') ?? '';
  const isWorkbook = override
    ? /(spreadsheetml|ms-excel)\.(sheet|template)(\.macroEnabled)?\.main\+xml$/i.test(mainType)
    : /spreadsheetml/i.test(typesXml) && bookEntry.name.toLowerCase().endsWith('.xml');
  if (!isWorkbook) throw refuseFile('excel.notXlsx');

  const book = text(bookEntry);
  const bookRelsEntry = part(resolvePart(bookEntry.name, `_rels/${bookEntry.name.split('/').pop()!}.rels`));
  const rels = bookRelsEntry ? relsOf(text(bookRelsEntry), bookEntry.name) : new Map<string, Rel>();
  const pr = elements(book, 'workbookPr')[0];
  const date1904 = ['1', 'true'].includes((pr?.get('date1904') ?? '').trim().toLowerCase());

  const sheets: SheetPart[] = [];
  for (const s of elements(book, 'sheet')) {
    const rel = rels.get(s.get('r:id') ?? '');
    if (!relType(rel, 'worksheet')) continue; // chart, dialog and macro sheets hold no rows
    const entry = part(rel!.target);
    if (!entry) throw damaged();
    const state = s.get('state');
    sheets.push({
      name: s.get('name') ?? '',
      index: sheets.length + 1,
      state: state === 'hidden' || state === 'veryHidden' ? state : 'visible',
      dimension: null,
      rowCount: 0,
      entry,
      scan: new SheetScan(),
      nonAscii: false,
    });
  }
  const sharedStringsRel = [...rels.values()].find((r) => relType(r, 'sharedStrings'));
  const sharedStrings = sharedStringsRel ? part(sharedStringsRel.target) : null;
  const stylesRel = [...rels.values()].find((r) => relType(r, 'styles'));
  const stylesEntry = stylesRel ? part(stylesRel.target) : null;

  // every member inflated once against its CRC; the sheets' XML noted on the way
  const scans = new Map(sheets.map((s) => [s.entry, s.scan]));
  const rootOf = new Map<ZipEntry, string | null>();
  const phonetic = new Patterns(MISREAD_IN_STRINGS);
  // parts holding a byte ≥ 0x80 (non-ASCII text): only they go to exceljs re-encoded (AsciiXml), the others as they are
  const nonAscii = new Set<ZipEntry>();
  const noteText = (e: ZipEntry, chunk: Buffer) => {
    if (!nonAscii.has(e) && NON_ASCII.test(chunk.toString('latin1'))) nonAscii.add(e);
  };
  const verify = (e: ZipEntry): Promise<void> => {
    if (opts.signal?.aborted) return Promise.reject(new XlsxReadCancelled());
    const scan = scans.get(e);
    if (scan)
      return verifyEntry(bytes, e, (chunk) => {
        scan.feed(chunk);
        noteText(e, chunk);
      });
    if (e === sharedStrings)
      return verifyEntry(bytes, e, (chunk) => {
        if (!rootOf.has(e)) rootOf.set(e, rootPrefix(chunk.subarray(0, 4096).toString('utf8')));
        phonetic.feed(chunk);
        noteText(e, chunk);
      });
    return verifyEntry(bytes, e);
  };
  // largest first, a few at a time: zlib inflates on libuv's threads, so the sheet and its strings overlap
  const queue = [...entries].sort((a, b) => b.size - a.size);
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_INFLATES, queue.length) }, async () => {
      for (let e = queue.shift(); e; e = queue.shift())
        await verify(e).catch((err: unknown) => {
          queue.length = 0; // the first refusal is the answer: stop the other worker too
          throw err;
        });
    }),
  );
  // exceljs knows elements by their unprefixed names: a prefixed sheet would read as empty, prefixed strings as blank
  const stylesXml = stylesEntry ? text(stylesEntry) : null;
  const prefixed = [
    ...sheets.map((s) => s.scan.root),
    sharedStrings ? rootOf.get(sharedStrings) : '',
    stylesXml === null ? '' : rootPrefix(stylesXml),
  ];
  if (prefixed.some((p) => p === null)) throw damaged();
  if (prefixed.some((p) => p !== '')) throw refuseFile('excel.resave');
  for (const s of sheets) {
    s.dimension = s.scan.dimension();
    s.rowCount = s.scan.rows;
  }
  const patchedStyles = stylesXml === null ? null : stylesWithLocaleDates(stylesXml);
  const styles: StreamPart | null = !stylesEntry
    ? null
    : patchedStyles === null
      ? { name: 'xl/styles.xml', entry: stylesEntry }
      : { name: 'xl/styles.xml', content: Buffer.from(patchedStyles) };

  const strings: StreamPart = !sharedStrings
    ? { name: 'xl/sharedStrings.xml', content: EMPTY_SST }
    : !phonetic.found && !nonAscii.has(sharedStrings)
      ? { name: 'xl/sharedStrings.xml', entry: sharedStrings }
      : {
          name: 'xl/sharedStrings.xml',
          stream: () => {
            const raw = entryStream(bytes, sharedStrings);
            const stripped = phonetic.found ? raw.pipe(new PhoneticStripper()) : raw;
            return nonAscii.has(sharedStrings) ? stripped.pipe(new AsciiXml()) : stripped;
          },
        };
  for (const s of sheets) s.nonAscii = nonAscii.has(s.entry);
  const opened: Opened = { bytes, limits, date1904, sheets, strings, styles };
  const find = (name: string): SheetPart => {
    const s = sheets.find((x) => x.name === name);
    if (!s) throw refuseFile('excel.noSheet', { sheet: name, sheets: sheets.map((x) => x.name).join(', ') || '—' });
    return s;
  };
  return {
    sheets: sheets.map(({ name, index, state, dimension, rowCount }) => ({ name, index, state, dimension, rowCount })),
    date1904,
    rows: (sheet, readOpts = {}) => readRows(opened, find(sheet), readOpts),
    merges: (sheet) => find(sheet).scan.merges(),
  };
}

// ---------- reading rows ----------

/** Refuses a sheet whose dimension or row count already says it is too large: before any parsing. */
function checkSize(sheet: SheetPart, limits: XlsxLimits): void {
  const range = sheet.dimension ? rangeOf(sheet.dimension) : null;
  if ((range && range.bottom > limits.maxRows) || sheet.rowCount > limits.maxRows)
    throw refuseFile('excel.tooManyRows', { sheet: sheet.name, max: limits.maxRows });
  if (range && range.right > limits.maxColumns)
    throw refuseFile('excel.tooManyColumns', {
      sheet: sheet.name,
      max: limits.maxColumns,
      column: columnLetter(limits.maxColumns),
    });
}

/**
 * Waits on exceljs with a watchdog: a cancel (AbortSignal) rejects the wait at once, and so does a silence longer than
 * stallMs (damaged data that slipped past the checks must never hang an import).
 */
class Watchdog {
  private pending: ((err: AppError) => void) | null = null;
  private since = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => this.pending?.(new XlsxReadCancelled());

  constructor(
    private readonly signal: AbortSignal | undefined,
    stallMs: number,
  ) {
    this.timer = setInterval(
      () => {
        if (this.pending && Date.now() - this.since > stallMs) this.pending(damaged());
      },
      Math.min(1000, stallMs),
    );
    this.timer.unref();
    signal?.addEventListener('abort', this.onAbort);
  }

  wait<T>(p: Promise<T>): Promise<T> {
    if (this.signal?.aborted) return Promise.reject(new XlsxReadCancelled());
    this.since = Date.now();
    return new Promise<T>((resolve, reject) => {
      this.pending = reject;
      p.then(
        (v) => {
          this.pending = null;
          resolve(v);
        },
        (e: unknown) => {
          this.pending = null;
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.pending = null;
  }
}

/** What WorksheetReader.parse() yields, a parsed chunk of the sheet at a time. */
interface SheetEvent {
  eventType: string;
  value: unknown;
}

async function* readRows(book: Opened, sheet: SheetPart, opts: ReadOptions): AsyncGenerator<XlsxRow> {
  const { limits } = book;
  checkSize(sheet, limits);
  if (opts.signal?.aborted) throw new XlsxReadCancelled();
  const parts: StreamPart[] = [
    { name: 'xl/workbook.xml', content: bookXml(book.date1904) },
    { name: 'xl/_rels/workbook.xml.rels', content: EMPTY_RELS },
    book.strings,
    ...(book.styles ? [book.styles] : []),
    // inline strings and formulas hold text too: re-encoded like the shared strings when they are not ASCII
    !sheet.scan.needsRewrite.found && !sheet.nonAscii
      ? { name: 'xl/worksheets/sheet1.xml', entry: sheet.entry }
      : {
          name: 'xl/worksheets/sheet1.xml',
          stream: () => {
            const raw = entryStream(book.bytes, sheet.entry);
            const rewritten = sheet.scan.needsRewrite.found ? raw.pipe(new CellRewriter()) : raw;
            return sheet.nonAscii ? rewritten.pipe(new AsciiXml()) : rewritten;
          },
        },
  ];
  const input = zipStream(book.bytes, parts);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const fill = opts.mergedCells === 'fill' ? new MergeFill(sheet.scan.merges()) : null;
  const watchdog = new Watchdog(opts.signal, opts.stallMs ?? DEFAULT_STALL_MS);
  const sheetsIt = reader[Symbol.asyncIterator]();
  let batches: AsyncIterator<SheetEvent[]> | null = null;
  try {
    const first = await watchdog.wait(sheetsIt.next());
    if (first.done) throw damaged();
    // the sheet's events a parsed chunk at a time (its row iterator wraps each row in a promise of its own)
    batches = first.value.parse() as AsyncIterator<SheetEvent[]>;
    for (;;) {
      const next = await watchdog.wait(batches.next());
      if (next.done) break;
      for (const event of next.value) {
        if (event.eventType !== 'row') continue;
        const row = event.value as ExcelJS.Row;
        // a row without its number (r="…" is optional in the format, exceljs needs it): the writer was not Excel
        if (!(row.number >= 1)) throw refuseFile('excel.resave');
        if (row.number > limits.maxRows)
          throw refuseFile('excel.tooManyRows', { sheet: sheet.name, max: limits.maxRows });
        const cells = cellsOf(row, book.date1904, limits.maxColumns, sheet.name);
        yield { number: row.number, cells: fill ? fill.apply(row.number, cells) : cells };
        if (opts.signal?.aborted) throw new XlsxReadCancelled();
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // the bytes are whole (the pre-check): what exceljs or its XML parser cannot read was written unlike Excel does
    throw refuseFile('excel.resave');
  } finally {
    watchdog.stop();
    // let exceljs's generators unwind without waiting on them (one may be stuck on a stalled stream)
    void batches?.return?.(undefined).catch(() => undefined);
    void sheetsIt.return(undefined).catch(() => undefined);
    input.destroy();
  }
}

// ---------- cells ----------

/** one shared object: a sparse row makes many (Cell is read-only data) */
const EMPTY: Cell = Object.freeze({ kind: 'empty' });

const DAY_S = 86_400;
/** Excel's day 0, in days from 1970-01-01: 1899-12-30 (1900 system, from serial 61 on) and 1904-01-01 */
const DAY0_1900 = -25_569;
const DAY0_1904 = -24_107;

/** Days from 1970-01-01 → year, month, day (H. Hinnant's civil_from_days: no Date object on the hot path). */
function civil(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

/** exceljs's own test for a date format (lib/utils/utils.js isDateFmt), for formula results it leaves as numbers. */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * A date-formatted serial as calendar parts (UTC fields: Excel cells have no time zone), to the nearest second. Excel's
 * 1900 calendar counts a 29 February 1900 that never was: serials 1–59 are shown a day later than plain arithmetic
 * says (1 is 1900-01-01), serial 60 (that day) stays a number. A time alone (serial below 1) reads as day 0,
 * 1899-12-30, with its time — as exceljs reads it and as the date parser (dates.ts) recognises it.
 */
function dateCell(serial: number, date1904: boolean): Cell {
  if (!Number.isFinite(serial) || serial < 0) return { kind: 'number', value: serial };
  let day0 = DAY0_1900;
  if (serial >= 1 && date1904) day0 = DAY0_1904;
  else if (serial >= 1 && serial < 60) day0 = DAY0_1900 + 1;
  else if (serial >= 60 && serial < 61) return { kind: 'number', value: serial };
  const seconds = Math.round(serial * DAY_S);
  const days = Math.floor(seconds / DAY_S);
  const [year, month, dayOfMonth] = civil(day0 + days);
  if (year > 9999) return { kind: 'number', value: serial };
  const date = `${pad(year, 4)}-${pad(month)}-${pad(dayOfMonth)}`;
  const secs = seconds - days * DAY_S;
  if (secs === 0) return { kind: 'date', date };
  const [h, m, s] = [Math.floor(secs / 3600), Math.floor(secs / 60) % 60, secs % 60];
  return { kind: 'date', date, time: s === 0 ? `${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(s)}` };
}

/** The serial exceljs turned into this Date (it applies the workbook's date system; we fed it the right one). */
const serialOf = (d: Date, date1904: boolean): number =>
  d.getTime() / 1000 / DAY_S - (date1904 ? DAY0_1904 : DAY0_1900);

/**
 * Text as a cell shows it: Excel's _xHHHH_ escapes decoded (a CR is stored as _x000D_), line ends as \n, surrounding
 * white space (NBSP and the ideographic space too) trimmed; '' is an empty cell.
 */
function textCell(s: string): Cell {
  let t = s;
  if (t.includes('_x'))
    t = t.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
  t = t.trim();
  return t === '' ? EMPTY : { kind: 'text', text: t };
}

function numberCell(value: number, numFmt: string | undefined, date1904: boolean): Cell {
  if (Number.isNaN(value)) return EMPTY;
  return isDateFormat(numFmt) ? dateCell(value, date1904) : { kind: 'number', value };
}

/** exceljs's value of a cell as a Cell. */
export function toCell(value: unknown, numFmt: string | undefined, date1904: boolean): Cell {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return textCell(value);
  if (typeof value === 'number') return Number.isNaN(value) ? EMPTY : { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? EMPTY : dateCell(serialOf(value, date1904), date1904);
  if (typeof value !== 'object') return EMPTY;
  const o = value as Record<string, unknown>;
  if (typeof o.error === 'string') return { kind: 'error', error: o.error.trim() };
  if (Array.isArray(o.richText))
    return textCell(
      (o.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join(''),
    );
  if ('formula' in o || 'sharedFormula' in o) {
    const formula =
      typeof o.formula === 'string' ? o.formula : typeof o.sharedFormula === 'string' ? o.sharedFormula : '';
    const result = o.result;
    if (result === undefined || result === null) return { kind: 'formula', formula };
    // the streaming reader keeps a numeric result as parseFloat of its text: an error result (#DIV/0!) becomes NaN
    if (typeof result === 'number')
      return Number.isNaN(result) ? { kind: 'error', error: '#VALUE!' } : numberCell(result, numFmt, date1904);
    if (result instanceof Date) return toCell(result, numFmt, date1904);
    if (typeof result === 'object' && typeof (result as { error?: unknown }).error === 'string')
      return { kind: 'error', error: (result as { error: string }).error };
    return toCell(result, numFmt, date1904);
  }
  if (typeof o.text === 'string') return textCell(o.text); // a hyperlink: its text
  if (typeof o.text === 'object') return toCell(o.text, numFmt, date1904); // a hyperlink over rich text
  return EMPTY;
}

/** A row's cells, column A first, trailing empties left out; refuses a cell beyond maxColumns. */
function cellsOf(row: ExcelJS.Row, date1904: boolean, maxColumns: number, sheet: string): Cell[] {
  const cells: Cell[] = [];
  let last = 0;
  row.eachCell((cell, col) => {
    // a formula's value drops a falsy result (0, '', NaN): its result is read from the cell itself; its number
    // format says whether a number result is a date (exceljs converts only plain values)
    const c =
      cell.type === ExcelJS.ValueType.Formula
        ? toCell({ formula: cell.formula ?? '', result: cell.result }, cell.numFmt, date1904)
        : toCell(cell.value, undefined, date1904);
    if (c.kind === 'empty') return;
    if (col > maxColumns)
      throw refuseFile('excel.tooManyColumns', { sheet, max: maxColumns, column: columnLetter(maxColumns) });
    for (let i = last + 1; i < col; i++) cells.push(EMPTY);
    cells.push(c);
    last = col;
  });
  return cells;
}

/** Fills each merged range's cells with its top-left cell, row by row (a range's first row may be the only one). */
class MergeFill {
  private readonly anchors = new Map<MergeRange, Cell>();
  private next = 0;
  private active: MergeRange[] = [];

  constructor(private readonly ranges: MergeRange[]) {}

  apply(rowNumber: number, cells: Cell[]): Cell[] {
    while (this.next < this.ranges.length && this.ranges[this.next]!.top <= rowNumber)
      this.active.push(this.ranges[this.next++]!);
    this.active = this.active.filter((r) => r.bottom >= rowNumber);
    if (this.active.length === 0) return cells;
    const out = [...cells];
    for (const r of this.active) {
      if (r.top === rowNumber) this.anchors.set(r, out[r.left - 1] ?? EMPTY);
      const anchor = this.anchors.get(r);
      if (!anchor || anchor.kind === 'empty') continue;
      for (let c = r.left; c <= r.right; c++) {
        if (c === r.left && r.top === rowNumber) continue;
        while (out.length < c) out.push(EMPTY);
        out[c - 1] = anchor;
      }
    }
    return out;
  }
}
