/**
 * Adverse events through the UI on a real browser-mode host (issue 6): the administrator loads NCI's CTCAE v5.0
 * workbook in the settings (837 terms; the same file again changes nothing); a coordinator records a grade 3
 * "Neutrophil count decreased" picked by typing (the term's definition and grade texts shown, grades a term does not
 * define disabled), is refused an AE that started before consent (medical history), records an SAE (the 24-hour clock
 * counts down) and its initial report (reported on time); the investigator assesses and signs (a wrong password first),
 * the coordinator's later edit invalidates the signature, the investigator signs again; the SUSAR flag and clock, the
 * AE's signatures and audit trail in its detail; the AE log once in English.
 */
import { expect, test } from './fixtures';
import {
  aeRow,
  CTCAE_CSV,
  CTCAE_FILE,
  gradeRadio,
  loadWorkbook,
  openAesTab,
  openCtcaeCard,
  pickCtcae,
  siteDateTimeOf,
} from './pages/aes';
import { shot } from './pages/calls';
import { daysAgo, dropdownsClosed, newUserPage, openSubject } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';
import { STUDY, enrolledSubject, setUpVisitStudy, type VisitIds } from './pages/visits';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const COORDINATOR = {
  username: 'zhangmin',
  displayName: '张敏',
  temporary: 'Temporary#2024a',
  password: 'Coordinator#2024',
};
const INVESTIGATOR = {
  username: 'wangjg',
  displayName: '王建国',
  temporary: 'Temporary#2024b',
  password: 'Investigator#2024',
};

test.use({ actionTimeout: 20_000 });

test('adverse events: CTCAE dictionary, grade 3 AE, medical history refused, SAE clock and report, sign-off, invalidation, re-sign', async ({
  app,
  page,
  browser,
}, testInfo) => {
  // about 2 minutes on an idle machine; the shared CI box can be several times slower
  test.setTimeout(480_000);
  const td = new TrialDesk(page);
  let ids: VisitIds = { studyId: 0, centerId: 0, consentVersionId: 0 };

  await test.step("the administrator loads NCI's CTCAE workbook in the settings; the same file again changes nothing", async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    const card = await openCtcaeCard(page);
    await expect(card.getByTestId('ctcae-terms')).toHaveText('尚未载入');
    // a file that is not NCI's workbook (NCI's CSV renamed): the server says what it is, nothing loaded
    await loadWorkbook(card, CTCAE_CSV);
    await expect(card.getByTestId('ctcae-result')).toContainText('这是 CSV 或文本文件');
    await expect(card.getByTestId('ctcae-terms')).toHaveText('尚未载入');
    await loadWorkbook(card, CTCAE_FILE);
    await expect(card.getByTestId('ctcae-result')).toContainText('新增 837', { timeout: 30_000 });
    await expect(card.getByTestId('ctcae-terms')).toHaveText('837');
    await expect(card.getByTestId('ctcae-status')).toContainText('CTCAE_v5.0_2017-11-27.xlsx');
    await shot(page, testInfo, '01-ctcae-settings');
    await loadWorkbook(card, CTCAE_FILE);
    await expect(card.getByTestId('ctcae-result')).toContainText('新增 0、更新 0、未变 837', { timeout: 30_000 });
  });

  await test.step('set-up: a study with an enrolled subject (consent 20 days ago), a coordinator and an investigator', async () => {
    ids = await setUpVisitStudy(page);
    await enrolledSubject(page, ids, {
      screeningNumber: 'S01001',
      subjectNumber: '01-001',
      initials: 'ZL',
      name: '赵磊',
      consent: daysAgo(20),
      enrolled: daysAgo(14),
    });
  });
  const coordinator = await newUserPage(page, browser, app.url, COORDINATOR, 'coordinator', ids.studyId);
  const investigator = await newUserPage(page, browser, app.url, INVESTIGATOR, 'investigator', ids.studyId);
  const c = new TrialDesk(coordinator);
  const inv = new TrialDesk(investigator);

  await test.step('the coordinator picks CTCAE terms by typing: definition and grade texts; undefined grades disabled', async () => {
    await openSubject(coordinator, STUDY.protocolNumber, 'S01001');
    await openAesTab(coordinator);
    await expect(coordinator.getByTestId('aes-table')).toContainText('尚无不良事件记录');
    await coordinator.getByTestId('ae-add').click();
    const form = c.dialog(/新增不良事件/);
    await c.fill('不良事件名称（原始描述）', '中性粒细胞减少', form);
    // Febrile neutropenia defines grades 3–5 only
    await pickCtcae(coordinator, form, 'febrile', 'Febrile neutropenia');
    await expect(gradeRadio(form, 1)).toBeDisabled();
    await expect(gradeRadio(form, 2)).toBeDisabled();
    await expect(gradeRadio(form, 3)).toBeEnabled();
    await expect(form.getByTestId('grade-1')).toContainText('该术语未定义此级别');
    // the picker searches as the user types: each option with its SOC and MedDRA code
    const input = form.getByLabel('CTCAE 术语', { exact: true });
    await input.click();
    await input.fill('neutro');
    const options = coordinator.locator('.ant-select-dropdown:visible [data-testid="ctcae-option"]');
    await expect(options.filter({ hasText: 'Neutrophil count decreased' })).toContainText('Investigations');
    await shot(coordinator, testInfo, '02-ctcae-picker');
    await options.filter({ hasText: 'Neutrophil count decreased' }).first().click();
    const term = form.getByTestId('ctcae-term');
    await expect(term).toContainText('Neutrophil count decreased');
    await expect(term).toContainText('Investigations');
    await expect(term).toContainText('A finding based on laboratory test results');
    await expect(gradeRadio(form, 1)).toBeEnabled();
    await expect(form.getByTestId('grade-3')).toContainText('500/mm3');
    await form.getByTestId('grade-3').click();
    await expect(gradeRadio(form, 3)).toBeChecked();
    await dropdownsClosed(coordinator);
    await shot(coordinator, testInfo, '03-ae-form-grades');

    // a start before the consent is medical history, not an AE
    await c.date('开始日期', daysAgo(25), form);
    await form.getByRole('button', { name: '保存' }).click();
    await expect(c.fieldError('开始日期', form)).toContainText('既往病史');
    await shot(coordinator, testInfo, '04-ae-before-consent');
    await c.date('开始日期', daysAgo(5), form);
    await form.getByRole('button', { name: '保存' }).click();
    await c.expectToast('已记录不良事件 AE-01');
    const row = aeRow(coordinator, 1);
    await expect(row).toContainText('Neutrophil count decreased');
    await expect(row.getByTestId('ae-severity')).toHaveText('3 级');
    await expect(row).toContainText('持续');
    await expect(row.getByTestId('ae-signature')).toHaveText('未签署');
  });

  await test.step('an SAE (hospitalisation, aware 2 hours ago): the 24-hour clock counts down; the initial report stops it', async () => {
    await coordinator.getByTestId('ae-add').click();
    const form = c.dialog(/新增不良事件/);
    await c.fill('不良事件名称（原始描述）', '发热性中性粒细胞减少症', form);
    await pickCtcae(coordinator, form, 'febrile neu', 'Febrile neutropenia');
    await form.getByTestId('grade-3').click();
    await c.date('开始日期', daysAgo(1), form);
    await form.locator('.ant-radio-button-wrapper').filter({ hasText: /^是$/ }).click();
    await form.getByRole('checkbox', { name: '导致住院或延长住院时间' }).check();
    await c.date('研究者获知时间', siteDateTimeOf(Date.now() - 2 * 3_600_000), form);
    await c.fill('针对该事件的治疗', '哌拉西林他唑巴坦 4.5 g q8h 静脉滴注', form);
    await form.getByRole('checkbox', { name: '导致住院或延长住院时间' }).scrollIntoViewIfNeeded();
    await dropdownsClosed(coordinator);
    await shot(coordinator, testInfo, '05-sae-form');
    await form.getByRole('button', { name: '保存' }).click();
    await c.expectToast('已记录不良事件 AE-02');
    const clock = aeRow(coordinator, 2).getByTestId('sae-clock');
    await expect(clock).toHaveAttribute('data-state', 'due');
    await expect(clock).toContainText(/剩余 2[01] 小时/);
    await expect(aeRow(coordinator, 2).getByTestId('ae-serious')).toContainText('住院');
    await shot(coordinator, testInfo, '06-ae-log-sae-due');

    await aeRow(coordinator, 2).getByTestId('ae-report-2').click();
    const report = c.dialog(/首次报告 SAE — AE-02/);
    await c.fill('接收方', '申办方药物警戒部', report);
    await report.getByRole('button', { name: '保存' }).click();
    await c.expectToast('首次报告已记录');
    await expect(clock).toHaveAttribute('data-state', 'on_time');
    await expect(clock).toHaveText('SAE 已按时报告');
    await expect(aeRow(coordinator, 2).getByTestId('ae-report-2')).toHaveText('随访报告');
  });

  await test.step('the investigator assesses AE-01 and signs it (a wrong password first)', async () => {
    await openSubject(investigator, STUDY.protocolNumber, 'S01001');
    await openAesTab(investigator);
    // causality and expectedness first: nothing to sign before
    await expect(aeRow(investigator, 1).getByTestId('ae-sign-1')).toBeDisabled();
    await aeRow(investigator, 1).getByTestId('ae-edit-1').click();
    const form = inv.dialog(/编辑不良事件 AE-01/);
    await form.getByRole('radio', { name: '可能有关', exact: true }).click();
    await form.getByRole('radio', { name: '预期', exact: true }).click();
    await form.getByRole('button', { name: '保存' }).click();
    const reason = inv.dialog('请填写修改原因');
    await inv.fill('修改原因', '研究者评估相关性与预期性', reason);
    await reason.getByRole('button', { name: '保存' }).click();
    await inv.expectToast('不良事件 AE-01 已保存');

    await aeRow(investigator, 1).getByTestId('ae-sign-1').click();
    const sign = inv.dialog('电子签名 — 确认身份');
    await expect(sign.getByTestId('sign-statement')).toContainText(
      '不良事件 AE-01「中性粒细胞减少 / Neutrophil count decreased」',
    );
    await inv.fill('密码', 'not-my-password', sign);
    await sign.getByRole('button', { name: '确认签名' }).click();
    await expect(inv.fieldError('密码', sign)).toContainText('密码不正确');
    await inv.fill('密码', INVESTIGATOR.password, sign);
    await sign.getByRole('button', { name: '确认签名' }).click();
    await inv.expectToast('不良事件 AE-01 已签名');
    await expect(aeRow(investigator, 1).getByTestId('ae-signature')).toHaveText('已签署');
  });

  await test.step("the coordinator's later edit (with its reason) invalidates the signature", async () => {
    await coordinator.reload();
    await openAesTab(coordinator);
    await expect(aeRow(coordinator, 1).getByTestId('ae-signature')).toHaveText('已签署');
    await aeRow(coordinator, 1).getByTestId('ae-edit-1').click();
    const form = c.dialog(/编辑不良事件 AE-01/);
    await c.date('结束日期', daysAgo(1), form);
    await expect(form.getByRole('checkbox', { name: '持续（尚未结束）' })).not.toBeChecked();
    await c.select('转归', '痊愈/消退', form);
    await form.getByRole('button', { name: '保存' }).click();
    const reason = c.dialog('请填写修改原因');
    await c.fill('修改原因', '复查血常规恢复正常，补充结束日期与转归', reason);
    await reason.getByRole('button', { name: '保存' }).click();
    await c.expectToast('不良事件 AE-01 已保存');
    await expect(aeRow(coordinator, 1).getByTestId('ae-signature')).toHaveText('签名已失效');
    await expect(aeRow(coordinator, 1)).not.toContainText('持续');
    await shot(coordinator, testInfo, '07-ae-log-invalidated');
  });

  await test.step('the investigator signs again; the detail shows the signatures and the audit trail', async () => {
    await investigator.reload();
    await openAesTab(investigator);
    const sign1 = aeRow(investigator, 1).getByTestId('ae-sign-1');
    await expect(sign1).toHaveText('重新签名');
    await sign1.click();
    const sign = inv.dialog('电子签名 — 确认身份');
    await inv.fill('密码', INVESTIGATOR.password, sign);
    await sign.getByRole('button', { name: '确认签名' }).click();
    await inv.expectToast('不良事件 AE-01 已签名');
    await expect(aeRow(investigator, 1).getByTestId('ae-signature')).toHaveText('已签署');

    await aeRow(investigator, 1).getByTestId('ae-detail-1').click();
    const drawer = inv.dialog(/不良事件 AE-01 — 01-001/);
    await expect(drawer.getByTestId('signature-valid')).toBeVisible();
    await expect(drawer.getByTestId('ae-signatures')).toContainText('已被新签名取代');
    await expect(drawer.getByTestId('ae-history')).toContainText('复查血常规恢复正常，补充结束日期与转归');
    await expect(drawer.getByTestId('ae-history')).toContainText('痊愈/消退');
    await shot(investigator, testInfo, '08-ae-detail-signatures');
    await investigator.keyboard.press('Escape');
  });

  await test.step('the investigator judges the SAE related and unexpected: SUSAR, with the sponsor clock for information', async () => {
    await aeRow(investigator, 2).getByTestId('ae-edit-2').click();
    const form = inv.dialog(/编辑不良事件 AE-02/);
    await form.getByRole('radio', { name: '很可能有关', exact: true }).click();
    await form.getByRole('radio', { name: '非预期', exact: true }).click();
    await form.getByRole('button', { name: '保存' }).click();
    const reason = inv.dialog('请填写修改原因');
    await inv.fill('修改原因', '研究者评估：很可能相关，研究者手册未列出', reason);
    await reason.getByRole('button', { name: '保存' }).click();
    await inv.expectToast('不良事件 AE-02 已保存');
    await expect(aeRow(investigator, 2).getByTestId('ae-susar')).toBeVisible();
    await aeRow(investigator, 2).getByTestId('ae-detail-2').click();
    const drawer = inv.dialog(/不良事件 AE-02 — 01-001/);
    await expect(drawer.getByTestId('sae-reports')).toContainText('首次报告');
    await expect(drawer.getByTestId('sae-reports')).toContainText('申办方药物警戒部');
    await expect(drawer.getByTestId('susar-clock')).toContainText('15 天');
    await shot(investigator, testInfo, '09-sae-detail-susar');
    await investigator.keyboard.press('Escape');
  });

  await test.step('a fatal AE (grade 5, death): the subject is offered "withdrawn – death" on the date of death', async () => {
    await coordinator.getByTestId('ae-add').click();
    const form = c.dialog(/新增不良事件/);
    await c.fill('不良事件名称（原始描述）', '脓毒性休克', form);
    await pickCtcae(coordinator, form, 'sepsis', 'Sepsis');
    await form.getByTestId('grade-5').click();
    await c.date('开始日期', daysAgo(1), form);
    await c.date('结束日期', daysAgo(0), form);
    await form.locator('.ant-radio-button-wrapper').filter({ hasText: /^是$/ }).click();
    await form.getByRole('checkbox', { name: '导致死亡' }).check();
    await c.date('研究者获知时间', siteDateTimeOf(Date.now() - 3_600_000), form);
    await c.select('转归', '死亡', form);
    await form.getByRole('button', { name: '保存' }).click();
    const offer = coordinator.locator('.ant-modal-confirm').filter({ hasText: '受试者死亡' });
    await expect(offer).toContainText('不良事件 AE-03 的转归为死亡');
    await offer.getByRole('button', { name: '变更受试者状态' }).click();
    const move = c.dialog(/01-001：已入组 → 已退出/);
    await expect(move.getByLabel('退出日期', { exact: true })).toHaveValue(daysAgo(0));
    await expect(move).toContainText('死亡');
    await move.getByRole('button', { name: '确认退出' }).click();
    await c.expectToast('状态已变更为“已退出”');
    await expect(coordinator.getByTestId('subject-status')).toContainText('已退出');
    await expect(aeRow(coordinator, 3).getByTestId('ae-severity')).toHaveText('5 级');
  });

  await test.step('the AE log in English', async () => {
    await investigator.reload();
    await openAesTab(investigator);
    await expect(aeRow(investigator, 3)).toBeVisible();
    await investigator.getByRole('button', { name: '界面语言' }).click();
    await investigator.getByRole('menuitem', { name: 'English' }).click();
    await expect(investigator.getByRole('tab', { name: 'Adverse events', exact: true })).toBeVisible();
    await expect(aeRow(investigator, 1).getByTestId('ae-severity')).toHaveText('Grade 3');
    await expect(aeRow(investigator, 1).getByTestId('ae-signature')).toHaveText('Signed');
    await expect(aeRow(investigator, 2).getByTestId('sae-clock')).toHaveText('SAE reported on time');
    await expect(aeRow(investigator, 2)).toContainText('Probably related');
    await shot(investigator, testInfo, '10-ae-log-english');
  });
});
