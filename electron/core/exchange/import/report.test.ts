/**
 * The import report as a workbook, through the handler table on the small demo seed: a sponsor's AE file with rejected
 * rows and an unknown header is validated (in Chinese), its report downloaded in Chinese and in English and read back
 * with exceljs — the summary's counts, every rejection's sheet, row, column, value and reason (in the workbook's
 * language, whatever language the validation ran in), the unknown header; a frozen bold header and an autofilter on
 * each table; formula-looking values stay text. Another user's or an unknown run is refused with a translated reason.
 */
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport, InputOf, Locale } from '../../../api';
import type { Session } from '../../../handlers';
import { safeText } from '../../../excel/write';
import { translate } from '../../messages';
import { openSeeded, type Seeded } from '../../../testing/seeded';
import { exchangeEn } from '../../../../renderer/i18n/exchange.en';
import { exchangeZh } from '../../../../renderer/i18n/exchange.zh-CN';

let t: Seeded;
let sqlite: Database.Database;
let study: number;
let protocol: string;
let jobs = 0;

const validate = (bytes: Buffer, over: Partial<InputOf<'imports.validate'>> = {}) =>
  t.call<ImportReport>('imports.validate', {
    kind: 'aes',
    studyId: study,
    fileName: 'sponsor-aes.xlsx',
    base64: bytes.toString('base64'),
    jobId: `job-report-${++jobs}`,
    lang: 'zh-CN',
    utcOffsetMinutes: 480,
    ...over,
  } satisfies InputOf<'imports.validate'>);

async function download(jobId: string, lang: Locale, session?: Session) {
  const out = await t.call<{ fileName: string; base64: string }>('imports.report', { jobId, lang }, session);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(out.base64, 'base64') as unknown as ArrayBuffer);
  return { fileName: out.fileName, wb };
}

/** A sheet's rows as plain values (row 1 = header), empty cells as null. */
function valuesOf(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values = (row.values as unknown[]).slice(1);
    rows[n - 1] = Array.from({ length: ws.columnCount }, (_, i) => values[i] ?? null);
  });
  return rows;
}

async function sponsorWorkbook(header: string[], rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('AE');
  ws.addRow(['某申办方 AE 汇总表']);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  t = await openSeeded('import-report');
  sqlite = t.sqlite;
  ({ id: study, protocol_number: protocol } = sqlite
    .prepare(
      `SELECT st.id, st.protocol_number FROM adverse_events a JOIN studies st ON st.id = a.study_id
       LEFT JOIN safety_settings ss ON ss.study_id = a.study_id
       WHERE coalesce(ss.severity_scale, 'ctcae') = 'ctcae' GROUP BY st.id ORDER BY count(*) DESC LIMIT 1`,
    )
    .get() as { id: number; protocol_number: string });
}, 120_000);
afterAll(() => t.cleanup());

describe('import report workbook', () => {
  it('holds the summary, every rejected cell with its reason and the unknown header, in Chinese and in English', async () => {
    const subject = sqlite
      .prepare(
        `SELECT subject_number, first_consent_date FROM subjects
         WHERE study_id = ? AND subject_number IS NOT NULL AND first_consent_date IS NOT NULL ORDER BY id LIMIT 1`,
      )
      .get(study) as { subject_number: string; first_consent_date: string };
    const day = subject.first_consent_date;
    const bytes = await sponsorWorkbook(
      ['受试者编号', 'AE名称', 'CTCAE分级', '开始日期', '转归', '备注（申办方）'],
      [
        [subject.subject_number, '发热', 1, day, '痊愈', 'ok'],
        ['=HYPERLINK("x")', '头痛', 1, day, '痊愈', null],
        [subject.subject_number, '皮疹', 2, '2025/2/30', '未恢复', null],
        [subject.subject_number, '腹泻', 'Ⅱ级?', '1999-01-01', '痊愈', null],
      ],
    );
    const report = await validate(bytes);
    expect(report.jobId).toBe(`job-report-${jobs}`);
    expect(report.token).toBeNull();
    expect(report.rejectedRows).toBe(3);
    expect(report.rejected.length).toBeGreaterThanOrEqual(3);
    expect(report.unknownHeaders.map((u) => u.text)).toEqual(['备注（申办方）']);

    for (const lang of ['zh-CN', 'en'] as const) {
      const words = (lang === 'zh-CN' ? exchangeZh : exchangeEn).import;
      const { fileName, wb } = await download(report.jobId, lang);
      expect(fileName).toMatch(
        lang === 'zh-CN' ? /^sponsor-aes_导入报告_\d{12}\.xlsx$/ : /^sponsor-aes_import-report_\d{12}\.xlsx$/,
      );
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        words.reportFile.summary,
        words.rejections.title,
        words.reportFile.unknownHeaders,
      ]);

      // the summary: label → value, the counts as numbers
      const summary = new Map(valuesOf(wb.worksheets[0]!).map(([k, v]) => [String(k), v]));
      expect(summary.get(words.reportFile.file)).toBe('sponsor-aes.xlsx');
      expect(summary.get(words.reportFile.sha256)).toBe(report.sha256);
      expect(summary.get(words.reportFile.kind)).toBe(words.kinds.aes);
      expect(String(summary.get(words.reportFile.study))).toContain(protocol);
      expect(summary.get(words.report.created)).toBe(report.created);
      expect(summary.get(words.report.unchanged)).toBe(0);
      expect(summary.get(words.report.rejected)).toBe(3);
      expect(summary.get(words.reportFile.rejectedCells)).toBe(report.rejected.length);
      expect(summary.get(words.reportFile.importedBefore)).toBe(words.reportFile.no);
      expect(String(summary.get(words.reportFile.validatedAt))).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d \(UTC\+08:00\)$/);
      const [read] = report.sheets;
      expect(summary.get(lang === 'zh-CN' ? '读取的工作表“AE”' : 'Sheet read: “AE”')).toBe(
        lang === 'zh-CN'
          ? `表头在第 2 行；${read!.rows} 行的单元格均可读取`
          : `header in row 2; ${read!.rows} rows whose cells could all be read`,
      );

      // every rejection, cell by cell, its reason in the workbook's language (the validation ran in Chinese)
      const ws = wb.worksheets[1]!;
      const rows = valuesOf(ws);
      const c = words.rejections;
      expect(rows[0]).toEqual([c.sheet, c.row, c.column, c.value, c.reason]);
      expect(rows.slice(1)).toEqual(
        report.rejected.map((r) => [
          r.sheet,
          r.row > 0 ? r.row : c.wholeSheet,
          r.column || null,
          // formula-looking text gets the writer's leading quote
          safeText(r.value) || null,
          translate(lang, r.messageKey, r.params),
        ]),
      );
      const byKey = (key: string) => rows.find((_, i) => report.rejected[i - 1]?.messageKey === key);
      expect(byKey('exchange.unknownSubject')?.slice(0, 4)).toEqual(['AE', 4, 'A', `'=HYPERLINK("x")`]);
      expect(byKey('excel.invalidDate')?.slice(0, 4)).toEqual(['AE', 5, 'D', '2025/2/30']);
      const reason = String(byKey('excel.invalidDate')![4]);
      expect(reason).toContain('2025/2/30');
      expect(reason).toMatch(lang === 'zh-CN' ? /日历上存在/ : /[a-z]{3,} /);
      expect(reason).not.toMatch(lang === 'zh-CN' ? /^[\x20-\x7e]+$/ : /[\u4e00-\u9fff]{2}/);
      // a formula-looking value is text in the report, not a formula
      const cell = ws.getCell(rows.findIndex((r) => r[3] === `'=HYPERLINK("x")`) + 1, 4);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      // frozen bold header and an autofilter over the table
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.getCell('A1').font?.bold).toBe(true);
      expect(ws.autoFilter).toBeTruthy();

      expect(valuesOf(wb.worksheets[2]!)).toEqual([
        [c.sheet, c.column, words.reportFile.header],
        ['AE', 'F', '备注（申办方）'],
      ]);
    }
  });

  it('a clean report has an empty rejections sheet and says it can be imported; no unknown-header sheet', async () => {
    const subject = sqlite
      .prepare(
        `SELECT subject_number, first_consent_date FROM subjects
         WHERE study_id = ? AND subject_number IS NOT NULL AND first_consent_date IS NOT NULL ORDER BY id LIMIT 1 OFFSET 1`,
      )
      .get(study) as { subject_number: string; first_consent_date: string };
    const report = await validate(
      await sponsorWorkbook(
        ['受试者编号', 'AE名称', 'CTCAE分级', '开始日期', '转归'],
        [[subject.subject_number, '乏力（报告测试）', 1, subject.first_consent_date, '痊愈']],
      ),
      { lang: 'en' },
    );
    expect(report.rejected).toEqual([]);
    expect(report.token).not.toBeNull();
    const { wb } = await download(report.jobId, 'zh-CN');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概要', '被拒绝的单元格']);
    expect(valuesOf(wb.worksheets[1]!)).toHaveLength(1);
    const summary = new Map(valuesOf(wb.worksheets[0]!).map(([k, v]) => [String(k), v]));
    expect(summary.get('新建')).toBe(1);
    expect(summary.get('结论')).toBe(exchangeZh.import.report.ready);
  });

  it('a problem of the whole sheet (no header row): its row reads 整表, the outcome says the file is refused', async () => {
    const blank = new ExcelJS.Workbook();
    blank.addWorksheet('AE');
    const report = await validate(Buffer.from(await blank.xlsx.writeBuffer()));
    expect(report).toMatchObject({ rejectedRows: 0, rejected: [{ row: 0 }] });
    const { wb } = await download(report.jobId, 'zh-CN');
    expect(valuesOf(wb.worksheets[1]!)[1]!.slice(0, 3)).toEqual(['AE', '整表', null]);
    const summary = new Map(valuesOf(wb.worksheets[0]!).map(([k, v]) => [String(k), v]));
    expect(summary.get('结论')).toBe(exchangeZh.import.reportFile.outcomeRefused);
  });

  it('refuses an unknown run and another user’s run with a translated reason', async () => {
    const unknown = await t.send('imports.report', { jobId: 'job-nobody-ran', lang: 'zh-CN' });
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'validation', field: 'jobId', messageKey: 'exchange.reportExpired' },
    });
    expect(translate('zh-CN', 'exchange.reportExpired')).not.toBe('exchange.reportExpired');
    expect(translate('en', 'exchange.reportExpired')).not.toBe('exchange.reportExpired');

    const mine = await validate(await sponsorWorkbook(['受试者编号', 'AE名称'], [['X', 'y']]));
    // the demo coordinator, past its first sign-in
    const other = sqlite
      .prepare(`SELECT id, username, display_name, role FROM users WHERE role = 'coordinator' ORDER BY id LIMIT 1`)
      .get() as { id: number; username: string; display_name: string; role: 'coordinator' };
    sqlite.prepare('UPDATE users SET must_change_password = 0 WHERE id = ?').run(other.id);
    const session: Session = {
      user: {
        id: other.id,
        username: other.username,
        displayName: other.display_name,
        role: other.role,
        mustChangePassword: false,
      },
    };
    expect(await t.send('imports.report', { jobId: mine.jobId, lang: 'zh-CN' }, session)).toMatchObject({
      ok: false,
      error: { messageKey: 'exchange.reportExpired' },
    });
    // the input is checked: a language the app does not have, a malformed id
    expect((await t.send('imports.report', { jobId: mine.jobId, lang: 'fr' })).ok).toBe(false);
    expect((await t.send('imports.report', { jobId: '../x', lang: 'en' })).ok).toBe(false);
    expect((await t.send('imports.report', { jobId: mine.jobId, lang: 'en' })).ok).toBe(true);

    // only the last runs are kept (memory): eight later validations push this one out
    const small = await sponsorWorkbook(['受试者编号', 'AE名称'], [['X', 'y']]);
    for (let i = 0; i < 7; i++) await validate(small);
    expect((await t.send('imports.report', { jobId: mine.jobId, lang: 'en' })).ok).toBe(true);
    await validate(small);
    expect(await t.send('imports.report', { jobId: mine.jobId, lang: 'en' })).toMatchObject({
      ok: false,
      error: { messageKey: 'exchange.reportExpired' },
    });
  });
});
