import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { findAll, openPackage, packageProblems, parseXml, sheetParts } from './inspect';
import {
  autoWidth,
  cellText,
  cleanText,
  codeColumns,
  dateCell,
  dateTimeCell,
  displayWidth,
  ExportCancelledError,
  MAX_CELL_TEXT,
  MAX_WIDTH,
  originalText,
  readMeSheet,
  safeText,
  sheet,
  sheetNames,
  TRUNCATED_MARKER,
  writeWorkbook,
  writeWorkbookToBuffer,
  type ColumnSpec,
  type Sheet,
  type WorkbookOptions,
} from './write';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trialdesk-write-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-03-05T08:00:00.000Z');
const base = { creator: '王管理 (admin)', now: NOW, utcOffsetMinutes: 480 };

async function load(bytes: Buffer | string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  if (typeof bytes === 'string') await wb.xlsx.readFile(bytes);
  else await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('text into cells', () => {
  it('neutralises each character that starts a formula or command, and only at the start', () => {
    for (const s of ['=1+1', '+86 138', '-5', '@SUM(A1)', '\tx', '\rx', '\nx']) expect(safeText(s)).toBe(`'${s}`);
    for (const s of ['V2.0', '张磊', 'a=b', '', "'quoted", ' =x', '1-2']) expect(safeText(s)).toBe(s);
    // quotes in front of a formula character get one more, so the original is recoverable exactly
    expect(safeText("'=x")).toBe("''=x");
  });

  it('originalText undoes safeText exactly, whatever the text', () => {
    for (const s of ['=1+1', "'=1", "''+2", "'plain", 'plain', '-', "'", '\t', '']) {
      expect(originalText(safeText(s))).toBe(s);
    }
  });

  it('removes characters an .xlsx cannot hold, keeps tab, CR, LF, CJK and emoji', () => {
    expect(cleanText('a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi')).toBe('abcdefghi');
    expect(cleanText('line1\r\nline2\tend')).toBe('line1\r\nline2\tend');
    expect(cleanText('头痛 😀')).toBe('头痛 😀');
    expect(cleanText('lone \uD83D high, lone \uDE00 low')).toBe('lone  high, lone  low');
    // removal comes before neutralising: what starts the cleaned text is what counts
    expect(cellText('\u0001=cmd')).toBe("'=cmd");
  });

  it('cuts text beyond 32,767 characters with a visible marker, never splitting a surrogate pair', () => {
    const long = 'x'.repeat(40_000);
    const cut = cellText(long);
    expect(cut.length).toBe(MAX_CELL_TEXT);
    expect(cut.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(cellText('x'.repeat(MAX_CELL_TEXT))).toBe('x'.repeat(MAX_CELL_TEXT));

    const keep = MAX_CELL_TEXT - TRUNCATED_MARKER.length;
    const emoji = cellText('x'.repeat(keep - 1) + '😀'.repeat(10));
    expect(emoji).toBe('x'.repeat(keep - 1) + TRUNCATED_MARKER); // the pair would straddle the cut: dropped whole
  });
});

describe('sheetNames', () => {
  it('makes names Excel accepts, unique case-insensitively, within 31 characters', () => {
    const names = sheetNames([
      'AE listing',
      'ae LISTING',
      'a/b\\c[d]e:f*g?h',
      '',
      "'quoted'",
      'History',
      '受试者筛选与入组登记表（按中心汇总，含脱落与完成情况）',
      'x'.repeat(40),
      'x'.repeat(40),
      'tab\there',
    ]);
    expect(names[0]).toBe('AE listing');
    expect(names[1]).toBe('ae LISTING (2)');
    expect(names[2]).toBe('a_b_c_d_e_f_g_h');
    expect(names[3]).toBe('Sheet');
    expect(names[4]).toBe('quoted');
    expect(names[5]).toBe('History_');
    expect(names[6]).toBe('受试者筛选与入组登记表（按中心汇总，含脱落与完成情况）'.slice(0, 31));
    expect(names[7]).toBe('x'.repeat(31));
    expect(names[8]).toBe(`${'x'.repeat(27)} (2)`);
    expect(names[9]).toBe('tab here');
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[[\]:*?/\\]/);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(sheetNames(['lists'], ['LISTS'])).toEqual(['lists (2)']);
  });
});

describe('dates', () => {
  it('turns calendar dates into the Date exceljs writes as that day, and refuses what is no date', () => {
    expect(dateCell('2024-03-05')).toEqual(new Date('2024-03-05T00:00:00.000Z'));
    expect(dateCell('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00.000Z'));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '2024-03', '2024/03/05', '05-Mar-2024', '']) {
      expect(dateCell(bad)).toBeNull();
    }
    // before 1900-03-01 Excel's serials are off by one (its 1900 leap-year bug): written as text instead
    expect(dateCell('1900-02-28')).toBeNull();
    expect(dateCell('1900-03-01')).toEqual(new Date('1900-03-01T00:00:00.000Z'));
  });

  it('shows instants at the wall clock of the given offset, and zone-less date-times as written', () => {
    expect(dateTimeCell('2026-03-04T16:30:00.000Z', 480)).toEqual(new Date('2026-03-05T00:30:00.000Z'));
    expect(dateTimeCell('2026-03-04T16:30:00.000Z', 0)).toEqual(new Date('2026-03-04T16:30:00.000Z'));
    expect(dateTimeCell('2026-03-04T16:30:00.000Z', -420)).toEqual(new Date('2026-03-04T09:30:00.000Z'));
    expect(dateTimeCell('2026-03-05T00:30:00+08:00', 0)).toEqual(new Date('2026-03-04T16:30:00.000Z'));
    expect(dateTimeCell('2026-03-05T00:30+0800', 480)).toEqual(new Date('2026-03-05T00:30:00.000Z'));
    expect(dateTimeCell('2026-03-04T20:00-05', 0)).toEqual(new Date('2026-03-05T01:00:00.000Z'));
    expect(dateTimeCell('2026-03-05T10:15', 480)).toEqual(new Date('2026-03-05T10:15:00.000Z'));
    expect(dateTimeCell('2026-03-05 10:15:30', -300)).toEqual(new Date('2026-03-05T10:15:30.000Z'));
    for (const bad of ['2026-03-05', '2026-03-05T24:00', '2026-02-30T10:00', 'yesterday']) {
      expect(dateTimeCell(bad, 0)).toBeNull();
    }
  });

  it('gives the same cells whatever the process time zone (the writer never reads local time)', () => {
    // the test runs under whatever TZ the machine has; these are pure UTC arithmetic
    const before = process.env.TZ;
    try {
      const results = ['Pacific/Auckland', 'America/Los_Angeles', 'UTC'].map((tz) => {
        process.env.TZ = tz;
        return [dateCell('2024-03-31')!.getTime(), dateTimeCell('2024-03-31T01:30:00Z', 780)!.getTime()];
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    } finally {
      process.env.TZ = before;
    }
  });
});

describe('widths', () => {
  it('counts CJK characters double and keeps widths within bounds', () => {
    expect(displayWidth('abcd')).toBe(4);
    expect(displayWidth('头痛')).toBe(4);
    expect(displayWidth('Ｆｕｌｌ')).toBe(8);
    expect(displayWidth('short\na much longer line')).toBe(18);
    expect(autoWidth('text', '术语', ['恶心呕吐伴头痛'])).toBeGreaterThan(autoWidth('text', 'ab', ['abcdefg']));
    expect(autoWidth('text', 'x', ['y'.repeat(500)])).toBe(MAX_WIDTH);
    expect(autoWidth('date', 'd', ['2024-03-05'])).toBe(12);
    expect(autoWidth('datetime', 'd', ['2024-03-05T10:00:00.000Z'])).toBe(18);
  });
});

interface Ae {
  seq: number;
  subject: string;
  term: string;
  onset: string | null;
  awareAt: string | null;
  grade: number | null;
  ratio: number | null;
  serious: boolean | null;
  severity: string | null;
}

const severityLabels = new Map([
  ['MILD', '轻度'],
  ['MODERATE', '中度'],
  ['SEVERE', '重度'],
]);
const longList = Array.from({ length: 60 }, (_, i) => `中心 ${String(i + 1).padStart(2, '0')}, 北京`);

const aeColumns: ColumnSpec<Ae>[] = [
  { header: '序号', kind: 'integer', value: (r) => r.seq, note: '不良事件编号' },
  { header: '受试者', kind: 'text', value: (r) => r.subject },
  { header: '术语', kind: 'text', value: (r) => r.term },
  { header: '开始日期', kind: 'date', value: (r) => r.onset, note: 'YYYY-MM-DD 格式日期' },
  { header: '获知时间', kind: 'datetime', value: (r) => r.awareAt },
  { header: '分级', kind: 'integer', value: (r) => r.grade, list: ['1', '2', '3', '4', '5'] },
  { header: '比值', kind: 'number', value: (r) => r.ratio },
  { header: '严重', kind: 'bool', value: (r) => r.serious },
  ...codeColumns<Ae>({
    header: '严重程度',
    codeHeader: '严重程度代码',
    value: (r) => r.severity,
    labels: severityLabels,
  }),
  { header: '中心', kind: 'text', value: () => '中心 01, 北京', list: longList },
];

const aes: Ae[] = [
  {
    seq: 1,
    subject: '001',
    term: '=HYPERLINK("http://evil")',
    onset: '2026-03-01',
    awareAt: '2026-03-04T16:30:00.000Z',
    grade: 2,
    ratio: 0.125,
    serious: false,
    severity: 'MILD',
  },
  {
    seq: 2,
    subject: '-002',
    term: `头痛\u0007 ${'很长'.repeat(20_000)}`,
    onset: '2026-03',
    awareAt: '2026-03-05',
    grade: 2.5,
    ratio: Number.NaN,
    serious: true,
    severity: 'UNKNOWN',
  },
  {
    seq: 3,
    subject: '@003',
    term: '\tindented\uFFFF\uD800', // U+FFFF and a lone surrogate: XML cannot hold them (exceljs passes them on)
    onset: null,
    awareAt: null,
    grade: null,
    ratio: null,
    serious: null,
    severity: null,
  },
];

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const it of items) {
    await new Promise((r) => setTimeout(r, 1));
    yield it;
  }
}

function workbook(rows: Iterable<Ae> | AsyncIterable<Ae>, extra: Sheet[] = []): WorkbookOptions {
  return {
    ...base,
    sheets: [
      readMeSheet({
        name: 'Read me',
        title: 'TrialDesk 申办方导出',
        lines: (written) => [
          ['导出人', '王管理 (admin)'],
          ...written.map((w): [string, string] => [`行数：${w.name}`, String(w.rows)]),
          ['筛选条件', '=无'],
        ],
      }),
      sheet({ name: 'AE listing: 2026/03', columns: aeColumns, rows }),
      sheet({ name: 'ae listing: 2026/03', columns: aeColumns.slice(0, 2), rows: slowly(aes) }),
      ...extra,
    ],
  };
}

describe('writeWorkbook', () => {
  it('writes a workbook Excel opens as is: dates, header, filter, widths, dropdowns, notes, no formulas', async () => {
    const target = path.join(dir, 'sponsor.xlsx');
    const progress: number[] = [];
    const result = await writeWorkbook(target, { ...workbook(aes), onProgress: (n) => progress.push(n) });
    expect(result.sheets).toEqual([
      { name: 'Read me', rows: 4 },
      { name: 'AE listing_ 2026_03', rows: 3 },
      { name: 'ae listing_ 2026_03 (2)', rows: 3 },
    ]);
    expect(fs.existsSync(`${target}.part`)).toBe(false);
    expect(progress.at(-1)).toBe(6);

    const wb = await load(target);
    // the Read me, written last for its row counts, is still first; the lists sheet is last and hidden
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['Read me', 'visible'],
      ['AE listing_ 2026_03', 'visible'],
      ['ae listing_ 2026_03 (2)', 'visible'],
      ['lists', 'hidden'],
    ]);
    expect(wb.creator).toBe('王管理 (admin)');
    const readMe = wb.worksheets[0]!;
    expect(readMe.getCell('A1').value).toBe('TrialDesk 申办方导出');
    expect(readMe.getCell('A1').font?.bold).toBe(true);
    expect(readMe.getRow(4).values).toEqual([undefined, '行数：AE listing_ 2026_03', '3']);
    expect(readMe.getRow(6).values).toEqual([undefined, '筛选条件', "'=无"]);

    const ws = wb.worksheets[1]!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:K4');
    expect(ws.getRow(1).values).toEqual([
      undefined,
      '序号',
      '受试者',
      '术语',
      '开始日期',
      '获知时间',
      '分级',
      '比值',
      '严重',
      '严重程度',
      '严重程度代码',
      '中心',
    ]);
    for (let c = 1; c <= 11; c++) expect(ws.getRow(1).getCell(c).font?.bold).toBe(true);
    expect(ws.getCell('A1').note).toBe('不良事件编号');
    expect(ws.getCell('D1').note).toBe('YYYY-MM-DD 格式日期');

    const r2 = ws.getRow(2);
    expect(r2.getCell(1).value).toBe(1);
    expect(r2.getCell(2).value).toBe('001'); // text stays text: leading zeros kept
    expect(r2.getCell(3).value).toBe('\'=HYPERLINK("http://evil")');
    expect(r2.getCell(4).value).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    expect(r2.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(r2.getCell(5).value).toEqual(new Date('2026-03-05T00:30:00.000Z')); // 16:30Z at UTC+8
    expect(r2.getCell(5).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(r2.getCell(6).value).toBe(2);
    expect(ws.getColumn(6).numFmt).toBe('0'); // for what users type; written whole numbers show whole in General
    expect(ws.getColumn(2).numFmt).toBe('@'); // typed subject numbers keep their leading zeros
    expect(r2.getCell(7).value).toBe(0.125);
    expect(r2.getCell(8).value).toBe(false);
    expect(r2.getCell(9).value).toBe('轻度');
    expect(r2.getCell(10).value).toBe('MILD');

    const r3 = ws.getRow(3);
    expect(r3.getCell(2).value).toBe("'-002");
    const term = r3.getCell(3).value as string;
    expect(term.length).toBe(MAX_CELL_TEXT);
    expect(term.startsWith('头痛 很长')).toBe(true); // the bell character is gone
    expect(term.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(r3.getCell(4).value).toBe('2026-03'); // a partial date stays visible, as text
    expect(r3.getCell(5).value).toEqual(new Date('2026-03-05T00:00:00.000Z'));
    expect(r3.getCell(5).numFmt).toBe('yyyy-mm-dd'); // a date-only value in a date-time column shows as a date
    expect(r3.getCell(6).value).toBe(2.5);
    expect(r3.getCell(6).numFmt ?? 'General').toBe('General'); // a fraction is not shown rounded
    expect(r3.getCell(7).value).toBeNull(); // NaN has no cell form
    expect(r3.getCell(8).value).toBe(true);
    expect(r3.getCell(9).value).toBe('UNKNOWN'); // a code without a label shows the code
    expect(r3.getCell(10).value).toBe('UNKNOWN');

    const r4 = ws.getRow(4);
    expect(r4.getCell(2).value).toBe("'@003");
    expect(r4.getCell(3).value).toBe("'\tindented");
    for (let c = 4; c <= 10; c++) expect(r4.getCell(c).value).toBeNull();

    // widths: from header and values, CJK double, capped
    expect(ws.getColumn(2).width).toBe(autoWidth('text', '受试者', ['001', '-002', '@003']));
    expect(ws.getColumn(3).width).toBe(MAX_WIDTH);
    expect(ws.getColumn(4).width).toBe(12);

    // the async sheet was written whole
    expect(wb.worksheets[2]!.getColumn(2).values).toEqual([undefined, '受试者', '001', "'-002", "'@003"]);

    // dropdowns over the written rows (exceljs reads a range validation back cell by cell)
    const model = (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } })
      .dataValidations.model;
    expect(model.F2).toMatchObject({ type: 'list', formulae: ['"1,2,3,4,5"'] });
    expect(model.F4).toMatchObject({ type: 'list' });
    expect(model.F5).toBeUndefined();
    expect(model.I3).toMatchObject({ type: 'list', formulae: ['"轻度,中度,重度"'] });
    expect(model.K2).toMatchObject({ type: 'list', formulae: [`'lists'!$A$1:$A$60`] });
    expect(model.A2).toBeUndefined();

    // the lists sheet holds the long list whole, as text
    const lists = wb.worksheets[3]!;
    expect(lists.getColumn(1).values.slice(1)).toEqual(longList);
  });

  it('checks out at the XML level: well-formed parts, content types, relationships, element order, validations', async () => {
    const bytes = fs.readFileSync(path.join(dir, 'sponsor.xlsx'));
    const pkg = await openPackage(bytes);
    expect(packageProblems(pkg)).toEqual([]);

    const parts = sheetParts(pkg);
    expect(parts.map((p) => [p.name, p.state])).toEqual([
      ['Read me', 'visible'],
      ['AE listing_ 2026_03', 'visible'],
      ['ae listing_ 2026_03 (2)', 'visible'],
      ['lists', 'hidden'],
    ]);
    const ae = parseXml(pkg.parts.get(parts[1]!.part)!);
    const pane = findAll(ae, 'pane')[0]!;
    expect(pane.attributes).toMatchObject({ ySplit: '1', state: 'frozen', topLeftCell: 'A2' });
    expect(findAll(ae, 'autoFilter')[0]!.attributes.ref).toBe('A1:K4');
    const dv = findAll(ae, 'dataValidation').map((d) => [
      d.attributes.sqref,
      d.attributes.type,
      findAll(d, 'formula1')[0]!.text,
    ]);
    expect(dv).toEqual([
      ['F2:F4', 'list', '"1,2,3,4,5"'],
      ['I2:I4', 'list', '"轻度,中度,重度"'],
      ['J2:J4', 'list', '"MILD,MODERATE,SEVERE"'],
      // 60 items with commas: no inline list can hold them
      ['K2:K4', 'list', `'lists'!$A$1:$A$60`],
    ]);
    // header notes: a comments part and a VML drawing, both related to the sheet and typed
    const rels = parseXml(pkg.parts.get(parts[1]!.part.replace(/([^/]+)$/, '_rels/$1.rels'))!);
    const types = findAll(rels, 'Relationship').map((r) => r.attributes.Type?.split('/').pop());
    expect(types).toEqual(expect.arrayContaining(['comments', 'vmlDrawing']));
    const target = (type: string) =>
      findAll(rels, 'Relationship')
        .find((r) => r.attributes.Type?.endsWith(`/${type}`))!
        .attributes.Target!.replace('../', 'xl/');
    const comments = parseXml(pkg.parts.get(target('comments'))!);
    expect(findAll(comments, 'comment').map((c) => c.attributes.ref)).toEqual(['A1', 'D1']);
    expect(findAll(comments, 't').map((t) => t.text)).toEqual(['不良事件编号', 'YYYY-MM-DD 格式日期']);
    expect(findAll(parseXml(pkg.parts.get(target('vmlDrawing'))!), 'v:shape').length).toBe(2);
    // number formats the date cells point at
    const styles = pkg.parts.get('xl/styles.xml')!;
    expect(styles).toContain('formatCode="yyyy-mm-dd"');
    expect(styles).toContain('formatCode="yyyy-mm-dd hh:mm"');
    // real date cells: numbers (serials), not text
    const d2 = findAll(ae, 'c').find((c) => c.attributes.r === 'D2')!;
    expect(d2.attributes.t).toBeUndefined();
    expect(findAll(d2, 'v')[0]!.text).toBe('46082'); // 2026-03-01
    // no control character survived into any part
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
    for (const [name, xml] of pkg.parts) expect([name, control.test(xml)]).toEqual([name, false]);
  });

  it('a self-check: the package checks catch a formula, a bad order, a missing part and a dangling relationship', async () => {
    const bytes = fs.readFileSync(path.join(dir, 'sponsor.xlsx'));
    const pkg = await openPackage(bytes);
    const [, ae] = sheetParts(pkg);
    const xml = pkg.parts.get(ae!.part)!;
    const broken = new Map(pkg.parts);
    broken.set(
      ae!.part,
      xml
        .replace('<v>1</v>', '<f>1+0</f><v>1</v>')
        .replace(/(<autoFilter[^>]*\/>)(.*)(<pageMargins[^>]*\/>)/, '$3$2$1'),
    );
    broken.delete('xl/styles.xml');
    broken.set('xl/extra.xml', '<a><b></a>');
    const problems = packageProblems({ names: [...broken.keys()], parts: broken });
    expect(problems.join('\n')).toMatch(/has formulas/);
    expect(problems.join('\n')).toMatch(/out of order/);
    expect(problems.join('\n')).toMatch(/missing xl\/styles\.xml/);
    expect(problems.join('\n')).toMatch(/xl\/extra\.xml: not well-formed/);
    broken.set('xl/media/logo.png', 'not typed');
    expect(packageProblems({ names: [...broken.keys()], parts: broken }).join('\n')).toMatch(
      /no content type for xl\/media\/logo\.png/,
    );
  });

  it('writes an empty sheet as a header with its filter, and no dropdowns', async () => {
    const { bytes, sheets } = await writeWorkbookToBuffer({
      ...base,
      sheets: [sheet({ name: 'Empty', columns: aeColumns, rows: [] as Ae[] })],
    });
    expect(sheets).toEqual([{ name: 'Empty', rows: 0 }]);
    const wb = await load(bytes);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(1);
    expect(ws.autoFilter).toBe('A1:K1');
    expect(wb.worksheets.length).toBe(1); // no lists sheet without a dropdown
    const pkg = await openPackage(bytes);
    expect(packageProblems(pkg)).toEqual([]);
    expect(pkg.parts.get('xl/worksheets/sheet1.xml')).not.toContain('dataValidation');
  });

  it('with shared strings, the strings part is written and typed', async () => {
    const { bytes } = await writeWorkbookToBuffer({ ...workbook(aes), sharedStrings: true });
    const pkg = await openPackage(bytes);
    expect(packageProblems(pkg)).toEqual([]);
    expect(pkg.parts.has('xl/sharedStrings.xml')).toBe(true);
    const wb = await load(bytes);
    expect(wb.worksheets[1]!.getCell('C2').value).toBe('\'=HYPERLINK("http://evil")');
  });

  it('streams a large cursor in chunks: progress as it goes, never reading ahead of what it writes', async () => {
    let pulled = 0;
    function* cursor(): Generator<number> {
      for (let i = 0; i < 5000; i++) {
        pulled++;
        yield i;
      }
    }
    const seen: [number, number][] = [];
    const { bytes, sheets } = await writeWorkbookToBuffer({
      ...base,
      sheets: [
        sheet({ name: 'Big', columns: [{ header: 'n', kind: 'integer', value: (r: number) => r }], rows: cursor() }),
      ],
      onProgress: (n) => seen.push([n, pulled]),
    });
    expect(sheets[0]!.rows).toBe(5000);
    expect(seen).toEqual([
      [1000, 1000],
      [2000, 2000],
      [3000, 3000],
      [4000, 4000],
      [5000, 5000],
      [5000, 5000],
    ]);
    const ws = (await load(bytes)).worksheets[0]!;
    expect(ws.rowCount).toBe(5001);
    expect(ws.getCell('A5001').value).toBe(4999);
  });
});

describe('cancel and failure', () => {
  function* endless(closed: { value: boolean }): Generator<Ae> {
    try {
      for (let i = 0; ; i++) yield { ...aes[0]!, seq: i };
    } finally {
      closed.value = true; // a better-sqlite3 statement is released here
    }
  }

  it('stops when cancelled, removes the partial file, keeps an older file of that name, closes the cursor', async () => {
    const target = path.join(dir, 'cancelled.xlsx');
    fs.writeFileSync(target, 'the previous export');
    const closed = { value: false };
    const abort = new AbortController();
    const run = writeWorkbook(target, {
      ...base,
      signal: abort.signal,
      onProgress: (n) => {
        if (n >= 3000) abort.abort();
      },
      sheets: [sheet({ name: 'Big', columns: aeColumns, rows: endless(closed) })],
    });
    await expect(run).rejects.toBeInstanceOf(ExportCancelledError);
    await expect(run).rejects.toMatchObject({ error: { messageKey: 'excel.exportCancelled' } });
    expect(fs.existsSync(`${target}.part`)).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toBe('the previous export');
    expect(closed.value).toBe(true);
  });

  it('does not start when already cancelled', async () => {
    const target = path.join(dir, 'never.xlsx');
    const abort = new AbortController();
    abort.abort();
    await expect(writeWorkbook(target, { ...workbook(aes), signal: abort.signal })).rejects.toBeInstanceOf(
      ExportCancelledError,
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(`${target}.part`)).toBe(false);
  });

  it('a failing row (a cursor error) rejects with that error and leaves no file', async () => {
    const target = path.join(dir, 'failed.xlsx');
    const closed = { value: false };
    let n = 0;
    const run = writeWorkbook(target, {
      ...base,
      sheets: [
        sheet({
          name: 'Big',
          columns: [
            {
              header: 'seq',
              kind: 'integer',
              value: (r: Ae) => {
                if (++n === 2500) throw new Error('database is locked');
                return r.seq;
              },
            },
          ],
          rows: endless(closed),
        }),
      ],
    });
    await expect(run).rejects.toThrow('database is locked');
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(`${target}.part`)).toBe(false);
    expect(closed.value).toBe(true);
  });

  it('a cancelled download stream is left open (not ended as if complete) for the caller to destroy', async () => {
    const sink = new PassThrough();
    sink.resume();
    const abort = new AbortController();
    const run = writeWorkbook(sink, {
      ...base,
      signal: abort.signal,
      onProgress: (n) => {
        if (n >= 2000) abort.abort();
      },
      sheets: [sheet({ name: 'Big', columns: aeColumns, rows: endless({ value: false }) })],
    });
    await expect(run).rejects.toBeInstanceOf(ExportCancelledError);
    expect(sink.writableEnded).toBe(false);
    sink.destroy();
  });

  it('an output that fails (disk full) rejects with its error instead of hanging, early or late', async () => {
    const failing = (failAfter: number) => {
      let written = 0;
      return new Writable({
        write(chunk: Buffer, _enc, cb) {
          written += chunk.length;
          cb(written > failAfter ? new Error('ENOSPC: no space left on device') : null);
        },
      });
    };
    // late: while a big sheet is being written
    const closed = { value: false };
    await expect(
      writeWorkbook(failing(100_000), {
        ...base,
        sheets: [sheet({ name: 'Big', columns: aeColumns, rows: endless(closed) })],
      }),
    ).rejects.toThrow('ENOSPC');
    expect(closed.value).toBe(true);
    // early: the output fails while a slow source is still being read, and the sheet ends before the next check
    await expect(
      writeWorkbook(failing(0), { ...base, sheets: [sheet({ name: 'Slow', columns: aeColumns, rows: slowly(aes) })] }),
    ).rejects.toThrow('ENOSPC');
  });

  it('an unwritable target rejects with the file system error', async () => {
    await expect(writeWorkbook(path.join(dir, 'no-such-dir', 'x.xlsx'), workbook(aes))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
