/**
 * Helpers for the Excel area's import tab (issue 7): opening it, the blank template caught as a download and filled
 * with exceljs, a sponsor's own workbook, choosing a file in the tab's file chooser, validating and reading the report.
 */
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import ExcelJS from 'exceljs';
import { openExchange } from './exchange';

/** The Excel area from the menu, on its import tab; returns the tab. */
export async function openImport(page: Page): Promise<Locator> {
  await openExchange(page);
  await page.getByRole('tab', { name: '导入', exact: true }).click();
  await expect(page).toHaveURL(/tab=import/);
  const tab = page.getByTestId('import-tab');
  await expect(tab).toBeVisible();
  return tab;
}

export interface Template {
  fileName: string;
  workbook: ExcelJS.Workbook;
  /** the sheet the rows go to */
  sheet: ExcelJS.Worksheet;
  /** header text (without the required mark) → column number */
  columns: Map<string, number>;
}

/** Presses 下载空白模板, catches the download, keeps it with the test's artifacts and opens it with exceljs. */
export async function downloadTemplate(page: Page, testInfo: TestInfo): Promise<Template> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
  const file = testInfo.outputPath(`template-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  // the data sheet: the visible one with the header row (a read-me sheet has two columns)
  const sheet = workbook.worksheets.find((w) => w.state === 'visible' && w.getRow(1).cellCount > 5);
  if (!sheet) throw new Error(`no data sheet in ${workbook.worksheets.map((w) => w.name).join(', ')}`);
  const columns = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => columns.set(String(cell.text).replace(/^\*\s*/, ''), col));
  return { fileName: download.suggestedFilename(), workbook, sheet, columns };
}

/** Writes `rows` (header → value) into the template from row `first` on and saves it as `name` in the artifacts. */
export async function fillTemplate(
  t: Template,
  testInfo: TestInfo,
  name: string,
  rows: Record<string, string | number | Date | null>[],
  first = 3,
): Promise<string> {
  rows.forEach((values, i) => {
    const row = t.sheet.getRow(first + i);
    for (const [header, value] of Object.entries(values)) {
      const col = t.columns.get(header);
      if (col === undefined) throw new Error(`no column ${header} in ${[...t.columns.keys()].join(', ')}`);
      row.getCell(col).value = value;
    }
    row.commit();
  });
  const file = testInfo.outputPath(name);
  await t.workbook.xlsx.writeFile(file);
  return file;
}

/** A sponsor's workbook of its own making: a title row, a blank row, its header and rows. */
export async function sponsorWorkbook(
  testInfo: TestInfo,
  name: string,
  header: string[],
  rows: (string | number | Date | null)[][],
): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('AE');
  ws.addRow(['某 CRO 不良事件汇总表（中心 01）']);
  ws.addRow([]);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  const file = testInfo.outputPath(name);
  await wb.xlsx.writeFile(file);
  return file;
}

/** Chooses a workbook in the tab's file chooser (the Upload's hidden <input type=file>). */
export async function chooseFile(page: Page, file: string): Promise<void> {
  await page.getByTestId('import-form').locator('input[type=file]').setInputFiles(file);
  await expect(page.getByTestId('import-file-name')).toContainText(file.split('/').pop()!);
}

/** Presses 校验 and waits for the report. */
export async function validate(page: Page): Promise<Locator> {
  await page.getByTestId('import-validate').click();
  const report = page.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  return report;
}

/** A count of the report (新建 / 更新 / 无变化 / 被拒绝的行). */
export function stat(page: Page, which: 'created' | 'updated' | 'unchanged' | 'rejected'): Locator {
  return page.getByTestId(`import-${which}`).locator('.ant-statistic-content-value');
}

/** The rows of the rejections table. */
export function rejectionRows(page: Page): Locator {
  return page.getByTestId('import-rejections').locator('tbody tr.ant-table-row');
}

export interface ReportWorkbook {
  fileName: string;
  workbook: ExcelJS.Workbook;
  /** the rejected cells sheet's rows as values (row 1 the header) */
  rejections: unknown[][];
}

/** Presses 下载报告 under the report, catches the download, keeps it with the test's artifacts and opens it. */
export async function downloadReport(page: Page, testInfo: TestInfo): Promise<ReportWorkbook> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('import-report-download').click(),
  ]);
  const file = testInfo.outputPath(`report-${download.suggestedFilename()}`);
  await download.saveAs(file);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet('被拒绝的单元格');
  if (!sheet) throw new Error(`no rejections sheet in ${workbook.worksheets.map((w) => w.name).join(', ')}`);
  const rejections: unknown[][] = [];
  sheet.eachRow((row) => rejections.push((row.values as unknown[]).slice(1)));
  return { fileName: download.suggestedFilename(), workbook, rejections };
}
