/**
 * Importing subjects on the small demo seed, through the handler table, with real workbooks: our own enrollment log
 * reads back unchanged; another center's list with bad rows is refused cell by cell (our own center's subjects among
 * them: they come through consent in the app) and writes nothing; fixed, its subjects are created with their visits
 * planned; the same file again changes nothing.
 */
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult, ImportCommitResult, ImportReport, InputOf } from '../../../api';
import { addDays } from '../../dates';
import { openSeeded, type Seeded } from '../../../testing/seeded';

let t: Seeded;
let sqlite: Database.Database;
let study: { id: number; other: string; own: string; arm: string; today: string };
let jobs = 0;
/** a day before the demo's today */
const ago = (days: number) => addDays(study.today, -days);

const validate = (bytes: Buffer, over: Partial<InputOf<'imports.validate'>> = {}) =>
  t.call<ImportReport>('imports.validate', {
    kind: 'subjects',
    studyId: study.id,
    fileName: 'subjects.xlsx',
    base64: bytes.toString('base64'),
    jobId: `subjects-job-${++jobs}`,
    lang: 'zh-CN',
    utcOffsetMinutes: 480,
    ...over,
  } satisfies InputOf<'imports.validate'>);

async function sponsorList(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('受试者列表');
  ws.addRow(['中心受试者一览（申办方汇总）']);
  ws.addRow(['中心编号', '筛选号', '随机号', '性别', '出生年份', '筛选日期', '入组日期', '组别', '首次给药日期']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  t = await openSeeded('import-subjects');
  sqlite = t.sqlite;
  // a study with another active center, arms and a schedule
  const row = sqlite
    .prepare(
      `SELECT st.id, other.code AS other, own.code AS own, ss.arms FROM studies st
       JOIN centers other ON other.study_id = st.id AND other.is_own = 0 AND other.status = 'active'
       JOIN centers own ON own.study_id = st.id AND own.is_own = 1
       JOIN subject_setups ss ON ss.study_id = st.id AND ss.arms <> '[]'
       WHERE EXISTS (SELECT 1 FROM schedule_versions sv WHERE sv.study_id = st.id) LIMIT 1`,
    )
    .get() as { id: number; other: string; own: string; arms: string };
  study = {
    ...row,
    arm: (JSON.parse(row.arms) as { code: string }[])[0]!.code,
    today: t.report.baseDate,
  };
}, 120_000);
afterAll(() => t.cleanup());

describe('subjects import', () => {
  it('reads our own enrollment log back: every subject known, nothing to change', async () => {
    const out = await t.call<ExportResult>('exchange.export', {
      studyId: study.id,
      kind: 'sponsor',
      sheets: ['enrollment'],
      lang: 'zh-CN',
      recipient: 'round trip',
      utcOffsetMinutes: 480,
    });
    const report = await validate(Buffer.from(out.base64, 'base64'), { fileName: out.fileName });
    expect(report.rejected).toEqual([]);
    expect(report.unknownHeaders).toEqual([]);
    expect(report).toMatchObject({ created: 0, updated: 0, token: null });
    expect(report.unchanged).toBe(
      t.count('SELECT count(*) AS n FROM subjects WHERE study_id = ? AND enrollment_date IS NOT NULL', study.id),
    );
  });

  it('refuses our own center, unknown arms and dates out of order, cell by cell, and writes nothing', async () => {
    const before = t.count('SELECT count(*) AS n FROM subjects');
    const audit = t.count('SELECT count(*) AS n FROM audit_events');
    const report = await validate(
      await sponsorList([
        [study.other, 'IMP-001', 'IMP-R01', '女', 1970, ago(60), ago(53), study.arm, ago(52)],
        [study.own, 'IMP-002', null, '男', 1961, ago(59), null, null, null],
        [study.other, 'IMP-003', 'IMP-R03', '男', 1980, ago(58), ago(56), 'NO-SUCH-ARM', null],
        [study.other, 'IMP-004', 'IMP-R04', '女', 1975, ago(45), ago(55), study.arm, null],
        ['ZZ', 'IMP-005', null, '女', 1990, ago(57), null, null, null],
      ]),
    );
    expect(report.token).toBeNull();
    expect(report.rejected.map((r) => [r.row, r.column, r.messageKey])).toEqual([
      [4, 'A', 'exchange.ownCenterSubject'],
      [5, 'H', 'subjects.unknownArm'],
      [6, 'G', 'subjects.dateBeforePrevious'],
      [7, 'A', 'exchange.unknownCenterCode'],
    ]);
    expect(report.rejected[0]!.reason).toContain(study.own);
    expect(t.count('SELECT count(*) AS n FROM subjects')).toBe(before);
    expect(t.count('SELECT count(*) AS n FROM audit_events')).toBe(audit);
  });

  it('creates another center’s subjects with their visits planned; the same file again changes nothing', async () => {
    const file = await sponsorList([
      [study.other, 'IMP-001', 'IMP-R01', '女', 1970, ago(60), ago(53), study.arm, ago(52)],
      [study.other, 'IMP-006', null, 'M', 1966, ago(59), null, null, null],
    ]);
    const report = await validate(file);
    expect(report.rejected).toEqual([]);
    expect([report.created, report.updated, report.unchanged]).toEqual([2, 0, 0]);
    const done = await t.call<ImportCommitResult>('imports.commit', { token: report.token });
    expect(done.created).toBe(2);
    const s = sqlite
      .prepare(
        `SELECT s.id, s.status, s.subject_number, s.arm, s.name, c.code FROM subjects s JOIN centers c ON c.id = s.center_id
         WHERE s.study_id = ? AND s.screening_number = 'IMP-001'`,
      )
      .get(study.id) as { id: number; status: string; subject_number: string; arm: string; name: null; code: string };
    expect(s).toMatchObject({ status: 'on_treatment', subject_number: 'IMP-R01', arm: study.arm, name: null });
    expect(s.code).toBe(study.other);
    expect(t.count('SELECT count(*) AS n FROM visits WHERE subject_id = ?', s.id)).toBeGreaterThan(0);
    expect(
      t.count(
        "SELECT count(*) AS n FROM audit_events WHERE entity = 'subject' AND entity_id = ? AND action = 'create'",
        String(s.id),
      ),
    ).toBe(1);
    expect(t.count('SELECT count(*) AS n FROM subject_numbers WHERE subject_id = ?', s.id)).toBe(2);

    const again = await validate(file);
    expect(again.rejected).toEqual([]);
    expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 2]);
    expect(again.token).toBeNull();
  });
});
