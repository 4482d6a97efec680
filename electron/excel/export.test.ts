import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { safeText, wallClock, writeTableExport } from './export';
import { openPackage, packageProblems } from './inspect';

describe('safeText', () => {
  it('neutralises text a spreadsheet could take for a formula, and only that', () => {
    for (const s of ['=1+1', '+86 138', '-5', '@SUM(A1)', '\tx', '\rx', '\nx']) expect(safeText(s)).toBe(`'${s}`);
    for (const s of ['V2.0', '张磊', 'a=b', '', "'quoted", ' =x']) expect(safeText(s)).toBe(s);
  });
});

describe('writeTableExport', () => {
  it('writes headers, numbers, date-times and text as values, with an empty table still valid', async () => {
    const bytes = await writeTableExport<{ n: number; at: string; s: string }>({
      title: 'T',
      readMe: [['=label', '-value']],
      readMeSheetName: 'Read me',
      sheetName: 'Data',
      columns: [
        { header: 'N', width: 6, kind: 'number', value: (r) => r.n },
        { header: 'At', width: 20, kind: 'datetime', value: (r) => wallClock(r.at, 480) },
        { header: '=S', width: 20, kind: 'text', value: (r) => r.s },
      ],
      rows: [{ n: 1, at: '2026-01-01T16:30:00.000Z', s: '@x' }],
      creator: 'me',
      now: new Date('2026-01-02T00:00:00.000Z'),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const [readMe, data] = wb.worksheets;
    expect(readMe!.getRow(3).values).toEqual([undefined, "'=label", "'-value"]);
    expect(data!.getRow(1).values).toEqual([undefined, 'N', 'At', "'=S"]);
    expect(data!.getRow(2).values).toEqual([undefined, 1, new Date('2026-01-02T00:30:00.000Z'), "'@x"]);
    expect(data!.autoFilter).toBe('A1:C2');
    expect(data!.getRow(2).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(data!.getColumn(3).width).toBe(20);
    expect(packageProblems(await openPackage(bytes))).toEqual([]);

    const empty = await writeTableExport<number>({
      title: 'T',
      readMe: [],
      readMeSheetName: 'R',
      sheetName: 'D',
      columns: [{ header: 'N', width: 6, kind: 'number', value: (r) => r }],
      rows: [],
      creator: 'me',
      now: new Date(),
    });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(empty as unknown as ArrayBuffer);
    expect(wb2.worksheets[1]!.rowCount).toBe(1);
  });
});
