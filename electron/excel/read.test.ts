/**
 * The workbook reader on real workbooks: written by exceljs (its normal and its streaming writer), edited part by part
 * (reordered, renamed, restyled), or made of hand-written parts for what exceljs does not write (inline strings,
 * formulas never calculated, Excel's zh-CN built-in date formats, 1,000,000 rows). Each bad file of issue 7 item 8 is
 * refused with its exact key, and no reading leaves a file in the OS temp folder.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../core/errors';
import { columnLetter, type Cell } from './cell';
import { openXlsx, XlsxReadCancelled, type ReadOptions, type XlsxFile, type XlsxRow } from './read';
import { handXlsx, makeZip, oleFile, rezip, textOf, unzip, type ZipFile } from './testing-files';
import type { XlsxLimits } from './zip';

/** exceljs's temporary files are named tmp-<pid>-…: only this process's count (other tests may run beside us) */
const myTempFiles = () => readdirSync(os.tmpdir()).filter((n) => n.startsWith(`tmp-${process.pid}-`));
afterEach(() => {
  expect(myTempFiles(), 'a read left a temporary file in the OS temp folder').toEqual([]);
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(book: XlsxFile, sheet: string, opts?: ReadOptions): Promise<XlsxRow[]> {
  const out: XlsxRow[] = [];
  for await (const row of book.rows(sheet, opts)) out.push(row);
  return out;
}
async function readAll(bytes: Buffer, sheet?: string, opts?: ReadOptions & { limits?: Partial<XlsxLimits> }) {
  const book = await openXlsx(bytes, { limits: opts?.limits });
  return rowsOf(book, sheet ?? book.sheets[0]!.name, opts);
}

/** The field error a call throws, or fails the test. */
async function refusal(f: () => Promise<unknown>): Promise<AppError['error']> {
  const thrown = await f().then(
    () => null,
    (e: unknown) => e,
  );
  expect(thrown, 'it should have been refused').toBeInstanceOf(AppError);
  const { error } = thrown as AppError;
  expect(error).toMatchObject({ code: 'validation', field: 'file' });
  return error;
}

const text = (t: string): Cell => ({ kind: 'text', text: t });
const num = (value: number): Cell => ({ kind: 'number', value });
const EMPTY: Cell = { kind: 'empty' };

async function bookOf(fill: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A workbook written by exceljs's streaming writer into a file (as an export would), read back as bytes. */
async function streamedBook(
  rows: number,
  opts: { useSharedStrings?: boolean; row?: (i: number) => unknown[] } = {},
): Promise<Buffer> {
  const file = path.join(dir, `streamed-${rows}-${Math.random().toString(36).slice(2)}.xlsx`);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: opts.useSharedStrings ?? true,
  });
  const ws = wb.addWorksheet('Data');
  for (let i = 0; i < rows; i++) ws.addRow(opts.row ? opts.row(i) : [`S${i}`, i, `site ${i % 7}`]).commit();
  await wb.commit();
  const { readFileSync } = await import('node:fs');
  return readFileSync(file);
}

describe('opening a workbook', () => {
  it('lists its worksheets in order, with their state, dimension and row count', async () => {
    const bytes = await bookOf((wb) => {
      wb.addWorksheet('受试者').addRows([
        ['编号', '中心'],
        ['S001', '01'],
      ]);
      wb.addWorksheet('Hidden & "quoted"', { state: 'hidden' }).addRow(['x']);
      wb.addWorksheet('Very', { state: 'veryHidden' });
    });
    const book = await openXlsx(bytes);
    expect(book.sheets).toEqual([
      { name: '受试者', index: 1, state: 'visible', dimension: 'A1:B2', rowCount: 2 },
      { name: 'Hidden & "quoted"', index: 2, state: 'hidden', dimension: 'A1:A1', rowCount: 1 },
      { name: 'Very', index: 3, state: 'veryHidden', dimension: 'A1:A1', rowCount: 0 },
    ]);
    expect(book.date1904).toBe(false);
    expect(await rowsOf(book, 'Hidden & "quoted"')).toEqual([{ number: 1, cells: [text('x')] }]);
    expect(await rowsOf(book, 'Very')).toEqual([]);
    // names are exact (the caller picks one of `sheets`)
    expect((await refusal(() => Promise.resolve().then(() => book.rows('受试者 ')))).messageKey).toBe('excel.noSheet');
    expect(await refusal(async () => rowsOf(book, 'Sheet9'))).toEqual(
      expect.objectContaining({
        messageKey: 'excel.noSheet',
        params: { sheet: 'Sheet9', sheets: '受试者, Hidden & "quoted", Very' },
      }),
    );
  });

  it('an empty workbook: a sheet without rows reads as no rows; a workbook without sheets lists none', async () => {
    const blank = await bookOf((wb) => wb.addWorksheet('Empty'));
    expect(await readAll(blank)).toEqual([]);
    const none = handXlsx({ sheets: [] });
    expect((await openXlsx(none)).sheets).toEqual([]);
  });

  it('refuses each bad file of the issue with its own key, before parsing', async () => {
    const good = await bookOf((wb) =>
      wb.addWorksheet('A').addRows(Array.from({ length: 500 }, (_, i) => [i, `r${i}`])),
    );
    const cases: [string, Buffer, string][] = [
      ['not xlsx (text)', Buffer.from('Hello, this is a letter.'), 'excel.csv'],
      ['not xlsx (a PNG)', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'excel.notXlsx'],
      ['.xls renamed', oleFile(['Workbook']), 'excel.oldXls'],
      ['.csv renamed', Buffer.from('\ufeff受试者编号,中心\nS001,01\n'), 'excel.csv'],
      ['truncated', good.subarray(0, good.length - 200), 'excel.damaged'],
      ['encrypted', oleFile(['EncryptionInfo', 'EncryptedPackage']), 'excel.encrypted'],
      ['empty file', Buffer.alloc(0), 'excel.emptyFile'],
      [
        'zip bomb',
        makeZip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(8 * 1024 * 1024) }]),
        'excel.zipBomb',
      ],
      ['a zip, not an Office file', makeZip([{ name: 'readme.txt', data: 'hi' }]), 'excel.notXlsx'],
      [
        'a Word document',
        rezip(good, (files) =>
          files.map((f) =>
            f.name === '[Content_Types].xml'
              ? { ...f, data: textOf(f).replace(/spreadsheetml\.sheet\.main/g, 'wordprocessingml.document.main') }
              : f,
          ),
        ),
        'excel.notXlsx',
      ],
      ['no workbook part', rezip(good, (files) => files.filter((f) => f.name !== 'xl/workbook.xml')), 'excel.notXlsx'],
      [
        'a sheet part missing',
        rezip(good, (files) => files.filter((f) => f.name !== 'xl/worksheets/sheet1.xml')),
        'excel.damaged',
      ],
    ];
    for (const [what, bytes, key] of cases) {
      const thrown = await openXlsx(bytes).then(
        () => null,
        (e: unknown) => e,
      );
      expect(thrown, what).toBeInstanceOf(AppError);
      expect((thrown as AppError).error, what).toMatchObject({ code: 'validation', field: 'file', messageKey: key });
    }
    // the plain-text case above has a comma on its first line: a text without separators is not taken for a CSV
    expect((await refusal(() => openXlsx(Buffer.from('Hello this is a letter.')))).messageKey).toBe('excel.notXlsx');
  });

  it('refuses XML with namespace prefixes (exceljs would read it as empty), asking to re-save', async () => {
    const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const prefixed = handXlsx({
      sheets: [
        {
          name: 'P',
          xml: `<?xml version="1.0"?><x:worksheet xmlns:x="${NS}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
        },
      ],
    });
    expect((await refusal(() => openXlsx(prefixed))).messageKey).toBe('excel.resave');
  });

  it('refuses what exceljs cannot read (rows or cells without their reference, broken XML), asking to re-save', async () => {
    for (const xml of [
      '<sheetData><row><c r="A1"><v>1</v></c></row></sheetData>',
      '<sheetData><row r="1"><c><v>1</v></c></row></sheetData>',
      '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><x>',
    ])
      expect((await refusal(() => readAll(handXlsx({ sheets: [{ name: 'A', xml }] })))).messageKey, xml).toBe(
        'excel.resave',
      );
  });
});

describe('cells as Cell', () => {
  it('strings trimmed (NBSP, ideographic space), numbers, booleans, dates, rich text, hyperlinks, errors, formulas', async () => {
    const bytes = await bookOf((wb) => {
      const ws = wb.addWorksheet('Cells');
      ws.addRow(['  plain ', '\u00a0NBSP\u00a0', '\u3000全角空格\u3000', '   ', '', 'line 1\nline 2']);
      ws.addRow([42, -1.5, 0, true, false]);
      ws.addRow([
        new Date(Date.UTC(2024, 2, 5)),
        new Date(Date.UTC(2024, 2, 5, 14, 30)),
        new Date(Date.UTC(2024, 2, 5, 14, 30, 15)),
        new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 700)),
      ]);
      ws.getCell('E3').value = new Date(Date.UTC(2024, 2, 5));
      ws.getCell('E3').numFmt = 'yyyy"年"m"月"d"日"';
      ws.addRow([
        { richText: [{ text: 'Grade ' }, { text: '3', font: { bold: true } }, { text: ' anemia ' }] },
        { text: ' 方案 ', hyperlink: 'https://example.org/protocol' },
        { error: '#N/A' },
        { error: '#REF!' },
        { error: '#DIV/0!' },
      ]);
      ws.addRow([
        { formula: 'A2*2', result: 84 },
        { formula: 'A1&"x"', result: ' plainx ' },
        { formula: 'A3+1', result: new Date(Date.UTC(2024, 2, 6)) },
        { formula: 'SUM(A2:C2)' },
        { formula: 'TRUE', result: true },
      ]);
      ws.getCell('C5').numFmt = 'yyyy-mm-dd';
      ws.getCell('H6').value = 'far right';
    });
    const rows = await readAll(bytes);
    expect(rows).toEqual([
      { number: 1, cells: [text('plain'), text('NBSP'), text('全角空格'), EMPTY, EMPTY, text('line 1\nline 2')] },
      { number: 2, cells: [num(42), num(-1.5), num(0), { kind: 'bool', value: true }, { kind: 'bool', value: false }] },
      {
        number: 3,
        cells: [
          { kind: 'date', date: '2024-03-05' },
          { kind: 'date', date: '2024-03-05', time: '14:30' },
          { kind: 'date', date: '2024-03-05', time: '14:30:15' },
          { kind: 'date', date: '2000-01-01' }, // 23:59:59.7 to the nearest second
          { kind: 'date', date: '2024-03-05' },
        ],
      },
      {
        number: 4,
        cells: [
          text('Grade 3 anemia'),
          text('方案'),
          { kind: 'error', error: '#N/A' },
          { kind: 'error', error: '#REF!' },
          { kind: 'error', error: '#DIV/0!' },
        ],
      },
      {
        number: 5,
        cells: [
          num(84),
          text('plainx'),
          { kind: 'date', date: '2024-03-06' },
          { kind: 'formula', formula: 'SUM(A2:C2)' },
          // exceljs keeps a formula's boolean result as the number it is stored as
          num(1),
        ],
      },
      { number: 6, cells: [EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, text('far right')] },
    ]);
  });

  it('inline strings (no shared strings part), _xHHHH_ escapes, string and error formula results', async () => {
    const bytes = handXlsx({
      sheets: [
        {
          name: 'Inline',
          xml:
            '<sheetData><row r="1">' +
            '<c r="A1" t="inlineStr"><is><t xml:space="preserve"> inline text </t></is></c>' +
            '<c r="B1" t="inlineStr"><is><t>CR_x000D_LF</t></is></c>' +
            '<c r="C1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>' +
            '<c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
            '<c r="E1"><f>1+1</f></c>' +
            '<c r="F1" t="b"><v>1</v></c>' +
            '<c r="G1" t="e"><v>#NAME?</v></c>' +
            '</row><row r="3"><c r="B3"><v>1.25</v></c></row></sheetData>',
        },
      ],
    });
    expect(await readAll(bytes)).toEqual([
      {
        number: 1,
        cells: [
          text('inline text'),
          text('CR\nLF'),
          text('ab'),
          // exceljs alone would keep NaN for this cached error result (the reader drops the formula before it reads)
          { kind: 'error', error: '#DIV/0!' },
          { kind: 'formula', formula: '1+1' },
          { kind: 'bool', value: true },
          { kind: 'error', error: '#NAME?' },
        ],
      },
      { number: 3, cells: [EMPTY, num(1.25)] },
    ]);
  });

  it('1904 workbooks: dates from the 1904 system (date1904="1" as exceljs writes it, "true" as others may)', async () => {
    const bytes = await bookOf((wb) => {
      wb.properties.date1904 = true;
      wb.addWorksheet('Mac').addRow([new Date(Date.UTC(2024, 2, 5)), new Date(Date.UTC(1904, 0, 2, 6))]);
    });
    const files = unzip(bytes);
    expect(textOf(files.find((f) => f.name === 'xl/workbook.xml'))).toMatch(/date1904="1"/);
    // the serial in the file is the 1904 system's: 1462 days fewer than the 1900 system's 45356
    expect(textOf(files.find((f) => f.name === 'xl/worksheets/sheet1.xml'))).toContain('<v>43894</v>');
    const expected = [
      {
        number: 1,
        cells: [
          { kind: 'date', date: '2024-03-05' },
          { kind: 'date', date: '1904-01-02', time: '06:00' },
        ],
      },
    ];
    const book = await openXlsx(bytes);
    expect(book.date1904).toBe(true);
    expect(await rowsOf(book, 'Mac')).toEqual(expected);
    const spelled = rezip(bytes, (fs) =>
      fs.map((f) =>
        f.name === 'xl/workbook.xml' ? { ...f, data: textOf(f).replace('date1904="1"', 'date1904="true"') } : f,
      ),
    );
    expect(await readAll(spelled)).toEqual(expected);
  });

  it('Excel’s built-in dates: zh-CN formats by id only (31, 57, 58), the 1900 leap-year bug, times alone', async () => {
    const styles =
      '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0&quot;mg&quot;"/></numFmts>' +
      '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>' +
      '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="7">' +
      '<xf numFmtId="0"/><xf numFmtId="31" applyNumberFormat="1"/><xf numFmtId="57" applyNumberFormat="1"/>' +
      '<xf numFmtId="58" applyNumberFormat="1"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="20" applyNumberFormat="1"/>' +
      '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>';
    const c = (ref: string, s: number, v: number) => `<c r="${ref}" s="${s}"><v>${v}</v></c>`;
    const bytes = handXlsx({
      styles,
      sheets: [
        {
          name: '日期',
          xml:
            '<sheetData>' +
            `<row r="1">${c('A1', 1, 45356)}${c('B1', 2, 45352)}${c('C1', 3, 45356)}${c('D1', 0, 45356)}${c('E1', 6, 12.5)}</row>` +
            `<row r="2">${c('A2', 4, 1)}${c('B2', 4, 59)}${c('C2', 4, 60)}${c('D2', 4, 61)}${c('E2', 4, 45356.5)}</row>` +
            `<row r="3">${c('A3', 5, 0.5)}${c('B3', 5, 0.75)}</row>` +
            '</sheetData>',
        },
      ],
    });
    expect(await readAll(bytes)).toEqual([
      {
        number: 1,
        cells: [
          { kind: 'date', date: '2024-03-05' },
          { kind: 'date', date: '2024-03-01' },
          { kind: 'date', date: '2024-03-05' },
          num(45356),
          num(12.5), // a custom format that is no date ("mg" quoted)
        ],
      },
      {
        number: 2,
        cells: [
          { kind: 'date', date: '1900-01-01' },
          { kind: 'date', date: '1900-02-28' },
          num(60), // 1900-02-29, a day Excel invented
          { kind: 'date', date: '1900-03-01' },
          { kind: 'date', date: '2024-03-05', time: '12:00' },
        ],
      },
      {
        number: 3,
        cells: [
          { kind: 'date', date: '1899-12-30', time: '12:00' },
          { kind: 'date', date: '1899-12-30', time: '18:00' },
        ],
      },
    ]);
  });

  it('phonetic runs (Japanese readings) do not replace the text, in shared and in inline strings', async () => {
    const bytes = handXlsx({
      sharedStrings: [
        '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>',
        '<r><t>大</t></r><r><rPr><b/></rPr><t>阪</t></r><rPh sb="0" eb="2"><t>オオサカ</t></rPh>',
      ],
      sheets: [
        {
          name: 'JP',
          xml:
            '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>' +
            '<c r="C1" t="inlineStr"><is><t>京都</t><rPh sb="0" eb="2"><t>キョウト</t></rPh></is></c></row></sheetData>',
        },
      ],
    });
    expect(await readAll(bytes)).toEqual([{ number: 1, cells: [text('東京'), text('大阪'), text('京都')] }]);
  });

  it('rich text inline strings, as exceljs’s own streaming writer writes them without shared strings', async () => {
    // 5,000 rows: the cells cross many inflate chunks, and the rewriting of the sheet must not lose or split any
    const bytes = await streamedBook(5000, {
      useSharedStrings: false,
      row: (i) => [
        `plain ${i}`,
        { richText: [{ text: 'Grade ' }, { text: `${(i % 5) + 1}`, font: { bold: true } }, { text: ' & more' }] },
        i,
      ],
    });
    expect(textOf(unzip(bytes).find((f) => f.name === 'xl/worksheets/sheet1.xml'))).toContain(
      '<is><r><t xml:space="preserve">Grade </t></r>',
    );
    const rows = await readAll(bytes);
    expect(rows).toHaveLength(5000);
    rows.forEach((row, i) =>
      expect(row).toEqual({ number: i + 1, cells: [text(`plain ${i}`), text(`Grade ${(i % 5) + 1} & more`), num(i)] }),
    );
  });
});

describe('merged cells', () => {
  async function titled(): Promise<Buffer> {
    return bookOf((wb) => {
      const ws = wb.addWorksheet('AE listing');
      ws.addRow(['某某医院 不良事件一览表']);
      ws.mergeCells('A1:F1');
      ws.addRow(['受试者', '不良事件', null, '开始日期', '严重程度', null]);
      ws.mergeCells('B2:C2');
      ws.mergeCells('E2:F2');
      ws.addRow([null, '名称', 'CTCAE 编码', null, '分级', 'SAE']);
      ws.mergeCells('A2:A3');
      ws.mergeCells('D2:D3');
      ws.addRow(['S001', 'Anemia', 10002272, new Date(Date.UTC(2024, 2, 5)), 2, 'N']);
    });
  }

  it('merges(sheet) gives the ranges before any row is read (from the pre-check), top to bottom', async () => {
    const book = await openXlsx(await titled());
    expect(book.merges('AE listing')).toEqual([
      { ref: 'A1:F1', top: 1, left: 1, bottom: 1, right: 6 },
      { ref: 'A2:A3', top: 2, left: 1, bottom: 3, right: 1 },
      { ref: 'B2:C2', top: 2, left: 2, bottom: 2, right: 3 },
      { ref: 'D2:D3', top: 2, left: 4, bottom: 3, right: 4 },
      { ref: 'E2:F2', top: 2, left: 5, bottom: 2, right: 6 },
    ]);
  });

  it('mergedCells "fill": a group title over its columns, a label down its rows, the data untouched', async () => {
    const book = await openXlsx(await titled());
    const rows = await rowsOf(book, 'AE listing', { mergedCells: 'fill' });
    const title = text('某某医院 不良事件一览表');
    expect(rows.map((r) => r.cells)).toEqual([
      [title, title, title, title, title, title],
      [text('受试者'), text('不良事件'), text('不良事件'), text('开始日期'), text('严重程度'), text('严重程度')],
      [text('受试者'), text('名称'), text('CTCAE 编码'), text('开始日期'), text('分级'), text('SAE')],
      [text('S001'), text('Anemia'), num(10002272), { kind: 'date', date: '2024-03-05' }, num(2), text('N')],
    ]);
    // left as the file holds them by default
    const plain = await rowsOf(book, 'AE listing');
    expect(plain[0]!.cells).toEqual([title]);
    expect(plain[2]!.cells[0]).toEqual(EMPTY);
  });

  it('finds merges at the end of a large sheet, across inflate chunk boundaries', async () => {
    const bytes = await bookOf((wb) => {
      const ws = wb.addWorksheet('Big');
      for (let i = 0; i < 20_000; i++) ws.addRow([`row ${i}`, i, i * 2]);
      for (let i = 0; i < 500; i++) ws.mergeCells(`B${i * 40 + 1}:C${i * 40 + 1}`);
    });
    const book = await openXlsx(bytes);
    const merges = book.merges('Big');
    expect(merges).toHaveLength(500);
    expect(merges.at(-1)).toEqual({ ref: 'B19961:C19961', top: 19961, left: 2, bottom: 19961, right: 3 });
    expect(book.sheets[0]!.rowCount).toBe(20_000);
  });
});

describe('sheet order and part names: no temporary file, ever', () => {
  /** a workbook whose parts are in the order the filter puts them */
  const reorder = (bytes: Buffer, order: (f: ZipFile[]) => ZipFile[]) => rezip(bytes, order);
  const last = (name: string) => (fs: ZipFile[]) => [
    ...fs.filter((f) => f.name !== name),
    ...fs.filter((f) => f.name === name),
  ];
  const first = (name: string) => (fs: ZipFile[]) => [
    ...fs.filter((f) => f.name === name),
    ...fs.filter((f) => f.name !== name),
  ];

  it('reads every order the same (sheet before or after strings, styles, workbook)', async () => {
    const bytes = await bookOf((wb) => {
      const a = wb.addWorksheet('First');
      const b = wb.addWorksheet('Second');
      for (let i = 0; i < 200; i++) {
        a.addRow([`a${i}`, new Date(Date.UTC(2024, 0, 1 + i))]);
        b.addRow([`b${i}`, i]);
      }
    });
    const names = unzip(bytes).map((f) => f.name);
    // exceljs itself writes the sheets before the shared strings, and the workbook last: Excel's order too
    expect(names.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(names.indexOf('xl/sharedStrings.xml'));
    const expected = await readAll(bytes, 'Second');
    expect(expected).toHaveLength(200);
    expect(expected[199]).toEqual({ number: 200, cells: [text('b199'), num(199)] });
    for (const variant of [
      first('xl/sharedStrings.xml'),
      last('xl/sharedStrings.xml'),
      last('xl/styles.xml'),
      first('xl/worksheets/sheet2.xml'),
      (fs: ZipFile[]) => [...fs].reverse(),
    ]) {
      const book = await openXlsx(reorder(bytes, variant));
      expect(await rowsOf(book, 'Second')).toEqual(expected);
      expect((await rowsOf(book, 'First'))[5]!.cells).toEqual([text('a5'), { kind: 'date', date: '2024-01-06' }]);
    }
  });

  it('reads a sheet stored under another part name, its rels target absolute', async () => {
    const bytes = handXlsx({
      sharedStrings: ['<t>shared</t>'],
      sheets: [
        {
          name: 'Odd',
          part: '/xl/data/visits.xml',
          xml: '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>',
        },
      ],
    });
    expect(unzip(bytes).map((f) => f.name)).toContain('xl/data/visits.xml');
    expect(await readAll(bytes)).toEqual([{ number: 1, cells: [text('shared')] }]);
  });

  it('stopping after the first row leaves no file, where exceljs alone leaves one in the OS temp folder', async () => {
    const bytes = await streamedBook(3000);
    const book = await openXlsx(bytes);
    for await (const row of book.rows('Data')) {
      expect(row).toEqual({ number: 1, cells: [text('S0'), num(0), text('site 0')] });
      break;
    }
    expect(myTempFiles()).toEqual([]);
    // the same early stop on exceljs's reader fed the file as it is: a temporary copy of the sheet stays behind
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { sharedStrings: 'cache' });
    for await (const ws of reader) {
      for await (const row of ws) {
        void row;
        break;
      }
      break;
    }
    const left = myTempFiles();
    expect(left.length).toBeGreaterThan(0);
    for (const f of left) if (existsSync(path.join(os.tmpdir(), f))) unlinkSync(path.join(os.tmpdir(), f));
    // and a second read of our book after the break reads it whole
    expect(await rowsOf(book, 'Data')).toHaveLength(3000);
  });
});

describe('rows and columns: refused early', () => {
  it('1,000,000 rows claimed by the dimension: refused before the first row, in milliseconds', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`).join(
      '',
    );
    const bytes = handXlsx({
      sheets: [{ name: 'Huge', xml: `<dimension ref="A1:L1000000"/><sheetData>${rows}</sheetData>` }],
    });
    const t0 = performance.now();
    const book = await openXlsx(bytes);
    const error = await refusal(() => rowsOf(book, 'Huge'));
    expect(performance.now() - t0).toBeLessThan(500);
    expect(error).toMatchObject({ messageKey: 'excel.tooManyRows', params: { sheet: 'Huge', max: 200_000 } });
  });

  it('1,000,000 rows without a dimension: counted by the pre-check, refused before parsing', async () => {
    const parts: string[] = [];
    for (let i = 1; i <= 1_000_000; i++) parts.push(`<row r="${i}"><c r="A${i}"><v>1</v></c></row>`);
    const bytes = handXlsx({ sheets: [{ name: 'Million', xml: `<sheetData>${parts.join('')}</sheetData>` }] });
    const t0 = performance.now();
    const book = await openXlsx(bytes);
    const opened = performance.now() - t0;
    expect(book.sheets[0]).toMatchObject({ dimension: null, rowCount: 1_000_000 });
    const error = await refusal(() => rowsOf(book, 'Million'));
    const ms = performance.now() - t0;
    console.info(
      `1,000,000 rows without dimension (${(bytes.length / 1e6).toFixed(1)} MB file): open + pre-check ${opened.toFixed(0)} ms, refused after ${ms.toFixed(0)} ms`,
    );
    expect(error).toMatchObject({ messageKey: 'excel.tooManyRows', params: { max: 200_000 } });
    expect(ms).toBeLessThan(5000);
  });

  it('while streaming: a row number beyond the limit (the counts and dimension said nothing)', async () => {
    const bytes = handXlsx({
      sheets: [
        {
          name: 'Gap',
          xml: '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="250001"><c r="A250001"><v>2</v></c></row></sheetData>',
        },
      ],
    });
    const seen: number[] = [];
    const book = await openXlsx(bytes);
    const error = await refusal(async () => {
      for await (const row of book.rows('Gap')) seen.push(row.number);
    });
    expect(error.messageKey).toBe('excel.tooManyRows');
    expect(seen).toEqual([1]);
  });

  it('10,000 columns: from the dimension before the first row, and while streaming without one', async () => {
    const cells = Array.from({ length: 10_000 }, (_, i) => `<c r="${columnLetter(i + 1)}1"><v>${i}</v></c>`).join('');
    expect(columnLetter(10_000)).toBe('NTP');
    const withDim = handXlsx({
      sheets: [{ name: 'Wide', xml: `<dimension ref="A1:NTP1"/><sheetData><row r="1">${cells}</row></sheetData>` }],
    });
    const expected = { messageKey: 'excel.tooManyColumns', params: { sheet: 'Wide', max: 1000, column: 'ALL' } };
    expect(await refusal(() => readAll(withDim))).toMatchObject(expected);
    const noDim = handXlsx({ sheets: [{ name: 'Wide', xml: `<sheetData><row r="1">${cells}</row></sheetData>` }] });
    const t0 = performance.now();
    expect(await refusal(() => readAll(noDim))).toMatchObject(expected);
    expect(performance.now() - t0).toBeLessThan(3000);
    // the limit is the caller's to set
    const rows = await readAll(noDim, 'Wide', { limits: { maxColumns: 10_000 } });
    expect(rows[0]!.cells).toHaveLength(10_000);
  });
});

describe('cancelling, and a read that stalls', () => {
  it('an aborted read stops at the next row with XlsxReadCancelled; an abort before it starts stops it at once', async () => {
    const bytes = await streamedBook(20_000);
    const book = await openXlsx(bytes);
    const controller = new AbortController();
    let read = 0;
    const t0 = performance.now();
    const err = await (async () => {
      for await (const row of book.rows('Data', { signal: controller.signal })) {
        void row;
        if (++read === 5) controller.abort();
      }
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(XlsxReadCancelled);
    expect((err as AppError).error).toMatchObject({ code: 'validation', field: 'file', messageKey: 'excel.cancelled' });
    expect(read).toBe(5);
    await expect(rowsOf(book, 'Data', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(XlsxReadCancelled);
    await expect(openXlsx(bytes, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(XlsxReadCancelled);
  });

  it('exceljs silent for longer than stallMs: given up with excel.damaged (it never hangs an import)', async () => {
    // parsing the shared strings of 20,000 rows takes far longer than 1 ms without a row coming out
    const bytes = await streamedBook(20_000, { row: (i) => [`unique text ${i} ${'x'.repeat(40)}`] });
    const book = await openXlsx(bytes);
    expect((await refusal(() => rowsOf(book, 'Data', { stallMs: 1 }))).messageKey).toBe('excel.damaged');
    expect(await rowsOf(book, 'Data')).toHaveLength(20_000);
  });
});

describe('text across chunk boundaries', () => {
  it('reads every Chinese string whole, in shared strings and inline, however the chunks fall', async () => {
    // 3-byte characters in strings of varying length: some of them straddle every 256 KiB chunk of the parts
    const words = '受试者筛选入组访视不良事件严重中性粒细胞计数降低血小板减少贫血已恢复已解决😀';
    const texts = Array.from({ length: 30_000 }, (_, i) =>
      Array.from({ length: 1 + (i % 17) }, (_, j) => [...words][(i * 7 + j * 3) % [...words].length]).join(''),
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    texts.forEach((t, i) => ws.addRow([t, { richText: [{ text: t }, { text: '·' }] }, i]));
    const book = await openXlsx(Buffer.from(await wb.xlsx.writeBuffer()));
    const rows = await rowsOf(book, 'Data');
    expect(rows).toHaveLength(texts.length);
    const bad = rows.filter((r, i) => {
      const [a, b] = r.cells;
      return !(a?.kind === 'text' && a.text === texts[i] && b?.kind === 'text' && b.text === `${texts[i]}·`);
    });
    expect(bad.map((r) => r.number).slice(0, 5)).toEqual([]);
  }, 60_000);
});
