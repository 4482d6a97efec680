/**
 * Writes a demo plan into a database without studies: the demo accounts through the accounts service, then every study,
 * center, status change and subject step (set-up, consent versions, registration, consent, screening, eligibility
 * signature, enrollment, status path) in ONE transaction with prepared statements, each change with its audit event
 * (recordAudit, the one hashing implementation), checked against the same rules as the services. Issue 5: the studies'
 * schedule versions, the official holidays, and each subject's visits — planned by the services' plan rule at each step
 * that changes a plan input, recorded by the demo coordinator as they happen (visits.ts simulates, visit-writer.ts
 * writes, in time order among the plan's events). Issue 6: the subjects' adverse events — recorded, assessed, edited,
 * reported (SAEs) and signed as the AE services do it (aes.ts plans, ae-writer.ts writes, in time order among the rest).
 */
import { asc, count, eq } from 'drizzle-orm';
import { type centers, studies, type subjects, users } from '../../../db/schema';
import { activeSubjectStatuses } from '../../../db/schema/vocabulary';
import { type Role } from '../../api';
import { centerFields, studyFields } from '../../api/contract';
import * as accounts from '../accounts/accounts';
import * as userAdmin from '../accounts/users';
import { diff, recordAudit } from '../audit/audit';
import type { Actor, AppDb, ServiceContext } from '../context';
import { nextStudyStatuses, studyStatusNeedsReason } from '../studies/status';
import { centerTransitions } from '../centers/centers';
import { canonicalJson, contentHash, subjectSignedContent } from '../signatures/signatures';
import { subjectTransitions, STATUS_DATE } from '../subjects/status';
import { planDemo, type DemoEvent, type DemoPlan, type DemoScale, type DemoSubject, type SubjectEvent } from './plan';
import { PERSONAL_FIELDS } from '../subjects/privacy';
import { SUBJECT_FIELDS } from '../subjects/subjects';
import { loadOfficialHolidays } from '../visits/holidays';
import { visitWriter, type VisitCounts } from './visit-writer';
import { aeWriter, type AeCounts } from './ae-writer';
import { planAes, type AePlanOptions } from './aes';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** non-administrators: assigned to this many of the demo studies (the first ones by id) */
  studies?: number;
}

/**
 * The accounts of a demo database, one per role. Passwords are printed by seed-demo: demo databases only. The
 * non-administrators' passwords are temporary (set by the administrator): they choose their own at first sign-in.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', password: 'TrialDesk-demo-2026' },
  { username: 'crc.li', displayName: '李协调', role: 'coordinator', password: 'Demo-coordinator-26', studies: 4 },
  { username: 'dr.zhang', displayName: '张研究', role: 'investigator', password: 'Demo-investigator-26', studies: 3 },
  { username: 'cra.chen', displayName: '陈监查', role: 'monitor', password: 'Demo-monitor-2026', studies: 2 },
];

/**
 * How a demo account is created: the first administrator by the set-up service, the others by that administrator
 * through the users service (temporary password; studies are assigned once they exist).
 */
async function createDemoAccount(ctx: ServiceContext, a: DemoAccount): Promise<Actor> {
  if (a.role === 'admin' && accounts.needsSetup(ctx.db)) {
    const user = await accounts.setupAdministrator(ctx, a);
    return { id: user.id, username: user.username };
  }
  const user = await userAdmin.createUser(ctx, {
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    temporaryPassword: a.password,
    studyIds: [],
  });
  return { id: user.id, username: user.username };
}

/** A refusal the user can act on (the database is not empty, …). */
export class DemoSeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoSeedError';
  }
}

export interface SeedReport {
  scale: DemoScale;
  baseDate: string;
  studies: number;
  centers: number;
  subjects: number;
  /** consents signed (own center) */
  consents: number;
  /** eligibility signatures (by the first investigator account; none when the database has no investigator) */
  signatures: number;
  /** schedule versions, visits (every status, unscheduled ones included) and deviations raised from visits */
  scheduleVersions: number;
  visits: number;
  deviations: number;
  /** adverse events (issue 6), the serious ones, their SAE reports and the investigator's "AE assessed" signatures */
  aes: number;
  saes: number;
  saeReports: number;
  aeSignatures: number;
  /** audit events written by this seeding (accounts included) */
  auditEvents: number;
  /** accounts created now, with their passwords; empty when the database had accounts already */
  accounts: { username: string; role: Role; password: string }[];
  /** who the studies and centers are attributed to */
  actor: Actor;
  /** data includes aes: planning and writing the adverse events (issue 6) */
  ms: { plan: number; accounts: number; data: number; aes: number };
}

type StudyRow = typeof studies.$inferSelect;
type CenterRow = typeof centers.$inferSelect;
type SubjectRow = typeof subjects.$inferSelect;

// the fields the services record in a create event, in their order
const STUDY_FIELDS = Object.keys(studyFields.shape) as (keyof typeof studyFields.shape & keyof StudyRow)[];
const CENTER_FIELDS = Object.keys(centerFields.shape) as (keyof typeof centerFields.shape & keyof CenterRow)[];

const auditCount = (db: AppDb) =>
  (db.$client.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;

function studyCount(db: AppDb): number {
  return db.select({ n: count() }).from(studies).get()?.n ?? 0;
}

function refuseIfNotEmpty(db: AppDb): void {
  const n = studyCount(db);
  if (n > 0) {
    throw new DemoSeedError(
      `The database already has ${n} ${n === 1 ? 'study' : 'studies'}: seed-demo only fills a database without studies. ` +
        'Give it a new file (--db demo.sqlite).',
    );
  }
}

export async function seedDemo(
  db: AppDb,
  opts: { scale: DemoScale; plan?: DemoPlan; /** the AEs' (default: planAes of the plan) */ aes?: AePlanOptions },
): Promise<SeedReport> {
  refuseIfNotEmpty(db);
  const tPlan = performance.now();
  const plan = opts.plan ?? planDemo(opts.scale);
  const auditBefore = auditCount(db);

  // accounts first (scrypt is slow and async: outside the data transaction), at the plan's set-up time
  const t0 = performance.now();
  const created: SeedReport['accounts'] = [];
  let actor: Actor | null = null;
  if (accounts.needsSetup(db)) {
    const ctx: ServiceContext = { db, actor: { id: null, username: 'system' }, now: () => new Date(plan.setupAt) };
    for (const a of DEMO_ACCOUNTS) {
      const made = await createDemoAccount(actor ? { ...ctx, actor } : ctx, a);
      created.push({ username: a.username, role: a.role, password: a.password });
      actor ??= made;
    }
  } else {
    // a database that was set up already: the studies are attributed to its first administrator
    const admin = db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(eq(users.role, 'admin'))
      .orderBy(asc(users.id))
      .get();
    if (!admin) throw new DemoSeedError('The database has accounts but no administrator: seed-demo needs one.');
    actor = admin;
  }
  const t1 = performance.now();
  const { aesMs, ...written } = writePlan(db, plan, actor!, opts.aes);
  if (created.length > 0) assignDemoStudies(db, plan, actor!);
  const t2 = performance.now();
  return {
    scale: plan.scale,
    baseDate: plan.baseDate,
    ...written,
    auditEvents: auditCount(db) - auditBefore,
    accounts: created,
    actor: actor!,
    ms: { plan: t0 - tPlan, accounts: t1 - t0, data: t2 - t1, aes: aesMs.plan + aesMs.write },
  };
}

/** Assigns the new non-administrator demo accounts to the first studies (by id), an hour after the plan's last event. */
function assignDemoStudies(db: AppDb, plan: DemoPlan, actor: Actor): void {
  const at = (plan.events.at(-1)?.at ?? plan.setupAt) + 3_600_000;
  const ctx: ServiceContext = { db, actor, now: () => new Date(at) };
  const studyIds = db.select({ id: studies.id }).from(studies).orderBy(asc(studies.id)).all();
  for (const a of DEMO_ACCOUNTS) {
    if (!a.studies) continue;
    const user = db.select({ id: users.id }).from(users).where(eq(users.username, a.username)).get();
    if (!user) continue;
    const ids = studyIds.slice(0, a.studies).map((s) => s.id);
    userAdmin.assignStudies(ctx, { id: user.id, studyIds: ids, reason: '演示数据 / demo data' });
  }
}

type Written = Pick<SeedReport, 'studies' | 'centers' | 'subjects' | 'consents' | 'signatures'> &
  VisitCounts &
  AeCounts & { aesMs: ReturnType<typeof aeWriter>['ms'] };

/** Applies the plan's events in one immediate transaction. Returns the numbers of rows written. */
export function writePlan(db: AppDb, plan: DemoPlan, actor: Actor, aeOptions?: AePlanOptions): Written {
  const sqlite = db.$client;
  const insertStudy = sqlite.prepare(
    `INSERT INTO studies (protocol_number, title, short_title, sponsor, cro, phase, indication, therapeutic_area,
       registration_number, site_pi, ethics_approval_date, protocol_version, protocol_version_date, status,
       status_before_suspension, status_reason, enrollment_target, created_at, updated_at)
     VALUES (@protocolNumber, @title, @shortTitle, @sponsor, @cro, @phase, @indication, @therapeuticArea,
       @registrationNumber, @sitePi, @ethicsApprovalDate, @protocolVersion, @protocolVersionDate, @status,
       @statusBeforeSuspension, @statusReason, @enrollmentTarget, @createdAt, @updatedAt)`,
  );
  const updateStudy = sqlite.prepare(
    `UPDATE studies SET protocol_number = @protocolNumber, title = @title, short_title = @shortTitle, sponsor = @sponsor,
       cro = @cro, phase = @phase, indication = @indication, therapeutic_area = @therapeuticArea,
       registration_number = @registrationNumber, site_pi = @sitePi, ethics_approval_date = @ethicsApprovalDate,
       protocol_version = @protocolVersion, protocol_version_date = @protocolVersionDate,
       enrollment_target = @enrollmentTarget, status = @status, status_before_suspension = @statusBeforeSuspension,
       status_reason = @statusReason, updated_at = @updatedAt
     WHERE id = @id`,
  );
  const insertCenter = sqlite.prepare(
    `INSERT INTO centers (study_id, code, hospital_name, city, pi, is_lead, is_own, enrollment_target, hard_cap,
       activation_date, status, status_reason, created_at, updated_at)
     VALUES (@studyId, @code, @hospitalName, @city, @pi, @isLead, @isOwn, @enrollmentTarget, @hardCap,
       @activationDate, @status, @statusReason, @createdAt, @updatedAt)`,
  );
  const updateCenter = sqlite.prepare(
    `UPDATE centers SET status = @status, status_reason = @statusReason, activation_date = @activationDate,
       updated_at = @updatedAt WHERE id = @id`,
  );
  // SQLite stores booleans as 0/1; better-sqlite3 binds numbers, not booleans
  const centerParams = (r: CenterRow) => ({ ...r, isLead: r.isLead ? 1 : 0, isOwn: r.isOwn ? 1 : 0 });

  let clock = 0;
  const ctx: ServiceContext = { db, actor, now: () => new Date(clock) };
  const studyRows: StudyRow[] = [];
  const centerRows: CenterRow[][] = plan.studies.map(() => []);
  const visits = visitWriter({ sqlite, plan, ctx, setClock: (t) => (clock = t), studyRows });
  const aes = aeWriter({
    sqlite,
    plan,
    ctx,
    setClock: (t) => (clock = t),
    studyRows,
    visits,
    planned: () => planAes(plan, aeOptions),
  });
  const subjectsOf = subjectWriter(db, plan, ctx, studyRows, centerRows, visits, aes);

  const apply = (e: DemoEvent) => {
    clock = e.at;
    const now = new Date(e.at).toISOString();
    switch (e.kind) {
      case 'study.create': {
        const f = plan.studies[e.study]!.fields;
        const row: StudyRow = {
          id: 0,
          ...f,
          status: 'planning',
          statusBeforeSuspension: null,
          statusReason: null,
          createdAt: now,
          updatedAt: now,
        };
        row.id = Number(insertStudy.run(row).lastInsertRowid);
        studyRows[e.study] = row;
        recordAudit(ctx, {
          action: 'create',
          entity: 'study',
          entityId: row.id,
          studyId: row.id,
          changes: diff(null, row, [...STUDY_FIELDS, 'status']),
        });
        return;
      }
      case 'study.update': {
        const before = studyRows[e.study]!;
        const after: StudyRow = { ...before, ...e.fields, updatedAt: now };
        studyFields.parse(after); // the edited study must still be a valid study
        updateStudy.run(after);
        studyRows[e.study] = after;
        recordAudit(ctx, {
          action: 'update',
          entity: 'study',
          entityId: after.id,
          studyId: after.id,
          changes: diff(before, after, STUDY_FIELDS),
          reason: e.reason,
        });
        return;
      }
      case 'study.status': {
        const before = studyRows[e.study]!;
        if (!nextStudyStatuses(before.status, before.statusBeforeSuspension).includes(e.to)) {
          throw new Error(`demo plan: illegal study transition ${before.status} → ${e.to}`);
        }
        if (studyStatusNeedsReason(before.status, e.to) && !e.reason) {
          throw new Error(`demo plan: ${before.status} → ${e.to} needs a reason`);
        }
        const after: StudyRow = {
          ...before,
          status: e.to,
          statusReason: e.reason,
          statusBeforeSuspension: e.to === 'suspended' ? before.status : null,
          updatedAt: now,
        };
        updateStudy.run(after);
        studyRows[e.study] = after;
        recordAudit(ctx, {
          action: 'status',
          entity: 'study',
          entityId: after.id,
          studyId: after.id,
          changes: { status: [before.status, e.to] },
          reason: e.reason,
        });
        return;
      }
      case 'center.create': {
        const study = studyRows[e.study]!;
        if (study.status === 'closed' || study.status === 'terminated') {
          throw new Error(`demo plan: center added to a ${study.status} study`);
        }
        const f = plan.studies[e.study]!.centers[e.center]!;
        if (f.hardCap !== null && f.enrollmentTarget !== null && f.hardCap < f.enrollmentTarget) {
          throw new Error('demo plan: hard cap below the enrollment target');
        }
        const row: CenterRow = {
          id: 0,
          studyId: study.id,
          ...f,
          status: f.activationDate ? 'active' : 'pending',
          statusReason: null,
          createdAt: now,
          updatedAt: now,
        };
        row.id = Number(insertCenter.run(centerParams(row)).lastInsertRowid);
        centerRows[e.study]![e.center] = row;
        recordAudit(ctx, {
          action: 'create',
          entity: 'center',
          entityId: row.id,
          studyId: study.id,
          changes: diff(null, row, [...CENTER_FIELDS, 'status']),
        });
        return;
      }
      case 'center.status': {
        const before = centerRows[e.study]![e.center]!;
        if (!centerTransitions[before.status].includes(e.to)) {
          throw new Error(`demo plan: illegal center transition ${before.status} → ${e.to}`);
        }
        const activationDate = e.to === 'active' ? (e.date ?? before.activationDate) : before.activationDate;
        if (e.to === 'active' && !activationDate) throw new Error('demo plan: activation without a date');
        if ((e.to === 'closed' || before.status === 'closed') && !e.reason) {
          throw new Error(`demo plan: center ${before.status} → ${e.to} needs a reason`);
        }
        const after: CenterRow = { ...before, status: e.to, statusReason: e.reason, activationDate, updatedAt: now };
        updateCenter.run(centerParams(after));
        centerRows[e.study]![e.center] = after;
        recordAudit(ctx, {
          action: 'status',
          entity: 'center',
          entityId: after.id,
          studyId: after.studyId,
          changes: diff(before, after, ['status', 'activationDate']),
          reason: e.reason,
        });
        return;
      }
      case 'scheduleVersion.create':
        visits.createVersion(e.study, e.version);
        return;
      case 'holidayList.load':
        loadOfficialHolidays(ctx, e.year);
        return;
      default:
        subjectsOf.apply(e);
    }
  };

  // a large seed writes about 1.4 GB of table and index pages in one transaction (1 GB before the AEs of issue 6): a
  // page cache that holds them for the duration (default 2 MB), so that the index pages are not spilled to the WAL and
  // read back again and again
  const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma(`cache_size = ${plan.scale === 'large' ? -2_097_152 : -262_144}`);
  try {
    sqlite
      .transaction(() => {
        refuseIfNotEmpty(db); // again, inside the write lock
        for (const e of plan.events) {
          aes.until(e.at); // the subjects' adverse events recorded before it (each after the visits before it)
          visits.until(e.at); // the subjects' visits recorded before it
          apply(e);
        }
        aes.finish();
        visits.finish();
        subjectsOf.finish();
      })
      .immediate();
  } finally {
    sqlite.pragma(`cache_size = ${cacheSize}`);
  }
  return {
    studies: studyRows.length,
    centers: centerRows.reduce((n, list) => n + list.length, 0),
    ...subjectsOf.counts,
    ...visits.counts,
    ...aes.counts,
    aesMs: aes.ms,
  };
}

const fail = (subject: DemoSubject | null, message: string): never => {
  throw new Error(`demo plan: ${message}${subject ? ` (subject ${subject.screeningNumber})` : ''}`);
};

/**
 * The subject steps of the plan: set-ups, consent versions and subjects. A subject's row is inserted in its final state
 * at registration (the whole seeding is one transaction, so nothing sees it before); each step is checked, when it
 * happens, against the rules of the subject services and recorded in the audit trail at its own time.
 */
function subjectWriter(
  db: AppDb,
  plan: DemoPlan,
  ctx: ServiceContext,
  studyRows: readonly StudyRow[],
  centerRows: readonly CenterRow[][],
  visits: ReturnType<typeof visitWriter>,
  aes: ReturnType<typeof aeWriter>,
) {
  const sqlite = db.$client;
  const insertSetup = sqlite.prepare(
    `INSERT INTO subject_setups (study_id, screening_pattern, subject_pattern, arms, criteria, screen_failure_reasons,
       current_consent_version_id, updated_at)
     VALUES (@studyId, @screeningPattern, @subjectPattern, @arms, @criteria, @screenFailureReasons, NULL, @updatedAt)`,
  );
  const setCurrentVersion = sqlite.prepare(
    'UPDATE subject_setups SET current_consent_version_id = ?, updated_at = ? WHERE study_id = ?',
  );
  const insertVersion = sqlite.prepare(
    `INSERT INTO consent_versions (study_id, version, version_date, approved_date, created_at)
     VALUES (@studyId, @version, @versionDate, @approvedDate, @createdAt)`,
  );
  const insertSubject = sqlite.prepare(
    `INSERT INTO subjects (study_id, center_id, screening_number, subject_number, initials, sex, birth_date, birth_year,
       arm, strata, name, record_number, id_number, phone, status, screening_date, eligibility, screen_failure_date,
       screen_failure_reason, screen_failure_detail, enrollment_date, cap_override_reason, treatment_start_date,
       follow_up_date, completion_date, withdrawal_date, withdrawal_reason, withdrawal_detail, last_consent_version_id,
       first_consent_date, eligibility_confirmed, created_at, updated_at)
     VALUES (@studyId, @centerId, @screeningNumber, @subjectNumber, @initials, @sex, @birthDate, @birthYear,
       @arm, @strata, @name, @recordNumber, @idNumber, @phone, @status, @screeningDate, @eligibility, @screenFailureDate,
       @screenFailureReason, @screenFailureDetail, @enrollmentDate, @capOverrideReason, @treatmentStartDate,
       @followUpDate, @completionDate, @withdrawalDate, @withdrawalReason, @withdrawalDetail, @lastConsentVersionId,
       @firstConsentDate, @eligibilityConfirmed, @createdAt, @updatedAt)`,
  );
  const insertNumber = sqlite.prepare(
    'INSERT INTO subject_numbers (study_id, kind, number, subject_id, assigned_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertConsent = sqlite.prepare(
    `INSERT INTO consents (subject_id, consent_version_id, signed_date, obtained_by, notes, created_by, created_at)
     VALUES (?, ?, ?, ?, NULL, ?, ?)`,
  );
  const insertSignature = sqlite.prepare(
    `INSERT INTO signatures (entity, entity_id, study_id, meaning, signer_id, signer_name, signed_at, content_hash, content)
     VALUES ('subject', ?, ?, 'eligibility_confirmed', ?, ?, ?, ?, ?)`,
  );
  // the investigator who confirms eligibility: the first active investigator account (the demo's dr.zhang)
  const signer = sqlite
    .prepare(
      "SELECT id, username, display_name AS displayName FROM users WHERE role = 'investigator' AND active = 1 ORDER BY id LIMIT 1",
    )
    .get() as { id: number; username: string; displayName: string } | undefined;
  const signerCtx: ServiceContext | null = signer
    ? { ...ctx, actor: { id: signer.id, username: signer.username } }
    : null;

  // when each subject's last step happens (its row's updated_at)
  const lastAt = new Map<number, number>();
  for (const e of plan.events) if ('subject' in e) lastAt.set(e.subject, e.at);

  const versionIds: number[][] = plan.studies.map(() => []);
  const currentVersion: (number | null)[] = plan.studies.map(() => null);
  const numbers: Set<string>[] = plan.studies.map(() => new Set());
  const enrolled: number[][] = plan.studies.map((s) => s.centers.map(() => 0));
  const rows: SubjectRow[] = [];
  /** the status and latest date of each subject as the steps are applied */
  const state: { status: SubjectRow['status']; date: string }[] = [];
  const counts = { subjects: 0, consents: 0, signatures: 0 };
  const iso = (t: number) => new Date(t).toISOString();
  const today = plan.baseDate;

  const claim = (x: DemoSubject, kind: 'screening' | 'subject', number: string, id: number, at: string) => {
    const key = `${kind}|${number.toLowerCase()}`;
    if (numbers[x.study]!.has(key)) fail(x, `${kind} number ${number} given twice`);
    numbers[x.study]!.add(key);
    insertNumber.run(studyRows[x.study]!.id, kind, number, id, at);
  };
  const version = (x: DemoSubject, index: number, signedDate: string) => {
    const v = plan.studies[x.study]!.consentVersions[index];
    const id = versionIds[x.study]![index];
    if (!v || id === undefined) return fail(x, `consent version ${index} unknown to the study`);
    if (v.approvedDate > signedDate) fail(x, `consent on ${signedDate} of a version approved ${v.approvedDate}`);
    return { id, label: v.version };
  };
  const consent = (x: DemoSubject, k: number, index: number, at: string) => {
    const c = x.consents[index]!;
    const v = version(x, c.version, c.signedDate);
    const prev = index > 0 ? x.consents[index - 1]! : null;
    if (prev && (prev.signedDate > c.signedDate || prev.version >= c.version)) fail(x, 're-consent out of order');
    if (c.signedDate > today) fail(x, 'consent after today');
    const id = Number(
      insertConsent.run(rows[k]!.id, v.id, c.signedDate, c.obtainedBy, ctx.actor.id, at).lastInsertRowid,
    );
    counts.consents++;
    // the first consent sets the consent date: the visits anchored on it are planned (as insertConsent's writeSubject)
    if (index === 0) visits.step(k, 'create');
    recordAudit(ctx, {
      action: 'consent',
      entity: 'subject',
      entityId: rows[k]!.id,
      studyId: rows[k]!.studyId,
      subjectId: rows[k]!.id,
      changes: {
        consentId: [null, id],
        version: [null, v.label],
        signedDate: [null, c.signedDate],
        obtainedBy: [null, c.obtainedBy],
      },
    });
  };
  /** the study enrolling and the center active: registration, screening and enrollment */
  const assertOpen = (x: DemoSubject, what: string) => {
    const study = studyRows[x.study]!;
    const center = centerRows[x.study]![x.center]!;
    if (study.status !== 'enrolling') fail(x, `${what} while the study is ${study.status}`);
    if (center.status !== 'active') fail(x, `${what} while the center is ${center.status}`);
  };
  const advance = (x: DemoSubject, k: number, date: string, what: string) => {
    if (date < state[k]!.date) fail(x, `${what} on ${date}, before ${state[k]!.date}`);
    if (date > today) fail(x, `${what} after today`);
    state[k]!.date = date;
  };

  function apply(e: SubjectEvent): void {
    const at = iso(e.at); // ctx.now() is e.at too (writePlan's clock)
    const studyId = studyRows[e.study]?.id;
    if (studyId === undefined) fail(null, `${e.kind} before the study exists`);
    switch (e.kind) {
      case 'setup.create': {
        const setup = plan.studies[e.study]!.setup;
        const text = {
          screeningPattern: setup.screeningPattern,
          subjectPattern: setup.subjectPattern,
          arms: JSON.stringify(setup.arms),
          criteria: JSON.stringify(setup.criteria),
          screenFailureReasons: JSON.stringify(setup.screenFailureReasons),
        };
        insertSetup.run({ studyId, ...text, updatedAt: at });
        recordAudit(ctx, {
          action: 'create',
          entity: 'subject_setup',
          entityId: studyId!,
          studyId,
          changes: diff(null, text, Object.keys(text) as (keyof typeof text)[]),
        });
        return;
      }
      case 'consentVersion.create': {
        const v = plan.studies[e.study]!.consentVersions[e.version]!;
        if (v.approvedDate < v.versionDate) fail(null, `consent version ${v.version} approved before its date`);
        if (v.approvedDate > today) fail(null, `consent version ${v.version} approved after today`);
        const id = Number(insertVersion.run({ studyId, ...v, createdAt: at }).lastInsertRowid);
        versionIds[e.study]![e.version] = id;
        setCurrentVersion.run(id, at, studyId);
        recordAudit(ctx, {
          action: 'create',
          entity: 'consent_version',
          entityId: id,
          studyId,
          changes: {
            ...diff(null, v, ['version', 'versionDate', 'approvedDate']),
            currentConsentVersionId: [currentVersion[e.study] ?? null, id],
          },
        });
        currentVersion[e.study] = id;
        return;
      }
      case 'subject.create': {
        const x = plan.subjects[e.subject]!;
        const center = centerRows[x.study]![x.center]!;
        assertOpen(x, 'registration');
        const isOwn = center.isOwn;
        if (!isOwn && (PERSONAL_FIELDS.some((f) => x[f] !== null) || x.consents.length > 0))
          fail(x, 'personal fields or consents on another center’s subject');
        if (isOwn && x.consents.length === 0) fail(x, 'own-center subject without consent');
        if (!/^[A-Z]{2,4}$/.test(x.initials)) fail(x, `initials ${x.initials}`);
        const last = x.consents.at(-1);
        const row: SubjectRow = {
          id: 0,
          studyId: studyId!,
          centerId: center.id,
          screeningNumber: x.screeningNumber,
          subjectNumber: x.subjectNumber,
          initials: x.initials,
          sex: x.sex,
          birthDate: x.birthDate,
          birthYear: x.birthYear,
          arm: x.arm,
          strata: x.strata,
          name: x.name,
          recordNumber: x.recordNumber,
          idNumber: x.idNumber,
          phone: x.phone,
          status: x.status,
          screeningDate: x.screeningDate,
          eligibility: x.eligibility,
          screenFailureDate: x.screenFailureDate,
          screenFailureReason: x.screenFailureReason,
          screenFailureDetail: x.screenFailureDetail,
          enrollmentDate: x.enrollmentDate,
          capOverrideReason: null,
          treatmentStartDate: x.treatmentStartDate,
          followUpDate: x.followUpDate,
          completionDate: x.completionDate,
          withdrawalDate: x.withdrawalDate,
          withdrawalReason: x.withdrawalReason,
          withdrawalDetail: x.withdrawalDetail,
          lastConsentVersionId: null,
          firstConsentDate: x.consents[0]?.signedDate ?? null,
          eligibilityConfirmed: x.confirmed && signer !== undefined,
          createdAt: at,
          updatedAt: iso(lastAt.get(e.subject)!),
          scheduleVersionId: null,
        };
        const k = e.subject;
        rows[k] = row;
        // the last consent's version: looked up when its step comes (its version exists by then)
        if (last) {
          const lastVersion = plan.studies[x.study]!.consentVersions[last.version];
          if (!lastVersion) fail(x, 'consent of an unknown version');
        }
        row.id = Number(
          insertSubject.run({
            ...row,
            strata: JSON.stringify(row.strata),
            eligibility: JSON.stringify(row.eligibility),
            eligibilityConfirmed: row.eligibilityConfirmed ? 1 : 0,
            lastConsentVersionId: null,
          }).lastInsertRowid,
        );
        counts.subjects++;
        state[k] = { status: 'screening', date: row.firstConsentDate ?? '0000-00-00' };
        claim(x, 'screening', x.screeningNumber, row.id, at);
        visits.start(k, row);
        aes.start(k, row);
        const registered = { ...row, subjectNumber: null, arm: null };
        recordAudit(ctx, {
          action: 'create',
          entity: 'subject',
          entityId: row.id,
          studyId,
          subjectId: row.id,
          changes: {
            ...diff(null, registered, SUBJECT_FIELDS),
            centerId: [null, row.centerId],
            status: [null, 'screening'],
          },
        });
        if (isOwn) consent(x, k, 0, at);
        return;
      }
      case 'subject.consent': {
        const x = plan.subjects[e.subject]!;
        const k = e.subject;
        if (!(activeSubjectStatuses as readonly string[]).includes(state[k]!.status))
          fail(x, `re-consent of a ${state[k]!.status} subject`);
        advance(x, k, x.consents[e.consent]!.signedDate, 're-consent');
        consent(x, k, e.consent, at);
        return;
      }
      case 'subject.screen': {
        const x = plan.subjects[e.subject]!;
        const k = e.subject;
        const setup = plan.studies[x.study]!.setup;
        assertOpen(x, 'screening');
        if (state[k]!.status !== 'screening' || !x.screeningDate) fail(x, 'screening twice');
        advance(x, k, x.screeningDate!, 'screening');
        const answered = Object.keys(x.eligibility).sort().join();
        if (
          answered !==
          setup.criteria
            .map((c) => c.code)
            .sort()
            .join()
        )
          fail(x, 'eligibility checklist incomplete');
        const eligible = setup.criteria.every((c) => x.eligibility[c.code] === (c.kind === 'inclusion'));
        const failed = x.screenFailureReason !== null;
        if (eligible === failed) fail(x, 'screening outcome does not match the checklist');
        // as core/subjects screenSubject records it
        const changes: Record<string, [unknown, unknown]> = { screeningDate: [null, x.screeningDate] };
        if (failed) {
          if (!setup.screenFailureReasons.some((r) => r.code === x.screenFailureReason))
            fail(x, `screen-failure reason ${x.screenFailureReason} not in the study's list`);
          if (x.screenFailureDate !== x.screeningDate) fail(x, 'screen failure dated apart from screening');
          state[k]!.status = 'screen_failed';
          Object.assign(changes, {
            status: ['screening', 'screen_failed'],
            ...diff(null, x, ['screenFailureDate', 'screenFailureReason', 'screenFailureDetail']),
          });
        }
        changes.eligibility = ['{}', JSON.stringify(x.eligibility)];
        if (failed) visits.step(k, 'screen');
        recordAudit(ctx, {
          action: 'screen',
          entity: 'subject',
          entityId: rows[k]!.id,
          studyId,
          subjectId: rows[k]!.id,
          changes,
        });
        return;
      }
      case 'subject.sign': {
        const x = plan.subjects[e.subject]!;
        const k = e.subject;
        if (!signer || !signerCtx) return; // no investigator account: the enrollment stays unconfirmed
        if (state[k]!.status !== 'screening' || !x.screeningDate) fail(x, 'eligibility signed before screening');
        const row = rows[k]!;
        const content = subjectSignedContent(row);
        const hash = contentHash(content);
        insertSignature.run(String(row.id), studyId, signer.id, signer.displayName, at, hash, canonicalJson(content));
        counts.signatures++;
        recordAudit(signerCtx, {
          action: 'sign',
          entity: 'subject',
          entityId: row.id,
          studyId,
          subjectId: row.id,
          changes: {
            meaning: [null, 'eligibility_confirmed'],
            signerName: [null, signer.displayName],
            contentHash: [null, hash],
            ...Object.fromEntries(Object.entries(content).map(([key, v]) => [key, [null, v ?? null]])),
          },
        });
        return;
      }
      case 'subject.enroll': {
        const x = plan.subjects[e.subject]!;
        const k = e.subject;
        const setup = plan.studies[x.study]!.setup;
        const center = centerRows[x.study]![x.center]!;
        assertOpen(x, 'enrollment');
        if (state[k]!.status !== 'screening' || !x.screeningDate || x.screenFailureReason !== null)
          fail(x, 'enrollment without eligible screening');
        advance(x, k, x.enrollmentDate!, 'enrollment');
        if (center.hardCap !== null && enrolled[x.study]![x.center]! + 1 > center.hardCap)
          fail(x, `enrollment beyond the hard cap ${center.hardCap}`);
        enrolled[x.study]![x.center]!++;
        if (setup.arms.length > 0 && !setup.arms.some((a) => a.code === x.arm))
          fail(x, `arm ${x.arm} not in the set-up`);
        claim(x, 'subject', x.subjectNumber!, rows[k]!.id, at);
        state[k]!.status = 'enrolled';
        visits.step(k, 'enroll');
        recordAudit(ctx, {
          action: 'enroll',
          entity: 'subject',
          entityId: rows[k]!.id,
          studyId,
          subjectId: rows[k]!.id,
          changes: { status: ['screening', 'enrolled'], ...diff(null, x, ['enrollmentDate', 'subjectNumber', 'arm']) },
        });
        return;
      }
      case 'subject.status': {
        const x = plan.subjects[e.subject]!;
        const k = e.subject;
        const from = state[k]!.status;
        if (!subjectTransitions[from].includes(e.to)) fail(x, `illegal status change ${from} → ${e.to}`);
        if (centerRows[x.study]![x.center]!.status === 'closed') fail(x, 'status change at a closed center');
        const field = STATUS_DATE[e.to];
        const date = x[field];
        if (!date) fail(x, `${e.to} without a date`);
        advance(x, k, date!, e.to);
        state[k]!.status = e.to;
        const changes: Record<string, [unknown, unknown]> = { status: [from, e.to], [field]: [null, date] };
        let reason: string | null = null;
        if (e.to === 'withdrawn') {
          if (!x.withdrawalReason) fail(x, 'withdrawal without a reason');
          if (x.withdrawalReason === 'other' && !x.withdrawalDetail) fail(x, 'withdrawal "other" without detail');
          Object.assign(changes, diff(null, x, ['withdrawalReason', 'withdrawalDetail']));
          reason = x.withdrawalDetail;
        }
        visits.step(k, e.to);
        recordAudit(ctx, {
          action: 'status',
          entity: 'subject',
          entityId: rows[k]!.id,
          studyId,
          subjectId: rows[k]!.id,
          changes,
          reason,
        });
        return;
      }
    }
  }

  /** after the last step: every subject's status is the plan's, the last consent version is set */
  const finish = () => {
    const setLastVersion = sqlite.prepare('UPDATE subjects SET last_consent_version_id = ? WHERE id = ?');
    plan.subjects.forEach((x, k) => {
      if (state[k]?.status !== x.status) fail(x, `ends ${state[k]?.status}, planned ${x.status}`);
      const last = x.consents.at(-1);
      if (last) setLastVersion.run(versionIds[x.study]![last.version]!, rows[k]!.id);
    });
  };
  return { apply, finish, counts };
}
