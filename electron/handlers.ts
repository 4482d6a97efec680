/**
 * The one dispatch table: channel → permission → core call. Both hosts (Electron IPC in main/, HTTP in web/) and the CLI
 * call `dispatch`; nothing else reaches the services from outside.
 */
import type { ApiResult, ChannelName, OutputOf, ParsedInputOf, Role, SessionUser } from './api';
import { contract } from './api';
import * as accounts from './core/accounts/accounts';
import { auditForRecord, verifyAuditChain } from './core/audit/audit';
import * as centers from './core/centers/centers';
import type { Actor, AppDb, ServiceContext } from './core/context';
import { SYSTEM_ACTOR } from './core/context';
import { AppError } from './core/errors';
import * as settings from './core/settings/settings';
import * as studies from './core/studies/studies';
import { parseInput } from './core/validation';

/** What a host keeps per window (desktop) or per browser session: who is signed in. */
export interface Session {
  user: SessionUser | null;
}

/** What a host provides once, at start-up. */
export interface HostContext {
  db: AppDb;
  host: 'desktop' | 'browser' | 'cli';
  version: string;
  now?: () => Date;
}

/** 'public': anyone, signed in or not; otherwise the roles that may call the channel. */
export type Access = 'public' | readonly Role[];

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

export const handlers: { [C in ChannelName]: Handler<C> } = {
  'app.info': {
    access: 'public',
    run: (ctx) => ({
      version: ctx.host.version,
      needsSetup: accounts.needsSetup(ctx.db),
      locale: settings.getLocale(ctx.db),
      user: ctx.session.user,
      host: ctx.host.host === 'desktop' ? 'desktop' : 'browser',
    }),
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
      const user = await accounts.login(ctx.db, input.username, input.password);
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

  'studies.list': { access: ALL, run: (ctx, q) => studies.listStudies(ctx.db, q) },
  'studies.get': { access: ALL, run: (ctx, { id }) => studies.getStudy(ctx.db, id) },
  'studies.create': { access: STUDY_EDITORS, run: (ctx, fields) => studies.createStudy(ctx, fields) },
  'studies.update': { access: STUDY_EDITORS, run: (ctx, i) => studies.updateStudy(ctx, i.id, i.fields, i.reason) },
  'studies.changeStatus': {
    access: STUDY_EDITORS,
    run: (ctx, i) => studies.changeStudyStatus(ctx, i.id, i.status, i.reason),
  },

  'centers.create': {
    access: STUDY_EDITORS,
    run: (ctx, { studyId, ...fields }) => centers.createCenter(ctx, studyId, fields),
  },
  'centers.update': { access: STUDY_EDITORS, run: (ctx, i) => centers.updateCenter(ctx, i.id, i.fields, i.reason) },
  'centers.changeStatus': {
    access: STUDY_EDITORS,
    run: (ctx, i) => centers.changeCenterStatus(ctx, i.id, i.status, i.date, i.reason),
  },

  // ---- users, roles, sign-in hardening (issue 3) ----

  // ---- electronic signatures (issue 3) ----

  // ---- audit trail viewer (issue 3) ----

  // ---- backup, restore, settings (issue 3) ----

  // ---- auto-lock (issue 3) ----

  'audit.forRecord': { access: ALL, run: (ctx, i) => auditForRecord(ctx, i.entity, i.entityId) },
  'audit.verify': { access: ['admin'], run: (ctx) => verifyAuditChain(ctx.db.$client) },
};

export function isChannel(name: string): name is ChannelName {
  return Object.hasOwn(contract, name);
}

function assertAllowed(access: Access, session: Session): void {
  if (access === 'public') return;
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
    assertAllowed(handler.access, session);
    const input = parseInput(contract[channel].input, payload ?? {});
    const actor: Actor = session.user ? { id: session.user.id, username: session.user.username } : SYSTEM_ACTOR;
    const ctx: CallContext = { db: host.db, actor, now: host.now ?? (() => new Date()), host, session };
    return { ok: true, value: await handler.run(ctx, input) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.error };
    console.error(`[trialdesk] ${channel} failed:`, err);
    return { ok: false, error: { code: 'internal', messageKey: 'errors.internal' } };
  }
}
