/**
 * Finding the header row of an imported sheet and matching its columns to fields: in Chinese or English, with synonyms
 * and SDTM variable names, below title rows, under merged group titles, and through a saved per-sponsor mapping for
 * headers no dictionary knows.
 *
 * One normalisation (`headerKey`) serves the dictionary's names, the file's headers and the saved mappings' keys, so the
 * three always agree. It drops what people add around a name rather than what names it: case, full/half width, every
 * space and line break (Chinese has no word spaces; "Start date" = "StartDate"), _ - . separators, required marks
 * (受试者编号*, *Subject ID, 性别：) and bracketed units, formats and notes — "开始日期(YYYY-MM-DD)", "体重（kg）" and
 * "开始日期【必填】" match "开始日期" and "体重". A header that is nothing but a bracket keeps its content.
 */
import { cellDisplay, columnLetter, type Cell } from './cell';

export interface HeaderField {
  /** the caller's name for the field (a key of `columns`) */
  field: string;
  /** the names a template writes and a message shows */
  zh: string;
  en: string;
  /** other names people use for it, in either language */
  synonyms?: readonly string[];
  /** the SDTM variable, where one exists (USUBJID, AESTDTC) */
  sdtm?: string;
  required?: boolean;
}

export interface HeaderDictionary {
  fields: readonly HeaderField[];
}

/**
 * A sponsor's saved answers for headers no dictionary knows: headerKey(header text) → field, or null for "not needed"
 * (the column is ignored instead of reported as unknown). Plain JSON, stored per sponsor.
 */
export type HeaderMapping = Record<string, string | null>;

export interface HeaderColumn {
  /** 1-based */
  column: number;
  /** as the file has it (a merged cell's text where a merge covers it) */
  text: string;
  /** headerKey(text): what a saved mapping is keyed by */
  key: string;
}

export interface HeaderMatch {
  ok: true;
  /** 1-based row number of the header row */
  headerRow: number;
  /** field → 1-based column (the first one, when a field has several: see `duplicates`) */
  columns: Record<string, number>;
  /** headers that matched no field: the user maps them once (applyMapping) */
  unknown: HeaderColumn[];
  /** headers the saved mapping says are not needed */
  ignored: HeaderColumn[];
  /** required fields with no column */
  missingRequired: string[];
  /** fields found in more than one column (all of its columns, ascending): the file is ambiguous */
  duplicates: { field: string; columns: number[] }[];
  /** the dictionary's fields, for the mapping screen and for applyMapping */
  fields: readonly HeaderField[];
}

/** No header row, or two different rows equally good: the caller turns key + params into its message. */
export interface HeaderRowNotFound {
  ok: false;
  key: 'excel.noHeaderRow' | 'excel.ambiguousHeaderRow';
  params: Record<string, string | number>;
}

export interface FindHeaderOptions {
  /** the sheet's merged ranges: "A4:C4", or the reader's MergeRange objects (their `ref`); rows filled or not */
  merges?: readonly (string | { ref: string })[];
  /** the sponsor's saved mapping: its headers count as matches when the header row is sought */
  mapping?: HeaderMapping;
  /** take this 1-based row as the header row instead of searching (the user picked it) */
  headerRow?: number;
  /** the language of the names in a message's params (default zh-CN) */
  lang?: 'zh-CN' | 'en';
}

// ---------- normalisation ----------

// brackets of every kind, ASCII after NFKC: ( ) [ ] { } and the CJK 【】〔〕〖〗
const BRACKETED = /\([^()]*\)|\[[^[\]]*\]|\{[^{}]*\}|【[^【】]*】|〔[^〔〕]*〕|〖[^〖〗]*〗/g;
const BRACKET_CHARS = /[()[\]{}【】〔〕〖〗]/g;
const SPACES_AND_SEPARATORS = /[\s\u200B-\u200D\uFEFF_\-.·・]+/g;
const MARKS_AT_ENDS = /^[*:#※?!]+|[*:#※?!]+$/g;

/** The form headers are compared in (see the file's comment). */
export function headerKey(text: string): string {
  const s = text.normalize('NFKC').toLowerCase();
  let dropped = s;
  for (let before = ''; before !== dropped;) {
    before = dropped;
    dropped = dropped.replace(BRACKETED, '');
  }
  const key = squeeze(dropped);
  return key !== '' ? key : squeeze(s.replace(BRACKET_CHARS, ''));
}

const squeeze = (s: string): string => s.replace(SPACES_AND_SEPARATORS, '').replace(MARKS_AT_ENDS, '');

// ---------- the dictionary ----------

const compiled = new WeakMap<HeaderDictionary, Map<string, string>>();

/** headerKey(name) → field for every name of every field, built once per dictionary. Two fields sharing a name throw. */
function namesOf(dict: HeaderDictionary): Map<string, string> {
  let names = compiled.get(dict);
  if (names) return names;
  names = new Map();
  for (const f of dict.fields) {
    for (const name of [f.zh, f.en, f.sdtm ?? '', ...(f.synonyms ?? [])]) {
      const key = headerKey(name);
      if (key === '') continue;
      const other = names.get(key);
      if (other !== undefined && other !== f.field)
        throw new Error(`header dictionary: "${name}" names both ${other} and ${f.field}`);
      names.set(key, f.field);
    }
  }
  compiled.set(dict, names);
  return names;
}

/** A field's name in the user's language. */
const nameOf = (f: HeaderField, lang: 'zh-CN' | 'en'): string => (lang === 'en' ? f.en : f.zh);
const listSeparator = (lang: 'zh-CN' | 'en'): string => (lang === 'en' ? ', ' : '、');

// ---------- merged cells ----------

const RANGE = /^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$/;

function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + letters.charCodeAt(i) - 64;
  return n;
}

interface Grid {
  /** texts[row][col], 0-based, merged values filled down the first column of a merge */
  texts: string[][];
  /** the text of a merge spanning several columns, by "row,col" (0-based) of every cell it covers */
  groups: Map<string, string>;
}

function gridOf(rows: readonly (readonly Cell[])[], merges: readonly (string | { ref: string })[]): Grid {
  const texts = rows.map((row) => row.map((cell) => cellDisplay(cell).trim()));
  const groups = new Map<string, string>();
  for (const merge of merges) {
    const m = RANGE.exec((typeof merge === 'string' ? merge : merge.ref).toUpperCase());
    if (!m) continue;
    const [c1, r1, c2, r2] = [columnNumber(m[1]!) - 1, +m[2]! - 1, columnNumber(m[3]!) - 1, +m[4]! - 1];
    const text = texts[r1]?.[c1] ?? '';
    if (text === '') continue;
    for (let r = r1; r <= Math.min(r2, texts.length - 1); r++) {
      const row = texts[r]!;
      while (row.length <= c1) row.push('');
      // a vertical merge names each row it covers in its first column (where the data sits too)
      if (row[c1] === '') row[c1] = text;
      // the other columns of a wide merge are a group title, not headers of their own (rows the reader already filled
      // carry copies of it: they are cleared, so filled and unfilled rows read the same)
      for (let c = c1 + 1; c <= c2; c++) {
        if (row[c] === text) row[c] = '';
        groups.set(`${r},${c}`, text);
      }
      if (c2 > c1) groups.set(`${r},${c1}`, text);
    }
  }
  return { texts, groups };
}

// ---------- the header row ----------

interface RowReading {
  row: number;
  /** per 0-based column: the header, and its field, null for "ignored", undefined for unknown */
  cells: { header: HeaderColumn; field: string | null | undefined }[];
  score: number;
  signature: string;
}

function readRow(grid: Grid, r: number, lookup: (key: string) => string | null | undefined): RowReading {
  const cells: RowReading['cells'] = [];
  const fields = new Set<string>();
  const texts = grid.texts[r] ?? [];
  for (let c = 0; c < texts.length; c++) {
    const text = texts[c]!;
    if (text === '') continue;
    let key = headerKey(text);
    let field = lookup(key);
    // two-level headers: "不良事件" merged over "开始日期" / "结束日期" — the pair may name a field; else the lower name
    const group = r > 0 ? grid.groups.get(`${r - 1},${c}`) : undefined;
    if (group !== undefined && group !== text) {
      const pairKey = headerKey(group + text);
      const pairField = lookup(pairKey);
      if (pairField !== undefined) {
        key = pairKey;
        field = pairField;
      }
    }
    if (field) fields.add(field);
    cells.push({ header: { column: c + 1, text, key }, field });
  }
  const signature = cells
    .filter((x) => x.field)
    .map((x) => `${x.header.column}=${x.field}`)
    .join(';');
  return { row: r + 1, cells, score: fields.size, signature };
}

function matchOf(reading: RowReading, dict: HeaderDictionary): HeaderMatch {
  const byField = new Map<string, number[]>();
  const unknown: HeaderColumn[] = [];
  const ignored: HeaderColumn[] = [];
  for (const { header, field } of reading.cells) {
    if (field === undefined) unknown.push(header);
    else if (field === null) ignored.push(header);
    else byField.set(field, [...(byField.get(field) ?? []), header.column]);
  }
  const columns: Record<string, number> = {};
  const duplicates: HeaderMatch['duplicates'] = [];
  for (const [field, cols] of byField) {
    columns[field] = cols[0]!;
    if (cols.length > 1) duplicates.push({ field, columns: cols });
  }
  const missingRequired = dict.fields.filter((f) => f.required && !(f.field in columns)).map((f) => f.field);
  return {
    ok: true,
    headerRow: reading.row,
    columns,
    unknown,
    ignored,
    missingRequired,
    duplicates,
    fields: dict.fields,
  };
}

/**
 * The header row among the first rows of a sheet (rows[0] is row 1, rows[r][0] column A): the row with the most
 * dictionary (or saved-mapping) matches. Title rows above it, blank rows and group titles merged over several columns are
 * passed over; a header cell a vertical merge covers takes the merged text. Equal rows one under another (a two-row
 * header merged top to bottom) resolve to the lowest; two different rows equally good are refused as ambiguous.
 */
export function findHeaderRow(
  rows: readonly (readonly Cell[])[],
  dict: HeaderDictionary,
  opts: FindHeaderOptions = {},
): HeaderMatch | HeaderRowNotFound {
  const names = namesOf(dict);
  const known = new Set(dict.fields.map((f) => f.field));
  const mapping = opts.mapping ?? {};
  const lookup = (key: string): string | null | undefined => {
    const field = names.get(key);
    if (field !== undefined) return field;
    if (!Object.hasOwn(mapping, key)) return undefined;
    const mapped = mapping[key];
    // a mapping to a field this dictionary no longer has is stale: the column is unknown again
    return mapped === null || (mapped !== undefined && known.has(mapped)) ? mapped : undefined;
  };
  const grid = gridOf(rows, opts.merges ?? []);
  const lang = opts.lang ?? 'zh-CN';

  if (opts.headerRow !== undefined) return matchOf(readRow(grid, opts.headerRow - 1, lookup), dict);

  let best: RowReading | null = null;
  const rivals: number[] = [];
  for (let r = 0; r < grid.texts.length; r++) {
    const reading = readRow(grid, r, lookup);
    if (reading.score === 0) continue;
    if (!best || reading.score > best.score) {
      best = reading;
      rivals.length = 0;
    } else if (reading.score === best.score) {
      if (reading.signature === best.signature && reading.row === best.row + 1) best = reading;
      else if (reading.signature !== best.signature) rivals.push(reading.row);
      // the same header repeated further down is a data row for the caller to refuse, not a rival
    }
  }
  if (!best) {
    const wanted = dict.fields.some((f) => f.required) ? dict.fields.filter((f) => f.required) : dict.fields;
    return {
      ok: false,
      key: 'excel.noHeaderRow',
      params: { rows: grid.texts.length, expected: wanted.map((f) => nameOf(f, lang)).join(listSeparator(lang)) },
    };
  }
  if (rivals.length > 0)
    return {
      ok: false,
      key: 'excel.ambiguousHeaderRow',
      params: { rows: [best.row, ...rivals].sort((a, b) => a - b).join(', ') },
    };
  return matchOf(best, dict);
}

/**
 * The match with a saved mapping applied to its unknown headers (pure: returns a new match). Headers the dictionary
 * matched are left as they are; a mapping to a field the dictionary no longer has leaves the header unknown.
 */
export function applyMapping(found: HeaderMatch, mapping: HeaderMapping): HeaderMatch {
  const known = new Set(found.fields.map((f) => f.field));
  const columns = { ...found.columns };
  const duplicates = found.duplicates.map((d) => ({ field: d.field, columns: [...d.columns] }));
  const unknown: HeaderColumn[] = [];
  const ignored = [...found.ignored];
  for (const header of found.unknown) {
    const field = Object.hasOwn(mapping, header.key) ? mapping[header.key] : undefined;
    if (field === null) ignored.push(header);
    else if (field === undefined || !known.has(field)) unknown.push(header);
    else if (!(field in columns)) columns[field] = header.column;
    else {
      const dup = duplicates.find((d) => d.field === field);
      if (dup) dup.columns = [...dup.columns, header.column].sort((a, b) => a - b);
      else duplicates.push({ field, columns: [columns[field]!, header.column].sort((a, b) => a - b) });
      columns[field] = Math.min(columns[field]!, header.column);
    }
  }
  ignored.sort((a, b) => a.column - b.column);
  const missingRequired = found.missingRequired.filter((f) => !(f in columns));
  return { ...found, columns, unknown, ignored, missingRequired, duplicates };
}

/**
 * What makes a found header row unusable, as messages: required columns missing, a field in two columns. Unknown headers
 * are not among them (a sponsor's file may carry extra columns): the caller offers them for mapping.
 */
export function headerProblems(
  found: HeaderMatch,
  lang: 'zh-CN' | 'en' = 'zh-CN',
): { key: string; params: Record<string, string | number> }[] {
  const byField = new Map(found.fields.map((f) => [f.field, f]));
  const label = (field: string) => {
    const f = byField.get(field);
    return f ? nameOf(f, lang) : field;
  };
  const problems: { key: string; params: Record<string, string | number> }[] = [];
  if (found.missingRequired.length > 0)
    problems.push({
      key: 'excel.missingColumns',
      params: { row: found.headerRow, columns: found.missingRequired.map(label).join(listSeparator(lang)) },
    });
  for (const d of found.duplicates)
    problems.push({
      key: 'excel.duplicateColumn',
      params: { name: label(d.field), columns: d.columns.map(columnLetter).join(', ') },
    });
  return problems;
}
