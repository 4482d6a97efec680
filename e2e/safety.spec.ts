/**
 * The safety area through the UI on a real browser-mode host (issue 6): a study with three enrolled subjects and six
 * AEs recorded by calls (CTCAE terms from NCI's workbook, one verbatim term; an SAE the investigator learnt of 2 hours
 * ago and a SUSAR 30 hours ago). The SAE board counts down live and shows the overdue one in red; it is reported from
 * the board (late). The investigator batch-signs three AEs with one password (a wrong one first: refused, nothing
 * signed); an edit invalidates one signature. The study's AE tab: the filters change the rows, the counts by SOC and
 * grade match what was recorded, the chart is drawn. A SUSAR report is logged, read by the investigator and submitted
 * to the ethics committee. Then the host restarts 2 days later and the SAE that was due is overdue.
 */
import { expect, test } from './fixtures';
import { shot } from './pages/calls';
import { CTCAE, SAFETY_STUDY, boardSection, createAe, hoursAgo, loadCtcae, openSafety, rowWith } from './pages/safety';
import { api, daysAgo, newUserPage, openStudyTab } from './pages/subjects';
import { TrialDesk } from './pages/trialdesk';
import { enrolledSubject, setUpVisitStudy, signIn, type VisitIds } from './pages/visits';

const ADMIN = { username: 'lihua', displayName: '李华', password: 'Hematology#2024' };
const INVESTIGATOR = {
  username: 'wangjg',
  displayName: '王建国',
  temporary: 'Temp#Pass2024',
  password: 'Leukemia#2024',
};
const DAY = 86_400_000;

test.use({ actionTimeout: 20_000 });

test('safety: SAE board countdowns, report late, batch sign-off, AE listing and counts, SUSAR log, clock ahead', async ({
  app,
  page,
  browser,
}, testInfo) => {
  // about 2 minutes on an idle machine; the margin is for a busy one
  test.setTimeout(420_000);
  const td = new TrialDesk(page);
  let ids: VisitIds = { studyId: 0, centerId: 0, consentVersionId: 0 };
  const ae: Record<string, number> = {};
  let inv = page;

  await test.step('set-up: study, three subjects, the investigator, the CTCAE dictionary, six AEs', async () => {
    await td.setUpAdministrator(app.url, ADMIN);
    ids = await setUpVisitStudy(page, { study: SAFETY_STUDY, criterion: '经骨髓形态学确诊的初治急性髓系白血病' });
    const subject = async (n: number) =>
      enrolledSubject(page, ids, {
        screeningNumber: `S0100${n}`,
        subjectNumber: `01-00${n}`,
        initials: ['ZL', 'QF', 'SW'][n - 1]!,
        name: ['赵磊', '钱芳', '孙伟'][n - 1]!,
        consent: daysAgo(40),
        enrolled: daysAgo(30),
      });
    const [s1, s2, s3] = [await subject(1), await subject(2), await subject(3)];
    await loadCtcae(page);
    inv = await newUserPage(page, browser, app.url, INVESTIGATOR, 'investigator', ids.studyId);
    // the investigator records (causality and expectedness are the investigator's)
    ae.neutropenia = await createAe(inv, s1, {
      verbatimTerm: '中性粒细胞计数降低',
      ctcaeCode: CTCAE.neutrophilCountDecreased,
      grade: 3,
      startDate: daysAgo(20),
      endDate: daysAgo(12),
      causality: 'probably',
      expected: true,
    });
    ae.febrile = await createAe(inv, s1, {
      verbatimTerm: '发热性中性粒细胞减少症',
      ctcaeCode: CTCAE.febrileNeutropenia,
      grade: 3,
      startDate: daysAgo(2),
      serious: true,
      seriousCriteria: ['hospitalisation'],
      awarenessAt: hoursAgo(2),
      causality: 'possibly',
      expected: true,
    });
    ae.lung = await createAe(inv, s2, {
      verbatimTerm: '肺部感染',
      ctcaeCode: CTCAE.lungInfection,
      grade: 4,
      startDate: daysAgo(3),
      serious: true,
      seriousCriteria: ['hospitalisation', 'life_threatening'],
      awarenessAt: hoursAgo(30),
      causality: 'probably',
      expected: false,
    });
    ae.platelets = await createAe(inv, s3, {
      verbatimTerm: '血小板计数降低',
      ctcaeCode: CTCAE.plateletCountDecreased,
      grade: 2,
      startDate: daysAgo(10),
      endDate: daysAgo(5),
      causality: 'unlikely',
      expected: true,
    });
    ae.fatigue = await createAe(inv, s3, {
      verbatimTerm: '乏力',
      grade: 1,
      startDate: daysAgo(8),
      causality: 'not_related',
      expected: true,
    });
    // the coordinator's part only: not yet assessed by the investigator
    ae.nausea = await createAe(page, s2, {
      verbatimTerm: '恶心',
      ctcaeCode: CTCAE.nausea,
      grade: 1,
      startDate: daysAgo(6),
    });
    await page.reload();
  });

  await test.step('the SAE board: live countdown, the overdue SAE in red, the menu badge', async () => {
    await openSafety(page, 'SAE 看板');
    const open = boardSection(page, 'open');
    await expect(open.locator('tbody tr.ant-table-row')).toHaveCount(2);
    // by due time: the SAE the investigator learnt of 30 hours ago first
    await expect(open.locator('tbody tr.ant-table-row').first()).toContainText('Lung infection');
    const lung = rowWith(open, 'Lung infection');
    await expect(lung.getByTestId('sae-state')).toHaveText('已超时');
    await expect(lung.getByTestId('sae-countdown')).toContainText('已超时 6 小时');
    await expect(lung.getByTestId('ae-susar')).toBeVisible();
    await expect(lung).toHaveCSS('background-color', 'rgb(255, 241, 240)');
    const febrile = rowWith(open, 'Febrile neutropenia');
    await expect(febrile.getByTestId('sae-state')).toHaveText('待报告');
    const countdown = febrile.getByTestId('sae-countdown');
    await expect(countdown).toHaveText(/^2[01]:\d\d:\d\d$/);
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first ?? '', { timeout: 5_000 });
    await expect(page.getByTestId('sae-overdue-badge')).toHaveText('1');
    await shot(page, testInfo, '01-sae-board');
  });

  await test.step('the overdue SAE reported from the board: reported late', async () => {
    const open = boardSection(page, 'open');
    await rowWith(open, 'Lung infection').getByTestId('sae-report').click();
    // the AE screens' report dialog: sent now, by email
    const modal = td.dialog('首次报告 SAE — AE-01');
    await expect(modal).toContainText('研究者获知后 24 小时内');
    await td.fill('接收方', '申办者药物警戒部 pv@sponsor.example', modal);
    await shot(page, testInfo, '02-report-modal');
    await modal.getByRole('button', { name: '保存' }).click();
    await td.expectToast('SAE 首次报告已记录：迟报');
    await expect(open.locator('tbody tr.ant-table-row')).toHaveCount(1);
    const reported = rowWith(boardSection(page, 'recent'), 'Lung infection');
    await expect(reported.getByTestId('sae-state')).toHaveText('迟报');
    await expect(reported.getByTestId('sae-follow-ups')).toHaveText('0 次');
    await expect(page.getByTestId('sae-overdue-badge')).toHaveCount(0);
  });

  await test.step('the sign-off queue as investigator: a wrong password signs nothing; three AEs signed at once', async () => {
    await inv.reload();
    await openSafety(inv, '待签署');
    const table = inv.getByTestId('signoff-table');
    await expect(table.locator('tbody tr.ant-table-row')).toHaveCount(6);
    // not yet assessed: no checkbox to tick, and why
    const nausea = rowWith(table, '恶心');
    await expect(nausea.getByTestId('signoff-not-assessable')).toHaveText('待评估');
    await expect(nausea.getByRole('checkbox')).toBeDisabled();
    for (const term of ['中性粒细胞计数降低', '血小板计数降低', '乏力'])
      await rowWith(table, term).getByRole('checkbox').check();
    await expect(inv.getByTestId('signoff-selected')).toHaveText('已选 3 条');
    await inv.getByTestId('signoff-sign').click();
    const modal = inv.getByRole('dialog', { name: '电子签名 — 不良事件已评估' });
    await expect(modal).toContainText('不良事件已评估');
    await expect(modal.getByTestId('sign-statement')).toContainText('以下 3 条不良事件');
    await modal.getByLabel('密码', { exact: true }).fill('Wrong#Pass2024');
    await modal.getByRole('button', { name: '确认签名' }).click();
    await expect(new TrialDesk(inv).fieldError('密码', modal)).toContainText('密码不正确');
    const queue = await api<unknown[]>(inv, 'aes.signOffQueue', { studyId: ids.studyId });
    expect(queue).toHaveLength(6);
    await shot(inv, testInfo, '03-sign-off-wrong-password');
    await modal.getByLabel('密码', { exact: true }).fill(INVESTIGATOR.password);
    await modal.getByRole('button', { name: '确认签名' }).click();
    await new TrialDesk(inv).expectToast('已签署 3 条');
    await expect(table.locator('tbody tr.ant-table-row')).toHaveCount(3);
    for (const term of ['中性粒细胞计数降低', '血小板计数降低', '乏力'])
      await expect(rowWith(table, term)).toHaveCount(0);
  });

  await test.step('an edit after signing invalidates the signature: back in the queue', async () => {
    const current = await api<Record<string, unknown>>(inv, 'aes.get', { id: ae.platelets });
    await api(inv, 'aes.update', {
      id: ae.platelets,
      changeReason: '补记针对该事件的治疗',
      fields: {
        verbatimTerm: current.verbatimTerm,
        ctcaeCode: current.ctcaeCode,
        grade: current.grade,
        startDate: current.startDate,
        endDate: current.endDate,
        ongoing: current.ongoing,
        serious: current.serious,
        seriousCriteria: current.seriousCriteria,
        awarenessAt: null,
        causality: current.causality,
        expected: current.expected,
        outcome: current.outcome,
        treatment: '输注单采血小板 1 治疗量',
      },
    });
    await inv.reload();
    const table = inv.getByTestId('signoff-table');
    await expect(table.locator('tbody tr.ant-table-row')).toHaveCount(4);
    await expect(rowWith(table, '血小板计数降低').getByTestId('signoff-invalidated')).toHaveText('签名已失效');
    await shot(inv, testInfo, '04-sign-off-queue');
  });

  await test.step("the study's AE tab: filters, counts by SOC and grade, chart, safety settings", async () => {
    await openStudyTab(page, SAFETY_STUDY.protocolNumber, '不良事件');
    const table = page.getByTestId('aes-table');
    const rows = table.locator('tbody tr.ant-table-row');
    await expect(page.getByTestId('aes-total')).toHaveText('共 6 条', { timeout: 30_000 });
    await expect(rows).toHaveCount(6);
    const filters = page.getByTestId('ae-filters');
    // a toggle (the filters live in the address: the box is ticked once the address has changed)
    const toggle = async (name: string, on: boolean) => {
      const box = filters.getByRole('checkbox', { name });
      await box.click();
      await expect(box).toBeChecked({ checked: on });
    };
    const filterRows = async (name: string, count: number) => {
      await toggle(name, true);
      await expect(page.getByTestId('aes-total')).toHaveText(`共 ${count} 条`);
      await expect(rows).toHaveCount(count);
      await toggle(name, false);
      await expect(rows).toHaveCount(6);
    };
    await filterRows('3 级及以上', 3);
    await filterRows('严重', 2);
    await filterRows('相关', 3);
    // signed: neutropenia and fatigue; the platelets' signature was invalidated
    await filterRows('未签署', 4);
    await toggle('严重', true);
    await expect(rows).toHaveCount(2);
    await expect(rowWith(table, '肺部感染').getByTestId('ae-sae-state')).toHaveText('迟报');
    await expect(rowWith(table, '发热性中性粒细胞减少症').getByTestId('ae-sae-state')).toHaveText('待报告');
    await toggle('严重', false);
    await page.getByLabel('搜索 AE 术语或受试者编号').fill('01-003');
    await expect(page.getByTestId('aes-total')).toHaveText('共 2 条');
    await page.getByLabel('搜索 AE 术语或受试者编号').fill('');
    await expect(rows).toHaveCount(6);

    // counts: columns 1 级 … 5 级, 合计例次, 受试者数 (every AE here has a grade: no "未分级" column)
    const counts = page.getByTestId('ae-counts-table');
    await expect(counts.locator('thead th')).toHaveText([
      '系统器官分类（SOC）',
      '1 级',
      '2 级',
      '3 级',
      '4 级',
      '5 级',
      '合计例次',
      '受试者数',
    ]);
    const cells = (soc: string) => rowWith(counts, soc).locator('td');
    await expect(cells('Investigations')).toHaveText(['Investigations', '', '1', '1', '', '', '2', '2']);
    await expect(cells('Infections and infestations')).toHaveText([
      'Infections and infestations',
      '',
      '',
      '',
      '1',
      '',
      '1',
      '1',
    ]);
    await expect(cells('Blood and lymphatic system disorders')).toHaveText([
      'Blood and lymphatic system disorders',
      '',
      '',
      '1',
      '',
      '',
      '1',
      '1',
    ]);
    await expect(cells('Gastrointestinal disorders')).toHaveText([
      'Gastrointestinal disorders',
      '1',
      '',
      '',
      '',
      '',
      '1',
      '1',
    ]);
    await expect(cells('未编码')).toHaveText(['未编码（原始术语）', '1', '', '', '', '', '1', '1']);
    await expect(page.getByTestId('ae-counts-totals').locator('td')).toHaveText([
      '合计',
      '2',
      '1',
      '2',
      '1',
      '',
      '6',
      '3',
    ]);
    const chart = page.getByTestId('ae-counts-chart');
    await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(chart).toContainText('Blood and lymphatic system disorders');

    // the severity scale is fixed now that AEs exist
    const settings = page.getByTestId('safety-settings');
    await expect(settings).toContainText('本研究已有 6 条不良事件，分级方式不能再更改');
    await expect(settings.getByRole('radio', { name: /AESEV/ })).toBeDisabled();
    await expect(settings.getByLabel('SAE 报告时限（小时）')).toHaveValue('24');
    await shot(page, testInfo, '05-study-aes-listing-counts');

    // a row opens the subject's page
    await rowWith(table, '肺部感染').getByRole('link', { name: '01-002' }).click();
    await expect(page).toHaveURL(/\/studies\/\d+\/subjects\/\d+\?tab=aes/);
    await expect(page.getByRole('heading', { name: /S01002/ })).toBeVisible();
  });

  await test.step('SUSAR log: logged, read by the investigator, submitted to the ethics committee', async () => {
    await openSafety(page);
    await page.getByTestId('safety-study').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: SAFETY_STUDY.protocolNumber })
      .click();
    await page.getByRole('tab', { name: 'SUSAR 报告', exact: true }).click();
    await page.getByRole('button', { name: '登记 SUSAR 报告' }).click();
    const create = td.dialog('登记 SUSAR 报告');
    await td.fill('申办者报告编号', 'ABV-SUSAR-2026-0031', create);
    await td.date('接收日期', daysAgo(1), create);
    await td.fill('事件术语', '间质性肺病', create);
    await td.fill('报告类型', '首次报告', create);
    await create.getByLabel('致死或危及生命').check();
    await create.getByRole('button', { name: '保存' }).click();
    await td.expectToast('已登记 SUSAR 报告 ABV-SUSAR-2026-0031');
    const susars = page.getByTestId('susar-table');
    const row = rowWith(susars, 'ABV-SUSAR-2026-0031');
    await expect(row.getByTestId('susar-pending-ethics')).toHaveText('待递交伦理');
    await expect(row).toContainText('待研究者阅知');

    // the investigator reads it
    await inv.goto(`${new URL(app.url).origin}/#/safety?study=${ids.studyId}&tab=susars`);
    const invRow = rowWith(inv.getByTestId('susar-table'), 'ABV-SUSAR-2026-0031');
    await invRow.getByTestId('susar-acknowledge').click();
    await new TrialDesk(inv).expectToast('已记录研究者阅知');
    await expect(invRow.getByTestId('susar-acknowledged')).toContainText('王建国');

    // the date it went to the ethics committee: an edit, with its reason
    await page.reload();
    await row.getByRole('button', { name: /编辑/ }).click();
    const edit = td.dialog('修改 SUSAR 报告：ABV-SUSAR-2026-0031');
    await td.date('伦理委员会递交日期', daysAgo(0), edit);
    await edit.getByRole('button', { name: '保存' }).click();
    await expect(td.fieldError('修改原因', edit)).not.toHaveCount(0);
    await td.fill('修改原因', '已递交伦理委员会', edit);
    await edit.getByRole('button', { name: '保存' }).click();
    await td.expectToast('SUSAR 报告已保存');
    await expect(row.getByTestId('susar-pending-ethics')).toHaveCount(0);
    await expect(row).toContainText(daysAgo(0));
    await expect(row.getByTestId('susar-acknowledged')).toContainText('王建国');
    await shot(page, testInfo, '06-susar-log');
    await inv.context().close();
  });

  await test.step('2 days later: the SAE that was due is overdue on the board', async () => {
    const url = await app.restart(undefined, { clockOffsetDays: 2 });
    await page.clock.install({ time: new Date(Date.now() + 2 * DAY) });
    await page.goto(url);
    await signIn(td, ADMIN);
    await expect(page.getByTestId('sae-overdue-badge')).toHaveText('1');
    await openSafety(page, 'SAE 看板');
    const febrile = rowWith(boardSection(page, 'open'), 'Febrile neutropenia');
    await expect(febrile.getByTestId('sae-state')).toHaveText('已超时');
    // aware 2 hours before the restart, due 24 hours later: 48 − 22 = 26 hours overdue
    await expect(febrile.getByTestId('sae-countdown')).toContainText(/已超时 2[56] 小时/);
    await expect(rowWith(boardSection(page, 'recent'), 'Lung infection').getByTestId('sae-state')).toHaveText('迟报');
    await shot(page, testInfo, '07-sae-board-2-days-later');
  });
});
