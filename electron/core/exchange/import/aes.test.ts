/**
 * Importing AEs through the handler table, on the small demo seed in a real SQLite file, with real workbooks: our own
 * export reads back unchanged; a sponsor's file with bad rows is refused cell by cell and writes nothing; fixed, it is
 * committed in one batch with an audit event per AE; the same file again changes nothing.
 */
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult, ImportCommitResult, ImportReport, InputOf } from '../../../api';
import type { Session } from '../../../handlers';
import { openSeeded, type Seeded } from '../../../testing/seeded';

let t: Seeded;
let sqlite: Database.Database;
let study: number;
let jobs = 0;

const send = (channel: string, payload: unknown, s?: Session) => t.send(channel, payload, s);
const call = <T>(channel: string, payload: unknown, s?: Session) => t.call<T>(channel, payload, s);
const count = (sql: string, ...params: unknown[]): number => t.count(sql, ...params);

const validate = (bytes: Buffer, over: Partial<InputOf<'imports.validate'>> = {}) =>
  call<ImportReport>('imports.validate', {
    kind: 'aes',
    studyId: study,
    fileName: 'aes.xlsx',
    base64: bytes.toString('base64'),
    jobId: `job-test-${++jobs}`,
    lang: 'zh-CN',
    utcOffsetMinutes: 480,
    ...over,
  } satisfies InputOf<'imports.validate'>);

/** Subjects of the study with a consent date (AE dates are taken from it: never before consent, never in the future). */
const consented = (n: number) =>
  sqlite
    .prepare(
      `SELECT subject_number, first_consent_date FROM subjects
       WHERE study_id = ? AND subject_number IS NOT NULL AND first_consent_date IS NOT NULL ORDER BY id LIMIT ?`,
    )
    .all(study, n) as { subject_number: string; first_consent_date: string }[];

/** A sponsor's workbook: a title row, a blank row, then the header and the rows. */
async function sponsorWorkbook(header: string[], rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('AE');
  ws.addRow(['某申办方 AE 汇总表（中心 02）']);
  ws.addRow([]);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  t = await openSeeded('import-aes');
  sqlite = t.sqlite;
  study = (
    sqlite
      .prepare(
        `SELECT a.study_id AS id FROM adverse_events a LEFT JOIN safety_settings ss ON ss.study_id = a.study_id
         WHERE coalesce(ss.severity_scale, 'ctcae') = 'ctcae' GROUP BY a.study_id ORDER BY count(*) DESC LIMIT 1`,
      )
      .get() as { id: number }
  ).id;
}, 120_000);
afterAll(() => t.cleanup());

describe('AE import', () => {
  it('reads our own AE listing back: every AE known, nothing to change, nothing rejected', async () => {
    const out = await call<ExportResult>('exchange.export', {
      studyId: study,
      kind: 'sponsor',
      sheets: ['aes'],
      lang: 'zh-CN',
      recipient: 'round trip',
      utcOffsetMinutes: 480,
    });
    const report = await validate(Buffer.from(out.base64, 'base64'), { fileName: out.fileName });
    expect(report.rejected).toEqual([]);
    expect(report.unknownHeaders).toEqual([]);
    expect(report).toMatchObject({ created: 0, updated: 0, token: null });
    expect(report.unchanged).toBe(count('SELECT count(*) AS n FROM adverse_events WHERE study_id = ?', study));

    // in English too
    const en = await call<ExportResult>('exchange.export', {
      studyId: study,
      kind: 'sponsor',
      sheets: ['aes'],
      lang: 'en',
      recipient: 'round trip',
      utcOffsetMinutes: 480,
    });
    const again = await validate(Buffer.from(en.base64, 'base64'), { lang: 'en' });
    expect(again.rejected).toEqual([]);
    expect(again.unchanged).toBe(report.unchanged);
  });

  const header = [
    '受试者编号',
    'AE名称',
    'CTCAE分级',
    '开始日期',
    '结束日期',
    '是否SAE',
    'AESHOSP',
    '获知时间',
    '转归',
  ];

  it('refuses each bad cell with its sheet, row, column, value and reason, and writes nothing', async () => {
    const subject = consented(1)[0]!;
    const day = subject.first_consent_date;
    const before = count('SELECT count(*) AS n FROM adverse_events');
    const audit = count('SELECT count(*) AS n FROM audit_events');
    const bytes = await sponsorWorkbook(header, [
      [subject.subject_number, '发热', 1, day, day, '否', 'N', null, '痊愈'],
      ['NO-SUCH', '头痛', 1, day, day, '否', 'N', null, '痊愈'],
      [subject.subject_number, '皮疹', 2, '2025/2/30', null, '否', 'N', null, null],
      [subject.subject_number, '肺炎', 3, day, day, '否', 'Y', null, '痊愈'],
      [subject.subject_number, '腹泻', 1, '1999-01-01', '1999-01-02', '否', 'N', null, '痊愈'],
    ]);
    const report = await validate(bytes);
    expect(report.token).toBeNull();
    expect(report.rejectedRows).toBe(4);
    const where = report.rejected.map((r) => [r.sheet, r.row, r.column, r.messageKey]);
    expect(where).toEqual(
      expect.arrayContaining([
        ['AE', 5, 'A', 'exchange.unknownSubject'],
        ['AE', 6, 'D', 'excel.invalidDate'],
        // hospitalisation flagged on a non-serious AE (AESHOSP = Y, AESER = N)
        ['AE', 7, 'G', 'safety.criteriaWithoutSerious'],
        ['AE', 8, 'D', 'safety.beforeConsent'],
      ]),
    );
    const bad = report.rejected.find((r) => r.row === 6)!;
    expect(bad.value).toBe('2025/2/30');
    expect(bad.reason).not.toBe(bad.messageKey);
    expect(count('SELECT count(*) AS n FROM adverse_events')).toBe(before);
    expect(count('SELECT count(*) AS n FROM audit_events')).toBe(audit);
  });

  it('commits a fixed file in one batch with an audit event per AE; the same file again changes nothing', async () => {
    const subjects = consented(2);
    const [a, b] = [subjects[0]!, subjects[1]!];
    const bytes = await sponsorWorkbook(header, [
      [a.subject_number, '发热', 1, a.first_consent_date, a.first_consent_date, '否', 'N', null, '痊愈'],
      [
        b.subject_number,
        '肺部感染（导入测试）',
        3,
        b.first_consent_date,
        null,
        '是',
        'Y',
        `${b.first_consent_date} 09:30`,
        '好转',
      ],
    ]);
    const report = await validate(bytes, { fileName: 'sponsor-aes.xlsx' });
    expect(report.rejected).toEqual([]);
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const done = await call<ImportCommitResult>('imports.commit', { token: report.token });
    expect(done).toMatchObject({ created: 2, updated: 0 });
    const batch = sqlite.prepare('SELECT * FROM import_batches WHERE id = ?').get(done.batchId) as Record<
      string,
      unknown
    >;
    expect(batch).toMatchObject({
      kind: 'aes',
      study_id: study,
      file_name: 'sponsor-aes.xlsx',
      sha256: report.sha256,
      created: 2,
    });
    expect(
      count(
        `SELECT count(*) AS n FROM audit_events WHERE entity = 'adverse_event' AND action = 'create' AND reason = ?`,
        `import batch ${done.batchId}: sponsor-aes.xlsx`,
      ),
    ).toBe(2);
    const sae = sqlite
      .prepare(
        `SELECT serious, serious_criteria, awareness_at, report_due_at FROM adverse_events WHERE verbatim_term = '肺部感染（导入测试）'`,
      )
      .get() as { serious: number; serious_criteria: string; awareness_at: string; report_due_at: string };
    // the awareness read in the site's zone (UTC+8), the 24-hour clock from it
    const awareness = new Date(`${b.first_consent_date}T01:30:00.000Z`);
    expect(sae).toMatchObject({
      serious: 1,
      serious_criteria: '["hospitalisation"]',
      awareness_at: awareness.toISOString(),
      report_due_at: new Date(awareness.getTime() + 86_400_000).toISOString(),
    });
    // a committed validation cannot be committed twice
    expect((await send('imports.commit', { token: report.token })).ok).toBe(false);

    const again = await validate(bytes, { fileName: 'sponsor-aes.xlsx' });
    // the rows carry no AE number: a second file would add them again — the report says the file came before
    expect(again.importedBefore).toMatchObject({ batchId: done.batchId });
  });

  it('a blank template, filled below its example row, imports (the example row is skipped)', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      const t = await call<{ fileName: string; base64: string }>('imports.template', { kind: 'aes', lang });
      expect(t.fileName).toMatch(/\.xlsx$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(t.base64, 'base64') as unknown as ArrayBuffer);
      const ws = wb.worksheets.find((w) => w.state === 'visible' && w.getRow(1).cellCount > 5)!;
      const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
      // required headers carry the mark, and each header its note
      expect(headers[0]).toMatch(/^\*/);
      expect(ws.getRow(1).getCell(1).note).toBeTruthy();
      const col = (name: RegExp) => headers.findIndex((h) => name.test(h)) + 1;
      const [a] = consented(1);
      const row = ws.getRow(3);
      row.getCell(col(lang === 'zh-CN' ? /受试者编号/ : /Subject no/)).value = a!.subject_number;
      row.getCell(col(lang === 'zh-CN' ? /AE 名称/ : /Verbatim/)).value = `模板导入 ${lang}`;
      row.getCell(col(lang === 'zh-CN' ? /CTCAE 分级/ : /CTCAE grade/)).value = 1;
      row.getCell(col(lang === 'zh-CN' ? /开始日期/ : /Start date/)).value = new Date(
        `${a!.first_consent_date}T00:00:00Z`,
      );
      row.getCell(col(lang === 'zh-CN' ? /^转归$/ : /^Outcome$/)).value =
        lang === 'zh-CN' ? '好转/正在恢复' : 'Recovering/resolving';
      row.commit();
      const filled = Buffer.from(await wb.xlsx.writeBuffer());
      const report = await validate(filled, { lang });
      expect(report.rejected).toEqual([]);
      // the example row (row 2) is not imported: one AE, ongoing (no end date)
      expect(report).toMatchObject({ created: 1, updated: 0 });
      await call('imports.commit', { token: report.token });
      const ae = sqlite
        .prepare('SELECT ongoing, outcome, grade FROM adverse_events WHERE verbatim_term = ?')
        .get(`模板导入 ${lang}`) as { ongoing: number; outcome: string; grade: number };
      expect(ae).toEqual({ ongoing: 1, outcome: 'RECOVERING/RESOLVING', grade: 1 });
    }
  });

  it('a validation is stale once the database changed, and is refused', async () => {
    const [subject] = consented(3).slice(2);
    const report = await validate(
      await sponsorWorkbook(header, [
        [
          subject!.subject_number,
          '乏力',
          1,
          subject!.first_consent_date,
          subject!.first_consent_date,
          '否',
          'N',
          null,
          '痊愈',
        ],
      ]),
    );
    expect(report.token).not.toBeNull();
    await call('exchange.updateSettings', { studyId: study, initials: true, reason: '方案允许' });
    const r = await send('imports.commit', { token: report.token });
    expect(r).toMatchObject({ ok: false, error: { messageKey: 'exchange.importStale' } });
  });
});
