/**
 * Auto-lock on a real browser-mode host: the renderer's idle timer (page clock fast-forwarded), the lock item of the
 * user menu, and a lock the screen did not know about (auth.lock called behind its back, then an ordinary call) all
 * cover the screen; while locked the host refuses direct API calls; the same user's password unlocks and a half-filled
 * study form is still filled; another user signing in gets a fresh app without the first user's input. Screenshots of
 * the lock screen in Chinese and English.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { shot, apiFromPage as api } from './pages/calls';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const CLERK = { username: 'zhao.crc', displayName: '赵敏', password: 'Temporary#2024x' };

/** a password check is a deliberately slow scrypt derivation: on a busy machine it takes seconds */
const SCRYPT = { timeout: 30_000 };

/** The values of every input on the page (including antd portals), to prove what is — or is not — still there. */
const inputValues = (page: Page) =>
  page.evaluate(() => Array.from(document.querySelectorAll('input, textarea'), (e) => (e as HTMLInputElement).value));

test('idle lock, lock item and host-side lock cover the screen; unlock keeps the unsaved form', async ({
  app,
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const td = new TrialDesk(page);
  const lockScreen = page.getByTestId('lock-screen');
  // the page's clock: time flows, and the test can jump it forward to run the idle timer
  await page.clock.install();

  await test.step('set up the administrator, open the new-study form and type into it', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    const created = await api(page, 'users.create', {
      username: CLERK.username,
      displayName: CLERK.displayName,
      role: 'coordinator',
      temporaryPassword: CLERK.password,
      studyIds: [],
    });
    expect(created).toMatchObject({ ok: true });

    await page.getByRole('button', { name: '新建研究' }).first().click();
    const form = td.dialog('新建研究项目');
    await td.fill('方案编号', 'HM-LOCK-2026', form);
    await td.fill('简称', '锁屏未保存内容', form);
    await td.fill('申办方', '示例医药', form);
  });

  await test.step('idle time runs out: the renderer locks, the host refuses direct calls', async () => {
    await page.clock.fastForward('10:05');
    await expect(lockScreen).toBeVisible();
    await expect(lockScreen.getByRole('heading', { name: '已锁定' })).toBeVisible();
    await expect(page.getByTestId('lock-user')).toContainText('李华');
    await expect(lockScreen.getByLabel('密码')).toBeFocused();
    // the app underneath is covered and inert, not unmounted
    await expect(td.dialog('新建研究项目')).toBeAttached();
    expect(await api(page, 'studies.list')).toEqual({
      ok: false,
      error: { code: 'locked', messageKey: 'lock.locked' },
    });
    expect(await api(page, 'studies.create', { protocolNumber: 'FORGED' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await api(page, 'app.info')).toMatchObject({ ok: true, value: { locked: true, idleLockMinutes: 10 } });
    await shot(page, testInfo, 'lock-zh-CN');
  });

  await test.step('a wrong password is refused on the field; the right one unlocks with the form still filled', async () => {
    await lockScreen.getByLabel('密码').fill('not-my-password');
    await lockScreen.getByLabel('密码').press('Enter');
    await expect(td.fieldError('密码', lockScreen)).toHaveText('密码不正确', SCRYPT);
    await shot(page, testInfo, 'lock-wrong-password-zh-CN');
    await lockScreen.getByLabel('密码').fill(ADMIN.password);
    await lockScreen.getByRole('button', { name: '解锁' }).click();
    await expect(lockScreen).toHaveCount(0, SCRYPT);
    const form = td.dialog('新建研究项目');
    await expect(form.getByLabel('方案编号', { exact: true })).toHaveValue('HM-LOCK-2026');
    await expect(form.getByLabel('简称', { exact: true })).toHaveValue('锁屏未保存内容');
    await expect(form.getByLabel('申办方', { exact: true })).toHaveValue('示例医药');
  });

  await test.step('locked behind the screen’s back: the next call is refused and shows the lock screen', async () => {
    expect(await api(page, 'auth.lock')).toEqual({ ok: true, value: { locked: true } });
    const form = td.dialog('新建研究项目');
    await form.getByRole('button', { name: '创建' }).click();
    await expect(lockScreen).toBeVisible();
    await lockScreen.getByLabel('密码').fill(ADMIN.password);
    await lockScreen.getByLabel('密码').press('Enter');
    await expect(lockScreen).toHaveCount(0, SCRYPT);
    await expect(form.getByLabel('方案编号', { exact: true })).toHaveValue('HM-LOCK-2026');
    expect(await api(page, 'studies.list')).toEqual({ ok: true, value: [] }); // nothing was created while locked
    await form.getByRole('button', { name: '取消' }).click();
    await expect(form).toHaveCount(0);
  });

  await test.step('the lock item of the user menu, in English', async () => {
    await page.getByRole('button', { name: '界面语言' }).first().click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Lock' }).click();
    await expect(lockScreen.getByRole('heading', { name: 'Locked' })).toBeVisible();
    await expect(lockScreen).toContainText('Enter your password to unlock');
    await shot(page, testInfo, 'lock-en');
    await lockScreen.getByLabel('Password').fill(ADMIN.password);
    await lockScreen.getByRole('button', { name: 'Unlock' }).click();
    await expect(lockScreen).toHaveCount(0, SCRYPT);
    await page.getByRole('button', { name: 'Interface language' }).first().click();
    await page.getByRole('menuitem', { name: '中文' }).click();
    await expect(page.getByRole('heading', { name: '研究项目' })).toBeVisible();
  });

  await test.step('a reload while locked shows the lock screen; another user gets a fresh app', async () => {
    await page.getByRole('button', { name: '新建研究' }).first().click();
    await td.fill('方案编号', 'HM-FIRST-USER', td.dialog('新建研究项目'));
    await page.clock.fastForward('10:05');
    await expect(lockScreen).toBeVisible();
    expect(await inputValues(page)).toContain('HM-FIRST-USER');

    await lockScreen.getByRole('button', { name: '以其他用户登录' }).click();
    await expect(lockScreen.getByText('李华 未保存的输入将被丢弃')).toBeVisible();
    await shot(page, testInfo, 'lock-other-user-zh-CN');
    await td.fill('用户名', CLERK.username, lockScreen);
    await td.fill('密码', CLERK.password, lockScreen);
    await lockScreen.getByRole('button', { name: '登录' }).click();
    await expect(lockScreen).toHaveCount(0, SCRYPT);
    // the first user's half-filled form is gone, not merely hidden
    await expect(td.dialog('新建研究项目')).toHaveCount(0);
    expect(await inputValues(page)).not.toContain('HM-FIRST-USER');
    expect(await api(page, 'app.info')).toMatchObject({
      ok: true,
      value: { locked: false, user: { username: CLERK.username } },
    });

    await page.reload();
    expect(await api(page, 'auth.lock')).toMatchObject({ ok: true });
    await page.reload();
    await expect(lockScreen).toBeVisible();
    await expect(page.getByTestId('lock-user')).toContainText(CLERK.displayName);
  });
});
