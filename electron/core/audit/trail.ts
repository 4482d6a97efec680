/**
 * The audit trail viewer: filtered, paged reading of the whole trail (newest first) and its Excel export.
 *
 * Date range: the renderer sends local calendar dates (`from`, `to`, both inclusive) and the workstation's offset from
 * UTC in minutes (`utcOffsetMinutes`, +480 in China); they become UTC instant bounds [from 00:00 local, to+1 00:00 local)
 * compared with the stored UTC ISO `at` text (one fixed format, so text order is time order).
 */
import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../api';
import type { AuditListResult, ParsedInputOf } from '../../api/contract';
import { writeTableExport, wallClock, type ExportColumn } from '../../excel/export';
import type { AppDb } from '../context';
import { notAssigned } from '../accounts/access';
import { fieldError } from '../errors';

export type AuditFilters = Omit<ParsedInputOf<'audit.list'>, 'limit' | 'offset'>;
/**
 * The studies whose events the reader may see (core/accounts/access: a non-administrator's assigned studies), or null
 * for the whole trail. Events without a study (users, settings) are then left out.
 */
export type AuditScope = readonly number[] | null;

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  study_id: number | null;
  changes: string;
  reason: string | null;
}

const DAY_MS = 86_400_000;
/** UTC instant of local midnight starting `date` at the given offset. */
function localMidnightUtc(date: string, utcOffsetMinutes: number): number {
  return Date.parse(`${date}T00:00:00.000Z`) - utcOffsetMinutes * 60_000;
}

function where(f: AuditFilters, scope: AuditScope): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (scope !== null) {
    if (f.studyId !== undefined && !scope.includes(f.studyId)) throw notAssigned();
    clauses.push(scope.length ? `study_id IN (${scope.map(() => '?').join(', ')})` : '0');
    params.push(...scope);
  }
  if (f.studyId !== undefined) {
    clauses.push('study_id = ?');
    params.push(f.studyId);
  }
  if (f.subjectId !== undefined) {
    clauses.push('subject_id = ?');
    params.push(f.subjectId);
  }
  if (f.entity !== undefined) {
    clauses.push('entity = ?');
    params.push(f.entity);
  }
  if (f.entityId !== undefined) {
    if (f.entity === undefined) throw fieldError('validation', 'entity', 'audit.recordNeedsKind');
    clauses.push('entity_id = ?');
    params.push(f.entityId);
  }
  if (f.actor !== undefined) {
    clauses.push('actor = ?');
    params.push(f.actor);
  }
  if (f.action !== undefined) {
    clauses.push('action = ?');
    params.push(f.action);
  }
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) {
    throw fieldError('validation', 'to', 'audit.dateRangeReversed');
  }
  if (f.from !== undefined) {
    clauses.push('at >= ?');
    params.push(new Date(localMidnightUtc(f.from, f.utcOffsetMinutes)).toISOString());
  }
  if (f.to !== undefined) {
    clauses.push('at < ?');
    params.push(new Date(localMidnightUtc(f.to, f.utcOffsetMinutes) + DAY_MS).toISOString());
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const toEntry = (r: Row): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  studyId: r.study_id,
  changes: JSON.parse(r.changes) as Record<string, [unknown, unknown]>,
  reason: r.reason,
});

const COLUMNS = 'seq, at, actor, action, entity, entity_id, study_id, changes, reason';

/** One page of the filtered trail, newest first, with the number of all matching events. */
export function listAudit(db: AppDb, q: ParsedInputOf<'audit.list'>, scope: AuditScope = null): AuditListResult {
  const w = where(q, scope);
  const sqlite = db.$client;
  const total = (sqlite.prepare(`SELECT count(*) AS n FROM audit_events ${w.sql}`).get(...w.params) as { n: number }).n;
  const rows = sqlite
    .prepare(`SELECT ${COLUMNS} FROM audit_events ${w.sql} ORDER BY seq DESC LIMIT ? OFFSET ?`)
    .all(...w.params, q.limit, q.offset) as Row[];
  return { total, rows: rows.map(toEntry) };
}

/** Every matching event, newest first, read one at a time (for exports and the CLI). */
export function* iterateAudit(
  sqlite: Database.Database,
  f: AuditFilters,
  opts: { limit?: number; scope?: AuditScope } = {},
): Generator<AuditEntry> {
  const { limit, scope = null } = opts;
  const w = where(f, scope);
  const stmt = sqlite.prepare(
    `SELECT ${COLUMNS} FROM audit_events ${w.sql} ORDER BY seq DESC${limit === undefined ? '' : ' LIMIT ?'}`,
  );
  const params = limit === undefined ? w.params : [...w.params, limit];
  for (const r of stmt.iterate(...params) as IterableIterator<Row>) yield toEntry(r);
}

/** The user names that appear in the trail's actor column, for the viewer's user filter. */
export function auditActors(db: AppDb, scope: AuditScope = null): { username: string; displayName: string | null }[] {
  const w = where({ utcOffsetMinutes: 0 }, scope);
  return db.$client
    .prepare(
      `SELECT a.actor AS username, u.display_name AS displayName
         FROM (SELECT DISTINCT actor FROM audit_events ${w.sql}) a LEFT JOIN users u ON u.username = a.actor
        ORDER BY a.actor`,
    )
    .all(...w.params) as { username: string; displayName: string | null }[];
}

export const AUDIT_EXPORT_MAX_ROWS = 200_000;

const labels = {
  'zh-CN': {
    title: 'TrialDesk 审计追踪导出',
    readMe: '说明',
    sheet: '审计追踪',
    exportedUtc: '导出时间 (UTC)',
    exportedLocal: '导出时间 (本地)',
    exportedBy: '导出人',
    filters: '筛选条件',
    none: '无 (全部事件)',
    rows: '行数',
    version: '程序版本',
    note: '说明',
    noteText:
      '每行一个审计事件，最新在前。“变更”列为 字段: 旧值 → 新值。时间列为 Excel 日期时间（本地时间与 UTC）。本文件为只读副本；完整性以程序内“校验完整性”为准。',
    cols: ['序号', '时间 (本地)', '时间 (UTC)', '用户', '操作', '记录类型', '记录 ID', '试验 ID', '变更', '原因'],
    filterNames: {
      studyId: '试验 ID',
      entity: '记录类型',
      entityId: '记录 ID',
      actor: '用户',
      action: '操作',
      from: '起始日期',
      to: '截止日期',
    },
  },
  en: {
    title: 'TrialDesk audit trail export',
    readMe: 'Read me',
    sheet: 'Audit trail',
    exportedUtc: 'Exported at (UTC)',
    exportedLocal: 'Exported at (local)',
    exportedBy: 'Exported by',
    filters: 'Filters',
    none: 'none (all events)',
    rows: 'Rows',
    version: 'App version',
    note: 'Note',
    noteText:
      'One audit event per row, newest first. "Changes" lists field: old → new. Time columns are Excel date-times (local and UTC). This file is a copy for reading; integrity is checked with "Verify integrity" in the app.',
    cols: [
      'Seq',
      'Time (local)',
      'Time (UTC)',
      'User',
      'Action',
      'Record kind',
      'Record ID',
      'Study ID',
      'Changes',
      'Reason',
    ],
    filterNames: {
      studyId: 'Study ID',
      entity: 'Record kind',
      entityId: 'Record ID',
      actor: 'User',
      action: 'Action',
      from: 'From',
      to: 'To',
    },
  },
} as const;

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

/** "field: old → new" lines (a created record lists "field: value"). */
export function changesText(e: AuditEntry): string {
  return Object.entries(e.changes)
    .map(([field, [before, after]]) =>
      e.action === 'create' ? `${field}: ${show(after)}` : `${field}: ${show(before)} → ${show(after)}`,
    )
    .join('\n');
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The filtered trail as an .xlsx (Read me + data sheet). */
export async function exportAudit(
  db: AppDb,
  f: AuditFilters,
  opts: { locale: 'zh-CN' | 'en'; exportedBy: string; version: string; now: Date; scope?: AuditScope },
): Promise<{ fileName: string; base64: string; rows: number }> {
  const l = labels[opts.locale];
  const scope = opts.scope ?? null;
  const w = where(f, scope);
  const total = (
    db.$client.prepare(`SELECT count(*) AS n FROM audit_events ${w.sql}`).get(...w.params) as { n: number }
  ).n;
  if (total > AUDIT_EXPORT_MAX_ROWS) {
    throw fieldError('validation', 'from', 'audit.exportTooLarge', { max: AUDIT_EXPORT_MAX_ROWS, total });
  }
  const filters = (Object.keys(l.filterNames) as (keyof typeof l.filterNames)[])
    .filter((k) => f[k] !== undefined)
    .map((k) => `${l.filterNames[k]} = ${String(f[k])}`);
  const local = wallClock(opts.now.toISOString(), f.utcOffsetMinutes).toISOString().replace('T', ' ').slice(0, 19);
  const off = f.utcOffsetMinutes;
  const columns: ExportColumn<AuditEntry>[] = [
    { header: l.cols[0], width: 8, kind: 'number', value: (e) => e.seq },
    { header: l.cols[1], width: 20, kind: 'datetime', value: (e) => wallClock(e.at, off) },
    { header: l.cols[2], width: 20, kind: 'datetime', value: (e) => new Date(e.at) },
    { header: l.cols[3], width: 14, kind: 'text', value: (e) => e.actor },
    { header: l.cols[4], width: 12, kind: 'text', value: (e) => e.action },
    { header: l.cols[5], width: 12, kind: 'text', value: (e) => e.entity },
    { header: l.cols[6], width: 10, kind: 'text', value: (e) => e.entityId },
    { header: l.cols[7], width: 10, kind: 'number', value: (e) => e.studyId },
    { header: l.cols[8], width: 60, kind: 'text', value: changesText },
    { header: l.cols[9], width: 40, kind: 'text', value: (e) => e.reason },
  ];
  const buffer = await writeTableExport({
    title: l.title,
    readMeSheetName: l.readMe,
    sheetName: l.sheet,
    readMe: [
      [l.exportedUtc, opts.now.toISOString()],
      [l.exportedLocal, `${local} (${offsetText(off)})`],
      [l.exportedBy, opts.exportedBy],
      [l.filters, filters.length ? filters.join('; ') : l.none],
      [l.rows, String(total)],
      [l.version, opts.version],
      [l.note, l.noteText],
    ],
    columns,
    rows: iterateAudit(db.$client, f, { scope }),
    creator: opts.exportedBy,
    now: opts.now,
  });
  const stamp = opts.now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return { fileName: `trialdesk-audit-${stamp}Z.xlsx`, base64: buffer.toString('base64'), rows: total };
}
