/** Contract shapes of visit schedules, planned and recorded visits, the worklist, deviations and holidays (issue 5). */
import { z } from 'zod';
import {
  deviationCategories,
  deviationDecisions,
  deviationSeverities,
  holidayKinds,
  recordableVisitStatuses,
  visitAnchors,
  visitKinds,
  visitStatuses,
} from '../../db/schema/vocabulary';
import { id, isoDate, optionalDate, optionalText, reason, text } from './common';

export {
  deviationCategories,
  deviationDecisions,
  deviationSeverities,
  holidayKinds,
  recordableVisitStatuses,
  visitAnchors,
  visitKinds,
  visitStatuses,
};
export type VisitAnchor = (typeof visitAnchors)[number];
export type VisitKind = (typeof visitKinds)[number];
export type VisitStatus = (typeof visitStatuses)[number];
export type RecordableVisitStatus = (typeof recordableVisitStatuses)[number];
export type DeviationDecision = (typeof deviationDecisions)[number];
export type DeviationCategory = (typeof deviationCategories)[number];
export type DeviationSeverity = (typeof deviationSeverities)[number];
export type HolidayKind = (typeof holidayKinds)[number];

// ---------- schedule definitions (input and output share the shape) ----------
const visitCode = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .max(20)
  .regex(/^[A-Za-z0-9_.-]+$/, { message: 'validation.code' });
/** Whole days in a range; out of range reads "at least / at most N" (validation.min / max). */
const days = (min: number, max: number) =>
  z.number({ message: 'validation.number' }).int({ message: 'validation.number' }).min(min).max(max);
/** A window side: 0 days or more, with its own message for a negative width. */
const windowDays = z
  .number({ message: 'validation.number' })
  .int({ message: 'validation.number' })
  .min(0, { message: 'validation.windowNegative' })
  .max(365);
const nullableDays = (min: number, max: number) =>
  days(min, max)
    .nullish()
    .transform((n) => n ?? null);

/**
 * One line of a schedule of activities. Which fields matter depends on `kind` (core/visits/schedule.ts checks them):
 * - once: anchor + dayOffset (days after the anchor date; negative = before);
 * - cycles: anchor + dayOffset of cycle 1 day 1, cycleLength, cycleCount, cycleDays (1 = first day of the cycle);
 *   visit codes are `${code}${cycle}D${day}` (code "C" → C1D1, C1D8 …);
 * - every: anchor + dayOffset of the first, then every `interval` days, `count` times; codes `${code}${n}` (FU1, FU2 …);
 * - on_demand: no date; added when its condition occurs.
 * Anchor "visit" counts from another line (its last occurrence): its actual date once done, else its target date.
 */
export const visitDefinition = z.object({
  code: visitCode,
  name: text(100),
  kind: z.enum(visitKinds),
  anchor: z.enum(visitAnchors),
  anchorCode: visitCode
    .nullish()
    .or(z.literal(''))
    .transform((s) => (s ? s : null)),
  dayOffset: nullableDays(-3650, 3650),
  /** the window: target − windowBefore … target + windowAfter */
  windowBefore: windowDays,
  windowAfter: windowDays,
  cycleLength: nullableDays(1, 365),
  cycleCount: nullableDays(1, 100),
  cycleDays: z.array(days(1, 365)).max(60).default([]),
  interval: nullableDays(1, 3650),
  count: nullableDays(1, 200),
  /** the arm codes it applies to; empty = every arm */
  arms: z.array(visitCode).max(30).default([]),
});
export type VisitDefinition = z.output<typeof visitDefinition>;
export type VisitDefinitionInput = z.input<typeof visitDefinition>;

export interface ScheduleVersionView {
  id: number;
  studyId: number;
  version: string;
  /** YYYY-MM-DD: the protocol (amendment) this version follows took effect */
  effectiveDate: string;
  notes: string | null;
  visits: VisitDefinition[];
  /** subjects whose future visits follow this version; a version in use is never edited, it is amended */
  subjectCount: number;
  /** the newest version: new subjects get it */
  current: boolean;
  createdAt: string;
}

/** One visit of a plan as the rules compute it (also the schedule editor's preview). */
export interface PlannedVisit {
  code: string;
  name: string;
  /** order of the visit within the subject's plan */
  seq: number;
  cycle: number | null;
  cycleDay: number | null;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
}
export interface SchedulePreview {
  visits: PlannedVisit[];
  /** lines not planned yet, with why (anchor date unknown, other arm, on demand) */
  waiting: { code: string; why: 'anchor_unknown' | 'other_arm' | 'on_demand' }[];
}

export interface VisitView {
  id: number;
  subjectId: number;
  code: string;
  name: string;
  seq: number;
  cycle: number | null;
  cycleDay: number | null;
  unscheduled: boolean;
  /** null only for unscheduled visits */
  targetDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  status: VisitStatus;
  actualDate: string | null;
  /** why not done / cancelled; why an unscheduled visit took place */
  reason: string | null;
  /** cancelled by the system, not a person: the subject's participation ended, or the schedule changed */
  systemCancelled: SystemCancellation | null;
  notes: string | null;
  /** done outside its window */
  outOfWindow: boolean;
  /** done out of window or missed: the deviation decision, null when none is needed */
  deviationDecision: DeviationDecision | null;
  deviationId: number | null;
  deviationNumber: string | null;
  /** the coordinator's explanation when no deviation was raised */
  deviationExplanation: string | null;
  /** target falls on a weekend or an official holiday (not on a make-up working day); never moved */
  targetHoliday: string | null;
  enteredBy: string | null;
  enteredAt: string | null;
  versionId: number | null;
}
export const systemCancellations = ['subject_ended', 'schedule_changed'] as const;
export type SystemCancellation = (typeof systemCancellations)[number];
export interface SubjectVisitsView {
  subjectId: number;
  /** the schedule version the subject's future visits follow; null before the first plan */
  versionId: number | null;
  version: string | null;
  visits: VisitView[];
  /** lines of the subject's version still waiting for an anchor date (e.g. first dose not recorded) */
  waiting: SchedulePreview['waiting'];
  /** on-demand lines the coordinator may add as unscheduled visits */
  onDemand: { code: string; name: string }[];
}

/** One row of the coordinator's worklist: a planned visit and what makes it due. */
export interface WorklistRow {
  visitId: number;
  studyId: number;
  protocolNumber: string;
  centerId: number;
  centerCode: string;
  subjectId: number;
  subjectLabel: string;
  initials: string;
  code: string;
  name: string;
  cycle: number | null;
  cycleDay: number | null;
  targetDate: string;
  windowStart: string;
  windowEnd: string;
  /** window closed before today, not recorded */
  overdue: boolean;
  /** days since the window closed (overdue) */
  daysOverdue: number;
  targetHoliday: string | null;
}
export interface Worklist {
  /** the workstation's calendar date the list was computed for */
  today: string;
  /** last day of "this week" (today + 6) */
  weekEnd: string;
  /** target today */
  dueToday: WorklistRow[];
  /** target from tomorrow to weekEnd */
  thisWeek: WorklistRow[];
  /** window open today (target not today) */
  windowOpen: WorklistRow[];
  overdue: WorklistRow[];
  /** recorded visits still waiting for a deviation decision */
  pendingDeviations: { visitId: number; subjectId: number; subjectLabel: string; code: string; studyId: number }[];
}

export interface CalendarEntry {
  visitId: number;
  /** actual date when recorded, else target */
  date: string;
  studyId: number;
  protocolNumber: string;
  subjectId: number;
  subjectLabel: string;
  code: string;
  status: VisitStatus;
  overdue: boolean;
  outOfWindow: boolean;
}
export interface HolidayView {
  date: string;
  kind: HolidayKind;
  name: string;
}
export interface CalendarMonth {
  month: string;
  entries: CalendarEntry[];
  holidays: HolidayView[];
}

export interface DeviationView {
  id: number;
  studyId: number;
  /** DV-001 …, per study */
  number: string;
  subjectId: number | null;
  subjectLabel: string | null;
  centerCode: string | null;
  visitId: number | null;
  visitCode: string | null;
  occurredDate: string;
  category: DeviationCategory;
  description: string;
  severity: DeviationSeverity;
  correctiveAction: string | null;
  reportedSponsorDate: string | null;
  reportedEthicsDate: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

// ---------- inputs ----------
export const scheduleInput = z.object({
  studyId: id,
  /** edit this version (refused once subjects follow it); omitted = a new version (an amendment) */
  versionId: id.optional(),
  version: text(30),
  effectiveDate: isoDate,
  notes: optionalText(1000),
  visits: z.array(visitDefinition).min(1, { message: 'validation.scheduleEmpty' }).max(200),
  reason,
});
export const previewInput = z.object({
  studyId: id,
  visits: z.array(visitDefinition).max(200),
  anchors: z.object({ consent: optionalDate, enrollment: optionalDate, firstDose: optionalDate }),
  arm: optionalText(20),
});
export const moveToVersionInput = z.object({
  versionId: id,
  /** visits with a target on or after this date follow the new version; earlier ones and recorded ones stay */
  fromDate: isoDate,
  /** omitted = every active subject of the study on an older version */
  subjectIds: z.array(id).max(100_000).optional(),
  reason: text(500),
});
export const recordVisitInput = z.object({
  id,
  status: z.enum(recordableVisitStatuses),
  actualDate: optionalDate,
  /** required for not done and cancelled */
  reason: optionalText(500),
  notes: optionalText(2000),
  /** required when the visit was already recorded (a correction) */
  changeReason: optionalText(500),
});
export const unscheduledVisitInput = z.object({
  subjectId: id,
  /** an on-demand line of the subject's schedule, or omitted for a free unscheduled visit */
  code: visitCode.nullish().transform((s) => s ?? null),
  name: optionalText(100),
  actualDate: isoDate,
  reason: text(500),
  notes: optionalText(2000),
});
export const deviationFields = z.object({
  occurredDate: isoDate,
  category: z.enum(deviationCategories),
  description: text(2000),
  severity: z.enum(deviationSeverities),
  correctiveAction: optionalText(2000),
  reportedSponsorDate: optionalDate,
  reportedEthicsDate: optionalDate,
});
export const resolveDeviationInput = z.object({
  visitId: id,
  decision: z.enum(['confirm', 'explain']),
  /** explain: why no deviation (e.g. sponsor agreed in writing) */
  explanation: optionalText(1000),
  /** confirm: the deviation to raise (prefilled from the visit by the screen) */
  deviation: deviationFields.optional(),
});
export const worklistInput = z.object({
  studyId: id.optional(),
  centerId: id.optional(),
  /** the studies assigned to this coordinator (default: the caller's own assignment) */
  coordinatorId: id.optional(),
});
export const calendarInput = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'validation.month' }),
  studyId: id.optional(),
  centerId: id.optional(),
});
export const deviationListInput = z.object({
  studyId: id,
  centerId: id.optional(),
  subjectId: id.optional(),
  category: z.enum(deviationCategories).optional(),
  from: optionalDate,
  to: optionalDate,
});
export const createDeviationInput = z.object({
  studyId: id,
  /** omitted = a study-level deviation */
  subjectId: id.nullish().transform((n) => n ?? null),
  fields: deviationFields,
});
export const updateDeviationInput = z.object({ id, fields: deviationFields, reason: text(500) });
export const holidayInput = z.object({ date: isoDate, kind: z.enum(holidayKinds), name: text(50) });
