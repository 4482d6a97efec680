/**
 * Plans the demo's adverse events (issue 6) from the planned subjects: 2.5 events per subject of the plan (150,000 on
 * the large scale), only for subjects with a consent (our own center's), spread over their time in the study (mostly
 * on treatment, a few during screening), each with its story as the site records it:
 * - the coordinator or the investigator records the event a few days after onset (an SAE within hours of the
 *   investigator's awareness); a coordinator's entry is assessed (causality, expectedness) by the investigator later;
 * - an event that ends after it was recorded gets its end date and outcome in an edit, with the reason;
 * - an SAE is reported to the sponsor (initial report, on time or late; follow-ups), a handful are still open;
 * - the investigator signs "AE assessed" a few days after the last change (the recent ones are not signed yet; a few
 *   signatures were invalidated by a later edit).
 * Deaths (subjects withdrawn for death) are fatal grade 5 SAEs, withdrawals for an AE have theirs. Every record keeps the
 * rules of core/safety/aes.ts. Pure and deterministic (its own seeded generators); ae-writer.ts writes it.
 */
import type {
  AeAction,
  AeCausality,
  AeOutcome,
  AeSeverity,
  AeSeverityScale,
  ReportMethod,
  SeriousCriterion,
} from '../../api/safety';
import { reportDueAt, isRelated } from '../safety/clock';
import {
  AE_NOTES,
  AE_TERMS,
  AREA_WEIGHTS,
  ASSESSMENT_REASON,
  FATAL_TERMS,
  FOLLOW_UP_NOTES,
  RESOLVED_REASON,
  SAE_RECIPIENTS,
  WITHDRAWAL_AES,
  type DemoAeTerm,
} from './ae-catalog';
import { createRng, type Rng } from './prng';
import type { DemoPlan, DemoStudy, DemoSubject } from './plan';

/** an SAE due / overdue (open), reported late, a SUSAR; an AE whose signature a later edit invalidated */
type Forced = 'due' | 'overdue' | 'late' | 'susar' | 'invalidated';

/** AEs per subject of the plan (consented or not): 150,000 for the large scale's 60,000 subjects. */
export const AES_PER_SUBJECT = 2.5;
/** The SAE reporting hours of the demo's studies (the default). */
const SAE_HOURS = 24;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The clinical content of an AE at one moment (the columns the services write; visit_id is looked up when written). */
export interface DemoAeState {
  verbatimTerm: string;
  ctcaeCode: string | null;
  ctcaeTerm: string | null;
  soc: string | null;
  grade: number | null;
  severity: AeSeverity | null;
  startDate: string;
  endDate: string | null;
  ongoing: boolean;
  serious: boolean;
  seriousCriteria: SeriousCriterion[];
  awarenessAt: string | null;
  reportDueAt: string | null;
  expected: boolean | null;
  causality: AeCausality | null;
  related: boolean;
  action: AeAction | null;
  treatment: string | null;
  outcome: AeOutcome | null;
  notes: string | null;
}

export type AeActor = 'coordinator' | 'investigator';
/** One step of an AE's story, or a study's severity scale set (ae = -1). */
export type DemoAeEvent = { at: number } & (
  | { kind: 'settings'; study: number; scale: AeSeverityScale; reason: string }
  | { kind: 'create'; ae: number; by: AeActor; state: DemoAeState }
  /** an edit: the fields it changes */
  | { kind: 'update'; ae: number; by: AeActor; patch: Partial<DemoAeState>; reason: string }
  | {
      kind: 'report';
      ae: number;
      number: number;
      sentAt: string;
      recipient: string;
      method: ReportMethod;
      notes: string | null;
    }
  | { kind: 'sign'; ae: number }
);

export interface DemoAe {
  /** index into plan.subjects */
  subject: number;
  study: number;
  /** 1, 2 … per subject, in the order recorded */
  number: number;
  /** the record as of today */
  final: DemoAeState;
  createdAt: number;
  createdBy: AeActor;
  /** the last change of the row (create, edit, initial report) */
  updatedAt: number;
  reportedAt: string | null;
  /** the latest signature vouches for the final content */
  signed: boolean;
  /** link the event to the visit at which it was recorded (when there is one) */
  linkVisit: boolean;
}

export interface DemoAes {
  /** each study's severity scale, by plan index */
  scales: AeSeverityScale[];
  aes: DemoAe[];
  /** sorted by time */
  events: DemoAeEvent[];
}

const iso = (t: number) => new Date(t).toISOString();
const dayOf = (t: number) => Math.floor(t / DAY);
const dayNum = (date: string) => Date.parse(`${date}T00:00:00.000Z`) / DAY;
const dates = new Map<number, string>();
const dateOf = (day: number) => {
  let d = dates.get(day);
  if (d === undefined) dates.set(day, (d = new Date(day * DAY).toISOString().slice(0, 10)));
  return d;
};
const CRITERIA_ORDER: readonly SeriousCriterion[] = [
  'death',
  'life_threatening',
  'hospitalisation',
  'disability',
  'congenital_anomaly',
  'medically_important',
];
const TERM = new Map(AE_TERMS.map((x) => [x.term, x]));
const term = (name: string): DemoAeTerm => {
  const found = TERM.get(name);
  if (!found) throw new Error(`demo AE catalog: no term ${name}`);
  return found;
};

/** A study's scale: CTCAE grades, except the post-marketing, bioequivalence and non-oncology studies (AESEV). */
export const demoSeverityScale = (study: Pick<DemoStudy, 'fields'>): AeSeverityScale =>
  study.fields.phase === 'BE' || study.fields.phase === 'IV' || study.fields.therapeuticArea === 'other'
    ? 'aesev'
    : 'ctcae';
const SCALE_REASON = '方案规定按轻度/中度/重度评估不良事件严重程度（不采用 CTCAE 分级）';

/** Cumulative weights of the terms, per therapeutic area. */
function termPicker(area: DemoStudy['fields']['therapeuticArea']) {
  const mult = AREA_WEIGHTS[area];
  const cumulative: number[] = [];
  let sum = 0;
  for (const x of AE_TERMS) cumulative.push((sum += x.weight * (mult[x.term] ?? 1)));
  return (rng: Rng): DemoAeTerm => {
    const r = rng.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return AE_TERMS[lo]!;
  };
}

function pickWeighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [x, w] of items) {
    r -= w;
    if (r < 0) return x;
  }
  return items.at(-1)![0];
}

/** The grades 1–4 each term defines, with their weights. */
const GRADE_WEIGHTS = new Map(
  AE_TERMS.map((x) => [
    x,
    [1, 2, 3, 4].filter((g) => x.grades.includes(g)).map((g) => [g, x.gradeWeights[g - 1]!] as const),
  ]),
);
/** A grade the term defines, 1–4 by its weights. */
const pickGrade = (rng: Rng, x: DemoAeTerm): number => pickWeighted(rng, GRADE_WEIGHTS.get(x)!);

const SERIOUS_BY_GRADE = [0, 0.013, 0.07, 0.32, 0.5] as const;
const ACTIONS: Record<number, readonly (readonly [AeAction, number])[]> = {
  1: [
    ['DOSE NOT CHANGED', 97],
    ['DRUG INTERRUPTED', 3],
  ],
  2: [
    ['DOSE NOT CHANGED', 80],
    ['DRUG INTERRUPTED', 15],
    ['DOSE REDUCED', 5],
  ],
  3: [
    ['DOSE NOT CHANGED', 30],
    ['DRUG INTERRUPTED', 45],
    ['DOSE REDUCED', 20],
    ['DRUG WITHDRAWN', 5],
  ],
  4: [
    ['DOSE NOT CHANGED', 10],
    ['DRUG INTERRUPTED', 55],
    ['DOSE REDUCED', 25],
    ['DRUG WITHDRAWN', 10],
  ],
};
const RELATED: readonly (readonly [AeCausality, number])[] = [
  ['possibly', 45],
  ['probably', 38],
  ['definitely', 17],
];
const NOT_RELATED: readonly (readonly [AeCausality, number])[] = [
  ['not_related', 55],
  ['unlikely', 45],
];
/** days from onset to awareness (SAE); from onset to the entry (the next visit); to an edit; to the signature */
const AWARENESS_LAG = [
  [0, 60],
  [1, 30],
  [2, 7],
  [3, 3],
] as const;
const RECORD_LAG = [
  [0, 25],
  [1, 20],
  [2, 12],
  [3, 10],
  [5, 10],
  [7, 12],
  [10, 6],
  [14, 5],
] as const;
const EDIT_LAG = [
  [0, 20],
  [1, 20],
  [3, 20],
  [7, 25],
  [14, 15],
] as const;
const SIGN_LAG = [
  [1, 25],
  [3, 25],
  [7, 25],
  [14, 15],
  [21, 10],
] as const;
/** minutes from the SAE's entry to the initial report, at most (when on time) */
const REPORT_WITHIN = [
  [90, 45],
  [240, 30],
  [600, 15],
  [1200, 10],
] as const;
const FOLLOW_UPS = [
  [0, 35],
  [1, 40],
  [2, 18],
  [3, 7],
] as const;
const METHODS: readonly (readonly [ReportMethod, number])[] = [
  ['email', 62],
  ['edc', 18],
  ['fax', 14],
  ['phone', 3],
  ['other', 3],
];

/** The subject's days in the study for AEs: from consent to leaving (or today), and from the first dose. */
interface Span {
  k: number;
  consent: number;
  /** first day of treatment (null: never treated) */
  treatment: number | null;
  last: number;
  /** registration instant: nothing is recorded before */
  registeredAt: number;
  weight: number;
}

function spanOf(x: DemoSubject, k: number, registeredAt: number, today: number): Span | null {
  if (x.consents.length === 0) return null;
  const consent = dayNum(x.consents[0]!.signedDate);
  const exit = x.screenFailureDate ?? x.withdrawalDate ?? x.completionDate;
  let last = exit ? Math.min(dayNum(exit), today) : today;
  // AEs are collected until about 30 days into follow-up
  if (x.followUpDate) last = Math.min(last, dayNum(x.followUpDate) + 30);
  const first = x.treatmentStartDate ?? x.enrollmentDate;
  const treatment = first && dayNum(first) <= last ? dayNum(first) : null;
  if (last < consent) return null;
  const screening = (treatment ?? last + 1) - consent;
  const treated = treatment === null ? 0 : last - treatment + 1;
  return {
    k,
    consent,
    treatment,
    last,
    registeredAt,
    weight: 0.2 * Math.min(screening, 60) + Math.min(treated, 900),
  };
}

/** Largest-remainder split of `total` over the weights (deterministic). */
function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, n) => s + n, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) out[order[j]![1]]!++;
  return out;
}

export interface AePlanOptions {
  /** AEs in all (default AES_PER_SUBJECT × subjects) */
  total?: number;
  /**
   * SAEs made on purpose, so that every state shows: open ones, due (awareness in the last hours) and overdue (days
   * ago, not reported); one reported late; a SUSAR (related, unexpected); an AE signed, then edited (invalidated)
   */
  forced?: Record<Forced, number>;
}

export function planAes(plan: DemoPlan, opts: AePlanOptions = {}): DemoAes {
  const base = Date.parse(`${plan.baseDate}T00:00:00.000Z`);
  const today = dayOf(base);
  /** nothing of the AEs is recorded after this instant (09:30 in Beijing on the demo's today) */
  const limit = base + 90 * MINUTE;
  const total = opts.total ?? Math.round(AES_PER_SUBJECT * plan.subjects.length);
  const wanted =
    opts.forced ??
    (plan.scale === 'large'
      ? { due: 6, overdue: 10, late: 0, susar: 0, invalidated: 0 }
      : { due: 1, overdue: 1, late: 1, susar: 1, invalidated: 1 });
  const seed = (plan.scale === 'large' ? 0x0ae5_1a26 : 0x0ae5_5a11) >>> 0;
  const rng = createRng(seed);

  const scales = plan.studies.map(demoSeverityScale);
  const events: DemoAeEvent[] = [];
  // the scale is set with the study's subject set-up
  for (const e of plan.events)
    if (e.kind === 'setup.create' && scales[e.study] === 'aesev')
      events.push({
        at: e.at + rng.int(20, 90) * MINUTE,
        kind: 'settings',
        study: e.study,
        scale: 'aesev',
        reason: SCALE_REASON,
      });

  const registered = new Map<number, number>();
  for (const e of plan.events) if (e.kind === 'subject.create') registered.set(e.subject, e.at);
  const spans: Span[] = [];
  plan.subjects.forEach((x, k) => {
    const at = registered.get(k);
    // registered in the last hours before the limit: nothing to record yet
    if (at === undefined || at > limit - 2 * HOUR) return;
    const s = spanOf(x, k, at, today);
    if (s) spans.push(s);
  });

  // the special events first (deaths, withdrawals for an AE), then the rest by each subject's time in the study
  const specials = new Map<number, ('fatal' | 'withdrawal')[]>();
  const special = (k: number, kind: 'fatal' | 'withdrawal') => specials.set(k, [...(specials.get(k) ?? []), kind]);
  for (const s of spans) {
    const x = plan.subjects[s.k]!;
    if (x.withdrawalReason === 'death' && x.withdrawalDate) {
      const likely = x.withdrawalDetail === '重症感染死亡' ? 1 : 0.4;
      if (rng.chance(likely)) special(s.k, 'fatal');
    }
    if (x.withdrawalReason === 'adverse_event' && x.withdrawalDetail && WITHDRAWAL_AES[x.withdrawalDetail])
      special(s.k, 'withdrawal');
  }
  const specialCount = [...specials.values()].reduce((n, l) => n + l.length, 0);
  const counts = allocate(
    Math.max(0, total - specialCount),
    spans.map((s) => s.weight * (0.3 + 1.4 * rng.next())),
  );

  // the SAEs made on purpose: subjects treated for a while with events to spare, in CTCAE studies, the first studies
  // first (the demo accounts' own); the open ones of subjects still on treatment
  const forced = new Map<number, Forced>();
  const candidates = spans
    .map((s, i) => ({ s, i, x: plan.subjects[s.k]! }))
    .filter(
      ({ s, i, x }) =>
        counts[i]! > 0 &&
        s.treatment !== null &&
        s.treatment < s.last - 14 &&
        scales[x.study] === 'ctcae' &&
        !specials.has(s.k),
    )
    .sort((a, b) => a.x.study - b.x.study || a.i - b.i);
  const onTreatment = candidates.filter((c) => c.x.status === 'on_treatment' && c.s.last === today);
  const open = new Set(onTreatment);
  const others = candidates.filter((c) => !open.has(c));
  const kinds = (Object.keys(wanted) as Forced[]).flatMap((kind) => new Array<Forced>(wanted[kind]).fill(kind));
  const pool = {
    open: rng.shuffle(onTreatment.slice(0, Math.max(kinds.length, 4) * 3)),
    other: rng.shuffle(others.slice(0, Math.max(kinds.length, 4) * 3)),
  };
  for (const kind of kinds) {
    const from = kind === 'due' || kind === 'overdue' || pool.other.length === 0 ? pool.open : pool.other;
    const c = from.find((x) => !forced.has(x.s.k));
    if (c) forced.set(c.s.k, kind);
  }

  const aes: DemoAe[] = [];
  const pickers = new Map<string, (r: Rng) => DemoAeTerm>();
  spans.forEach((span, i) => {
    const x = plan.subjects[span.k]!;
    const study = plan.studies[x.study]!;
    const area = study.fields.therapeuticArea;
    let pick = pickers.get(area);
    if (!pick) pickers.set(area, (pick = termPicker(area)));
    const subjectRng = createRng((seed ^ Math.imul(span.k + 1, 0x9e37_79b1)) >>> 0);
    const made = planSubjectAes({
      rng: subjectRng,
      x,
      span,
      study,
      scale: scales[x.study]!,
      count: counts[i]!,
      specials: specials.get(span.k) ?? [],
      forced: forced.get(span.k) ?? null,
      pick,
      today,
      limit,
      // finding the visit is a read of the subject's visits: the demo links half, the large seed a few
      linkVisits: plan.scale === 'large' ? 0.05 : 0.5,
    });
    for (const m of made) {
      const index = aes.length;
      m.ae.subject = span.k;
      aes.push(m.ae);
      for (const e of m.events) {
        if (e.kind !== 'settings') e.ae = index;
        events.push(e);
      }
    }
  });
  events.sort((a, b) => a.at - b.at);
  return { scales, aes, events };
}

type Planned = { ae: DemoAe; events: DemoAeEvent[] };

interface SubjectArgs {
  rng: Rng;
  x: DemoSubject;
  span: Span;
  study: DemoStudy;
  scale: AeSeverityScale;
  count: number;
  specials: readonly ('fatal' | 'withdrawal')[];
  forced: Forced | null;
  pick: (r: Rng) => DemoAeTerm;
  /** the share of AEs linked to the visit at which they were recorded */
  linkVisits: number;
  today: number;
  limit: number;
}

/** One subject's AEs, numbered in the order recorded. */
function planSubjectAes(a: SubjectArgs): Planned[] {
  const { rng, x, span, today, limit } = a;
  /** a time on `day` during Beijing office hours (01:00–09:00 UTC) */
  const office = (day: number) => day * DAY + HOUR + rng.int(0, 8 * HOUR - 1);
  const drafts: Draft[] = [];
  const onsetDay = (): number => {
    const inScreening =
      span.treatment === null ||
      rng.next() < (0.2 * Math.min(span.treatment - span.consent, 60)) / Math.max(span.weight, 1);
    return inScreening
      ? rng.int(span.consent, span.treatment === null ? span.last : Math.max(span.consent, span.treatment - 1))
      : rng.int(span.treatment!, span.last);
  };
  for (let i = 0; i < a.count; i++) {
    const forced = i === a.count - 1 ? a.forced : null;
    // the open ones start in the last days (draft), the others made on purpose well before today
    const onset =
      forced === 'due' || forced === 'overdue'
        ? null
        : forced
          ? rng.int(span.treatment!, Math.min(span.last, today - 10))
          : onsetDay();
    drafts.push(draft(a, onset, a.pick(rng), null, forced));
  }
  for (const kind of a.specials) {
    const deathDay = x.withdrawalDate ? dayNum(x.withdrawalDate) : span.last;
    const from = Math.max(span.treatment ?? span.consent, span.consent);
    if (kind === 'fatal') {
      const name = rng.pick(FATAL_TERMS[x.withdrawalDetail ?? ''] ?? FATAL_TERMS['重症感染死亡']!);
      drafts.push(draft(a, Math.max(from, deathDay - rng.int(1, 10)), term(name), { fatal: deathDay }, null));
    } else {
      const w = WITHDRAWAL_AES[x.withdrawalDetail!]!;
      drafts.push(draft(a, Math.max(from, deathDay - rng.int(3, 28)), term(w.term), { grade: w.grade }, null));
    }
  }
  // numbered in the order recorded
  drafts.sort((p, q) => p.createdAt - q.createdAt);
  return drafts.map((d, i) => story(a, d, i + 1, office, today, limit));
}

interface Draft {
  t: DemoAeTerm;
  onset: number;
  grade: number;
  serious: boolean;
  criteria: SeriousCriterion[];
  /** the day the event ended (null: beyond what is known) */
  end: number | null;
  fatal: boolean;
  awareness: number | null;
  createdAt: number;
  /** an SAE made on purpose (open ones are left unreported) */
  forced: Forced | null;
  withdrawal: boolean;
}

function draft(
  a: SubjectArgs,
  onsetOrNull: number | null,
  t: DemoAeTerm,
  special: { fatal: number } | { grade: number } | null,
  forced: Forced | null,
): Draft {
  const { rng, span, today, limit } = a;
  const fatal = special !== null && 'fatal' in special;
  let grade = special === null ? pickGrade(rng, t) : 'grade' in special ? special.grade : 5;
  let onset = onsetOrNull ?? today;
  let awareness: number | null = null;
  if (forced === 'due' || forced === 'overdue') {
    // awareness in the last hours (due at the seed's "now") or days ago (overdue); reported by nobody yet
    awareness =
      forced === 'due'
        ? limit - rng.int(30, 20 * 60) * MINUTE
        : (today - rng.int(2, 9)) * DAY + rng.int(0, 15 * 60) * MINUTE;
    onset = Math.max(span.treatment ?? span.consent, dayOf(awareness) - rng.int(0, 1));
  }
  const forcedSerious = forced !== null && forced !== 'invalidated';
  if (forcedSerious && grade < 3) grade = t.grades.includes(3) ? 3 : Math.max(...t.grades.filter((g) => g < 5));
  const pSerious = Math.min(0.95, SERIOUS_BY_GRADE[Math.min(grade, 4)]! * t.serious);
  const serious = fatal || forcedSerious || rng.chance(pSerious);
  const criteria: SeriousCriterion[] = [];
  if (serious) {
    const set = new Set<SeriousCriterion>();
    if (fatal) set.add('death');
    if (grade === 4 && rng.chance(0.6)) set.add('life_threatening');
    if (fatal || grade === 4 ? rng.chance(0.8) : grade === 3 ? rng.chance(0.85) : rng.chance(0.6))
      set.add('hospitalisation');
    if (t.term === 'Peripheral sensory neuropathy' && grade >= 3 && rng.chance(0.3)) set.add('disability');
    if (set.size === 0 || rng.chance(0.05)) set.add('medically_important');
    criteria.push(...CRITERIA_ORDER.filter((c) => set.has(c)));
  }
  // how long it lasts: a fatal one ends with the death
  const [dMin, dMax] = t.days;
  // (the one edited after its signature lasts beyond its entry)
  const length = Math.max(forced === 'invalidated' ? 20 : 0, Math.round(rng.int(dMin, dMax) * (grade >= 3 ? 1.3 : 1)));
  const end = fatal ? special.fatal : onset + length;
  if (serious && awareness === null) {
    const lag = pickWeighted(rng, AWARENESS_LAG);
    const day = fatal ? end : Math.min(onset + lag, today);
    // any hour from 08:00 to 24:00 in Beijing
    awareness = day * DAY + rng.int(0, 16 * 60 - 1) * MINUTE;
    if (awareness > limit - 30 * MINUTE) awareness = limit - rng.int(30, 90) * MINUTE;
  }
  // recorded: an SAE within hours of the awareness; the others at the next visit after onset, or — most short ones —
  // from the source once they are over (at the visit after they ended)
  const retrospective = !serious && !forced && end <= today && end - onset <= 60 && rng.chance(0.9);
  let createdAt =
    awareness !== null
      ? awareness + rng.int(15, 240) * MINUTE
      : (retrospective ? end : onset) * DAY + HOUR + pickWeighted(rng, RECORD_LAG) * DAY + rng.int(0, 8 * HOUR - 1);
  createdAt = Math.max(createdAt, span.registeredAt + rng.int(5, 60) * MINUTE);
  if (createdAt > limit) createdAt = limit - rng.int(1, 25) * MINUTE;
  if (awareness !== null && awareness >= createdAt) awareness = createdAt - rng.int(5, 15) * MINUTE;
  if (awareness !== null && dayOf(awareness) < onset) onset = dayOf(awareness);
  return {
    t,
    onset,
    grade,
    serious,
    criteria,
    end: fatal || end <= today ? end : null,
    fatal,
    awareness,
    createdAt,
    forced,
    withdrawal: special !== null && 'grade' in special,
  };
}

/** An AE's story from a draft: its states, edits, reports and signatures, in time order. */
function story(
  a: SubjectArgs,
  d: Draft,
  number: number,
  office: (day: number) => number,
  today: number,
  limit: number,
): Planned {
  const { rng, x, span, study, scale } = a;
  const t = d.t;
  const treated = span.treatment !== null && d.onset >= span.treatment;
  const ctcae = scale === 'ctcae';
  const severity: AeSeverity | null = ctcae ? null : d.grade <= 1 ? 'MILD' : d.grade === 2 ? 'MODERATE' : 'SEVERE';
  // the investigator's assessment: nothing drug-related before the first dose
  const susar = d.forced === 'susar' && treated;
  const related = susar || (treated && rng.chance(Math.min(0.98, t.related * (d.grade >= 3 ? 1.05 : 1))));
  const causality = pickWeighted(rng, related ? RELATED : NOT_RELATED);
  const expected = !susar && rng.chance(d.serious ? t.expected * 0.92 : t.expected);
  const action: AeAction = !treated
    ? 'NOT APPLICABLE'
    : d.fatal || d.withdrawal
      ? 'DRUG WITHDRAWN'
      : pickWeighted(rng, ACTIONS[Math.min(d.grade, 4)]!);
  const treatment = t.treatments.length > 0 && rng.chance(d.grade >= 2 ? 0.85 : 0.2) ? rng.pick(t.treatments) : null;
  const notes = rng.chance(0.04) ? rng.pick(AE_NOTES) : null;
  const verbatim = rng.pick(t.verbatim);
  const sequelae = t.term === 'Peripheral sensory neuropathy' ? 0.3 : 0.03;
  const endedOutcome: AeOutcome = d.fatal
    ? 'FATAL'
    : rng.chance(sequelae)
      ? 'RECOVERED/RESOLVED WITH SEQUELAE'
      : 'RECOVERED/RESOLVED';
  const ongoingOutcome: AeOutcome =
    x.withdrawalReason === 'lost_to_follow_up' && rng.chance(0.5)
      ? 'UNKNOWN'
      : rng.chance(0.55)
        ? 'NOT RECOVERED/NOT RESOLVED'
        : 'RECOVERING/RESOLVING';
  const awarenessAt = d.awareness === null ? null : iso(d.awareness);
  const assessedNow: Pick<DemoAeState, 'causality' | 'expected' | 'related'> = {
    causality,
    expected,
    related: isRelated(causality),
  };
  const unassessed: Pick<DemoAeState, 'causality' | 'expected' | 'related'> = {
    causality: null,
    expected: null,
    related: false,
  };

  // who records it: the investigator with the assessment, or the coordinator (assessed by the investigator later)
  const mode =
    d.forced === 'invalidated'
      ? 'investigator'
      : pickWeighted(rng, [
          ['investigator', d.serious ? 80 : 83],
          ['coordinator', d.serious ? 19 : 12],
          ['never', d.serious ? 1 : 5],
        ] as const);
  const createdBy: AeActor = mode === 'investigator' ? 'investigator' : 'coordinator';

  // the end: known when recorded, or added in an edit after it ended (none after the subject has long left)
  const createdDay = dayOf(d.createdAt);
  let resolvedAt: number | null = null;
  let ended = d.end !== null && d.end <= createdDay;
  const open = d.forced === 'due' || d.forced === 'overdue';
  if (d.end !== null && !ended && d.end <= span.last + 30 && !open) {
    const at = Math.max(office(d.end + pickWeighted(rng, EDIT_LAG)), d.createdAt + 10 * MINUTE);
    if (at <= limit) resolvedAt = at;
  }
  if (d.fatal) ended = true;

  const first: DemoAeState = {
    verbatimTerm: verbatim,
    ctcaeCode: t.code,
    ctcaeTerm: t.term,
    soc: t.soc,
    grade: ctcae ? d.grade : null,
    severity,
    startDate: dateOf(d.onset),
    endDate: ended ? dateOf(d.end!) : null,
    ongoing: !ended,
    serious: d.serious,
    seriousCriteria: d.criteria,
    awarenessAt,
    reportDueAt: awarenessAt ? reportDueAt(awarenessAt, SAE_HOURS) : null,
    ...(mode === 'investigator' ? assessedNow : unassessed),
    action,
    treatment,
    outcome: ended ? endedOutcome : ongoingOutcome,
    notes,
  };

  type Change = { at: number; by: AeActor; patch: Partial<DemoAeState>; reason: string };
  const changes: Change[] = [];
  if (mode === 'coordinator') {
    const at = Math.max(
      office(createdDay + (d.serious ? rng.int(0, 2) : pickWeighted(rng, EDIT_LAG))),
      d.createdAt + rng.int(10, 120) * MINUTE,
    );
    if (at <= limit) changes.push({ at, by: 'investigator', patch: assessedNow, reason: ASSESSMENT_REASON });
  }
  if (resolvedAt !== null)
    changes.push({
      at: resolvedAt,
      by: 'coordinator',
      patch: { endDate: dateOf(d.end!), ongoing: false, outcome: endedOutcome },
      reason: RESOLVED_REASON,
    });
  changes.sort((p, q) => p.at - q.at);
  for (let i = 1; i < changes.length; i++)
    if (changes[i]!.at <= changes[i - 1]!.at) changes[i]!.at = changes[i - 1]!.at + rng.int(1, 30) * MINUTE;

  // SAE reports: the initial one (on time, or late now and then), follow-ups; none for the open ones
  const reports: { at: number; sentAt: number; number: number; notes: string | null }[] = [];
  if (d.serious && d.awareness !== null && !open) {
    const due = d.awareness + SAE_HOURS * HOUR;
    const onTime = d.forced !== 'late' && rng.chance(0.93) && due - d.createdAt > 20 * MINUTE;
    // most within a few hours of the entry
    const within = pickWeighted(rng, REPORT_WITHIN);
    const sentAt = onTime
      ? d.createdAt + rng.int(10, Math.min(Math.floor((due - d.createdAt) / MINUTE) - 5, within)) * MINUTE
      : Math.max(due, d.createdAt) + rng.int(60, 96 * 60) * MINUTE;
    if (sentAt + 60 * MINUTE <= limit) {
      reports.push({ at: sentAt + rng.int(1, 60) * MINUTE, sentAt, number: 0, notes: null });
      const followUps = pickWeighted(rng, FOLLOW_UPS);
      let prev = sentAt;
      for (let n = 1; n <= followUps; n++) {
        const s = office(dayOf(prev) + rng.int(2, 15));
        if (s + 60 * MINUTE > limit) break;
        reports.push({ at: s + rng.int(1, 60) * MINUTE, sentAt: s, number: n, notes: rng.pick(FOLLOW_UP_NOTES) });
        prev = s;
      }
    }
  }

  // the investigator signs "AE assessed" some days after the last change; a few signed before an edit (invalidated)
  const signs: number[] = [];
  const assessedAt = mode === 'investigator' ? d.createdAt : changes.find((c) => c.patch.causality)?.at;
  if (assessedAt !== undefined && (d.forced !== null || !rng.chance(0.035))) {
    const lastChange = Math.max(d.createdAt, ...changes.map((c) => c.at));
    const lag = () => pickWeighted(rng, SIGN_LAG);
    if (resolvedAt !== null && resolvedAt > assessedAt && (d.forced === 'invalidated' || rng.chance(0.12))) {
      const early = office(dayOf(assessedAt) + rng.int(0, Math.max(0, dayOf(resolvedAt) - dayOf(assessedAt) - 1)));
      if (early > assessedAt && early < resolvedAt) signs.push(early);
      if (d.forced !== 'invalidated' && rng.chance(0.5)) signs.push(office(dayOf(lastChange) + lag()));
    } else signs.push(office(dayOf(lastChange) + lag()));
  }

  // the timeline, each step after the one before
  type Step =
    | { at: number; kind: 'change'; change: Change }
    | { at: number; kind: 'report'; report: (typeof reports)[number] }
    | { at: number; kind: 'sign' };
  const steps: Step[] = [
    ...changes.map((change) => ({ at: change.at, kind: 'change' as const, change })),
    ...reports.map((report) => ({ at: report.at, kind: 'report' as const, report })),
    ...signs.map((at) => ({ at, kind: 'sign' as const })),
  ].sort((p, q) => p.at - q.at);
  const events: DemoAeEvent[] = [{ at: d.createdAt, kind: 'create', ae: -1, by: createdBy, state: first }];
  let state = first;
  let prev = d.createdAt;
  let updatedAt = d.createdAt;
  let reportedAt: string | null = null;
  let signedState: DemoAeState | null = null;
  const lang = /[\u4e00-\u9fff]/.test(study.fields.title) ? 'zh' : 'en';
  const recipient =
    lang === 'zh'
      ? `${study.fields.sponsor}${rng.pick(SAE_RECIPIENTS.zh)}`
      : `${study.fields.sponsor} ${rng.pick(SAE_RECIPIENTS.en)}`;
  const method = pickWeighted(rng, METHODS);
  for (const s of steps) {
    const at = Math.max(s.at, prev + MINUTE);
    if (at > limit) break;
    prev = at;
    if (s.kind === 'change') {
      state = { ...state, ...s.change.patch };
      events.push({ at, kind: 'update', ae: -1, by: s.change.by, patch: s.change.patch, reason: s.change.reason });
      updatedAt = at;
    } else if (s.kind === 'report') {
      events.push({
        at,
        kind: 'report',
        ae: -1,
        number: s.report.number,
        sentAt: iso(s.report.sentAt),
        recipient,
        method: s.report.number === 0 ? method : pickWeighted(rng, METHODS),
        notes: s.report.notes,
      });
      if (s.report.number === 0) {
        reportedAt = iso(s.report.sentAt);
        updatedAt = at;
      }
    } else if (state.causality !== null) {
      events.push({ at, kind: 'sign', ae: -1 });
      signedState = state;
    }
  }
  return {
    ae: {
      subject: -1,
      study: x.study,
      number,
      final: state,
      createdAt: d.createdAt,
      createdBy,
      updatedAt,
      reportedAt,
      signed: signedState === state,
      linkVisit: rng.chance(a.linkVisits),
    },
    events,
  };
}
