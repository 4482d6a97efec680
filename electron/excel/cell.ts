/**
 * A cell as an import sees it, whatever the workbook made of it: the reader (read.ts) turns exceljs's values into these,
 * and the parsers of dates, numbers and code lists (dates.ts, codes.ts) take them. One shape so that no rule downstream
 * has to know exceljs.
 */
export type Cell =
  | { kind: 'empty' }
  /** shared or inline string, rich text (runs joined), a hyperlink's text, a formula's cached text result */
  | { kind: 'text'; text: string }
  /** a number not formatted as a date (it may still be an Excel serial date: the column's parser decides) */
  | { kind: 'number'; value: number }
  /**
   * A date-formatted cell, as its calendar parts (Excel cells have no time zone: never read through local time).
   * `time` only when the cell holds a time of day other than midnight.
   */
  | { kind: 'date'; date: string; time?: string }
  | { kind: 'bool'; value: boolean }
  /** an error value (#N/A, #REF!, #DIV/0! …) */
  | { kind: 'error'; error: string }
  /** a formula the file holds without a cached result (the workbook was never calculated) */
  | { kind: 'formula'; formula: string };

/** Where a cell is, as the user sees it: the sheet's name, the row number (1-based) and the column letter. */
export interface CellAt {
  sheet: string;
  row: number;
  column: string;
}

/** 1 → A, 27 → AA, 16384 → XFD. */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The cell as one line of text for a report ("value" of a rejection), whatever its kind. */
export function cellDisplay(cell: Cell): string {
  switch (cell.kind) {
    case 'empty':
      return '';
    case 'text':
      return cell.text;
    case 'number':
      return String(cell.value);
    case 'date':
      return cell.time ? `${cell.date} ${cell.time}` : cell.date;
    case 'bool':
      return cell.value ? 'TRUE' : 'FALSE';
    case 'error':
      return cell.error;
    case 'formula':
      return `=${cell.formula}`;
  }
}
