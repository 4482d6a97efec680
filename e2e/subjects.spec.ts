/**
 * Subjects through the UI on a real browser-mode host (issue 4): a coordinator-side administrator registers and screens
 * patients (one screen failure with a reason), enrolls them up to the center's target (the warning is seen) and to its
 * hard cap (the next one is refused), an investigator enrolls beyond the cap with a reason and the password, confirms
 * a subject's eligibility with an electronic signature, which an edit then invalidates; a subject withdraws; a new
 * consent version is approved and the re-consent list is worked through. The study tabs (progress table and chart, the
 * two logs, the printable identification code list, the set-up) are looked at on the way.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { apiFromPage, shot } from './pages/calls';
import {
  answerChecklist,
  api,
  daysAgo,
  dropdownsClosed,
  openStudyTab,
  openSubject,
  newUserPage,
  signedInPage,
  subjectAction,
} from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const INVESTIGATOR = {
  username: 'wangjg',
  displayName: '王建国',
  temporary: 'Temporary#2026b',
  password: 'Bone-marrow-2026',
};
const MONITOR = {
  username: 'cra.qian',
  displayName: '钱监查',
  temporary: 'Temporary#2026c',
  password: 'Monitor-visit-2026',
};
const STUDY = {
  protocolNumber: 'HM-AML-2026-02',
  title: '维奈克拉联合阿扎胞苷治疗初诊不耐受强化疗急性髓系白血病的多中心 III 期研究',
  shortTitle: 'AML 维奈克拉联合阿扎胞苷',
  sponsor: '华东医药研究有限公司',
  phase: 'III',
  indication: '急性髓系白血病',
  therapeuticArea: 'leukemia_mds',
  sitePi: '王建国',
  protocolVersion: 'V1.0',
  protocolVersionDate: '2025-12-01',
  enrollmentTarget: 10,
};
const CRITERIA = { I1: true, I2: true, E1: false };

// fail fast on a missing element instead of waiting out the whole test
test.use({ actionTimeout: 20_000 });

interface Ids {
  studyId: number;
  ownCenterId: number;
  otherCenterId: number;
  consentV1: number;
}

/** The study, two active centers (ours: target 2, cap 3), the subject set-up, consent 1.0, and the investigator. */
async function setUpStudy(page: Page): Promise<Ids> {
  const studyId = (await api<{ id: number }>(page, 'studies.create', STUDY)).id;
  const center = async (fields: object) => {
    const c = await api<{ id: number }>(page, 'centers.create', { studyId, ...fields });
    await api(page, 'centers.changeStatus', { id: c.id, status: 'active', date: daysAgo(60), reason: null });
    return c.id;
  };
  const ownCenterId = await center({
    code: '01',
    hospitalName: '中国医学科学院血液病医院',
    city: '天津',
    pi: '王建国',
    isLead: true,
    isOwn: true,
    enrollmentTarget: 2,
    hardCap: 3,
  });
  const otherCenterId = await center({
    code: '02',
    hospitalName: '苏州大学附属第一医院',
    city: '苏州',
    pi: '吴德沛',
    enrollmentTarget: 4,
    hardCap: 5,
  });
  for (const status of ['startup', 'enrolling'])
    await api(page, 'studies.changeStatus', { id: studyId, status, reason: null });
  await api(page, 'subjects.updateSetup', {
    studyId,
    fields: {
      screeningPattern: 'S{center}{seq:3}',
      subjectPattern: '{center}-{seq:3}',
      arms: [
        { code: 'A', label: '维奈克拉+阿扎胞苷' },
        { code: 'B', label: '安慰剂+阿扎胞苷' },
      ],
      criteria: [
        { code: 'I1', kind: 'inclusion', text: '年龄 ≥ 18 岁，经骨髓细胞学确诊的初诊急性髓系白血病' },
        { code: 'I2', kind: 'inclusion', text: 'ECOG 评分 0–2 分，不耐受强化疗' },
        { code: 'E1', kind: 'exclusion', text: '急性早幼粒细胞白血病（APL）或中枢神经系统受累' },
      ],
      screenFailureReasons: [
        { code: 'IE', label: '不符合入选/排除标准' },
        { code: 'WC', label: '撤回知情同意' },
      ],
    },
    reason: null,
  });
  const setup = await api<{ currentConsentVersionId: number }>(page, 'subjects.approveConsentVersion', {
    studyId,
    version: '1.0',
    versionDate: daysAgo(45),
    approvedDate: daysAgo(40),
  });
  await api(page, 'users.create', {
    username: INVESTIGATOR.username,
    displayName: INVESTIGATOR.displayName,
    role: 'investigator',
    temporaryPassword: INVESTIGATOR.temporary,
    studyIds: [studyId],
  });
  return { studyId, ownCenterId, otherCenterId, consentV1: setup.currentConsentVersionId };
}

/** A screened-eligible subject of our center entered by calls (consent 10 days ago, screening 9 days ago). */
async function screenedSubject(page: Page, ids: Ids, initials: string, name: string): Promise<{ id: number }> {
  const s = await api<{ id: number; screeningNumber: string }>(page, 'subjects.register', {
    studyId: ids.studyId,
    centerId: ids.ownCenterId,
    screeningNumber: (
      await api<{ number: string }>(page, 'subjects.proposeNumber', {
        studyId: ids.studyId,
        centerId: ids.ownCenterId,
        kind: 'screening',
      })
    ).number,
    initials,
    sex: 'F',
    birthYear: 1961,
    personal: { name, recordNumber: `ZY${initials}0417`, idNumber: null, phone: '13812345678' },
    consent: { consentVersionId: ids.consentV1, signedDate: daysAgo(10), obtainedBy: '李华' },
  });
  await api(page, 'subjects.screen', {
    id: s.id,
    screeningDate: daysAgo(9),
    eligibility: CRITERIA,
    outcome: 'eligible',
  });
  return s;
}

test('subjects: register, screen, fail, enroll to target and cap, override, sign, invalidate, withdraw, re-consent', async ({
  app,
  page,
  browser,
}, testInfo) => {
  test.setTimeout(540_000);
  const td = new TrialDesk(page);
  let ids: Ids = { studyId: 0, ownCenterId: 0, otherCenterId: 0, consentV1: 0 };

  await test.step('set-up: administrator, enrolling study with two active centers, subject set-up, consent 1.0', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    ids = await setUpStudy(page);
    // a subject of the other center, entered de-identified (no consent, no personal fields)
    await api(page, 'subjects.register', {
      studyId: ids.studyId,
      centerId: ids.otherCenterId,
      screeningNumber: 'S02001',
      initials: 'ZQ',
      sex: 'M',
      birthYear: 1955,
    });
    await page.reload(); // the studies list on screen was loaded before the study was created
    await openStudyTab(page, STUDY.protocolNumber, '受试者');
    await expect(page.getByTestId('subjects-total')).toHaveText('共 1 例');
    await shot(page, testInfo, '01-subjects-list-start');
  });

  await test.step('register a patient of our center with the first consent, and screen: eligible', async () => {
    await page.getByRole('button', { name: '登记受试者' }).first().click();
    const modal = td.dialog('登记受试者');
    // the number comes from the pattern; our center is preselected, so the consent section is there
    await expect(modal.getByLabel('筛选号', { exact: true })).toHaveValue('S01001');
    await td.fill('姓名缩写', 'WXM', modal);
    await modal.getByText('男', { exact: true }).click();
    await td.select('出生日期或年份', '仅出生年份', modal);
    await modal.getByLabel('出生年份', { exact: true }).fill('1968');
    await td.fill('姓名', '王小明', modal);
    await td.fill('病历号', 'ZY20260417', modal);
    await td.fill('电话', '13900001111', modal);
    await expect(modal.getByText('首次知情同意')).toBeVisible();
    await shot(page, testInfo, '02-register');
    await modal.getByRole('button', { name: '登记', exact: true }).click();
    await expect(page.getByRole('heading', { name: /S01001/ })).toBeVisible();
    await expect(page.getByTestId('subject-status')).toHaveText('筛选中');
    // masked until revealed
    await expect(page.getByTestId('personal-fields')).toContainText('王*明');
    await page.getByTestId('reveal-personal').click();
    await expect(page.getByTestId('personal-fields')).toContainText('王小明');

    await subjectAction(page, '录入筛选结果').click();
    const screen = td.dialog(/录入筛选结果/);
    await answerChecklist(screen, CRITERIA);
    await screen.getByText('符合入组条件', { exact: true }).click();
    await shot(page, testInfo, '03-screening-checklist');
    await screen.getByRole('button', { name: '保存筛选结果' }).click();
    await td.expectToast('筛选结果已保存：符合入组条件');
    await expect(subjectAction(page, '入组')).toBeVisible();
    await shot(page, testInfo, '04-subject-screened');
  });

  await test.step('a second patient fails screening with a reason (an exclusion criterion is met)', async () => {
    await openStudyTab(page, STUDY.protocolNumber, '受试者');
    await page.getByRole('button', { name: '登记受试者' }).first().click();
    const modal = td.dialog('登记受试者');
    await expect(modal.getByLabel('筛选号', { exact: true })).toHaveValue('S01002');
    await td.fill('姓名缩写', 'LJ', modal);
    await modal.getByText('女', { exact: true }).click();
    await td.select('出生日期或年份', '仅出生年份', modal);
    await modal.getByLabel('出生年份', { exact: true }).fill('1972');
    await td.fill('姓名', '李娟', modal);
    await modal.getByRole('button', { name: '登记', exact: true }).click();
    await expect(page.getByRole('heading', { name: /S01002/ })).toBeVisible();

    await subjectAction(page, '录入筛选结果').click();
    const screen = td.dialog(/录入筛选结果/);
    await answerChecklist(screen, { I1: true, I2: true, E1: true });
    // "eligible" against the checklist is refused by the server, on the outcome
    await screen.getByText('符合入组条件', { exact: true }).click();
    await screen.getByRole('button', { name: '保存筛选结果' }).click();
    await expect(td.fieldError('筛选结论', screen)).toHaveText('按入选/排除标准核对结果，该受试者不符合入组条件');
    await screen.getByText('筛选失败', { exact: true }).click();
    await td.select('筛选失败原因', '不符合入选/排除标准', screen);
    await td.fill('筛选失败说明', '骨髓形态学提示 APL（t(15;17) 阳性）', screen);
    await dropdownsClosed(page);
    await shot(page, testInfo, '05-screen-failure');
    await screen.getByRole('button', { name: '保存筛选结果' }).click();
    await td.expectToast('筛选结果已保存：筛选失败');
    await expect(page.getByTestId('subject-status')).toHaveText('筛选失败');
    await expect(page.getByTestId('subject-timeline')).toContainText('IE · 不符合入选/排除标准');
    await shot(page, testInfo, '06-subject-screen-failed');
  });

  await test.step('enroll the first patient; the next one reaches the target: the warning is seen', async () => {
    await openSubject(page, STUDY.protocolNumber, 'S01001');
    await subjectAction(page, '入组').click();
    let modal = td.dialog(/入组：S01001/);
    await expect(modal.getByLabel('受试者编号', { exact: true })).toHaveValue('01-001');
    await expect(modal.getByTestId('enroll-at-target')).toHaveCount(0);
    await td.select('组别', 'A · 维奈克拉+阿扎胞苷', modal);
    await modal.getByRole('button', { name: '确认入组' }).click();
    await td.expectToast('已入组，受试者编号 01-001');
    await expect(page.getByTestId('subject-status')).toHaveText('已入组');
    // enrolled without the investigator's confirmation yet
    await expect(page.getByTestId('flag-unconfirmed')).toBeVisible();

    await screenedSubject(page, ids, 'ZHF', '赵红芳');
    await openSubject(page, STUDY.protocolNumber, 'S01003');
    await subjectAction(page, '入组').click();
    modal = td.dialog(/入组：S01003/);
    await expect(modal.getByTestId('enroll-at-target')).toContainText('中心 01 已达到目标例数（2）');
    await expect(modal.getByLabel('受试者编号', { exact: true })).toHaveValue('01-002');
    await td.select('组别', 'B · 安慰剂+阿扎胞苷', modal);
    await dropdownsClosed(page);
    await shot(page, testInfo, '07-enroll-at-target');
    await modal.getByRole('button', { name: '确认入组' }).click();
    await td.expectToast('已入组，受试者编号 01-002');
  });

  await test.step('at the hard cap the next enrollment is refused (on screen and by the server)', async () => {
    const third = await screenedSubject(page, ids, 'SGL', '孙桂兰');
    await api(page, 'subjects.enroll', { id: third.id, enrollmentDate: daysAgo(1), subjectNumber: '01-003', arm: 'A' });
    const fourth = await screenedSubject(page, ids, 'ZWQ', '周文清');
    await openSubject(page, STUDY.protocolNumber, 'S01005');
    await subjectAction(page, '入组').click();
    const modal = td.dialog(/入组：S01005/);
    await expect(modal.getByTestId('enroll-over-cap')).toContainText('中心 01 已达到入组上限（3 例）');
    await expect(modal.getByTestId('enroll-refused')).toHaveText('当前不能入组');
    await expect(modal.getByRole('button', { name: '确认入组' })).toBeDisabled();
    await expect(modal.getByTestId('cap-override')).toHaveCount(0);
    await shot(page, testInfo, '08-over-cap-refused');
    await modal.getByRole('button', { name: '取消' }).click();

    const refused = await apiFromPage(page, 'subjects.enroll', {
      id: fourth.id,
      enrollmentDate: daysAgo(1),
      subjectNumber: '01-004',
      arm: 'A',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', messageKey: 'subjects.overCap' } });
  });

  const dr = await signedInPage(browser, app.url, INVESTIGATOR);
  const drTd = new TrialDesk(dr);

  await test.step('the investigator enrolls beyond the cap with a reason and the password', async () => {
    await openSubject(dr, STUDY.protocolNumber, 'S01005');
    await subjectAction(dr, '入组').click();
    const modal = drTd.dialog(/入组：S01005/);
    await expect(modal.getByTestId('cap-override')).toBeVisible();
    await drTd.select('组别', 'A · 维奈克拉+阿扎胞苷', modal);
    await drTd.fill('超限入组原因', '申办方书面同意本中心增加 1 例（邮件 2026-11-20）', modal);
    await drTd.fill('密码', 'not-my-password', modal);
    await modal.getByRole('button', { name: '签名并超限入组' }).click();
    await expect(drTd.fieldError('密码', modal)).toHaveText(/密码不正确/);
    await drTd.fill('密码', INVESTIGATOR.password, modal);
    await dropdownsClosed(dr);
    await shot(dr, testInfo, '09-over-cap-override');
    await modal.getByRole('button', { name: '签名并超限入组' }).click();
    await drTd.expectToast('已入组，受试者编号 01-004');
    await expect(dr.getByTestId('subject-status')).toHaveText('已入组');
    await expect(dr.getByTestId('subject-timeline')).toContainText('研究者批准超限入组');
    await shot(dr, testInfo, '10-enrolled-over-cap');
  });

  await test.step('the investigator confirms eligibility with a signature; an edit invalidates it', async () => {
    await openSubject(dr, STUDY.protocolNumber, 'S01001');
    await dr.getByTestId('signature-sign').click();
    const sign = dr.getByTestId('sign-modal');
    await expect(sign.getByTestId('sign-statement')).toContainText('S01001');
    await drTd.fill('密码', INVESTIGATOR.password, sign);
    await sign.getByRole('button', { name: '确认签名' }).click();
    await expect(dr.getByTestId('signature-valid')).toBeVisible();
    await expect(dr.getByTestId('flag-unconfirmed')).toHaveCount(0);
    await shot(dr, testInfo, '11-eligibility-signed');

    await subjectAction(dr, '编辑').click();
    const drawer = drTd.dialog(/编辑受试者/);
    await drTd.fill('姓名缩写', 'WXMI', drawer);
    await drawer.getByRole('button', { name: '保存' }).click();
    const reason = drTd.dialog('请填写修改原因');
    await expect(reason).toContainText('姓名缩写');
    await drTd.fill('修改原因', '按 CRF 填写规范更正姓名缩写', reason);
    await reason.getByRole('button', { name: '保存' }).click();
    await drTd.expectToast('已保存');
    await expect(dr.getByTestId('signature-invalidated')).toBeVisible();
    await expect(dr.getByTestId('flag-unconfirmed')).toBeVisible();
    await dr.getByRole('tab', { name: '变更记录' }).click();
    await expect(dr.getByTestId('subject-history')).toContainText('按 CRF 填写规范更正姓名缩写');
    await shot(dr, testInfo, '12-signature-invalidated');
  });

  await test.step('a subject withdraws (adverse event)', async () => {
    await openSubject(page, STUDY.protocolNumber, 'S01003');
    await subjectAction(page, '退出研究').click();
    const modal = td.dialog(/→ 已退出/);
    await td.select('退出原因', '不良事件', modal);
    await td.fill('说明', '4 级中性粒细胞减少伴发热，研究者判断不宜继续', modal);
    await dropdownsClosed(page);
    await shot(page, testInfo, '13-withdraw');
    await modal.getByRole('button', { name: '确认退出' }).click();
    await td.expectToast('状态已变更为“已退出”');
    await expect(page.getByTestId('subject-status')).toHaveText('已退出');
    await expect(page.getByTestId('subject-timeline')).toContainText('不良事件');
    await shot(page, testInfo, '14-withdrawn');
  });

  await test.step('a new consent version is approved; the re-consent list is worked through', async () => {
    await openStudyTab(page, STUDY.protocolNumber, '知情同意');
    await expect(page.getByTestId('reconsent-list')).toContainText('所有受试者均已签署当前版本');
    await page.getByRole('button', { name: '登记新批准版本' }).click();
    const modal = td.dialog(/知情同意书新版本/);
    await td.fill('知情同意书版本', '2.0', modal);
    await td.date('版本日期', daysAgo(5), modal);
    await td.date('伦理批准日期', daysAgo(2), modal);
    await modal.getByRole('button', { name: '登记为当前版本' }).click();
    await td.expectToast('知情同意书 2.0 已成为当前版本');
    const rows = page.getByTestId('reconsent-list').locator('tbody tr.ant-table-row');
    // the enrolled subjects of our center; not the screen failure, the withdrawn one or the other center's subject
    await expect(rows).toHaveCount(3);
    await shot(page, testInfo, '15-reconsent-list');

    for (let left = 3; left > 0; left--) {
      await rows.first().getByRole('button', { name: '记录再次知情同意' }).click();
      const consent = td.dialog(/记录知情同意/);
      // the current version is preselected
      await expect(consent).toContainText('2.0');
      await consent.getByRole('button', { name: '保存' }).click();
      await td.expectToast('知情同意已记录');
      await expect(rows).toHaveCount(left - 1);
    }
    await expect(page.getByTestId('reconsent-list')).toContainText('所有受试者均已签署当前版本');
    await shot(page, testInfo, '16-reconsent-done');
  });

  await test.step('the study tabs: list with filters, progress, logs, identification codes, set-up', async () => {
    await openStudyTab(page, STUDY.protocolNumber, '受试者');
    await expect(page.getByTestId('subjects-total')).toHaveText('共 6 例');
    await shot(page, testInfo, '17-subjects-list');
    // ever enrolled without a valid confirmation: the invalidated one, the withdrawn one, the two never signed
    // the filter lives in the address: the box shows it once the router has taken the change
    await page.getByRole('checkbox', { name: '资格未确认' }).click();
    await expect(page.getByRole('checkbox', { name: '资格未确认' })).toBeChecked();
    await expect(page.getByTestId('subjects-total')).toHaveText('共 4 例');
    await shot(page, testInfo, '18-subjects-unconfirmed');

    await page.getByRole('tab', { name: '入组进度' }).click();
    const progress = page.getByTestId('progress-table');
    await expect(progress.getByRole('row', { name: /中国医学科学院血液病医院/ })).toContainText('4');
    await expect(page.getByTestId('progress-chart').locator('svg').first()).toBeVisible();
    await shot(page, testInfo, '19-progress');

    await page.getByRole('tab', { name: '筛选表' }).click();
    await expect(page.getByTestId('screening-log')).toContainText('S01002');
    await shot(page, testInfo, '20-screening-log');
    await page.getByRole('tab', { name: '入选表' }).click();
    await expect(page.getByTestId('enrollment-log')).toContainText('01-004');
    await shot(page, testInfo, '21-enrollment-log');

    await page.getByRole('tab', { name: '鉴认代码表' }).click();
    await expect(page.getByTestId('identification-list')).toContainText('王小明');
    await expect(page.getByTestId('identification-list')).not.toContainText('S02001');
    await shot(page, testInfo, '22-identification');
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('menuitem', { name: '研究项目' })).toBeHidden();
    await shot(page, testInfo, '23-identification-print');
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('tab', { name: '受试者设置' }).click();
    const arms = page.getByTestId('setup-arms');
    await arms.getByRole('button', { name: '添加组别' }).click();
    await arms.getByLabel('代码').last().fill('a');
    await arms.getByLabel('名称').last().fill('重复的组别');
    await page.getByRole('button', { name: '保存设置' }).click();
    // the server's refusal lands on the row it concerns
    await expect(arms).toContainText('代码 a 重复');
    await shot(page, testInfo, '24-setup-duplicate');
    await arms.getByRole('button', { name: '删除' }).last().click();
    await page.getByRole('button', { name: '保存设置' }).click();
    await td.expectToast('受试者设置已保存');
  });

  await test.step('a monitor reads de-identified records: no personal fields, no identification list', async () => {
    const cra = await newUserPage(page, browser, app.url, MONITOR, 'monitor', ids.studyId);
    await openStudyTab(cra, STUDY.protocolNumber, '受试者');
    await expect(cra.getByTestId('subjects-total')).toHaveText('共 6 例');
    await expect(cra.getByRole('columnheader', { name: '姓名 · 病历号' })).toHaveCount(0);
    await expect(cra.getByRole('tab', { name: '鉴认代码表' })).toHaveCount(0);
    await expect(cra.getByRole('button', { name: '登记受试者' })).toHaveCount(0);
    await shot(cra, testInfo, '25-monitor-list');
    await cra.getByTestId('subjects-table').getByRole('link', { name: 'S01001', exact: true }).click();
    await expect(cra.getByRole('heading', { name: /S01001/ })).toBeVisible();
    await expect(cra.getByTestId('personal-fields')).toHaveCount(0);
    await expect(cra.getByText('王小明')).toHaveCount(0);
    await expect(cra.getByTestId('subject-actions')).toHaveCount(0);
    await shot(cra, testInfo, '26-monitor-subject');
    // the same page in English (the language is the workstation's: set last, as it changes every page)
    await api(cra, 'app.setLocale', { locale: 'en' });
    await cra.reload();
    await expect(cra.getByText('Timeline', { exact: true })).toBeVisible();
    await expect(cra.getByTestId('subject-status')).toHaveText('Enrolled');
    await shot(cra, testInfo, '27-monitor-subject-en');
    await cra.context().close();
  });

  await dr.context().close();
});
