import { eq } from 'drizzle-orm';
import { settings } from '../../../db/schema';
import { locales, type Locale } from '../../api';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';

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
