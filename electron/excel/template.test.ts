import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cell } from './cell';
import { findAll, openPackage, packageProblems, parseXml, sheetParts } from './inspect';
import {
  EXAMPLE_ROW,
  isExampleRow,
  TEMPLATE_INPUT_ROWS,
  templateWorkbook,
  writeTemplate,
  type TemplateColumn,
  type TemplateSpec,
} from './template';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialdesk-template-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const centers = Array.from({ length: 40 }, (_, i) => `${String(i + 1).padStart(2, '0')} 中心, 第${i + 1}医院`);

const subjectColumns: TemplateColumn[] = [
  { header: '受试者编号', note: '中心内唯一的编号，如 001', required: true, kind: 'text', example: '001' },
  { header: '中心', note: '受试者所在中心', required: true, kind: 'text', list: centers, example: centers[0]! },
  { header: '性别', note: '男 或 女', required: true, kind: 'text', list: ['男', '女'], example: '女' },
  { header: '筛选日期', note: 'YYYY-MM-DD 格式日期', required: true, kind: 'date', example: '2024-03-05' },
  {
    header: '知情同意时间',
    note: 'YYYY-MM-DD HH:MM',
    required: false,
    kind: 'datetime',
    example: '2024-03-05T09:30',
  },
  { header: '年龄', note: '周岁', required: false, kind: 'integer', example: 45 },
  { header: '体重', note: '千克，可有小数', required: false, kind: 'number', example: 62.5 },
  { header: '是否入组', note: 'TRUE 或 FALSE', required: false, kind: 'bool', example: true },
  { header: '姓名缩写', note: '2–4 个字母', required: false, kind: 'text', example: '=ZL' },
  { header: '备注', note: '可不填', required: false, kind: 'text', example: null },
];

const visitColumns: TemplateColumn[] = [
  { header: '受试者编号', note: '与受试者表一致', required: true, kind: 'text', example: '001' },
  { header: '访视', note: '访视名称', required: true, kind: 'text', list: ['筛选期', 'V1', 'V2'], example: 'V1' },
  { header: '实际日期', note: 'YYYY-MM-DD 格式日期', required: false, kind: 'date', example: '2024-03-12' },
];

const spec: TemplateSpec = {
  lang: 'zh-CN',
  title: '受试者与访视导入模板',
  creator: 'TrialDesk',
  now: new Date('2026-03-05T08:00:00.000Z'),
  sheets: [
    { name: '受试者', columns: subjectColumns },
    { name: '访视', columns: visitColumns },
  ],
};

async function load(bytes: Buffer | string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  if (typeof bytes === 'string') await wb.xlsx.readFile(bytes);
  else await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

/** What the reader makes of an exceljs value (zone-less calendar parts for dates), for the example-row check. */
function asCell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v === 'string') return { kind: 'text', text: v };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v instanceof Date) {
    const iso = v.toISOString();
    const time = iso.slice(11, 19);
    return time === '00:00:00'
      ? { kind: 'date', date: iso.slice(0, 10) }
      : { kind: 'date', date: iso.slice(0, 10), time };
  }
  throw new Error(`unexpected cell value ${JSON.stringify(v)}`);
}

function rowCells(ws: ExcelJS.Worksheet, row: number, count: number): Cell[] {
  return Array.from({ length: count }, (_, i) => asCell(ws.getRow(row).getCell(i + 1).value));
}

describe('writeTemplate', () => {
  const target = path.join(dir, '受试者导入模板.xlsx');

  it('writes headers with notes, required marks, an example row, dropdowns and formats down the sheet', async () => {
    const { sheets } = await writeTemplate(target, spec);
    expect(sheets).toEqual(['受试者', '访视']);
    expect(fs.existsSync(`${target}.part`)).toBe(false);

    const wb = await load(target);
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['说明', 'visible'],
      ['受试者', 'visible'],
      ['访视', 'visible'],
      ['lists', 'hidden'],
    ]);
    const ws = wb.getWorksheet('受试者')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toEqual([
      undefined,
      '*受试者编号',
      '*中心',
      '*性别',
      '*筛选日期',
      '知情同意时间',
      '年龄',
      '体重',
      '是否入组',
      '姓名缩写',
      '备注',
    ]);
    const h1 = ws.getCell('A1');
    expect(h1.font).toMatchObject({ bold: true, color: { argb: 'FFC00000' } });
    expect(ws.getCell('E1').font?.bold).toBe(true);
    expect(ws.getCell('E1').font?.color).toBeUndefined();
    // every header has its note; required ones say so first
    expect(h1.note).toBe('【必填】中心内唯一的编号，如 001');
    expect(ws.getCell('F1').note).toBe('周岁');
    for (let c = 1; c <= subjectColumns.length; c++) expect(ws.getRow(1).getCell(c).note).toBeTruthy();

    // the example row: typed values, italic grey
    const ex = ws.getRow(EXAMPLE_ROW);
    expect(ex.getCell(1).value).toBe('001');
    expect(ex.getCell(2).value).toBe(centers[0]);
    expect(ex.getCell(4).value).toEqual(new Date('2024-03-05T00:00:00.000Z'));
    expect(ex.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(ex.getCell(5).value).toEqual(new Date('2024-03-05T09:30:00.000Z'));
    expect(ex.getCell(5).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(ex.getCell(6).value).toBe(45);
    expect(ex.getCell(7).value).toBe(62.5);
    expect(ex.getCell(8).value).toBe(true);
    expect(ex.getCell(9).value).toBe("'=ZL"); // neutralised like any text
    expect(ex.getCell(10).value).toBeNull();
    for (let c = 1; c <= subjectColumns.length; c++) {
      expect(ex.getCell(c).font).toMatchObject({ italic: true, color: { argb: 'FF808080' } });
    }
    expect(ws.rowCount).toBe(EXAMPLE_ROW);

    // formats for what the user types below: dates as dates, text as text (001 stays 001)
    expect(ws.getColumn(1).numFmt).toBe('@');
    expect(ws.getColumn(4).numFmt).toBe('yyyy-mm-dd');

    // dropdowns from the example row down to the last input row
    const last = TEMPLATE_INPUT_ROWS + 1;
    const model = (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } })
      .dataValidations.model;
    // exceljs reads a range validation back cell by cell
    expect(model.C2).toMatchObject({ type: 'list', formulae: ['"男,女"'] });
    expect(model[`C${last}`]).toMatchObject({ type: 'list', formulae: ['"男,女"'] });
    expect(model[`C${last + 1}`]).toBeUndefined();
    expect(model.B2).toMatchObject({ type: 'list', formulae: [`'lists'!$A$1:$A$40`] });
    expect(model.A2).toBeUndefined();
    const visitModel = (
      wb.getWorksheet('访视') as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }
    ).dataValidations.model;
    expect(visitModel[`B${last}`]).toMatchObject({ type: 'list', formulae: ['"筛选期,V1,V2"'] });
    expect(wb.getWorksheet('lists')!.getColumn(1).values.slice(1)).toEqual(centers);
  });

  it('explains every column on the instructions sheet', async () => {
    const wb = await load(target);
    const ws = wb.getWorksheet('说明')!;
    expect(ws.getCell('A1').value).toBe('受试者与访视导入模板');
    const rows: string[][] = [];
    ws.eachRow((r) => rows.push(Array.from({ length: 7 }, (_, i) => r.getCell(i + 1).text)));
    const head = rows.findIndex((r) => r[0] === '工作表');
    expect(rows[head]).toEqual(['工作表', '列名', '必填', '说明', '格式', '可选值', '示例']);
    const table = rows.slice(head + 1);
    expect(table.length).toBe(subjectColumns.length + visitColumns.length);
    expect(table[0]).toEqual(['受试者', '*受试者编号', '是', '中心内唯一的编号，如 001', '文本', '', '001']);
    expect(table[2]).toEqual(['受试者', '*性别', '是', '男 或 女', '文本；从下拉列表中选择', '男、女', '女']);
    expect(table[3]![4]).toBe('日期（YYYY-MM-DD）');
    expect(table[8]![6]).toBe("'=ZL");
    expect(table[1]![5]).toBe(centers.join('、'));
    expect(table[10]).toEqual(['访视', '*受试者编号', '是', '与受试者表一致', '文本', '', '001']);
    expect(rows.some((r) => r[0]!.includes('第 2 行（灰色斜体）是示例'))).toBe(true);
  });

  it('checks out at the XML level: comments and VML drawing present and related, no formulas', async () => {
    const pkg = await openPackage(fs.readFileSync(target));
    expect(packageProblems(pkg)).toEqual([]);
    const parts = sheetParts(pkg);
    const subjects = parts.find((p) => p.name === '受试者')!;
    const rels = parseXml(pkg.parts.get(subjects.part.replace(/([^/]+)$/, '_rels/$1.rels'))!);
    const byType = new Map(
      findAll(rels, 'Relationship').map((r) => [r.attributes.Type!.split('/').pop(), r.attributes.Target!]),
    );
    const comments = parseXml(pkg.parts.get(byType.get('comments')!.replace('../', 'xl/'))!);
    expect(findAll(comments, 'comment').length).toBe(subjectColumns.length);
    const vml = pkg.parts.get(byType.get('vmlDrawing')!.replace('../', 'xl/'))!;
    expect(findAll(parseXml(vml), 'v:shape').length).toBe(subjectColumns.length);
    const sheet = parseXml(pkg.parts.get(subjects.part)!);
    expect(findAll(sheet, 'legacyDrawing').length).toBe(1);
    expect(findAll(sheet, 'dataValidation').map((d) => d.attributes.sqref)).toEqual([
      `B2:B${TEMPLATE_INPUT_ROWS + 1}`,
      `C2:C${TEMPLATE_INPUT_ROWS + 1}`,
    ]);
    const types = parseXml(pkg.parts.get('[Content_Types].xml')!);
    const typed = findAll(types, 'Override').map((o) => o.attributes.PartName);
    expect(typed).toContain(`/${byType.get('comments')!.replace('../', 'xl/')}`);
    expect(findAll(types, 'Default').map((d) => d.attributes.Extension)).toContain('vml');
    expect(parts.find((p) => p.name === 'lists')!.state).toBe('hidden');
  });

  it('the importer recognises the example row as written, and not once a cell is changed', async () => {
    const wb = await load(target);
    const ws = wb.getWorksheet('受试者')!;
    const cells = rowCells(ws, EXAMPLE_ROW, subjectColumns.length);
    expect(isExampleRow(subjectColumns, cells)).toBe(true);
    expect(isExampleRow(visitColumns, rowCells(wb.getWorksheet('访视')!, EXAMPLE_ROW, visitColumns.length))).toBe(true);

    const changed = (i: number, cell: Cell) => cells.map((c, j) => (j === i ? cell : c));
    expect(isExampleRow(subjectColumns, changed(0, { kind: 'text', text: '002' }))).toBe(false);
    expect(isExampleRow(subjectColumns, changed(3, { kind: 'date', date: '2024-03-06' }))).toBe(false);
    expect(isExampleRow(subjectColumns, changed(4, { kind: 'date', date: '2024-03-05', time: '09:31' }))).toBe(false);
    expect(isExampleRow(subjectColumns, changed(5, { kind: 'number', value: 46 }))).toBe(false);
    expect(isExampleRow(subjectColumns, changed(7, { kind: 'bool', value: false }))).toBe(false);
    expect(isExampleRow(subjectColumns, changed(9, { kind: 'text', text: '补充说明' }))).toBe(false);
    // the same values typed as text (or a program's text cells) are still the example
    expect(isExampleRow(subjectColumns, changed(5, { kind: 'text', text: '45' }))).toBe(true);
    expect(isExampleRow(subjectColumns, changed(3, { kind: 'text', text: '2024-03-05' }))).toBe(true);
    expect(isExampleRow(subjectColumns, changed(8, { kind: 'text', text: '=ZL' }))).toBe(true);
    expect(isExampleRow(subjectColumns, changed(4, { kind: 'date', date: '2024-03-05', time: '09:30:00' }))).toBe(true);
    // an empty row is not the example
    expect(isExampleRow(subjectColumns, [])).toBe(false);
  });

  it('writes an English template to a stream', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const { sheets } = await writeTemplate(sink, {
      lang: 'en',
      sheets: [{ name: 'Visits', columns: visitColumns.map((c) => ({ ...c, header: `${c.header} / en` })) }],
    });
    expect(sheets).toEqual(['Visits']);
    expect(sink.writableEnded).toBe(true);
    const bytes = Buffer.concat(chunks);
    expect(packageProblems(await openPackage(bytes))).toEqual([]);
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Instructions', 'Visits']); // short lists only: no lists sheet
    expect(wb.getWorksheet('Visits')!.getCell('A1').note).toBe('[Required] 与受试者表一致');
    const instructions = wb.getWorksheet('Instructions')!;
    const values: string[] = [];
    instructions.eachRow((r) => values.push(r.getCell(5).text));
    expect(values).toContain('Text; choose from the dropdown list');
    expect(values).toContain('Date (YYYY-MM-DD)');
  });

  it('templateWorkbook gives the bytes (a browser download)', async () => {
    const { bytes } = await templateWorkbook(spec);
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '受试者', '访视', 'lists']);
  });
});
