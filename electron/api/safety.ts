/**
 * Contract shapes of adverse events, SAE reporting, SUSAR reports, the CTCAE dictionary and the investigator's sign-off
 * (issue 6). The rules behind them live in electron/core/safety.
 */
import { z } from 'zod';
import {
  aeActions,
  aeCausalities,
  aeOutcomes,
  aeSeverities,
  aeSeverityScales,
  reportMethods,
  saeClockStates,
  seriousCriteria,
} from '../../db/schema/vocabulary';
import { id, isoDate, optionalDate, optionalText, reason, text } from './common';

export {
  aeActions,
  aeCausalities,
  aeOutcomes,
  aeSeverities,
  aeSeverityScales,
  reportMethods,
  saeClockStates,
  seriousCriteria,
};
export type AeSeverityScale = (typeof aeSeverityScales)[number];
export type AeSeverity = (typeof aeSeverities)[number];
export type SeriousCriterion = (typeof seriousCriteria)[number];
export type AeCausality = (typeof aeCausalities)[number];
export type AeAction = (typeof aeActions)[number];
export type AeOutcome = (typeof aeOutcomes)[number];
export type ReportMethod = (typeof reportMethods)[number];
export type SaeClockState = (typeof saeClockStates)[number];

/** A UTC instant as the renderer sends it (ISO-8601 with a zone); stored as UTC ISO-8601 with milliseconds. */
export const instant = z
  .string()
  .max(40)
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !isNaN(Date.parse(s)),
    {
      message: 'validation.dateTime',
    },
  )
  .transform((s) => new Date(s).toISOString());
const optionalInstant = z
  .union([instant, z.literal('')])
  .nullish()
  .transform((s) => (s ? s : null));

// ---------- the CTCAE dictionary ----------
export interface CtcaeTermView {
  meddraCode: string;
  soc: string;
  term: string;
  /** grade 1–5 texts; null where the term does not define the grade (NCI's "-") */
  grades: [string | null, string | null, string | null, string | null, string | null];
  definition: string | null;
  navigationalNote: string | null;
}
export interface CtcaeStatus {
  /** terms loaded; 0 = no dictionary (verbatim terms and grades 1–5 only) */
  terms: number;
  socs: number;
  /** when and from which file the dictionary was last loaded (null before the first load) */
  loadedAt: string | null;
  fileName: string | null;
  sha256: string | null;
}
export interface CtcaeLoadResult extends CtcaeStatus {
  added: number;
  updated: number;
  unchanged: number;
}
export const ctcaeLoadInput = z.object({
  fileName: text(255),
  /** the workbook's bytes, base64 (≤ 20 MB: NCI's file is 0.5 MB) */
  base64: z
    .string()
    .min(1, { message: 'validation.required' })
    .max(28_000_000, { message: 'validation.ctcaeFileTooLarge' }),
});
export const ctcaeSearchInput = z.object({
  /** a term, part of a SOC name, or a MedDRA code; empty = the first terms */
  query: z.string().trim().max(200).default(''),
  soc: optionalText(200),
  limit: z.number().int().min(1).max(100).default(30),
});

// ---------- per-study safety settings ----------
export interface SafetySettingsView {
  studyId: number;
  severityScale: AeSeverityScale;
  saeReportHours: number;
  /** AEs already recorded: the scale can no longer change */
  aeCount: number;
}
export const safetySettingsInput = z.object({
  studyId: id,
  severityScale: z.enum(aeSeverityScales),
  saeReportHours: z.number({ message: 'validation.number' }).int({ message: 'validation.number' }).min(1).max(720),
  reason,
});

// ---------- adverse events ----------
const yesNo = z
  .boolean()
  .nullish()
  .transform((b) => b ?? null);
/** What a coordinator or an investigator types for an AE (the same shape creates and edits). */
export const aeFields = z.object({
  verbatimTerm: text(200),
  /** MedDRA code of the CTCAE term chosen (null: verbatim only) */
  ctcaeCode: optionalText(20),
  grade: z
    .number({ message: 'validation.number' })
    .int({ message: 'validation.number' })
    .min(1, { message: 'validation.ctcaeGrade' })
    .max(5, { message: 'validation.ctcaeGrade' })
    .nullish()
    .transform((n) => n ?? null),
  severity: z
    .enum(aeSeverities)
    .nullish()
    .transform((s) => s ?? null),
  startDate: isoDate,
  endDate: optionalDate,
  ongoing: z.boolean(),
  serious: z.boolean(),
  seriousCriteria: z.array(z.enum(seriousCriteria)).max(seriousCriteria.length).default([]),
  /** SAE: when the investigator became aware (the clock starts here) */
  awarenessAt: optionalInstant,
  expected: yesNo,
  causality: z
    .enum(aeCausalities)
    .nullish()
    .transform((s) => s ?? null),
  action: z
    .enum(aeActions)
    .nullish()
    .transform((s) => s ?? null),
  treatment: optionalText(500),
  outcome: z
    .enum(aeOutcomes)
    .nullish()
    .transform((s) => s ?? null),
  visitId: id.nullish().transform((n) => n ?? null),
  notes: optionalText(2000),
});
export type AeFields = z.output<typeof aeFields>;
export type AeFieldsInput = z.input<typeof aeFields>;
export const createAeInput = z.object({ subjectId: id, fields: aeFields });
/** An edit: every change of a recorded AE needs its reason, and invalidates the investigator's signature. */
export const updateAeInput = z.object({
  id,
  fields: aeFields,
  changeReason: text(500),
});

/** The SAE clock of one serious AE, for information and for the board. */
export interface SaeClock {
  state: SaeClockState;
  awarenessAt: string;
  dueAt: string;
  reportedAt: string | null;
  /** hours the study allows (default 24) */
  hours: number;
}
/** The sponsor's expedited clock for a SUSAR (shown for information): 7 days if fatal / life-threatening, else 15. */
export interface SusarClock {
  days: 7 | 15;
  /** day 0: the sponsor's first knowledge — our initial report, or the awareness while it is not sent */
  fromAt: string;
  dueDate: string;
}
export interface SaeReportView {
  id: number;
  /** 0 = initial report */
  number: number;
  sentAt: string;
  recipient: string;
  method: ReportMethod;
  notes: string | null;
  createdBy: string | null;
}
export interface AeView {
  id: number;
  studyId: number;
  centerId: number;
  subjectId: number;
  subjectLabel: string;
  aeNumber: number;
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
  expected: boolean | null;
  causality: AeCausality | null;
  related: boolean;
  action: AeAction | null;
  treatment: string | null;
  outcome: AeOutcome | null;
  visitId: number | null;
  visitCode: string | null;
  notes: string | null;
  /** serious + related + unexpected */
  susar: boolean;
  sae: SaeClock | null;
  susarClock: SusarClock | null;
  reports: SaeReportView[];
  /** the investigator's "AE assessed" signature */
  signature: 'none' | 'valid' | 'invalidated';
  signedBy: string | null;
  signedAt: string | null;
  /** reviewer's warnings that do not block saving (keys under msg.safety.warn) */
  warnings: string[];
  createdAt: string;
  updatedAt: string;
}
export interface SubjectAesView {
  subjectId: number;
  severityScale: AeSeverityScale;
  aes: AeView[];
  /** set after saving a fatal AE of a subject still in the study: offer "withdrawn – death" */
  offerDeathWithdrawal: boolean;
}

export const aeListFilters = z.object({
  studyId: id,
  centerId: id.nullish().transform((n) => n ?? null),
  gradeAtLeast3: z.boolean().default(false),
  serious: z.boolean().default(false),
  related: z.boolean().default(false),
  ongoing: z.boolean().default(false),
  unsigned: z.boolean().default(false),
  saeOverdue: z.boolean().default(false),
  /** verbatim or CTCAE term, or subject number */
  search: optionalText(100),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});
export interface AeListRow {
  id: number;
  subjectId: number;
  subjectLabel: string;
  centerCode: string;
  aeNumber: number;
  verbatimTerm: string;
  ctcaeTerm: string | null;
  soc: string | null;
  grade: number | null;
  severity: AeSeverity | null;
  startDate: string;
  endDate: string | null;
  ongoing: boolean;
  serious: boolean;
  causality: AeCausality | null;
  related: boolean;
  expected: boolean | null;
  outcome: AeOutcome | null;
  susar: boolean;
  saeState: SaeClockState | null;
  reportDueAt: string | null;
  signed: boolean;
}
export interface AeListResult {
  rows: AeListRow[];
  total: number;
}

/** The SAE board: serious AEs with their clocks (open ones first, by due instant). */
export const saeBoardInput = z.object({
  studyId: id.nullish().transform((n) => n ?? null),
  /** reported SAEs stay on the board this many days after their initial report */
  recentDays: z.number().int().min(0).max(365).default(30),
});
export interface SaeBoardRow {
  id: number;
  studyId: number;
  protocolNumber: string;
  subjectId: number;
  subjectLabel: string;
  aeNumber: number;
  /** as the site wrote it (often Chinese) */
  verbatimTerm: string;
  /** the CTCAE term, when coded */
  ctcaeTerm: string | null;
  grade: number | null;
  severity: AeSeverity | null;
  seriousCriteria: SeriousCriterion[];
  susar: boolean;
  clock: SaeClock;
  followUps: number;
}
export interface SaeBoard {
  /** the host's instant the states were computed at (the countdowns tick from here) */
  now: string;
  open: SaeBoardRow[];
  recent: SaeBoardRow[];
}

export const saeReportInput = z.object({
  aeId: id,
  sentAt: instant,
  recipient: text(200),
  method: z.enum(reportMethods),
  notes: optionalText(1000),
});

/** The investigator's queue: AEs without a valid "AE assessed" signature. */
export const signOffQueueInput = z.object({
  studyId: id.nullish().transform((n) => n ?? null),
  limit: z.number().int().min(1).max(500).default(200),
});
export interface SignOffRow extends AeListRow {
  studyId: number;
  protocolNumber: string;
  /** a signature existed and a later change invalidated it */
  invalidated: boolean;
  /** causality and expectedness set: can be signed */
  assessable: boolean;
}
export const signAesInput = z.object({
  ids: z.array(id).min(1, { message: 'validation.nothingToSign' }).max(200),
  password: z.string().min(1, { message: 'validation.required' }).max(200),
});

/** AE counts by SOC and grade (or AESEV) for a study: subjects and events. */
export interface AeCounts {
  studyId: number;
  severityScale: AeSeverityScale;
  /** the columns: '1'…'5' or MILD / MODERATE / SEVERE, then 'unknown' */
  levels: string[];
  /** soc null: verbatim terms not coded to CTCAE */
  rows: { soc: string | null; events: Record<string, number>; total: number; subjects: number }[];
  totals: { events: Record<string, number>; total: number; subjects: number };
}

// ---------- SUSAR reports from the sponsor ----------
export const susarFields = z.object({
  sponsorReference: text(100),
  receivedDate: isoDate,
  eventTerm: text(200),
  reportType: optionalText(100),
  fatalOrLifeThreatening: z.boolean(),
  ethicsSubmittedDate: optionalDate,
  notes: optionalText(2000),
});
export const createSusarInput = z.object({ studyId: id, fields: susarFields });
export const updateSusarInput = z.object({ id, fields: susarFields, changeReason: text(500) });
export interface SusarView {
  id: number;
  studyId: number;
  sponsorReference: string;
  receivedDate: string;
  eventTerm: string;
  reportType: string | null;
  fatalOrLifeThreatening: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  ethicsSubmittedDate: string | null;
  notes: string | null;
  createdAt: string;
}
