/**
 * The Excel area through the UI on a real browser-mode host (issue 7): a study with two enrolled subjects (name, record
 * number, ID number and phone on file), a recorded visit and an AE, set up by calls. A sponsor export in Chinese is
 * downloaded and opened with exceljs: sheet names, header row, rows per sheet, a real date cell, no personal data
 * anywhere. After an edit of the AE, "changes since the last delivery" to the same recipient carries only that AE and a
 * change log of it. An SDTM export in English gives DM with USUBJID. The deliveries tab lists the three; the initials
 * setting is switched with a reason, and a monitor sees it read-only and exports with the initials.
 */
import type ExcelJS from 'exceljs';
import { expect, test } from './fixtures';
import { shot } from './pages/calls';
import {
  EXCHANGE_STUDY,
  PEOPLE,
  allText,
  choice,
  dataRows,
  editAe,
  exportWorkbook,
  headerRow,
  openExchange,
  pick,
  setUpExchangeStudy,
  type ExchangeSetUp,
} from './pages/exchange';
import { daysAgo, newUserPage } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const MONITOR = { username: 'zhoujl', displayName: '周佳丽', temporary: 'Temp#Pass2024', password: 'Monitor#2024' };
const SPONSOR = '西安杨森临床运营部';
const SPONSOR_SHEETS = ['各中心小结', '筛选表', '入选表', '访视跟踪表', '不良事件列表', 'SAE 列表', '方案偏离表'];

test.use({ actionTimeout: 20_000 });

const sheet = (wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name} (sheets: ${wb.worksheets.map((w) => w.name).join(', ')})`);
  return ws;
};

/** No name, record number, ID number or phone of any subject in any cell. */
function expectDeIdentified(wb: ExcelJS.Workbook): void {
  const text = allText(wb);
  expect(text.length).toBeGreaterThan(0);
  for (const p of PEOPLE)
    for (const value of [p.name, p.recordNumber, p.idNumber, p.phone]) expect(text, value).not.toContain(value);
}

test('excel: sponsor export opened with exceljs, changes since the last delivery, SDTM in English, deliveries, settings', async ({
  app,
  page,
  browser,
}, testInfo) => {
  test.setTimeout(360_000);
  const td = new TrialDesk(page);
  let ids: ExchangeSetUp | undefined;

  await test.step('set-up: study, schedule, two enrolled subjects, a recorded visit, an AE', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    ids = await setUpExchangeStudy(page);
    await page.reload();
  });
  const setUp = ids!;

  await test.step('the export form: sponsor logs, every sheet, Chinese, no previous delivery', async () => {
    const form = await openExchange(page);
    await expect(page.getByTestId('exchange-study')).toContainText(EXCHANGE_STUDY.protocolNumber);
    await expect(choice(form, 'radio', '申办方日志')).toBeChecked();
    for (const name of SPONSOR_SHEETS) await expect(choice(form, 'checkbox', name)).toBeChecked();
    await expect(choice(form, 'radio', '中文')).toBeChecked();
    const changesOnly = choice(form, 'checkbox', '只导出自上次交付以来的变更');
    await expect(changesOnly).toBeDisabled();
    await expect(form).toContainText('填写接收方后，可选择只导出变更');
    await expect(page.getByTestId('export-settings')).toContainText('导出中包含姓名缩写（方案允许时）');
    await shot(page, testInfo, '01-export-form');

    // the recipient is required: the server's refusal lands on its field, nothing is downloaded
    await page.getByTestId('export-submit').click();
    await expect(td.fieldError('接收方', form)).toHaveText('必填');
    await td.fill('接收方', SPONSOR, form);
    await expect(td.fieldError('接收方', form)).toHaveCount(0);
    await expect(changesOnly).toBeDisabled();
    await expect(form).toContainText('此前没有向该接收方交付过“申办方日志”，需先做一次完整导出。');
  });

  await test.step('sponsor export in Chinese: the workbook as the sponsor opens it', async () => {
    const out = await exportWorkbook(page, testInfo, 'sponsor-full');
    expect(out.fileName).toMatch(new RegExp(`^${EXCHANGE_STUDY.protocolNumber}_sponsor_${SPONSOR}_\\d{12}\\.xlsx$`));
    const wb = out.workbook;
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', ...SPONSOR_SHEETS]);

    const expected: Record<string, number> = {
      各中心小结: 1,
      筛选表: 2,
      入选表: 2,
      访视跟踪表: setUp.visitCount,
      不良事件列表: 1,
      'SAE 列表': 0,
      方案偏离表: 0,
    };
    for (const [name, rows] of Object.entries(expected)) {
      expect(dataRows(sheet(wb, name)), name).toHaveLength(rows);
      await expect(page.getByTestId(`export-rows-${name}`)).toHaveText(`${rows} 行`);
    }
    expect(setUp.visitCount).toBe(4);

    const enrollment = sheet(wb, '入选表');
    const header = headerRow(enrollment);
    expect(header.slice(0, 3)).toEqual(['受试者编号', '筛选号', '中心编号']);
    expect(header).toContain('入组日期');
    expect(header).not.toContain('姓名缩写');
    expect(enrollment.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(enrollment.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // ordered by enrollment date: the first subject first; the date is a real Excel date, not text
    const row = enrollment.getRow(2);
    expect(row.getCell(1).value).toBe(PEOPLE[0].subjectNumber);
    const enrolled = row.getCell(header.indexOf('入组日期') + 1);
    expect(enrolled.value).toBeInstanceOf(Date);
    expect((enrolled.value as Date).toISOString().slice(0, 10)).toBe(daysAgo(PEOPLE[0].enrolled));
    expect(enrolled.numFmt).toBe('yyyy-mm-dd');

    const aes = sheet(wb, '不良事件列表');
    expect(dataRows(aes)[0]).toContain('恶心');
    const readMe = new Map<string, string>();
    sheet(wb, '说明').eachRow((r) => readMe.set(String(r.getCell(1).text), String(r.getCell(2).text)));
    expect(readMe.get('接收方')).toBe(SPONSOR);
    expect(readMe.get('变更范围')).toBe('完整导出');
    expectDeIdentified(wb);

    const done = page.getByTestId('export-done');
    await expect(done).toContainText(`已导出 ${out.fileName}`);
    await expect(done).toContainText('完整导出');
    await td.expectToast(`已导出 ${out.fileName}`);
    // the recipient list (now holding this recipient) does not pop open over the form
    await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
    await shot(page, testInfo, '02-export-done');
  });

  await test.step('the AE is corrected; changes since the last delivery to the same recipient', async () => {
    await editAe(page, setUp.aeId, { verbatimTerm: '恶心（复核）', grade: 1 }, '核对原始病历后更正');
    const form = page.getByTestId('export-form');
    const changesOnly = choice(form, 'checkbox', '只导出自上次交付以来的变更');
    // the deliveries were reloaded after the export: this recipient now has one
    await expect(changesOnly).toBeEnabled();
    await expect(form).toContainText('上次向该接收方交付“申办方日志”：');
    await changesOnly.check();
    const out = await exportWorkbook(page, testInfo, 'sponsor-changes');
    expect(out.fileName).toContain('_changes_');
    const wb = out.workbook;
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', ...SPONSOR_SHEETS, '变更记录']);
    expect(dataRows(sheet(wb, '不良事件列表'))).toHaveLength(1);
    expect(dataRows(sheet(wb, '筛选表'))).toHaveLength(0);
    expect(dataRows(sheet(wb, '访视跟踪表'))).toHaveLength(0);
    const log = dataRows(sheet(wb, '变更记录'));
    // record, field, old, new, when: the corrected term and grade of that AE (record "01-001 · AE-1")
    const term = log.find((r) => r[2] === '恶心' && r[3] === '恶心（复核）');
    expect(term, JSON.stringify(log)).toBeDefined();
    expect(String(term?.[0])).toContain(PEOPLE[0].subjectNumber);
    expect(log.some((r) => r[2] === '2' && r[3] === '1')).toBe(true);
    expect(term?.[4]).toBeInstanceOf(Date);
    expectDeIdentified(wb);
    await expect(page.getByTestId('export-done')).toContainText('自上次交付（');
    await expect(page.getByTestId('export-rows-变更记录')).toHaveText(`${log.length} 行`);
  });

  await test.step('SDTM export in English: DM with USUBJID = STUDYID-SITEID-SUBJID', async () => {
    const form = page.getByTestId('export-form');
    await pick(form, 'SDTM 格式');
    for (const name of ['DM 人口学', 'DS 处置', 'SV 受试者访视', 'AE 不良事件', 'TV 试验访视计划'])
      await expect(choice(form, 'checkbox', name)).toBeChecked();
    await pick(form, 'English');
    // no SDTM delivery to anyone yet: changes only is off and disabled again
    await expect(choice(form, 'checkbox', '只导出自上次交付以来的变更')).not.toBeChecked();
    await expect(choice(form, 'checkbox', '只导出自上次交付以来的变更')).toBeDisabled();
    await td.fill('接收方', 'Janssen DM team', form);
    const out = await exportWorkbook(page, testInfo, 'sdtm-en');
    expect(out.workbook.worksheets.map((w) => w.name)).toEqual(['Read me', 'DM', 'DS', 'SV', 'AE', 'TV']);
    const dm = sheet(out.workbook, 'DM');
    const h = headerRow(dm);
    expect(h.slice(0, 4)).toEqual(['STUDYID', 'DOMAIN', 'USUBJID', 'SUBJID']);
    const usubjids = dataRows(dm).map((r) => r[h.indexOf('USUBJID')]);
    expect(usubjids.sort()).toEqual(PEOPLE.map((p) => `${EXCHANGE_STUDY.protocolNumber}-01-${p.subjectNumber}`));
    expect(dataRows(sheet(out.workbook, 'SV'))).toHaveLength(1);
    expect(dataRows(sheet(out.workbook, 'AE'))).toHaveLength(1);
    expectDeIdentified(out.workbook);
  });

  await test.step('the deliveries tab: the three exports, newest first', async () => {
    await page.getByRole('tab', { name: /交付记录/ }).click();
    await expect(page).toHaveURL(/tab=deliveries/);
    const rows = page.getByTestId('deliveries-table').locator('tbody tr.ant-table-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText('SDTM 格式');
    await expect(rows.nth(0)).toContainText('Janssen DM team');
    await expect(rows.nth(0)).toContainText('DM 2');
    await expect(rows.nth(1)).toContainText('仅变更');
    await expect(rows.nth(1)).toContainText('变更记录');
    await expect(rows.nth(2)).toContainText('完整');
    await expect(rows.nth(2)).toContainText(SPONSOR);
    for (const r of [0, 1, 2]) await expect(rows.nth(r)).toContainText(ADMIN.displayName);
    await expect(page.getByTestId('deliveries-count')).toHaveText('3');
    await shot(page, testInfo, '03-deliveries');
  });

  await test.step('the initials setting, switched with a reason', async () => {
    await page.getByRole('tab', { name: '导出', exact: true }).click();
    const settings = page.getByTestId('export-settings');
    const toggle = settings.getByRole('switch');
    await expect(toggle).not.toBeChecked();
    await toggle.click();
    const modal = td.dialog('开启：导出包含姓名缩写');
    await expect(modal).toBeVisible();
    await modal.getByRole('button', { name: '保存' }).click();
    await expect(td.fieldError('修改原因', modal)).toHaveText('必填');
    await modal.getByLabel('修改原因').fill('方案 V1.0 第 9.2 节允许姓名缩写随数据传递');
    await shot(page, testInfo, '04-settings-reason');
    await modal.getByRole('button', { name: '保存' }).click();
    await td.expectToast('导出设置已保存');
    await expect(modal).toBeHidden();
    await expect(toggle).toBeChecked();
  });

  await test.step('a monitor sees the setting read-only and exports the screening log with initials', async () => {
    const monitor = await newUserPage(page, browser, app.url, MONITOR, 'monitor', setUp.studyId);
    const form = await openExchange(monitor);
    const settings = monitor.getByTestId('export-settings');
    await expect(settings.getByRole('switch')).toHaveCount(0);
    await expect(settings.getByTestId('export-initials')).toHaveText('包含');
    for (const name of SPONSOR_SHEETS.filter((s) => s !== '筛选表')) await choice(form, 'checkbox', name).uncheck();
    await form.getByLabel('接收方', { exact: true }).fill(MONITOR.displayName);
    const out = await exportWorkbook(monitor, testInfo, 'monitor-screening');
    expect(out.workbook.worksheets.map((w) => w.name)).toEqual(['说明', '筛选表']);
    const screening = sheet(out.workbook, '筛选表');
    const h = headerRow(screening);
    expect(h).toContain('姓名缩写');
    expect(
      dataRows(screening)
        .map((r) => r[h.indexOf('姓名缩写')])
        .sort(),
    ).toEqual(['QF', 'ZL']);
    expectDeIdentified(out.workbook);
    await shot(monitor, testInfo, '05-monitor-export');
    await monitor.context().close();
  });

  await test.step('in English: the screen, and the workbook language following it', async () => {
    await page.getByRole('button', { name: '界面语言' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Excel exchange' })).toBeVisible();
    // a fresh form (the language is remembered by the workstation): its defaults in English
    await page.reload();
    const form = page.getByTestId('export-form');
    await expect(choice(form, 'radio', 'Sponsor logs')).toBeChecked();
    await expect(choice(form, 'radio', 'English')).toBeChecked();
    await expect(choice(form, 'checkbox', 'Visit tracker')).toBeChecked();
    await expect(page.getByTestId('export-initials')).toBeChecked();
    await shot(page, testInfo, '06-english');
  });
});
