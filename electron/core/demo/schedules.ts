/**
 * The demo studies' schedules of activities (issue 5): one realistic version per study from its phase and therapeutic
 * area — hematology cycles (21 or 28 days, D1/D8/D15 or D1/D15) anchored on the first dose, response assessments every
 * two cycles, end of treatment 28–30 days after the last cycle visit, follow-up every 84 days; weekly visits in ITP;
 * dosing periods in bioequivalence; visits every 4 weeks after marketing; long-term follow-up from enrollment — each
 * with an on-demand AE follow-up line. A protocol amendment gives a second version (version 2.0) that drops the day-8
 * visits and widens the follow-up windows, without moving any target (the subjects' course stays the same).
 * Pure: the lines go through the service's own checks (core/visits/schedule.ts checkLines), the course through the plan
 * rule (core/visits/plan.ts planVisits).
 */
import { visitDefinition, type VisitDefinition, type VisitDefinitionInput } from '../../api';
import type { StudyPhase, TherapeuticArea } from '../../api/contract';
import type { CodedItem } from '../../../db/schema/subjects';
import { dayNumber } from '../dates';
import { planVisits } from '../visits/plan';
import { checkLines } from '../visits/schedule';
import type { Rng } from './prng';

export interface DemoScheduleVersion {
  version: string;
  /** YYYY-MM-DD: the protocol version it follows took effect */
  effectiveDate: string;
  notes: string | null;
  /** as checkLines normalises them (what schedules.save stores) */
  visits: VisitDefinition[];
  /** the reason recorded with its creation */
  reason: string | null;
  /** when it was saved (ms) */
  at: number;
}

/** How a subject's course follows the schedule (the subjects planner times follow-up and completion by it). */
export interface DemoCourse {
  /** the screening visit (anchored on consent) */
  screening: string | null;
  /** the visit that ends treatment: the subject moves to follow-up on its day; null: no such visit */
  treatEnd: string | null;
  /** the last visit of the plan: the subject completes on its day */
  last: string | null;
  /** days from the first dose to the target of treatEnd (null without one) */
  treatDays: number | null;
  /** days from treatEnd (or, without one, from enrollment) to the target of the last visit; 0: none after treatEnd */
  followDays: number;
}

export interface DemoSchedule {
  versions: DemoScheduleVersion[];
  /** the amendment: the study's active subjects move to `versions[version]` from `fromDate` (schedules.moveSubjects) */
  move: { version: number; at: number; fromDate: string; reason: string } | null;
  course: DemoCourse;
}

type Lang = 'zh' | 'en';
type LineInput = Partial<VisitDefinitionInput> & Pick<VisitDefinitionInput, 'code' | 'name' | 'kind'>;
const line = (over: LineInput): VisitDefinition =>
  visitDefinition.parse({ anchor: 'first_dose', dayOffset: 0, windowBefore: 0, windowAfter: 0, ...over });

const NAMES = {
  SCR: { zh: '筛选期访视', en: 'Screening' },
  C: { zh: '治疗周期', en: 'Treatment cycle' },
  RA: { zh: '疗效评估（影像学）', en: 'Response assessment (imaging)' },
  PK: { zh: '药代动力学采样', en: 'PK sampling' },
  EOT: { zh: '治疗结束访视', en: 'End of treatment' },
  EOS: { zh: '研究结束访视', en: 'End of study' },
  FU: { zh: '生存随访', en: 'Survival follow-up' },
  W: { zh: '治疗期每周访视', en: 'Weekly treatment visit' },
  V: { zh: '治疗期访视', en: 'Treatment visit' },
  P: { zh: '给药周期', en: 'Dosing period' },
  BL: { zh: '基线访视', en: 'Baseline' },
  LFU: { zh: '长期随访', en: 'Long-term follow-up' },
  AEFU: { zh: '不良事件随访', en: 'AE follow-up' },
} as const satisfies Record<string, Record<Lang, string>>;

/** The on-demand line every demo schedule has: the coordinator adds it as an unscheduled visit when an AE needs it. */
export const AE_FOLLOW_UP = 'AEFU';

/** Version 1.0 of a study's schedule, and the course a subject follows through it. */
export function scheduleFor(
  f: { phase: StudyPhase; therapeuticArea: TherapeuticArea; title: string },
  arms: readonly CodedItem[],
  rng: Rng,
): { visits: VisitDefinition[]; course: DemoCourse } {
  const lang: Lang = /[\u4e00-\u9fff]/.test(f.title) ? 'zh' : 'en';
  const name = (code: keyof typeof NAMES) => NAMES[code][lang];
  const screening = line({
    code: 'SCR',
    name: name('SCR'),
    kind: 'once',
    anchor: 'consent',
    windowAfter: f.phase === 'BE' ? 21 : 28,
  });
  const eot = (anchorCode: string, dayOffset: number, windowBefore = 3, windowAfter = 7, code = 'EOT') =>
    line({
      code,
      name: name(code === 'EOS' ? 'EOS' : 'EOT'),
      kind: 'once',
      anchor: 'visit',
      anchorCode,
      dayOffset,
      windowBefore,
      windowAfter,
    });
  const followUp = (count: number) =>
    line({
      code: 'FU',
      name: name('FU'),
      kind: 'every',
      anchor: 'visit',
      anchorCode: 'EOT',
      dayOffset: 84,
      interval: 84,
      count,
      windowBefore: 7,
      windowAfter: 7,
    });
  const aeFollowUp = line({ code: AE_FOLLOW_UP, name: name('AEFU'), kind: 'on_demand' });

  let lines: VisitDefinition[];
  let codes: Pick<DemoCourse, 'treatEnd' | 'last'>;
  if (f.phase === 'BE') {
    // two dosing periods of 14 days (dose, next-day PK, day 8), end of study a week after the last period visit
    lines = [
      screening,
      line({
        code: 'P',
        name: name('P'),
        kind: 'cycles',
        cycleLength: 14,
        cycleCount: 2,
        cycleDays: [1, 2, 8],
        windowAfter: 1,
      }),
      eot('P', 7, 2, 3, 'EOS'),
      aeFollowUp,
    ];
    codes = { treatEnd: 'EOS', last: 'EOS' };
  } else if (f.phase === 'other') {
    // long-term follow-up of subjects treated in a parent study: baseline at enrollment, then every 3 or 6 months
    const interval = rng.pick([90, 180]);
    const count = rng.int(6, 12);
    lines = [
      screening,
      line({ code: 'BL', name: name('BL'), kind: 'once', anchor: 'enrollment', windowAfter: 14 }),
      line({
        code: 'LFU',
        name: name('LFU'),
        kind: 'every',
        anchor: 'enrollment',
        dayOffset: interval,
        interval,
        count,
        windowBefore: 14,
        windowAfter: 14,
      }),
      aeFollowUp,
    ];
    codes = { treatEnd: null, last: `LFU${count}` };
  } else if (f.phase === 'IV') {
    const count = rng.int(12, 24);
    lines = [
      screening,
      line({ code: 'V', name: name('V'), kind: 'every', interval: 28, count, windowBefore: 3, windowAfter: 3 }),
      eot('V', 28),
      aeFollowUp,
    ];
    codes = { treatEnd: 'EOT', last: 'EOT' };
  } else if (f.therapeuticArea === 'itp_bleeding') {
    // ITP: weekly visits (platelet counts) through a treatment period of 20–26 weeks, then follow-up
    const follow = rng.int(4, 8);
    lines = [
      screening,
      line({
        code: 'W',
        name: name('W'),
        kind: 'every',
        interval: 7,
        count: rng.int(20, 26),
        windowBefore: 1,
        windowAfter: 2,
      }),
      eot('W', 28),
      followUp(follow),
      aeFollowUp,
    ];
    codes = { treatEnd: 'EOT', last: `FU${follow}` };
  } else {
    // hematologic malignancies: treatment cycles from the first dose
    const myeloma = f.therapeuticArea === 'myeloma';
    const length = f.therapeuticArea === 'lymphoma' ? 21 : myeloma ? 28 : rng.pick([21, 28]);
    const cycleDays = myeloma || length === 21 || rng.chance(0.75) ? [1, 8, 15] : [1, 15];
    if (myeloma) cycleDays.push(22); // weekly dosing (e.g. an anti-CD38 antibody with a proteasome inhibitor)
    const cycleCount = myeloma ? rng.int(8, 12) : rng.int(5, 8);
    const [windowBefore, windowAfter] = length === 21 ? [1, 2] : [2, 2];
    const follow = rng.int(4, 8);
    lines = [
      screening,
      line({
        code: 'C',
        name: name('C'),
        kind: 'cycles',
        cycleLength: length,
        cycleCount,
        cycleDays,
        windowBefore,
        windowAfter,
      }),
    ];
    // imaging a week before every other cycle (myeloma: response from the day-1 labs, no separate visit)
    if (!myeloma && cycleCount >= 4)
      lines.push(
        line({
          code: 'RA',
          name: name('RA'),
          kind: 'every',
          dayOffset: 2 * length - 7,
          interval: 2 * length,
          count: Math.floor(cycleCount / 2),
          windowBefore: 7,
          windowAfter: 7,
        }),
      );
    // PK the day after the first dose: every dose level in phase I, the experimental arm of some phase III studies
    const experimental = arms.find((a) => a.code === 'A');
    if (f.phase === 'I' || (f.phase === 'III' && experimental && rng.chance(0.5)))
      lines.push(
        line({
          code: 'PK',
          name: name('PK'),
          kind: 'once',
          dayOffset: 1,
          windowAfter: 1,
          arms: f.phase === 'I' ? [] : ['A'],
        }),
      );
    lines.push(eot('C', rng.pick([28, 30])), followUp(follow), aeFollowUp);
    codes = { treatEnd: 'EOT', last: `FU${follow}` };
  }
  const visits = checkLines(
    lines,
    arms.map((a) => a.code),
  );
  return { visits, course: courseOf(visits, { screening: 'SCR', ...codes }) };
}

/** Days of the course from the plan rule itself: every anchor on one day, no arm (the course lines apply to all). */
function courseOf(lines: readonly VisitDefinition[], codes: Pick<DemoCourse, 'screening' | 'treatEnd' | 'last'>) {
  const day0 = '2000-01-01';
  const plan = planVisits(lines, { consent: day0, enrollment: day0, first_dose: day0 }, null).visits;
  const day = (code: string) => {
    const v = plan.find((p) => p.code === code);
    if (!v) throw new Error(`demo schedule: no visit ${code} in its own plan`);
    return dayNumber(v.targetDate) - dayNumber(day0);
  };
  const treatDays = codes.treatEnd ? day(codes.treatEnd) : null;
  const followDays = codes.last ? day(codes.last) - (treatDays ?? 0) : 0;
  return { ...codes, treatDays, followDays };
}

/**
 * The amended lines (version 2.0): no day-8 visit in cycles that keep a later day, wider windows for repeated visits.
 * No target moves, so the course is the same. Null when the amendment would change nothing.
 */
export function amendedLines(
  lines: readonly VisitDefinition[],
  arms: readonly CodedItem[],
  lang: Lang,
): { visits: VisitDefinition[]; notes: string } | null {
  const changes: string[] = [];
  const out = lines.map((l) => {
    if (l.kind === 'cycles' && l.cycleDays.includes(8) && Math.max(...l.cycleDays) > 8) {
      changes.push(lang === 'zh' ? `取消${l.name}第 8 天访视` : `day-8 visits of ${l.name} removed`);
      return { ...l, cycleDays: l.cycleDays.filter((d) => d !== 8) };
    }
    if (l.kind === 'every' && l.windowBefore < 14) {
      const before = Math.min(14, l.windowBefore * 2 || 1);
      const after = Math.min(14, l.windowAfter * 2 || 1);
      changes.push(
        lang === 'zh' ? `${l.name}窗口放宽至 −${before}/+${after} 天` : `${l.name} window −${before}/+${after} days`,
      );
      return { ...l, windowBefore: before, windowAfter: after };
    }
    return l;
  });
  if (changes.length === 0) return null;
  const visits = checkLines(
    out,
    arms.map((a) => a.code),
  );
  return { visits, notes: (lang === 'zh' ? '方案修订 V2.0：' : 'Protocol amendment V2.0: ') + changes.join('；') };
}
