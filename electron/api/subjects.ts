/** Contract shapes of subjects: set-up, screening, consent, enrollment, status path, logs (issue 4). */
import { z } from 'zod';
import {
  activeSubjectStatuses,
  criterionKinds,
  sexes,
  subjectStatuses,
  withdrawalReasons,
} from '../../db/schema/vocabulary';
import { id, isoDate, optionalDate, optionalText, reason, text } from './common';
import type { SignatureView } from './contract';

export { activeSubjectStatuses, criterionKinds, sexes, subjectStatuses, withdrawalReasons };
export type SubjectStatus = (typeof subjectStatuses)[number];
export type Sex = (typeof sexes)[number];
export type WithdrawalReason = (typeof withdrawalReasons)[number];
export type CriterionKind = (typeof criterionKinds)[number];

// ---------- shapes returned ----------
export interface CodedItem {
  code: string;
  label: string;
}
export interface Criterion {
  code: string;
  kind: CriterionKind;
  text: string;
}
export interface ConsentVersionView {
  id: number;
  version: string;
  versionDate: string;
  approvedDate: string;
  current: boolean;
}
export interface SubjectSetupView {
  studyId: number;
  screeningPattern: string;
  subjectPattern: string;
  arms: CodedItem[];
  criteria: Criterion[];
  screenFailureReasons: CodedItem[];
  consentVersions: ConsentVersionView[];
  currentConsentVersionId: number | null;
}
/** Personal fields: only for site roles, only for subjects of our own center. */
export interface PersonalFields {
  name: string | null;
  recordNumber: string | null;
  idNumber: string | null;
  phone: string | null;
}
export interface SubjectListItem {
  id: number;
  centerId: number;
  centerCode: string;
  ownCenter: boolean;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  sex: Sex;
  /** age in whole years at consent (own center) or at screening */
  age: number | null;
  arm: string | null;
  status: SubjectStatus;
  screeningDate: string | null;
  enrollmentDate: string | null;
  /** own-center active subject whose last consent is not the study's current version */
  needsReconsent: boolean;
  /** enrolled (or later) without a valid "eligibility confirmed" signature */
  unconfirmed: boolean;
  /** masked (张*明, ****5678) for site roles; null for monitors and other centers' subjects */
  maskedName: string | null;
  maskedRecordNumber: string | null;
}
export interface SubjectListResult {
  total: number;
  rows: SubjectListItem[];
}
export interface ConsentView {
  id: number;
  consentVersionId: number;
  version: string;
  versionDate: string;
  signedDate: string;
  obtainedBy: string;
  notes: string | null;
  createdAt: string;
}
export interface TimelineEntry {
  /** YYYY-MM-DD of the event (a UTC instant for signatures) */
  date: string;
  kind: 'consent' | 'status' | 'signature';
  /** consent version / status code / signature meaning */
  code: string;
  detail: string | null;
  /** a signature whose signed content has changed since */
  invalidated: boolean;
}
export interface SubjectDetail {
  id: number;
  studyId: number;
  centerId: number;
  centerCode: string;
  ownCenter: boolean;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  sex: Sex;
  birthDate: string | null;
  birthYear: number | null;
  age: number | null;
  arm: string | null;
  strata: Record<string, string>;
  /** null: not shown to this role, or a subject of another center */
  personal: PersonalFields | null;
  status: SubjectStatus;
  screeningDate: string | null;
  eligibility: Record<string, boolean>;
  screenFailureDate: string | null;
  screenFailureReason: string | null;
  screenFailureDetail: string | null;
  enrollmentDate: string | null;
  capOverrideReason: string | null;
  treatmentStartDate: string | null;
  followUpDate: string | null;
  completionDate: string | null;
  withdrawalDate: string | null;
  withdrawalReason: WithdrawalReason | null;
  withdrawalDetail: string | null;
  consents: ConsentView[];
  needsReconsent: boolean;
  /** the latest "eligibility confirmed" signature (valid or invalidated), or null */
  eligibilitySignature: SignatureView | null;
  unconfirmed: boolean;
  /** statuses this subject may move to by subjects.changeStatus now */
  nextStatuses: SubjectStatus[];
  timeline: TimelineEntry[];
  updatedAt: string;
}
export interface EnrollmentCheck {
  proposedSubjectNumber: string;
  /** subjects of the center enrolled so far (ever enrolled) */
  enrolled: number;
  target: number | null;
  hardCap: number | null;
  /** the next enrollment reaches or passes the target: a warning */
  atTarget: boolean;
  /** the next enrollment passes the hard cap: refused unless an investigator overrides */
  overCap: boolean;
  studyEnrolling: boolean;
  centerActive: boolean;
}
export interface CenterProgress {
  centerId: number;
  code: string;
  hospitalName: string;
  ownCenter: boolean;
  target: number | null;
  hardCap: number | null;
  screened: number;
  screenFailed: number;
  enrolled: number;
  active: number;
  completed: number;
  withdrawn: number;
  firstEnrollmentDate: string | null;
  lastEnrollmentDate: string | null;
}
export interface EnrollmentSummary {
  studyTarget: number | null;
  centers: CenterProgress[];
  totals: Omit<CenterProgress, 'centerId' | 'code' | 'hospitalName' | 'ownCenter' | 'hardCap'>;
}
export interface ReconsentItem {
  subjectId: number;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  status: SubjectStatus;
  lastConsentVersion: string | null;
  lastConsentDate: string | null;
  /** the next planned visit (visits issue); null until visits exist */
  nextVisitDate: string | null;
}
/** Screening log (E6 8.3.20): everyone who entered screening; de-identified. */
export interface ScreeningLogRow {
  subjectId: number;
  centerCode: string;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  consentDate: string | null;
  consentVersion: string | null;
  screeningDate: string | null;
  /** null while screening is not concluded */
  eligible: boolean | null;
  /** code from the study's screen-failure reasons */
  screenFailureReason: string | null;
  screenFailureDetail: string | null;
  enrolled: boolean;
}
/** Enrollment log (E6 8.3.22): chronological by enrollment; de-identified. */
export interface EnrollmentLogRow {
  subjectId: number;
  centerCode: string;
  subjectNumber: string;
  screeningNumber: string;
  initials: string;
  consentDate: string | null;
  screeningDate: string | null;
  enrollmentDate: string;
  arm: string | null;
  /** investigator's eligibility sign-off: printed name and instant, when valid */
  confirmedBy: string | null;
  confirmedAt: string | null;
  status: SubjectStatus;
  /** completion / withdrawal date */
  endDate: string | null;
  withdrawalReason: WithdrawalReason | null;
}
/** Subject identification code list (E6 8.3.21): site roles only, never exported. */
export interface IdentificationRow extends PersonalFields {
  subjectId: number;
  screeningNumber: string;
  subjectNumber: string | null;
  initials: string;
  birthDate: string | null;
  birthYear: number | null;
  firstConsentDate: string | null;
}

// ---------- inputs ----------
const code = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .max(20)
  .regex(/^[A-Za-z0-9_.-]+$/, { message: 'validation.code' });
const codedItem = z.object({ code, label: text(100) });
/** {center} and {seq:N} (N = 1–6 digits); anything else is literal text */
const numberPattern = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .max(40)
  .refine((p) => /\{seq(:[1-6])?\}/.test(p) && !/\{(?!center\}|seq(:[1-6])?\})/.test(p), {
    message: 'validation.numberPattern',
  });
const subjectNumber = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .max(30)
  .regex(/^[A-Za-z0-9_.-]+$/, { message: 'validation.subjectNumber' });
const initials = z
  .string()
  .trim()
  .min(2, { message: 'validation.initials' })
  .max(4, { message: 'validation.initials' })
  .regex(/^[A-Za-z-]+$/, { message: 'validation.initials' })
  .transform((s) => s.toUpperCase());

export const subjectSetupInput = z.object({
  studyId: id,
  fields: z.object({
    screeningPattern: numberPattern,
    subjectPattern: numberPattern,
    arms: z.array(codedItem).max(30),
    criteria: z.array(z.object({ code, kind: z.enum(criterionKinds), text: text(500) })).max(100),
    screenFailureReasons: z.array(codedItem).max(50),
  }),
  reason,
});
export const consentVersionInput = z.object({
  studyId: id,
  version: text(50),
  versionDate: isoDate,
  approvedDate: isoDate,
});
export const personalInput = z.object({
  name: optionalText(50),
  recordNumber: optionalText(30),
  idNumber: optionalText(18).refine((s) => s === null || /^(\d{15}|\d{17}[\dXx])$/.test(s), {
    message: 'validation.idNumber',
  }),
  phone: optionalText(20).refine((s) => s === null || /^[0-9+\- ]{5,20}$/.test(s), { message: 'validation.phone' }),
});
const subjectCore = z.object({
  initials,
  sex: z.enum(sexes),
  birthDate: optionalDate,
  birthYear: z
    .number()
    .int()
    .min(1900, { message: 'validation.birthYear' })
    .max(2100, { message: 'validation.birthYear' })
    .nullish()
    .transform((n) => n ?? null),
  strata: z.record(z.string().trim().min(1).max(40), z.string().trim().max(100)).default({}),
});
export const consentInput = z.object({
  consentVersionId: id,
  signedDate: isoDate,
  obtainedBy: text(100),
  notes: optionalText(500),
});
export const registerSubjectInput = subjectCore.extend({
  studyId: id,
  centerId: id,
  screeningNumber: subjectNumber,
  personal: personalInput.optional(),
  /** own center: the consent signed before screening (required there; refused for other centers) */
  consent: consentInput.optional(),
});
export const updateSubjectInput = z.object({
  id,
  fields: subjectCore.extend({
    screeningNumber: subjectNumber,
    subjectNumber: subjectNumber.nullish().transform((s) => s ?? null),
    arm: optionalText(20),
    personal: personalInput.optional(),
  }),
  reason,
});
export const screenInput = z.object({
  id,
  screeningDate: isoDate,
  eligibility: z.record(z.string(), z.boolean()),
  outcome: z.enum(['eligible', 'screen_failed']),
  screenFailureReason: optionalText(20),
  screenFailureDetail: optionalText(500),
});
export const enrollInput = z.object({
  id,
  enrollmentDate: isoDate,
  subjectNumber,
  arm: optionalText(20),
  /** beyond the center's hard cap: an investigator's reason and password (an electronic signature) */
  capOverride: z.object({ reason: text(500), password: z.string().min(1).max(200) }).optional(),
});
export const changeSubjectStatusInput = z.object({
  id,
  to: z.enum(['on_treatment', 'follow_up', 'completed', 'withdrawn']),
  date: isoDate,
  withdrawalReason: z.enum(withdrawalReasons).nullish(),
  detail: optionalText(500),
});
export const subjectListInput = z.object({
  studyId: id,
  centerId: id.optional(),
  status: z.enum(subjectStatuses).optional(),
  arm: z.string().trim().max(20).optional(),
  needsReconsent: z.boolean().optional(),
  unconfirmed: z.boolean().optional(),
  /** number or initials; site roles also name or record number */
  search: z.string().trim().max(50).optional(),
  sort: z
    .enum(['screeningNumber', 'subjectNumber', 'screeningDate', 'enrollmentDate', 'status'])
    .default('screeningNumber'),
  order: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export const studyScope = z.object({ studyId: id, centerId: id.optional() });

/** Issue 5: a status date corrected (the visits anchored on it are recalculated). */
export const correctStatusDateInput = z.object({
  id,
  status: z.enum(['enrolled', 'on_treatment', 'follow_up', 'completed', 'withdrawn']),
  date: isoDate,
  reason: text(500),
});
