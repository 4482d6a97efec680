/**
 * The fields an import reads, and a cell → typed value for each: text, whole numbers, dates (every form DOMAIN.md lists,
 * via excel/dates.ts), instants in the site's zone, code lists (code, English or Chinese label, synonyms: excel/codes.ts),
 * yes/no, and lists of codes in one cell ("死亡；住院"). A blank cell is null unless the field is required.
 */
import { cellDisplay, type Cell } from '../../../excel/cell';
import { matchCode, type CodeList, type Lang } from '../../../excel/codes';
import { parseDate, parseDateTime, refuseNonValue, type Refusal } from '../../../excel/dates';
import type { HeaderField } from '../../../excel/headers';
import { originalText } from '../../../excel/write';
import { codeHeader } from '../layout';
import { YES_NO } from '../vocab';

export type FieldType = 'text' | 'integer' | 'date' | 'partialDate' | 'datetime' | 'code' | 'yesNo' | 'codes';
export type FieldValue = string | number | boolean | string[] | null;

export interface FieldSpec extends HeaderField {
  type: FieldType;
  codes?: CodeList;
  /** text: at most this many characters */
  max?: number;
  /** in the blank template: what to type (the header's comment), and the example row's value */
  template?: { zh: string; en: string; example: string | number | null };
}

/** One sheet an import reads: how its tab may be named, and its fields. */
export interface SheetSpec {
  key: string;
  /** tab names that identify it (any case / width); the first sheet is taken when the workbook has one sheet only */
  names: readonly string[];
  fields: readonly FieldSpec[];
  /** a workbook may leave it out (an SDTM delivery without AE, a study already holding its schedule) */
  optional?: boolean;
}

export interface ParseOptions {
  lang: Lang;
  date1904: boolean;
  dayMonthOrder: 'dmy' | 'mdy' | null;
  utcOffsetMinutes: number;
}

export type ParsedCell = { ok: true; value: FieldValue } | Refusal;

const isBlank = (cell: Cell): boolean => cell.kind === 'empty' || (cell.kind === 'text' && cell.text.trim() === '');
const refuse = (cell: Cell, key: string, extra?: Record<string, string | number>): Refusal => ({
  ok: false,
  key,
  params: { value: cellDisplay(cell), ...extra },
});
/** the separators people put between codes in one cell */
const LIST_SEPARATORS = /[;；、,，/|\n]+/;

export function parseField(cell: Cell, spec: FieldSpec, opts: ParseOptions): ParsedCell {
  if (isBlank(cell)) return spec.required ? refuse(cell, 'validation.required') : { ok: true, value: null };
  const nonValue = refuseNonValue(cell);
  if (nonValue) return nonValue;
  switch (spec.type) {
    case 'text': {
      // our own exports put a quote before text a spreadsheet could take for a formula: read back, it goes
      const text = originalText(cellDisplay(cell).trim());
      if (spec.max !== undefined && text.length > spec.max)
        return refuse(cell, 'validation.maxLength', { max: spec.max });
      return { ok: true, value: text };
    }
    case 'integer': {
      const n = cell.kind === 'number' ? cell.value : Number(cellDisplay(cell).trim());
      return Number.isInteger(n) ? { ok: true, value: n } : refuse(cell, 'excel.notAWholeNumber');
    }
    case 'date':
    case 'partialDate': {
      const r = parseDate(cell, {
        allowPartial: spec.type === 'partialDate',
        date1904: opts.date1904,
        dayMonthOrder: opts.dayMonthOrder ?? undefined,
      });
      return r.ok ? { ok: true, value: r.value } : r;
    }
    case 'datetime': {
      const r = parseDateTime(cell, {
        date1904: opts.date1904,
        dayMonthOrder: opts.dayMonthOrder ?? undefined,
        utcOffsetMinutes: opts.utcOffsetMinutes,
      });
      return r.ok ? { ok: true, value: r.value } : r;
    }
    case 'code': {
      const r = matchCode(cell, spec.codes!, opts.lang);
      return r.ok ? { ok: true, value: r.code } : r;
    }
    case 'yesNo': {
      const r = matchCode(cell, YES_NO, opts.lang);
      return r.ok ? { ok: true, value: r.code === 'Y' } : r;
    }
    case 'codes': {
      const codes: string[] = [];
      for (const part of cellDisplay(cell).split(LIST_SEPARATORS)) {
        if (part.trim() === '') continue;
        const r = matchCode({ kind: 'text', text: part.trim() }, spec.codes!, opts.lang);
        if (!r.ok) return { ...r, params: { ...r.params, value: cellDisplay(cell) } };
        if (!codes.includes(r.code)) codes.push(r.code);
      }
      return { ok: true, value: codes };
    }
  }
}

/** A coded field and its code column, as our exports write them ("转归" and "转归（代码）"). */
export const coded = (f: FieldSpec): FieldSpec[] => [
  f,
  { field: `${f.field}Code`, zh: codeHeader(f.zh, 'zh-CN'), en: codeHeader(f.en, 'en'), type: f.type, codes: f.codes },
];

/** A coded field's value: its code column's when the file has one, else its label column's. */
export function codeOrLabel(v: Readonly<Record<string, FieldValue>>, field: string): FieldValue {
  const code = v[`${field}Code`];
  return code !== undefined && code !== null ? code : (v[field] ?? null);
}

/** A typed value as trimmed text, null when blank. */
export const textOf = (x: FieldValue | undefined): string | null =>
  x === null || x === undefined || x === '' ? null : Array.isArray(x) ? x.join(';') : String(x).trim();
