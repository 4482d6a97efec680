/**
 * THE PERMISSION MATRIX: every channel of the contract × every role (and signed out), through the real handler table
 * with real sessions. A channel's declared `access` must equal the matrix written here, and dispatch must refuse
 * exactly what the matrix refuses. A channel that is not classified here fails the first test: add it to EXPECTED
 * (and, if a monitor may call it, to MONITOR_MAY — reads only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, roles, type ApiResult, type ChannelName, type Role } from './api';
import { handlers, type Session } from './handlers';
import { aStudy, createHarness, type Harness } from './testing/harness';

type Expected = 'public' | 'recovery' | readonly Role[];
const EVERYONE: readonly Role[] = ['admin', 'coordinator', 'investigator', 'monitor'];
const EDITORS: readonly Role[] = ['admin', 'coordinator', 'investigator'];
const ADMIN_ONLY: readonly Role[] = ['admin'];

/** Who may call what. Writes: never a monitor; users, settings, backup and restore: administrators; sign: investigators. */
const EXPECTED: Record<string, Expected> = {
  'app.info': 'public',
  'app.setLocale': 'public',
  'auth.setup': 'public',
  'auth.login': 'public',
  'auth.logout': 'public',
  // own session: every signed-in user
  'auth.changePassword': EVERYONE,
  'auth.lock': EVERYONE,
  'auth.unlock': EVERYONE,
  'auth.activity': EVERYONE,

  'studies.list': EVERYONE,
  'studies.get': EVERYONE,
  'studies.create': EDITORS,
  'studies.update': EDITORS,
  'studies.changeStatus': EDITORS,
  'centers.create': EDITORS,
  'centers.update': EDITORS,
  'centers.changeStatus': EDITORS,

  'users.list': ADMIN_ONLY,
  'users.create': ADMIN_ONLY,
  'users.update': ADMIN_ONLY,
  'users.setActive': ADMIN_ONLY,
  'users.resetPassword': ADMIN_ONLY,
  'users.assignStudies': ADMIN_ONLY,

  'signatures.sign': ['investigator'],
  'signatures.forRecord': EVERYONE,

  'audit.forRecord': EVERYONE,
  'audit.list': EVERYONE,
  'audit.actors': EVERYONE,
  'audit.export': EDITORS, // the full trail names people: not for monitors (de-identified exports only)
  'audit.verify': ADMIN_ONLY,

  'settings.get': ADMIN_ONLY,
  'settings.update': ADMIN_ONLY,
  'backup.list': ADMIN_ONLY,
  'backup.now': ADMIN_ONLY,
  'backup.restore': ADMIN_ONLY,
  // only while the database is damaged at start-up (nobody signed in; the backup's administrator authorises)
  'recovery.status': 'recovery',
  'recovery.restore': 'recovery',

  // subjects: monitors read de-identified views only; site staff record; the identification list is site-only
  'subjects.setup': EVERYONE,
  'subjects.updateSetup': EDITORS,
  'subjects.approveConsentVersion': EDITORS,
  'subjects.list': EVERYONE,
  'subjects.get': EVERYONE,
  'subjects.proposeNumber': EDITORS,
  'subjects.register': EDITORS,
  'subjects.update': EDITORS,
  'subjects.recordConsent': EDITORS,
  'subjects.screen': EDITORS,
  'subjects.enrollmentCheck': EDITORS,
  'subjects.enroll': EDITORS,
  'subjects.changeStatus': EDITORS,
  'subjects.reconsentList': EDITORS,
  'subjects.enrollmentSummary': EVERYONE,
  'subjects.screeningLog': EVERYONE,
  'subjects.enrollmentLog': EVERYONE,
  'subjects.identificationList': EDITORS,
  'subjects.correctStatusDate': EDITORS,
  'schedules.list': EVERYONE,
  'schedules.save': EDITORS,
  'schedules.preview': EVERYONE,
  'schedules.moveSubjects': EDITORS,
  'visits.forSubject': EVERYONE,
  'visits.record': EDITORS,
  'visits.addUnscheduled': EDITORS,
  'visits.resolveDeviation': EDITORS,
  'visits.worklist': EDITORS,
  'visits.overdueCount': EDITORS,
  'visits.calendar': EDITORS,
  'deviations.list': EVERYONE,
  'deviations.create': EDITORS,
  'deviations.update': EDITORS,
  'holidays.list': EVERYONE,
  'holidays.save': ADMIN_ONLY,
  'holidays.remove': ADMIN_ONLY,
  'holidays.loadOfficial': ADMIN_ONLY,
  // safety (issue 6): monitors read AEs, the SAE board, SUSAR reports; investigators sign and acknowledge
  'ctcae.status': EVERYONE,
  'ctcae.load': ADMIN_ONLY,
  'ctcae.search': EVERYONE,
  'ctcae.term': EVERYONE,
  'safety.settings': EVERYONE,
  'safety.updateSettings': EDITORS,
  'aes.forSubject': EVERYONE,
  'aes.get': EVERYONE,
  'aes.create': EDITORS,
  'aes.update': EDITORS,
  'aes.list': EVERYONE,
  'aes.counts': EVERYONE,
  'aes.saeBoard': EVERYONE,
  'aes.reportSae': EDITORS,
  'aes.signOffQueue': EDITORS,
  'aes.sign': ['investigator'],
  'susars.list': EVERYONE,
  'susars.create': EDITORS,
  'susars.update': EDITORS,
  'susars.acknowledge': ['investigator'],
  'exchange.export': EVERYONE,
  'exchange.deliveries': EVERYONE,
  'exchange.settings': EVERYONE,
  'exchange.updateSettings': EDITORS,
  'imports.validate': EDITORS,
  'imports.progress': EDITORS,
  'imports.cancel': EDITORS,
  'imports.commit': EDITORS,
  'imports.mapping': EDITORS,
  'imports.template': EDITORS,
  'imports.report': EDITORS,
};

/** Everything a monitor may call — reads and their own session only. Written out, not derived. */
const MONITOR_MAY: readonly string[] = [
  'app.info',
  'app.setLocale',
  'auth.setup', // refused by the service once set up (conflict), not a role matter
  'auth.login',
  'auth.logout',
  'auth.changePassword',
  'auth.lock',
  'auth.unlock',
  'auth.activity',
  'studies.list',
  'studies.get',
  'signatures.forRecord',
  'audit.forRecord',
  'audit.list',
  'audit.actors',
  'subjects.setup',
  'subjects.list',
  'subjects.get',
  'subjects.enrollmentSummary',
  'subjects.screeningLog',
  'subjects.enrollmentLog',
  'schedules.list',
  'schedules.preview',
  'visits.forSubject',
  'deviations.list',
  'holidays.list',
  'ctcae.status',
  'ctcae.search',
  'ctcae.term',
  'safety.settings',
  'aes.forSubject',
  'aes.get',
  'aes.list',
  'aes.counts',
  'aes.saeBoard',
  'susars.list',
  // de-identified workbooks of their studies (the export records its own delivery, nothing else)
  'exchange.export',
  'exchange.deliveries',
  'exchange.settings',
];

const mayCall = (e: Expected, role: Role | null): boolean =>
  e === 'public' || (e !== 'recovery' && role !== null && e.includes(role));

let h: Harness;
const sessions = new Map<Role | null, Session>();

beforeAll(async () => {
  h = await createHarness();
  const study = await h.call('studies.create', aStudy());
  sessions.set('admin', h.session);
  sessions.set(null, { user: null });
  for (const role of roles.filter((r) => r !== 'admin')) {
    const username = `matrix.${role}`;
    await h.call('users.create', {
      username,
      displayName: role,
      role,
      temporaryPassword: 'Temporary-pass-01',
      studyIds: [study.id],
    });
    const s: Session = { user: null };
    await h.call('auth.login', { username, password: 'Temporary-pass-01' }, s);
    await h.call('auth.changePassword', { currentPassword: 'Temporary-pass-01', newPassword: 'Matrix-pass-2026' }, s);
    sessions.set(role, s);
  }
}, 120_000);
afterAll(() => h.cleanup());

const isRefusal = (r: ApiResult<unknown>) =>
  !r.ok &&
  ((r.error.code === 'forbidden' && r.error.messageKey === 'errors.forbidden') ||
    (r.error.code === 'unauthenticated' && r.error.messageKey === 'errors.unauthenticated'));

describe('permission matrix', () => {
  it('classifies every channel of the contract (a new channel must join EXPECTED)', () => {
    const unclassified = channelNames.filter((c) => !(c in EXPECTED));
    expect(
      unclassified,
      `channels not in the matrix of electron/permissions.test.ts: ${unclassified.join(', ')}`,
    ).toEqual([]);
    expect(Object.keys(EXPECTED).filter((c) => !channelNames.includes(c as ChannelName))).toEqual([]);
  });

  it("declares in the handler table exactly the matrix's access", () => {
    for (const c of channelNames) {
      const declared = handlers[c].access;
      const expected = EXPECTED[c]!;
      expect(typeof declared === 'string' ? declared : [...declared].sort(), c).toEqual(
        typeof expected === 'string' ? expected : [...expected].sort(),
      );
    }
  });

  it('lets a monitor call reads and its own session only', () => {
    const monitorMay = channelNames.filter((c) => mayCall(EXPECTED[c] ?? [], 'monitor'));
    expect(monitorMay.sort()).toEqual([...MONITOR_MAY].sort());
    for (const c of channelNames.filter((c) =>
      /\.(create|update|changeStatus|setActive|sign|restore|now|register|screen|enroll|recordConsent|updateSetup|approveConsentVersion|identificationList|save|record|remove|moveSubjects|addUnscheduled|resolveDeviation|correctStatusDate|loadOfficial|load|updateSettings|reportSae|acknowledge)$/.test(
        c,
      ),
    )) {
      expect(monitorMay, c).not.toContain(c);
    }
  });

  it('only administrators manage users, settings, backup and restore; only investigators sign', () => {
    for (const c of channelNames.filter((c) => /^(users|settings|backup)\./.test(c))) {
      expect(EXPECTED[c], c).toEqual(ADMIN_ONLY);
    }
    expect(EXPECTED['signatures.sign']).toEqual(['investigator']);
    expect(EXPECTED['aes.sign']).toEqual(['investigator']);
  });

  const cases = channelNames.flatMap((c) => [...roles, null].map((role) => [c, role] as const));
  it.each(cases)('%s as %s: refused exactly when the matrix says so', async (channel, role) => {
    // a copy per call: logout, lock or a refusal must not change the shared sessions
    const base = sessions.get(role)!;
    const session: Session = { user: base.user ? { ...base.user } : null };
    // an empty payload: a validation error (or a service refusal) still proves the permission check passed
    const r = await h.send(channel, {}, session);
    const expected = EXPECTED[channel] ?? [];
    if (mayCall(expected, role)) {
      expect(isRefusal(r), `${channel} as ${role ?? 'signed out'}: ${JSON.stringify(r)}`).toBe(false);
    } else if (expected === 'recovery') {
      expect(r, `${channel} as ${role ?? 'signed out'}`).toMatchObject({
        ok: false,
        error: { code: 'bad_request', messageKey: 'recovery.notActive' },
      });
    } else {
      expect(r, `${channel} as ${role ?? 'signed out'}`).toMatchObject({
        ok: false,
        error: role === null ? { code: 'unauthenticated' } : { code: 'forbidden', messageKey: 'errors.forbidden' },
      });
    }
  });

  it('a monitor is refused a write even with a valid payload, and nothing is written', async () => {
    const before = (h.opened.db.$client.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
    const r = await h.send('studies.create', aStudy({ protocolNumber: 'MON-1' }), sessions.get('monitor'));
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden', messageKey: 'errors.forbidden' } });
    const after = (h.opened.db.$client.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
    expect(after).toBe(before);
  });
});
