/**
 * Helpers for the adverse-event screens (issue 6): NCI's CTCAE workbook from the shared data, the subject page's AE
 * tab and its rows, the CTCAE picker, date-and-time fields in the site's time zone.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { SITE_TIME_ZONE } from '../site-time';

/** NCI's CTCAE v5.0 workbook (837 terms); never copied into the repository. */
export const CTCAE_FILE = path.resolve(import.meta.dirname, '../../../shared/data/ctcae/CTCAE_v5.0_2017-11-27.xlsx');
/** The same terms as CSV: not a workbook (the card shows the server's refusal). */
export const CTCAE_CSV = path.resolve(import.meta.dirname, '../../../shared/data/ctcae/ctcae_v5_terms.csv');

const siteDateTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: SITE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant as the date-and-time fields show it in the site's time zone: 'YYYY-MM-DD HH:mm'. */
export function siteDateTimeOf(ms: number): string {
  return siteDateTime.format(new Date(ms));
}

/** The settings page's CTCAE card, from the menu. */
export async function openCtcaeCard(page: Page): Promise<Locator> {
  await page.getByRole('menuitem', { name: /系统设置|Settings/ }).click();
  const card = page.getByTestId('ctcae-card');
  await expect(card).toBeVisible();
  return card;
}

/** Chooses a workbook in the card's file chooser (the Upload's hidden <input type=file>). */
export async function loadWorkbook(card: Locator, file: string): Promise<void> {
  await card.locator('input[type=file]').setInputFiles(file);
}

/** The subject page's adverse-event tab. */
export async function openAesTab(page: Page, name = '不良事件'): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByTestId('subject-aes')).toBeVisible();
}

/** The row of AE number `n` in the subject's AE log. */
export function aeRow(page: Page, n: number): Locator {
  return page.getByTestId('aes-table').locator(`tbody tr.td-ae-row-${n}`);
}

/** Types into the CTCAE picker of the AE form and picks the term (exact name) among the server's answers. */
export async function pickCtcae(page: Page, form: Locator, query: string, term: string): Promise<void> {
  const input = form.getByLabel('CTCAE 术语', { exact: true });
  await input.click();
  await input.fill(query);
  const option = page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ has: page.getByText(term, { exact: true }) });
  await option.first().click();
  await expect(form.getByTestId('ctcae-term')).toContainText(term);
}

/** A grade choice of the AE form ("3 级 …"): its radio button. */
export function gradeRadio(form: Locator, grade: number): Locator {
  return form.getByRole('radio', { name: new RegExp(`^${grade} 级`) });
}
