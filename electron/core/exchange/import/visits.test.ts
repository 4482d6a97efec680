/**
 * Importing visits on the small demo seed, through the handler table, with real workbooks: our own visit tracker reads
 * back unchanged; another center's visit list is checked with the recording screen's rules cell by cell and writes
 * nothing when a row is bad; fixed, the visits are recorded with their audit events; the same file changes nothing.
 */
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult, ImportCommitResult, ImportReport, InputOf } from '../../../api';
import { addDays } from '../../dates';
import { openSeeded, type Seeded } from '../../../testing/seeded';

let t: Seeded;
let sqlite: Database.Database;
let study: number;
let jobs = 0;
interface Planned {
  id: number;
  subject: string;
  code: string;
  window_start: string;
  own: number;
}

const validate = (bytes: Buffer, over: Partial<InputOf<'imports.validate'>> = {}) =>
  t.call<ImportReport>('imports.validate', {
    kind: 'visits',
    studyId: study,
    fileName: 'visits.xlsx',
    base64: bytes.toString('base64'),
    jobId: `visits-job-${++jobs}`,
    lang: 'en',
    utcOffsetMinutes: 480,
    ...over,
  } satisfies InputOf<'imports.validate'>);

async function visitList(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Visits');
  ws.addRow(['Subject number', 'Visit code', 'Visit date', 'Visit status', 'Reason']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Planned visits of another center's subjects whose window has opened (they can be recorded today). */
const planned = (n: number): Planned[] =>
  sqlite
    .prepare(
      `SELECT v.id, coalesce(s.subject_number, s.screening_number) AS subject, v.code, v.window_start, c.is_own AS own
       FROM visits v JOIN subjects s ON s.id = v.subject_id JOIN centers c ON c.id = v.center_id
       WHERE v.study_id = ? AND v.status = 'planned' AND v.unscheduled = 0 AND c.is_own = 0 AND v.window_start <= ?
         AND (s.first_consent_date IS NULL OR s.first_consent_date <= v.window_start)
       ORDER BY v.window_start LIMIT ?`,
    )
    .all(study, t.report.baseDate, n) as Planned[];

beforeAll(async () => {
  t = await openSeeded('import-visits');
  sqlite = t.sqlite;
  study = (
    sqlite
      .prepare(
        `SELECT v.study_id AS id FROM visits v JOIN centers c ON c.id = v.center_id
         WHERE c.is_own = 0 AND v.status = 'planned' AND v.window_start <= ?
         GROUP BY v.study_id ORDER BY count(*) DESC LIMIT 1`,
      )
      .get(t.report.baseDate) as { id: number }
  ).id;
}, 120_000);
afterAll(() => t.cleanup());

describe('visits import', () => {
  it('reads our own visit tracker back: every visit known, nothing to change', async () => {
    const out = await t.call<ExportResult>('exchange.export', {
      studyId: study,
      kind: 'sponsor',
      sheets: ['visits'],
      lang: 'zh-CN',
      recipient: 'round trip',
      utcOffsetMinutes: 480,
    });
    const report = await validate(Buffer.from(out.base64, 'base64'), { fileName: out.fileName, lang: 'zh-CN' });
    expect(report.rejected).toEqual([]);
    expect(report.unknownHeaders).toEqual([]);
    expect(report).toMatchObject({ created: 0, updated: 0, token: null });
    expect(report.unchanged).toBe(t.count('SELECT count(*) AS n FROM visits WHERE study_id = ?', study));
  });

  it('refuses bad rows with the recording rules and writes nothing; fixed, records them once', async () => {
    const [a, b] = planned(2);
    expect(b).toBeDefined();
    const audit = t.count('SELECT count(*) AS n FROM audit_events');
    const future = addDays(t.report.baseDate, 3);
    const bad = await validate(
      await visitList([
        [a!.subject, a!.code, a!.window_start, 'Done', null],
        [b!.subject, b!.code, future, 'Done', null],
        [b!.subject, 'NO-SUCH', a!.window_start, 'Done', null],
        [b!.subject, b!.code, null, 'Not done', null],
      ]),
    );
    expect(bad.token).toBeNull();
    expect(bad.rejected.map((r) => [r.row, r.column, r.messageKey])).toEqual([
      [3, 'C', 'visits.actualDateFuture'],
      [4, 'B', 'exchange.unknownVisitCode'],
      [5, 'B', 'exchange.duplicateVisit'],
    ]);
    expect(t.count('SELECT count(*) AS n FROM audit_events')).toBe(audit);

    const file = await visitList([
      [a!.subject, a!.code, a!.window_start, 'Done', null],
      [b!.subject, b!.code, null, 'Not done', 'Patient transferred'],
    ]);
    const report = await validate(file);
    expect(report.rejected).toEqual([]);
    expect([report.created, report.updated]).toEqual([0, 2]);
    const done = await t.call<ImportCommitResult>('imports.commit', { token: report.token });
    expect(done.updated).toBe(2);
    expect(
      sqlite.prepare('SELECT status, actual_date, deviation_decision FROM visits WHERE id = ?').get(a!.id),
    ).toEqual({ status: 'done', actual_date: a!.window_start, deviation_decision: null });
    expect(sqlite.prepare('SELECT status, reason FROM visits WHERE id = ?').get(b!.id)).toEqual({
      status: 'not_done',
      reason: 'Patient transferred',
    });
    expect(
      t.count(
        "SELECT count(*) AS n FROM audit_events WHERE entity = 'visit' AND action = 'record' AND entity_id IN (?, ?)",
        String(a!.id),
        String(b!.id),
      ),
    ).toBe(2);

    const again = await validate(file);
    expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 2]);
    expect(again.token).toBeNull();
  });
});
