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
  text,
  type AuditEntry,
  type Locale,
  type Role,
} from './common';

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
}
export interface AppInfo {
  version: string;
  /** true until the first administrator exists */
  needsSetup: boolean;
  locale: Locale;
  user: SessionUser | null;
  host: 'desktop' | 'browser';
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
      username: z
        .string()
        .trim()
        .min(3, { message: 'validation.usernameLength' })
        .max(40)
        .regex(/^[A-Za-z0-9._-]+$/, { message: 'validation.username' }),
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

  // ---- electronic signatures (issue 3) ----

  // ---- audit trail viewer (issue 3) ----

  // ---- backup, restore, settings (issue 3) ----

  // ---- auto-lock (issue 3) ----

  'audit.forRecord': channel<AuditEntry[]>()(
    z.object({ entity: z.enum(['study', 'center', 'user', 'setting']), entityId: z.string().max(40) }),
  ),
  'audit.verify': channel<AuditVerifyResult>()(empty),
} satisfies Record<string, Channel<z.ZodType, unknown>>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type InputOf<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ParsedInputOf<C extends ChannelName> = z.output<Contract[C]['input']>;
export type OutputOf<C extends ChannelName> = Contract[C]['output'];
export const channelNames = Object.keys(contract) as ChannelName[];

export { isoDate, auditEntry };
