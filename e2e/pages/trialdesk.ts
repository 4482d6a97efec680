/**
 * Page helpers for TrialDesk's antd screens: find fields by their visible label, pick Select options, read the error
 * shown under a field. Labels are passed in the language under test.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class TrialDesk {
  constructor(readonly page: Page) {}

  /** An open drawer or modal, by its title. */
  dialog(title: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name: title });
  }

  /** The form item (label, control, error) whose label is `label`, within `scope`. */
  item(label: string, scope: Locator | Page = this.page): Locator {
    return scope
      .locator('.ant-form-item')
      .filter({ has: this.page.locator('label', { hasText: new RegExp(`^${label}$`) }) });
  }

  async fill(label: string, value: string, scope: Locator | Page = this.page): Promise<void> {
    await scope.getByLabel(label, { exact: true }).fill(value);
  }

  async select(label: string, option: string, scope: Locator | Page = this.page): Promise<void> {
    await scope.getByLabel(label, { exact: true }).click();
    await this.page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
      .first()
      .click();
  }

  async date(label: string, isoDate: string, scope: Locator | Page = this.page): Promise<void> {
    const input = scope.getByLabel(label, { exact: true });
    await input.click();
    await input.fill(isoDate);
    await input.press('Enter');
  }

  /** The error text shown under the field labelled `label`. */
  fieldError(label: string, scope: Locator | Page = this.page): Locator {
    return this.item(label, scope).locator('.ant-form-item-explain-error');
  }

  /** First start: the administrator's account from the set-up screen; lands on the (empty) studies list. */
  async setUpAdministrator(url: string, admin: { username: string; displayName: string; password: string }) {
    await this.page.goto(url);
    await this.fill('用户名', admin.username);
    await this.fill('姓名', admin.displayName);
    await this.fill('密码', admin.password);
    await this.fill('确认密码', admin.password);
    await this.page.getByRole('button', { name: '创建管理员并登录' }).click();
    await expect(this.page.getByRole('heading', { name: '研究项目' })).toBeVisible();
  }

  async expectToast(text: string | RegExp): Promise<void> {
    await expect(this.page.locator('.ant-message-notice').filter({ hasText: text }).first()).toBeVisible();
  }
}
