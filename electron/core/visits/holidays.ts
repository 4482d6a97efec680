/**
 * The installation's holiday calendar: official days off and the weekend days worked instead (调休上班). Targets on a
 * weekend or a holiday are flagged, never moved — the protocol's day is the protocol's day.
 * The official list of each year ships as data (db/reference/holidays-cn.json); the administrator loads and edits it.
 */
import { and, asc, between, eq } from 'drizzle-orm';
import { holidays } from '../../../db/schema';
import official from '../../../db/reference/holidays-cn.json' with { type: 'json' };
import type { HolidayView, ParsedInputOf } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, notFound } from '../errors';
import { isWeekend } from '../dates';

const OFFICIAL = official.years as Record<string, HolidayView[]>;

export function listHolidays(db: AppDb, year: number): HolidayView[] {
  return db
    .select({ date: holidays.date, kind: holidays.kind, name: holidays.name })
    .from(holidays)
    .where(between(holidays.date, `${year}-01-01`, `${year}-12-31`))
    .orderBy(asc(holidays.date))
    .all();
}

/**
 * What a date is for scheduling: a holiday's name, 'weekend', or null for a working day (a make-up working day on a
 * weekend included). Reads the whole table once: a few dozen rows a year.
 */
export function holidayCalendar(db: AppDb): (date: string) => string | null {
  const days = new Map(
    db
      .select({ date: holidays.date, kind: holidays.kind, name: holidays.name })
      .from(holidays)
      .all()
      .map((h) => [h.date, h]),
  );
  return (date) => {
    const day = days.get(date);
    if (day) return day.kind === 'holiday' ? day.name : null;
    return isWeekend(date) ? 'weekend' : null;
  };
}

function writeHoliday(
  ctx: ServiceContext,
  h: HolidayView,
  reason: string | null = null,
): 'added' | 'updated' | 'unchanged' {
  const before = ctx.db.select().from(holidays).where(eq(holidays.date, h.date)).get() ?? null;
  if (before && before.kind === h.kind && before.name === h.name) return 'unchanged';
  const at = ctx.now().toISOString();
  const after = ctx.db
    .insert(holidays)
    .values({ ...h, updatedAt: at })
    .onConflictDoUpdate({ target: holidays.date, set: { kind: h.kind, name: h.name, updatedAt: at } })
    .returning()
    .get();
  recordAudit(ctx, {
    action: before ? 'update' : 'create',
    entity: 'holiday',
    entityId: h.date,
    changes: diff(before, after, ['kind', 'name']),
    reason,
  });
  return before ? 'updated' : 'added';
}

export function saveHoliday(ctx: ServiceContext, input: ParsedInputOf<'holidays.save'>): void {
  ctx.db.transaction(() => void writeHoliday(ctx, input), { behavior: 'immediate' });
}

export function removeHoliday(ctx: ServiceContext, date: string): void {
  const before = ctx.db.select().from(holidays).where(eq(holidays.date, date)).get();
  if (!before) throw notFound('holiday');
  ctx.db.transaction(
    (tx) => {
      tx.delete(holidays)
        .where(and(eq(holidays.date, date)))
        .run();
      recordAudit(ctx, {
        action: 'delete',
        entity: 'holiday',
        entityId: date,
        changes: { kind: [before.kind, null], name: [before.name, null] },
      });
    },
    { behavior: 'immediate' },
  );
}

/** Loads the shipped official list of a year; days edited since are overwritten with the official entry. */
export function loadOfficialHolidays(ctx: ServiceContext, year: number) {
  const list = OFFICIAL[String(year)];
  const available = Object.keys(OFFICIAL).map(Number);
  if (!list)
    throw new AppError('not_found', 'holidays.noOfficialList', { params: { year, available: available.join(', ') } });
  const counts = { added: 0, updated: 0, unchanged: 0 };
  ctx.db.transaction(
    () => {
      for (const h of list) counts[writeHoliday(ctx, h)]++;
    },
    { behavior: 'immediate' },
  );
  return { ...counts, available };
}
