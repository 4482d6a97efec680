/**
 * The plan rule on its own: the CDISC pilot study's trial visits (TV domain of ../shared/data) and a hematology cycle
 * schedule, window math across month ends, year ends and 29 February, anchors on other visits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { visitDefinition } from '../../api';
import { CYCLE_SCHEDULE, line } from '../../testing/schedules';
import { checkLines } from './schedule';
import { planVisits } from './plan';

describe('the CDISC pilot schedule (TV domain)', () => {
  // STUDYID,DOMAIN,VISITNUM,VISIT,VISITDY,ARMCD,ARM,TVSTRL,TVENRL
  const rows = readFileSync(
    path.resolve(import.meta.dirname, '../../../../shared/data/cdiscpilot01-sample/tv.csv'),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => r.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')));
  // SDTM study days have no day 0: VISITDY 1 is the day of first dose, −1 the day before
  const lines = rows.map(([, , visitnum, visit, visitdy]) =>
    visitdy
      ? line({
          code: `V${visitnum}`,
          name: visit!,
          kind: 'once',
          anchor: 'first_dose',
          dayOffset: Number(visitdy) > 0 ? Number(visitdy) - 1 : Number(visitdy),
          windowBefore: 3,
          windowAfter: 3,
        })
      : line({ code: `V${visitnum}`, name: visit!, kind: 'on_demand' }),
  );

  it('holds all 21 visits, day −7 to day 182, and plans them from the first dose', () => {
    expect(rows).toHaveLength(21);
    const checked = checkLines(lines, []);
    const { visits, waiting } = planVisits(
      checked,
      { consent: null, enrollment: null, first_dose: '2026-03-01' },
      null,
    );
    expect(visits).toHaveLength(19); // 19 with a study day (RETRIEVAL 201 has one), 2 conditional
    expect(waiting.map((w) => w.code)).toEqual(['V101', 'V501']);
    expect(visits[0]).toMatchObject({ code: 'V1', name: 'SCREENING 1', targetDate: '2026-02-22' }); // day −7
    expect(visits.find((v) => v.code === 'V3')).toMatchObject({ name: 'BASELINE', targetDate: '2026-03-01' }); // day 1
    expect(visits.find((v) => v.code === 'V13')).toMatchObject({ name: 'WEEK 26', targetDate: '2026-08-29' }); // day 182
    // the retrieval visit (201) sits on day 168 like WEEK 24: two visits the same day, both kept
    expect(visits.filter((v) => v.targetDate === '2026-08-15').map((v) => v.code)).toEqual(['V12', 'V201']);
    expect(visits.map((v) => v.targetDate)).toEqual([...visits.map((v) => v.targetDate)].sort());
  });
});

describe('a 6-cycle 21-day D1/D8/D15 schedule with follow-up every 12 weeks', () => {
  const anchors = { consent: '2026-01-05', enrollment: '2026-01-20', first_dose: '2026-01-26' };

  it('plans 18 cycle visits, EOT 28 days after C6D15 and 8 follow-ups 84 days apart', () => {
    const { visits, waiting } = planVisits(checkLines(CYCLE_SCHEDULE, []), anchors, null);
    expect(waiting).toEqual([{ code: 'AEFU', why: 'on_demand' }]);
    const codes = visits.map((v) => v.code);
    expect(codes.slice(0, 4)).toEqual(['SCR', 'C1D1', 'C1D8', 'C1D15']);
    expect(codes.filter((c) => c.startsWith('C') && c !== 'SCR')).toHaveLength(18);
    expect(visits.find((v) => v.code === 'C1D8')).toMatchObject({
      cycle: 1,
      cycleDay: 8,
      targetDate: '2026-02-02',
      windowStart: '2026-02-01',
      windowEnd: '2026-02-04',
    });
    // C6D1 = first dose + 5 × 21 days
    expect(visits.find((v) => v.code === 'C6D1')?.targetDate).toBe('2026-05-11');
    expect(visits.find((v) => v.code === 'C6D15')?.targetDate).toBe('2026-05-25');
    expect(visits.find((v) => v.code === 'EOT')?.targetDate).toBe('2026-06-22');
    const fu = visits.filter((v) => v.code.startsWith('FU'));
    expect(fu.map((v) => v.targetDate)).toEqual([
      '2026-09-14',
      '2026-12-07',
      '2027-03-01',
      '2027-05-24',
      '2027-08-16',
      '2027-11-08',
      '2028-01-31',
      '2028-04-24',
    ]);
    expect(visits).toHaveLength(1 + 18 + 1 + 8);
  });

  it('waits for the first dose before planning treatment visits', () => {
    const { visits, waiting } = planVisits(CYCLE_SCHEDULE, { ...anchors, first_dose: null }, null);
    expect(visits.map((v) => v.code)).toEqual(['SCR']);
    expect(waiting.map((w) => w.why)).toEqual(['anchor_unknown', 'anchor_unknown', 'anchor_unknown', 'on_demand']);
  });

  it('counts a visit-anchored line from the actual date once its anchor visit is done', () => {
    const actual = new Map([['C6D15', '2026-05-29']]);
    const { visits } = planVisits(CYCLE_SCHEDULE, anchors, null, actual);
    expect(visits.find((v) => v.code === 'EOT')?.targetDate).toBe('2026-06-26');
    expect(visits.find((v) => v.code === 'FU1')?.targetDate).toBe('2026-09-18');
  });

  it('plans arm-specific lines only for their arm', () => {
    const lines = [...CYCLE_SCHEDULE, line({ code: 'PK', name: '药代', kind: 'once', dayOffset: 1, arms: ['A'] })];
    expect(planVisits(lines, anchors, 'A').visits.some((v) => v.code === 'PK')).toBe(true);
    const b = planVisits(lines, anchors, 'B');
    expect(b.visits.some((v) => v.code === 'PK')).toBe(false);
    expect(b.waiting).toContainEqual({ code: 'PK', why: 'other_arm' });
  });
});

describe('window math', () => {
  const one = (dayOffset: number, windowBefore: number, windowAfter: number, first_dose: string) =>
    planVisits(
      [line({ code: 'V', name: 'V', kind: 'once', dayOffset, windowBefore, windowAfter })],
      { consent: null, enrollment: null, first_dose },
      null,
    ).visits[0];

  it('crosses month ends, year ends and leap days exactly', () => {
    expect(one(1, 1, 1, '2024-01-30')).toMatchObject({
      targetDate: '2024-01-31',
      windowStart: '2024-01-30',
      windowEnd: '2024-02-01',
    });
    expect(one(28, 0, 1, '2024-02-01')).toMatchObject({ targetDate: '2024-02-29', windowEnd: '2024-03-01' });
    expect(one(28, 0, 1, '2025-02-01')).toMatchObject({ targetDate: '2025-03-01', windowEnd: '2025-03-02' });
    expect(one(1, 3, 3, '2026-12-31')).toMatchObject({
      targetDate: '2027-01-01',
      windowStart: '2026-12-29',
      windowEnd: '2027-01-04',
    });
    expect(one(-1, 2, 0, '2024-03-01')).toMatchObject({ targetDate: '2024-02-29', windowStart: '2024-02-27' });
    expect(one(365, 0, 0, '2024-02-29')?.targetDate).toBe('2025-02-28');
    expect(one(366, 0, 0, '2024-02-29')?.targetDate).toBe('2025-03-01');
  });

  it('is the same in any time zone of the workstation', () => {
    // day arithmetic is on UTC day numbers: no daylight-saving day of 23 or 25 hours
    expect(one(1, 0, 0, '2026-03-28')?.targetDate).toBe('2026-03-29');
    expect(one(1, 0, 0, '2026-10-24')?.targetDate).toBe('2026-10-25');
  });
});

describe('schedule checks', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as { error: { field?: string; messageKey: string } }).error;
    }
    return null;
  };

  it('refuses cycles without length, anchor loops, unknown anchors and colliding codes, on the line concerned', () => {
    expect(
      codeOf(() => checkLines([line({ code: 'C', name: 'C', kind: 'cycles', cycleCount: 2, cycleDays: [1] })], [])),
    ).toMatchObject({ field: 'visits.0.cycleLength', messageKey: 'visits.cycleLengthRequired' });
    const loop = [
      line({ code: 'A', name: 'A', kind: 'once', anchor: 'visit', anchorCode: 'B', dayOffset: 1 }),
      line({ code: 'B', name: 'B', kind: 'once', anchor: 'visit', anchorCode: 'A', dayOffset: 1 }),
    ];
    expect(codeOf(() => checkLines(loop, []))).toMatchObject({
      field: 'visits.0.anchorCode',
      messageKey: 'visits.anchorLoop',
    });
    expect(
      codeOf(() =>
        checkLines([line({ code: 'A', name: 'A', kind: 'once', anchor: 'visit', anchorCode: 'X', dayOffset: 1 })], []),
      ),
    ).toMatchObject({ field: 'visits.0.anchorCode', messageKey: 'visits.anchorUnknown' });
    const collide = [
      line({ code: 'C', name: 'C', kind: 'cycles', cycleLength: 21, cycleCount: 2, cycleDays: [1] }),
      line({ code: 'C1D1', name: 'x', kind: 'once', dayOffset: 3 }),
    ];
    expect(codeOf(() => checkLines(collide, []))).toMatchObject({ messageKey: 'visits.duplicateCode' });
    expect(
      codeOf(() =>
        checkLines([line({ code: 'C', name: 'C', kind: 'cycles', cycleLength: 7, cycleCount: 2, cycleDays: [8] })], []),
      ),
    ).toMatchObject({ field: 'visits.0.cycleDays', messageKey: 'visits.cycleDayBeyondLength' });
    expect(codeOf(() => checkLines([line({ code: 'P', name: 'P', kind: 'once', arms: ['Z'] })], ['A']))).toMatchObject({
      field: 'visits.0.arms',
      messageKey: 'visits.unknownArm',
    });
    expect(checkLines(CYCLE_SCHEDULE, [])).toHaveLength(5);
  });

  it('refuses a negative window in the contract itself', () => {
    const r = visitDefinition.safeParse({
      code: 'V',
      name: 'V',
      kind: 'once',
      anchor: 'consent',
      dayOffset: 0,
      windowBefore: -1,
      windowAfter: 0,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['windowBefore'], message: 'validation.windowNegative' });
  });
});
