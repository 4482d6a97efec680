/**
 * Plans the demo subjects (issue 4) on top of the planned studies: each study's subject set-up and consent versions, and
 * the subjects of the studies that had enrollment — registered, consented, screened, enrolled and followed through to
 * completion or withdrawal, each step dated inside the windows the study and center events allow (the study enrolling,
 * the center active, before its closure, before "today"). Pure, deterministic: its own seeded generator, so that adding
 * subjects changed nothing in the studies and centers planned before them.
 */
import type { CodedItem, Criterion } from '../../../db/schema/subjects';
import type { StudyPhase, StudyStatus } from '../../api/contract';
import type { Sex, SubjectStatus, WithdrawalReason } from '../../api/subjects';
import { formatNumber } from '../subjects/numbering';
import {
  BASE_INCLUSIONS,
  EXCLUSIONS,
  GIVEN_NAMES,
  GIVEN_NAMES_F,
  GIVEN_NAMES_M,
  ID_REGIONS,
  MORE_INCLUSIONS,
  PINYIN_INITIAL,
  SCREEN_FAILURE_REASONS,
  SURNAMES,
  WITHDRAWAL_DETAILS,
  WITHDRAWAL_WEIGHTS,
  type CriterionTemplate,
} from './catalog';
import type { VisitDefinition } from '../../api';
import { createRng, type Rng } from './prng';
import type { DemoCenterFields, DemoScale, DemoStudyFields } from './plan';
import { scheduleFor, type DemoCourse } from './schedules';

export interface DemoSetup {
  screeningPattern: string;
  subjectPattern: string;
  arms: CodedItem[];
  criteria: Criterion[];
  screenFailureReasons: CodedItem[];
}
export interface DemoConsentVersion {
  version: string;
  versionDate: string;
  approvedDate: string;
}
export interface DemoConsent {
  /** index into the study's consentVersions */
  version: number;
  signedDate: string;
  obtainedBy: string;
}

/** A subject in its state as of the demo's "today"; the events of the plan say when each step was recorded. */
export interface DemoSubject {
  study: number;
  center: number;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  sex: Sex;
  birthDate: string | null;
  birthYear: number | null;
  arm: string | null;
  strata: Record<string, string>;
  name: string | null;
  recordNumber: string | null;
  idNumber: string | null;
  phone: string | null;
  status: SubjectStatus;
  screeningDate: string | null;
  eligibility: Record<string, boolean>;
  screenFailureDate: string | null;
  screenFailureReason: string | null;
  screenFailureDetail: string | null;
  enrollmentDate: string | null;
  treatmentStartDate: string | null;
  followUpDate: string | null;
  completionDate: string | null;
  withdrawalDate: string | null;
  withdrawalReason: WithdrawalReason | null;
  withdrawalDetail: string | null;
  /** own center only: every consent signed, oldest first (the first one at registration) */
  consents: DemoConsent[];
  /** an investigator confirmed eligibility with a signature before enrollment */
  confirmed: boolean;
}

export type SubjectStep = 'on_treatment' | 'follow_up' | 'completed' | 'withdrawn';

/** The subject-area events of the plan (merged into DemoEvent). */
export type SubjectEvent = { at: number; study: number } & SubjectEventBody;
type SubjectEventBody =
  | { kind: 'setup.create' }
  | { kind: 'consentVersion.create'; version: number }
  /** registration; for our own center together with the first consent */
  | { kind: 'subject.create'; subject: number }
  /** a re-consent on a newer version */
  | { kind: 'subject.consent'; subject: number; consent: number }
  | { kind: 'subject.screen'; subject: number }
  | { kind: 'subject.sign'; subject: number }
  | { kind: 'subject.enroll'; subject: number }
  | { kind: 'subject.status'; subject: number; to: SubjectStep };

/** What planSubjects reads of the study events (a structural subset of DemoEvent). */
type StudyEventLike = { at: number } & (
  | { kind: 'study.create'; study: number }
  | { kind: 'study.update'; study: number; fields: Partial<DemoStudyFields> }
  | { kind: 'study.status'; study: number; to: StudyStatus }
  | { kind: 'center.create'; study: number; center: number }
  | { kind: 'center.status'; study: number; center: number; to: string }
);

/** Subjects of the large scale, and of its largest study (the bench's "5,000-subject study"). */
export const LARGE_SUBJECTS = 60_000;
export const LARGE_BIG_STUDY_SUBJECTS = 5_000;

/** Withdrawal detail when the sponsor terminated the study. */
export const TERMINATION_DETAIL = '申办方终止研究，受试者退出';
/** Withdrawal detail of a subject still in screening when enrollment closed. */
export const ENROLLMENT_CLOSED_DETAIL = '筛选期间入组结束，未能入组';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const isoCache = new Map<number, string>();
const iso = (day: number) => {
  let s = isoCache.get(day);
  if (s === undefined) isoCache.set(day, (s = new Date(day * DAY).toISOString().slice(0, 10)));
  return s;
};
const dayOf = (t: number) => Math.floor(t / DAY);

/** A run of days (inclusive) in which subjects may be registered, screened and enrolled. */
interface Window {
  from: number;
  to: number;
  /** the study is still enrolling (the window runs on past today) */
  open: boolean;
}

interface Timeline {
  createdAt: number;
  final: StudyStatus;
  ethicsAt: number | null;
  ethicsDate: string | null;
  windows: Window[];
  /** per center: first day it may see subjects, last day anything may happen there */
  centers: { activeFrom: number | null; lastDay: number }[];
}

function timelines(
  studies: readonly { centers: readonly unknown[] }[],
  events: readonly StudyEventLike[],
  today: number,
) {
  const out: Timeline[] = studies.map((s) => ({
    createdAt: 0,
    final: 'planning',
    ethicsAt: null,
    ethicsDate: null,
    windows: [],
    centers: s.centers.map(() => ({ activeFrom: null, lastDay: today - 1 })),
  }));
  const opened: (number | null)[] = studies.map(() => null);
  const sorted = [...events].sort((a, b) => a.at - b.at);
  for (const e of sorted) {
    const t = out[e.study]!;
    switch (e.kind) {
      case 'study.create':
        t.createdAt = e.at;
        break;
      case 'study.update':
        if (e.fields.ethicsApprovalDate) {
          t.ethicsAt = e.at;
          t.ethicsDate = e.fields.ethicsApprovalDate;
        }
        break;
      case 'study.status': {
        const was = opened[e.study] ?? null;
        if (e.to === 'enrolling' && was === null) opened[e.study] = dayOf(e.at) + 1;
        if (e.to !== 'enrolling' && was !== null) {
          t.windows.push({ from: was, to: dayOf(e.at) - 1, open: false });
          opened[e.study] = null;
        }
        t.final = e.to;
        break;
      }
      case 'center.status': {
        const c = t.centers[e.center]!;
        if (e.to === 'active' && c.activeFrom === null) c.activeFrom = dayOf(e.at) + 1;
        if (e.to === 'closed') c.lastDay = Math.min(c.lastDay, dayOf(e.at) - 1);
        break;
      }
      case 'center.create':
        break;
    }
  }
  out.forEach((t, s) => {
    const from = opened[s];
    if (from !== null && from !== undefined) t.windows.push({ from, to: today - 1, open: true });
    t.windows = t.windows.filter((w) => w.from <= w.to);
  });
  return out;
}

/** The study's windows seen from one center: while it was active. */
function centerWindows(t: Timeline, c: number): Window[] {
  const ctr = t.centers[c]!;
  if (ctr.activeFrom === null) return [];
  return t.windows
    .map((w) => ({
      from: Math.max(w.from, ctr.activeFrom!),
      to: Math.min(w.to, ctr.lastDay),
      open: w.open && w.to <= ctr.lastDay,
    }))
    .filter((w) => w.from <= w.to);
}
const windowDays = (ws: readonly Window[]) => ws.reduce((n, w) => n + w.to - w.from + 1, 0);

const PHASE_SIZE: Record<StudyPhase, number> = { I: 0.3, II: 0.8, III: 1.6, IV: 1.3, BE: 0.35, other: 0.6 };
const STATUS_SIZE: Partial<Record<StudyStatus, number>> = {
  enrolling: 0.8,
  followup: 1,
  closed: 1,
  suspended: 0.6,
  terminated: 0.45,
};
/** large: how far each center got towards its target (min, max), by the study's status today */
const FILL: Partial<Record<StudyStatus, [number, number]>> = {
  enrolling: [0.45, 1],
  followup: [0.92, 1.12],
  closed: [0.92, 1.12],
  suspended: [0.35, 0.8],
  terminated: [0.15, 0.6],
};

const PATTERNS: readonly [string, string][] = [
  ['SCR{center}{seq:3}', '{center}{seq:3}'],
  ['S{center}-{seq:3}', 'R{center}{seq:3}'],
  ['{center}S{seq:3}', '{center}-{seq:4}'],
];

const isChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);
const coded = (code: string, zh: string, en: string, lang: 'zh' | 'en'): CodedItem => ({
  code,
  label: lang === 'zh' ? zh : en,
});

function armsFor(phase: StudyPhase, lang: 'zh' | 'en', rng: Rng): CodedItem[] {
  switch (phase) {
    case 'III':
      return [coded('A', '试验组', 'Experimental', lang), coded('B', '对照组', 'Control', lang)];
    case 'II':
      return rng.chance(0.5)
        ? [coded('A', '单臂', 'Single arm', lang)]
        : [coded('C1', '队列1', 'Cohort 1', lang), coded('C2', '队列2', 'Cohort 2', lang)];
    case 'I':
      return [
        ...Array.from({ length: rng.int(3, 5) }, (_, i) =>
          coded(`DL${i + 1}`, `剂量水平${i + 1}`, `Dose level ${i + 1}`, lang),
        ),
        coded('EXP', '剂量扩展', 'Expansion', lang),
      ];
    case 'BE':
      return [coded('TR', '序列1（T→R）', 'Sequence TR', lang), coded('RT', '序列2（R→T）', 'Sequence RT', lang)];
    case 'IV':
      return [coded('A', '单臂', 'Single arm', lang)];
    case 'other':
      return [coded('LTFU', '长期随访', 'Long-term follow-up', lang)];
  }
}

/** A study's set-up, and the catalog tag of each of its criteria (by code). */
function setupFor(
  fields: DemoStudyFields,
  rng: Rng,
  defaults: boolean,
): { setup: DemoSetup; tags: Map<string, string> } {
  const lang = isChinese(fields.title) ? 'zh' : 'en';
  const abbr = /（(.+)）/.exec(fields.indication)?.[1] ?? fields.indication;
  const indication = lang === 'zh' ? fields.indication : abbr;
  const templates: CriterionTemplate[] = [
    ...BASE_INCLUSIONS,
    ...rng.sample(MORE_INCLUSIONS, rng.int(0, 2)),
    ...rng.sample(EXCLUSIONS, rng.int(2, 4)),
  ];
  let inc = 0;
  let exc = 0;
  const criteria: (Criterion & { tag: string })[] = templates.map((t) => ({
    code: t.kind === 'inclusion' ? `I${++inc}` : `E${++exc}`,
    kind: t.kind,
    text: t.text[lang].replace('{indication}', indication),
    tag: t.tag,
  }));
  const tags = new Set(criteria.map((c) => c.tag));
  const specific = SCREEN_FAILURE_REASONS.filter((r) => r.tags?.some((t) => tags.has(t)));
  const reasons = [SCREEN_FAILURE_REASONS[0]!, ...rng.sample(specific, Math.min(specific.length, rng.int(2, 4)))].map(
    (r) => ({ code: r.code, label: r.label[lang] }),
  );
  const [screeningPattern, subjectPattern] =
    defaults || rng.chance(0.8) ? ['S{center}{seq:3}', '{center}-{seq:3}'] : rng.pick(PATTERNS);
  return {
    setup: {
      screeningPattern,
      subjectPattern,
      arms: armsFor(fields.phase, lang, rng),
      criteria: criteria.map(({ code, kind, text }) => ({ code, kind, text })),
      screenFailureReasons: reasons,
    },
    tags: new Map(criteria.map((c) => [c.code, c.tag])),
  };
}

/** A Gaussian draw (Box–Muller). */
const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());

/** Splits `total` proportionally to `weights` (largest remainder), at least `min` where the weight is positive. */
function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const positive = weights.map((w) => w > 0);
  const out = weights.map((w) => (w > 0 ? min : 0));
  let left = total - out.reduce((a, b) => a + b, 0);
  if (left < 0) throw new Error(`cannot give ${min} to each of ${positive.filter(Boolean).length}`);
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  if (sum === 0) return out;
  const exact = weights.map((w) => (Math.max(0, w) / sum) * left);
  exact.forEach((x, i) => (out[i]! += Math.floor(x)));
  left -= exact.reduce((a, x) => a + Math.floor(x), 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < left; k++) out[order[k % order.length]![1]]! += 1;
  return out;
}

/** ISO 7064 MOD 11-2 check character of a Chinese resident ID number. */
export function idCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, ch, i) => s + Number(ch) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

interface Step {
  day: number;
  /** order among steps of the same day */
  rank: number;
  /** at and subject are filled in once the subject's steps are timed and numbered */
  event: Extract<SubjectEvent, { subject: number }>;
}

export function planSubjects(args: {
  scale: DemoScale;
  seed: number;
  base: number;
  studies: readonly { fields: DemoStudyFields; centers: DemoCenterFields[] }[];
  events: readonly StudyEventLike[];
}): {
  setups: DemoSetup[];
  consentVersions: DemoConsentVersion[][];
  /** each study's schedule version 1.0 and the course its subjects follow (schedules.ts) */
  schedules: { visits: VisitDefinition[]; course: DemoCourse }[];
  subjects: DemoSubject[];
  events: SubjectEvent[];
} {
  const { scale, studies } = args;
  const rng = createRng((args.seed ^ 0x5eed_5b1c) >>> 0);
  // the schedules draw from their own generator
  const scheduleRng = createRng((args.seed ^ 0x5c4e_d01e) >>> 0);
  const today = dayOf(args.base);
  const lines = timelines(studies, args.events, today);
  const officeTime = (day: number) => day * DAY + HOUR + rng.int(0, 8 * HOUR - 1);
  const events: SubjectEvent[] = [];
  const subjects: DemoSubject[] = [];

  // --- which studies get subjects, and how many
  const windowsOf = lines.map((t, s) => studies[s]!.centers.map((_, c) => centerWindows(t, c)));
  const daysOf = windowsOf.map((cs) => cs.map(windowDays));
  const eligible = daysOf.map((cs) => cs.some((d) => d > 0));
  let big = -1;
  const counts = studies.map(() => 0);
  if (scale === 'large') {
    // the bench's study: still enrolling, without a pause, many centers, the longest enrollment
    let best = -1;
    studies.forEach((s, i) => {
      const t = lines[i]!;
      if (!eligible[i] || t.final !== 'enrolling' || t.windows.length !== 1 || s.centers.length < 6) return;
      if (!['II', 'III', 'IV'].includes(s.fields.phase)) return;
      const score = daysOf[i]!.reduce((a, b) => a + b, 0);
      if (score > best) [best, big] = [score, i];
    });
    if (big < 0) throw new Error('demo plan: no study can take the large study’s subjects');
    const weights = studies.map((s, i) =>
      eligible[i] && i !== big
        ? PHASE_SIZE[s.fields.phase] *
          (STATUS_SIZE[lines[i]!.final] ?? 0) *
          Math.sqrt(daysOf[i]!.reduce((a, b) => a + b, 0)) *
          Math.exp(0.5 * gauss(rng))
        : 0,
    );
    // nobody comes near the big study
    const rest = LARGE_SUBJECTS - LARGE_BIG_STUDY_SUBJECTS;
    const ceiling = Math.floor(LARGE_BIG_STUDY_SUBJECTS / 2);
    for (let k = 0; k < 10; k++) {
      const sum = weights.reduce((a, b) => a + b, 0);
      const over = weights.map((w) => (w / sum) * rest > ceiling);
      if (!over.some(Boolean)) break;
      const free = weights.reduce((a, w, i) => a + (over[i] ? 0 : w), 0);
      const share = ceiling / rest;
      const nOver = over.filter(Boolean).length;
      weights.forEach((_, i) => {
        if (over[i]) weights[i] = (free * share) / (1 - share * nOver);
      });
    }
    apportion(rest, weights, 1).forEach((n, i) => (counts[i] = n));
    counts[big] = LARGE_BIG_STUDY_SUBJECTS;
  } else {
    studies.forEach((_, i) => (counts[i] = eligible[i] ? rng.int(6, 14) : 0));
  }

  const setups: DemoSetup[] = [];
  const schedules: { visits: VisitDefinition[]; course: DemoCourse }[] = [];
  const versionsOf: DemoConsentVersion[][] = [];
  const recordNumbers = new Set<string>();

  studies.forEach((study, s) => {
    const t = lines[s]!;
    const f = study.fields;
    const { setup, tags } = setupFor(f, rng, s === big);
    setups.push(setup);
    const schedule = scheduleFor(f, setup.arms, scheduleRng);
    schedules.push(schedule);
    events.push({ at: t.createdAt + rng.int(10, 240) * MINUTE, study: s, kind: 'setup.create' });

    // --- consent versions: the first approved with the protocol, later ones while subjects are in the study
    const versions: DemoConsentVersion[] = [];
    const approvals: number[] = [];
    if (t.ethicsAt !== null && t.ethicsDate !== null) {
      const approved = dayOf(Date.parse(t.ethicsDate));
      versions.push({ version: 'V1.0', versionDate: iso(approved - rng.int(7, 45)), approvedDate: t.ethicsDate });
      approvals.push(approved);
      events.push({ at: t.ethicsAt + rng.int(5, 90) * MINUTE, study: s, kind: 'consentVersion.create', version: 0 });
      const first = t.windows[0];
      const lastDay = Math.max(...t.centers.map((c) => c.lastDay));
      if (first && counts[s]! > 0) {
        const minor = rng.chance(0.4);
        let extra = rng.weighted({ 0: 45, 1: 40, 2: 15 });
        if (scale === 'small' && t.final === 'enrolling') extra = '1';
        const days: number[] = [];
        for (let k = 0; k < Number(extra); k++) days.push(rng.int(first.from + 30, lastDay));
        if (scale === 'small' && t.final === 'enrolling') days[0] = today - rng.int(8, 20);
        days.sort((a, b) => a - b);
        for (const day of days) {
          if (day <= approvals.at(-1)! + 30 || day > lastDay) continue;
          const n = versions.length + 1;
          versions.push({
            version: minor ? `V1.${n - 1}` : `V${n}.0`,
            versionDate: iso(Math.max(dayOf(Date.parse(versions.at(-1)!.versionDate)) + 1, day - rng.int(14, 60))),
            approvedDate: iso(day),
          });
          approvals.push(day);
          events.push({ at: officeTime(day), study: s, kind: 'consentVersion.create', version: versions.length - 1 });
        }
      }
    }
    versionsOf.push(versions);
    if (counts[s] === 0) return;

    // --- subjects per center: our own center takes a good share
    const centers = study.centers;
    const own = centers.findIndex((c) => c.isOwn);
    const days = daysOf[s]!;
    const ownShare = days[own]! > 0 && days.some((d, c) => d > 0 && c !== own) ? 0.3 + rng.next() * 0.2 : 1;
    const otherWeights = days.map((d, c) => (c === own || d === 0 ? 0 : d * (0.5 + rng.next())));
    const perCenter =
      days[own]! > 0
        ? (() => {
            const mine = Math.max(1, Math.round(counts[s]! * ownShare));
            const others = apportion(counts[s]! - mine, otherWeights);
            others[own] = mine;
            return others;
          })()
        : apportion(counts[s]!, otherWeights);

    const sfRate = 0.18 + rng.next() * 0.14;
    const obtainers = [
      f.sitePi,
      ...Array.from({ length: rng.int(1, 2) }, () => rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES)),
    ];
    const { course } = schedule;
    const itp = f.therapeuticArea === 'itp_bleeding';

    centers.forEach((center, c) => {
      const n = perCenter[c]!;
      if (n === 0) return;
      const windows = windowsOf[s]![c]!;
      const lastDay = t.centers[c]!.lastDay;
      const planned: { subject: DemoSubject; steps: Step[] }[] = [];
      for (let k = 0; k < n; k++) planned.push(planOne(c, center.isOwn, windows, lastDay));
      // numbers in the order of registration / enrollment at this center
      const withTimes = planned.map((p) => {
        let last = 0;
        const times = p.steps
          .sort((a, b) => a.day - b.day || a.rank - b.rank)
          .map((st) => (last = Math.max(officeTime(st.day), last + rng.int(5, 90) * MINUTE)));
        return { ...p, times };
      });
      withTimes.sort((a, b) => a.times[0]! - b.times[0]!);
      withTimes.forEach(
        (p, i) => (p.subject.screeningNumber = formatNumber(setup.screeningPattern, center.code, i + 1)),
      );
      const enrollAt = (p: (typeof withTimes)[number]) =>
        p.times[p.steps.findIndex((st) => st.event.kind === 'subject.enroll')]!;
      withTimes
        .filter((p) => p.subject.enrollmentDate !== null)
        .sort((a, b) => enrollAt(a) - enrollAt(b))
        .forEach((p, i) => (p.subject.subjectNumber = formatNumber(setup.subjectPattern, center.code, i + 1)));
      for (const p of withTimes) {
        const index = subjects.length;
        subjects.push(p.subject);
        p.steps.forEach((st, i) => {
          st.event.at = p.times[i]!;
          st.event.subject = index;
          events.push(st.event);
        });
      }
    });

    /** One subject of center c, registered in one of `windows`, nothing after `lastDay`. */
    function planOne(
      c: number,
      isOwn: boolean,
      windows: readonly Window[],
      lastDay: number,
    ): { subject: DemoSubject; steps: Step[] } {
      const total = windowDays(windows);
      let r = rng.int(0, total - 1);
      const w = windows.find((x) => (r -= x.to - x.from + 1) < 0)!;
      let d0 = w.to + 1 + r; // r is now negative: the offset from the end
      // sites stop registering patients a few weeks before enrollment closes (most of them do)
      if (!w.open && d0 > w.to - 28 && rng.chance(0.9)) d0 = rng.int(w.from, Math.max(w.from, w.to - 28));
      const steps: Step[] = [{ day: d0, rank: 0, event: { at: 0, study: s, kind: 'subject.create', subject: 0 } }];

      // who
      const sex: Sex = rng.chance(0.55) ? 'M' : 'F';
      const age = Math.round(Math.min(itp ? 80 : 85, Math.max(18, (itp ? 45 : 58) + (itp ? 15 : 12) * gauss(rng))));
      const birthDay = d0 - Math.floor(age * 365.25) - rng.int(1, 364);
      const subject: DemoSubject = {
        study: s,
        center: c,
        screeningNumber: '',
        subjectNumber: null,
        initials: '',
        sex,
        birthDate: null,
        birthYear: null,
        arm: null,
        strata: {},
        name: null,
        recordNumber: null,
        idNumber: null,
        phone: null,
        status: 'screening',
        screeningDate: null,
        eligibility: {},
        screenFailureDate: null,
        screenFailureReason: null,
        screenFailureDetail: null,
        enrollmentDate: null,
        treatmentStartDate: null,
        followUpDate: null,
        completionDate: null,
        withdrawalDate: null,
        withdrawalReason: null,
        withdrawalDetail: null,
        consents: [],
        confirmed: false,
      };
      if (isOwn) {
        const name = rng.pick(SURNAMES) + rng.pick(sex === 'M' ? GIVEN_NAMES_M : GIVEN_NAMES_F);
        subject.name = name;
        subject.initials = [...name].map((ch) => PINYIN_INITIAL[ch] ?? 'X').join('');
        subject.birthDate = iso(birthDay);
        subject.birthYear = Number(subject.birthDate.slice(0, 4)); // as the services keep it: the year follows the date
        const seq = rng.int(0, 499) * 2 + (sex === 'M' ? 1 : 0);
        const first17 = `${rng.pick(ID_REGIONS)}${iso(birthDay).replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
        subject.idNumber = first17 + idCheckChar(first17);
        let record: string;
        do record = String(rng.int(1_000_000, 9_999_999));
        while (recordNumbers.has(record));
        recordNumbers.add(record);
        subject.recordNumber = record;
        subject.phone = `1${rng.pick(['30', '31', '35', '36', '38', '39', '50', '58', '86', '88'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
        // the version current when consent was given (approved before that day)
        const v = approvals.filter((a) => a < d0).length - 1;
        if (v < 0) throw new Error('demo plan: consent before any approved version');
        subject.consents.push({ version: v, signedDate: iso(d0), obtainedBy: rng.pick(obtainers) });
      } else {
        const len = rng.weighted({ 2: 25, 3: 70, 4: 5 });
        subject.initials = Array.from({ length: Number(len) }, () => String.fromCharCode(65 + rng.int(0, 25))).join('');
        subject.birthYear = new Date(birthDay * DAY).getUTCFullYear();
      }
      if (f.phase === 'III') {
        subject.strata =
          setup.arms[0]!.label === '试验组'
            ? { 风险分层: rng.chance(0.35) ? '高危' : '标危' }
            : { 'Risk group': rng.chance(0.35) ? 'high' : 'standard' };
      }

      /** leaves before enrollment: waits (window still open, or the study paused) or is withdrawn at its end */
      const pending = (): number | null => {
        if (w.open || (t.final === 'suspended' && w === windows.at(-1))) return null;
        subject.status = 'withdrawn';
        subject.withdrawalDate = iso(w.to);
        subject.withdrawalReason = 'other';
        subject.withdrawalDetail = ENROLLMENT_CLOSED_DETAIL;
        steps.push({
          day: w.to,
          rank: 5,
          event: { at: 0, study: s, kind: 'subject.status', subject: 0, to: 'withdrawn' },
        });
        return w.to;
      };

      let end: number | null = null; // the day the subject left the study
      const d1 = d0 + (rng.chance(0.35) ? 0 : rng.int(1, 14));
      if (d1 > w.to) end = pending();
      else {
        subject.screeningDate = iso(d1);
        steps.push({ day: d1, rank: 2, event: { at: 0, study: s, kind: 'subject.screen', subject: 0 } });
        const failed = rng.chance(sfRate);
        subject.eligibility = Object.fromEntries(setup.criteria.map((cr) => [cr.code, cr.kind === 'inclusion']));
        if (failed) {
          const reason = rng.weighted(
            Object.fromEntries(
              setup.screenFailureReasons.map((x) => [
                x.code,
                SCREEN_FAILURE_REASONS.find((y) => y.code === x.code)!.weight,
              ]),
            ),
          );
          const template = SCREEN_FAILURE_REASONS.find((y) => y.code === reason)!;
          const candidates = setup.criteria.filter((cr) => {
            if (template.tags === null) return true;
            return (template.tags as readonly string[]).includes(tags.get(cr.code)!);
          });
          const failing = [rng.pick(candidates)];
          if (rng.chance(0.15)) failing.push(rng.pick(setup.criteria));
          for (const cr of failing) subject.eligibility[cr.code] = cr.kind !== 'inclusion';
          subject.status = 'screen_failed';
          subject.screenFailureDate = iso(d1);
          subject.screenFailureReason = reason;
          subject.screenFailureDetail =
            template.details.length > 0 && rng.chance(0.5) ? rng.pick(template.details) : null;
          end = d1;
        } else {
          const d2 = d1 + rng.int(1, 21);
          if (d2 > w.to) end = pending();
          else end = enroll(d2);
        }
      }

      // re-consent (own center): on each newer version approved while the subject was in the study
      if (isOwn) {
        const stop = Math.min(end ?? Infinity, lastDay + 1);
        for (let v = subject.consents[0]!.version + 1; v < approvals.length; v++) {
          const approved = approvals[v]!;
          if (approved >= stop) break;
          const day = approved + (rng.chance(0.9) ? rng.int(3, 45) : rng.int(46, 150));
          if (day >= stop || (v + 1 < approvals.length && day >= approvals[v + 1]!)) continue;
          subject.consents.push({ version: v, signedDate: iso(day), obtainedBy: rng.pick(obtainers) });
          steps.push({
            day,
            rank: 1,
            event: { at: 0, study: s, kind: 'subject.consent', subject: 0, consent: subject.consents.length - 1 },
          });
        }
      }
      return { subject, steps };

      /** enrolled on d2; then treatment, follow-up, completion or withdrawal, as far as the calendar allows */
      function enroll(d2: number): number | null {
        subject.status = 'enrolled';
        subject.enrollmentDate = iso(d2);
        subject.arm = rng.pick(setup.arms).code;
        subject.confirmed = !rng.chance(d2 > today - 30 ? 0.4 : 0.03);
        if (subject.confirmed)
          steps.push({ day: d2, rank: 3, event: { at: 0, study: s, kind: 'subject.sign', subject: 0 } });
        steps.push({ day: d2, rank: 4, event: { at: 0, study: s, kind: 'subject.enroll', subject: 0 } });
        // the natural course, as the schedule has it: follow-up from the end-of-treatment visit (its target give or take
        // the drift of the visits before it), completion on the last visit
        const d3 = d2 + rng.int(0, 7);
        const d4 = course.treatDays === null ? d3 + rng.int(1, 7) : d3 + course.treatDays + rng.int(0, 2);
        const d5 =
          course.treatDays === null
            ? Math.max(d4 + 1, d2 + course.followDays + rng.int(0, 3))
            : course.followDays === 0
              ? d4
              : d4 + course.followDays + rng.int(0, 3);
        let path: { day: number; to: SubjectStep }[] = [{ day: d3, to: 'on_treatment' }];
        if (d5 > d4) path.push({ day: d4, to: 'follow_up' });
        path.push({ day: d5, to: 'completed' });
        if (rng.chance(0.14)) {
          const dw = d2 + 1 + Math.floor(Math.pow(rng.next(), 1.3) * (d5 - d2 - 1));
          path = [...path.filter((p) => p.day < dw), { day: dw, to: 'withdrawn' }];
        }
        if (t.final === 'closed' && path.at(-1)!.day > lastDay) {
          // a closed study: everyone finished before the centers closed
          const k = ((lastDay - d2) / (path.at(-1)!.day - d2)) * (0.75 + 0.25 * rng.next());
          let prev = d2;
          path = path.map((p) => ({ ...p, day: (prev = Math.max(prev, d2 + Math.floor((p.day - d2) * k))) }));
        }
        if (t.final === 'terminated' && path.at(-1)!.day > lastDay) {
          // the sponsor terminated: whoever is still in the study is withdrawn before the centers close
          const reached = path.filter((p) => p.day <= lastDay - 20);
          const from = Math.max(d2, reached.at(-1)?.day ?? d2);
          path = [...reached, { day: Math.max(from, lastDay - rng.int(0, 20)), to: 'withdrawn' }];
          subject.withdrawalReason = 'other';
          subject.withdrawalDetail = TERMINATION_DETAIL;
        }
        path = path.filter((p) => p.day <= lastDay);
        for (const p of path) {
          subject.status = p.to;
          steps.push({ day: p.day, rank: 5, event: { at: 0, study: s, kind: 'subject.status', subject: 0, to: p.to } });
          if (p.to === 'on_treatment') subject.treatmentStartDate = iso(p.day);
          if (p.to === 'follow_up') subject.followUpDate = iso(p.day);
          if (p.to === 'completed') subject.completionDate = iso(p.day);
          if (p.to === 'withdrawn') {
            subject.withdrawalDate = iso(p.day);
            if (!subject.withdrawalReason) {
              const reason = rng.weighted(WITHDRAWAL_WEIGHTS);
              subject.withdrawalReason = reason;
              subject.withdrawalDetail =
                reason === 'other' || rng.chance(0.6) ? rng.pick(WITHDRAWAL_DETAILS[reason]) : null;
            }
          }
        }
        if (subject.status !== 'withdrawn') {
          subject.withdrawalReason = null;
          subject.withdrawalDetail = null;
        }
        const last = path.at(-1);
        return last && (last.to === 'completed' || last.to === 'withdrawn') ? last.day : null;
      }
    }
  });

  // --- targets and caps that fit what happened: no center beyond its hard cap (large: targets from enrollment)
  const enrolled = studies.map((st) => st.centers.map(() => 0));
  for (const x of subjects) if (x.enrollmentDate !== null) enrolled[x.study]![x.center]!++;
  studies.forEach((study, s) => {
    if (counts[s] === 0) return;
    study.centers.forEach((c, i) => {
      const e = enrolled[s]![i]!;
      if (scale === 'large' && e > 0) {
        const [lo, hi] = FILL[lines[s]!.final] ?? [1, 1];
        c.enrollmentTarget = Math.max(1, Math.round(e / (lo + rng.next() * (hi - lo))));
        c.hardCap =
          s === big && c.isOwn
            ? null
            : c.hardCap === null
              ? null
              : Math.max(
                  e,
                  c.enrollmentTarget + Math.max(1, Math.round(c.enrollmentTarget * (0.1 + rng.next() * 0.2))),
                );
      } else if (c.hardCap !== null && e > c.hardCap) {
        c.hardCap = e + rng.int(0, 2);
      }
    });
    study.fields.enrollmentTarget = study.centers.reduce((n, c) => n + (c.enrollmentTarget ?? 0), 0);
  });
  return { setups, consentVersions: versionsOf, schedules, subjects, events };
}
