/**
 * The one dispatch table: channel → permission → core call. Both hosts (Electron IPC in main/, HTTP in web/) and the CLI
 * call `dispatch`; nothing else reaches the services from outside.
 */
import type { ApiResult, AuditEntry, ChannelName, OutputOf, ParsedInputOf, Role, SessionUser } from './api';
import { contract } from './api';
import * as studyAccess from './core/accounts/access';
import * as accounts from './core/accounts/accounts';
import * as users from './core/accounts/users';
import { auditForRecord, verifyAuditChain } from './core/audit/audit';
import * as trail from './core/audit/trail';
import * as centers from './core/centers/centers';
import type { Actor, AppDb, ServiceContext } from './core/context';
import { SYSTEM_ACTOR } from './core/context';
import { AppError } from './core/errors';
import * as backups from './core/backup/backups';
import { authoriseRecovery, type RecoveryState } from './core/backup/recovery';
import { restoreDatabase, type HostDatabase } from './core/backup/restore';
import * as lock from './core/lock/lock';
import * as settings from './core/settings/settings';
import * as signatures from './core/signatures/signatures';
import * as studies from './core/studies/studies';
import * as subjectLists from './core/subjects/lists';
import * as subjectSetup from './core/subjects/setup';
import * as subjects from './core/subjects/subjects';
import { proposeNumber } from './core/subjects/numbering';
import { redactChanges, seesPersonalFields } from './core/subjects/privacy';
import { parseInput } from './core/validation';
import * as deviations from './core/visits/deviations';
import * as holidays from './core/visits/holidays';
import * as schedules from './core/visits/schedule';
import * as visits from './core/visits/visits';
import * as worklist from './core/visits/worklist';
import * as aes from './core/safety/aes';
import * as ctcae from './core/safety/ctcae';
import * as safetyLists from './core/safety/listing';
import * as safetySettings from './core/safety/settings';
import * as susars from './core/safety/susars';
import * as exchange from './core/exchange/export';
import * as imports from './core/exchange/import/engine';
import { importKind } from './core/exchange/import/kinds';
import { importTemplate } from './core/exchange/import/template';
import { importReportFile } from './core/exchange/import/report';

/** What a host keeps per window (desktop) or per browser session: who is signed in. */
export interface Session {
  user: SessionUser | null;
  /** auto-lock (core/lock): UTC instant the session locked, null/absent while open */
  lockedAt?: string | null;
  /** auto-lock: host clock (ms) of this session's last call */
  lastActivityAt?: number;
}

/** What a host provides once, at start-up. */
export interface HostContext {
  db: AppDb;
  host: 'desktop' | 'browser' | 'cli';
  version: string;
  now?: () => Date;
  /** the database file and how to swap it (backup.restore); hosts that cannot restore leave it out */
  database?: HostDatabase;
  /** signs every session of this host out (after a restore) */
  signOutAll?: () => void;
  /** set when the database was found damaged at start-up: `db` is then the damaged file, read-only (core/backup/recovery) */
  recovery?: RecoveryState | null;
}

/**
 * 'public': anyone, signed in or not; 'recovery': only while the host is in recovery mode (nobody can be signed in then;
 * the call carries its own authorisation); otherwise the roles that may call the channel.
 */
export type Access = 'public' | 'recovery' | readonly Role[];

interface CallContext extends ServiceContext {
  host: HostContext;
  session: Session;
}
interface Handler<C extends ChannelName> {
  access: Access;
  run(ctx: CallContext, input: ParsedInputOf<C>): OutputOf<C> | Promise<OutputOf<C>>;
}

const ALL: readonly Role[] = ['admin', 'coordinator', 'investigator', 'monitor'];
/** Who may set up and change studies and centers (monitors read only). Refined by the roles issue. */
const STUDY_EDITORS: readonly Role[] = ['admin', 'coordinator', 'investigator'];
/** Site staff: see personal fields of our own center's subjects and record subjects (monitors do neither). */
const SITE_ROLES: readonly Role[] = ['admin', 'coordinator', 'investigator'];
/** Who may read the whole audit trail (issue 3: audit viewer). */
const AUDIT_READERS: readonly Role[] = ['admin', 'coordinator', 'investigator', 'monitor'];

/** The signed-in user (the handler table has checked there is one before `run`). */
function me(ctx: CallContext): SessionUser {
  if (!ctx.session.user) throw new AppError('unauthenticated', 'errors.unauthenticated');
  return ctx.session.user;
}
/** Refuses a study / center the signed-in user is not assigned to (administrators: all). */
const forStudy = (ctx: CallContext, studyId: number) => studyAccess.assertStudyAccess(ctx.db, me(ctx), studyId);
const forCenter = (ctx: CallContext, centerId: number) => studyAccess.assertCenterAccess(ctx.db, me(ctx), centerId);
const forSubject = (ctx: CallContext, subjectId: number) => studyAccess.assertSubjectAccess(ctx.db, me(ctx), subjectId);
/** A subject write, then the subject as the caller may see it. */
const subjectView = (ctx: CallContext, id: number) => subjects.getSubject(ctx.db, me(ctx), id);
const forVisit = (ctx: CallContext, visitId: number) => forSubject(ctx, visits.getVisitRow(ctx.db, visitId).subjectId);
/** The subject of an AE, checked like the subject itself; returns the subject id. */
const forAe = (ctx: CallContext, aeId: number) => {
  const subjectId = aes.aeSubject(ctx.db, aeId);
  forSubject(ctx, subjectId);
  return subjectId;
};
/** A visit write, then the subject's visits. */
const visitsView = (ctx: CallContext, subjectId: number) => visits.subjectVisits(ctx.db, subjectId);
/** What a user who must change a temporary password may call until they have. */
/** What a host in recovery mode answers; everything else is refused before the damaged database is touched. */
const IN_RECOVERY: readonly ChannelName[] = ['app.info', 'recovery.status', 'recovery.restore'];
const BEFORE_PASSWORD_CHANGE: readonly ChannelName[] = [
  'app.info',
  'auth.logout',
  'auth.changePassword',
  // auto-lock works for everyone: lock, unlock, heartbeat, and another user signing in over the lock screen
  'auth.lock',
  'auth.unlock',
  'auth.activity',
  'auth.login',
];

export const handlers: { [C in ChannelName]: Handler<C> } = {
  'app.info': {
    access: 'public',
    run: (ctx) =>
      ctx.host.recovery
        ? recoveryInfo(ctx)
        : {
            version: ctx.host.version,
            needsSetup: accounts.needsSetup(ctx.db),
            locale: settings.getLocale(ctx.db),
            user: ctx.session.user,
            host: ctx.host.host === 'desktop' ? 'desktop' : 'browser',
            locked: lock.isLocked(ctx.session),
            idleLockMinutes: settings.getIdleMinutes(ctx.db),
            recovery: false,
          },
  },
  'app.setLocale': { access: 'public', run: (ctx, input) => settings.setLocale(ctx, input.locale) },

  'auth.setup': {
    access: 'public',
    run: async (ctx, input) => {
      const user = await accounts.setupAdministrator(ctx, input);
      ctx.session.user = user;
      return user;
    },
  },
  'auth.login': {
    access: 'public',
    run: async (ctx, input) => {
      const user = await accounts.login(ctx, input.username, input.password);
      ctx.session.user = user;
      return user;
    },
  },
  'auth.logout': {
    access: 'public',
    run: (ctx) => {
      ctx.session.user = null;
      return null;
    },
  },

  // non-administrators: only their assigned studies (the rule: core/accounts/access)
  'studies.list': {
    access: ALL,
    run: (ctx, q) => studies.listStudies(ctx.db, q, studyAccess.visibleStudyIds(ctx.db, me(ctx))),
  },
  'studies.get': { access: ALL, run: (ctx, { id }) => (forStudy(ctx, id), studies.getStudy(ctx.db, id)) },
  'studies.create': { access: STUDY_EDITORS, run: (ctx, fields) => studyAccess.createStudyAs(ctx, me(ctx), fields) },
  'studies.update': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forStudy(ctx, i.id), studies.updateStudy(ctx, i.id, i.fields, i.reason)),
  },
  'studies.changeStatus': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forStudy(ctx, i.id), studies.changeStudyStatus(ctx, i.id, i.status, i.reason)),
  },

  'centers.create': {
    access: STUDY_EDITORS,
    run: (ctx, { studyId, ...fields }) => (forStudy(ctx, studyId), centers.createCenter(ctx, studyId, fields)),
  },
  'centers.update': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forCenter(ctx, i.id), centers.updateCenter(ctx, i.id, i.fields, i.reason)),
  },
  'centers.changeStatus': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forCenter(ctx, i.id), centers.changeCenterStatus(ctx, i.id, i.status, i.date, i.reason)),
  },

  // ---- users, roles, sign-in hardening (issue 3) ----
  'auth.changePassword': {
    access: ALL,
    run: async (ctx, i) => {
      const user = await accounts.changePassword(ctx, me(ctx).id, i.currentPassword, i.newPassword);
      ctx.session.user = user;
      return user;
    },
  },
  'users.list': { access: ['admin'], run: (ctx) => users.listUsers(ctx) },
  'users.create': { access: ['admin'], run: (ctx, i) => users.createUser(ctx, i) },
  'users.update': { access: ['admin'], run: (ctx, i) => users.updateUser(ctx, i) },
  'users.setActive': { access: ['admin'], run: (ctx, i) => users.setUserActive(ctx, i) },
  'users.resetPassword': { access: ['admin'], run: (ctx, i) => users.resetPassword(ctx, i) },
  'users.assignStudies': { access: ['admin'], run: (ctx, i) => users.assignStudies(ctx, i) },

  // ---- electronic signatures (issue 3) ----
  'signatures.sign': {
    access: ['investigator'],
    run: (ctx, i) => (
      studyAccess.assertRecordAccess(ctx.db, me(ctx), i.entity, String(i.entityId)),
      signatures.sign(ctx, i)
    ),
  },
  'signatures.forRecord': {
    access: ALL,
    run: (ctx, i) => (
      studyAccess.assertRecordAccess(ctx.db, me(ctx), i.entity, String(i.entityId)),
      signatures.signaturesFor(ctx.db, i.entity, i.entityId)
    ),
  },

  // ---- audit trail viewer (issue 3) ----
  // non-administrators read the events of their assigned studies only
  'audit.list': {
    access: AUDIT_READERS,
    run: (ctx, q) => {
      const page = trail.listAudit(ctx.db, q, studyAccess.visibleStudyIds(ctx.db, me(ctx)));
      return { ...page, rows: auditForViewer(ctx, page.rows) };
    },
  },
  'audit.actors': {
    access: AUDIT_READERS,
    run: (ctx) => trail.auditActors(ctx.db, studyAccess.visibleStudyIds(ctx.db, me(ctx))),
  },
  'audit.export': {
    access: ['admin', 'coordinator', 'investigator'],
    run: (ctx, f) =>
      trail.exportAudit(ctx.db, f, {
        locale: settings.getLocale(ctx.db),
        exportedBy: ctx.session.user ? `${ctx.session.user.displayName} (${ctx.session.user.username})` : 'system',
        version: ctx.host.version,
        now: ctx.now(),
        scope: studyAccess.visibleStudyIds(ctx.db, me(ctx)),
      }),
  },

  // ---- backup, restore, settings (issue 3) ----
  'settings.get': { access: ['admin'], run: (ctx) => settingsView(ctx) },
  'settings.update': {
    access: ['admin'],
    run: (ctx, input) => {
      settings.updateAppSettings(ctx, input);
      return settingsView(ctx);
    },
  },
  'backup.list': {
    access: ['admin'],
    run: (ctx) => {
      const folder = settings.backupFolder(ctx.db);
      return { folder, files: backups.listBackupFiles(folder) };
    },
  },
  'backup.now': { access: ['admin'], run: (ctx, i) => backups.backupNow(ctx, i.folder) },
  'backup.restore': {
    access: ['admin'],
    run: async (ctx, i) => {
      const database = ctx.host.database;
      if (!database) throw new AppError('bad_request', 'backup.restoreUnavailable');
      const result = await restoreDatabase(database.live(), i.path, {
        actor: ctx.actor,
        now: ctx.now,
        folder: settings.backupFolder(ctx.db),
      });
      ctx.session.user = null;
      ctx.host.signOutAll?.();
      return result;
    },
  },

  'recovery.status': {
    access: 'recovery',
    run: (ctx) => {
      const state = inRecovery(ctx);
      return { file: state.file, problem: state.problem, folders: state.folders, backups: state.backups };
    },
  },
  'recovery.restore': {
    access: 'recovery',
    run: async (ctx, i) => {
      const state = inRecovery(ctx);
      const database = ctx.host.database;
      if (!database) throw new AppError('bad_request', 'backup.restoreUnavailable');
      const actor = await authoriseRecovery(state, i.path, i.username, i.password, ctx.now());
      const result = await restoreDatabase(database.live(), i.path, {
        actor,
        now: ctx.now,
        folder: state.folders[0]!,
      });
      ctx.host.signOutAll?.();
      return result;
    },
  },

  // ---- auto-lock (issue 3) ----
  'auth.lock': {
    access: ALL,
    run: (ctx, i) => {
      lock.lockSession(ctx, ctx.session, i.cause);
      return { locked: true };
    },
  },
  'auth.unlock': { access: ALL, run: (ctx, i) => lock.unlockSession(ctx, ctx.session, i.password) },
  'auth.activity': { access: ALL, run: () => null },

  'audit.forRecord': {
    access: ALL,
    run: (ctx, i) => (
      studyAccess.assertRecordAccess(ctx.db, me(ctx), i.entity, i.entityId),
      auditForViewer(ctx, auditForRecord(ctx, i.entity, i.entityId))
    ),
  },
  'audit.verify': { access: ['admin'], run: (ctx) => verifyAuditChain(ctx.db.$client) },

  // ---- subjects (issue 4) ----
  'subjects.setup': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectSetup.getSetup(ctx.db, i.studyId)),
  },
  'subjects.updateSetup': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectSetup.updateSetup(ctx, i.studyId, i.fields, i.reason)),
  },
  'subjects.approveConsentVersion': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectSetup.approveConsentVersion(ctx, i)),
  },
  'subjects.list': {
    access: ALL,
    run: (ctx, q) => (forStudy(ctx, q.studyId), subjectLists.listSubjects(ctx.db, me(ctx), q)),
  },
  'subjects.get': { access: ALL, run: (ctx, i) => (forSubject(ctx, i.id), subjectView(ctx, i.id)) },
  'subjects.proposeNumber': {
    access: SITE_ROLES,
    run: (ctx, i) => {
      forStudy(ctx, i.studyId);
      const center = centers.getCenterRow(ctx.db, i.centerId);
      if (center.studyId !== i.studyId)
        throw new AppError('validation', 'subjects.centerOfOtherStudy', { field: 'centerId' });
      const setup = subjectSetup.setupOf(ctx.db, i.studyId);
      const pattern = i.kind === 'screening' ? setup.screeningPattern : setup.subjectPattern;
      return { number: proposeNumber(ctx.db, i.studyId, i.kind, pattern, center.code) };
    },
  },
  'subjects.register': {
    access: SITE_ROLES,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectView(ctx, subjects.registerSubject(ctx, i))),
  },
  'subjects.update': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.id), subjects.updateSubject(ctx, i), subjectView(ctx, i.id)),
  },
  'subjects.recordConsent': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.subjectId), subjects.recordConsent(ctx, i), subjectView(ctx, i.subjectId)),
  },
  'subjects.screen': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.id), subjects.screenSubject(ctx, i), subjectView(ctx, i.id)),
  },
  'subjects.enrollmentCheck': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.id), subjects.enrollmentCheck(ctx.db, i.id)),
  },
  'subjects.enroll': {
    access: SITE_ROLES,
    run: async (ctx, i) => {
      forSubject(ctx, i.id);
      await subjects.enrollSubject(ctx, me(ctx), i);
      return subjectView(ctx, i.id);
    },
  },
  'subjects.changeStatus': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.id), subjects.changeSubjectStatus(ctx, i), subjectView(ctx, i.id)),
  },
  'subjects.reconsentList': {
    access: SITE_ROLES,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectLists.reconsentList(ctx.db, i.studyId)),
  },
  'subjects.enrollmentSummary': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectLists.enrollmentSummary(ctx.db, i.studyId)),
  },
  'subjects.screeningLog': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectLists.screeningLog(ctx.db, i.studyId, i.centerId)),
  },
  'subjects.enrollmentLog': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectLists.enrollmentLog(ctx.db, i.studyId, i.centerId)),
  },
  'subjects.identificationList': {
    access: SITE_ROLES,
    run: (ctx, i) => (forStudy(ctx, i.studyId), subjectLists.identificationList(ctx.db, i.studyId)),
  },
  'subjects.correctStatusDate': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.id), subjects.correctStatusDate(ctx, i), subjectView(ctx, i.id)),
  },

  // ---- visit schedules, visits, worklist, deviations, holidays (issue 5) ----
  'schedules.list': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), schedules.listVersions(ctx.db, i.studyId)),
  },
  'schedules.save': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (forStudy(ctx, i.studyId), schedules.saveSchedule(ctx, i)),
  },
  'schedules.preview': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), schedules.previewSchedule(ctx.db, i)),
  },
  'schedules.moveSubjects': {
    access: STUDY_EDITORS,
    run: (ctx, i) => {
      forStudy(ctx, schedules.getVersionRow(ctx.db, i.versionId).studyId);
      return { moved: visits.moveSubjects(ctx, i) };
    },
  },
  'visits.forSubject': { access: ALL, run: (ctx, i) => (forSubject(ctx, i.subjectId), visitsView(ctx, i.subjectId)) },
  'visits.record': {
    access: SITE_ROLES,
    run: (ctx, i) => (forVisit(ctx, i.id), visitsView(ctx, visits.recordVisit(ctx, i))),
  },
  'visits.addUnscheduled': {
    access: SITE_ROLES,
    run: (ctx, i) => (forSubject(ctx, i.subjectId), visits.addUnscheduledVisit(ctx, i), visitsView(ctx, i.subjectId)),
  },
  'visits.resolveDeviation': {
    access: SITE_ROLES,
    run: (ctx, i) => (forVisit(ctx, i.visitId), visitsView(ctx, visits.resolveDeviation(ctx, i))),
  },
  'visits.worklist': {
    access: SITE_ROLES,
    run: (ctx, q) => {
      if (q.studyId) forStudy(ctx, q.studyId);
      if (q.centerId) forCenter(ctx, q.centerId);
      return worklist.worklist(ctx.db, ctx.now(), worklist.worklistStudies(ctx.db, me(ctx), q), q);
    },
  },
  'visits.overdueCount': {
    access: SITE_ROLES,
    run: (ctx) => ({
      count: worklist.overdueCount(ctx.db, ctx.now(), studyAccess.visibleStudyIds(ctx.db, me(ctx))),
    }),
  },
  'visits.calendar': {
    access: SITE_ROLES,
    run: (ctx, q) => {
      if (q.studyId) forStudy(ctx, q.studyId);
      if (q.centerId) forCenter(ctx, q.centerId);
      return worklist.calendarMonth(ctx.db, ctx.now(), worklist.worklistStudies(ctx.db, me(ctx), q), q);
    },
  },
  'deviations.list': { access: ALL, run: (ctx, q) => (forStudy(ctx, q.studyId), deviations.listDeviations(ctx.db, q)) },
  'deviations.create': {
    access: SITE_ROLES,
    run: (ctx, i) => (forStudy(ctx, i.studyId), deviations.getDeviation(ctx.db, deviations.createDeviation(ctx, i))),
  },
  'deviations.update': {
    access: SITE_ROLES,
    run: (ctx, i) => (
      forStudy(ctx, deviations.deviationStudy(ctx.db, i.id)),
      deviations.updateDeviation(ctx, i),
      deviations.getDeviation(ctx.db, i.id)
    ),
  },
  'holidays.list': { access: ALL, run: (ctx, i) => holidays.listHolidays(ctx.db, i.year) },
  'holidays.save': {
    access: ['admin'],
    run: (ctx, i) => (holidays.saveHoliday(ctx, i), holidays.listHolidays(ctx.db, Number(i.date.slice(0, 4)))),
  },
  'holidays.remove': {
    access: ['admin'],
    run: (ctx, i) => (holidays.removeHoliday(ctx, i.date), holidays.listHolidays(ctx.db, Number(i.date.slice(0, 4)))),
  },
  'holidays.loadOfficial': { access: ['admin'], run: (ctx, i) => holidays.loadOfficialHolidays(ctx, i.year) },

  // ---- adverse events, SAE clock, SUSARs, CTCAE, investigator sign-off (issue 6) ----
  'ctcae.status': { access: ALL, run: (ctx) => ctcae.ctcaeStatus(ctx.db) },
  'ctcae.load': {
    access: ['admin'],
    run: (ctx, i) => ctcae.loadCtcaeWorkbook(ctx, { fileName: i.fileName, bytes: Buffer.from(i.base64, 'base64') }),
  },
  'ctcae.search': { access: ALL, run: (ctx, q) => ctcae.searchCtcae(ctx.db, q) },
  'ctcae.term': {
    access: ALL,
    run: (ctx, i) => {
      const term = ctcae.getCtcaeTerm(ctx.db, i.meddraCode);
      if (!term) throw new AppError('not_found', 'errors.notFound', { params: { entity: 'ctcae' } });
      return term;
    },
  },
  'safety.settings': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), safetySettings.getSafetySettings(ctx.db, i.studyId)),
  },
  'safety.updateSettings': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (
      forStudy(ctx, i.studyId),
      safetySettings.updateSafetySettings(ctx, i),
      safetySettings.getSafetySettings(ctx.db, i.studyId)
    ),
  },
  'aes.forSubject': {
    access: ALL,
    run: (ctx, i) => (forSubject(ctx, i.subjectId), aes.subjectAes(ctx.db, ctx.now(), i.subjectId)),
  },
  'aes.get': { access: ALL, run: (ctx, i) => (forAe(ctx, i.id), aes.getAe(ctx.db, ctx.now(), i.id)) },
  'aes.create': {
    access: SITE_ROLES,
    run: (ctx, i) => {
      forSubject(ctx, i.subjectId);
      const id = aes.createAe(ctx, i, me(ctx).role);
      return aes.subjectAes(ctx.db, ctx.now(), i.subjectId, id);
    },
  },
  'aes.update': {
    access: SITE_ROLES,
    run: (ctx, i) => {
      const subjectId = forAe(ctx, i.id);
      aes.updateAe(ctx, i, me(ctx).role);
      return aes.subjectAes(ctx.db, ctx.now(), subjectId, i.id);
    },
  },
  'aes.list': { access: ALL, run: (ctx, q) => (forStudy(ctx, q.studyId), safetyLists.listAes(ctx.db, ctx.now(), q)) },
  'aes.counts': { access: ALL, run: (ctx, i) => (forStudy(ctx, i.studyId), safetyLists.aeCounts(ctx.db, i.studyId)) },
  'aes.saeBoard': {
    access: ALL,
    run: (ctx, q) => {
      if (q.studyId) forStudy(ctx, q.studyId);
      const studies = q.studyId ? [q.studyId] : studyAccess.visibleStudyIds(ctx.db, me(ctx));
      return safetyLists.saeBoard(ctx.db, ctx.now(), studies, q);
    },
  },
  'aes.reportSae': {
    access: SITE_ROLES,
    run: (ctx, i) => (forAe(ctx, i.aeId), aes.reportSae(ctx, i), aes.getAe(ctx.db, ctx.now(), i.aeId)),
  },
  'aes.signOffQueue': {
    access: SITE_ROLES,
    run: (ctx, q) => {
      if (q.studyId) forStudy(ctx, q.studyId);
      const studies = q.studyId ? [q.studyId] : studyAccess.visibleStudyIds(ctx.db, me(ctx));
      return safetyLists.signOffQueue(ctx.db, ctx.now(), studies, q);
    },
  },
  'aes.sign': {
    access: ['investigator'],
    run: async (ctx, i) => {
      for (const id of new Set(i.ids)) forAe(ctx, id);
      return { signed: await aes.signAes(ctx, i) };
    },
  },
  'susars.list': { access: ALL, run: (ctx, i) => (forStudy(ctx, i.studyId), susars.listSusars(ctx.db, i.studyId)) },
  'susars.create': {
    access: SITE_ROLES,
    run: (ctx, i) => (forStudy(ctx, i.studyId), susars.getSusar(ctx.db, susars.createSusar(ctx, i))),
  },
  'susars.update': {
    access: SITE_ROLES,
    run: (ctx, i) => (
      forStudy(ctx, susars.susarStudy(ctx.db, i.id)),
      susars.updateSusar(ctx, i),
      susars.getSusar(ctx.db, i.id)
    ),
  },
  'susars.acknowledge': {
    access: ['investigator'],
    run: (ctx, i) => (
      forStudy(ctx, susars.susarStudy(ctx.db, i.id)),
      susars.acknowledgeSusar(ctx, i.id),
      susars.getSusar(ctx.db, i.id)
    ),
  },

  // ---- Excel exchange with sponsors (issue 7) ----
  // exports are de-identified: monitors of the study may make their own
  'exchange.export': {
    access: ALL,
    run: (ctx, i) => {
      forStudy(ctx, i.studyId);
      const user = me(ctx);
      return exchange.exportStudy(ctx, i, {
        exportedBy: `${user.displayName} (${user.username})`,
        version: ctx.host.version,
      });
    },
  },
  'exchange.deliveries': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), exchange.listDeliveries(ctx.db, i.studyId)),
  },
  'exchange.settings': {
    access: ALL,
    run: (ctx, i) => (forStudy(ctx, i.studyId), exchange.exportSettingsOf(ctx.db, i.studyId)),
  },
  'exchange.updateSettings': {
    access: STUDY_EDITORS,
    run: (ctx, i) => (
      forStudy(ctx, i.studyId),
      exchange.updateExportSettings(ctx, i),
      exchange.exportSettingsOf(ctx.db, i.studyId)
    ),
  },
  'imports.validate': {
    access: SITE_ROLES,
    run: async (ctx, i) => {
      if (i.studyId !== null) forStudy(ctx, i.studyId);
      const kind = importKind(i.kind);
      const saved = i.sponsor ? imports.savedMapping(ctx.db, i.sponsor, i.kind) : null;
      return imports.validateImport(ctx, { kind, input: i, role: me(ctx).role, saved });
    },
  },
  'imports.progress': { access: SITE_ROLES, run: (_ctx, i) => imports.importProgress(i.jobId) },
  'imports.cancel': { access: SITE_ROLES, run: (_ctx, i) => ({ cancelled: imports.cancelImport(i.jobId) }) },
  'imports.commit': { access: SITE_ROLES, run: (ctx, i) => imports.commitImport(ctx, i.token) },
  'imports.mapping': { access: SITE_ROLES, run: (ctx, i) => imports.savedMapping(ctx.db, i.sponsor, i.kind) },
  'imports.template': { access: SITE_ROLES, run: (ctx, i) => importTemplate(i.kind, i.lang, ctx.now()) },
  'imports.report': { access: SITE_ROLES, run: (ctx, i) => importReportFile(ctx, i.jobId, i.lang) },
};

/** Audit events as the caller may read them: a monitor never sees personal fields, not even as old → new values. */
function auditForViewer(ctx: CallContext, entries: AuditEntry[]): AuditEntry[] {
  if (seesPersonalFields(me(ctx).role)) return entries;
  return entries.map((e) => ({ ...e, changes: redactChanges(e.changes) }));
}

function inRecovery(ctx: CallContext): RecoveryState {
  if (!ctx.host.recovery) throw new AppError('bad_request', 'recovery.notActive');
  return ctx.host.recovery;
}

/** app.info while the database is damaged: nothing read from it. */
function recoveryInfo(ctx: CallContext) {
  return {
    version: ctx.host.version,
    needsSetup: false,
    locale: 'zh-CN' as const,
    user: null,
    host: ctx.host.host === 'desktop' ? ('desktop' as const) : ('browser' as const),
    locked: false,
    idleLockMinutes: settings.SETTING_DEFAULTS.idleLockMinutes,
    recovery: true,
  };
}

function settingsView(ctx: CallContext) {
  return { ...settings.getAppSettings(ctx.db), defaultBackupFolder: settings.defaultBackupFolder(ctx.db) };
}

async function dispatchInRecovery(
  host: HostContext,
  session: Session,
  channel: ChannelName,
  handler: Handler<ChannelName>,
  payload: unknown,
  now: () => Date,
): Promise<ApiResult<unknown>> {
  if (!IN_RECOVERY.includes(channel)) throw new AppError('recovery', 'recovery.required');
  const input = parseInput(contract[channel].input, payload ?? {});
  const ctx: CallContext = { db: host.db, actor: SYSTEM_ACTOR, now, host, session };
  return { ok: true, value: await handler.run(ctx, input) };
}

export function isChannel(name: string): name is ChannelName {
  return Object.hasOwn(contract, name);
}

/**
 * The session's user as the database has it now (a deactivation or role change takes effect at the next call), and the
 * temporary-password gate: nothing but BEFORE_PASSWORD_CHANGE until the password is changed.
 */
function refreshSessionUser(db: AppDb, session: Session, channel: ChannelName): void {
  if (!session.user) return;
  session.user = accounts.currentSessionUser(db, session.user.id);
  if (session.user?.mustChangePassword && !BEFORE_PASSWORD_CHANGE.includes(channel)) {
    throw new AppError('forbidden', 'auth.mustChangePassword');
  }
}

function assertAllowed(access: Access, session: Session): void {
  if (access === 'public') return;
  if (access === 'recovery') throw new AppError('bad_request', 'recovery.notActive');
  if (!session.user) throw new AppError('unauthenticated', 'errors.unauthenticated');
  if (!access.includes(session.user.role)) throw new AppError('forbidden', 'errors.forbidden');
}

/**
 * Runs one call as a host receives it: unknown channel, permission, payload validation, service — and returns a result
 * envelope, never a thrown error or a stack trace.
 */
export async function dispatch(
  host: HostContext,
  session: Session,
  channel: string,
  payload: unknown,
): Promise<ApiResult<unknown>> {
  try {
    if (!isChannel(channel)) throw new AppError('bad_request', 'errors.unknownChannel', { params: { channel } });
    const handler = handlers[channel] as Handler<ChannelName>;
    const now = host.now ?? (() => new Date());
    if (host.recovery) return await dispatchInRecovery(host, session, channel, handler, payload, now);
    // a locked session (idle time, lock button, OS lock) is refused everything but unlock / sign-in / sign-out
    lock.guardCall({ db: host.db, now }, session, channel, settings.getIdleMinutes(host.db));
    refreshSessionUser(host.db, session, channel);
    assertAllowed(handler.access, session);
    const input = parseInput(contract[channel].input, payload ?? {});
    const actor: Actor = session.user ? { id: session.user.id, username: session.user.username } : SYSTEM_ACTOR;
    const ctx: CallContext = { db: host.db, actor, now, host, session };
    const value = await handler.run(ctx, input);
    lock.afterCall(session, channel, now());
    return { ok: true, value };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.error };
    console.error(`[trialdesk] ${channel} failed:`, err);
    return { ok: false, error: { code: 'internal', messageKey: 'errors.internal' } };
  }
}
