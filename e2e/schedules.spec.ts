/**
 * Visit schedules, deviations and holidays through the UI on a real browser-mode host (issue 5): a coordinator-side
 * administrator types the protocol's schedule of activities (baseline; 6 cycles of 21 days with visits on D1, D8, D15;
 * end of treatment 28 days after the last cycle visit; follow-up every 84 days ×8; an on-demand visit) and checks the
 * live preview; a line with a missing cycle length is refused on its cell; after a subject is enrolled the version is in
 * use, so the amendment is a new version, and the subject moves to it from a date. A deviation is recorded in the log
 * and corrected with a reason; the deviations area shows the same log; the official 2026 holidays are loaded.
 */
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { apiFromPage, shot } from './pages/calls';
import { daysAgo, dropdownsClosed, newUserPage, openStudyTab } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';
import { enrolledSubject, fillLine, scheduleLine, setUpVisitStudy, type VisitIds } from './pages/visits';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const MONITOR = {
  username: 'cra.zhou',
  displayName: '周监查',
  temporary: 'Temporary#2026m',
  password: 'Monitor-visit-2026',
};
const STUDY = {
  protocolNumber: 'HM-MM-2026-07',
  title: '达雷妥尤单抗联合硼替佐米、来那度胺和地塞米松治疗新诊断多发性骨髓瘤的多中心 III 期研究',
  shortTitle: 'NDMM D-VRd',
  sponsor: '西安杨森制药有限公司',
  phase: 'III',
  indication: '多发性骨髓瘤',
  therapeuticArea: 'myeloma',
  sitePi: '王建国',
  protocolVersion: 'V1.0',
  protocolVersionDate: '2026-01-15',
  enrollmentTarget: 10,
};

test.use({ actionTimeout: 20_000 });

/** The study (enrolling) with two arms, our center, consent 1.0 — by calls. */
const setUpStudy = (page: Page) =>
  setUpVisitStudy(page, {
    study: STUDY,
    arms: [
      { code: 'A', label: 'D-VRd' },
      { code: 'B', label: 'VRd' },
    ],
    criterion: '新诊断、未经治疗的多发性骨髓瘤',
  });

/** A subject of our center enrolled 20 days ago in arm A (by calls). */
const enrolled = (page: Page, ids: VisitIds) =>
  enrolledSubject(page, ids, {
    screeningNumber: 'S01001',
    subjectNumber: '01-001',
    initials: 'ZJG',
    name: '张建国',
    birthYear: 1958,
    consent: daysAgo(30),
    screened: daysAgo(28),
    enrolled: daysAgo(20),
    arm: 'A',
  });

/** One part of the page, at full size (the full-page shots are for the whole; these are for reading). */
async function part(locator: Locator, testInfo: TestInfo, name: string): Promise<void> {
  await locator.screenshot({ path: testInfo.outputPath(`${name}.png`), animations: 'disabled' });
}

/** The first Saturday after today ('YYYY-MM-DD'). */
function nextSaturday(): string {
  // the site's today, as a calendar date; its weekday read in UTC (the date carries no time zone any more)
  const d = new Date(`${daysAgo(0)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + ((6 - d.getUTCDay() + 7) % 7 || 7));
  return d.toISOString().slice(0, 10);
}

async function pick(td: TrialDesk, scope: Locator, label: string, option: string): Promise<void> {
  await td.select(label, option, scope);
  await dropdownsClosed(td.page);
}

test('schedules: type a cycle schedule with its preview, amend it, move a subject; deviations; holidays', async ({
  app,
  page,
  browser,
}, testInfo) => {
  test.setTimeout(480_000);
  const td = new TrialDesk(page);
  let ids: VisitIds = { studyId: 0, centerId: 0, consentVersionId: 0 };

  await test.step('set-up: administrator, enrolling study with arms', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    ids = await setUpStudy(page);
    await page.reload();
    await openStudyTab(page, STUDY.protocolNumber, '访视计划');
    await expect(page.getByTestId('editor-title')).toHaveText('新建访视计划');
  });

  await test.step('type the schedule: baseline, 6 cycles of 21 days (D1/D8/D15), EOT, follow-up ×8, on demand', async () => {
    const add = page.getByTestId('add-lines');
    // baseline on the enrollment date
    await add.getByRole('button', { name: '添加单次访视' }).click();
    await fillLine(page, 0, { 代码: 'BL', 访视名称: '基线访视', 窗口推后天数: '3' });
    // cycles: prefilled C, from the first dose, 21 days × 6
    await add.getByRole('button', { name: '添加治疗周期' }).click();
    await fillLine(page, 1, { 访视名称: '治疗期访视', 访视日: '1 8 15', 窗口提前天数: '1', 窗口推后天数: '1' });
    await expect(scheduleLine(page, 1)).toContainText('C1D1, C1D8 … C6D15 (18)');
    // end of treatment: 28 days after the last cycle visit (the line above is prefilled as its anchor)
    await add.getByRole('button', { name: '添加单次访视' }).click();
    await fillLine(page, 2, {
      代码: 'EOT',
      访视名称: '治疗结束访视',
      天数: '28',
      窗口提前天数: '3',
      窗口推后天数: '7',
    });
    // follow-up every 84 days × 8, counted from EOT
    await add.getByRole('button', { name: '添加定期重复访视' }).click();
    await fillLine(page, 3, { 访视名称: '生存随访', 次数: '8', 窗口提前天数: '7', 窗口推后天数: '7' });
    // an on-demand visit, for arm A only
    await add.getByRole('button', { name: '添加按需访视' }).click();
    await fillLine(page, 4, { 代码: 'AEFU', 访视名称: '不良事件随访' });
    await td.select('适用组别', 'A', scheduleLine(page, 4));
    await page.keyboard.press('Escape'); // a multiple select stays open for more
    await dropdownsClosed(page);

    const table = page.getByTestId('preview-table');
    await expect(table).toContainText('C6D15');
    await expect(table).toContainText('FU8');
    const codes = await table.locator('tbody tr.ant-table-row td:nth-child(2)').allInnerTexts();
    const cycles = [1, 2, 3, 4, 5, 6].flatMap((c) => [1, 8, 15].map((d) => `C${c}D${d}`));
    expect(codes).toEqual(['BL', ...cycles, 'EOT', ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `FU${n}`)]);
    await expect(page.getByTestId('preview-waiting')).toContainText('AEFU');
    await page.getByTestId('schedule-lines').scrollIntoViewIfNeeded();
    await shot(page, testInfo, '01-schedule-typed-with-preview');
    await part(page.getByTestId('schedule-lines'), testInfo, '01a-editor-lines');

    // a first dose on a Saturday: every cycle and follow-up target falls on a weekend, and is marked
    const preview = page.getByTestId('schedule-preview');
    await td.date('首次给药', nextSaturday(), preview);
    await expect(preview.locator('tr.td-day-off').first()).toBeVisible();
    await expect(preview).toContainText('周末');
    await part(preview, testInfo, '01b-preview-weekend');
  });

  await test.step('a cycle line without its length is refused on that cell', async () => {
    await scheduleLine(page, 1).getByLabel('周期长度', { exact: true }).clear();
    await expect(page.getByTestId('preview-error')).toContainText('第 2 行（C）');
    await page.getByRole('button', { name: '保存访视计划' }).click();
    const cell = scheduleLine(page, 1)
      .locator('.ant-form-item')
      .filter({ has: page.getByLabel('周期长度', { exact: true }) });
    await expect(cell.locator('.ant-form-item-explain-error')).toBeVisible();
    await shot(page, testInfo, '02-cycle-length-refused');
    await scheduleLine(page, 1).getByLabel('周期长度', { exact: true }).fill('21');
    await expect(cell.locator('.ant-form-item-explain-error')).toHaveCount(0);
    await page.getByRole('button', { name: '保存访视计划' }).click();
    await td.expectToast('访视计划已保存');
    const versions = page.getByTestId('schedule-versions');
    await expect(versions).toContainText('V1.0');
    await expect(versions).toContainText('当前');
  });

  await test.step('a subject follows V1.0: the amendment is a new version, asked with a reason', async () => {
    await enrolled(page, ids);
    await page.reload();
    await expect(page.getByTestId('schedule-versions')).toBeVisible();
    await expect(page.getByText('已有 1 名受试者按此版本访视')).toBeVisible();
    // saving the version itself is not offered: only as a new version
    await expect(page.getByRole('button', { name: '保存修改' })).toHaveCount(0);
    await page.getByRole('button', { name: '新建版本（方案修订）' }).click();
    await expect(page.getByTestId('editor-title')).toHaveText('新版本（方案修订，基于版本 V1.0）');
    await expect(page.getByLabel('版本', { exact: true })).toHaveValue('V2.0');
    // the amendment: follow-up every 12 weeks becomes every 8 weeks (×12)
    await scheduleLine(page, 3).getByLabel('天数', { exact: true }).fill('56');
    await scheduleLine(page, 3).getByLabel('间隔天数', { exact: true }).fill('56');
    await scheduleLine(page, 3).getByLabel('次数', { exact: true }).fill('12');
    await page.getByLabel('说明', { exact: true }).fill('方案 V2.0：随访间隔改为 8 周，共 12 次');
    await expect(page.getByTestId('preview-table')).toContainText('FU12');
    await page.getByRole('button', { name: '保存新版本' }).click();
    const reason = td.dialog('请填写修改原因');
    await expect(reason).toContainText('需要说明修订原因');
    await reason.getByLabel('修改原因').fill('方案修订 V2.0 经伦理委员会批准');
    await shot(page, testInfo, '03-amendment-reason');
    await reason.getByRole('button', { name: '保存' }).click();
    await td.expectToast('新版本 V2.0 已保存');
    const versions = page.getByTestId('schedule-versions');
    await expect(versions.locator('tbody tr').first()).toContainText('V2.0');
    await expect(versions.locator('tbody tr').nth(1)).toContainText('1');
  });

  await test.step('the subject moves to V2.0 from a date', async () => {
    const v2 = page.getByTestId('schedule-versions').locator('tbody tr').first();
    await v2.getByRole('button', { name: '让受试者改用此版本…' }).click();
    const modal = td.dialog('让受试者改用版本 V2.0');
    await expect(modal).toContainText('只有从所选日期起、尚未记录的访视会按新版本重新排期');
    await modal.getByLabel('修改原因').fill('受试者已签署知情同意 2.0 版');
    await shot(page, testInfo, '04-move-subjects');
    await modal.getByRole('button', { name: '改用此版本' }).click();
    await td.expectToast('1 名受试者已改用版本 V2.0');
    await expect(page.getByTestId('schedule-versions').locator('tbody tr').first()).toContainText('1');
    await shot(page, testInfo, '05-versions-after-move');
  });

  await test.step('a deviation is recorded in the log, then corrected with a reason', async () => {
    await page.getByRole('tab', { name: '方案偏离', exact: true }).click();
    await page.getByRole('button', { name: '登记方案偏离' }).click();
    const modal = td.dialog('登记方案偏离');
    await td.date('发生日期', daysAgo(3), modal);
    await pick(td, modal, '受试者', '01-001');
    await pick(td, modal, '类别', '给药');
    await modal.getByText('重要', { exact: true }).click();
    await td.fill('偏离描述', 'C1D8 来那度胺漏服 2 天（受试者自述忘记服药）', modal);
    await td.fill('纠正/预防措施', '再次进行用药教育，发放服药日记卡', modal);
    await shot(page, testInfo, '06-deviation-create');
    await modal.getByRole('button', { name: '登记方案偏离' }).click();
    await td.expectToast('方案偏离 DV-001 已登记');
    const table = page.getByTestId('deviations-table');
    await expect(table).toContainText('DV-001');
    await expect(table).toContainText('01-001');

    await table.getByRole('button', { name: '更正 DV-001' }).click();
    const edit = td.dialog('更正方案偏离 DV-001');
    await td.date('报告申办方日期', daysAgo(1), edit);
    await edit.getByRole('button', { name: '保存' }).click();
    // no reason: refused on the reason field
    await expect(td.fieldError('修改原因', edit)).toBeVisible();
    await td.fill('修改原因', '补录报告申办方日期', edit);
    await shot(page, testInfo, '07-deviation-correct');
    await edit.getByRole('button', { name: '保存' }).click();
    await td.expectToast('方案偏离 DV-001 已更正');
    await expect(edit).toBeHidden();
    await expect(table).toContainText('申办方');
    await shot(page, testInfo, '08-deviation-log');
  });

  await test.step('the deviations area shows the same log', async () => {
    await page.getByRole('menuitem', { name: '方案偏离' }).click();
    await expect(page.getByRole('heading', { name: '方案偏离' })).toBeVisible();
    await expect(page.getByTestId('deviations-table')).toContainText('DV-001');
    await shot(page, testInfo, '09-deviations-area');
  });

  await test.step('the official 2026 holidays are loaded in the settings', async () => {
    await page.getByRole('menuitem', { name: '系统设置' }).click();
    const card = page.getByTestId('holidays-card');
    const year = card.locator('.td-toolbar .ant-picker input');
    await year.click();
    await year.fill('2026');
    await year.press('Enter');
    await card.getByRole('button', { name: '载入国务院 2026 年放假安排' }).click();
    await expect(card.getByTestId('holidays-result')).toContainText(/已载入 2026 年放假安排：新增 \d+ 天/);
    await expect(card.getByTestId('holidays-table')).toContainText('国庆节');
    await card.scrollIntoViewIfNeeded();
    await shot(page, testInfo, '10-holidays-2026');
    const again = await apiFromPage(page, 'holidays.loadOfficial', { year: 2026 });
    expect(again).toMatchObject({ ok: true, value: { added: 0, updated: 0 } });
  });

  await test.step('a monitor reads the schedule and the log, and changes nothing', async () => {
    const cra = await newUserPage(page, browser, app.url, MONITOR, 'monitor', ids.studyId);
    await openStudyTab(cra, STUDY.protocolNumber, '访视计划');
    await expect(cra.getByTestId('editor-title')).toHaveText('版本 V2.0');
    await expect(cra.getByRole('button', { name: '新建版本（方案修订）' })).toHaveCount(0);
    await expect(cra.getByTestId('add-lines')).toHaveCount(0);
    await expect(scheduleLine(cra, 0).getByLabel('代码', { exact: true })).toBeDisabled();
    await expect(cra.getByTestId('preview-table')).toContainText('FU12');
    await cra.getByRole('tab', { name: '方案偏离', exact: true }).click();
    await expect(cra.getByTestId('deviations-table')).toContainText('DV-001');
    await expect(cra.getByRole('button', { name: '登记方案偏离' })).toHaveCount(0);
    await shot(cra, testInfo, '12-monitor-deviations');
    await cra.context().close();
  });

  await test.step('the schedule in English', async () => {
    await page.getByRole('menuitem', { name: '研究项目' }).click();
    await page.getByRole('link', { name: STUDY.protocolNumber }).click();
    await page.getByRole('tab', { name: '访视计划', exact: true }).click();
    await page.getByRole('button', { name: '界面语言' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByTestId('editor-title')).toHaveText('Version V2.0');
    await shot(page, testInfo, '11-schedule-english');
  });
});
