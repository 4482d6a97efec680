import { describe, expect, it } from 'vitest';
import { centerFields, studyFields, studyStatuses, therapeuticAreas } from '../../api/contract';
import { DEMO_BASE_DATE, planDemo } from './plan';
import { createRng } from './prng';

describe('the seeded generator', () => {
  it('gives the same numbers for the same seed, others for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seq = (r: typeof a) => Array.from({ length: 20 }, () => r.next());
    const sa = seq(a);
    expect(sa).toEqual(seq(b));
    expect(sa).not.toEqual(seq(c));
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('the demo plan', () => {
  it('is the same every time', () => {
    expect(planDemo('small')).toEqual(planDemo('small'));
    expect(JSON.stringify(planDemo('large'))).toBe(JSON.stringify(planDemo('large')));
  });

  it('small: 8 studies covering every status and therapeutic area, 2–8 centers each', () => {
    const plan = planDemo('small');
    expect(plan.studies).toHaveLength(8);
    for (const s of plan.studies) expect(s.centers.length).toBeGreaterThanOrEqual(2);
    for (const s of plan.studies) expect(s.centers.length).toBeLessThanOrEqual(8);
    const finals = finalStatuses(plan);
    expect(new Set(finals)).toEqual(new Set(studyStatuses));
    expect(new Set(plan.studies.map((s) => s.fields.therapeuticArea))).toEqual(new Set(therapeuticAreas));
  });

  it('large: exactly 300 studies and 1,500 centers', () => {
    const plan = planDemo('large');
    expect(plan.studies).toHaveLength(300);
    expect(plan.studies.reduce((n, s) => n + s.centers.length, 0)).toBe(1500);
    const finals = finalStatuses(plan);
    for (const status of studyStatuses) expect(finals).toContain(status);
  });

  it('keeps the rules of the services: valid fields, unique protocol numbers, one lead and one own center', () => {
    for (const scale of ['small', 'large'] as const) {
      const plan = planDemo(scale);
      const protocols = plan.studies.map((s) => s.fields.protocolNumber.toLowerCase());
      expect(new Set(protocols).size).toBe(protocols.length);
      for (const s of plan.studies) {
        expect(studyFields.parse(s.fields)).toEqual(s.fields);
        expect(s.centers.filter((c) => c.isLead)).toHaveLength(1);
        const own = s.centers.filter((c) => c.isOwn);
        expect(own).toHaveLength(1);
        expect(own[0]!.pi).toBe(s.fields.sitePi);
        const codes = s.centers.map((c) => c.code);
        expect(codes).toEqual(codes.map((_, i) => String(i + 1).padStart(2, '0')));
        expect(s.centers[0]!.isLead).toBe(true);
        for (const c of s.centers) {
          expect(centerFields.parse(c)).toEqual(c);
          if (c.hardCap !== null) expect(c.hardCap).toBeGreaterThanOrEqual(c.enrollmentTarget!);
        }
      }
    }
  });

  it('dates every event on or before the base date, in order, with each record created before it changes', () => {
    const plan = planDemo('large');
    const limit = Date.parse(`${DEMO_BASE_DATE}T23:59:59.999Z`);
    const seen = new Set<string>();
    let prev = plan.setupAt;
    for (const e of plan.events) {
      expect(e.at).toBeGreaterThan(plan.setupAt);
      expect(e.at).toBeGreaterThanOrEqual(prev);
      expect(e.at).toBeLessThanOrEqual(limit);
      prev = e.at;
      const key = e.kind.startsWith('center') && 'center' in e ? `c${e.study}.${e.center}` : `s${e.study}`;
      if (e.kind.endsWith('.create')) seen.add(key);
      else expect(seen.has(key)).toBe(true);
      if (e.kind === 'center.create') expect(seen.has(`s${e.study}`)).toBe(true);
    }
  });

  it('writes hematology studies in Chinese and English with registry numbers', () => {
    const plan = planDemo('large');
    const titles = plan.studies.map((s) => s.fields.title);
    expect(titles.some((t) => /^一项评估.+III期临床研究$/.test(t))).toBe(true);
    expect(titles.some((t) => /^A Randomized, Open-label, Multicenter Phase 3 Study/.test(t))).toBe(true);
    const regs = plan.studies.map((s) => s.fields.registrationNumber).filter((r) => r !== null);
    expect(regs.some((r) => /^CTR\d{8}$/.test(r))).toBe(true);
    expect(regs.some((r) => /^NCT\d{8}$/.test(r))).toBe(true);
    expect(plan.studies.some((s) => /^HR-[A-Z]{4}-III-\d{2}$/.test(s.fields.protocolNumber))).toBe(true);
    expect(new Set(plan.studies.map((s) => s.fields.sponsor))).toContain('恒瑞医药');
  });
});

function finalStatuses(plan: ReturnType<typeof planDemo>): string[] {
  const status = plan.studies.map(() => 'planning');
  for (const e of plan.events) if (e.kind === 'study.status') status[e.study] = e.to;
  return status;
}
