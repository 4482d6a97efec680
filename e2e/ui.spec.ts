/**
 * The Foundation screens through the UI, on a real browser-mode host with a fresh data directory: first-run set-up,
 * sign-in, a study with centers, a key-field edit with its reason, validation messages on fields, the history, and the
 * language switch remembered across a restart. Screenshots of each main screen are kept with the test results.
 */
import { expect, test } from './fixtures';
import { shot } from './pages/calls';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };

async function signIn(td: TrialDesk, labels = { user: '用户名', password: '密码', submit: '登录' }): Promise<void> {
  await td.fill(labels.user, ADMIN.username);
  await td.fill(labels.password, ADMIN.password);
  await td.page.getByRole('button', { name: labels.submit }).click();
}

test('first run, studies and centers, reasons, field errors, language remembered', async ({ app, page }, testInfo) => {
  test.setTimeout(240_000);
  const td = new TrialDesk(page);

  await test.step('first-run set-up creates the administrator and signs in', async () => {
    await page.goto(app.url);
    await expect(page.getByRole('heading', { name: '首次使用：创建管理员账户' })).toBeVisible();
    await expect(page.getByLabel('用户名', { exact: true })).toBeFocused();
    // the token is kept out of the address bar
    expect(page.url()).not.toContain('token=');
    await shot(page, testInfo, '01-setup');

    await td.fill('用户名', ADMIN.username);
    await td.fill('姓名', ADMIN.displayName);
    await td.fill('密码', `${ADMIN.username}-password`);
    await td.fill('确认密码', `${ADMIN.username}-password`);
    await page.getByRole('button', { name: '创建管理员并登录' }).click();
    await expect(td.fieldError('密码')).toHaveText('密码不能包含用户名');

    await td.fill('密码', ADMIN.password);
    await td.fill('确认密码', ADMIN.password);
    await page.getByLabel('确认密码').press('Enter');
    await expect(page.getByRole('heading', { name: '研究项目' })).toBeVisible();
    await expect(page.getByText('还没有研究项目')).toBeVisible();
    await expect(page.getByTestId('user-menu')).toContainText('李华');
    await expect(page.getByTestId('user-menu')).toContainText('管理员');
    // every area is ready now (Excel exchange was the last to come): none is shown disabled
    await expect(page.getByRole('menuitem', { name: /Excel 交换/ })).not.toHaveAttribute('aria-disabled', 'true');
    await expect(page.getByRole('menuitem', { name: /安全性/ })).not.toHaveAttribute('aria-disabled', 'true');
    await expect(page.locator('.ant-menu-item-disabled')).toHaveCount(0);
    await shot(page, testInfo, '02-studies-empty');
  });

  await test.step('sign out, a wrong password is refused on the form, then sign in', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
    await td.fill('用户名', ADMIN.username);
    await td.fill('密码', 'not-the-password');
    await page.getByLabel('密码').press('Enter');
    await expect(td.fieldError('密码')).toHaveText('用户名或密码错误');
    await shot(page, testInfo, '03-login-error');
    await signIn(td);
    await expect(page.getByRole('heading', { name: '研究项目' })).toBeVisible();
  });

  await test.step('create a study', async () => {
    await page.getByRole('button', { name: '新建研究' }).first().click();
    const form = td.dialog('新建研究项目');
    await expect(form.getByLabel('方案编号')).toBeFocused();
    await td.fill('方案编号', 'HM-AML-2024-01', form);
    await td.fill('简称', 'AML 维奈克拉联合阿扎胞苷', form);
    await td.fill(
      '方案名称',
      '维奈克拉联合阿扎胞苷治疗初诊不适合强化疗的急性髓系白血病的多中心、随机、对照 III 期研究',
      form,
    );
    await td.select('研究分期', 'III 期', form);
    await td.select('疾病领域', '急性白血病/MDS', form);
    await td.fill('适应症', '急性髓系白血病', form);
    await td.fill('注册号', 'CTR20240123', form);
    await td.fill('申办方', '华东医药研究有限公司', form);
    await td.fill('本院主要研究者', '王建国', form);
    await form.getByLabel('目标例数').fill('120');
    await td.fill('方案版本号', '1.0', form);
    await td.date('方案版本日期', '2024-01-15', form);
    await td.date('伦理批准日期', '2024-03-01', form);
    await form.getByRole('button', { name: '创建' }).click();

    await expect(page.getByRole('heading', { name: 'HM-AML-2024-01' })).toBeVisible();
    await expect(page.locator('.ant-descriptions')).toContainText('2024-03-01');
    await expect(page.locator('.ant-descriptions')).toContainText('筹备中');
  });

  await test.step('add two centers, one of them lead; a second lead is refused on its field', async () => {
    await page.getByRole('button', { name: '添加中心' }).first().click();
    let modal = td.dialog('添加参研中心');
    await expect(modal.getByLabel('中心编号')).toBeFocused();
    await td.fill('中心编号', '01', modal);
    await td.fill('医院名称', '江苏省人民医院', modal);
    await td.fill('城市', '南京', modal);
    await td.fill('主要研究者', '王建国', modal);
    await modal.getByLabel('组长单位').click();
    await modal.getByLabel('本院').click();
    await modal.getByLabel('目标例数').fill('40');
    await modal.getByLabel('入组上限').fill('45');
    await modal.getByRole('button', { name: '创建' }).click();
    await expect(modal).toBeHidden();

    await page.getByRole('button', { name: '添加中心' }).first().click();
    modal = td.dialog('添加参研中心');
    await expect(modal.getByLabel('中心编号')).toBeFocused();
    await td.fill('中心编号', '02', modal);
    await td.fill('医院名称', '苏州大学附属第一医院', modal);
    await td.fill('城市', '苏州', modal);
    await td.fill('主要研究者', '陈明', modal);
    await modal.getByLabel('组长单位').click();
    await modal.getByLabel('目标例数').fill('30');
    await modal.getByRole('button', { name: '创建' }).click();
    await expect(td.fieldError('组长单位', modal)).toHaveText('本研究已有组长单位（中心 01）');
    await shot(page, testInfo, '05-center-modal-error');

    await modal.getByLabel('组长单位').click();
    await modal.getByLabel('中心编号').press('Enter');
    await expect(modal).toBeHidden();

    const rows = page.getByRole('tabpanel').locator('.ant-table-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText('组长');
    await expect(rows.nth(0)).toContainText('本院');
    await expect(page.getByRole('tab', { name: '参研中心 (2)' })).toBeVisible();
  });

  await test.step('activate a center with its date', async () => {
    const row = page.getByRole('tabpanel').locator('.ant-table-row').filter({ hasText: '苏州大学附属第一医院' });
    await row.getByRole('button', { name: '启动' }).click();
    const modal = td.dialog('启动中心 02');
    await td.date('启动日期', '2024-04-10', modal);
    await modal.getByRole('button', { name: '启动中心' }).click();
    await expect(modal).toBeHidden();
    await expect(row).toContainText('已启动');
    await expect(row).toContainText('2024-04-10');
    await shot(page, testInfo, '04-study-detail');
  });

  await test.step('changing the site PI asks for a reason, which the history shows', async () => {
    await page.getByRole('button', { name: '编辑' }).first().click();
    const form = td.dialog(/编辑研究项目/);
    await td.fill('本院主要研究者', '刘芳', form);
    await form.getByRole('button', { name: '保存' }).click();
    const ask = td.dialog('请填写修改原因');
    await expect(ask).toContainText('本院主要研究者');
    await expect(ask.getByLabel('修改原因')).toBeFocused();
    await shot(page, testInfo, '06-reason-modal');
    await ask.getByRole('button', { name: '保存' }).click();
    await expect(td.fieldError('修改原因', ask)).toHaveText('必填');
    await ask.getByLabel('修改原因').fill('原主要研究者退休，经伦理委员会批准变更');
    await ask.getByRole('button', { name: '保存' }).click();
    await expect(form).toBeHidden();
    await expect(page.locator('.ant-descriptions')).toContainText('刘芳');
    // opened again, the form shows the saved values, not the ones it was first opened with
    await page.getByRole('button', { name: '编辑' }).first().click();
    await expect(form.getByLabel('本院主要研究者')).toHaveValue('刘芳');
    await form.getByRole('button', { name: '取消' }).click();
    await expect(form).toBeHidden();

    await page.getByRole('tab', { name: '变更记录' }).click();
    const history = page.getByRole('tabpanel');
    await expect(history.locator('.ant-table-row').first()).toContainText('原主要研究者退休');
    await expect(history.locator('.ant-table-row').first()).toContainText('王建国 → 刘芳');
    await expect(history).toContainText('中心 02');
    await shot(page, testInfo, '07-history');
  });

  await test.step('a study status change goes through the server list of next statuses', async () => {
    await page.getByRole('button', { name: /变更状态/ }).click();
    await page.getByRole('menuitem', { name: '启动中' }).click();
    const modal = td.dialog('变更状态：筹备中 → 启动中');
    await modal.getByRole('button', { name: '确定' }).click();
    await expect(modal).toBeHidden();
    await expect(page.locator('.td-page-header')).toContainText('启动中');
  });

  await test.step('a duplicate protocol number is shown on its field, in Chinese', async () => {
    await page.getByRole('link', { name: '研究项目' }).first().click();
    await page.getByRole('button', { name: '新建研究' }).first().click();
    const form = td.dialog('新建研究项目');
    await td.fill('方案编号', 'hm-aml-2024-01', form);
    await td.fill('简称', '重复编号', form);
    await td.fill('方案名称', '重复编号测试', form);
    await td.select('研究分期', 'II 期', form);
    await td.select('疾病领域', '淋巴瘤', form);
    await td.fill('适应症', '弥漫大B细胞淋巴瘤', form);
    await td.fill('注册号', 'ABC', form);
    await td.fill('申办方', '某申办方', form);
    await td.fill('本院主要研究者', '赵六', form);
    await form.getByRole('button', { name: '创建' }).click();
    await expect(td.fieldError('注册号', form)).toContainText('注册号格式不正确');
    await td.fill('注册号', '', form);
    await expect(td.fieldError('注册号', form)).toHaveCount(0);
    await form.getByRole('button', { name: '创建' }).click();
    await expect(td.fieldError('方案编号', form)).toHaveText('方案编号 hm-aml-2024-01 已被其他研究使用');
    await shot(page, testInfo, '08-study-form-error');
    await form.getByRole('button', { name: '取消' }).click();
    await expect(form).toBeHidden();

    const rows = page.locator('.ant-table-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('HM-AML-2024-01');
    await expect(rows.first()).toContainText('启动中');
    await shot(page, testInfo, '09-studies-list');

    // search runs on the server once typing pauses; an empty result offers to clear the filters
    await page.getByPlaceholder('搜索方案编号、名称、申办方、适应症').fill('骨髓瘤');
    await expect(page.getByText('没有符合条件的研究项目')).toBeVisible();
    await page.getByRole('button', { name: '清除筛选' }).click();
    await expect(rows).toHaveCount(1);
    await page.getByPlaceholder('搜索方案编号、名称、申办方、适应症').fill('髓系');
    await expect(rows).toHaveCount(1);
    await page.getByPlaceholder('搜索方案编号、名称、申办方、适应症').fill('');
  });

  await test.step('English, switched at once and remembered after a restart', async () => {
    await page.getByRole('button', { name: '界面语言' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'New study' })).toBeVisible();
    await expect(page.locator('.ant-table-row').first()).toContainText('Start-up');
    await expect(page.getByRole('columnheader', { name: 'Protocol number' })).toBeVisible();
    await shot(page, testInfo, '10-english-list');

    const url = await app.restart();
    await page.goto(url);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await shot(page, testInfo, '11-english-login');
    await signIn(td, { user: 'User name', password: 'Password', submit: 'Sign in' });
    await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
    await page.getByRole('link', { name: 'HM-AML-2024-01' }).click();
    await expect(page.getByRole('tab', { name: 'Centers (2)' })).toBeVisible();
    const rows = page.getByRole('tabpanel').locator('.ant-table-row');
    await expect(rows.nth(0)).toContainText('Lead');
    await expect(rows.nth(1)).toContainText('10 Apr 2024');
    await expect(page.locator('.ant-descriptions')).toContainText('1 Mar 2024');
    await shot(page, testInfo, '12-english-detail');
  });
});

test('opened without its launch token, the start screen says how to open TrialDesk', async ({
  app,
  page,
}, testInfo) => {
  await page.goto(new URL(app.url).origin + '/');
  await expect(page.getByText('TrialDesk 无法启动')).toBeVisible();
  await expect(page.getByText('访问令牌无效：请使用 TrialDesk 启动时显示的链接打开')).toBeVisible();
  // retrying cannot fix a missing token, so no retry is offered
  await expect(page.getByRole('button', { name: '重试' })).toHaveCount(0);
  await shot(page, testInfo, '13-start-error');
});
