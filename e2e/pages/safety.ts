/**
 * Helpers for the safety screens (issue 6): a study with enrolled subjects and AEs made by calls, NCI's CTCAE workbook
 * loaded by call, instants relative to now, and the SAE board's sections and rows.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { api } from './subjects';

/** NCI's CTCAE v5.0 workbook, from the shared data (never committed to the repository). */
export const CTCAE_WORKBOOK = path.resolve(
  import.meta.dirname,
  '../../../shared/data/ctcae/CTCAE_v5.0_2017-11-27.xlsx',
);

/** MedDRA codes of the CTCAE terms the tests use. */
export const CTCAE = {
  neutrophilCountDecreased: '10029366',
  febrileNeutropenia: '10016288',
  lungInfection: '10061229',
  nausea: '10028813',
  plateletCountDecreased: '10035528',
};

export const SAFETY_STUDY = {
  protocolNumber: 'HM-AML-2026-06',
  title: '维奈克拉联合阿扎胞苷治疗不适合强化疗的初治急性髓系白血病的多中心 III 期研究',
  shortTitle: 'AML 维奈克拉 + 阿扎胞苷',
  sponsor: '艾伯维医药贸易（上海）有限公司',
  phase: 'III',
  indication: '急性髓系白血病',
  therapeuticArea: 'leukemia_mds',
  sitePi: '王建国',
  protocolVersion: 'V1.0',
  protocolVersionDate: '2026-02-01',
  enrollmentTarget: 12,
};

/** Loads the CTCAE workbook through the app, as an administrator does in Settings. */
export async function loadCtcae(page: Page): Promise<void> {
  const base64 = readFileSync(CTCAE_WORKBOOK).toString('base64');
  const r = await api<{ terms: number }>(page, 'ctcae.load', { fileName: path.basename(CTCAE_WORKBOOK), base64 });
  expect(r.terms).toBe(837);
}

/** An instant `hours` before now (UTC ISO-8601). */
export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString();
}

export interface AeInput {
  verbatimTerm: string;
  ctcaeCode?: string | null;
  grade: number;
  startDate: string;
  endDate?: string | null;
  serious?: boolean;
  seriousCriteria?: string[];
  awarenessAt?: string | null;
  causality?: string | null;
  expected?: boolean | null;
  outcome?: string | null;
}

/** Records an AE by call (as the signed-in user of `page`); returns its id. */
export async function createAe(page: Page, subjectId: number, ae: AeInput): Promise<number> {
  const fields = {
    verbatimTerm: ae.verbatimTerm,
    ctcaeCode: ae.ctcaeCode ?? null,
    grade: ae.grade,
    startDate: ae.startDate,
    endDate: ae.endDate ?? null,
    ongoing: !ae.endDate,
    serious: ae.serious ?? false,
    seriousCriteria: ae.seriousCriteria ?? [],
    awarenessAt: ae.awarenessAt ?? null,
    causality: ae.causality ?? null,
    expected: ae.expected ?? null,
    outcome: ae.outcome ?? (ae.endDate ? 'RECOVERED/RESOLVED' : 'NOT RECOVERED/NOT RESOLVED'),
  };
  const view = await api<{ aes: { id: number; verbatimTerm: string }[] }>(page, 'aes.create', { subjectId, fields });
  const created = view.aes.filter((a) => a.verbatimTerm === ae.verbatimTerm).at(-1);
  if (!created) throw new Error(`aes.create did not return ${ae.verbatimTerm}`);
  return created.id;
}

/** The safety area from the menu (its name carries the overdue badge's number), on one of its tabs. */
export async function openSafety(page: Page, tab?: 'SAE 看板' | '待签署' | 'SUSAR 报告'): Promise<void> {
  await page.getByRole('menuitem', { name: /安全性/ }).click();
  await expect(page.getByRole('heading', { name: '安全性', exact: true })).toBeVisible();
  if (tab) await page.getByRole('tab', { name: tab, exact: true }).click();
}

/** The SAE board's section of open (unreported) SAEs, or of those reported recently. */
export function boardSection(page: Page, which: 'open' | 'recent'): Locator {
  return page.getByTestId(`sae-${which}`);
}

/** A row of a table, by a text it shows (a subject number, an AE term). */
export function rowWith(table: Locator, text: string): Locator {
  return table.locator('tbody tr.ant-table-row').filter({ hasText: text });
}
