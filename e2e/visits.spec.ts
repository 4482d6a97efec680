/**
 * Visits through the UI on a real browser-mode host (issue 5): a study with the cycle schedule (6 cycles × 21
 * days, visits on days 1, 8 and 15, follow-up every 12 weeks), two enrolled subjects; one starts treatment on screen
 * and its cycle visits appear; a visit is recorded in its window, another out of window, whose proposed deviation is
 * confirmed (DV-001); the coordinator's worklist (sections, one-click recording, a missed visit left for a deviation
 * decision), the month calendar and the printable day list are looked at; then the host restarts 30 days later and the
 * overdue section and the menu's badge show the visits whose windows closed meanwhile.
 */
import { expect, test } from './fixtures';
import { apiFromPage, shot } from './pages/calls';
import { api, daysAgo, dropdownsClosed, openStudyTab, openSubject, subjectAction } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';
import {
  STUDY,
  daysFromNow,
  enrolledSubject,
  openWorklist,
  saturdayOnOrBefore,
  setUpVisitStudy,
  signIn,
  typeSchedule,
  visitRow,
  worklistSection,
  type VisitIds,
} from './pages/visits';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const DAY = 86_400_000;

test.use({ actionTimeout: 20_000 });

test('visits: cycle schedule, first dose, record in and out of window, deviation, worklist, calendar, print, overdue', async ({
  app,
  page,
}, testInfo) => {
  test.setTimeout(420_000);
  const td = new TrialDesk(page);
  let ids: VisitIds = { studyId: 0, centerId: 0, consentVersionId: 0 };
  // subject B enrolled on a Saturday: its baseline visit's target is flagged as a weekend
  const bEnrolled = saturdayOnOrBefore(daysAgo(15));
  // this month's days: visits of subject A fall on today's weekday, subject B's on that of 9 days ago
  const month = daysFromNow(0).slice(0, 8);
  const days = Array.from({ length: 31 }, (_, i) => `${month}${String(i + 1).padStart(2, '0')}`).filter((d) =>
    new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
  );
  const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
  const taken = [0, 6, weekday(daysAgo(0)), weekday(daysAgo(9))];
  const HOLIDAY = days.find((d) => !taken.includes(weekday(d))) ?? days[0]!;
  const WORKDAY = days.find((d) => weekday(d) === 6 && d !== bEnrolled) ?? days[0]!;

  await test.step('set-up: study; the cycle schedule typed in the schedule editor; holidays', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    ids = await setUpVisitStudy(page);
    await page.reload();
    await openStudyTab(page, STUDY.protocolNumber, '访视计划');
    await typeSchedule(td);
    // the official holidays of this year when the app ships them, and two days of this month's calendar: a holiday on
    // a weekday no visit of this test falls on, and a Saturday worked instead (调休上班: not a day off)
    await apiFromPage(page, 'holidays.loadOfficial', { year: Number(daysFromNow(0).slice(0, 4)) });
    await api(page, 'holidays.save', { date: HOLIDAY, kind: 'holiday', name: '院庆休假' });
    await api(page, 'holidays.save', { date: WORKDAY, kind: 'workday', name: '院庆调休上班' });
  });

  await test.step('set-up: two enrolled subjects, one of them already on treatment', async () => {
    await enrolledSubject(page, ids, {
      screeningNumber: 'S01001',
      subjectNumber: '01-001',
      initials: 'ZL',
      name: '赵磊',
      consent: daysAgo(20),
      enrolled: daysAgo(14),
    });
    const b = await enrolledSubject(page, ids, {
      screeningNumber: 'S01002',
      subjectNumber: '01-002',
      initials: 'QF',
      name: '钱芳',
      consent: daysAgo(30),
      enrolled: bEnrolled,
    });
    await api(page, 'subjects.changeStatus', { id: b, to: 'on_treatment', date: daysAgo(9) });
    await page.reload();
  });

  await test.step('the enrolled subject has its baseline visit; the cycle visits wait for the first dose', async () => {
    await openSubject(page, STUDY.protocolNumber, 'S01001');
    await expect(page.getByRole('tab', { name: '访视', exact: true })).toHaveAttribute('aria-selected', 'true');
    await expect(visitRow(page, 'BL')).toContainText('计划');
    // 18 cycle visits and 4 follow-ups
    await expect(page.getByTestId('visits-waiting')).toContainText('首次给药日期记录后生成 22 项访视');
    await shot(page, testInfo, '01-subject-visits-before-first-dose');
  });

  await test.step('start of treatment (first dose): the cycle visits appear', async () => {
    await subjectAction(page, '开始治疗').click();
    const modal = td.dialog(/→ 治疗中/);
    await td.date('开始治疗日期', daysAgo(7), modal);
    await modal.getByRole('button', { name: '开始治疗' }).click();
    await td.expectToast('状态已变更为“治疗中”');
    await expect(visitRow(page, 'C1D1')).toBeVisible();
    await expect(visitRow(page, 'C6D15')).toContainText('第6周期 第15天');
    await expect(page.getByTestId('visits-table').locator('tbody tr.ant-table-row')).toHaveCount(1 + 18 + 4);
    await expect(page.getByTestId('visits-waiting')).toHaveCount(0);
  });

  await test.step('C1D1 recorded in its window', async () => {
    await page.getByTestId('record-C1D1').click();
    const modal = td.dialog(/记录访视：01-001 · C1D1/);
    await expect(modal.getByLabel('已完成')).toBeChecked();
    await td.date('实际日期', daysAgo(7), modal);
    await expect(modal.getByTestId('record-outside-hint')).toHaveCount(0);
    await shot(page, testInfo, '02-record-modal');
    await modal.getByRole('button', { name: '保存' }).click();
    await td.expectToast('访视 C1D1 已记录');
    await expect(visitRow(page, 'C1D1')).toContainText('已完成');
    await expect(visitRow(page, 'C1D1').getByTestId('flag-out-of-window')).toHaveCount(0);
  });

  await test.step('BL recorded out of its window: the deviation is proposed and confirmed (DV-001)', async () => {
    await page.getByTestId('record-BL').click();
    const modal = td.dialog(/记录访视：01-001 · BL/);
    await td.date('实际日期', daysAgo(9), modal);
    await expect(modal.getByTestId('record-outside-hint')).toBeVisible();
    await modal.getByRole('button', { name: '保存' }).click();
    const decision = td.dialog(/偏离判定：01-001 · BL/);
    await expect(decision.getByTestId('deviation-proposal')).toContainText('访视 BL 在窗口期外完成');
    await expect(decision.getByLabel('偏离描述')).toHaveValue(
      `访视 BL 实际日期 ${daysAgo(9)}，超出窗口 ${daysAgo(14)} 至 ${daysAgo(11)}`,
    );
    await expect(decision.getByLabel('发生日期')).toHaveValue(daysAgo(9));
    await td.fill('纠正/预防措施', '提醒受试者按访视窗口来院；协调员提前 3 天电话确认', decision);
    await dropdownsClosed(page);
    await shot(page, testInfo, '03-deviation-proposal');
    await decision.getByRole('button', { name: '保存判定' }).click();
    await td.expectToast('已记录方案偏离 DV-001');
    await expect(visitRow(page, 'BL').getByTestId('flag-out-of-window')).toBeVisible();
    await expect(visitRow(page, 'BL').getByTestId('flag-deviation')).toHaveText('偏离 DV-001');
    await shot(page, testInfo, '04-subject-visits');
  });

  await test.step('a correction of a recorded visit asks for the reason', async () => {
    await page.getByTestId('record-C1D1').click();
    const modal = td.dialog(/记录访视：01-001 · C1D1/);
    await td.fill('备注', '血常规、生化已采集', modal);
    await modal.getByRole('button', { name: '保存' }).click();
    const reason = td.dialog('请填写修改原因');
    await td.fill('修改原因', '补充访视备注', reason);
    await reason.getByRole('button', { name: '保存' }).click();
    await td.expectToast('访视 C1D1 已记录');
    await expect(visitRow(page, 'C1D1')).toContainText('血常规、生化已采集');
  });

  await test.step('an unscheduled visit from an on-demand line of the schedule', async () => {
    await page.getByRole('button', { name: '新增计划外访视' }).click();
    const modal = td.dialog(/新增计划外访视：01-001/);
    await expect(modal).toContainText('AEFU · 不良事件随访');
    await modal.getByRole('button', { name: '添加' }).click();
    // the reason is required: the server says so on its field
    await expect(td.fieldError('原因', modal)).toBeVisible();
    await td.fill('原因', '2 级皮疹复查', modal);
    await modal.getByRole('button', { name: '添加' }).click();
    await td.expectToast('计划外访视已添加');
    await expect(visitRow(page, 'AEFU')).toContainText('计划外');
    await expect(visitRow(page, 'AEFU')).toContainText('已完成');
  });

  await test.step('the worklist: today, this week, window open, overdue; record from it in one click', async () => {
    await openWorklist(page);
    await expect(page.getByTestId('overdue-badge')).toHaveText('2');
    await expect(worklistSection(page, '今日')).toContainText('01-001');
    await expect(worklistSection(page, '今日')).toContainText('C1D8');
    await expect(worklistSection(page, '今日')).toContainText('第1周期 第8天');
    await expect(worklistSection(page, '本周')).toContainText('01-002');
    await expect(worklistSection(page, '本周')).toContainText('C1D15');
    await expect(worklistSection(page, '窗口期内')).toContainText('C1D8');
    const overdue = worklistSection(page, '已超窗未记录');
    await expect(overdue.locator('tbody tr.ant-table-row')).toHaveCount(2);
    await expect(overdue.locator('tbody tr.ant-table-row').filter({ hasText: 'BL' })).toContainText('周末');
    await shot(page, testInfo, '05-worklist');

    // the window-open visit, recorded today from the list
    await worklistSection(page, '窗口期内').getByRole('button', { name: '记录' }).click();
    let modal = td.dialog(/记录访视：01-002 · C1D8/);
    await expect(modal.getByLabel('实际日期')).toHaveValue(daysFromNow(0));
    await modal.getByRole('button', { name: '保存' }).click();
    await td.expectToast('访视 C1D8 已记录');
    await expect(worklistSection(page, '窗口期内')).toContainText('没有窗口期内的访视');

    // an overdue visit that did not take place: missed; the deviation is left for later
    await overdue.locator('tbody tr.ant-table-row').filter({ hasText: 'C1D1' }).getByRole('button').click();
    modal = td.dialog(/记录访视：01-002 · C1D1/);
    await modal.getByText('缺失（受试者未到）').click();
    await td.fill('原因', '受试者发热，未能来院', modal);
    await modal.getByRole('button', { name: '保存' }).click();
    const decision = td.dialog(/偏离判定：01-002 · C1D1/);
    await expect(decision.getByTestId('deviation-proposal')).toContainText('访视 C1D1 缺失');
    await decision.getByRole('button', { name: '取消' }).click();
    await expect(overdue.locator('tbody tr.ant-table-row')).toHaveCount(1);
    await expect(page.getByTestId('overdue-badge')).toHaveText('1');
    await expect(worklistSection(page, '待处理偏离')).toContainText('01-002');
    await expect(worklistSection(page, '待处理偏离')).toContainText('C1D1');
  });

  await test.step('the month calendar: visits on their days, weekends and holidays shaded; a day lists its visits', async () => {
    await page.getByRole('tab', { name: '月历' }).click();
    await expect(page.getByTestId(`day-${HOLIDAY}`)).toHaveAttribute('data-day-off', 'true');
    await expect(page.getByTestId(`day-${HOLIDAY}`)).toContainText('院庆休假');
    await expect(page.getByTestId(`day-${WORKDAY}`)).not.toHaveAttribute('data-day-off', 'true');
    await expect(page.getByTestId(`day-${WORKDAY}`)).toContainText('调休上班');
    const todayCell = page.getByTestId(`day-${daysFromNow(0)}`);
    // C1D8 of both subjects (one planned, one done today) and the unscheduled AEFU
    await expect(todayCell.getByTestId('calendar-entry')).toHaveCount(3);
    await todayCell.click();
    const day = page.getByTestId('calendar-day');
    await expect(day).toContainText('01-001');
    await expect(day).toContainText('01-002');
    await shot(page, testInfo, '06-calendar');
  });

  await test.step("today's visit list, printed", async () => {
    await page.getByRole('tab', { name: '今日访视清单' }).click();
    const list = page.getByTestId('print-list');
    await expect(list.locator('tbody tr.ant-table-row')).toHaveCount(1);
    await expect(list).toContainText('C1D8');
    await page.emulateMedia({ media: 'print' });
    await expect(list.getByText('今日访视清单')).toBeVisible();
    await shot(page, testInfo, '07-print-view');
    await page.emulateMedia({ media: 'screen' });
  });

  await test.step('30 days later: the windows that closed meanwhile are overdue, the badge counts them', async () => {
    const url = await app.restart(undefined, { clockOffsetDays: 30 });
    // the browser's clock too, so that "today" in date pickers and the calendar agrees with the host
    await page.clock.install({ time: new Date(Date.now() + 30 * DAY) });
    await page.goto(url);
    await signIn(td, ADMIN);
    const expected = (await api<{ count: number }>(page, 'visits.overdueCount', {})).count;
    expect(expected).toBeGreaterThan(1);
    await openWorklist(page);
    await expect(page.getByTestId('worklist-today')).toContainText(daysFromNow(30));
    await expect(page.getByTestId('overdue-badge')).toHaveText(String(expected));
    const overdue = worklistSection(page, '已超窗未记录');
    await expect(overdue.locator('tbody tr.ant-table-row')).toHaveCount(expected);
    // subject A's C1D8: target today-then, window closed 2 days after: 28 days ago now
    const c1d8 = overdue.locator('tbody tr.ant-table-row').filter({ hasText: '01-001' }).filter({ hasText: 'C1D8' });
    await expect(c1d8.getByTestId('days-overdue')).toHaveText('超窗 28 天');
    await expect(page.getByTestId('worklist-overdue-count')).toHaveText(String(expected));
    await shot(page, testInfo, '08-overdue-after-30-days');
  });

  await test.step('the worklist and a subject visits in English', async () => {
    await page.getByRole('button', { name: '界面语言' }).first().click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Visit worklist' })).toBeVisible();
    await expect(worklistSection(page, 'Overdue, not recorded')).toContainText('28 d overdue');
    await shot(page, testInfo, '09-worklist-en');
    await worklistSection(page, 'Overdue, not recorded').getByRole('link', { name: '01-001' }).first().click();
    await expect(page.getByRole('tab', { name: 'Visits', exact: true })).toHaveAttribute('aria-selected', 'true');
    await expect(visitRow(page, 'BL').getByTestId('flag-deviation')).toHaveText('Deviation DV-001');
    await shot(page, testInfo, '10-subject-visits-en');
  });

  await test.step('the missed visit left for later: explained, not a deviation', async () => {
    await openWorklist(page, 'Visit worklist');
    await worklistSection(page, 'Deviations to decide').getByRole('link', { name: 'Open' }).click();
    await page.getByTestId('decide-C1D1').click();
    const decision = td.dialog(/Deviation decision: 01-002 · C1D1/);
    await expect(decision.getByLabel('Description')).toHaveValue(/Visit C1D1 missed/);
    await decision.getByText('Not a deviation (explain why)').click();
    await td.fill('Explanation', 'Sponsor agreed by e-mail to skip C1D1 (fever); dosing continued at C1D8', decision);
    await decision.getByRole('button', { name: 'Save decision' }).click();
    await td.expectToast('Explanation saved');
    await expect(visitRow(page, 'C1D1').getByTestId('flag-explained')).toHaveText('Explained');
  });
});
