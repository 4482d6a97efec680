/**
 * Accounts and roles through the UI on a real browser-mode host: the administrator creates a coordinator and a monitor
 * (assigned to a study); the monitor changes the temporary password, sees the study without edit buttons, and a direct
 * call to a write channel from the monitor's page is refused by the server; a locked-out sign-in shows its message.
 */
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures';
import { shot, apiFromPage } from './pages/calls';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const TEMP = 'Temporary-2026!';

const STUDY = {
  protocolNumber: 'HM-AML-2024-01',
  title: '维奈克拉联合阿扎胞苷治疗初诊不耐受强化疗急性髓系白血病的多中心 III 期研究',
  shortTitle: 'AML 维奈克拉联合阿扎胞苷',
  sponsor: '华东医药研究有限公司',
  phase: 'III',
  indication: '急性髓系白血病',
  therapeuticArea: 'leukemia_mds',
  sitePi: '王建国',
};

async function signIn(td: TrialDesk, username: string, password: string): Promise<void> {
  await td.fill('用户名', username);
  await td.fill('密码', password);
  await td.page.getByRole('button', { name: '登录' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
}

async function createUser(
  td: TrialDesk,
  testInfo: TestInfo,
  u: { username: string; displayName: string; role: string },
  shotName?: string,
): Promise<void> {
  const page = td.page;
  await page.getByRole('button', { name: '新建用户' }).click();
  const modal = td.dialog('新建用户');
  await td.fill('用户名', u.username, modal);
  await td.fill('姓名', u.displayName, modal);
  await td.select('角色', u.role, modal);
  await td.fill('临时密码', TEMP, modal);
  await td.select('研究项目', STUDY.protocolNumber, modal);
  await modal.getByText('临时密码', { exact: true }).click(); // closes the study list
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  if (shotName) await shot(page, testInfo, shotName);
  await modal.getByRole('button', { name: '创建' }).click();
  await td.expectToast(`已创建用户 ${u.username}`);
  await expect(modal).toBeHidden();
}

test('administrator creates users; the monitor is read-only; a locked-out sign-in says so', async ({
  app,
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const td = new TrialDesk(page);

  await test.step('set up the administrator and a study', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    const created = await apiFromPage(page, 'studies.create', STUDY);
    expect(created).toMatchObject({ ok: true });
    const studyId = (created as { value: { id: number } }).value.id;
    const center = { studyId, code: '01', hospitalName: '江苏省人民医院', pi: '王建国', isLead: true, isOwn: true };
    expect(await apiFromPage(page, 'centers.create', center)).toMatchObject({ ok: true });
  });

  await test.step('the administrator creates a coordinator and a monitor on the users page', async () => {
    await page.getByRole('menuitem', { name: '用户管理' }).click();
    await expect(page.getByRole('heading', { name: '用户管理' })).toBeVisible();
    await createUser(
      td,
      testInfo,
      { username: 'crc.zhao', displayName: '赵协调', role: '研究协调员' },
      '02-create-user',
    );
    await createUser(td, testInfo, { username: 'cra.qian', displayName: '钱监查', role: '监查员' });
    const table = page.getByTestId('users-table');
    await expect(table.getByRole('row', { name: /cra\.qian/ })).toContainText('监查员');
    await expect(table.getByRole('row', { name: /cra\.qian/ })).toContainText('待改密');
    await expect(table.getByRole('row', { name: /cra\.qian/ })).toContainText(STUDY.protocolNumber);
    await shot(page, testInfo, '01-users');
  });

  await test.step('the monitor signs in and must change the temporary password first', async () => {
    await signOut(page);
    await signIn(td, 'cra.qian', TEMP);
    await expect(page.getByRole('heading', { name: '请修改临时密码' })).toBeVisible();
    // the server refuses everything else meanwhile
    expect(await apiFromPage(page, 'studies.list', {})).toMatchObject({
      ok: false,
      error: { messageKey: 'auth.mustChangePassword' },
    });
    await td.fill('当前密码', TEMP);
    await td.fill('新密码', 'cra.qian-2026-pw');
    await td.fill('确认新密码', 'cra.qian-2026-pw');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect(td.fieldError('新密码')).toHaveText('密码不能包含用户名');
    await td.fill('新密码', 'Monitor-visit-2026');
    await td.fill('确认新密码', 'Monitor-visit-2026');
    await shot(page, testInfo, '03-change-password');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect(page.getByRole('heading', { name: '研究项目' })).toBeVisible();
  });

  await test.step('the monitor sees the study without edit buttons; a direct write call is refused', async () => {
    await expect(page.getByTestId('user-menu')).toContainText('监查员');
    await expect(page.getByRole('menuitem', { name: '用户管理' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: '新建研究' })).toHaveCount(0);
    await page.getByRole('link', { name: STUDY.protocolNumber }).click();
    await expect(page.getByRole('heading', { name: STUDY.protocolNumber })).toBeVisible();
    await expect(page.getByRole('button', { name: '编辑' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /添加中心/ })).toHaveCount(0);
    await expect(page.getByRole('cell', { name: '江苏省人民医院' })).toBeVisible();
    await expect(page.getByRole('columnheader', { name: '操作' })).toHaveCount(0);
    await shot(page, testInfo, '04-monitor-view');

    const refused = await apiFromPage(page, 'studies.create', { ...STUDY, protocolNumber: 'MON-FORGED-1' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', messageKey: 'errors.forbidden' } });
    const list = await apiFromPage(page, 'studies.list', {});
    expect(list).toMatchObject({ ok: true });
    expect((list as { value: { protocolNumber: string }[] }).value.map((s) => s.protocolNumber)).toEqual([
      STUDY.protocolNumber,
    ]);
  });

  await test.step('five wrong passwords lock the account; the sign-in page says so', async () => {
    await signOut(page);
    // the failures through the API (waiting out the growing delays the server asks for), the sixth through the UI
    for (let failures = 0; failures < 5;) {
      const r = await apiFromPage(page, 'auth.login', { username: 'crc.zhao', password: 'wrong-password-1' });
      if (!r.ok && r.error?.messageKey === 'auth.tooSoon') {
        await page.waitForTimeout(Number(r.error.params?.seconds ?? 1) * 1000);
        continue;
      }
      failures++;
    }
    await signIn(td, 'crc.zhao', TEMP);
    await expect(page.getByTestId('login-alert')).toContainText('账户已锁定');
    await expect(page.getByTestId('login-alert')).toContainText('15 分钟');
    await shot(page, testInfo, '05-locked-out');
  });

  await test.step('the administrator sees the lock-out and lifts it with a password reset', async () => {
    await page.reload();
    await signIn(td, ADMIN.username, ADMIN.password);
    await page.getByRole('menuitem', { name: '用户管理' }).click();
    const row = page.getByTestId('users-table').getByRole('row', { name: /crc\.zhao/ });
    await expect(row.getByTestId('locked-crc.zhao')).toBeVisible();
    await row.getByRole('button', { name: '重置密码' }).click();
    const modal = td.dialog(/重置密码/);
    await td.fill('临时密码', 'Second-temp-2026', modal);
    await modal.getByRole('button', { name: '重置密码' }).click();
    await expect(modal).toBeHidden();
    await expect(row.getByTestId('locked-crc.zhao')).toHaveCount(0);
  });
});
