/**
 * Backup and restore through the settings screen, on a real browser-mode host: the administrator backs up, creates a
 * study after the backup, restores the backup (typed confirmation), signs in again and finds the earlier data only. A
 * missing file and a foreign file offered as a backup are refused with their message, and nothing changes.
 */
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { shot, apiFromPage as api } from './pages/calls';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'zhaomin', displayName: '赵敏', password: 'Backup-restore#2026' };

const study = (protocolNumber: string, shortTitle: string) => ({
  protocolNumber,
  title: `${shortTitle} 多中心随机对照研究`,
  shortTitle,
  sponsor: '恒瑞医药',
  phase: 'III',
  indication: '急性髓系白血病',
  therapeuticArea: 'leukemia_mds',
  sitePi: '张磊',
});

test('back up, create a study, restore the backup, sign in again: the later study is gone, the earlier one is there', async ({
  app,
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const td = new TrialDesk(page);
  const card = page.getByTestId('backup-card');
  const rows = page.getByTestId('backup-list').locator('tbody tr.ant-table-row');

  await test.step('set up the administrator and a first study', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    expect((await api(page, 'studies.create', study('AML-BEFORE-01', '备份前的研究'))).ok).toBe(true);
  });

  await test.step('the settings screen: save a setting, a field error on a relative folder', async () => {
    await page.getByRole('menuitem', { name: '系统设置' }).click();
    await expect(page.getByRole('heading', { name: '系统设置' })).toBeVisible();
    await td.fill('机构名称', '中国医学科学院血液病医院 药物临床试验机构');
    await td.fill('备份文件夹', 'relative/folder');
    await page.getByRole('button', { name: '保存设置' }).click();
    await expect(td.fieldError('备份文件夹')).toHaveText(/完整的文件夹路径/);
    await td.fill('备份文件夹', '');
    await page.getByRole('button', { name: '保存设置' }).click();
    await td.expectToast('设置已保存');
    await shot(page, testInfo, '01-settings');
  });

  await test.step('back up now: the backup is listed', async () => {
    await card.getByRole('button', { name: '立即备份' }).click();
    await expect(page.getByTestId('backup-result')).toContainText('备份已写入并校验');
    await expect(rows.filter({ hasText: '手动' })).toHaveCount(1);
    await shot(page, testInfo, '02-backup-list');
  });

  await test.step('a study entered after the backup', async () => {
    expect((await api(page, 'studies.create', study('AML-AFTER-02', '备份后的研究'))).ok).toBe(true);
  });

  await test.step('a missing file and a foreign file are refused with their message', async () => {
    const restoreFrom = async (file: string) => {
      await card.getByLabel('或从文件恢复').fill(file);
      await card.getByRole('button', { name: '恢复' }).last().click();
      const modal = page.getByTestId('restore-modal');
      await modal.getByTestId('restore-word').fill('RESTORE');
      await page.getByRole('button', { name: '立即恢复' }).click();
      return modal;
    };
    let modal = await restoreFrom(path.join(app.dataDir, 'no-such-backup.sqlite'));
    await expect(modal.getByTestId('restore-error')).toHaveText('该路径下没有文件');
    await page.getByRole('button', { name: /取\s*消/ }).click();

    const foreign = path.join(app.dataDir, 'visit-notes.sqlite');
    writeFileSync(foreign, '访视记录，不是数据库\n'.repeat(100));
    modal = await restoreFrom(foreign);
    await expect(modal.getByTestId('restore-error')).toHaveText(/该文件不是数据库/);
    await shot(page, testInfo, '03-restore-refused');
    await page.getByRole('button', { name: /取\s*消/ }).click();
  });

  await test.step('restore the backup from its row, with the typed confirmation', async () => {
    await rows.filter({ hasText: '手动' }).getByRole('button', { name: '恢复' }).click();
    const modal = page.getByTestId('restore-modal');
    await expect(modal).toContainText('当前数据库会先作为“恢复前”副本保存');
    const ok = page.getByRole('button', { name: '立即恢复' });
    await expect(ok).toBeDisabled();
    await modal.getByTestId('restore-word').fill('RESTORE');
    await expect(ok).toBeEnabled();
    await shot(page, testInfo, '04-restore-confirm');
    await ok.click();
    await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
    await td.expectToast(/已从 .* 恢复/);
    await shot(page, testInfo, '05-restored-login');
  });

  await test.step('sign in again: the study entered after the backup is gone, the earlier one is there', async () => {
    await td.fill('用户名', ADMIN.username);
    await td.fill('密码', ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByTestId('user-menu')).toContainText(ADMIN.displayName);
    await page.getByRole('menuitem', { name: '研究项目' }).click();
    await expect(page.getByRole('heading', { name: '研究项目' })).toBeVisible();
    await expect(page.getByText('AML-BEFORE-01')).toBeVisible();
    await expect(page.getByText('AML-AFTER-02')).toHaveCount(0);

    await page.getByRole('menuitem', { name: '系统设置' }).click();
    await expect(rows.filter({ hasText: '恢复前' })).toHaveCount(1);
    await shot(page, testInfo, '06-after-restore');
  });
});

/** Junk over every page but the first and the last: the header still says SQLite, the b-trees are broken. */
function damage(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(size - 8192, 0xa5), 0, size - 8192, 4096);
  closeSync(fd);
}

test('a database damaged while the app was closed: recovery mode, the latest good backup restored by its administrator', async ({
  app,
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const td = new TrialDesk(page);

  await test.step('an administrator, a study, a manual backup, a later study', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    expect((await api(page, 'studies.create', study('AML-BEFORE-01', '备份前的研究'))).ok).toBe(true);
    expect((await api(page, 'backup.now', {})).ok).toBe(true);
    expect((await api(page, 'studies.create', study('AML-AFTER-02', '备份后的研究'))).ok).toBe(true);
  });

  await test.step('closed, the database and the automatic backups damaged; started again: the recovery screen', async () => {
    const backups = path.join(app.dataDir, 'backups');
    const url = await app.restart(() => {
      damage(path.join(app.dataDir, 'trialdesk.sqlite'));
      for (const name of readdirSync(backups).filter((n) => /^trialdesk-(daily|monthly)-/.test(n)))
        damage(path.join(backups, name));
    });
    await page.goto(url);
    await expect(page.getByRole('heading', { name: '数据库已损坏 — 恢复模式' })).toBeVisible();
    await expect(page.getByTestId('recovery-problem')).toContainText(/damaged|SQLITE_CORRUPT/);
    const rows = page.getByTestId('recovery-backups').locator('tbody tr.ant-table-row');
    await expect(rows.filter({ hasText: '完好，可恢复' })).toHaveCount(1);
    await expect(rows.filter({ hasText: '未通过检查' }).first()).toBeVisible();
    // the latest good backup (the manual one) is chosen; the damaged ones cannot be
    await expect(rows.filter({ hasText: '完好，可恢复' }).getByRole('radio')).toBeChecked();
    // the host answers nothing else: a direct call is refused with the recovery message
    const refused = await api(page, 'studies.list', {});
    expect(refused.error?.messageKey).toBe('recovery.required');
    await shot(page, testInfo, '07-recovery');
  });

  await test.step('a wrong password is refused on its field; the administrator of the backup restores it', async () => {
    await page.getByPlaceholder('用户名').fill(ADMIN.username);
    await page.getByPlaceholder('密码').fill('not-the-password');
    await page.getByTestId('recovery-restore').click();
    await expect(page.getByText('用户名或密码错误，或该用户不是此备份中的在用系统管理员')).toBeVisible();
    await shot(page, testInfo, '08-recovery-refused');
    await page.getByPlaceholder('密码').fill(ADMIN.password);
    await page.getByTestId('recovery-restore').click();
    await expect(page.getByText('数据库已恢复')).toBeVisible();
    await expect(page.getByText(/-damaged\.sqlite/)).toBeVisible();
    await shot(page, testInfo, '09-recovered');
  });

  await test.step('sign in: the data of the backup is there', async () => {
    await page.getByTestId('recovery-continue').click();
    await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
    await td.fill('用户名', ADMIN.username);
    await td.fill('密码', ADMIN.password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByText('AML-BEFORE-01')).toBeVisible();
    await expect(page.getByText('AML-AFTER-02')).toHaveCount(0);
  });
});
