/**
 * Helpers for the visit screens (issue 5): a study with a cycle schedule and enrolled subjects made by calls, dates
 * relative to today, and the worklist's sections in Chinese.
 */
import { expect, type Page } from '@playwright/test';
import { api, daysAgo } from './subjects';
import type { TrialDesk } from './trialdesk';

/** A calendar date `days` after today ('YYYY-MM-DD'); negative = before. */
export function daysFromNow(days: number): string {
  return daysAgo(-days);
}

/** The last Saturday on or before `date` ('YYYY-MM-DD'): a target on it is flagged as a weekend. */
export function saturdayOnOrBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 1) % 7));
  return d.toISOString().slice(0, 10);
}

export const STUDY = {
  protocolNumber: 'HM-DLBCL-2026-05',
  title: '泽布替尼联合 R-CHOP 方案治疗初治弥漫大 B 细胞淋巴瘤的多中心 III 期研究',
  shortTitle: 'DLBCL 泽布替尼 + R-CHOP',
  sponsor: '百济神州（北京）生物科技有限公司',
  phase: 'III',
  indication: '弥漫大 B 细胞淋巴瘤',
  therapeuticArea: 'lymphoma',
  sitePi: '王建国',
  protocolVersion: 'V2.0',
  protocolVersionDate: '2026-03-01',
  enrollmentTarget: 12,
};

/** A line of the schedule editor (features/schedules), by its position. */
export const scheduleLine = (page: Page, index: number) => page.getByTestId(`line-${index}`);

/** Types into the cells of one editor line, by their labels: `{ 代码: 'BL', 窗口推后天数: '3' }`. */
export async function fillLine(page: Page, index: number, cells: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(cells))
    await scheduleLine(page, index).getByLabel(label, { exact: true }).fill(value);
}

/**
 * The schedule typed in the study's schedule editor (tab 访视计划) and saved as the first version: a baseline
 * visit on the enrollment date (+3 days); 6 cycles of 21 days with visits on days 1, 8 and 15 (±2 days) from the first
 * dose; follow-up every 12 weeks ×4 after the last cycle visit; an on-demand adverse-event follow-up.
 */
export async function typeSchedule(td: TrialDesk): Promise<void> {
  const page = td.page;
  const add = page.getByTestId('add-lines');
  await add.getByRole('button', { name: '添加单次访视' }).click();
  await fillLine(page, 0, { 代码: 'BL', 访视名称: '基线访视', 窗口推后天数: '3' });
  await add.getByRole('button', { name: '添加治疗周期' }).click();
  await fillLine(page, 1, { 访视名称: '治疗期访视', 访视日: '1 8 15', 窗口提前天数: '2', 窗口推后天数: '2' });
  await expect(scheduleLine(page, 1)).toContainText('C1D1, C1D8 … C6D15 (18)');
  // every 84 days ×4, counted from the line above (its last visit, C6D15)
  await add.getByRole('button', { name: '添加定期重复访视' }).click();
  await fillLine(page, 2, { 访视名称: '生存随访', 窗口提前天数: '7', 窗口推后天数: '7' });
  await add.getByRole('button', { name: '添加按需访视' }).click();
  await fillLine(page, 3, { 代码: 'AEFU', 访视名称: '不良事件随访' });
  await expect(page.getByTestId('preview-table')).toContainText('FU4');
  await page.getByRole('button', { name: '保存访视计划' }).click();
  await td.expectToast('访视计划已保存');
}

export interface VisitIds {
  studyId: number;
  centerId: number;
  consentVersionId: number;
}

/**
 * A study (enrolling; default the lymphoma study above), our center (active), the subject set-up with one inclusion
 * criterion and the given arms, and consent 1.0 — by calls.
 */
export async function setUpVisitStudy(
  page: Page,
  opts: { study?: object; arms?: { code: string; label: string }[]; criterion?: string } = {},
): Promise<VisitIds> {
  const studyId = (await api<{ id: number }>(page, 'studies.create', opts.study ?? STUDY)).id;
  const center = await api<{ id: number }>(page, 'centers.create', {
    studyId,
    code: '01',
    hospitalName: '中国医学科学院血液病医院',
    city: '天津',
    pi: '王建国',
    isLead: true,
    isOwn: true,
    enrollmentTarget: 6,
    hardCap: 8,
  });
  await api(page, 'centers.changeStatus', { id: center.id, status: 'active', date: daysAgo(90), reason: null });
  for (const status of ['startup', 'enrolling'])
    await api(page, 'studies.changeStatus', { id: studyId, status, reason: null });
  await api(page, 'subjects.updateSetup', {
    studyId,
    fields: {
      screeningPattern: 'S{center}{seq:3}',
      subjectPattern: '{center}-{seq:3}',
      arms: opts.arms ?? [],
      criteria: [
        { code: 'I1', kind: 'inclusion', text: opts.criterion ?? '经病理确诊的初治 CD20 阳性弥漫大 B 细胞淋巴瘤' },
      ],
      screenFailureReasons: [{ code: 'IE', label: '不符合入选/排除标准' }],
    },
    reason: null,
  });
  const setup = await api<{ currentConsentVersionId: number }>(page, 'subjects.approveConsentVersion', {
    studyId,
    version: '1.0',
    versionDate: daysAgo(80),
    approvedDate: daysAgo(75),
  });
  return { studyId, centerId: center.id, consentVersionId: setup.currentConsentVersionId };
}

/** A subject of our center: consent, screening (default: the consent day) and enrollment on the given dates (by calls). */
export async function enrolledSubject(
  page: Page,
  ids: VisitIds,
  s: {
    screeningNumber: string;
    subjectNumber: string;
    initials: string;
    name: string;
    consent: string;
    screened?: string;
    enrolled: string;
    arm?: string;
    birthYear?: number;
  },
): Promise<number> {
  const subject = await api<{ id: number }>(page, 'subjects.register', {
    studyId: ids.studyId,
    centerId: ids.centerId,
    screeningNumber: s.screeningNumber,
    initials: s.initials,
    sex: 'M',
    birthYear: s.birthYear ?? 1963,
    personal: { name: s.name, recordNumber: null, idNumber: null, phone: null },
    consent: { consentVersionId: ids.consentVersionId, signedDate: s.consent, obtainedBy: '李华' },
  });
  await api(page, 'subjects.screen', {
    id: subject.id,
    screeningDate: s.screened ?? s.consent,
    eligibility: { I1: true },
    outcome: 'eligible',
  });
  await api(page, 'subjects.enroll', {
    id: subject.id,
    enrollmentDate: s.enrolled,
    subjectNumber: s.subjectNumber,
    arm: s.arm,
  });
  return subject.id;
}

/** Signs in on the sign-in screen (after a restart of the host the session is gone). */
export async function signIn(td: TrialDesk, user: { username: string; password: string }): Promise<void> {
  await expect(td.page.getByRole('heading', { name: '登录' })).toBeVisible();
  await td.fill('用户名', user.username);
  await td.fill('密码', user.password);
  await td.page.getByRole('button', { name: '登录' }).click();
  await expect(td.page.getByTestId('user-menu')).toBeVisible();
}

/** The visits area from the menu (its name carries the overdue badge's number). */
export async function openWorklist(page: Page, heading = '访视工作台'): Promise<void> {
  await page.getByRole('menuitem', { name: /访视|Visits/ }).click();
  await expect(page.getByRole('heading', { name: heading })).toBeVisible();
}

/** One section of the worklist ('今日', '本周', '窗口期内', '已超窗未记录', '待处理偏离'). */
export function worklistSection(page: Page, name: string) {
  return page.getByRole('region', { name, exact: true });
}

/** The row of a subject's visit in the subject page's visits table. */
export function visitRow(page: Page, code: string) {
  return page
    .getByTestId('visits-table')
    .locator('tbody tr.ant-table-row')
    .filter({ has: page.getByText(code, { exact: true }) });
}
