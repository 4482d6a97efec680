/**
 * Importing a study set-up into a fresh database, through the handler table: the blank template filled in (study,
 * centers, schedule) creates the study as the screens would; the same file again changes nothing; bad cells are refused
 * with the screens' own messages; a changed schedule becomes a new version.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportCommitResult, ImportReport } from '../../../api';
import { createHarness, type Harness } from '../../../testing/harness';

let h: Harness;
let jobs = 0;
const validate = (bytes: Buffer): Promise<ImportReport> =>
  h.call('imports.validate', {
    kind: 'study',
    studyId: null,
    fileName: 'setup.xlsx',
    base64: bytes.toString('base64'),
    jobId: `study-job-${++jobs}`,
    lang: 'zh-CN',
    utcOffsetMinutes: 480,
  });
const count = (sql: string) => (h.opened.db.$client.prepare(sql).get() as { n: number }).n;

type Sheets = { study: unknown[][]; centers: unknown[][]; schedule: unknown[][] };
/** The blank template as the app writes it, filled in below its header (the example row is overwritten). */
async function filledTemplate(rows: Sheets): Promise<Buffer> {
  const template = await h.call('imports.template', { kind: 'study', lang: 'zh-CN' });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(template.base64, 'base64') as unknown as ArrayBuffer);
  const fill = (name: string, data: unknown[][]) => {
    const ws = wb.getWorksheet(name)!;
    const header = ws.getRow(1).values as unknown[];
    expect(header.length).toBeGreaterThan(1);
    data.forEach((r, i) => {
      const row = ws.getRow(2 + i);
      r.forEach((v, j) => (row.getCell(j + 1).value = v as ExcelJS.CellValue));
      // cells the data leaves out are emptied (the example row had them)
      for (let j = r.length + 1; j < header.length; j++) row.getCell(j).value = null;
      row.commit();
    });
  };
  fill('研究', rows.study);
  fill('中心', rows.centers);
  fill('访视计划', rows.schedule);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// columns in the template's order (study: protocol … target; centers: code … activation; schedule: version … arms)
const STUDY = [
  'HR-ITP-III-07',
  '评估海曲泊帕治疗成人慢性 ITP 的 III 期研究',
  'ITP III期',
  '恒瑞医药',
  null,
  'III 期',
  '慢性 ITP',
  'ITP/出血性疾病',
  'CTR20241234',
  '张磊',
  '2024-03-05',
  'V2.0',
  '2024-02-20',
  40,
];
const CENTERS = [
  ['01', '中国医学科学院血液病医院', '天津市', '张磊', '是', '是', 20, 24, '2024-04-01'],
  ['02', '北京大学人民医院', '北京', '王芳', '否', '否', 10, null, null],
];
const SCHEDULE = [
  ['V1.0', '2024-03-05', 'SCR', '筛选', '单次', '首次给药', null, -14, 0, 13],
  ['V1.0', null, 'C', '治疗周期', '周期', '首次给药', null, 0, 0, 2, 28, 6, '1,8,15'],
  ['V1.0', null, 'EOT', '治疗结束', '单次', '访视后', 'C', 28, 0, 7],
];

beforeAll(async () => {
  h = await createHarness({ now: () => new Date('2026-11-26T02:00:00Z') });
}, 60_000);
afterAll(() => h.cleanup());

describe('study set-up import', () => {
  it('creates the study, its centers and its schedule from the filled template; again, nothing changes', async () => {
    const file = await filledTemplate({ study: [STUDY], centers: CENTERS, schedule: SCHEDULE });
    const report = await validate(file);
    expect(report.rejected).toEqual([]);
    expect([report.created, report.updated, report.unchanged]).toEqual([4, 0, 0]);
    const done: ImportCommitResult = await h.call('imports.commit', { token: report.token! });
    expect(done.created).toBe(4);
    const study = h.opened.db.$client
      .prepare(
        "SELECT id, status, phase, therapeutic_area, sponsor FROM studies WHERE protocol_number = 'HR-ITP-III-07'",
      )
      .get() as { id: number; status: string; phase: string; therapeutic_area: string };
    expect(study).toMatchObject({ status: 'planning', phase: 'III', therapeutic_area: 'itp_bleeding' });
    expect(
      h.opened.db.$client.prepare('SELECT code, is_lead, is_own, status FROM centers ORDER BY code').all(),
    ).toEqual([
      { code: '01', is_lead: 1, is_own: 1, status: 'active' },
      { code: '02', is_lead: 0, is_own: 0, status: 'pending' },
    ]);
    const versions = await h.call('schedules.list', { studyId: study.id });
    expect(versions.map((v) => [v.version, v.visits.map((l) => l.code)])).toEqual([['V1.0', ['SCR', 'C', 'EOT']]]);
    expect(versions[0]!.visits[1]).toMatchObject({
      kind: 'cycles',
      cycleLength: 28,
      cycleCount: 6,
      cycleDays: [1, 8, 15],
    });
    expect(count("SELECT count(*) AS n FROM audit_events WHERE reason LIKE 'import batch %'")).toBe(4);

    const again = await validate(file);
    expect(again.rejected).toEqual([]);
    expect([again.created, again.updated, again.unchanged]).toEqual([0, 0, 4]);
    expect(again.token).toBeNull();
  });

  it('refuses bad cells with the screens’ messages and writes nothing', async () => {
    const audit = count('SELECT count(*) AS n FROM audit_events');
    const report = await validate(
      await filledTemplate({
        study: [STUDY],
        centers: [CENTERS[0]!, ['02', '北京大学人民医院', '北京', '王芳', '否', '是', 10, null, null]],
        schedule: [['V1.1', null, 'C', '治疗周期', '周期', '首次给药', null, 0, 0, 2, null, 6, '1,8']],
      }),
    );
    expect(report.token).toBeNull();
    expect(report.rejected.map((r) => [r.sheet, r.row, r.column, r.messageKey])).toEqual([
      ['中心', 3, 'F', 'exchange.centerOwnChange'],
      ['访视计划', 2, 'K', 'visits.cycleLengthRequired'],
    ]);
    // a refused study row: its cell is named, and the other sheets are still checked
    const phase = await validate(
      await filledTemplate({
        study: [[...STUDY.slice(0, 5), 'Phase 9', ...STUDY.slice(6)]],
        centers: [CENTERS[0]!, ['02', '北京大学人民医院', '北京', '王芳', '是', '否', 10, 5, null], CENTERS[1]!],
        schedule: SCHEDULE,
      }),
    );
    expect(phase.rejected.map((r) => [r.sheet, r.row, r.messageKey])).toEqual([
      ['中心', 3, 'centers.hardCapBelowTarget'],
      ['中心', 4, 'centers.codeTaken'],
      ['研究', 2, 'excel.unknownCode'],
    ]);
    expect(count('SELECT count(*) AS n FROM audit_events')).toBe(audit);
  });

  it('a changed schedule under a new version name becomes a new version; the study keeps the old one too', async () => {
    const changed = SCHEDULE.map((r) => ['V2.0', ...r.slice(1)]);
    changed[0]![9] = 7; // screening window after: 7 days
    const report = await validate(await filledTemplate({ study: [STUDY], centers: CENTERS, schedule: changed }));
    expect(report.rejected).toEqual([]);
    expect([report.created, report.updated, report.unchanged]).toEqual([1, 0, 3]);
    await h.call('imports.commit', { token: report.token! });
    expect(count('SELECT count(*) AS n FROM schedule_versions')).toBe(2);
  });
});
