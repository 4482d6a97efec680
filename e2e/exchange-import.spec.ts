/**
 * The Excel area's import tab through the UI on a real browser-mode host (issue 7). On a study with two enrolled,
 * consented subjects (set up by calls): the blank AE template is downloaded, filled with exceljs below its example row —
 * one good row, one of an unknown subject, one with 2025/2/30 — and validated: two rows rejected with their reasons,
 * nothing can be committed; the report downloads as a workbook naming both cells. Fixed, the file validates to three
 * AEs to create and is committed; they appear in the subjects' AE logs. A big file shows its progress (the server's real counts) and is cancelled with nothing written. A
 * sponsor's own file whose header "不良事件描述" is unknown is mapped to the verbatim term in the UI, validated again,
 * accepted and committed; the mapping is then offered for that sponsor. A monitor has no import tab.
 */
import { expect, test } from './fixtures';
import { shot } from './pages/calls';
import { EXCHANGE_STUDY, PEOPLE, openExchange, setUpExchangeStudy, type ExchangeSetUp } from './pages/exchange';
import {
  chooseFile,
  downloadReport,
  downloadTemplate,
  fillTemplate,
  openImport,
  rejectionRows,
  sponsorWorkbook,
  stat,
  validate,
} from './pages/exchange-import';
import { aeRow, openAesTab } from './pages/aes';
import { api, daysAgo, dropdownsClosed, newUserPage, openSubject } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const SPONSOR = '某 CRO 数据管理部';
const MONITOR = { username: 'zhoujl', displayName: '周佳丽', temporary: 'Temp#Pass2024', password: 'Monitor#2024' };

test.use({ actionTimeout: 20_000 });

/** A date cell's value: midnight UTC of the day (Excel dates carry no zone). */
const dateCell = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

interface SubjectAes {
  aes: { verbatimTerm: string }[];
}
const aeTerms = async (page: Parameters<typeof api>[0], subjectId: number): Promise<string[]> =>
  (await api<SubjectAes>(page, 'aes.forSubject', { subjectId })).aes.map((a) => a.verbatimTerm);

test('excel import: template, rejected rows fixed, commit, progress and cancel, a sponsor’s header mapped', async ({
  app,
  page,
  browser,
}, testInfo) => {
  test.setTimeout(420_000);
  const td = new TrialDesk(page);
  let ids: ExchangeSetUp | undefined;

  await test.step('set-up: study, two enrolled subjects with consent dates, one AE', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    ids = await setUpExchangeStudy(page);
    await page.reload();
  });
  const setUp = ids!;
  const [first, second] = [setUp.subjectIds[0]!, setUp.subjectIds[1]!];

  await test.step('the import tab: every kind offered, each with what it does; nothing to validate yet', async () => {
    const tab = await openImport(page);
    await expect(page.getByTestId('exchange-study')).toContainText(EXCHANGE_STUDY.protocolNumber);
    await expect(tab.getByTestId('import-kind')).toContainText('不良事件（AE）');
    await expect(tab.getByTestId('import-kind-hint')).toContainText('新的 AE 编号新增');
    await tab.getByLabel('导入内容', { exact: true }).click();
    for (const kind of ['研究设置', '受试者', '访视', '不良事件（AE）', 'SDTM 格式']) {
      const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: kind });
      await expect(option).not.toHaveClass(/ant-select-item-option-disabled/);
    }
    await page.keyboard.press('Escape');
    await dropdownsClosed(page);
    await expect(tab.getByRole('radio', { name: '中文', exact: true })).toBeChecked();
    await expect(page.getByTestId('import-validate')).toBeDisabled();
    await expect(tab).toContainText('点击选择或将 .xlsx 文件拖到此处');
    await shot(page, testInfo, '01-import-empty');
  });

  const template = await test.step('the blank AE template, downloaded in Chinese', async () => {
    const t = await downloadTemplate(page, testInfo);
    expect(t.fileName).toMatch(/\.xlsx$/);
    for (const header of ['受试者编号', 'AE 名称（原始描述）', 'CTCAE 分级', '开始日期', '转归'])
      expect([...t.columns.keys()], header).toContain(header);
    return t;
  });

  const goodRow = {
    受试者编号: PEOPLE[0].subjectNumber,
    'AE 名称（原始描述）': '发热（模板导入）',
    'CTCAE 分级': 1,
    开始日期: dateCell(daysAgo(4)),
    结束日期: dateCell(daysAgo(3)),
    转归: '痊愈',
  };
  const unknownSubject = {
    受试者编号: '01-999',
    'AE 名称（原始描述）': '头痛（模板导入）',
    'CTCAE 分级': 1,
    开始日期: dateCell(daysAgo(4)),
    结束日期: null,
    转归: '好转',
  };
  const badDate = {
    受试者编号: PEOPLE[1].subjectNumber,
    'AE 名称（原始描述）': '皮疹（模板导入）',
    'CTCAE 分级': 2,
    开始日期: '2025/2/30',
    结束日期: null,
    转归: '未恢复',
  };

  await test.step('filled with two bad rows: both rejected with their reasons, nothing can be imported', async () => {
    const file = await fillTemplate(template, testInfo, 'aes-two-bad.xlsx', [goodRow, unknownSubject, badDate]);
    await chooseFile(page, file);
    const report = await validate(page);
    await expect(stat(page, 'rejected')).toHaveText('2');
    await expect(stat(page, 'created')).toHaveText('1');
    await expect(report).toContainText('有 2 行被拒绝，整个文件都不会导入');
    const rows = rejectionRows(page);
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('01-999');
    await expect(rows.nth(0)).toContainText('本研究中没有受试者“01-999”');
    await expect(rows.nth(0).locator('td').nth(1)).toHaveText('4');
    await expect(rows.nth(1)).toContainText('2025/2/30');
    await expect(rows.nth(1)).toContainText('“2025/2/30”不是日历上存在的日期');
    await expect(rows.nth(1).locator('td').nth(1)).toHaveText('5');
    await expect(page.getByTestId('import-commit')).toBeDisabled();
    expect(await aeTerms(page, first)).toEqual(['恶心']);
    await shot(page, testInfo, '03-report-rejections');
  });

  await test.step('the report downloaded as a workbook: summary, each rejected cell with its reason', async () => {
    await expect(page.getByTestId('import-report-download')).toHaveText('下载报告');
    const report = await downloadReport(page, testInfo);
    expect(report.fileName).toMatch(/^aes-two-bad_导入报告_\d{12}\.xlsx$/);
    expect(report.workbook.worksheets.map((w) => w.name)).toEqual(['概要', '被拒绝的单元格']);
    // the template's columns (A … Z) by header
    const letter = (header: string) => String.fromCharCode(64 + template.columns.get(header)!);
    expect(report.rejections).toEqual([
      ['工作表', '行', '列', '值', '原因'],
      [template.sheet.name, 4, letter('受试者编号'), '01-999', '本研究中没有受试者“01-999”'],
      [template.sheet.name, 5, letter('开始日期'), '2025/2/30', '“2025/2/30”不是日历上存在的日期'],
    ]);
    const summary = new Map<string, unknown>();
    report.workbook.getWorksheet('概要')!.eachRow((row) => {
      const [k, v] = (row.values as unknown[]).slice(1);
      summary.set(String(k), v);
    });
    expect(summary.get('文件名')).toBe('aes-two-bad.xlsx');
    expect(summary.get('新建')).toBe(1);
    expect(summary.get('被拒绝的行')).toBe(2);
    expect(String(summary.get('研究项目'))).toContain(EXCHANGE_STUDY.protocolNumber);
    await expect(page.getByText(`已下载报告 ${report.fileName}`)).toBeVisible();
    await page.getByTestId('import-report').scrollIntoViewIfNeeded();
    await shot(page, testInfo, '03b-report-download');
  });

  await test.step('the two rows fixed in the file: three AEs to create, committed in one go', async () => {
    const file = await fillTemplate(template, testInfo, 'aes-fixed.xlsx', [
      goodRow,
      { ...unknownSubject, 受试者编号: PEOPLE[1].subjectNumber },
      { ...badDate, 开始日期: dateCell(daysAgo(2)) },
    ]);
    await chooseFile(page, file);
    // a new file: the previous report is gone until it is validated
    await expect(page.getByTestId('import-report')).toHaveCount(0);
    await validate(page);
    await expect(stat(page, 'created')).toHaveText('3');
    await expect(stat(page, 'rejected')).toHaveText('0');
    await expect(page.getByTestId('import-ready')).toHaveText('校验通过：可以导入。');
    await expect(page.getByTestId('import-rejections')).toHaveCount(0);
    await page.getByTestId('import-commit').click();
    const done = page.getByTestId('import-done');
    await expect(done).toContainText('已导入：新建 3，更新 0');
    await expect(done).toContainText('aes-fixed.xlsx');
    // ready for the next file
    await expect(page.getByTestId('import-report')).toHaveCount(0);
    await expect(page.getByTestId('import-validate')).toBeDisabled();
    await shot(page, testInfo, '05-success');
  });

  await test.step('the imported AEs are in the subjects’ AE logs', async () => {
    expect((await aeTerms(page, second)).sort()).toEqual(['头痛（模板导入）', '皮疹（模板导入）'].sort());
    await openSubject(page, EXCHANGE_STUDY.protocolNumber, PEOPLE[0].screeningNumber);
    await openAesTab(page);
    await expect(aeRow(page, 1)).toContainText('恶心');
    await expect(aeRow(page, 2)).toContainText('发热（模板导入）');
  });

  await test.step('a big file: its progress while validating, cancelled, nothing written', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [
      PEOPLE[0].subjectNumber,
      `乏力 ${i + 1}`,
      1,
      daysAgo(3),
      '好转',
    ]);
    const file = await sponsorWorkbook(
      testInfo,
      'aes-big.xlsx',
      ['受试者编号', 'AE名称', 'CTCAE分级', '开始日期', '转归'],
      rows,
    );
    await openImport(page);
    await chooseFile(page, file);
    // the server reads 20,000 rows in about a second: its answer is held back (the server still does all the work, and
    // the screen polls its real progress) until the picture is taken and the user has cancelled
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/imports.validate', async (route) => {
      const response = await route.fetch({ timeout: 120_000 });
      await held;
      await route.fulfill({ response });
    });
    await page.getByTestId('import-validate').click();
    const progress = page.getByTestId('import-progress');
    await expect(progress).toContainText(/\d[\d,]* \/ 20,00\d 行/, { timeout: 30_000 });
    await shot(page, testInfo, '02-progress');
    await page.getByTestId('import-cancel').click();
    await expect(page.getByTestId('import-cancelled')).toHaveText('已取消，数据库未改动');
    await expect(progress).toHaveCount(0);
    // the late answer of the cancelled run is dropped
    const late = page.waitForResponse('**/api/imports.validate');
    release();
    await late;
    await page.unroute('**/api/imports.validate');
    await expect(page.getByTestId('import-cancelled')).toBeVisible();
    await expect(page.getByTestId('import-report')).toHaveCount(0);
    expect(await aeTerms(page, first)).toEqual(['恶心', '发热（模板导入）']);
  });

  await test.step('a sponsor’s header unknown: mapped to the verbatim term, validated again, imported', async () => {
    const file = await sponsorWorkbook(
      testInfo,
      'cro-aes.xlsx',
      ['受试者编号', '不良事件描述', 'CTCAE分级', '开始日期', '转归'],
      [[PEOPLE[1].subjectNumber, '乏力（CRO 报告）', 1, daysAgo(6), '痊愈']],
    );
    await page.getByLabel('来源（申办方）', { exact: true }).fill(SPONSOR);
    await expect(page.getByTestId('import-tab')).toContainText('该来源还没有保存的列映射');
    await chooseFile(page, file);
    await validate(page);
    const mapping = page.getByTestId('import-mapping');
    await expect(mapping).toContainText('不良事件描述');
    await expect(mapping).toContainText(`导入时将为“${SPONSOR}”保存此映射`);
    // the required verbatim term is missing until the column is mapped
    await expect(rejectionRows(page)).toHaveCount(1);
    await expect(rejectionRows(page)).toContainText('缺少必需的列');
    await expect(page.getByTestId('import-report')).toContainText('请在下方“列映射”中指定未识别的列后重新校验');
    await expect(page.getByTestId('import-commit')).toBeDisabled();
    await expect(page.getByTestId('import-remap')).toBeDisabled();
    await mapping.getByLabel('不良事件描述', { exact: true }).click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: /^AE 名称（原始描述） · Verbatim term/ })
      .click();
    await dropdownsClosed(page);
    await shot(page, testInfo, '04-mapping');
    await page.getByTestId('import-remap').click();
    await expect(stat(page, 'created')).toHaveText('1');
    await expect(stat(page, 'rejected')).toHaveText('0');
    await expect(page.getByTestId('import-mapping-applied')).toContainText('不良事件描述 → AE 名称（原始描述）');
    await shot(page, testInfo, '04b-mapping-accepted');
    await page.getByTestId('import-commit').click();
    await expect(page.getByTestId('import-done')).toContainText('已导入：新建 1，更新 0');
    expect(await aeTerms(page, second)).toContain('乏力（CRO 报告）');
    // saved for that sponsor on commit: offered from now on
    await expect(page.getByTestId('import-saved-mapping')).toContainText('将使用已保存的列映射');
    await shot(page, testInfo, '06-mapping-saved');
  });

  await test.step('in English: the import tab and its choices', async () => {
    await page.getByRole('button', { name: '界面语言' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Excel exchange' })).toBeVisible();
    const tab = page.getByTestId('import-tab');
    await expect(tab).toContainText('validate first and read the report');
    await expect(tab.getByTestId('import-kind')).toContainText('Adverse events (AE)');
    await expect(page.getByTestId('import-saved-mapping')).toContainText('The saved column mapping will be used');
    await expect(page.getByTestId('import-done')).toContainText('Imported: 1 new, 0 updated');
    await shot(page, testInfo, '07-english');
    // every kind offered with its English line (the kind is picked back: the tab keeps its choice)
    const hints: [string, string][] = [
      ['Study set-up', 'found by protocol number'],
      ['Subjects', 'de-identified subjects'],
      ['Visits', 'by subject number and visit code'],
      ['SDTM', 'STUDYID names the study'],
      ['Adverse events (AE)', 'a new AE number is added'],
    ];
    for (const [kind, hint] of hints) {
      await tab.getByLabel('Content', { exact: true }).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: kind }).click();
      await dropdownsClosed(page);
      await expect(tab.getByTestId('import-kind-hint')).toContainText(hint);
      if (kind === 'SDTM') await shot(page, testInfo, '07b-english-sdtm-hint');
    }
    await page.getByRole('button', { name: 'Interface language' }).click();
    await page.getByRole('menuitem', { name: '中文' }).click();
    await expect(page.getByRole('heading', { name: 'Excel 交换' })).toBeVisible();
  });

  await test.step('a monitor has no import tab, not even by its address', async () => {
    const monitor = await newUserPage(page, browser, app.url, MONITOR, 'monitor', setUp.studyId);
    await openExchange(monitor);
    await expect(monitor.getByRole('tab', { name: '交付记录' })).toBeVisible();
    await expect(monitor.getByRole('tab', { name: '导入', exact: true })).toHaveCount(0);
    await monitor.goto(`${new URL(monitor.url()).origin}/#/excel?tab=import`);
    await expect(monitor.getByTestId('export-form')).toBeVisible();
    await expect(monitor.getByTestId('import-tab')).toHaveCount(0);
    await monitor.context().close();
  });
});
