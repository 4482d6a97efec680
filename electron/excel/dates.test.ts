/**
 * Dates and instants out of cells: every form of DOMAIN.md "Dates in the wild", the refusals (ambiguous day/month, invalid
 * calendar dates, two-digit years, years outside 1900–2100, partial dates where a full one is needed), Excel serials
 * checked against exceljs's own reading of real workbooks in both date systems, and the same answers under three time
 * zones in child processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import en from '../../renderer/i18n/en';
import zhCN from '../../renderer/i18n/zh-CN';
import type { Cell } from './cell';
import { parseDate, parseDateTime, type DateOptions, type DateTimeOptions, type Refusal } from './dates';

const text = (t: string): Cell => ({ kind: 'text', text: t });
const num = (value: number): Cell => ({ kind: 'number', value });
const day = (value: string) => ({ ok: true, value, precision: 'day' });
const refused = (key: string, params: Record<string, string | number> = {}) => ({
  ok: false,
  key,
  params: expect.objectContaining(params) as unknown,
});

const DAY_MS = 86_400_000;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-dates-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseDate: the text forms of DOMAIN.md', () => {
  it.each([
    ['2024-03-05', '2024-03-05'],
    ['2024-3-5', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024/03/05', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024 年 03 月 05 日', '2024-03-05'],
    ['2024年3月5号', '2024-03-05'],
    ['２０２４年３月５日', '2024-03-05'],
    ['２０２４－０３－０５', '2024-03-05'],
    ['05-Mar-2024', '2024-03-05'],
    ['5-mar-2024', '2024-03-05'],
    ['5 Mar 2024', '2024-03-05'],
    ['5 March 2024', '2024-03-05'],
    ['05MAR2024', '2024-03-05'],
    ['05 Sept 2024', '2024-09-05'],
    ['Mar 5, 2024', '2024-03-05'],
    ['March 5th 2024', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['  2024-03-05\u00a0', '2024-03-05'],
    // ISO 8601 with a time part: the date part counts, whatever the zone says
    ['2024-03-05T14:30', '2024-03-05'],
    ['2024-03-05T23:30:00-05:00', '2024-03-05'],
    ['2024-03-05T00:30:00.000+14:00', '2024-03-05'],
    ['2024-03-05 14:30:15', '2024-03-05'],
    ['2024/3/5 14:30', '2024-03-05'],
    ['2024年3月5日 14时30分', '2024-03-05'],
    ['2024年3月5日14点', '2024-03-05'],
    ['05MAR2024:14:30:00', '2024-03-05'],
    // leap days that exist
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['1900-01-01', '1900-01-01'],
    ['2100-12-31', '2100-12-31'],
  ])('%s → %s', (input, expected) => {
    expect(parseDate(text(input))).toEqual(day(expected));
  });

  it('reads partial dates only when the column allows them, and says so otherwise', () => {
    const partial: DateOptions = { allowPartial: true };
    expect(parseDate(text('2024-03'), partial)).toEqual({ ok: true, value: '2024-03', precision: 'month' });
    expect(parseDate(text('2024/3'), partial)).toEqual({ ok: true, value: '2024-03', precision: 'month' });
    expect(parseDate(text('2024年3月'), partial)).toEqual({ ok: true, value: '2024-03', precision: 'month' });
    expect(parseDate(text('MAR2024'), partial)).toEqual({ ok: true, value: '2024-03', precision: 'month' });
    expect(parseDate(text('2024'), partial)).toEqual({ ok: true, value: '2024', precision: 'year' });
    expect(parseDate(text('2024年'), partial)).toEqual({ ok: true, value: '2024', precision: 'year' });
    expect(parseDate(num(2024), partial)).toEqual({ ok: true, value: '2024', precision: 'year' });
    for (const s of ['2024-03', '2024年3月', '2024', 'Mar 2024'])
      expect(parseDate(text(s))).toEqual(refused('excel.partialDate', { value: s }));
    expect(parseDate(text('2024-13'), partial)).toEqual(refused('excel.invalidDate'));
    expect(parseDate(text('1850-03'), partial)).toEqual(refused('excel.dateOutOfRange', { year: 1850 }));
    // a partial date with a time of day is not a form anyone means
    expect(parseDate(text('2024-03 14:30'), partial)).toEqual(refused('excel.notADate'));
  });

  it('refuses dates the calendar does not have', () => {
    for (const s of [
      '2023-02-29',
      '2100-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024/2/30',
      '2024年2月30日',
    ])
      expect(parseDate(text(s))).toEqual(refused('excel.invalidDate', { value: s }));
    expect(parseDate(text('31-Apr-2024'))).toEqual(refused('excel.invalidDate'));
    expect(parseDate(text('20240230'))).toEqual(refused('excel.invalidDate'));
  });

  it('refuses years outside 1900–2100 with the year named', () => {
    expect(parseDate(text('1899-12-31'))).toEqual(refused('excel.dateOutOfRange', { year: 1899 }));
    expect(parseDate(text('2204-03-05'))).toEqual(refused('excel.dateOutOfRange', { year: 2204 }));
    expect(parseDate(text('0224-03-05'))).toEqual(refused('excel.dateOutOfRange', { year: 224 }));
    expect(parseDate(text('05-Mar-1850'))).toEqual(refused('excel.dateOutOfRange', { year: 1850 }));
    expect(parseDate(text('03/05/1850'), { dayMonthOrder: 'dmy' })).toEqual(
      refused('excel.dateOutOfRange', { year: 1850 }),
    );
  });

  it('refuses text that is no date, and a malformed time after a date', () => {
    for (const s of ['foo', '14:30', '2024-03-05x', '03/05', '5 Foo 2024', '2024-3-5-6', '1/2/3', '2024-03-051'])
      expect(parseDate(text(s))).toEqual(refused('excel.notADate', { value: s }));
    for (const s of ['2024-03-05 25:00', '2024-03-05T14:60', '2024-03-05 13:00 PM', '2024-03-05T10:00+15:00'])
      expect(parseDate(text(s))).toEqual(refused('excel.invalidTime', { value: s }));
  });
});

describe('parseDate: day/month order is never guessed', () => {
  it('refuses 03/05/2024 and names both dates it could be', () => {
    expect(parseDate(text('03/05/2024'))).toEqual(
      refused('excel.ambiguousDate', { value: '03/05/2024', dmy: '2024-05-03', mdy: '2024-03-05' }),
    );
    expect(parseDate(text('05.03.2024'))).toEqual(
      refused('excel.ambiguousDate', { dmy: '2024-03-05', mdy: '2024-05-03' }),
    );
    expect(parseDate(text('5-3-2024'))).toEqual(refused('excel.ambiguousDate', { dmy: '2024-03-05' }));
  });

  it('refuses the whole family without the setting, even where one reading is impossible', () => {
    expect(parseDate(text('13/05/2024'))).toEqual(
      refused('excel.dayMonthOrderRequired', { value: '13/05/2024', date: '2024-05-13' }),
    );
    expect(parseDate(text('05/13/2024'))).toEqual(refused('excel.dayMonthOrderRequired', { date: '2024-05-13' }));
    expect(parseDate(text('03/03/2024'))).toEqual(refused('excel.dayMonthOrderRequired', { date: '2024-03-03' }));
    expect(parseDate(text('13/13/2024'))).toEqual(refused('excel.invalidDate'));
  });

  it('reads the family by the mapping’s setting, and refuses what the setting makes invalid', () => {
    const dmy: DateOptions = { dayMonthOrder: 'dmy' };
    const mdy: DateOptions = { dayMonthOrder: 'mdy' };
    expect(parseDate(text('03/05/2024'), dmy)).toEqual(day('2024-05-03'));
    expect(parseDate(text('03/05/2024'), mdy)).toEqual(day('2024-03-05'));
    expect(parseDate(text('05.03.2024'), dmy)).toEqual(day('2024-03-05'));
    expect(parseDate(text('13/05/2024'), dmy)).toEqual(day('2024-05-13'));
    expect(parseDate(text('13/05/2024'), mdy)).toEqual(
      refused('excel.invalidDateForOrder', { value: '13/05/2024', order: 'MM/DD' }),
    );
    expect(parseDate(text('31/04/2024'), dmy)).toEqual(refused('excel.invalidDateForOrder', { order: 'DD/MM' }));
    expect(parseDate(text('3/5/2024 14:30'), mdy)).toEqual(day('2024-03-05'));
    // the setting does not touch unambiguous forms
    expect(parseDate(text('2024/3/5'), dmy)).toEqual(day('2024-03-05'));
  });
});

describe('parseDate: two-digit years', () => {
  it('refuses them without a pivot, in every form that has one', () => {
    for (const s of ['3/5/24', '05-Mar-24', '05MAR24', 'Mar 5, 24'])
      expect(parseDate(text(s), { dayMonthOrder: 'mdy' })).toEqual(refused('excel.twoDigitYear', { value: s }));
  });

  it('reads them by the pivot: yy below it is 20yy, else 19yy', () => {
    const opts: DateOptions = { dayMonthOrder: 'mdy', twoDigitYearPivot: 30 };
    expect(parseDate(text('3/5/24'), opts)).toEqual(day('2024-03-05'));
    expect(parseDate(text('3/5/45'), opts)).toEqual(day('1945-03-05'));
    expect(parseDate(text('05MAR24'), opts)).toEqual(day('2024-03-05'));
    expect(parseDate(text('05MAR99'), opts)).toEqual(day('1999-03-05'));
    expect(parseDate(text('05MAR99'), { twoDigitYearPivot: 100 })).toEqual(day('2099-03-05'));
  });
});

describe('parseDate: cells that are not text', () => {
  it('takes a date cell’s calendar parts as they are, and drops its time', () => {
    expect(parseDate({ kind: 'date', date: '2024-03-05' })).toEqual(day('2024-03-05'));
    expect(parseDate({ kind: 'date', date: '2024-03-05', time: '23:59:59' })).toEqual(day('2024-03-05'));
    expect(parseDate({ kind: 'date', date: '1850-03-05' })).toEqual(refused('excel.dateOutOfRange', { year: 1850 }));
    expect(parseDate({ kind: 'date', date: '1899-12-30', time: '14:30' })).toEqual(
      refused('excel.timeOnly', { value: '1899-12-30 14:30' }),
    );
    expect(parseDate({ kind: 'date', date: '2024-03-05', time: '25:00' })).toEqual(refused('excel.invalidTime'));
  });

  it('reads Excel serials with the 1900 leap-year bug: 1–59 as Excel shows them, 60 refused', () => {
    expect(parseDate(num(1))).toEqual(day('1900-01-01'));
    expect(parseDate(num(59))).toEqual(day('1900-02-28'));
    expect(parseDate(num(60))).toEqual(refused('excel.serialLeapDay', { value: '60' }));
    expect(parseDate(num(61))).toEqual(day('1900-03-01'));
    expect(parseDate(num(45356))).toEqual(day('2024-03-05'));
    expect(parseDate(num(45356.999))).toEqual(day('2024-03-05'));
    expect(parseDate(num(73415))).toEqual(day('2100-12-31'));
    // every day of 1900–2100 agrees with plain UTC arithmetic from Excel's epoch (1899-12-30, or 12-31 before the bug),
    // except 1900–2100 themselves: a number cell holding one is a typed year (serials 1900–2100 are days of 1905)
    const wrong: number[] = [];
    for (let n = 1; n <= 73415; n++) {
      if (n === 60 || (n >= 1900 && n <= 2100)) continue;
      const expected = new Date(Date.UTC(1899, 11, n < 60 ? 31 : 30) + n * DAY_MS).toISOString().slice(0, 10);
      const got = parseDate(num(n));
      if (!got.ok || got.value !== expected) wrong.push(n);
    }
    expect(wrong).toEqual([]);
  });

  it('reads the 1904 system: serial 0 is 1904-01-01, no leap bug', () => {
    const mac: DateOptions = { date1904: true };
    expect(parseDate(num(0), mac)).toEqual(day('1904-01-01'));
    expect(parseDate(num(59), mac)).toEqual(day('1904-02-29'));
    expect(parseDate(num(60), mac)).toEqual(day('1904-03-01'));
    expect(parseDate(num(45356 - 1462), mac)).toEqual(day('2024-03-05'));
    expect(parseDate(num(73415 - 1462), mac)).toEqual(day('2100-12-31'));
    expect(parseDate(num(73416 - 1462), mac)).toEqual(refused('excel.notADate'));
  });

  it('reads typed years and YYYYMMDD numbers, and refuses other numbers', () => {
    expect(parseDate(num(20240305))).toEqual(day('2024-03-05'));
    expect(parseDate(num(20240230))).toEqual(refused('excel.invalidDate'));
    expect(parseDate(num(2024))).toEqual(refused('excel.partialDate', { value: '2024' }));
    expect(parseDate(num(0.5))).toEqual(refused('excel.timeOnly'));
    for (const v of [0, -1, 73416, 1e6, NaN, Infinity]) expect(parseDate(num(v))).toEqual(refused('excel.notADate'));
  });

  it('refuses blanks, booleans, error values and formulas without a result, each with its own reason', () => {
    expect(parseDate({ kind: 'empty' })).toEqual(refused('validation.required'));
    expect(parseDate(text('  \u3000'))).toEqual(refused('validation.required'));
    expect(parseDate({ kind: 'bool', value: true })).toEqual(refused('excel.notADate', { value: 'TRUE' }));
    expect(parseDate({ kind: 'error', error: '#N/A' })).toEqual(refused('excel.errorValue', { value: '#N/A' }));
    expect(parseDate({ kind: 'formula', formula: 'TODAY()' })).toEqual(
      refused('excel.formulaWithoutResult', { value: '=TODAY()' }),
    );
  });
});

describe('Excel serials against exceljs’s own reading of real workbooks', () => {
  // serials from 1900-03-01 on (exceljs itself ignores the leap bug before it): every 97th day to 2100, and edges
  const serials = [61, 45352, 45356, 45716, 73415];
  for (let n = 61; n <= 73415; n += 97) serials.push(n);

  it.each([false, true])('date1904 = %s', async (date1904) => {
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = date1904;
    const ws = wb.addWorksheet('Dates');
    const offset = date1904 ? 1462 : 0;
    const usable = serials.map((n) => n - offset).filter((n) => n >= (date1904 ? 0 : 61));
    usable.forEach((n, i) => {
      const cell = ws.getCell(i + 1, 1);
      cell.value = n + 0.25; // 06:00 on that day
      cell.numFmt = 'yyyy-mm-dd hh:mm';
    });
    const file = path.join(tmp, `serials-${date1904}.xlsx`);
    await wb.xlsx.writeFile(file);

    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(file);
    const sheet = back.getWorksheet('Dates')!;
    const mismatches: string[] = [];
    usable.forEach((n, i) => {
      const v = sheet.getCell(i + 1, 1).value;
      if (!(v instanceof Date)) throw new Error(`row ${i + 1}: exceljs gave ${JSON.stringify(v)}`);
      const iso = v.toISOString(); // exceljs gives the cell's wall clock as UTC fields
      const date = parseDate(num(n + 0.25), { date1904 });
      const instant = parseDateTime(num(n + 0.25), { date1904, utcOffsetMinutes: 0 });
      if (!date.ok || date.value !== iso.slice(0, 10) || !instant.ok || instant.value !== iso)
        mismatches.push(`${n}: exceljs ${iso}, ours ${JSON.stringify([date, instant])}`);
    });
    expect(usable.length).toBeGreaterThan(700);
    expect(mismatches).toEqual([]);
  });
});

describe('parseDateTime: instants', () => {
  const shanghai: DateTimeOptions = { utcOffsetMinutes: 480, dayMonthOrder: 'mdy' };
  const instant = (value: string, hasTime = true) => ({ ok: true, value, hasTime });

  it.each([
    ['2024-03-05 14:30', '2024-03-05T06:30:00.000Z'],
    ['2024/3/5 14:30:00', '2024-03-05T06:30:00.000Z'],
    ['2024-03-05T14:30', '2024-03-05T06:30:00.000Z'],
    ['2024年3月5日 14时30分', '2024-03-05T06:30:00.000Z'],
    ['2024年3月5日14时30分15秒', '2024-03-05T06:30:15.000Z'],
    ['2024年3月5日 14点', '2024-03-05T06:00:00.000Z'],
    ['２０２４－０３－０５　１４：３０', '2024-03-05T06:30:00.000Z'],
    ['05-Mar-2024 14:30', '2024-03-05T06:30:00.000Z'],
    ['05MAR2024:14:30:00', '2024-03-05T06:30:00.000Z'],
    ['3/5/2024 2:30 PM', '2024-03-05T06:30:00.000Z'],
    ['3/5/2024 12:15 AM', '2024-03-04T16:15:00.000Z'],
    ['3/5/2024 12:15 PM', '2024-03-05T04:15:00.000Z'],
    ['2024-03-05 06:00:00.5', '2024-03-04T22:00:00.500Z'],
    // a zone in the text wins over the site's
    ['2024-03-05T14:30+08:00', '2024-03-05T06:30:00.000Z'],
    ['2024-03-05T14:30:00Z', '2024-03-05T14:30:00.000Z'],
    ['2024-03-05T14:30:00-0500', '2024-03-05T19:30:00.000Z'],
    ['2024-03-05T14:30+05:45', '2024-03-05T08:45:00.000Z'],
    // the site's midnight crosses back into the previous UTC day, month and year
    ['2024-01-01 07:59', '2023-12-31T23:59:00.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(parseDateTime(text(input), shanghai)).toEqual(instant(expected));
  });

  it('reads a date without a time as the site’s midnight, and says it had no time', () => {
    expect(parseDateTime(text('2024-03-05'), shanghai)).toEqual(instant('2024-03-04T16:00:00.000Z', false));
    expect(parseDateTime({ kind: 'date', date: '2024-03-05' }, shanghai)).toEqual(
      instant('2024-03-04T16:00:00.000Z', false),
    );
    expect(parseDateTime(num(45356), shanghai)).toEqual(instant('2024-03-04T16:00:00.000Z', false));
  });

  it('reads date cells with a time and serial fractions as the site’s wall clock', () => {
    expect(parseDateTime({ kind: 'date', date: '2024-03-05', time: '14:30' }, shanghai)).toEqual(
      instant('2024-03-05T06:30:00.000Z'),
    );
    expect(parseDateTime({ kind: 'date', date: '2024-03-05', time: '14:30:15' }, shanghai)).toEqual(
      instant('2024-03-05T06:30:15.000Z'),
    );
    expect(parseDateTime(num(45356 + 14.5 / 24), shanghai)).toEqual(instant('2024-03-05T06:30:00.000Z'));
    expect(parseDateTime(num(45356 + 14.5 / 24), { utcOffsetMinutes: -300 })).toEqual(
      instant('2024-03-05T19:30:00.000Z'),
    );
    // a float a hair below midnight is the next day, not 23:59:59.999…
    expect(parseDateTime(num(45356.99999999999), { utcOffsetMinutes: 0 })).toEqual(
      instant('2024-03-06T00:00:00.000Z', false),
    );
    expect(parseDateTime(num(45356 - 1462 + 0.75), { utcOffsetMinutes: 0, date1904: true })).toEqual(
      instant('2024-03-05T18:00:00.000Z'),
    );
  });

  it('writes the same instants as Date#toISOString across 1900–2100, at any second of the day and offset', () => {
    const wrong: string[] = [];
    for (let n = 61; n <= 73415; n += 37) {
      if (n >= 1900 && n <= 2100) continue; // typed years
      const seconds = (n * 7919) % 86_400;
      for (const offset of [0, 480, -780, 345]) {
        const got = parseDateTime(num(n + seconds / 86_400), { utcOffsetMinutes: offset });
        const expected = new Date(Date.UTC(1899, 11, 30) + n * DAY_MS + (seconds - offset * 60) * 1000).toISOString();
        if (!got.ok || got.value !== expected) wrong.push(`${n}+${seconds}s@${offset}: ${JSON.stringify(got)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses partial dates, bad times and everything parseDate refuses', () => {
    expect(parseDateTime(text('2024-03'), shanghai)).toEqual(refused('excel.partialDate'));
    expect(parseDateTime(num(2024), shanghai)).toEqual(refused('excel.partialDate'));
    expect(parseDateTime(text('2024-03-05 24:00'), shanghai)).toEqual(refused('excel.invalidTime'));
    expect(parseDateTime(text('2024-03-05 0:30 AM'), shanghai)).toEqual(refused('excel.invalidTime'));
    expect(parseDateTime(text('03/05/2024 14:30'), { utcOffsetMinutes: 480 })).toEqual(refused('excel.ambiguousDate'));
    expect(parseDateTime(text('2023-02-29 10:00'), shanghai)).toEqual(refused('excel.invalidDate'));
    expect(parseDateTime({ kind: 'empty' }, shanghai)).toEqual(refused('validation.required'));
  });
});

describe('the same answers in every time zone', () => {
  // cells whose reading a local-time Date would shift: midnights, serials, zones, the ends of months and years
  const cases: { cell: Cell; opts: DateTimeOptions & DateOptions }[] = [
    ...['2024-03-05', '2024-01-01', '2024-12-31', '05MAR2024', '2024年3月5日', '1900-03-01', '2100-12-31'].map((t) => ({
      cell: text(t),
      opts: { utcOffsetMinutes: 480 },
    })),
    ...[45356, 45292, 45657, 61, 1, 73415, 45356.5, 45356.99].map((v) => ({
      cell: num(v),
      opts: { utcOffsetMinutes: 480 },
    })),
    { cell: num(43894), opts: { utcOffsetMinutes: 0, date1904: true } },
    { cell: { kind: 'date', date: '2024-03-31', time: '23:30' }, opts: { utcOffsetMinutes: 480 } },
    { cell: { kind: 'date', date: '2024-01-01' }, opts: { utcOffsetMinutes: -480 } },
    { cell: text('2024-03-31 00:30'), opts: { utcOffsetMinutes: 780 } },
    { cell: text('2024-03-05T23:30:00-05:00'), opts: { utcOffsetMinutes: 480 } },
    { cell: text('03/05/2024'), opts: { utcOffsetMinutes: 480, dayMonthOrder: 'dmy' } },
  ];
  const script = path.join(tmp, 'zones.ts');
  writeFileSync(
    script,
    [
      `import { parseDate, parseDateTime } from ${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'dates.ts')).href)};`,
      `const cases = JSON.parse(process.argv[2]);`,
      `const results = cases.map((c) => [parseDate(c.cell, c.opts), parseDateTime(c.cell, c.opts)]);`,
      `console.log(JSON.stringify({ offset: new Date(2024, 0, 1).getTimezoneOffset(), results }));`,
    ].join('\n'),
  );
  const inZone = (tz: string): { offset: number; results: unknown[] } =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', script, JSON.stringify(cases)], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      }),
    ) as { offset: number; results: unknown[] };

  it('Pacific/Auckland, America/Los_Angeles and UTC agree with each other and with the expected values', () => {
    const auckland = inZone('Pacific/Auckland');
    const losAngeles = inZone('America/Los_Angeles');
    const utc = inZone('UTC');
    // the zones really applied: a Date in local time would have moved by these offsets
    expect([auckland.offset, losAngeles.offset, utc.offset]).toEqual([-780, 480, 0]);
    expect(losAngeles.results).toEqual(auckland.results);
    expect(utc.results).toEqual(auckland.results);
    const expected = cases.map((c) => [parseDate(c.cell, c.opts), parseDateTime(c.cell, c.opts)]);
    expect(auckland.results).toEqual(JSON.parse(JSON.stringify(expected)));
    // and the values are the right ones, not just the same ones
    const dates = (auckland.results as [{ value?: string }, { value?: string }][]).map(([d, t]) => [d.value, t.value]);
    expect(dates.slice(0, 3)).toEqual([
      ['2024-03-05', '2024-03-04T16:00:00.000Z'],
      ['2024-01-01', '2023-12-31T16:00:00.000Z'],
      ['2024-12-31', '2024-12-30T16:00:00.000Z'],
    ]);
    expect(dates[7]).toEqual(['2024-03-05', '2024-03-04T16:00:00.000Z']);
    expect(dates.slice(-6)).toEqual([
      ['2024-03-05', '2024-03-05T00:00:00.000Z'],
      ['2024-03-31', '2024-03-31T15:30:00.000Z'],
      ['2024-01-01', '2024-01-01T08:00:00.000Z'],
      ['2024-03-31', '2024-03-30T11:30:00.000Z'],
      ['2024-03-05', '2024-03-06T04:30:00.000Z'],
      ['2024-05-03', '2024-05-02T16:00:00.000Z'],
    ]);
  });
});

describe('messages', () => {
  const refusals: Refusal[] = [];
  const collect = (r: { ok: boolean }) => {
    if (!r.ok) refusals.push(r as Refusal);
  };
  const inputs = [
    'foo',
    '2023-02-29',
    '13/05/2024',
    '03/05/2024',
    '3/5/24',
    '1850-01-01',
    '2024-03',
    '2024-03-05 25:00',
  ];
  for (const s of inputs) collect(parseDate(text(s)));
  collect(parseDate(text('13/05/2024'), { dayMonthOrder: 'mdy' }));
  for (const cell of [
    num(60),
    num(0.5),
    { kind: 'empty' },
    { kind: 'error', error: '#REF!' },
    { kind: 'formula', formula: 'A1+1' },
  ] as Cell[])
    collect(parseDate(cell));

  const lookup = (messages: object, key: string): unknown =>
    key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);

  it.each([
    ['zh-CN', zhCN.msg],
    ['en', en.msg],
  ])('%s has a message for every refusal, and every {{param}} it uses is given', (_lang, messages) => {
    expect(new Set(refusals.map((r) => r.key)).size).toBe(14);
    for (const r of refusals) {
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
