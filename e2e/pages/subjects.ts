/**
 * Helpers for the subject screens (issue 4): set-up calls the tests take for granted, and the study page's subject tabs
 * and a subject's page in Chinese.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { siteDateOf } from '../site-time';
import { apiFromPage } from './calls';
import type { TrialDesk } from './trialdesk';

/** A call as the page makes it; throws with the server's answer when refused (for set-up steps, not for checks). */
export async function api<T>(page: Page, channel: string, payload: unknown): Promise<T> {
  const r = await apiFromPage(page, channel, payload);
  if (!r.ok) throw new Error(`${channel} refused: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

/** A calendar date `days` before today, as stored ('YYYY-MM-DD'); dates in the past keep the date rules simple. */
export function daysAgo(days: number): string {
  return siteDateOf(Date.now() - days * 86_400_000);
}

/**
 * A second browser (its own session cookie) signed in as a user the administrator created with a temporary password,
 * which is changed first (as the server requires).
 */
export async function signedInPage(
  browser: Browser,
  url: string,
  user: { username: string; displayName: string; temporary: string; password: string },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await api(page, 'auth.login', { username: user.username, password: user.temporary });
  await api(page, 'auth.changePassword', { currentPassword: user.temporary, newPassword: user.password });
  await page.reload();
  await expect(page.getByTestId('user-menu')).toContainText(user.displayName);
  return page;
}

/**
 * A new user created by the signed-in administrator on `page` (role, assigned to the study), signed in in a browser
 * context of its own with the temporary password changed.
 */
export async function newUserPage(
  page: Page,
  browser: Browser,
  url: string,
  user: { username: string; displayName: string; temporary: string; password: string },
  role: string,
  studyId: number,
): Promise<Page> {
  await api(page, 'users.create', {
    username: user.username,
    displayName: user.displayName,
    role,
    temporaryPassword: user.temporary,
    studyIds: [studyId],
  });
  return signedInPage(browser, url, user);
}

/** Opens a study from the studies list and one of its tabs. */
export async function openStudyTab(page: Page, protocolNumber: string, tab: string): Promise<void> {
  await page.getByRole('menuitem', { name: '研究项目' }).click();
  await page.getByRole('link', { name: protocolNumber }).click();
  await expect(page.getByRole('heading', { name: protocolNumber })).toBeVisible();
  await page.getByRole('tab', { name: tab, exact: true }).click();
}

/** Opens a subject's page from the study's subjects tab. */
export async function openSubject(page: Page, protocolNumber: string, screeningNumber: string): Promise<void> {
  await openStudyTab(page, protocolNumber, '受试者');
  await page.getByTestId('subjects-table').getByRole('link', { name: screeningNumber, exact: true }).click();
  await expect(page.getByRole('heading', { name: new RegExp(screeningNumber) })).toBeVisible();
}

/** The eligibility checklist of the screening dialog: each criterion code met (true) or not. */
export async function answerChecklist(dialog: ReturnType<TrialDesk['dialog']>, answers: Record<string, boolean>) {
  for (const [code, met] of Object.entries(answers)) {
    await dialog
      .getByRole('radiogroup', { name: code, exact: true })
      .getByText(met ? '满足' : '不满足', { exact: true })
      .click();
  }
}

/** A button of the subject page's action bar, by its text (the icon's name comes first in the accessible name). */
export function subjectAction(page: Page, text: string) {
  return page.getByTestId('subject-actions').getByRole('button', { name: new RegExp(`(^|\\s)${text}$`) });
}

/** Waits until no Select dropdown is open (they close with an animation), so a screenshot shows the form itself. */
export async function dropdownsClosed(page: Page): Promise<void> {
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
}
