/**
 * Helpers for the Excel exchange screens (issue 7): a study with a short schedule, two enrolled subjects whose personal
 * data must never reach a workbook, a recorded visit and an AE — by calls; the export form; a download caught and
 * opened with exceljs.
 */
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import ExcelJS from 'exceljs';
import { createAe } from './safety';
import { api, daysAgo } from './subjects';
import { setUpVisitStudy, type VisitIds } from './visits';

export const EXCHANGE_STUDY = {
  protocolNumber: 'HM-MM-2026-07',
  title: '达雷妥尤单抗联合硼替佐米、来那度胺和地塞米松治疗新诊断多发性骨髓瘤的多中心 III 期研究',
  shortTitle: 'MM 达雷妥尤单抗 + VRd',
  sponsor: '西安杨森制药有限公司',
  phase: 'III',
  indication: '多发性骨髓瘤',
  therapeuticArea: 'myeloma',
  sitePi: '王建国',
  protocolVersion: 'V1.0',
  protocolVersionDate: '2026-02-01',
  enrollmentTarget: 12,
};

/** Personal data of the two subjects: none of it may appear in any exported cell. */
export const PEOPLE = [
  {
    screeningNumber: 'S01001',
    subjectNumber: '01-001',
    initials: 'ZL',
    name: '赵磊',
    recordNumber: 'BY20260417',
    idNumber: '120101196305120018',
    phone: '13912345678',
    arm: 'A',
    consent: 20,
    enrolled: 10,
  },
  {
    screeningNumber: 'S01002',
    subjectNumber: '01-002',
    initials: 'QF',
    name: '钱芳',
    recordNumber: 'BY20260433',
    idNumber: '12010119710823002X',
    phone: '022-23909999',
    arm: 'B',
    consent: 18,
    enrolled: 8,
  },
] as const;

/** The schedule: baseline on the enrollment day (+3 days), a day-15 visit (±2 days). */
const SCHEDULE = [
  { code: 'BL', name: '基线访视', kind: 'once', anchor: 'enrollment', dayOffset: 0, windowBefore: 0, windowAfter: 3 },
  {
    code: 'D15',
    name: '第 15 天访视',
    kind: 'once',
    anchor: 'enrollment',
    dayOffset: 14,
    windowBefore: 2,
    windowAfter: 2,
  },
];

export interface ExchangeSetUp extends VisitIds {
  subjectIds: number[];
  aeId: number;
  /** every visit row of the study (the sponsor's visit tracker lists them all) */
  visitCount: number;
}

interface VisitsView {
  visits: { id: number; code: string }[];
}

/**
 * The study with our center, its schedule, two enrolled subjects with name, record number, ID number and phone, the
 * first one's baseline visit recorded and one AE of theirs — by calls, as the signed-in administrator of `page`.
 */
export async function setUpExchangeStudy(page: Page): Promise<ExchangeSetUp> {
  const ids = await setUpVisitStudy(page, {
    study: EXCHANGE_STUDY,
    arms: [
      { code: 'A', label: '试验组' },
      { code: 'B', label: '对照组' },
    ],
    criterion: '经 IMWG 标准确诊的新诊断多发性骨髓瘤',
  });
  await api(page, 'schedules.save', {
    studyId: ids.studyId,
    version: '1.0',
    effectiveDate: daysAgo(85),
    notes: null,
    visits: SCHEDULE,
    reason: null,
  });
  const subjectIds: number[] = [];
  for (const p of PEOPLE) {
    const subject = await api<{ id: number }>(page, 'subjects.register', {
      studyId: ids.studyId,
      centerId: ids.centerId,
      screeningNumber: p.screeningNumber,
      initials: p.initials,
      sex: 'F',
      birthYear: 1968,
      personal: { name: p.name, recordNumber: p.recordNumber, idNumber: p.idNumber, phone: p.phone },
      consent: { consentVersionId: ids.consentVersionId, signedDate: daysAgo(p.consent), obtainedBy: '李华' },
    });
    await api(page, 'subjects.screen', {
      id: subject.id,
      screeningDate: daysAgo(p.consent),
      eligibility: { I1: true },
      outcome: 'eligible',
    });
    await api(page, 'subjects.enroll', {
      id: subject.id,
      enrollmentDate: daysAgo(p.enrolled),
      subjectNumber: p.subjectNumber,
      arm: p.arm,
    });
    subjectIds.push(subject.id);
  }
  const first = await api<VisitsView>(page, 'visits.forSubject', { subjectId: subjectIds[0] });
  const baseline = first.visits.find((v) => v.code === 'BL');
  if (!baseline) throw new Error('no baseline visit planned');
  await api(page, 'visits.record', {
    id: baseline.id,
    status: 'done',
    actualDate: daysAgo(PEOPLE[0].enrolled),
    reason: null,
    notes: null,
    changeReason: null,
  });
  const aeId = await createAe(page, subjectIds[0]!, { verbatimTerm: '恶心', grade: 2, startDate: daysAgo(5) });
  let visitCount = 0;
  for (const subjectId of subjectIds)
    visitCount += (await api<VisitsView>(page, 'visits.forSubject', { subjectId })).visits.length;
  return { ...ids, subjectIds, aeId, visitCount };
}

/** The fields aes.update takes, copied from the AE as it is now, with `changes` applied. */
export async function editAe(page: Page, id: number, changes: Record<string, unknown>, reason: string): Promise<void> {
  const view = await api<Record<string, unknown>>(page, 'aes.get', { id });
  const keys = [
    'verbatimTerm',
    'ctcaeCode',
    'grade',
    'severity',
    'startDate',
    'endDate',
    'ongoing',
    'serious',
    'seriousCriteria',
    'awarenessAt',
    'expected',
    'causality',
    'action',
    'treatment',
    'outcome',
    'visitId',
    'notes',
  ];
  const fields = Object.fromEntries(keys.map((k) => [k, view[k] ?? null]));
  await api(page, 'aes.update', { id, fields: { ...fields, ...changes }, changeReason: reason });
}

/** Picks a button-style radio choice (kind, language) by clicking its visible button: the input itself is hidden. */
export async function pick(form: Locator, name: string): Promise<void> {
  await form
    .locator('.ant-radio-button-wrapper')
    .filter({ hasText: new RegExp(`^${name}$`) })
    .click();
  await expect(choice(form, 'radio', name)).toBeChecked();
}

/** The Excel area from the menu; returns its export form. */
export async function openExchange(page: Page): Promise<Locator> {
  await page.getByRole('menuitem', { name: /Excel 交换|Excel exchange/ }).click();
  await expect(page.getByRole('heading', { name: /^(Excel 交换|Excel exchange)$/ })).toBeVisible();
  const form = page.getByTestId('export-form');
  await expect(form).toBeVisible();
  return form;
}

/** A sheet-choice, kind or language of the export form: its checkbox or radio button, by its label. */
export function choice(form: Locator, role: 'checkbox' | 'radio', name: string): Locator {
  return form.getByRole(role, { name, exact: true });
}

export interface Exported {
  fileName: string;
  file: string;
  workbook: ExcelJS.Workbook;
}

/** Presses 导出, catches the download, keeps it with the test's artifacts and opens it with exceljs. */
export async function exportWorkbook(page: Page, testInfo: TestInfo, name: string): Promise<Exported> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-submit').click()]);
  const file = testInfo.outputPath(`${name}.xlsx`);
  await download.saveAs(file);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return { fileName: download.suggestedFilename(), file, workbook };
}

/** The header row of a sheet. */
export function headerRow(ws: ExcelJS.Worksheet): string[] {
  return (ws.getRow(1).values as (string | null | undefined)[]).slice(1).map((v) => v ?? '');
}

/** The data rows of a sheet (below the header), each as its cell values from column A. */
export function dataRows(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

/** Every non-empty cell's text in the workbook. */
export function allText(wb: ExcelJS.Workbook): string {
  const out: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (c.value !== null && c.value !== undefined) out.push(String(c.text));
      }),
    ),
  );
  return out.join('\n');
}
