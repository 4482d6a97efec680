/**
 * Issue 7 item 8, through the import itself (imports.validate of the AE kind, on the small demo seed): every bad file of
 * the issue gets its own clear message — a refusal of the whole file, or a rejection of the cell — translated in both
 * languages, and the database is unchanged (subjects, AEs, import batches, audit events counted before and after). Rich
 * text and hyperlinks are not bad: they are read as their text. The big files (a zip bomb, 1,000,000 rows, 10,000
 * columns) are made of raw XML and zipped by hand, never row by row through exceljs.
 */
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportCommitResult, ImportReport, InputOf } from '../../../api';
import { columnLetter } from '../../../excel/cell';
import { handXlsx, oleFile } from '../../../excel/testing-files';
import { translate } from '../../messages';
import { openSeeded, type Seeded } from '../../../testing/seeded';

let t: Seeded;
let sqlite: Database.Database;
let study: number;
let subject: { subject_number: string; first_consent_date: string };
let jobs = 0;

const HEADER = ['受试者编号', 'AE名称', 'CTCAE分级', '开始日期', '转归'];

const validate = (bytes: Buffer, lang: 'zh-CN' | 'en' = 'zh-CN') =>
  t.send('imports.validate', {
    kind: 'aes',
    studyId: study,
    fileName: 'bad.xlsx',
    base64: bytes.toString('base64'),
    jobId: `job-bad-${++jobs}`,
    lang,
    utcOffsetMinutes: 480,
  } satisfies InputOf<'imports.validate'>);

/** What a bad file may change: nothing, in any of these tables. */
const tables = ['subjects', 'adverse_events', 'import_batches', 'audit_events'] as const;
const counts = () => Object.fromEntries(tables.map((n) => [n, t.count(`SELECT count(*) AS n FROM ${n}`)]));

/** The message in both languages: words, not the key. */
function translated(key: string, params?: Record<string, string | number>) {
  for (const lang of ['zh-CN', 'en'] as const) expect(translate(lang, key, params), `${key} in ${lang}`).not.toBe(key);
}

/** The whole file refused with this key, nothing written. */
async function refused(bytes: Buffer, key: string) {
  const before = counts();
  const r = await validate(bytes);
  expect(r).toMatchObject({ ok: false, error: { code: 'validation', field: 'file', messageKey: key } });
  if (!r.ok) translated(key, r.error.params);
  expect(counts()).toEqual(before);
}

/** The file read, the cell (or sheet) rejected with this key, nothing can be committed, nothing written. */
async function rejected(bytes: Buffer, key: string, where?: { row: number; column: string }) {
  const before = counts();
  const r = await validate(bytes);
  expect(r.ok).toBe(true);
  const report = (r as { value: ImportReport }).value;
  expect(report.token).toBeNull();
  const hit = report.rejected.find((x) => x.messageKey === key);
  expect(hit, `${key} in ${JSON.stringify(report.rejected)}`).toBeDefined();
  if (where) expect(hit).toMatchObject(where);
  expect(hit!.reason).not.toBe(key);
  translated(key, hit!.params);
  expect(counts()).toEqual(before);
  return report;
}

async function workbook(rows: unknown[][], edit?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('AE');
  ws.addRow(HEADER);
  for (const r of rows) ws.addRow(r);
  edit?.(ws);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const good = (term: unknown = '发热') => [subject.subject_number, term, 1, subject.first_consent_date, '痊愈'];

/** A sheet of hand-written XML: the header row, then `body` (rows from 2). */
const headerXml = `<row r="1">${HEADER.map((h, i) => `<c r="${columnLetter(i + 1)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row>`;

/** Bytes that are nothing (deterministic, so the test means the same every run). */
function noise(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

beforeAll(async () => {
  t = await openSeeded('import-bad');
  sqlite = t.sqlite;
  study = (
    sqlite
      .prepare(
        `SELECT a.study_id AS id FROM adverse_events a LEFT JOIN safety_settings ss ON ss.study_id = a.study_id
         WHERE coalesce(ss.severity_scale, 'ctcae') = 'ctcae' GROUP BY a.study_id ORDER BY count(*) DESC LIMIT 1`,
      )
      .get() as { id: number }
  ).id;
  subject = sqlite
    .prepare(
      `SELECT subject_number, first_consent_date FROM subjects
       WHERE study_id = ? AND subject_number IS NOT NULL AND first_consent_date IS NOT NULL ORDER BY id LIMIT 1`,
    )
    .get(study) as typeof subject;
}, 120_000);
afterAll(() => t.cleanup());

describe('bad files through the import: a clear message each, the database unchanged', () => {
  it('a good file validates (so that the refusals below are about the file)', async () => {
    const r = await validate(await workbook([good()]));
    expect(r).toMatchObject({ ok: true, value: { created: 1, rejected: [] } });
  });

  it('not a workbook: random bytes, an .xls or a .csv renamed, a truncated or encrypted workbook, an empty file', async () => {
    await refused(noise(16 * 1024), 'excel.notXlsx');
    await refused(oleFile(['Workbook']), 'excel.oldXls');
    await refused(Buffer.from('\ufeff受试者编号,AE名称,CTCAE分级\r\n01-001,发热,1\r\n'), 'excel.csv');
    const whole = await workbook([good()]);
    await refused(whole.subarray(0, whole.length - 200), 'excel.damaged');
    await refused(oleFile(['EncryptionInfo', 'EncryptedPackage']), 'excel.encrypted');
    await refused(Buffer.alloc(0), 'excel.emptyFile');
  });

  it('an empty workbook: a sheet without rows, and no sheet at all', async () => {
    const blank = new ExcelJS.Workbook();
    blank.addWorksheet('AE');
    const report = await rejected(Buffer.from(await blank.xlsx.writeBuffer()), 'excel.noHeaderRow', {
      row: 0,
      column: '',
    });
    expect(report).toMatchObject({ created: 0, sheets: [] });
    await rejected(handXlsx({ sheets: [] }), 'excel.sheetMissing', { row: 0, column: '' });
  });

  it('a zip bomb, 1,000,000 rows, 10,000 columns: refused before the rows are parsed', async () => {
    // a real workbook whose sheet unpacks to 64 MB (an XML comment of one letter)
    const bomb = handXlsx({
      sheets: [{ name: 'AE', xml: `<sheetData>${headerXml}</sheetData><!--${'A'.repeat(64 * 1024 * 1024)}-->` }],
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await refused(bomb, 'excel.zipBomb');

    const parts = [headerXml];
    for (let r = 2; r <= 1_000_000; r++) parts.push(`<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`);
    const million = handXlsx({ sheets: [{ name: 'AE', xml: `<sheetData>${parts.join('')}</sheetData>` }] });
    const t0 = performance.now();
    await refused(million, 'excel.tooManyRows');
    const ms = performance.now() - t0;
    console.info(`1,000,000 rows (${(million.length / 1e6).toFixed(1)} MB file): refused in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(15_000);

    const wide = Array.from({ length: 10_000 }, (_, i) => `<c r="${columnLetter(i + 1)}2"><v>${i}</v></c>`).join('');
    await refused(
      handXlsx({ sheets: [{ name: 'AE', xml: `<sheetData>${headerXml}<row r="2">${wide}</row></sheetData>` }] }),
      'excel.tooManyColumns',
    );
  }, 120_000);

  it('an error value (#N/A) in a required cell, a formula without its cached result: the cell rejected', async () => {
    await rejected(
      await workbook([good(), [{ error: '#N/A' }, '头痛', 1, subject.first_consent_date, '痊愈']]),
      'excel.errorValue',
      {
        row: 3,
        column: 'A',
      },
    );
    // exceljs writes a formula without a result as <f> alone: what a file never opened in Excel holds
    await rejected(await workbook([good({ formula: 'CONCATENATE("发","热")' })]), 'excel.formulaWithoutResult', {
      row: 2,
      column: 'B',
    });
  });

  it('merged cells across data rows: a covered cell is rejected where it is, naming the merge', async () => {
    const bytes = await workbook([good('发热'), [null, '头痛', 1, subject.first_consent_date, '痊愈']], (ws) =>
      ws.mergeCells('A2:A3'),
    );
    const report = await rejected(bytes, 'excel.mergedCell', { row: 3, column: 'A' });
    expect(report.rejected[0]).toMatchObject({ params: { cell: 'A3', range: 'A2:A3', top: 2 } });
    expect(report.rejected[0]!.reason).toContain('A2:A3');
    expect(report.rejectedRows).toBe(1);
  });

  it('rich text and hyperlinks are read as their text, not refused', async () => {
    const before = counts();
    const bytes = await workbook([
      good({ richText: [{ text: '富文本' }, { text: '发热', font: { bold: true } }] }),
      [
        { text: subject.subject_number, hyperlink: 'https://example.org/subjects' },
        { text: '链接 头痛', hyperlink: 'https://example.org/ae' },
        1,
        subject.first_consent_date,
        '痊愈',
      ],
    ]);
    const r = await validate(bytes);
    expect(r).toMatchObject({ ok: true, value: { created: 2, rejected: [] } });
    expect(counts()).toEqual(before);
    const report = (r as { value: ImportReport }).value;
    const done = await t.call<ImportCommitResult>('imports.commit', { token: report.token });
    expect(done.created).toBe(2);
    const terms = sqlite
      .prepare(
        'SELECT verbatim_term FROM adverse_events WHERE id > (SELECT max(id) - 2 FROM adverse_events) ORDER BY id',
      )
      .pluck()
      .all();
    expect(terms).toEqual(['富文本发热', '链接 头痛']);
  });
});
