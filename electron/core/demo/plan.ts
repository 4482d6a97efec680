/**
 * Plans the demo data: studies, their centers, and the dated history that led to their present state (creation, ethics
 * approval, protocol amendment, status changes, center activation and closure), then their subjects (subjects.ts), all
 * from seeded generators and a fixed "today", so that the same scale always gives the same data. Pure: no database here
 * (see seed.ts).
 */
import { type z } from 'zod';
import {
  centerFields,
  studyFields,
  type CenterStatus,
  type StudyPhase,
  type StudyStatus,
  type TherapeuticArea,
} from '../../api/contract';
import {
  HOSPITALS,
  HR_TAGS,
  INDICATIONS,
  MARKETED,
  OWN_HOSPITAL,
  GIVEN_NAMES,
  REASONS,
  SPONSORS,
  SURNAMES,
  type Hospital,
  type Indication,
  type Sponsor,
} from './catalog';
import { createRng, type Rng } from './prng';
import { amendedLines, type DemoSchedule } from './schedules';
import { planSubjects, type DemoConsentVersion, type DemoSetup, type DemoSubject, type SubjectEvent } from './subjects';

export type { DemoConsent, DemoConsentVersion, DemoSetup, DemoSubject, SubjectEvent, SubjectStep } from './subjects';
export type { DemoCourse, DemoSchedule, DemoScheduleVersion } from './schedules';

export type DemoScale = 'small' | 'large';
export const DEMO_SCALES: readonly DemoScale[] = ['small', 'large'];

/** The demo's "today": every event happens on or before this date. */
export const DEMO_BASE_DATE = '2026-01-05';

export const SCALE_SIZES: Record<DemoScale, { studies: number; centers: number | null; seed: number }> = {
  small: { studies: 8, centers: null, seed: 20260105 },
  large: { studies: 300, centers: 1500, seed: 20260106 },
};

export type DemoStudyFields = z.output<typeof studyFields>;
export type DemoCenterFields = z.output<typeof centerFields>;
type StudyInput = z.input<typeof studyFields>;
type CenterInput = z.input<typeof centerFields>;

export interface DemoStudy {
  fields: DemoStudyFields;
  centers: DemoCenterFields[];
  /** the subject set-up (numbering patterns, arms, criteria, screen-failure reasons) */
  setup: DemoSetup;
  /** consent versions in the order approved; the last one is current */
  consentVersions: DemoConsentVersion[];
  /** the schedule of activities: version 1.0, and 2.0 after a protocol amendment (issue 5) */
  schedule: DemoSchedule;
}

/**
 * One dated change, in the order the seeder applies them. `study`, `center`, `subject` index the plan's arrays. The
 * subjects' visits are not events of the plan: the seeder simulates them per subject (visits.ts) as its steps come.
 */
export type DemoEvent = StudyEvent | SubjectEvent | ScheduleEvent;
/** a schedule version saved (schedules.save); the official holidays of a year loaded (holidays.loadOfficial) */
export type ScheduleEvent = { at: number } & (
  { kind: 'scheduleVersion.create'; study: number; version: number } | { kind: 'holidayList.load'; year: number }
);
/** The year of the official holiday list the demo loads (db/reference/holidays-cn.json), and when it was published. */
export const DEMO_HOLIDAY_YEAR = 2026;
const HOLIDAYS_PUBLISHED = '2025-11-04';
type StudyEvent = { at: number } & (
  | { kind: 'study.create'; study: number }
  | { kind: 'study.update'; study: number; fields: Partial<DemoStudyFields>; reason: string }
  | { kind: 'study.status'; study: number; to: StudyStatus; reason: string | null }
  | { kind: 'center.create'; study: number; center: number }
  | {
      kind: 'center.status';
      study: number;
      center: number;
      to: CenterStatus;
      date: string | null;
      reason: string | null;
    }
);

export interface DemoPlan {
  scale: DemoScale;
  baseDate: string;
  /** when the demo accounts were created: before anything else */
  setupAt: number;
  studies: DemoStudy[];
  subjects: DemoSubject[];
  /** sorted by time */
  events: DemoEvent[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

const PHASE_WEIGHTS: Record<StudyPhase, number> = { I: 14, II: 24, III: 42, IV: 8, BE: 6, other: 6 };
const STATUS_WEIGHTS: Record<StudyStatus, number> = {
  planning: 8,
  startup: 12,
  enrolling: 35,
  followup: 18,
  closed: 16,
  suspended: 4,
  terminated: 7,
};
/** small: every status and every therapeutic area at least once */
const SMALL_STATUSES: StudyStatus[] = [
  'enrolling',
  'startup',
  'enrolling',
  'followup',
  'closed',
  'planning',
  'suspended',
  'terminated',
];
const SMALL_AREAS: TherapeuticArea[] = [
  'myeloma',
  'lymphoma',
  'leukemia_mds',
  'itp_bleeding',
  'lymphoma',
  'myeloma',
  'other',
  'leukemia_mds',
];

const roman: Record<StudyPhase, string> = { I: 'I', II: 'II', III: 'III', IV: 'IV', BE: 'BE', other: 'LTFU' };
const digit: Record<StudyPhase, string> = { I: '1', II: '2', III: '3', IV: '4', BE: '5', other: '9' };
const phaseLabel = (p: StudyPhase, lang: 'zh' | 'en') =>
  p === 'BE'
    ? 'BE'
    : p === 'other'
      ? lang === 'zh'
        ? '长期随访'
        : 'LTFU'
      : lang === 'zh'
        ? `${p}期`
        : `Ph${digit[p]}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const fillTemplate = (rng: Rng, template: string) =>
  template.replace(/[#@]/g, (c) => (c === '#' ? String(rng.int(0, 9)) : String.fromCharCode(65 + rng.int(0, 25))));

const janssenArea: Record<TherapeuticArea, string> = {
  myeloma: 'MMY',
  lymphoma: 'LYM',
  leukemia_mds: 'AML',
  itp_bleeding: 'ITP',
  other: 'HEM',
};

interface Drug {
  code: string;
  tag: string;
  mechanism: Indication['mechanisms'][number];
}

/** Everything that must stay unique or consistent across the studies of one plan. */
class Registry {
  private protocols = new Set<string>();
  private registrations = new Set<string>();
  private sponsorCounters = new Map<string, number>();
  private drugs = new Map<string, Drug[]>();
  private pis = new Map<string, string[]>();
  private usedNames = new Set<string>();

  constructor(private rng: Rng) {}

  person(): string {
    for (;;) {
      const name = this.rng.pick(SURNAMES) + this.rng.pick(GIVEN_NAMES);
      if (!this.usedNames.has(name)) {
        this.usedNames.add(name);
        return name;
      }
    }
  }

  /** Each hospital has a few hematologists who lead trials there. */
  pi(hospital: Hospital): string {
    let list = this.pis.get(hospital.name);
    if (!list) {
      const n = hospital === OWN_HOSPITAL ? 5 : this.rng.int(1, 3);
      list = Array.from({ length: n }, () => this.person());
      this.pis.set(hospital.name, list);
    }
    return this.rng.pick(list);
  }

  /** A sponsor develops one or two drugs per indication, used in several of its trials. */
  drug(sponsor: Sponsor, indication: Indication): Drug {
    const key = `${sponsor.name}|${indication.abbr}`;
    let list = this.drugs.get(key);
    if (!list) {
      list = Array.from({ length: this.rng.int(1, 2) }, () => ({
        code: fillTemplate(this.rng, sponsor.drugCode),
        tag: this.rng.pick(HR_TAGS),
        mechanism: this.rng.pick(indication.mechanisms),
      }));
      this.drugs.set(key, list);
    }
    return this.rng.pick(list);
  }

  protocolNumber(sponsor: Sponsor, drug: Drug, phase: StudyPhase, area: TherapeuticArea): string {
    for (;;) {
      const n = (this.sponsorCounters.get(sponsor.name) ?? 0) + 1;
      this.sponsorCounters.set(sponsor.name, n);
      const bare = drug.code.replace(/-/g, '');
      const p = {
        hr: () => `HR-${drug.tag}-${roman[phase]}-${pad(n, 2)}`,
        bgb: () => `${drug.code}-${digit[phase]}${pad(n, 2)}`,
        ibi: () => `C${bare}A${digit[phase]}${pad(n, 2)}`,
        cn: () => `${bare}-${roman[phase]}-${pad(n, 2)}`,
        novartis: () => `C${bare}A${digit[phase]}${pad(200 + n, 3)}`,
        roche: () => `${['GO', 'BO', 'YO'][n % 3]}${41000 + n * 7}`,
        janssen: () => `${bare.replace('JNJ', '')}${janssenArea[area]}${digit[phase]}${pad(n, 3)}`,
        abbvie: () => `M${19 + (n % 6)}-${pad(n, 3)}`,
        takeda: () => `${bare}-${digit[phase]}${pad(n, 3)}`,
      }[sponsor.style]();
      if (!this.protocols.has(p.toLowerCase())) {
        this.protocols.add(p.toLowerCase());
        return p;
      }
    }
  }

  registration(kind: 'CTR' | 'NCT', year: number): string {
    for (;;) {
      // ClinicalTrials.gov numbers grow over time: NCT05… until 2023, NCT06… from late 2023, NCT07… from 2025
      const nct = year <= 2022 ? '05' : year === 2023 ? this.rng.pick(['05', '06']) : year === 2024 ? '06' : '07';
      const r =
        kind === 'CTR' ? `CTR${year}${pad(this.rng.int(0, 9999), 4)}` : `NCT${nct}${pad(this.rng.int(0, 999_999), 6)}`;
      if (!this.registrations.has(r)) {
        this.registrations.add(r);
        return r;
      }
    }
  }
}

interface Titles {
  title: string;
  shortTitle: string;
  indication: string;
}

function titles(lang: 'zh' | 'en', phase: StudyPhase, ind: Indication, drugName: string, rng: Rng): Titles {
  const indication = `${ind.name.zh}（${ind.abbr}）`;
  const shortTitle = `${drugName} ${ind.abbr} ${phaseLabel(phase, lang)}`;
  const d = drugName;
  const a = rng.pick(ind.arms);
  const n = ind.name;
  const zh: Record<StudyPhase, () => string> = {
    I: () => `${d}在${n.zh}患者中的安全性、耐受性、药代动力学及初步疗效的I期剂量递增和剂量扩展研究`,
    II: () => `一项评估${d}治疗${n.zh}患者的有效性和安全性的单臂、开放、多中心II期临床研究`,
    III: () =>
      `一项评估${d}${a.with.zh}对比${a.versus.zh}治疗${n.zh}患者的有效性和安全性的随机、开放、多中心III期临床研究`,
    IV: () => `${d}治疗${n.zh}患者的多中心、前瞻性、上市后安全性研究（IV期）`,
    BE: () => `${d}在${n.zh}患者中的随机、开放、两周期、交叉、多中心稳态生物等效性研究`,
    other: () => `接受${d}治疗的${n.zh}受试者的长期安全性随访研究`,
  };
  const en: Record<StudyPhase, () => string> = {
    I: () => `A Phase 1, First-in-human, Dose-escalation and Dose-expansion Study of ${d} in Patients with ${n.en}`,
    II: () => `A Single-arm, Open-label, Multicenter Phase 2 Study of ${d} in Patients with ${n.en}`,
    III: () =>
      `A Randomized, Open-label, Multicenter Phase 3 Study of ${d}${a.with.en} versus ${a.versus.en} in Patients with ${n.en}`,
    IV: () => `A Prospective, Multicenter, Post-marketing Safety Study of ${d} in Patients with ${n.en} (Phase 4)`,
    BE: () =>
      `A Randomized, Open-label, Two-period Crossover, Multicenter Steady-state Bioequivalence Study of ${d} in Patients with ${n.en}`,
    other: () => `Long-term Safety Follow-up Study of Patients with ${n.en} Treated with ${d}`,
  };
  return { title: (lang === 'zh' ? zh : en)[phase](), shortTitle, indication };
}

/** Status path from planning to the final status (the transitions of core/studies/status.ts). */
function statusPath(final: StudyStatus, rng: Rng, allowDetour: boolean): StudyStatus[] {
  switch (final) {
    case 'planning':
      return [];
    case 'startup':
      return ['startup'];
    case 'enrolling':
      // some studies were suspended for a while and resumed
      return allowDetour && rng.chance(0.12)
        ? ['startup', 'enrolling', 'suspended', 'enrolling']
        : ['startup', 'enrolling'];
    case 'followup':
      return ['startup', 'enrolling', 'followup'];
    case 'closed':
      return ['startup', 'enrolling', 'followup', 'closed'];
    case 'suspended':
      return ['startup', 'enrolling', 'suspended'];
    case 'terminated':
      return rng.chance(0.3) ? ['startup', 'terminated'] : ['startup', 'enrolling', 'terminated'];
  }
}

/** Days spent in each status before leaving it (min, max). */
const STAY: Record<StudyStatus, [number, number]> = {
  planning: [20, 90],
  startup: [30, 120],
  enrolling: [120, 540],
  followup: [60, 360],
  closed: [5, 400],
  suspended: [20, 90],
  terminated: [5, 300],
};
/** Days spent so far in the final status. */
const AGE: Record<StudyStatus, [number, number]> = {
  planning: [3, 60],
  startup: [5, 90],
  enrolling: [10, 300],
  followup: [10, 200],
  closed: [5, 400],
  suspended: [5, 120],
  terminated: [5, 300],
};

function centerCounts(rng: Rng, studies: number, total: number | null): number[] {
  const counts = Array.from({ length: studies }, () => rng.int(2, 8));
  if (total === null) return counts;
  if (total < studies * 2 || total > studies * 8)
    throw new Error(`cannot spread ${total} centers over ${studies} studies`);
  let sum = counts.reduce((s, n) => s + n, 0);
  while (sum !== total) {
    const i = rng.int(0, studies - 1);
    if (sum < total && counts[i]! < 8) {
      counts[i]!++;
      sum++;
    } else if (sum > total && counts[i]! > 2) {
      counts[i]!--;
      sum--;
    }
  }
  return counts;
}

export function planDemo(scale: DemoScale, opts: { baseDate?: string; seed?: number } = {}): DemoPlan {
  const size = SCALE_SIZES[scale];
  const rng = createRng(opts.seed ?? size.seed);
  const baseDate = opts.baseDate ?? DEMO_BASE_DATE;
  const base = Date.parse(`${baseDate}T00:00:00.000Z`);
  if (Number.isNaN(base)) throw new Error(`bad base date ${baseDate}`);
  const reg = new Registry(rng);
  const counts = centerCounts(rng, size.studies, size.centers);
  const sponsorWeights = Object.fromEntries(SPONSORS.map((s) => [s.name, s.weight])) as Record<string, number>;
  const hospitalWeights = Object.fromEntries(HOSPITALS.map((h) => [h.name, h.weight])) as Record<string, number>;
  // small: distinct sponsors, so that the few studies show the variety
  const smallSponsors = rng.shuffle(SPONSORS);

  const studies: Pick<DemoStudy, 'fields' | 'centers'>[] = [];
  /** in the order planned; sorted by time at the end (a stable sort: planned order breaks ties) */
  const events: DemoEvent[] = [];
  /** A time on day `day` (ms of its midnight UTC) during Beijing office hours (01:00–09:00 UTC). */
  const officeTime = (day: number) => day + HOUR + rng.int(0, 8 * HOUR - 1);
  /** a time during office hours on the day of `t` */
  const inOfficeHours = (t: number) => officeTime(Math.floor(t / DAY) * DAY);

  for (let s = 0; s < size.studies; s++) {
    const small = scale === 'small';
    const final = small ? SMALL_STATUSES[s % SMALL_STATUSES.length]! : rng.weighted(STATUS_WEIGHTS);
    const area = small ? SMALL_AREAS[s % SMALL_AREAS.length]! : null;
    const ind = rng.pick(area ? INDICATIONS.filter((i) => i.area === area) : INDICATIONS);
    const marketed = MARKETED.filter((m) => m.indication === ind.abbr);
    let phase = rng.weighted(PHASE_WEIGHTS);
    if (phase === 'BE' && marketed.length === 0) phase = 'III';
    const sponsorName =
      phase === 'BE'
        ? rng.pick(SPONSORS.filter((sp) => sp.generics)).name
        : small
          ? smallSponsors[s % smallSponsors.length]!.name
          : rng.weighted(sponsorWeights);
    const sponsor = SPONSORS.find((sp) => sp.name === sponsorName)!;
    const drug = reg.drug(sponsor, ind);
    const m = marketed.length > 0 ? rng.pick(marketed) : null;
    const lang = sponsor.lang;
    // a bioequivalence study tests a generic of a marketed drug; the others the sponsor's own compound
    const drugName =
      phase === 'BE' && m ? (lang === 'zh' ? `${m.name.zh}${m.form.zh}` : `${m.name.en} ${m.form.en}`) : drug.code;
    const t = titles(lang, phase, ind, drugName, rng);

    // --- timeline (days), backwards from the base date
    const path = statusPath(final, rng, !small);
    let from: StudyStatus = 'planning';
    const stays: number[] = [];
    for (const to of path) {
      stays.push(rng.int(...STAY[from]));
      from = to;
    }
    const age = rng.int(...AGE[final]);
    const createdDay = base - (stays.reduce((a, d) => a + d, 0) + age) * DAY;
    const studyCreated = officeTime(createdDay);

    // --- centers: our own, plus others; one lead (often us), codes 01…
    const n = counts[s]!;
    const others: Hospital[] = [];
    while (others.length < n - 1) {
      const name = rng.weighted(hospitalWeights);
      if (!others.some((h) => h.name === name)) others.push(HOSPITALS.find((h) => h.name === name)!);
    }
    const ownIsLead = rng.chance(0.55);
    const hospitals = ownIsLead
      ? [OWN_HOSPITAL, ...others]
      : [others[0]!, ...rng.shuffle([OWN_HOSPITAL, ...others.slice(1)])];
    const fewSubjects = phase === 'I' || phase === 'BE';
    const centers = hospitals.map((h, i): DemoCenterFields => {
      const isLead = i === 0;
      const target = fewSubjects ? rng.int(3, 12) : isLead || h === OWN_HOSPITAL ? rng.int(10, 40) : rng.int(4, 30);
      const hardCap = rng.chance(0.7) ? target + Math.max(1, Math.round(target * (0.1 + rng.next() * 0.2))) : null;
      return centerFields.parse({
        code: pad(i + 1, 2),
        hospitalName: h.name,
        city: h.city,
        pi: reg.pi(h),
        isLead,
        isOwn: h === OWN_HOSPITAL,
        enrollmentTarget: target,
        hardCap,
        activationDate: null,
      } satisfies CenterInput);
    });

    const registered = final !== 'planning' || rng.chance(0.5);
    const fields = studyFields.parse({
      protocolNumber: reg.protocolNumber(sponsor, drug, phase, ind.area),
      title: t.title,
      shortTitle: t.shortTitle,
      sponsor: sponsor.name,
      cro: rng.pick(sponsor.cros),
      phase,
      indication: t.indication,
      therapeuticArea: ind.area,
      registrationNumber: registered ? reg.registration(sponsor.registry, new Date(createdDay).getUTCFullYear()) : null,
      sitePi: centers.find((c) => c.isOwn)!.pi,
      ethicsApprovalDate: null,
      protocolVersion: 'V1.0',
      protocolVersionDate: isoDay(createdDay - rng.int(10, 60) * DAY),
      enrollmentTarget: centers.reduce((sum, c) => sum + (c.enrollmentTarget ?? 0), 0),
    } satisfies StudyInput);
    studies.push({ fields, centers });

    // --- events of this study, each after the previous one of the same record
    const add = (e: StudyEvent) => events.push(e);
    add({ at: studyCreated, kind: 'study.create', study: s });
    const centerLast: number[] = [];
    const firstWindow = Math.min(20, Math.max(1, (stays[0] ?? age) - 1)) * DAY;
    const createTimes = centers
      .map(() =>
        Math.max(studyCreated + rng.int(5, 60) * 60_000, inOfficeHours(studyCreated + rng.next() * firstWindow)),
      )
      .sort((x, y) => x - y);
    centers.forEach((_, c) => {
      centerLast[c] = createTimes[c]!;
      add({ at: createTimes[c]!, kind: 'center.create', study: s, center: c });
    });
    let startupAt: number | null = null;
    /** activation of center c at about `when` (after start-up), unless that is after today */
    const activate = (c: number, when: number) => {
      const at = Math.max(inOfficeHours(when), centerLast[c]! + HOUR, (startupAt ?? 0) + rng.int(10, 90) * 60_000);
      if (at >= base) return;
      centerLast[c] = at;
      add({ at, kind: 'center.status', study: s, center: c, to: 'active', date: isoDay(at), reason: null });
    };

    let day = createdDay;
    let prev: StudyStatus = 'planning';
    let enrollingAt: number | null = null;
    let last = studyCreated;
    const nextAfter = (t: number, d: number) => Math.max(officeTime(d), t + rng.int(1, 30) * 60_000);
    for (let k = 0; k < path.length; k++) {
      const to = path[k]!;
      day += stays[k]! * DAY;
      if (to === 'startup') {
        // ethics approval recorded a few days before start-up
        const approvalDay = Math.max(createdDay + DAY, day - rng.int(1, 10) * DAY);
        last = nextAfter(last, approvalDay);
        add({
          at: last,
          kind: 'study.update',
          study: s,
          fields: { ethicsApprovalDate: isoDay(approvalDay) },
          reason: REASONS.ethicsApproval,
        });
      }
      if (to === 'followup' && rng.chance(0.4)) {
        // a protocol amendment while enrolling
        const amendDay = day - rng.int(30, stays[k]! - 10) * DAY;
        last = nextAfter(last, amendDay);
        add({
          at: last,
          kind: 'study.update',
          study: s,
          fields: { protocolVersion: 'V2.0', protocolVersionDate: isoDay(amendDay - rng.int(15, 45) * DAY) },
          reason: REASONS.amendment,
        });
      }
      last = nextAfter(last, day);
      if (to === 'closed' || to === 'terminated') {
        // the centers close first, shortly before the study
        const reason = to === 'closed' ? REASONS.centerClosedWithStudy : REASONS.centerClosedOnTermination;
        let t = last - 3 * DAY;
        centers.forEach((_, c) => {
          t = Math.max(t, centerLast[c]!) + rng.int(1, 20) * 60_000;
          centerLast[c] = t;
          add({ at: t, kind: 'center.status', study: s, center: c, to: 'closed', date: null, reason });
        });
        last = Math.max(last, t + rng.int(1, 30) * 60_000);
      }
      const reason =
        to === 'suspended'
          ? rng.pick(REASONS.suspend)
          : to === 'terminated'
            ? rng.pick(REASONS.terminate)
            : prev === 'suspended'
              ? rng.pick(REASONS.resume)
              : to === 'closed'
                ? REASONS.close
                : null;
      add({ at: last, kind: 'study.status', study: s, to, reason });
      if (to === 'startup') startupAt = last;
      if (to === 'enrolling' && enrollingAt === null && startupAt !== null) {
        enrollingAt = last;
        // centers are activated during start-up: ours and the lead before enrollment opens, most others soon after,
        // all before the study moves on
        const enrollingDays = k + 1 < path.length ? stays[k + 1]! : age;
        const later = Math.min(120, enrollingDays * 0.8) * DAY;
        const before = enrollingAt - startupAt;
        centers.forEach((ctr, c) => {
          const early = ctr.isOwn || ctr.isLead || rng.chance(0.5);
          activate(
            c,
            early ? startupAt! + Math.floor(rng.next() * before * 0.9) : enrollingAt! + Math.floor(rng.next() * later),
          );
        });
      }
      prev = to;
    }
    if (final === 'startup' && startupAt !== null) {
      // some centers already active, the rest waiting
      const since = startupAt;
      centers.forEach((_, c) => {
        if (rng.chance(0.4)) activate(c, since + Math.floor(rng.next() * (age - 1) * DAY));
      });
    }
  }

  const planned = planSubjects({
    scale,
    seed: opts.seed ?? size.seed,
    base,
    studies,
    events: events as StudyEvent[],
  });
  for (const e of planned.events) events.push(e);
  const schedules = planSchedules({ seed: opts.seed ?? size.seed, base, studies, planned, events });

  // the administrator loads the official holiday list a few days after it is published (the day before today at the latest)
  const holidaysDay = Math.min(Date.parse(`${HOLIDAYS_PUBLISHED}T00:00:00Z`) + 6 * DAY, base - DAY);
  events.push({ at: officeTime(holidaysDay), kind: 'holidayList.load', year: DEMO_HOLIDAY_YEAR });

  const limit = base + 10 * HOUR;
  for (const e of events) if (e.at > limit) throw new Error(`demo event after the base date: ${JSON.stringify(e)}`);
  events.sort((x, y) => x.at - y.at);
  const setupAt = Math.floor(((events[0]?.at ?? base) - DAY) / DAY) * DAY + HOUR;
  return {
    scale,
    baseDate,
    setupAt,
    studies: studies.map((st, i) => ({
      ...st,
      setup: planned.setups[i]!,
      consentVersions: planned.consentVersions[i]!,
      schedule: schedules[i]!,
    })),
    subjects: planned.subjects,
    events,
  };
}

/**
 * Each study's schedule versions and their events: version 1.0 saved with the subject set-up; after a protocol amendment
 * (the study's V2.0) version 2.0 the same day, and the active subjects moved to it one to three weeks later, from the
 * day of the move (schedules.moveSubjects). Their own generator: the studies and subjects stay as planned.
 */
function planSchedules(args: {
  seed: number;
  base: number;
  studies: readonly Pick<DemoStudy, 'fields'>[];
  planned: ReturnType<typeof planSubjects>;
  events: DemoEvent[];
}): DemoSchedule[] {
  const { base, studies, planned, events } = args;
  const rng = createRng((args.seed ^ 0x0a3e_5d2c) >>> 0);
  const limit = base + 10 * HOUR;
  const setupAt = new Map<number, number>();
  const amendedAt = new Map<number, number>();
  for (const e of events) {
    if (e.kind === 'setup.create') setupAt.set(e.study, e.at);
    if (e.kind === 'study.update' && e.fields.protocolVersion && e.fields.protocolVersion !== 'V1.0')
      amendedAt.set(e.study, e.at);
  }
  return studies.map((study, s) => {
    const f = study.fields;
    const lang = /[\u4e00-\u9fff]/.test(f.title) ? 'zh' : 'en';
    const v1 = planned.schedules[s]!;
    const at1 = setupAt.get(s)! + rng.int(5, 60) * 60_000;
    const schedule: DemoSchedule = {
      versions: [
        {
          version: 'V1.0',
          effectiveDate: f.protocolVersionDate!,
          notes: lang === 'zh' ? '依据方案 V1.0 访视流程表' : 'Schedule of activities of protocol V1.0',
          visits: v1.visits,
          reason: null,
          at: at1,
        },
      ],
      move: null,
      course: v1.course,
    };
    events.push({ at: at1, kind: 'scheduleVersion.create', study: s, version: 0 });
    const amended = amendedAt.get(s);
    const v2 = amended === undefined ? null : amendedLines(v1.visits, planned.setups[s]!.arms, lang);
    if (amended !== undefined && v2) {
      const at2 = amended + rng.int(20, 180) * 60_000;
      if (at2 <= limit) {
        schedule.versions.push({
          version: 'V2.0',
          effectiveDate: isoDay(amended),
          notes: v2.notes,
          visits: v2.visits,
          reason: REASONS.amendment,
          at: at2,
        });
        events.push({ at: at2, kind: 'scheduleVersion.create', study: s, version: 1 });
        const moveAt = officeTime(Math.floor(at2 / DAY) * DAY + rng.int(3, 21) * DAY);
        if (moveAt <= limit)
          schedule.move = {
            version: 1,
            at: moveAt,
            fromDate: isoDay(moveAt),
            reason:
              lang === 'zh'
                ? `方案 V2.0 经伦理批准，在研受试者自 ${isoDay(moveAt)} 起按新版访视计划`
                : `Protocol V2.0 approved: subjects on study follow the new schedule from ${isoDay(moveAt)}`,
          };
      }
    }
    return schedule;
  });

  function officeTime(day: number) {
    return day + HOUR + rng.int(0, 8 * HOUR - 1);
  }
}
