import { eq } from 'drizzle-orm';
import path from 'node:path';
import { assertLocalPath, DatabaseOpenError } from '../../../db/open';
import { settings } from '../../../db/schema';
import { locales, type Locale } from '../../api';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { fieldError } from '../errors';

const LOCALE_KEY = 'ui.locale';
const DEFAULT_LOCALE: Locale = 'zh-CN';

function read(db: AppDb, key: string): unknown {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  return row ? (JSON.parse(row.value) as unknown) : undefined;
}

/** Writes a setting and its audit event in one transaction; unchanged values write nothing. */
function write(ctx: ServiceContext, key: string, value: unknown): void {
  ctx.db.transaction(
    (tx) => {
      const old = read(ctx.db, key) ?? null;
      if (JSON.stringify(old) === JSON.stringify(value)) return;
      const now = ctx.now().toISOString();
      const json = JSON.stringify(value);
      tx.insert(settings)
        .values({ key, value: json, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value: json, updatedAt: now } })
        .run();
      recordAudit(ctx, { action: 'setting', entity: 'setting', entityId: key, changes: { value: [old, value] } });
    },
    { behavior: 'immediate' },
  );
}

/** The workstation's interface language: Chinese unless someone chose otherwise. */
export function getLocale(db: AppDb): Locale {
  const v = read(db, LOCALE_KEY);
  return locales.includes(v as Locale) ? (v as Locale) : DEFAULT_LOCALE;
}

export function setLocale(ctx: ServiceContext, locale: Locale): { locale: Locale } {
  write(ctx, LOCALE_KEY, locale);
  return { locale };
}

// ---- installation settings (issue 3): site, idle lock, backup folder and retention ----

/** What the settings screen shows and saves. `backupFolder: null` = the default folder beside the database. */
export interface AppSettings {
  siteName: string;
  ownCenterCode: string;
  idleLockMinutes: number;
  backupFolder: string | null;
  retainDaily: number;
  retainMonthly: number;
  locale: Locale;
}

export const SETTING_DEFAULTS: Omit<AppSettings, 'locale'> = {
  siteName: '',
  ownCenterCode: '',
  idleLockMinutes: 10,
  backupFolder: null,
  retainDaily: 14,
  retainMonthly: 12,
};

const KEYS: Record<Exclude<keyof AppSettings, 'locale'>, string> = {
  siteName: 'site.name',
  ownCenterCode: 'site.ownCenterCode',
  idleLockMinutes: 'security.idleLockMinutes',
  backupFolder: 'backups.folder',
  retainDaily: 'backups.retainDaily',
  retainMonthly: 'backups.retainMonthly',
};

function readOr<T>(db: AppDb, key: string, fallback: T, ok: (v: unknown) => boolean): T {
  const v = read(db, key);
  return v !== undefined && ok(v) ? (v as T) : fallback;
}

const isInt = (min: number, max: number) => (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isString = (v: unknown) => typeof v === 'string';

export function getAppSettings(db: AppDb): AppSettings {
  const d = SETTING_DEFAULTS;
  return {
    siteName: readOr(db, KEYS.siteName, d.siteName, isString),
    ownCenterCode: readOr(db, KEYS.ownCenterCode, d.ownCenterCode, isString),
    idleLockMinutes: readOr(db, KEYS.idleLockMinutes, d.idleLockMinutes, isInt(1, 120)),
    backupFolder: readOr<string | null>(db, KEYS.backupFolder, d.backupFolder, (v) => v === null || isString(v)),
    retainDaily: readOr(db, KEYS.retainDaily, d.retainDaily, isInt(1, 365)),
    retainMonthly: readOr(db, KEYS.retainMonthly, d.retainMonthly, isInt(0, 120)),
    locale: getLocale(db),
  };
}

/** The default backup folder: `backups` beside the database file. */
export function defaultBackupFolder(db: AppDb): string {
  return path.join(path.dirname(path.resolve(db.$client.name)), 'backups');
}

/** Where automatic backups go now. */
export function backupFolder(db: AppDb): string {
  return getAppSettings(db).backupFolder ?? defaultBackupFolder(db);
}

/** Checks a folder typed by an administrator: absolute, on a local disk. Throws a field error (`field`). */
export function assertBackupFolder(folder: string, field: string): string {
  const abs = path.isAbsolute(folder) || path.win32.isAbsolute(folder);
  if (!abs) throw fieldError('validation', field, 'validation.absolutePath');
  try {
    assertLocalPath(path.join(folder, 'x.sqlite'));
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw fieldError('validation', field, 'validation.localPath');
    throw err;
  }
  return path.resolve(folder);
}

/** Saves the settings: every changed key its own audit event, all in one transaction. */
export function updateAppSettings(ctx: ServiceContext, input: AppSettings): AppSettings {
  const folder = input.backupFolder === null ? null : assertBackupFolder(input.backupFolder, 'backupFolder');
  const next: AppSettings = { ...input, backupFolder: folder };
  ctx.db.transaction(
    () => {
      // only what differs from what is in effect now (a default never written is not a change)
      const current = getAppSettings(ctx.db);
      for (const [field, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
        if (JSON.stringify(current[field]) !== JSON.stringify(next[field])) write(ctx, key, next[field]);
      }
      if (current.locale !== next.locale) write(ctx, LOCALE_KEY, next.locale);
    },
    { behavior: 'immediate' },
  );
  return getAppSettings(ctx.db);
}

/** Minutes without activity after which a signed-in session locks (auto-lock; default 10). */
export function getIdleMinutes(db: AppDb): number {
  return readOr(db, KEYS.idleLockMinutes, SETTING_DEFAULTS.idleLockMinutes, isInt(1, 120));
}
