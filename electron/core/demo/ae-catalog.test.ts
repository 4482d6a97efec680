/**
 * The demo's AE catalog against NCI's CTCAE v5.0 (the Clean Copy sheet as ../shared/data/ctcae/ctcae_v5_terms.json has
 * it, never in the repository): each term's MedDRA code, SOC and defined grades are NCI's. The seed itself never reads
 * the shared file; the planned AEs only use grades their term defines.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AE_TERMS, AREA_WEIGHTS, FATAL_TERMS, WITHDRAWAL_AES } from './ae-catalog';
import { planAes } from './aes';
import { planDemo } from './plan';

const TERMS_JSON = path.resolve(import.meta.dirname, '../../../../shared/data/ctcae/ctcae_v5_terms.json');
const hasTerms = existsSync(TERMS_JSON);
if (!hasTerms) console.warn(`ae-catalog.test: ${TERMS_JSON} is absent: the check against NCI's terms is skipped`);

interface NciTerm {
  meddra_code: string;
  meddra_soc: string;
  ctcae_term: string;
  grade_1: string;
  grade_2: string;
  grade_3: string;
  grade_4: string;
  grade_5: string;
}

describe('demo AE catalog', () => {
  it.skipIf(!hasTerms)('has NCI’s MedDRA code, SOC and defined grades for every term', () => {
    const nci = (JSON.parse(readFileSync(TERMS_JSON, 'utf8')) as { terms: NciTerm[] }).terms;
    expect(nci).toHaveLength(837);
    const byCode = new Map(nci.map((x) => [x.meddra_code, x]));
    const wrong: string[] = [];
    for (const t of AE_TERMS) {
      const n = byCode.get(t.code);
      const grades = n
        ? [n.grade_1, n.grade_2, n.grade_3, n.grade_4, n.grade_5].flatMap((g, i) => (g ? [i + 1] : []))
        : [];
      const actual = { code: t.code, term: n?.ctcae_term, soc: n?.meddra_soc, grades };
      const ours = { code: t.code, term: t.term, soc: t.soc, grades: [...t.grades] };
      if (JSON.stringify(actual) !== JSON.stringify(ours))
        wrong.push(`${JSON.stringify(ours)} ≠ NCI ${JSON.stringify(actual)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('draws only grades a term defines; deaths and withdrawals name terms of the catalog with that grade', () => {
    const names = new Set(AE_TERMS.map((t) => t.term));
    for (const t of AE_TERMS) {
      expect(new Set(AE_TERMS.filter((x) => x.code === t.code)).size, t.term).toBe(1);
      t.gradeWeights.forEach((w, i) => {
        if (w > 0) expect(t.grades, `${t.term} grade ${i + 1}`).toContain(i + 1);
      });
      expect(t.verbatim.length, t.term).toBeGreaterThan(0);
      expect(t.days[0]).toBeLessThanOrEqual(t.days[1]);
    }
    for (const list of Object.values(FATAL_TERMS))
      for (const name of list) expect(AE_TERMS.find((t) => t.term === name)?.grades, name).toContain(5);
    for (const { term, grade } of Object.values(WITHDRAWAL_AES))
      expect(AE_TERMS.find((t) => t.term === term)?.grades, term).toContain(grade);
    for (const weights of Object.values(AREA_WEIGHTS))
      for (const name of Object.keys(weights)) expect(names, name).toContain(name);
  });

  it('plans 2.5 AEs per subject, deterministically, each in a grade its term defines', () => {
    const plan = planDemo('small');
    const one = planAes(plan);
    const again = planAes(plan);
    expect(one.aes).toHaveLength(Math.round(2.5 * plan.subjects.length));
    expect(JSON.stringify(again)).toBe(JSON.stringify(one));
    const byCode = new Map(AE_TERMS.map((t) => [t.code, t]));
    for (const ae of one.aes) {
      const t = byCode.get(ae.final.ctcaeCode!)!;
      if (ae.final.grade !== null) expect(t.grades).toContain(ae.final.grade);
      expect(ae.final.soc).toBe(t.soc);
      expect(plan.subjects[ae.subject]!.consents.length).toBeGreaterThan(0);
    }
    for (let i = 1; i < one.events.length; i++) expect(one.events[i]!.at).toBeGreaterThanOrEqual(one.events[i - 1]!.at);
  });
});
