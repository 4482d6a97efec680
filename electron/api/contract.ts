/**
 * THE CONTRACT: every channel the renderer may call, with its input schema (zod, validated in the main process on
 * every host) and its output type. main, preload, the browser-mode host and the renderer all type themselves from this.
 */
import { z } from 'zod';
import { centerStatuses, studyPhases, studyStatuses, therapeuticAreas } from '../../db/schema/vocabulary';
import {
  auditEntry,
  id,
  isoDate,
  locales,
  optionalCount,
  optionalDate,
  optionalText,
  reason,
  roles,
  text,
  type AuditEntry,
  type Locale,
  type Role,
} from './common';
import {
  backupNowInput,
  restoreInput,
  settingsFields,
  type BackupListView,
  type BackupNowView,
  type RecoveryView,
  type RestoreView,
  type SettingsView,
} from './backup';
import {
  changeSubjectStatusInput,
  correctStatusDateInput,
  consentInput,
  consentVersionInput,
  enrollInput,
  registerSubjectInput,
  screenInput,
  studyScope,
  subjectListInput,
  subjectSetupInput,
  updateSubjectInput,
  type EnrollmentCheck,
  type EnrollmentLogRow,
  type EnrollmentSummary,
  type IdentificationRow,
  type ReconsentItem,
  type ScreeningLogRow,
  type SubjectDetail,
  type SubjectListResult,
  type SubjectSetupView,
} from './subjects';
import {
  calendarInput,
  createDeviationInput,
  deviationListInput,
  holidayInput,
  moveToVersionInput,
  previewInput,
  recordVisitInput,
  resolveDeviationInput,
  scheduleInput,
  unscheduledVisitInput,
  updateDeviationInput,
  worklistInput,
  type CalendarMonth,
  type DeviationView,
  type HolidayView,
  type ScheduleVersionView,
  type SchedulePreview,
  type SubjectVisitsView,
  type Worklist,
} from './visits';
import {
  aeListFilters,
  createAeInput,
  createSusarInput,
  ctcaeLoadInput,
  ctcaeSearchInput,
  saeBoardInput,
  saeReportInput,
  safetySettingsInput,
  signAesInput,
  signOffQueueInput,
  updateAeInput,
  updateSusarInput,
  type AeCounts,
  type AeListResult,
  type AeView,
  type CtcaeLoadResult,
  type CtcaeStatus,
  type CtcaeTermView,
  type SaeBoard,
  type SafetySettingsView,
  type SignOffRow,
  type SubjectAesView,
  type SusarView,
} from './safety';
import {
  exportInput,
  exportSettingsInput,
  type DeliveryView,
  type ExportResult,
  type ExportSettingsView,
} from './exchange';
import {
  importCommitInput,
  importKinds as importKindList,
  importReportInput,
  importValidateInput,
  type ImportCommitResult,
  type ImportProgress,
  type ImportReport,
} from './imports';

export { studyPhases, studyStatuses, therapeuticAreas, centerStatuses };
export type StudyPhase = (typeof studyPhases)[number];
export type StudyStatus = (typeof studyStatuses)[number];
export type TherapeuticArea = (typeof therapeuticAreas)[number];
export type CenterStatus = (typeof centerStatuses)[number];

// ---------- shapes returned ----------
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** set by a temporary password: every channel but changing it is refused until it is changed */
  mustChangePassword: boolean;
}
export interface AppInfo {
  version: string;
  /** true until the first administrator exists */
  needsSetup: boolean;
  locale: Locale;
  user: SessionUser | null;
  host: 'desktop' | 'browser';
  /** the signed-in session is locked: show the lock screen (auto-lock) */
  locked: boolean;
  /** minutes without activity before the session locks (installation setting) */
  idleLockMinutes: number;
  /** the database was found damaged at start-up: only the recovery screen works (recovery.*) */
  recovery: boolean;
}
export interface Study {
  id: number;
  protocolNumber: string;
  title: string;
  shortTitle: string;
  sponsor: string;
  cro: string | null;
  phase: StudyPhase;
  indication: string;
  therapeuticArea: TherapeuticArea;
  registrationNumber: string | null;
  sitePi: string;
  ethicsApprovalDate: string | null;
  protocolVersion: string | null;
  protocolVersionDate: string | null;
  status: StudyStatus;
  statusReason: string | null;
  enrollmentTarget: number | null;
  createdAt: string;
  updatedAt: string;
}
export interface StudyListItem extends Pick<
  Study,
  | 'id'
  | 'protocolNumber'
  | 'shortTitle'
  | 'title'
  | 'sponsor'
  | 'phase'
  | 'therapeuticArea'
  | 'status'
  | 'sitePi'
  | 'enrollmentTarget'
  | 'updatedAt'
> {
  centerCount: number;
  protocolApproval: SignatureState;
}
export interface Center {
  id: number;
  studyId: number;
  code: string;
  hospitalName: string;
  city: string | null;
  pi: string;
  isLead: boolean;
  isOwn: boolean;
  enrollmentTarget: number | null;
  hardCap: number | null;
  activationDate: string | null;
  status: CenterStatus;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface StudyDetail extends Study {
  centers: Center[];
  /** statuses this study may move to now (the rule lives in core/studies) */
  nextStatuses: StudyStatus[];
  /** the latest "protocol version approved for use at this site" signature, or null */
  protocolApproval: SignatureView | null;
}
/** An electronic signature as shown: `valid` is false when the signed content has changed since. */
export interface SignatureView {
  id: number;
  entity: string;
  entityId: string;
  /** code, e.g. protocol_version_approved */
  meaning: string;
  signerId: number;
  /** printed name at the time of signing */
  signerName: string;
  /** UTC instant */
  signedAt: string;
  contentHash: string;
  /** what was signed */
  content: Record<string, unknown>;
  valid: boolean;
  /** a newer signature of the same meaning exists */
  superseded: boolean;
}
export type SignatureState = 'none' | 'valid' | 'invalidated';
/** users.list: what the administrator's users screen shows (never a password hash) */
export interface UserListItem {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  mustChangePassword: boolean;
  studyIds: number[];
  lastLoginAt: string | null;
  failedLogins: number;
  /** UTC instant until which sign-in is refused, when in the future */
  lockedUntil: string | null;
  createdAt: string;
}
export interface AuditListResult {
  /** all events matching the filters */
  total: number;
  /** this page, newest first */
  rows: AuditEntry[];
}
export interface AuditVerifyResult {
  ok: boolean;
  events: number;
  /** the first event whose hash or link does not match, when !ok */
  firstBroken: { seq: number; problem: 'hash' | 'link' | 'sequence' } | null;
}

// ---------- inputs ----------
const registrationNumber = optionalText(64).refine(
  // China drug trial registry (CTR…), ClinicalTrials.gov (NCT…), ChiCTR, EudraCT / EU CT numbers
  (s) => s === null || /^(CTR\d{8}|NCT\d{8}|ChiCTR[0-9A-Za-z-]{6,}|\d{4}-\d{6}-\d{2}(-\d{2})?)$/.test(s),
  { message: 'validation.registrationNumber' },
);

export const studyFields = z.object({
  protocolNumber: text(64),
  title: text(500),
  shortTitle: text(100),
  sponsor: text(200),
  cro: optionalText(200),
  phase: z.enum(studyPhases),
  indication: text(200),
  therapeuticArea: z.enum(therapeuticAreas),
  registrationNumber,
  sitePi: text(100),
  ethicsApprovalDate: optionalDate,
  protocolVersion: optionalText(50),
  protocolVersionDate: optionalDate,
  enrollmentTarget: optionalCount,
});
export type StudyFields = z.input<typeof studyFields>;

const centerCode = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .max(10)
  .regex(/^[A-Za-z0-9-]+$/, { message: 'validation.centerCode' });

export const centerFields = z.object({
  code: centerCode,
  hospitalName: text(200),
  city: optionalText(100),
  pi: text(100),
  isLead: z.boolean().default(false),
  isOwn: z.boolean().default(false),
  enrollmentTarget: optionalCount,
  hardCap: optionalCount,
  activationDate: optionalDate,
});
export type CenterFields = z.input<typeof centerFields>;

const password = z.string().min(1, { message: 'validation.required' }).max(200);
/** user names: auth.setup and users.create */
const usernameRule = z
  .string()
  .trim()
  .min(3, { message: 'validation.usernameLength' })
  .max(40)
  .regex(/^[A-Za-z0-9._-]+$/, { message: 'validation.username' });

/**
 * Audit trail filters. `from`/`to` are the workstation's local calendar dates (inclusive); `utcOffsetMinutes` is its
 * offset east of UTC (China: 480), which turns them into UTC bounds in core/audit/trail.
 */
const auditFilters = z.object({
  studyId: id.optional(),
  subjectId: id.optional(),
  entity: z
    .string()
    .regex(/^[a-z_]{1,30}$/)
    .optional(),
  entityId: z.string().trim().min(1).max(40).optional(),
  actor: z.string().trim().min(1).max(40).optional(),
  action: z
    .string()
    .regex(/^[a-z_]{1,30}$/)
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
});

/** Channel definition: the input schema, and the output type carried as a phantom. */
interface Channel<I extends z.ZodType, O> {
  input: I;
  /** type only: never read at run time */
  output: O;
}
const channel =
  <O>() =>
  <I extends z.ZodType>(input: I): Channel<I, O> => ({ input, output: undefined as O });
const empty = z.object({}).strict();

export const contract = {
  'app.info': channel<AppInfo>()(empty),
  'app.setLocale': channel<{ locale: Locale }>()(z.object({ locale: z.enum(locales) })),

  'auth.setup': channel<SessionUser>()(
    z.object({
      username: usernameRule,
      displayName: text(100),
      password: z.string().min(10, { message: 'validation.passwordLength' }).max(200),
    }),
  ),
  'auth.login': channel<SessionUser>()(z.object({ username: text(40), password })),
  'auth.logout': channel<null>()(empty),

  'studies.list': channel<StudyListItem[]>()(
    z.object({
      search: z.string().trim().max(100).optional(),
      status: z.enum(studyStatuses).optional(),
      sort: z.enum(['protocolNumber', 'shortTitle', 'status', 'phase', 'updatedAt']).default('updatedAt'),
      order: z.enum(['asc', 'desc']).default('desc'),
      limit: z.number().int().min(1).max(1000).default(500),
    }),
  ),
  'studies.get': channel<StudyDetail>()(z.object({ id })),
  'studies.create': channel<StudyDetail>()(studyFields),
  'studies.update': channel<StudyDetail>()(z.object({ id, fields: studyFields, reason })),
  'studies.changeStatus': channel<StudyDetail>()(z.object({ id, status: z.enum(studyStatuses), reason })),

  'centers.create': channel<Center>()(centerFields.extend({ studyId: id })),
  'centers.update': channel<Center>()(z.object({ id, fields: centerFields, reason })),
  'centers.changeStatus': channel<Center>()(
    z.object({ id, status: z.enum(centerStatuses), date: optionalDate, reason }),
  ),

  // ---- users, roles, sign-in hardening (issue 3) ----
  'auth.changePassword': channel<SessionUser>()(
    z.object({
      currentPassword: password,
      newPassword: z.string().min(1, { message: 'validation.required' }).max(200),
    }),
  ),
  'users.list': channel<UserListItem[]>()(empty),
  'users.create': channel<UserListItem>()(
    z.object({
      username: usernameRule,
      displayName: text(100),
      role: z.enum(roles),
      temporaryPassword: z.string().min(1, { message: 'validation.required' }).max(200),
      studyIds: z.array(id).max(1000).default([]),
    }),
  ),
  'users.update': channel<UserListItem>()(z.object({ id, displayName: text(100), role: z.enum(roles), reason })),
  'users.setActive': channel<UserListItem>()(z.object({ id, active: z.boolean(), reason: text(500) })),
  'users.resetPassword': channel<UserListItem>()(
    z.object({ id, temporaryPassword: z.string().min(1, { message: 'validation.required' }).max(200), reason }),
  ),
  'users.assignStudies': channel<UserListItem>()(z.object({ id, studyIds: z.array(id).max(1000), reason })),

  // ---- electronic signatures (issue 3) ----
  'signatures.sign': channel<SignatureView>()(
    z.object({
      entity: z.enum(['study', 'subject', 'adverse_event']),
      entityId: id,
      meaning: z.enum(['protocol_version_approved', 'eligibility_confirmed', 'ae_assessed']),
      password,
    }),
  ),
  'signatures.forRecord': channel<SignatureView[]>()(
    z.object({ entity: z.enum(['study', 'subject', 'adverse_event']), entityId: id }),
  ),

  // ---- audit trail viewer (issue 3) ----
  'audit.list': channel<AuditListResult>()(
    auditFilters.extend({
      limit: z.number().int().min(1).max(500).default(50),
      offset: z.number().int().min(0).default(0),
    }),
  ),
  'audit.export': channel<{ fileName: string; base64: string; rows: number }>()(auditFilters),
  'audit.actors': channel<{ username: string; displayName: string | null }[]>()(empty),

  // ---- backup, restore, settings (issue 3) ----
  'settings.get': channel<SettingsView>()(empty),
  'settings.update': channel<SettingsView>()(settingsFields),
  'backup.list': channel<BackupListView>()(empty),
  'backup.now': channel<BackupNowView>()(backupNowInput),
  'backup.restore': channel<RestoreView>()(restoreInput),
  /** recovery mode (a damaged database at start-up): what was found, and the backups, checked */
  'recovery.status': channel<RecoveryView>()(empty),
  /** restores a listed backup, authorised by an administrator of that backup */
  'recovery.restore': channel<RestoreView>()(
    restoreInput.extend({
      username: text(40),
      password: z.string().min(1, { message: 'validation.required' }).max(200),
    }),
  ),

  // ---- auto-lock (issue 3) ----
  /** lock this session now: the lock button ('manual') or the renderer's own idle timer ('idle') */
  'auth.lock': channel<{ locked: true }>()(z.object({ cause: z.enum(['manual', 'idle']).default('manual') }).strict()),
  /** the same user's password reopens a locked session; its unsaved input is still on screen */
  'auth.unlock': channel<SessionUser>()(z.object({ password })),
  /** heartbeat while the user types or moves the mouse (≤ 1 per 30 s), so that a long unsaved form does not lock */
  'auth.activity': channel<null>()(empty),

  'audit.forRecord': channel<AuditEntry[]>()(
    z.object({
      entity: z.enum([
        'study',
        'center',
        'user',
        'setting',
        'subject',
        'subject_setup',
        'schedule_version',
        'visit',
        'deviation',
        'adverse_event',
        'susar_report',
      ]),
      entityId: z.string().max(40),
    }),
  ),
  'audit.verify': channel<AuditVerifyResult>()(empty),

  // ---- subjects (issue 4) ----
  /** numbering patterns, arms, eligibility criteria, screen-failure reasons, consent versions of a study */
  'subjects.setup': channel<SubjectSetupView>()(z.object({ studyId: id })),
  'subjects.updateSetup': channel<SubjectSetupView>()(subjectSetupInput),
  /** a new consent version approved by the ethics committee: it becomes current; active subjects must re-consent */
  'subjects.approveConsentVersion': channel<SubjectSetupView>()(consentVersionInput),
  'subjects.list': channel<SubjectListResult>()(subjectListInput),
  'subjects.get': channel<SubjectDetail>()(z.object({ id })),
  /** the next free number of the study's pattern for a center */
  'subjects.proposeNumber': channel<{ number: string }>()(
    z.object({ studyId: id, centerId: id, kind: z.enum(['screening', 'subject']) }),
  ),
  'subjects.register': channel<SubjectDetail>()(registerSubjectInput),
  'subjects.update': channel<SubjectDetail>()(updateSubjectInput),
  'subjects.recordConsent': channel<SubjectDetail>()(consentInput.extend({ subjectId: id })),
  'subjects.screen': channel<SubjectDetail>()(screenInput),
  'subjects.enrollmentCheck': channel<EnrollmentCheck>()(z.object({ id })),
  'subjects.enroll': channel<SubjectDetail>()(enrollInput),
  'subjects.changeStatus': channel<SubjectDetail>()(changeSubjectStatusInput),
  'subjects.reconsentList': channel<ReconsentItem[]>()(z.object({ studyId: id })),
  'subjects.enrollmentSummary': channel<EnrollmentSummary>()(z.object({ studyId: id })),
  'subjects.screeningLog': channel<ScreeningLogRow[]>()(studyScope),
  'subjects.enrollmentLog': channel<EnrollmentLogRow[]>()(studyScope),
  /** the subject identification code list (E6 8.3.21): site roles only */
  'subjects.identificationList': channel<IdentificationRow[]>()(z.object({ studyId: id })),

  // ---- visit schedules, visits, worklist, deviations, holidays (issue 5) ----
  /** corrects the date of a status already reached (e.g. the first dose): the visits anchored on it move */
  'subjects.correctStatusDate': channel<SubjectDetail>()(correctStatusDateInput),
  /** every schedule version of a study, newest first */
  'schedules.list': channel<ScheduleVersionView[]>()(z.object({ studyId: id })),
  /** a new version (amendment) or an edit of a version no subject follows yet */
  'schedules.save': channel<ScheduleVersionView[]>()(scheduleInput),
  /** the plan a definition list gives for sample anchor dates (the editor's preview); writes nothing */
  'schedules.preview': channel<SchedulePreview>()(previewInput),
  /** subjects move to a version from a date: only their future, unrecorded visits change */
  'schedules.moveSubjects': channel<{ moved: number }>()(moveToVersionInput),
  'visits.forSubject': channel<SubjectVisitsView>()(z.object({ subjectId: id })),
  'visits.record': channel<SubjectVisitsView>()(recordVisitInput),
  'visits.addUnscheduled': channel<SubjectVisitsView>()(unscheduledVisitInput),
  /** a visit done out of window / missed: raise the proposed deviation, or explain why none */
  'visits.resolveDeviation': channel<SubjectVisitsView>()(resolveDeviationInput),
  'visits.worklist': channel<Worklist>()(worklistInput),
  /** planned visits whose window has closed, over every study the caller may see */
  'visits.overdueCount': channel<{ count: number }>()(empty),
  'visits.calendar': channel<CalendarMonth>()(calendarInput),
  'deviations.list': channel<DeviationView[]>()(deviationListInput),
  'deviations.create': channel<DeviationView>()(createDeviationInput),
  'deviations.update': channel<DeviationView>()(updateDeviationInput),
  'holidays.list': channel<HolidayView[]>()(z.object({ year: z.number().int().min(2000).max(2100) })),
  'holidays.save': channel<HolidayView[]>()(holidayInput),
  'holidays.remove': channel<HolidayView[]>()(z.object({ date: isoDate })),
  /** loads the official list shipped with the app for a year (State Council notice): added / changed / unchanged */
  'holidays.loadOfficial': channel<{ added: number; updated: number; unchanged: number; available: number[] }>()(
    z.object({ year: z.number().int().min(2000).max(2100) }),
  ),

  // ---- adverse events, SAE clock, SUSARs, CTCAE, investigator sign-off (issue 6) ----
  /** the loaded CTCAE dictionary (0 terms: verbatim terms and grades 1–5 only) */
  'ctcae.status': channel<CtcaeStatus>()(empty),
  /** loads NCI's CTCAE v5.0 workbook (administrators); the same file again changes nothing */
  'ctcae.load': channel<CtcaeLoadResult>()(ctcaeLoadInput),
  /** the picker, as the user types: term, SOC or MedDRA code */
  'ctcae.search': channel<CtcaeTermView[]>()(ctcaeSearchInput),
  'ctcae.term': channel<CtcaeTermView>()(z.object({ meddraCode: z.string().trim().min(1).max(20) })),
  /** the study's severity scale (CTCAE or AESEV) and SAE clock hours */
  'safety.settings': channel<SafetySettingsView>()(z.object({ studyId: id })),
  'safety.updateSettings': channel<SafetySettingsView>()(safetySettingsInput),
  'aes.forSubject': channel<SubjectAesView>()(z.object({ subjectId: id })),
  'aes.get': channel<AeView>()(z.object({ id })),
  'aes.create': channel<SubjectAesView>()(createAeInput),
  /** any change needs its reason and puts the AE back in the investigator's sign-off queue */
  'aes.update': channel<SubjectAesView>()(updateAeInput),
  /** the study AE listing with its filters */
  'aes.list': channel<AeListResult>()(aeListFilters),
  /** events and subjects by SOC and grade */
  'aes.counts': channel<AeCounts>()(z.object({ studyId: id })),
  /** serious AEs and their reporting clocks */
  'aes.saeBoard': channel<SaeBoard>()(saeBoardInput),
  /** the initial SAE report to the sponsor (first call) or a numbered follow-up */
  'aes.reportSae': channel<AeView>()(saeReportInput),
  'aes.signOffQueue': channel<SignOffRow[]>()(signOffQueueInput),
  /** batch sign-off: one password entry, one "AE assessed" signature per AE, all or none */
  'aes.sign': channel<{ signed: number }>()(signAesInput),
  'susars.list': channel<SusarView[]>()(z.object({ studyId: id })),
  'susars.create': channel<SusarView>()(createSusarInput),
  'susars.update': channel<SusarView>()(updateSusarInput),
  /** the investigator has read the SUSAR report */
  'susars.acknowledge': channel<SusarView>()(z.object({ id })),

  // ---- Excel exchange with sponsors (issue 7) ----
  /** a de-identified workbook of the study: the sponsor's logs or SDTM domains; recorded as a delivery */
  'exchange.export': channel<ExportResult>()(exportInput),
  /** the study's previous deliveries, newest first */
  'exchange.deliveries': channel<DeliveryView[]>()(z.object({ studyId: id })),
  'exchange.settings': channel<ExportSettingsView>()(z.object({ studyId: id })),
  'exchange.updateSettings': channel<ExportSettingsView>()(exportSettingsInput),
  /** reads and checks a workbook (nothing written): what it would create / update / leave, and every rejected cell */
  'imports.validate': channel<ImportReport>()(importValidateInput),
  /** how far a validation has read (polled while it runs) */
  'imports.progress': channel<ImportProgress | null>()(z.object({ jobId: z.string().max(64) })),
  /** stops a validation: nothing was written, nothing will be */
  'imports.cancel': channel<{ cancelled: boolean }>()(z.object({ jobId: z.string().max(64) })),
  /** writes a validated workbook in one transaction, as an import batch */
  'imports.commit': channel<ImportCommitResult>()(importCommitInput),
  /** a blank template of a kind of import (notes on the headers, dropdowns, an example row the import skips) */
  'imports.template': channel<{ fileName: string; base64: string }>()(
    z.object({ kind: z.enum(importKindList), lang: z.enum(locales) }),
  ),
  /** a validation's report as a workbook (summary, every rejected cell with its reason, unknown headers) */
  'imports.report': channel<{ fileName: string; base64: string }>()(importReportInput),
  /** the saved column mapping of a sponsor for a kind of import */
  'imports.mapping': channel<{ headers: Record<string, string | null>; dayMonthOrder: 'dmy' | 'mdy' | null } | null>()(
    z.object({ sponsor: z.string().trim().min(1).max(100), kind: z.enum(importKindList) }),
  ),
} satisfies Record<string, Channel<z.ZodType, unknown>>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type InputOf<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ParsedInputOf<C extends ChannelName> = z.output<Contract[C]['input']>;
export type OutputOf<C extends ChannelName> = Contract[C]['output'];
export const channelNames = Object.keys(contract) as ChannelName[];

export { isoDate, auditEntry };
