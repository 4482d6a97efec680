/**
 * Blank import templates, one per import kind, in Chinese or English: an instructions sheet listing every column (meaning,
 * format, allowed values, example), then one sheet per kind of row with
 * - the header row: each header with a comment saying what to type; required headers red, bold and marked "*" (headers.ts
 *   drops such marks when it matches headers, so the template's headers import as they are);
 * - one example row (row 2, italic grey). The importer recognises it by its values: a row whose cells are exactly the
 *   template's examples (`isExampleRow`) is skipped; once the user changes any of its cells it is data like any other;
 * - dropdowns for code-list columns and the columns' number formats (dates, text for numbers with leading zeros) down to
 *   row TEMPLATE_INPUT_ROWS + 1.
 * Templates are small: the non-streaming exceljs workbook writes them, with the same text and list rules as write.ts.
 */
import ExcelJS from 'exceljs';
import { columnLetter, type Cell } from './cell';
import {
  autoWidth,
  cellText,
  cleanText,
  columnStyle,
  dateCell,
  dateTimeCell,
  HEADER_STYLE,
  ListRegistry,
  LISTS_SHEET_NAME,
  sheetNames,
  toCell,
  validations,
  writeBytes,
  type ColumnKind,
  type WriteTarget,
} from './write';

export interface TemplateColumn {
  header: string;
  /** what to type, e.g. "YYYY-MM-DD 格式日期": the header's comment and the instructions sheet's description */
  note: string;
  required: boolean;
  kind: ColumnKind;
  /** allowed values: a dropdown, listed in the instructions */
  list?: readonly string[];
  /** the example row's value (dates 'YYYY-MM-DD', date-times without a zone 'YYYY-MM-DDTHH:MM'); null: left empty */
  example: string | number | boolean | null;
}

export interface TemplateSheet {
  name: string;
  columns: readonly TemplateColumn[];
}

export interface TemplateSpec {
  lang: 'zh-CN' | 'en';
  sheets: readonly TemplateSheet[];
  /** first line of the instructions sheet, e.g. "受试者导入模板" (default: a generic title) */
  title?: string;
  creator?: string;
  now?: Date;
}

/** the example row */
export const EXAMPLE_ROW = 2;
/** rows under the header that get the dropdowns and number formats */
export const TEMPLATE_INPUT_ROWS = 1000;

const TEXTS = {
  'zh-CN': {
    sheet: '说明',
    title: '导入模板填写说明',
    general: [
      '每个工作表的第 1 行是列名，请勿修改、删除或移动；红色且带 * 的列为必填。',
      '第 2 行（灰色斜体）是示例：原样保留时，导入会自动跳过这一行；可以直接改成真实数据，也可以整行删除。',
      '日期填写为 YYYY-MM-DD（如 2024-03-05），也可使用 Excel 的日期单元格；有下拉列表的列请从列表中选择（也接受代码或英文名称）。',
      '把鼠标停在列名上，可查看该列的填写说明。',
    ],
    columns: ['工作表', '列名', '必填', '说明', '格式', '可选值', '示例'],
    yes: '是',
    no: '否',
    required: '【必填】',
    listSeparator: '、',
    kinds: {
      text: '文本',
      integer: '整数',
      number: '数字',
      date: '日期（YYYY-MM-DD）',
      datetime: '日期时间（YYYY-MM-DD HH:MM）',
      bool: '是/否（TRUE 或 FALSE）',
    },
    fromList: '；从下拉列表中选择',
  },
  en: {
    sheet: 'Instructions',
    title: 'Import template: how to fill it in',
    general: [
      'Row 1 of each sheet holds the column names: do not change, delete or move them. Red columns marked * are required.',
      'Row 2 (grey italics) is an example: left as it is, the import skips it; overwrite it with real data or delete the row.',
      'Write dates as YYYY-MM-DD (e.g. 2024-03-05) or use Excel date cells; in columns with a dropdown, choose from the list (codes and Chinese names are accepted too).',
      'Hover over a column name to see how to fill in that column.',
    ],
    columns: ['Sheet', 'Column', 'Required', 'Meaning', 'Format', 'Allowed values', 'Example'],
    yes: 'Yes',
    no: 'No',
    required: '[Required] ',
    listSeparator: ', ',
    kinds: {
      text: 'Text',
      integer: 'Whole number',
      number: 'Number',
      date: 'Date (YYYY-MM-DD)',
      datetime: 'Date and time (YYYY-MM-DD HH:MM)',
      bool: 'Yes/no (TRUE or FALSE)',
    },
    fromList: '; choose from the dropdown list',
  },
} as const;

type Style = Partial<ExcelJS.Style>;
const REQUIRED_HEADER: Style = { ...HEADER_STYLE, font: { bold: true, color: { argb: 'FFC00000' } } };
const EXAMPLE_FONT: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF808080' } };
const FROZEN_HEADER: Partial<ExcelJS.WorksheetView> = { state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2' };

/** The header as the template writes it: "*" in front of a required one. */
export function templateHeader(c: Pick<TemplateColumn, 'header' | 'required'>): string {
  return c.required ? `*${c.header}` : c.header;
}

/** The template as .xlsx bytes. */
export async function templateWorkbook(spec: TemplateSpec): Promise<{ bytes: Buffer; sheets: string[] }> {
  const t = TEXTS[spec.lang];
  const wb = new ExcelJS.Workbook();
  wb.creator = cleanText(spec.creator ?? 'TrialDesk');
  wb.lastModifiedBy = wb.creator;
  wb.created = spec.now ?? new Date();
  wb.modified = wb.created;

  const [instructionsName, ...names] = sheetNames([t.sheet, ...spec.sheets.map((s) => s.name)]);
  const [listsName] = sheetNames([LISTS_SHEET_NAME], [instructionsName!, ...names]);
  const lists = new ListRegistry(listsName!);

  writeInstructions(wb.addWorksheet(instructionsName), spec, names);
  for (const [i, s] of spec.sheets.entries())
    writeSheet(wb.addWorksheet(names[i], { views: [FROZEN_HEADER] }), s, t, lists);
  if (lists.columns.length) {
    const ws = wb.addWorksheet(listsName, { state: 'hidden' });
    lists.columns.forEach((items, c) => items.forEach((item, r) => (ws.getCell(r + 1, c + 1).value = item)));
  }
  const bytes = Buffer.from(await wb.xlsx.writeBuffer());
  return { bytes, sheets: names };
}

/** Writes the template to a file path (through `<path>.part`) or a Writable; returns the data sheets' names. */
export async function writeTemplate(target: WriteTarget, spec: TemplateSpec): Promise<{ sheets: string[] }> {
  const { bytes, sheets } = await templateWorkbook(spec);
  await writeBytes(target, bytes);
  return { sheets };
}

function writeSheet(
  ws: ExcelJS.Worksheet,
  s: TemplateSheet,
  t: (typeof TEXTS)[keyof typeof TEXTS],
  lists: ListRegistry,
) {
  const { columns } = s;
  ws.columns = columns.map((c) => ({
    width: Math.max(10, autoWidth(c.kind, templateHeader(c), [c.example, ...(c.list ?? [])])),
    style: columnStyle(c),
  }));
  const header = ws.getRow(1);
  const example = ws.getRow(EXAMPLE_ROW);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = cellText(templateHeader(c));
    cell.style = c.required ? REQUIRED_HEADER : HEADER_STYLE;
    cell.note = cleanText(c.required ? `${t.required}${c.note}` : c.note);

    const [value, style] = toCell(c.kind, c.example, 0, columnStyle(c));
    const ex = example.getCell(i + 1);
    ex.style = { ...style, font: EXAMPLE_FONT };
    if (value !== undefined) ex.value = value;

    const validation = c.list ? lists.validation(c.list) : null;
    const col = columnLetter(i + 1);
    if (validation) validations(ws).add(`${col}${EXAMPLE_ROW}:${col}${TEMPLATE_INPUT_ROWS + 1}`, validation);
  });
}

function writeInstructions(ws: ExcelJS.Worksheet, spec: TemplateSpec, names: readonly string[]) {
  const t = TEXTS[spec.lang];
  ws.columns = [{ width: 18 }, { width: 22 }, { width: 8 }, { width: 44 }, { width: 28 }, { width: 40 }, { width: 20 }];
  const title = ws.addRow([cellText(spec.title ?? t.title)]);
  title.getCell(1).font = { bold: true, size: 14 };
  for (const line of t.general) ws.addRow([cellText(line)]);
  ws.addRow([]);
  const head = ws.addRow(t.columns.map(cellText));
  head.eachCell((cell) => (cell.style = HEADER_STYLE));
  for (const [i, s] of spec.sheets.entries()) {
    for (const c of s.columns) {
      const allowed = c.list?.length ? c.list.join(t.listSeparator) : '';
      const row = ws.addRow(
        [
          names[i],
          templateHeader(c),
          c.required ? t.yes : t.no,
          c.note,
          c.list?.length ? `${t.kinds[c.kind]}${t.fromList}` : t.kinds[c.kind],
          allowed,
          c.example === null ? '' : String(c.example),
        ].map((v) => cellText(v ?? '')),
      );
      row.alignment = { vertical: 'top', wrapText: true };
      if (c.required) row.getCell(2).font = { bold: true, color: { argb: 'FFC00000' } };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Recognising the example row on import

/**
 * True when the cells are exactly the template's example row: the importer skips it. `cells[i]` is the file's cell under
 * `columns[i]`'s header (the caller has matched headers to columns). A row with any cell changed is data.
 */
export function isExampleRow(
  columns: readonly Pick<TemplateColumn, 'kind' | 'example'>[],
  cells: readonly (Cell | undefined)[],
): boolean {
  return columns.every((c, i) => matchesExample(c, cells[i] ?? { kind: 'empty' }));
}

function matchesExample(c: Pick<TemplateColumn, 'kind' | 'example'>, cell: Cell): boolean {
  const ex = c.example;
  if (ex === null || ex === '') return cell.kind === 'empty' || (cell.kind === 'text' && cell.text.trim() === '');
  switch (cell.kind) {
    case 'text':
      return typeof ex === 'string' ? cell.text === cellText(ex) || cell.text === ex : cell.text === String(ex);
    case 'number':
      return cell.value === ex;
    case 'bool':
      return cell.value === ex;
    case 'date': {
      if (typeof ex !== 'string') return false;
      const when = c.kind === 'datetime' ? dateTimeCell(ex, 0) : dateCell(ex);
      if (!when) return false;
      const iso = when.toISOString();
      const time = (cell.time ?? '00:00:00').padEnd(8, ':00').slice(0, 8);
      return cell.date === iso.slice(0, 10) && time === iso.slice(11, 19);
    }
    default:
      return false;
  }
}
