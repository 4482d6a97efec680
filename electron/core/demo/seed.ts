/**
 * Writes a demo plan into a database without studies: the demo accounts through the accounts service, then every study,
 * center and status change in ONE transaction with prepared statements, each change with its audit event (recordAudit,
 * the one hashing implementation), checked against the same rules as the services.
 */
import { asc, count, eq } from 'drizzle-orm';
import { type centers, studies, users } from '../../../db/schema';
import { type Role } from '../../api';
import { centerFields, studyFields } from '../../api/contract';
import * as accounts from '../accounts/accounts';
import * as userAdmin from '../accounts/users';
import { diff, recordAudit } from '../audit/audit';
import type { Actor, AppDb, ServiceContext } from '../context';
import { nextStudyStatuses, studyStatusNeedsReason } from '../studies/status';
import { centerTransitions } from '../centers/centers';
import { planDemo, type DemoEvent, type DemoPlan, type DemoScale } from './plan';

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
  /** audit events written by this seeding (accounts included) */
  auditEvents: number;
  /** accounts created now, with their passwords; empty when the database had accounts already */
  accounts: { username: string; role: Role; password: string }[];
  /** who the studies and centers are attributed to */
  actor: Actor;
  ms: { plan: number; accounts: number; data: number };
}

type StudyRow = typeof studies.$inferSelect;
type CenterRow = typeof centers.$inferSelect;

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

export async function seedDemo(db: AppDb, opts: { scale: DemoScale; plan?: DemoPlan }): Promise<SeedReport> {
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
  const written = writePlan(db, plan, actor!);
  if (created.length > 0) assignDemoStudies(db, plan, actor!);
  const t2 = performance.now();
  return {
    scale: plan.scale,
    baseDate: plan.baseDate,
    ...written,
    auditEvents: auditCount(db) - auditBefore,
    accounts: created,
    actor: actor!,
    ms: { plan: t0 - tPlan, accounts: t1 - t0, data: t2 - t1 },
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

/** Applies the plan's events in one immediate transaction. Returns the numbers of studies and centers written. */
export function writePlan(db: AppDb, plan: DemoPlan, actor: Actor): { studies: number; centers: number } {
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
    }
  };

  sqlite
    .transaction(() => {
      refuseIfNotEmpty(db); // again, inside the write lock
      for (const e of plan.events) apply(e);
    })
    .immediate();
  return { studies: studyRows.length, centers: centerRows.reduce((n, list) => n + list.length, 0) };
}
