/**
 * The audit trail viewer and electronic signatures through the UI, on a real browser-mode host:
 * - an administrator filters the trail, exports it (a real .xlsx, read back here with exceljs) and verifies its integrity;
 * - an investigator signs "protocol version approved for use at this site" after re-entering the password (a wrong one
 *   is refused on the field); an administrator then changes the protocol version with a reason, and the study page and
 *   the studies list show the signature as invalidated; the investigator re-signs.
 */
import type { Browser, Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { apiFromPage, shot } from './pages/calls';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const INVESTIGATOR = {
  username: 'zhanglei',
  displayName: '张磊',
  temporary: 'Temporary#2026a',
  password: 'Marrow-biopsy-42',
};

/** A call as the page makes it (its token, its session cookie): for set-up steps other specs cover through the UI. */
async function api<T>(page: Page, channel: string, payload: unknown): Promise<T> {
  const r = await apiFromPage(page, channel, payload);
  if (!r.ok) throw new Error(`${channel} refused: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

/** A second browser (own session cookie) signed in as the investigator, first password already changed. */
async function investigatorPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await api(page, 'auth.login', { username: INVESTIGATOR.username, password: INVESTIGATOR.temporary });
  await api(page, 'auth.changePassword', {
    currentPassword: INVESTIGATOR.temporary,
    newPassword: INVESTIGATOR.password,
  });
  await page.reload();
  await expect(page.getByTestId('user-menu')).toContainText('张磊');
  return page;
}

test('audit trail: filter, export to Excel, verify; signature: sign, invalidate by an edit, re-sign', async ({
  app,
  page,
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  const td = new TrialDesk(page);
  let studyId = 0;

  await test.step('set-up: administrator, two studies, one edited with a reason', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    const study = {
      protocolNumber: 'HR-ITP-III-01',
      title: '评估海曲泊帕治疗成人慢性原发免疫性血小板减少症的多中心随机双盲III期研究',
      shortTitle: 'ITP-海曲泊帕 III期',
      sponsor: '恒瑞医药',
      cro: '泰格医药',
      phase: 'III',
      indication: '慢性原发免疫性血小板减少症',
      therapeuticArea: 'itp_bleeding',
      registrationNumber: 'CTR20241234',
      sitePi: '张磊',
      ethicsApprovalDate: '2024-03-05',
      protocolVersion: 'V2.0',
      protocolVersionDate: '2024-02-20',
      enrollmentTarget: 40,
    };
    studyId = (await api<{ id: number }>(page, 'studies.create', study)).id;
    await api(page, 'studies.create', { ...study, protocolNumber: 'AML-II-07', shortTitle: 'AML 维奈克拉 II期' });
    await api(page, 'studies.update', {
      id: studyId,
      fields: { ...study, sponsor: '=HYPERLINK("http://x")' },
      reason: '+申办方名称更正',
    });
  });

  await test.step('the audit trail lists every event, filters by study and action', async () => {
    await page.getByRole('menuitem', { name: '审计追踪' }).click();
    await expect(page.getByRole('heading', { name: '审计追踪' })).toBeVisible();
    const table = page.getByTestId('audit-table');
    await expect(table.locator('.ant-table-row')).toHaveCount(4);
    await expect(page.getByTestId('audit-total')).toHaveText('共 4 条');
    // newest first: the edit, with old → new, the reason, local time and UTC
    const first = table.locator('.ant-table-row').first();
    await expect(first).toContainText('修改');
    await expect(first).toContainText('恒瑞医药 → =HYPERLINK("http://x")');
    await expect(first).toContainText('+申办方名称更正');
    await expect(first).toContainText(/UTC \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);

    await td.select('研究项目', 'HR-ITP-III-01');
    await expect(table.locator('.ant-table-row')).toHaveCount(2);
    await td.select('操作', '修改');
    await expect(table.locator('.ant-table-row')).toHaveCount(1);
    await td.select('用户', '李华 (lihua)');
    await expect(table.locator('.ant-table-row')).toHaveCount(1);
    await shot(page, testInfo, 'audit-01-filtered');
    await page.getByRole('button', { name: '重置' }).click();
    await expect(table.locator('.ant-table-row')).toHaveCount(4);
  });

  await test.step('export to Excel downloads a real .xlsx of the filtered trail', async () => {
    await td.select('研究项目', 'HR-ITP-III-01');
    await expect(page.getByTestId('audit-table').locator('.ant-table-row')).toHaveCount(2);
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 Excel' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^trialdesk-audit-\d{8}-\d{6}Z\.xlsx$/);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '审计追踪']);
    const data = wb.worksheets[1]!;
    expect(data.rowCount).toBe(3);
    expect(data.getRow(2).getCell(5).text).toBe('update');
    expect(data.getRow(2).getCell(2).value).toBeInstanceOf(Date);
    // the reason began with "+": neutralised
    expect(data.getRow(2).getCell(10).text).toBe("'+申办方名称更正");
    expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    await expect(page.locator('.ant-message-notice').filter({ hasText: '已导出 2 条记录' })).toBeVisible();
  });

  await test.step('verify integrity: OK with the event count', async () => {
    await page.getByRole('button', { name: '校验完整性' }).click();
    await expect(page.getByTestId('audit-verify-result')).toContainText('完整性校验通过：共 4 条事件');
    await shot(page, testInfo, 'audit-02-verified');
  });

  let inv: Page;
  await test.step('the administrator creates an investigator assigned to the study', async () => {
    await api(page, 'users.create', {
      username: INVESTIGATOR.username,
      displayName: INVESTIGATOR.displayName,
      role: 'investigator',
      temporaryPassword: INVESTIGATOR.temporary,
      studyIds: [studyId],
    });
    inv = await investigatorPage(browser, app.url);
    // administrators do not sign: no button for them
    await page.goto(`${new URL(app.url).origin}/#/studies/${studyId}`);
    await expect(page.getByTestId('signature-protocol_version_approved')).toContainText('尚未签名');
    await expect(page.getByTestId('signature-sign')).toHaveCount(0);
  });

  await test.step('the investigator signs the protocol version after re-entering the password', async () => {
    const itd = new TrialDesk(inv);
    await inv.goto(`${new URL(app.url).origin}/#/studies/${studyId}`);
    const panel = inv.getByTestId('signature-protocol_version_approved');
    await expect(panel).toContainText('方案版本已批准在本中心使用');
    await expect(panel).toContainText('尚未签名');
    await panel.getByRole('button', { name: '签名' }).click();
    const modal = itd.dialog('电子签名 — 确认身份');
    await expect(modal).toContainText('本人确认：已审阅方案 HR-ITP-III-01 版本 V2.0（2024-02-20）');
    await expect(modal).toContainText('张磊 (zhanglei)');
    await expect(modal.getByLabel('密码')).toBeFocused();
    await modal.getByLabel('密码').fill('not-my-password');
    await shot(inv, testInfo, 'sign-01-modal');
    await modal.getByRole('button', { name: '确认签名' }).click();
    await expect(itd.fieldError('密码', modal)).toHaveText('密码不正确，未签名（此次尝试已记入审计追踪）');
    await modal.getByLabel('密码').fill(INVESTIGATOR.password);
    await modal.getByRole('button', { name: '确认签名' }).click();
    await expect(modal).toBeHidden();
    await expect(panel.getByTestId('signature-valid')).toHaveText(/签名有效/);
    await expect(panel).toContainText('张磊');
    await expect(panel.getByTestId('signature-at')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await shot(inv, testInfo, 'sign-02-valid');

    await inv.getByRole('menuitem', { name: '研究项目' }).click();
    const row = inv.locator('.ant-table-row', { hasText: 'HR-ITP-III-01' });
    await expect(row.getByTestId('approval-valid')).toBeVisible();
  });

  await test.step('the administrator changes the protocol version with a reason: signature invalidated', async () => {
    await page.reload();
    const panel = page.getByTestId('signature-protocol_version_approved');
    await expect(panel.getByTestId('signature-valid')).toBeVisible();
    await page.getByRole('button', { name: '编辑' }).first().click();
    const form = td.dialog(/编辑研究项目/);
    await td.fill('方案版本号', 'V3.0', form);
    await form.getByRole('button', { name: '保存' }).click();
    const ask = td.dialog('请填写修改原因');
    await ask.getByLabel('修改原因').fill('申办方发布方案修订 3.0，伦理已批准');
    await ask.getByRole('button', { name: '保存' }).click();
    await expect(form).toBeHidden();
    await expect(panel.getByTestId('signature-invalidated')).toHaveText(/签名已失效 — 请重新签名/);
    await expect(panel).toContainText('张磊');
    await shot(page, testInfo, 'sign-03-invalidated');

    await page.getByRole('menuitem', { name: '研究项目' }).click();
    const row = page.locator('.ant-table-row', { hasText: 'HR-ITP-III-01' });
    await expect(row.getByRole('img', { name: '签名已失效 — 请重新签名' })).toBeVisible();
    await expect(page.locator('.ant-table-row', { hasText: 'AML-II-07' }).getByTestId('approval-valid')).toHaveCount(0);
    await shot(page, testInfo, 'sign-04-list-invalidated');
  });

  await test.step('the investigator sees it invalidated and re-signs', async () => {
    await inv.goto(`${new URL(app.url).origin}/#/studies/${studyId}`);
    const panel = inv.getByTestId('signature-protocol_version_approved');
    await expect(panel.getByTestId('signature-invalidated')).toBeVisible();
    await panel.getByRole('button', { name: '重新签名' }).click();
    const modal = new TrialDesk(inv).dialog('电子签名 — 确认身份');
    await expect(modal).toContainText('版本 V3.0');
    await modal.getByLabel('密码').fill(INVESTIGATOR.password);
    await modal.getByRole('button', { name: '确认签名' }).click();
    await expect(panel.getByTestId('signature-valid')).toBeVisible();
  });

  await test.step('the trail shows the signature, the failed attempt, and stays intact', async () => {
    await page.getByRole('menuitem', { name: '审计追踪' }).click();
    await td.select('操作', '签名失败');
    const table = page.getByTestId('audit-table');
    await expect(table.locator('.ant-table-row')).toHaveCount(1);
    await expect(table.locator('.ant-table-row').first()).toContainText('zhanglei');
    await page.getByRole('button', { name: '重置' }).click();
    await td.select('操作', '电子签名');
    await expect(table.locator('.ant-table-row')).toHaveCount(2);
    await expect(table.locator('.ant-table-row').first()).toContainText('方案版本已批准在本中心使用');
    await page.getByRole('button', { name: '校验完整性' }).click();
    await expect(page.getByTestId('audit-verify-result')).toContainText('完整性校验通过');
    await shot(page, testInfo, 'audit-03-signatures');
  });
});
