/**
 * A sheet's layout, written once and used both ways: an export writes its columns (headers in the workbook's language,
 * a code column alongside each coded one) and an import recognises the same headers (Chinese, English, the code
 * column's name) — so our own workbook always reads back.
 */
import type { CodeList, Lang } from '../../excel/codes';
import { codeLabel } from '../../excel/codes';
import { sheet, type Sheet } from '../../excel/write';

export type ColumnKind = 'text' | 'integer' | 'date' | 'datetime' | 'bool';
/** dates as 'YYYY-MM-DD', instants as UTC ISO text, Y/N as booleans: the writer makes them real cells */
export type ColumnValue = string | number | boolean | null;

export interface Column<R> {
  /** the record's field (also the audit trail's name for it: the change log keeps only exported fields) */
  key: string;
  zh: string;
  en: string;
  kind: ColumnKind;
  /** characters; the writer's estimate when absent */
  width?: number;
  value: (row: R) => ColumnValue;
  /** a coded column: the label in the workbook's language, and the code in a column of its own beside it */
  codes?: CodeList;
}

export interface SheetLayout<R> {
  key: string;
  zh: string;
  en: string;
  columns: readonly Column<R>[];
}

/** One column as the writer sees it. */
export interface FlatColumn<R> {
  key: string;
  header: string;
  kind: ColumnKind;
  width?: number;
  value: (row: R) => ColumnValue;
  /** the dropdown of a coded label column */
  list?: string[];
}

/** The code column's header: no brackets, which header matching reads as a note ("转归（代码）" would be "转归"). */
export const codeHeader = (header: string, lang: Lang): string =>
  lang === 'zh-CN' ? `${header}代码` : `${header} code`;

/** The layout's columns in a language, each coded column followed by its code column. */
export function flatColumns<R>(layout: SheetLayout<R>, lang: Lang): FlatColumn<R>[] {
  return layout.columns.flatMap((c): FlatColumn<R>[] => {
    const header = lang === 'zh-CN' ? c.zh : c.en;
    const codes = c.codes;
    if (!codes) return [{ key: c.key, header, kind: c.kind, width: c.width, value: c.value }];
    return [
      {
        key: c.key,
        header,
        kind: 'text',
        width: c.width,
        list: codes.entries.map((e) => (lang === 'zh-CN' ? e.zh : e.en)),
        value: (r) => {
          const code = c.value(r);
          return code === null ? null : codeLabel(codes, String(code), lang);
        },
      },
      { key: `${c.key}Code`, header: codeHeader(header, lang), kind: 'text', value: c.value },
    ];
  });
}

/** A layout and its rows (read lazily, when the writer reaches the sheet). */
export interface SheetSource<R> {
  layout: SheetLayout<R>;
  rows: Iterable<R>;
}

/** The writer's sheet of a layout, in a language. */
export function toSheet<R>(source: SheetSource<R>, lang: Lang): Sheet {
  return sheet({
    name: lang === 'zh-CN' ? source.layout.zh : source.layout.en,
    columns: flatColumns(source.layout, lang),
    rows: source.rows,
  });
}

/** Rows read only when iterated (a sheet's query runs when the writer reaches that sheet, not when it is listed). */
export const lazy = <R>(read: () => Iterable<R>): Iterable<R> => ({
  [Symbol.iterator]: () => read()[Symbol.iterator](),
});
