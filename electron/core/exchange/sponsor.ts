/**
 * The sponsor export's sheets (issue 7): the per-center summary in the shape of the NMPA per-center summary, the
 * screening and enrollment logs (ICH E6 8.3.20 / 8.3.22), the visit tracker, the AE listing, the SAE listing with report
 * timeliness and the deviation log. De-identified by construction: no query here selects a name, record number, ID
 * number, phone or birth date; initials only where the study's export settings allow them.
 *
 * Each sheet reads its rows from the export's snapshot connection as it is written (statement.iterate), filtered by
 * center and date range in SQL; a changes-only export also keeps only the records changed since the last delivery.
 */
import type Database from 'better-sqlite3';
import type { SponsorSheet } from '../../api/exchange';
import type { CodeList } from '../../excel/codes';
import { isSusar, saeClockState } from '../safety/clock';
import type { Sheet } from '../../excel/write';
import { lazy, toSheet, type Column, type SheetLayout } from './layout';
import {
  AE_ACTION,
  AE_OUTCOME,
  AE_SEVERITY,
  CAUSALITY,
  DEVIATION_CATEGORY,
  DEVIATION_SEVERITY,
  SERIOUS_CRITERION,
  SEX,
  SUBJECT_STATUS,
  VISIT_STATUS,
  WITHDRAWAL_REASON,
  YES_NO,
} from './vocab';

/** What every sheet query is given. */
export interface SheetScope {
  snapshot: Database.Database;
  studyId: number;
  /** empty = every center */
  centerIds: readonly number[];
  from: string | null;
  to: string | null;
  initials: boolean;
  now: Date;
  /** the study's center codes by id (the visit tracker's 100,000 rows look them up here, not by a join) */
  centerCodes: ReadonlyMap<number, string>;
  /** the study's own lists (arms, screen-failure reasons) as code lists */
  arms: CodeList;
  screenFailureReasons: CodeList;
  /** changes-only: the records changed since the last delivery, per entity; null = every record */
  changed: ChangedRecords | null;
}
export interface ChangedRecords {
  subjects: ReadonlySet<number>;
  visits: ReadonlySet<number>;
  aes: ReadonlySet<number>;
  deviations: ReadonlySet<number>;
}

const yn = (v: number | null): string | null => (v === null ? null : v ? 'Y' : 'N');

/** `AND <column> IN (?,?…)` and `AND <date> BETWEEN` clauses with their parameters. */
export function filters(scope: SheetScope, centerColumn: string, dateColumn: string | null) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (scope.centerIds.length > 0) {
    clauses.push(`AND ${centerColumn} IN (${scope.centerIds.map(() => '?').join(',')})`);
    params.push(...scope.centerIds);
  }
  if (dateColumn && scope.from) {
    clauses.push(`AND ${dateColumn} >= ?`);
    params.push(scope.from);
  }
  if (dateColumn && scope.to) {
    clauses.push(`AND ${dateColumn} <= ?`);
    params.push(scope.to);
  }
  return { sql: clauses.join(' '), params };
}

/**
 * Rows of a statement, as they are read; only the changed records in a changes-only export. The per-subject sheets
 * walk the study's subjects by screening number and each one's records by its own index: a study's 100,000 visits
 * come in one pass without sorting them (visits of a subject sit together in the file; by calendar they are scattered).
 */
function* rowsOf<R extends { id: number }>(
  stmt: Database.Statement,
  params: unknown[],
  changed: ReadonlySet<number> | null,
): Generator<R> {
  // read as arrays and named here: better-sqlite3 builds a row object through V8's API, a third slower on 100,000 rows
  const names = stmt.columns().map((c) => c.name);
  for (const values of stmt.raw(true).iterate(...params) as IterableIterator<unknown[]>) {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    if (!changed || changed.has(row.id as number)) yield row as R;
  }
}

// ---------- per-center summary ----------

interface SummaryRow {
  id: number;
  code: string;
  hospital_name: string;
  pi: string;
  is_lead: number;
  enrollment_target: number | null;
  screened: number;
  randomised: number;
  completed: number;
  not_completed: number;
  first_enrollment: string | null;
  last_follow_up: string | null;
}
const summaryLayout: SheetLayout<SummaryRow> = {
  key: 'summary',
  zh: '各中心小结',
  en: 'Per-center summary',
  columns: [
    { key: 'centerCode', zh: '中心编号', en: 'Center', kind: 'text', value: (r) => r.code },
    { key: 'hospitalName', zh: '中心名称', en: 'Hospital', kind: 'text', width: 30, value: (r) => r.hospital_name },
    { key: 'pi', zh: '主要研究者', en: 'Principal investigator', kind: 'text', value: (r) => r.pi },
    { key: 'isLead', zh: '组长单位', en: 'Lead site', kind: 'text', codes: YES_NO, value: (r) => yn(r.is_lead) },
    {
      key: 'enrollmentTarget',
      zh: '计划入组例数',
      en: 'Planned',
      kind: 'integer',
      value: (r) => r.enrollment_target,
    },
    { key: 'screened', zh: '筛选例数', en: 'Screened', kind: 'integer', value: (r) => r.screened },
    { key: 'randomised', zh: '入组（随机）例数', en: 'Randomised', kind: 'integer', value: (r) => r.randomised },
    { key: 'completed', zh: '完成例数', en: 'Completed', kind: 'integer', value: (r) => r.completed },
    { key: 'notCompleted', zh: '未完成例数', en: 'Not completed', kind: 'integer', value: (r) => r.not_completed },
    {
      key: 'firstEnrollment',
      zh: '首例入组日期',
      en: 'First enrollment',
      kind: 'date',
      value: (r) => r.first_enrollment,
    },
    { key: 'lastFollowUp', zh: '末例随访日期', en: 'Last follow-up', kind: 'date', value: (r) => r.last_follow_up },
  ],
};

/** The summary counts every subject of each center as of the export (not the date range: it is a summary). */
function summaryRows(scope: SheetScope): Iterable<SummaryRow> {
  const f = filters(scope, 'c.id', null);
  const rows = scope.snapshot
    .prepare(
      `SELECT c.id, c.code, c.hospital_name, c.pi, c.is_lead, c.enrollment_target,
         count(s.id) AS screened,
         count(s.enrollment_date) AS randomised,
         sum(s.status = 'completed') AS completed,
         sum(s.status = 'withdrawn') AS not_completed,
         min(s.enrollment_date) AS first_enrollment
       FROM centers c LEFT JOIN subjects s ON s.study_id = c.study_id AND s.center_id = c.id
       WHERE c.study_id = ? ${f.sql}
       GROUP BY c.id ORDER BY c.is_lead DESC, c.code`,
    )
    .all(scope.studyId, ...f.params) as Omit<SummaryRow, 'last_follow_up'>[];
  // a center's last visit done: the last entry of its done visits' index (visits_done_center_idx), not a walk back
  // along the study's calendar past every visit still planned or overdue
  const lastDone = scope.snapshot.prepare(
    `SELECT max(calendar_date) AS last FROM visits WHERE center_id = ? AND status = 'done'`,
  );
  return rows.map((r) => ({
    ...r,
    completed: r.completed ?? 0,
    not_completed: r.not_completed ?? 0,
    last_follow_up: (lastDone.get(r.id) as { last: string | null }).last,
  }));
}

// ---------- screening and enrollment logs ----------

interface SubjectRow {
  id: number;
  center_code: string;
  screening_number: string;
  subject_number: string | null;
  initials: string;
  sex: string;
  birth_year: number | null;
  status: string;
  first_consent_date: string | null;
  consent_version: string | null;
  screening_date: string | null;
  screen_failure_reason: string | null;
  enrollment_date: string | null;
  arm: string | null;
  end_date: string | null;
  withdrawal_reason: string | null;
}
const SUBJECT_COLUMNS = `s.id, c.code AS center_code, s.screening_number, s.subject_number, s.initials, s.sex,
  s.birth_year, s.status, s.first_consent_date, s.screening_date, s.screen_failure_reason, s.enrollment_date, s.arm,
  coalesce(s.completion_date, s.withdrawal_date) AS end_date, s.withdrawal_reason,
  (SELECT cv.version FROM consents k JOIN consent_versions cv ON cv.id = k.consent_version_id
    WHERE k.subject_id = s.id ORDER BY k.signed_date, k.id LIMIT 1) AS consent_version`;

const initialsColumn = <R extends { initials: string }>(scope: SheetScope): Column<R>[] =>
  scope.initials ? [{ key: 'initials', zh: '姓名缩写', en: 'Initials', kind: 'text', value: (r) => r.initials }] : [];

function screeningLayout(scope: SheetScope): SheetLayout<SubjectRow> {
  return {
    key: 'screening',
    zh: '筛选表',
    en: 'Screening log',
    columns: [
      { key: 'screeningNumber', zh: '筛选号', en: 'Screening no.', kind: 'text', value: (r) => r.screening_number },
      { key: 'centerCode', zh: '中心编号', en: 'Center', kind: 'text', value: (r) => r.center_code },
      ...initialsColumn<SubjectRow>(scope),
      {
        key: 'firstConsentDate',
        zh: '知情同意日期',
        en: 'Consent date',
        kind: 'date',
        value: (r) => r.first_consent_date,
      },
      {
        key: 'consentVersion',
        zh: '知情同意书版本',
        en: 'Consent version',
        kind: 'text',
        value: (r) => r.consent_version,
      },
      { key: 'screeningDate', zh: '筛选日期', en: 'Screening date', kind: 'date', value: (r) => r.screening_date },
      {
        key: 'eligible',
        zh: '是否符合入组',
        en: 'Eligible',
        kind: 'text',
        codes: YES_NO,
        value: (r) => (r.status === 'screen_failed' ? 'N' : r.screening_date ? 'Y' : null),
      },
      {
        key: 'screenFailureReason',
        zh: '筛选失败原因',
        en: 'Screen-failure reason',
        kind: 'text',
        width: 24,
        codes: scope.screenFailureReasons,
        value: (r) => r.screen_failure_reason,
      },
      { key: 'subjectNumber', zh: '受试者编号', en: 'Subject no.', kind: 'text', value: (r) => r.subject_number },
    ],
  };
}

function enrollmentLayout(scope: SheetScope): SheetLayout<SubjectRow> {
  return {
    key: 'enrollment',
    zh: '入选表',
    en: 'Enrollment log',
    columns: [
      { key: 'subjectNumber', zh: '受试者编号', en: 'Subject no.', kind: 'text', value: (r) => r.subject_number },
      { key: 'screeningNumber', zh: '筛选号', en: 'Screening no.', kind: 'text', value: (r) => r.screening_number },
      { key: 'centerCode', zh: '中心编号', en: 'Center', kind: 'text', value: (r) => r.center_code },
      ...initialsColumn<SubjectRow>(scope),
      { key: 'sex', zh: '性别', en: 'Sex', kind: 'text', codes: SEX, value: (r) => r.sex },
      { key: 'birthYear', zh: '出生年份', en: 'Birth year', kind: 'integer', value: (r) => r.birth_year },
      {
        key: 'firstConsentDate',
        zh: '知情同意日期',
        en: 'Consent date',
        kind: 'date',
        value: (r) => r.first_consent_date,
      },
      { key: 'enrollmentDate', zh: '入组日期', en: 'Enrollment date', kind: 'date', value: (r) => r.enrollment_date },
      { key: 'arm', zh: '组别', en: 'Arm', kind: 'text', codes: scope.arms, value: (r) => r.arm },
      { key: 'status', zh: '状态', en: 'Status', kind: 'text', codes: SUBJECT_STATUS, value: (r) => r.status },
      { key: 'endDate', zh: '结束日期', en: 'End date', kind: 'date', value: (r) => r.end_date },
      {
        key: 'withdrawalReason',
        zh: '退出原因',
        en: 'Discontinuation reason',
        kind: 'text',
        codes: WITHDRAWAL_REASON,
        value: (r) => r.withdrawal_reason,
      },
    ],
  };
}

function subjectRows(scope: SheetScope, enrolled: boolean): Iterable<SubjectRow> {
  const f = filters(
    scope,
    's.center_id',
    enrolled ? 's.enrollment_date' : 'coalesce(s.screening_date, s.first_consent_date)',
  );
  const stmt = scope.snapshot.prepare(
    `SELECT ${SUBJECT_COLUMNS} FROM subjects s JOIN centers c ON c.id = s.center_id
     WHERE s.study_id = ? ${enrolled ? 'AND s.enrollment_date IS NOT NULL' : ''} ${f.sql}
     ORDER BY ${enrolled ? 's.enrollment_date, s.subject_number' : 'coalesce(s.first_consent_date, s.screening_date), s.screening_number'}, s.id`,
  );
  return rowsOf<SubjectRow>(stmt, [scope.studyId, ...f.params], scope.changed?.subjects ?? null);
}

// ---------- visit tracker ----------

interface VisitRow {
  id: number;
  subject_label: string;
  center_id: number;
  code: string;
  name: string;
  unscheduled: number;
  target_date: string | null;
  window_start: string | null;
  window_end: string | null;
  actual_date: string | null;
  status: string;
  out_of_window: number;
  deviation_number: number | null;
  reason: string | null;
}
const subjectLabel = { key: 'subject', zh: '受试者编号', en: 'Subject no.', kind: 'text' } as const;
const visitLayout = (scope: SheetScope): SheetLayout<VisitRow> => ({
  key: 'visits',
  zh: '访视跟踪表',
  en: 'Visit tracker',
  columns: [
    { ...subjectLabel, value: (r) => r.subject_label },
    {
      key: 'centerCode',
      zh: '中心编号',
      en: 'Center',
      kind: 'text',
      value: (r) => scope.centerCodes.get(r.center_id) ?? null,
    },
    { key: 'code', zh: '访视编号', en: 'Visit', kind: 'text', value: (r) => r.code },
    { key: 'name', zh: '访视名称', en: 'Visit name', kind: 'text', width: 16, value: (r) => r.name },
    {
      key: 'unscheduled',
      zh: '计划外访视',
      en: 'Unscheduled',
      kind: 'text',
      codes: YES_NO,
      value: (r) => yn(r.unscheduled),
    },
    { key: 'targetDate', zh: '计划日期', en: 'Target date', kind: 'date', value: (r) => r.target_date },
    { key: 'windowStart', zh: '窗口开始', en: 'Window start', kind: 'date', value: (r) => r.window_start },
    { key: 'windowEnd', zh: '窗口结束', en: 'Window end', kind: 'date', value: (r) => r.window_end },
    { key: 'actualDate', zh: '实际日期', en: 'Actual date', kind: 'date', value: (r) => r.actual_date },
    { key: 'status', zh: '状态', en: 'Status', kind: 'text', codes: VISIT_STATUS, value: (r) => r.status },
    {
      key: 'outOfWindow',
      zh: '超窗',
      en: 'Out of window',
      kind: 'text',
      codes: YES_NO,
      value: (r) => yn(r.out_of_window),
    },
    {
      key: 'deviation',
      zh: '方案偏离',
      en: 'Deviation',
      kind: 'text',
      value: (r) => (r.deviation_number === null ? null : deviationLabel(r.deviation_number)),
    },
    { key: 'reason', zh: '原因/说明', en: 'Reason', kind: 'text', width: 24, value: (r) => r.reason },
  ],
});

export const deviationLabel = (n: number): string => `DV-${String(n).padStart(3, '0')}`;

function visitRows(scope: SheetScope): Iterable<VisitRow> {
  const f = filters(scope, 'v.center_id', 'v.calendar_date');
  const stmt = scope.snapshot.prepare(
    `SELECT v.id, coalesce(s.subject_number, s.screening_number) AS subject_label, v.center_id, v.code, v.name,
       v.unscheduled, v.target_date, v.window_start, v.window_end, v.actual_date, v.status, v.out_of_window,
       d.number AS deviation_number, v.reason
     FROM subjects s JOIN visits v ON v.subject_id = s.id LEFT JOIN deviations d ON d.id = v.deviation_id
     WHERE s.study_id = ? ${f.sql}
     ORDER BY lower(s.screening_number), v.seq, v.id`,
  );
  return rowsOf<VisitRow>(stmt, [scope.studyId, ...f.params], scope.changed?.visits ?? null);
}

// ---------- AEs and SAEs ----------

interface AeRow {
  id: number;
  subject_label: string;
  center_code: string;
  ae_number: number;
  verbatim_term: string;
  ctcae_term: string | null;
  ctcae_code: string | null;
  soc: string | null;
  grade: number | null;
  severity: string | null;
  start_date: string;
  end_date: string | null;
  ongoing: number;
  serious: number;
  serious_criteria: string;
  expected: number | null;
  causality: string | null;
  action: string | null;
  treatment: string | null;
  outcome: string | null;
  visit_code: string | null;
  awareness_at: string | null;
  report_due_at: string | null;
  reported_at: string | null;
  assessment_signed: number;
  follow_ups: number;
  recipient: string | null;
  method: string | null;
}
const criteriaCodes = (r: AeRow): string[] => JSON.parse(r.serious_criteria) as string[];
const criteriaText = (r: AeRow, lang: 'zh-CN' | 'en'): string | null => {
  const codes = criteriaCodes(r);
  if (codes.length === 0) return null;
  return codes
    .map((c) => SERIOUS_CRITERION.entries.find((e) => e.code === c)?.[lang === 'zh-CN' ? 'zh' : 'en'] ?? c)
    .join(lang === 'zh-CN' ? '；' : '; ');
};

function aeCommon(lang: 'zh-CN' | 'en'): Column<AeRow>[] {
  return [
    { ...subjectLabel, value: (r) => r.subject_label },
    { key: 'centerCode', zh: '中心编号', en: 'Center', kind: 'text', value: (r) => r.center_code },
    { key: 'aeNumber', zh: 'AE 编号', en: 'AE no.', kind: 'integer', value: (r) => r.ae_number },
    {
      key: 'verbatimTerm',
      zh: 'AE 名称（原始描述）',
      en: 'Verbatim term',
      kind: 'text',
      width: 24,
      value: (r) => r.verbatim_term,
    },
    { key: 'ctcaeTerm', zh: 'CTCAE 术语', en: 'CTCAE term', kind: 'text', width: 28, value: (r) => r.ctcae_term },
    { key: 'ctcaeCode', zh: 'MedDRA 编码', en: 'MedDRA code', kind: 'text', value: (r) => r.ctcae_code },
    { key: 'soc', zh: '系统器官分类', en: 'SOC', kind: 'text', width: 28, value: (r) => r.soc },
    { key: 'grade', zh: 'CTCAE 分级', en: 'CTCAE grade', kind: 'integer', value: (r) => r.grade },
    { key: 'severity', zh: '严重程度', en: 'Severity', kind: 'text', codes: AE_SEVERITY, value: (r) => r.severity },
    { key: 'startDate', zh: '开始日期', en: 'Start date', kind: 'date', value: (r) => r.start_date },
    {
      key: 'seriousCriteria',
      zh: '严重性标准',
      en: 'Seriousness criteria',
      kind: 'text',
      width: 20,
      value: (r) => criteriaText(r, lang),
    },
  ];
}

function aeLayout(lang: 'zh-CN' | 'en'): SheetLayout<AeRow> {
  const common = aeCommon(lang);
  return {
    key: 'aes',
    zh: '不良事件列表',
    en: 'AE listing',
    columns: [
      ...common.slice(0, 10),
      { key: 'endDate', zh: '结束日期', en: 'End date', kind: 'date', value: (r) => r.end_date },
      { key: 'ongoing', zh: '持续', en: 'Ongoing', kind: 'text', codes: YES_NO, value: (r) => yn(r.ongoing) },
      { key: 'serious', zh: '严重不良事件', en: 'Serious', kind: 'text', codes: YES_NO, value: (r) => yn(r.serious) },
      common[10]!,
      { key: 'expected', zh: '预期', en: 'Expected', kind: 'text', codes: YES_NO, value: (r) => yn(r.expected) },
      {
        key: 'causality',
        zh: '与研究药物的关系',
        en: 'Causality',
        kind: 'text',
        codes: CAUSALITY,
        value: (r) => r.causality,
      },
      {
        key: 'action',
        zh: '对研究药物采取的措施',
        en: 'Action taken',
        kind: 'text',
        codes: AE_ACTION,
        value: (r) => r.action,
      },
      { key: 'treatment', zh: '治疗', en: 'Treatment', kind: 'text', width: 20, value: (r) => r.treatment },
      { key: 'outcome', zh: '转归', en: 'Outcome', kind: 'text', codes: AE_OUTCOME, value: (r) => r.outcome },
      { key: 'visit', zh: '关联访视', en: 'Visit', kind: 'text', value: (r) => r.visit_code },
      {
        key: 'assessmentSigned',
        zh: '研究者已签名',
        en: 'Investigator signed',
        kind: 'text',
        codes: YES_NO,
        value: (r) => yn(r.assessment_signed),
      },
    ],
  };
}

/** On time / late / overdue / due, as the SAE board shows it. */
const TIMELINESS: CodeList = {
  name: 'SAE timeliness',
  entries: [
    { code: 'on_time', zh: '按时', en: 'On time' },
    { code: 'late', zh: '迟报', en: 'Late' },
    { code: 'overdue', zh: '已超时未报', en: 'Overdue' },
    { code: 'due', zh: '待报告', en: 'Due' },
  ],
};

function saeLayout(scope: SheetScope, lang: 'zh-CN' | 'en'): SheetLayout<AeRow> {
  const common = aeCommon(lang);
  return {
    key: 'saes',
    zh: 'SAE 列表',
    en: 'SAE listing',
    columns: [
      ...common,
      { key: 'awarenessAt', zh: '获知时间', en: 'Awareness', kind: 'datetime', value: (r) => r.awareness_at },
      { key: 'reportDueAt', zh: '报告时限', en: 'Report due', kind: 'datetime', value: (r) => r.report_due_at },
      { key: 'reportedAt', zh: '首次报告时间', en: 'Initial report', kind: 'datetime', value: (r) => r.reported_at },
      { key: 'recipient', zh: '报告对象', en: 'Reported to', kind: 'text', width: 20, value: (r) => r.recipient },
      {
        key: 'timeliness',
        zh: '报告及时性',
        en: 'Timeliness',
        kind: 'text',
        codes: TIMELINESS,
        value: (r) => (r.report_due_at ? saeClockState(scope.now, r.report_due_at, r.reported_at) : null),
      },
      { key: 'followUps', zh: '随访报告数', en: 'Follow-up reports', kind: 'integer', value: (r) => r.follow_ups },
      {
        key: 'susar',
        zh: 'SUSAR',
        en: 'SUSAR',
        kind: 'text',
        codes: YES_NO,
        value: (r) =>
          isSusar({ serious: true, causality: r.causality, expected: r.expected === null ? null : r.expected === 1 })
            ? 'Y'
            : 'N',
      },
      { key: 'outcome', zh: '转归', en: 'Outcome', kind: 'text', codes: AE_OUTCOME, value: (r) => r.outcome },
    ],
  };
}

function aeRows(scope: SheetScope, seriousOnly: boolean): Iterable<AeRow> {
  const f = filters(scope, 'a.center_id', 'a.start_date');
  const stmt = scope.snapshot.prepare(
    `SELECT a.id, coalesce(s.subject_number, s.screening_number) AS subject_label, c.code AS center_code, a.ae_number,
       a.verbatim_term, a.ctcae_term, a.ctcae_code, a.soc, a.grade, a.severity, a.start_date, a.end_date, a.ongoing,
       a.serious, a.serious_criteria, a.expected, a.causality, a.action, a.treatment, a.outcome, v.code AS visit_code,
       a.awareness_at, a.report_due_at, a.reported_at, a.assessment_signed,
       (SELECT count(*) FROM sae_reports r WHERE r.ae_id = a.id AND r.number > 0) AS follow_ups,
       (SELECT r.recipient FROM sae_reports r WHERE r.ae_id = a.id AND r.number = 0) AS recipient
     FROM subjects s JOIN adverse_events a ON a.subject_id = s.id JOIN centers c ON c.id = a.center_id
       LEFT JOIN visits v ON v.id = a.visit_id
     WHERE s.study_id = ? ${seriousOnly ? 'AND a.serious = 1' : ''} ${f.sql}
     ORDER BY lower(s.screening_number), a.ae_number`,
  );
  return rowsOf<AeRow>(stmt, [scope.studyId, ...f.params], scope.changed?.aes ?? null);
}

// ---------- deviations ----------

interface DeviationRow {
  id: number;
  number: number;
  subject_label: string | null;
  center_code: string | null;
  occurred_date: string;
  category: string;
  severity: string;
  description: string;
  corrective_action: string | null;
  reported_sponsor_date: string | null;
  reported_ethics_date: string | null;
}
const deviationLayout: SheetLayout<DeviationRow> = {
  key: 'deviations',
  zh: '方案偏离表',
  en: 'Deviation log',
  columns: [
    { key: 'number', zh: '偏离编号', en: 'Deviation no.', kind: 'text', value: (r) => deviationLabel(r.number) },
    { key: 'occurredDate', zh: '发生日期', en: 'Date', kind: 'date', value: (r) => r.occurred_date },
    { ...subjectLabel, value: (r) => r.subject_label },
    { key: 'centerCode', zh: '中心编号', en: 'Center', kind: 'text', value: (r) => r.center_code },
    {
      key: 'category',
      zh: '偏离类别',
      en: 'Category',
      kind: 'text',
      codes: DEVIATION_CATEGORY,
      value: (r) => r.category,
    },
    {
      key: 'severity',
      zh: '严重程度',
      en: 'Severity',
      kind: 'text',
      codes: DEVIATION_SEVERITY,
      value: (r) => r.severity,
    },
    { key: 'description', zh: '偏离描述', en: 'Description', kind: 'text', width: 40, value: (r) => r.description },
    {
      key: 'correctiveAction',
      zh: '纠正/预防措施',
      en: 'Corrective action',
      kind: 'text',
      width: 30,
      value: (r) => r.corrective_action,
    },
    {
      key: 'reportedSponsorDate',
      zh: '报告申办方日期',
      en: 'Reported to sponsor',
      kind: 'date',
      value: (r) => r.reported_sponsor_date,
    },
    {
      key: 'reportedEthicsDate',
      zh: '报告伦理日期',
      en: 'Reported to ethics',
      kind: 'date',
      value: (r) => r.reported_ethics_date,
    },
  ],
};

function deviationRows(scope: SheetScope): Iterable<DeviationRow> {
  // study-level deviations have no center: a center filter keeps them out
  const f = filters(scope, 'd.center_id', 'd.occurred_date');
  const stmt = scope.snapshot.prepare(
    `SELECT d.id, d.number, coalesce(s.subject_number, s.screening_number) AS subject_label, c.code AS center_code,
       d.occurred_date, d.category, d.severity, d.description, d.corrective_action, d.reported_sponsor_date,
       d.reported_ethics_date
     FROM deviations d LEFT JOIN subjects s ON s.id = d.subject_id LEFT JOIN centers c ON c.id = d.center_id
     WHERE d.study_id = ? ${f.sql}
     ORDER BY d.number`,
  );
  return rowsOf<DeviationRow>(stmt, [scope.studyId, ...f.params], scope.changed?.deviations ?? null);
}

/** A sheet of the sponsor export (its rows are read when the writer reaches it). */
export function sponsorSheet(sheet: SponsorSheet, scope: SheetScope, lang: 'zh-CN' | 'en'): Sheet {
  switch (sheet) {
    case 'summary':
      return toSheet({ layout: summaryLayout, rows: lazy(() => summaryRows(scope)) }, lang);
    case 'screening':
      return toSheet({ layout: screeningLayout(scope), rows: lazy(() => subjectRows(scope, false)) }, lang);
    case 'enrollment':
      return toSheet({ layout: enrollmentLayout(scope), rows: lazy(() => subjectRows(scope, true)) }, lang);
    case 'visits':
      return toSheet({ layout: visitLayout(scope), rows: lazy(() => visitRows(scope)) }, lang);
    case 'aes':
      return toSheet({ layout: aeLayout(lang), rows: lazy(() => aeRows(scope, false)) }, lang);
    case 'saes':
      return toSheet({ layout: saeLayout(scope, lang), rows: lazy(() => aeRows(scope, true)) }, lang);
    case 'deviations':
      return toSheet({ layout: deviationLayout, rows: lazy(() => deviationRows(scope)) }, lang);
  }
}

/**
 * Every column of the sponsor's sheets by field, in both languages: the change log names a changed field as the sheets
 * head its column (the first sheet having it wins; code columns are left out).
 */
export function sponsorFieldLabels(): Map<string, { zh: string; en: string }> {
  const none: CodeList = { name: 'none', entries: [] };
  const scope = {
    initials: true,
    arms: none,
    screenFailureReasons: none,
    centerCodes: new Map(),
  } as unknown as SheetScope;
  const layouts: SheetLayout<never>[] = [
    summaryLayout,
    screeningLayout(scope),
    enrollmentLayout(scope),
    visitLayout(scope),
    aeLayout('zh-CN'),
    saeLayout(scope, 'zh-CN'),
    deviationLayout,
  ];
  const labels = new Map<string, { zh: string; en: string }>();
  for (const layout of layouts)
    for (const c of layout.columns) if (!labels.has(c.key)) labels.set(c.key, { zh: c.zh, en: c.en });
  return labels;
}
