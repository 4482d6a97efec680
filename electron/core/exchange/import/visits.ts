/**
 * Importing visits (issue 7): actual dates and statuses of the study's visits, in our visit tracker's layout (so an
 * export reads back) or a sponsor's / another center's list. A row names a subject (subject or screening number) and a
 * visit code: a scheduled visit must be in the subject's plan; an unscheduled one (计划外访视 = 是) is added when the
 * subject has none of that code on that day. The rules are the recording screen's (visits.ts recordVisit): a done visit
 * has its actual date, not in the future nor before consent; not done / cancelled say why; an unscheduled visit is
 * done or cancelled. Out of window is computed from the stored window; at our own center a visit done out of window or
 * missed asks for the deviation decision, as on the screen — at another center that decision is theirs.
 */
import { eq } from 'drizzle-orm';
import { centers, subjects, visits } from '../../../../db/schema';
import type { VisitStatus } from '../../../api';
import { diff, recordAudit } from '../../audit/audit';
import { latestToday } from '../../dates';
import { AppError } from '../../errors';
import { currentVersion, getVersionRow } from '../../visits/schedule';
import { decisionAfter, syncSubjectVisits, UNSCHEDULED_SEQ } from '../../visits/visits';
import { VISIT_STATUS } from '../vocab';
import type { ImportKindDef, Plan, PlanEnv, ReadSheet } from './engine';
import { coded, codeOrLabel, textOf, type FieldSpec } from './fields';

type VisitRow = typeof visits.$inferSelect;
type SubjectRow = typeof subjects.$inferSelect;

export const VISIT_FIELDS: FieldSpec[] = [
  {
    field: 'subject',
    zh: '受试者编号',
    en: 'Subject no.',
    synonyms: ['受试者', '筛选号', '随机号', 'Subject', 'Subject ID', 'Subject number', 'SUBJID'],
    sdtm: 'USUBJID',
    required: true,
    type: 'text',
    max: 60,
    template: { zh: '受试者编号（或筛选号）', en: 'Subject number (or screening number)', example: '01-001' },
  },
  {
    field: 'code',
    zh: '访视编号',
    en: 'Visit',
    synonyms: ['访视代码', '访视', 'Visit code'],
    required: true,
    type: 'text',
    max: 20,
    template: { zh: '访视计划中的访视代码，如 C1D1', en: 'Visit code of the schedule, e.g. C1D1', example: 'C1D1' },
  },
  {
    field: 'name',
    zh: '访视名称',
    en: 'Visit name',
    type: 'text',
    max: 100,
    template: { zh: '计划外访视须填写', en: 'Needed for an unscheduled visit', example: null },
  },
  ...coded({
    field: 'unscheduled',
    zh: '计划外访视',
    en: 'Unscheduled',
    type: 'yesNo',
    template: { zh: '是/否；留空为否', en: 'Yes/No; empty = No', example: 'N' },
  }),
  {
    field: 'actualDate',
    zh: '实际日期',
    en: 'Actual date',
    synonyms: ['访视日期', '实际访视日期', 'Visit date', 'SVSTDTC'],
    type: 'date',
    template: { zh: 'YYYY-MM-DD（已完成的访视）', en: 'YYYY-MM-DD (visits done)', example: '2026-03-12' },
  },
  ...coded({
    field: 'status',
    zh: '状态',
    en: 'Status',
    synonyms: ['访视状态', 'Visit status'],
    type: 'code',
    codes: VISIT_STATUS,
    template: {
      zh: '已完成/缺失/未做/取消；留空：有实际日期即为已完成',
      en: 'Done/missed/not done/cancelled; empty: done when there is an actual date',
      example: 'done',
    },
  }),
  {
    field: 'reason',
    zh: '原因/说明',
    en: 'Reason',
    synonyms: ['原因', '说明', '备注'],
    type: 'text',
    max: 500,
    template: { zh: '未做或取消时须填写', en: 'Needed when not done or cancelled', example: null },
  },
  // columns of our own visit tracker that the import knows and leaves (computed from the schedule)
  { field: 'centerCode', zh: '中心编号', en: 'Center', synonyms: ['SITEID'], type: 'text' },
  { field: 'targetDate', zh: '计划日期', en: 'Target date', type: 'text' },
  { field: 'windowStart', zh: '窗口开始', en: 'Window start', type: 'text' },
  { field: 'windowEnd', zh: '窗口结束', en: 'Window end', type: 'text' },
  ...coded({ field: 'outOfWindow', zh: '超窗', en: 'Out of window', type: 'text' }),
  { field: 'deviation', zh: '方案偏离', en: 'Deviation', type: 'text' },
];

interface Write {
  subject: SubjectRow;
  own: boolean;
  before: VisitRow | null;
  code: string;
  name: string;
  status: VisitStatus;
  actualDate: string | null;
  reason: string | null;
}

function planVisitRows(env: PlanEnv, sheets: ReadonlyMap<string, ReadSheet>): Plan {
  const { ctx } = env;
  const studyId = env.studyId!;
  const sheet = sheets.get('visits')!;
  if (!ctx.db.$client.prepare('SELECT 1 FROM studies WHERE id = ?').get(studyId))
    throw new AppError('not_found', 'errors.notFound', { params: { entity: 'study' } });
  const ownCenter = ctx.db
    .select({ id: centers.id, isOwn: centers.isOwn })
    .from(centers)
    .where(eq(centers.studyId, studyId))
    .all()
    .find((c) => c.isOwn)?.id;
  const bySubject = new Map<string, SubjectRow>();
  for (const s of ctx.db.select().from(subjects).where(eq(subjects.studyId, studyId)).all()) {
    bySubject.set(s.screeningNumber.toLowerCase(), s);
    if (s.subjectNumber) bySubject.set(s.subjectNumber.toLowerCase(), s);
  }
  const stored = new Map<number, VisitRow[]>();
  for (const v of ctx.db.select().from(visits).where(eq(visits.studyId, studyId)).all())
    stored.set(v.subjectId, [...(stored.get(v.subjectId) ?? []), v]);
  const version = currentVersion(ctx.db, studyId);
  const versionLines = (s: SubjectRow) =>
    (s.scheduleVersionId ? getVersionRow(ctx.db, s.scheduleVersionId) : version)?.visits ?? [];
  const today = latestToday(ctx);
  const has = (field: string) => field in sheet.columns || `${field}Code` in sheet.columns;

  const writes: Write[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const { row, values: v } of sheet.rows) {
    const refuse = (field: string | null, key: string, params?: Record<string, string | number>) =>
      env.reject(sheet, row, field, key, params);
    const subject = bySubject.get(String(v.subject).trim().toLowerCase());
    if (!subject) {
      refuse('subject', 'exchange.unknownSubject', { value: String(v.subject) });
      continue;
    }
    const code = String(v.code).trim();
    const unscheduled = codeOrLabel(v, 'unscheduled') === true;
    const actualDate = textOf(v.actualDate);
    const status = (codeOrLabel(v, 'status') as VisitStatus | null) ?? (actualDate ? 'done' : null);
    const own = subject.centerId === ownCenter;
    const mine = stored.get(subject.id) ?? [];
    // an unscheduled visit is known by its code, day and name (two on one day are two visits)
    const name = textOf(v.name);
    const before = unscheduled
      ? (mine.find(
          (x) => x.unscheduled && x.code === code && x.actualDate === actualDate && (name === null || x.name === name),
        ) ?? null)
      : (mine.find((x) => !x.unscheduled && x.code === code) ?? null);
    const key = `${subject.id}:${unscheduled ? `${code}@${actualDate ?? ''}@${name ?? ''}` : code}`;
    if (seen.has(key)) {
      refuse('code', 'exchange.duplicateVisit', { value: code });
      continue;
    }
    seen.add(key);
    if (!unscheduled && !before) {
      refuse('code', 'exchange.unknownVisitCode', { code });
      continue;
    }
    // the row only names the visit: nothing to record
    if (status === null) {
      unchanged++;
      continue;
    }
    if (status === 'planned') {
      if (before?.status === 'planned') unchanged++;
      else refuse('status', 'exchange.visitAlreadyRecorded');
      continue;
    }
    const reason = has('reason') ? textOf(v.reason) : (before?.reason ?? null);
    let bad = false;
    const no = (field: string, k: string, params?: Record<string, string | number>) => {
      refuse(field, k, params);
      bad = true;
    };
    if (status === 'done') {
      if (!actualDate) no('actualDate', 'visits.actualDateRequired');
      else if (actualDate > today) no('actualDate', 'visits.actualDateFuture');
      else if (subject.firstConsentDate && actualDate < subject.firstConsentDate)
        no('actualDate', 'visits.actualBeforeConsent', { date: subject.firstConsentDate });
    }
    if ((status === 'not_done' || status === 'cancelled') && !reason) no('reason', 'visits.reasonRequired');
    if (unscheduled) {
      if (status !== 'done' && status !== 'cancelled') no('status', 'visits.unscheduledDoneOnly');
      if (!before && subject.status === 'screen_failed') no('subject', 'visits.subjectNotInStudy');
      if (!before && code !== 'UNS' && !versionLines(subject).some((l) => l.kind === 'on_demand' && l.code === code))
        no('code', 'visits.unknownOnDemand', { code });
      if (!before && !name && code === 'UNS') no('name', 'visits.nameRequired');
    }
    if (bad) continue;
    const recordedDate = status === 'done' ? actualDate : null;
    if (before && before.status === status && before.actualDate === recordedDate && before.reason === reason) {
      unchanged++;
      continue;
    }
    writes.push({
      subject,
      own,
      before,
      code,
      name: before?.name ?? name ?? versionLines(subject).find((l) => l.code === code)?.name ?? code,
      status,
      actualDate: recordedDate,
      reason,
    });
  }

  return {
    studyId,
    created: writes.filter((w) => !w.before).length,
    updated: writes.filter((w) => w.before).length,
    unchanged,
    apply(c, auditReason, tx) {
      const at = c.now().toISOString();
      const unscheduledCount = new Map<number, number>();
      const touched = new Map<number, SubjectRow>();
      for (const w of writes) {
        touched.set(w.subject.id, w.subject);
        const b = w.before;
        const outOfWindow =
          w.actualDate !== null &&
          b?.windowStart != null &&
          b.windowEnd != null &&
          (w.actualDate < b.windowStart || w.actualDate > b.windowEnd);
        const recorded = {
          status: w.status,
          actualDate: w.actualDate,
          reason: w.reason,
          outOfWindow,
          calendarDate: w.actualDate ?? b?.targetDate ?? b?.calendarDate ?? w.actualDate ?? at.slice(0, 10),
          enteredBy: c.actor.id,
          enteredAt: at,
          updatedAt: at,
        };
        if (b) {
          const after = tx
            .update(visits)
            .set({
              ...recorded,
              // the decision is the deciding center's: ours asks for it as the screen does
              deviationDecision: w.own
                ? decisionAfter(b.deviationDecision, w.status, outOfWindow)
                : b.deviationDecision,
            })
            .where(eq(visits.id, b.id))
            .returning()
            .get();
          recordAudit(c, {
            action: 'record',
            entity: 'visit',
            entityId: b.id,
            studyId: b.studyId,
            subjectId: b.subjectId,
            changes: {
              code: [b.code, b.code],
              ...diff(b, after, ['status', 'actualDate', 'reason', 'outOfWindow', 'deviationDecision']),
            },
            reason: auditReason,
          });
          continue;
        }
        const n =
          unscheduledCount.get(w.subject.id) ?? (stored.get(w.subject.id) ?? []).filter((x) => x.unscheduled).length;
        unscheduledCount.set(w.subject.id, n + 1);
        const row = tx
          .insert(visits)
          .values({
            studyId: w.subject.studyId,
            centerId: w.subject.centerId,
            subjectId: w.subject.id,
            versionId: w.code === 'UNS' ? null : w.subject.scheduleVersionId,
            code: w.code,
            name: w.name,
            seq: UNSCHEDULED_SEQ + n,
            unscheduled: true,
            createdAt: at,
            ...recorded,
          })
          .returning()
          .get();
        recordAudit(c, {
          action: 'create',
          entity: 'visit',
          entityId: row.id,
          studyId: row.studyId,
          subjectId: row.subjectId,
          changes: diff(null, row, ['code', 'name', 'unscheduled', 'status', 'actualDate', 'reason']),
          reason: auditReason,
        });
      }
      // lines anchored on a visit count from its actual date once done
      for (const s of touched.values()) syncSubjectVisits(c, tx, s, { reason: auditReason });
    },
  };
}

export const visitImport: ImportKindDef = {
  kind: 'visits',
  needsStudy: true,
  sheets: [
    {
      key: 'visits',
      names: ['访视跟踪表', 'Visit tracker', '访视', 'Visits', 'SV'],
      fields: VISIT_FIELDS,
    },
  ],
  planner: (env) => ({ plan: (sheets) => planVisitRows(env, sheets) }),
};
