/**
 * Header rows as sites and sponsors lay them out, in real workbooks (exceljs, written to a temp dir and read back): title
 * rows above, group titles merged over the headers, two-row headers, Chinese / English / SDTM names in any width or case
 * with required marks and bracketed formats; the refusals (no header row, two candidate rows, missing and duplicated
 * columns); and a sponsor's saved mapping, a plain JSON object, reused on the next file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import en from '../../renderer/i18n/en';
import zhCN from '../../renderer/i18n/zh-CN';
import type { Cell } from './cell';
import {
  applyMapping,
  findHeaderRow,
  headerKey,
  headerProblems,
  type HeaderDictionary,
  type HeaderMapping,
  type HeaderMatch,
} from './headers';

const DICT: HeaderDictionary = {
  fields: [
    {
      field: 'subjectNumber',
      zh: '受试者编号',
      en: 'Subject number',
      synonyms: ['Subject ID', '受试者号'],
      sdtm: 'SUBJID',
      required: true,
    },
    { field: 'sex', zh: '性别', en: 'Sex', sdtm: 'SEX', required: true },
    { field: 'birthDate', zh: '出生日期', en: 'Date of birth', synonyms: ['DOB'], sdtm: 'BRTHDTC' },
    { field: 'screeningDate', zh: '筛选日期', en: 'Screening date', required: true },
    { field: 'aeStart', zh: '开始日期', en: 'Start date', synonyms: ['AE start date'], sdtm: 'AESTDTC' },
    { field: 'aeEnd', zh: '结束日期', en: 'End date', sdtm: 'AEENDTC' },
    { field: 'treatmentStart', zh: '治疗开始日期', en: 'Treatment start date' },
  ],
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-headers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;

type Layout = { rows: (string | number | null)[][]; merges?: string[] };

/**
 * Writes the layout as a real .xlsx, reads it back with exceljs and returns the first rows as Cells with the sheet's
 * merges. `filled`: merged cells carry their range's value (as exceljs and the reader's fill mode give them); else
 * only the top-left cell does (as the file stores them).
 */
async function sheetOf(layout: Layout, filled = false): Promise<{ rows: Cell[][]; merges: string[] }> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  layout.rows.forEach((row, r) => row.forEach((v, c) => v !== null && (ws.getCell(r + 1, c + 1).value = v)));
  for (const m of layout.merges ?? []) ws.mergeCells(m);
  const file = path.join(tmp, `layout-${++files}.xlsx`);
  await wb.xlsx.writeFile(file);

  const back = new ExcelJS.Workbook();
  await back.xlsx.readFile(file);
  const sheet = back.getWorksheet('Sheet1')!;
  const rows: Cell[][] = [];
  for (let r = 1; r <= Math.min(sheet.rowCount, 30); r++) {
    const row: Cell[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) {
      const cell = sheet.getCell(r, c);
      const covered = cell.isMerged && cell.master.address !== cell.address;
      const v = covered && !filled ? null : cell.value;
      row.push(
        typeof v === 'string' && v.trim() !== ''
          ? { kind: 'text', text: v.trim() }
          : typeof v === 'number'
            ? { kind: 'number', value: v }
            : { kind: 'empty' },
      );
    }
    rows.push(row);
  }
  return { rows, merges: (sheet.model as { merges?: string[] }).merges ?? [] };
}

const found = (r: ReturnType<typeof findHeaderRow>): HeaderMatch => {
  if (!r.ok) throw new Error(`no header row: ${r.key} ${JSON.stringify(r.params)}`);
  return r;
};

describe('headerKey', () => {
  it('ignores case, width, spaces and line breaks, required marks and bracketed notes', () => {
    const same: [string, string][] = [
      ['受试者编号*', '受试者编号'],
      ['*受试者编号', '受试者编号'],
      ['受试者编号＊', '受试者编号'],
      ['受试者编号：', '受试者编号'],
      ['受试者编号:', '受试者编号'],
      ['受试者 编号', '受试者编号'],
      ['受试者\n编号', '受试者编号'],
      ['受试者\u00a0编号\u3000', '受试者编号'],
      ['受试者编号（必填）', '受试者编号'],
      ['开始日期(YYYY-MM-DD)', '开始日期'],
      ['开始日期（YYYY-MM-DD）', '开始日期'],
      ['开始日期\n(yyyy/mm/dd)', '开始日期'],
      ['开始日期【必填】', '开始日期'],
      ['体重（kg）', '体重'],
      ['体重[kg]', '体重'],
      ['ＳＵＢＪＥＣＴ　ＩＤ', 'subject id'],
      ['Subject_ID', 'SubjectID'],
      ['subject-id', 'Subject ID'],
      ['Pt. No.', 'PT NO'],
      ['Serious?', 'serious'],
      ['USUBJID', 'usubjid'],
    ];
    for (const [a, b] of same) expect(headerKey(a), `${a} = ${b}`).toBe(headerKey(b));
    expect(headerKey('受试者编号*')).toBe('受试者编号');
    expect(headerKey('Subject ID')).toBe('subjectid');
  });

  it('keeps what names the column apart, and the content of a header that is only a bracket', () => {
    expect(headerKey('开始日期')).not.toBe(headerKey('结束日期'));
    expect(headerKey('Start date')).not.toBe(headerKey('Start time'));
    expect(headerKey('(备注)')).toBe('备注');
    expect(headerKey('')).toBe('');
    expect(headerKey('  ')).toBe('');
  });
});

describe('findHeaderRow', () => {
  it('finds the headers below title rows and group titles merged over several columns', async () => {
    const sheet = await sheetOf({
      rows: [
        ['XX研究 筛选表'],
        [],
        ['中心：01'],
        ['受试者信息', null, null, '不良事件', null, '备注', null],
        ['受试者编号*', '性别', '出生日期(YYYY-MM-DD)', '开始日期', '结束日期', null, '筛选\n日期'],
        ['S001', '男', '1980-01-02', '2024-03-05', '2024-03-09', '', '2024-03-01'],
      ],
      merges: ['A1:G1', 'A4:C4', 'D4:E4', 'F4:F5'],
    });
    const match = found(findHeaderRow(sheet.rows, DICT, { merges: sheet.merges }));
    expect(match.headerRow).toBe(5);
    expect(match.columns).toEqual({
      subjectNumber: 1,
      sex: 2,
      birthDate: 3,
      aeStart: 4,
      aeEnd: 5,
      screeningDate: 7,
    });
    // the vertical merge F4:F5 names column F in the header row
    expect(match.unknown).toEqual([{ column: 6, text: '备注', key: '备注' }]);
    expect(match.missingRequired).toEqual([]);
    expect(match.duplicates).toEqual([]);
    expect(headerProblems(match)).toEqual([]);

    // read as exceljs (and the reader's fill mode) give merged cells — their range's value in every cell — it is the same
    const filled = await sheetOf(
      {
        rows: [
          ['XX研究 筛选表'],
          [],
          ['中心：01'],
          ['受试者信息', null, null, '不良事件', null, '备注', null],
          ['受试者编号*', '性别', '出生日期(YYYY-MM-DD)', '开始日期', '结束日期', null, '筛选\n日期'],
        ],
        merges: ['A1:G1', 'A4:C4', 'D4:E4', 'F4:F5'],
      },
      true,
    );
    expect(filled.rows[3]![1]).toEqual({ kind: 'text', text: '受试者信息' });
    expect(findHeaderRow(filled.rows, DICT, { merges: filled.merges })).toEqual(match);
  });

  it('resolves two-level headers to the lower name, or to the pair where the pair is a name', async () => {
    const sheet = await sheetOf({
      rows: [
        ['受试者编号', '治疗', null, '不良事件', null, '性别', '筛选日期'],
        [null, '开始日期', '剂量', '开始日期', '结束日期', null, null],
        ['S001', '2024-03-01', '10 mg', '2024-03-05', '2024-03-09', '女', '2024-02-20'],
      ],
      merges: ['A1:A2', 'B1:C1', 'D1:E1', 'F1:F2', 'G1:G2'],
    });
    const match = found(findHeaderRow(sheet.rows, DICT, { merges: sheet.merges }));
    expect(match.headerRow).toBe(2);
    expect(match.columns).toEqual({
      subjectNumber: 1,
      treatmentStart: 2, // 治疗 + 开始日期
      aeStart: 4, // 不良事件 + 开始日期 is no name: 开始日期
      aeEnd: 5,
      sex: 6,
      screeningDate: 7,
    });
    expect(match.unknown).toEqual([{ column: 3, text: '剂量', key: '剂量' }]);
    expect(match.duplicates).toEqual([]);
  });

  it('takes the lower row of a header merged over two rows, and the first of a header repeated further down', async () => {
    const tall = await sheetOf({
      rows: [['受试者编号', '性别', '筛选日期'], [], ['S001', 'M', '2024-03-01']],
      merges: ['A1:A2', 'B1:B2', 'C1:C2'],
    });
    expect(found(findHeaderRow(tall.rows, DICT, { merges: tall.merges })).headerRow).toBe(2);

    const repeated = await sheetOf({
      rows: [
        ['受试者编号', '性别', '筛选日期'],
        ['S001', 'M', '2024-03-01'],
        ['受试者编号', '性别', '筛选日期'],
        ['S002', 'F', '2024-03-02'],
      ],
    });
    expect(found(findHeaderRow(repeated.rows, DICT)).headerRow).toBe(1);
  });

  it('matches English names, synonyms and SDTM variables in any case or width', async () => {
    const sheet = await sheetOf({
      rows: [['SUBJID', 'ｓｅｘ', 'Date of Birth', 'screening  DATE', 'dob ']],
    });
    const match = found(findHeaderRow(sheet.rows, DICT));
    expect(match.columns).toEqual({ subjectNumber: 1, sex: 2, birthDate: 3, screeningDate: 4 });
    expect(match.duplicates).toEqual([{ field: 'birthDate', columns: [3, 5] }]);
    expect(headerProblems(match, 'en')).toEqual([
      { key: 'excel.duplicateColumn', params: { name: 'Date of birth', columns: 'C, E' } },
    ]);
  });

  it('reports required columns that are missing and fields in two columns', async () => {
    const sheet = await sheetOf({ rows: [['标题'], ['受试者编号', 'Subject ID', '性别', '项目']] });
    const match = found(findHeaderRow(sheet.rows, DICT));
    expect(match.headerRow).toBe(2);
    expect(match.missingRequired).toEqual(['screeningDate']);
    expect(match.duplicates).toEqual([{ field: 'subjectNumber', columns: [1, 2] }]);
    expect(headerProblems(match)).toEqual([
      { key: 'excel.missingColumns', params: { row: 2, columns: '筛选日期' } },
      { key: 'excel.duplicateColumn', params: { name: '受试者编号', columns: 'A, B' } },
    ]);
  });

  it('says which names it expected when no row has any', async () => {
    const sheet = await sheetOf({
      rows: [
        ['Pt No.', 'Gender', 'Scr Date'],
        ['001', 'M', '2024-03-01'],
      ],
    });
    expect(findHeaderRow(sheet.rows, DICT)).toEqual({
      ok: false,
      key: 'excel.noHeaderRow',
      params: { rows: 2, expected: '受试者编号、性别、筛选日期' },
    });
    expect(findHeaderRow(sheet.rows, DICT, { lang: 'en' })).toEqual({
      ok: false,
      key: 'excel.noHeaderRow',
      params: { rows: 2, expected: 'Subject number, Sex, Screening date' },
    });
    expect(findHeaderRow([], DICT)).toMatchObject({ ok: false, key: 'excel.noHeaderRow', params: { rows: 0 } });
  });

  it('refuses two different rows that match equally, and takes the row the user names', async () => {
    const sheet = await sheetOf({
      rows: [
        ['受试者编号', '性别'],
        ['S001', 'M'],
        ['筛选日期', '出生日期'],
        ['2024-03-01', '1980-01-02'],
      ],
    });
    expect(findHeaderRow(sheet.rows, DICT)).toEqual({
      ok: false,
      key: 'excel.ambiguousHeaderRow',
      params: { rows: '1, 3' },
    });
    const chosen = found(findHeaderRow(sheet.rows, DICT, { headerRow: 3 }));
    expect(chosen.headerRow).toBe(3);
    expect(chosen.columns).toEqual({ screeningDate: 1, birthDate: 2 });
    expect(chosen.missingRequired).toEqual(['subjectNumber', 'sex']);
  });

  it('refuses a dictionary that gives one name to two fields', () => {
    const bad: HeaderDictionary = {
      fields: [
        { field: 'a', zh: '日期', en: 'Date' },
        { field: 'b', zh: '日 期（yyyy-mm-dd）', en: 'Day' },
      ],
    };
    expect(() => findHeaderRow([], bad)).toThrow(/names both a and b/);
  });
});

describe('saved column mappings', () => {
  it('maps unknown headers once, and the plain JSON mapping serves the next file of that sponsor', async () => {
    const first = await sheetOf({ rows: [['受试者编号', '性别', 'Scr Date', 'Visit remark', 'Weight']] });
    const match = found(findHeaderRow(first.rows, DICT));
    expect(match.unknown.map((u) => u.text)).toEqual(['Scr Date', 'Visit remark', 'Weight']);
    expect(match.missingRequired).toEqual(['screeningDate']);

    // the user's answers, keyed by each header's key, stored as JSON (per sponsor, by the caller)
    const answers: HeaderMapping = {};
    answers[match.unknown[0]!.key] = 'screeningDate';
    answers[match.unknown[1]!.key] = null;
    const stored: HeaderMapping = JSON.parse(JSON.stringify(answers)) as HeaderMapping;
    expect(stored).toEqual({ scrdate: 'screeningDate', visitremark: null });

    const mapped = applyMapping(match, stored);
    expect(mapped.columns).toEqual({ subjectNumber: 1, sex: 2, screeningDate: 3 });
    expect(mapped.ignored).toEqual([{ column: 4, text: 'Visit remark', key: 'visitremark' }]);
    expect(mapped.unknown).toEqual([{ column: 5, text: 'Weight', key: 'weight' }]);
    expect(mapped.missingRequired).toEqual([]);
    expect(match.columns).toEqual({ subjectNumber: 1, sex: 2 }); // applyMapping is pure

    // the next file spells the headers a little differently and has no header any dictionary knows
    const next = await sheetOf({
      rows: [['Study XX'], ['SCR  DATE', 'Pt No.', 'visit REMARK', 'Gender'], ['2024-03-01', '007', '', 'F']],
    });
    expect(findHeaderRow(next.rows, DICT)).toMatchObject({ ok: false, key: 'excel.noHeaderRow' });
    stored[headerKey('Pt No.')] = 'subjectNumber';
    stored[headerKey('Gender')] = 'sex';
    const again = found(findHeaderRow(next.rows, DICT, { mapping: stored }));
    expect(again.headerRow).toBe(2);
    expect(again.columns).toEqual({ screeningDate: 1, subjectNumber: 2, sex: 4 });
    expect(again.ignored.map((i) => i.column)).toEqual([3]);
    expect(again.unknown).toEqual([]);
    expect(applyMapping(again, stored)).toEqual(again);
  });

  it('leaves a header unknown when its mapping names a field the dictionary no longer has', async () => {
    const sheet = await sheetOf({ rows: [['受试者编号', '性别', '筛选日期', 'Old column']] });
    const match = found(findHeaderRow(sheet.rows, DICT, { mapping: { oldcolumn: 'retiredField' } }));
    expect(match.unknown.map((u) => u.text)).toEqual(['Old column']);
    expect(applyMapping(match, { oldcolumn: 'retiredField' }).unknown.map((u) => u.text)).toEqual(['Old column']);
  });

  it('reports a mapped header that names a field another column already has', async () => {
    const sheet = await sheetOf({ rows: [['Pt No.', '受试者编号', '性别', '筛选日期']] });
    const mapped = applyMapping(found(findHeaderRow(sheet.rows, DICT)), { ptno: 'subjectNumber' });
    expect(mapped.columns.subjectNumber).toBe(1);
    expect(mapped.duplicates).toEqual([{ field: 'subjectNumber', columns: [1, 2] }]);
    expect(headerProblems(mapped)[0]).toEqual({
      key: 'excel.duplicateColumn',
      params: { name: '受试者编号', columns: 'A, B' },
    });
  });
});

describe('messages', () => {
  const lookup = (messages: object, key: string): unknown =>
    key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);

  it.each([
    ['zh-CN', zhCN.msg],
    ['en', en.msg],
  ])('%s has the header messages with the params they use', async (_lang, messages) => {
    const sheet = await sheetOf({ rows: [['受试者编号', '受试者号'], ['x'], ['性别']] });
    const results = [
      findHeaderRow([], DICT),
      findHeaderRow(sheet.rows, DICT),
      ...headerProblems(found(findHeaderRow(sheet.rows, DICT, { headerRow: 1 }))),
    ] as { key: string; params: Record<string, unknown> }[];
    expect(results.map((r) => r.key)).toEqual([
      'excel.noHeaderRow',
      'excel.ambiguousHeaderRow',
      'excel.missingColumns',
      'excel.duplicateColumn',
    ]);
    for (const r of results) {
      const message = lookup(messages, r.key);
      expect(typeof message, r.key).toBe('string');
      const used = [...String(message).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
      expect(
        used.filter((p) => !(p in r.params)),
        r.key,
      ).toEqual([]);
    }
  });
});
