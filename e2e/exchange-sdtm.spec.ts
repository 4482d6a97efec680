/**
 * A fresh installation takes its first study from a sponsor's SDTM workbook, through the UI (issue 7): the Excel area
 * without any study offers the imports that name their own study; the CDISC pilot's DM/DS/SV/AE/TV (as another
 * center's de-identified data) is validated, its AEs that break the safety rules are listed with their reasons and
 * nothing can be committed; without them it is committed, and the page shows the new study with its subjects.
 */
import { writeFileSync } from 'node:fs';
import { aeProblem, readPilot, sdtmWorkbook } from '../electron/testing/cdisc-pilot';
import { expect, test } from './fixtures';
import { shot } from './pages/calls';
import { chooseFile, rejectionRows, stat, validate } from './pages/exchange-import';
import { dropdownsClosed } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };

test.use({ actionTimeout: 20_000 });

test('excel import: the first study from an SDTM workbook (CDISC pilot), bad AEs listed, then committed', async ({
  app,
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const td = new TrialDesk(page);
  const [tv, dm, ds, sv, ae] = [readPilot('tv'), readPilot('dm'), readPilot('ds'), readPilot('sv'), readPilot('ae')];
  const badAes = ae.filter((r) => aeProblem(r) !== null);
  const file = (name: string, bytes: Buffer) => {
    const out = testInfo.outputPath(name);
    writeFileSync(out, bytes);
    return out;
  };

  await test.step('no study yet: the Excel area offers the study set-up and SDTM imports', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    await page.getByRole('menuitem', { name: /Excel 交换/ }).click();
    await expect(page.getByText('还没有研究项目')).toBeVisible();
    const tab = page.getByTestId('import-tab');
    await expect(tab.getByTestId('import-kind')).toContainText('研究设置');
    await tab.getByLabel('导入内容', { exact: true }).click();
    const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await expect(options).toHaveText(['研究设置', 'SDTM 格式']);
    await options.filter({ hasText: 'SDTM 格式' }).click();
    await dropdownsClosed(page);
    await expect(tab.getByTestId('import-kind-hint')).toContainText('STUDYID');
    // the same page in English
    await page.getByRole('button', { name: '界面语言' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByText('No studies yet')).toBeVisible();
    await expect(tab.getByTestId('import-kind-hint')).toContainText('STUDYID names the study');
    // the blank template follows the screen's language until one is picked
    await expect(tab.getByTestId('import-template-lang').getByRole('radio', { name: 'English' })).toBeChecked();
    await tab.getByLabel('Content', { exact: true }).click();
    await expect(options).toHaveText(['Study set-up', 'SDTM']);
    await shot(page, testInfo, '00-empty-english');
    await page.keyboard.press('Escape');
    await dropdownsClosed(page);
    await page.getByRole('button', { name: 'Interface language' }).click();
    await page.getByRole('menuitem', { name: '中文' }).click();
    await expect(page.getByText('还没有研究项目')).toBeVisible();
  });

  await test.step('the whole pilot: each AE that breaks the rules is refused with its reason', async () => {
    await chooseFile(page, file('cdiscpilot01.xlsx', await sdtmWorkbook({ TV: tv, DM: dm, DS: ds, SV: sv, AE: ae })));
    const report = await validate(page);
    await expect(stat(page, 'rejected')).toHaveText(String(badAes.length));
    await expect(rejectionRows(page).first()).toBeVisible();
    // AESHOSP = Y on a non-serious AE
    await expect(page.getByTestId('import-rejections')).toContainText('严重');
    await expect(page.getByTestId('import-commit')).toBeDisabled();
    await shot(page, testInfo, '01-sdtm-rejected');
    await expect(report).toContainText('AE');
  });

  await test.step('without those AEs: 70 subjects, 827 visits and the AEs are committed into a new study', async () => {
    const good = ae.filter((r) => aeProblem(r) === null);
    await chooseFile(
      page,
      file('cdiscpilot01-fixed.xlsx', await sdtmWorkbook({ TV: tv, DM: dm, DS: ds, SV: sv, AE: good })),
    );
    await validate(page);
    await expect(stat(page, 'rejected')).toHaveText('0');
    await expect(stat(page, 'created')).toHaveText((dm.length + sv.length + good.length).toLocaleString('zh-CN'));
    await shot(page, testInfo, '02-sdtm-valid');
    await page.getByTestId('import-commit').click();
    await expect(page.getByTestId('exchange-study')).toContainText('CDISCPILOT01', { timeout: 30_000 });
    await expect(page.getByTestId('import-tab')).toBeVisible();
    await shot(page, testInfo, '03-sdtm-committed');
  });

  await test.step('the new study is in the studies list, with its two centers', async () => {
    await page.getByRole('menuitem', { name: '研究项目' }).click();
    const row = page.locator('tr', { hasText: 'CDISCPILOT01' });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await row.getByText('CDISCPILOT01').first().click();
    await expect(page.getByText('701', { exact: true }).first()).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText('703', { exact: true }).first()).toBeVisible();
    await shot(page, testInfo, '04-sdtm-study');
  });
});
