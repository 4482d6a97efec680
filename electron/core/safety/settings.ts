/**
 * A study's safety settings: the severity scale its AEs use (CTCAE grade 1–5 by default, or SDTM AESEV for studies not
 * on CTCAE) and the hours the protocol allows from awareness to the initial SAE report (24 by default).
 */
import { count, eq } from 'drizzle-orm';
import { adverseEvents, safetySettings, studies } from '../../../db/schema';
import type { AeSeverityScale, ParsedInputOf, SafetySettingsView } from '../../api';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { fieldError, notFound } from '../errors';
import { DEFAULT_SAE_REPORT_HOURS } from './clock';

export interface SafetySettings {
  severityScale: AeSeverityScale;
  saeReportHours: number;
}
export const DEFAULT_SAFETY_SETTINGS: SafetySettings = {
  severityScale: 'ctcae',
  saeReportHours: DEFAULT_SAE_REPORT_HOURS,
};

export function safetySettingsOf(db: AppDb, studyId: number): SafetySettings {
  const row = db.select().from(safetySettings).where(eq(safetySettings.studyId, studyId)).get();
  return row ? { severityScale: row.severityScale, saeReportHours: row.saeReportHours } : DEFAULT_SAFETY_SETTINGS;
}

const aeCount = (db: AppDb, studyId: number): number =>
  db.select({ n: count() }).from(adverseEvents).where(eq(adverseEvents.studyId, studyId)).get()?.n ?? 0;

export function getSafetySettings(db: AppDb, studyId: number): SafetySettingsView {
  if (!db.select({ id: studies.id }).from(studies).where(eq(studies.id, studyId)).get()) throw notFound('study');
  return { studyId, ...safetySettingsOf(db, studyId), aeCount: aeCount(db, studyId) };
}

/**
 * Changes the settings. The scale is fixed once AEs are recorded (their grades would not mean the same thing); the SAE
 * hours apply to SAEs recorded or edited afterwards (an existing due time is the protocol's promise at the time).
 */
export function updateSafetySettings(ctx: ServiceContext, input: ParsedInputOf<'safety.updateSettings'>): void {
  const before = getSafetySettings(ctx.db, input.studyId);
  if (input.severityScale !== before.severityScale && before.aeCount > 0)
    throw fieldError('validation', 'severityScale', 'safety.scaleInUse', { count: before.aeCount });
  const after: SafetySettings = { severityScale: input.severityScale, saeReportHours: input.saeReportHours };
  const changes = diff(before, after, ['severityScale', 'saeReportHours']);
  if (Object.keys(changes).length === 0) return;
  ctx.db.transaction(
    (tx) => {
      const row = { studyId: input.studyId, ...after, updatedAt: ctx.now().toISOString() };
      tx.insert(safetySettings).values(row).onConflictDoUpdate({ target: safetySettings.studyId, set: row }).run();
      recordAudit(ctx, {
        action: 'setting',
        entity: 'safety_settings',
        entityId: input.studyId,
        studyId: input.studyId,
        changes,
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
}
