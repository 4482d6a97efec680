/**
 * The safety lists: the study AE listing with its filters, the SAE board, AE counts by SOC and grade, and the
 * investigator's sign-off queue. Plain SQL over the indexes of migration 0004 (query-plans.test.ts holds each to its
 * index); the flags and clocks come from the same rules as a single AE (core/safety/clock.ts).
 */
import type {
  AeCounts,
  AeListResult,
  AeListRow,
  AeSeverity,
  AeCausality,
  AeOutcome,
  ParsedInputOf,
  SaeBoard,
  SaeBoardRow,
  SeriousCriterion,
  SignOffRow,
} from '../../api';
import type { AppDb } from '../context';
import { isSusar, saeClock, saeClockState } from './clock';
import { DEFAULT_SAFETY_SETTINGS, safetySettingsOf } from './settings';

/** `?,?,?` for a list of n ids (n ≥ 1). */
const placeholders = (n: number) => new Array<string>(Math.max(n, 1)).fill('?').join(',');

const ROW_COLUMNS = `a.id, a.study_id, a.subject_id, coalesce(s.subject_number, s.screening_number) AS subject_label,
  c.code AS center_code, a.ae_number, a.verbatim_term, a.ctcae_term, a.soc, a.grade, a.severity, a.start_date,
  a.end_date, a.ongoing, a.serious, a.causality, a.related, a.expected, a.outcome, a.report_due_at, a.reported_at,
  a.assessment_signed`;

interface RawRow {
  id: number;
  study_id: number;
  subject_id: number;
  subject_label: string;
  center_code: string;
  ae_number: number;
  verbatim_term: string;
  ctcae_term: string | null;
  soc: string | null;
  grade: number | null;
  severity: AeSeverity | null;
  start_date: string;
  end_date: string | null;
  ongoing: number;
  serious: number;
  causality: AeCausality | null;
  related: number;
  expected: number | null;
  outcome: AeOutcome | null;
  report_due_at: string | null;
  reported_at: string | null;
  assessment_signed: number;
}

function listRow(r: RawRow, now: Date): AeListRow {
  const serious = r.serious === 1;
  const expected = r.expected === null ? null : r.expected === 1;
  return {
    id: r.id,
    subjectId: r.subject_id,
    subjectLabel: r.subject_label,
    centerCode: r.center_code,
    aeNumber: r.ae_number,
    verbatimTerm: r.verbatim_term,
    ctcaeTerm: r.ctcae_term,
    soc: r.soc,
    grade: r.grade,
    severity: r.severity,
    startDate: r.start_date,
    endDate: r.end_date,
    ongoing: r.ongoing === 1,
    serious,
    causality: r.causality,
    related: r.related === 1,
    expected,
    outcome: r.outcome,
    susar: isSusar({ serious, causality: r.causality, expected }),
    saeState: serious && r.report_due_at ? saeClockState(now, r.report_due_at, r.reported_at) : null,
    reportDueAt: r.report_due_at,
    signed: r.assessment_signed === 1,
  };
}

type ListQuery = ParsedInputOf<'aes.list'>;

/** The WHERE clause of the listing and its parameters (the same for the page and the total). */
function listFilter(q: ListQuery, now: Date): { where: string; params: unknown[] } {
  const clauses = ['a.study_id = ?'];
  const params: unknown[] = [q.studyId];
  if (q.centerId) {
    clauses.push('a.center_id = ?');
    params.push(q.centerId);
  }
  // grade ≥ 3 on the CTCAE scale; "severe" on the AESEV scale
  if (q.gradeAtLeast3) clauses.push(`(a.grade >= 3 OR a.severity = 'SEVERE')`);
  if (q.serious) clauses.push('a.serious = 1');
  if (q.related) clauses.push('a.related = 1');
  if (q.ongoing) clauses.push('a.ongoing = 1');
  if (q.unsigned) clauses.push('a.assessment_signed = 0');
  if (q.saeOverdue) {
    clauses.push('a.serious = 1 AND a.reported_at IS NULL AND a.report_due_at <= ?');
    params.push(now.toISOString());
  }
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    // the subject numbers are matched once, in the study's subjects (a few thousand), not joined to every AE: the
    // total then counts from adverse_events_study_subject_terms_idx alone
    clauses.push(
      `(a.verbatim_term LIKE ? ESCAPE '\\' OR a.ctcae_term LIKE ? ESCAPE '\\' OR a.subject_id IN (SELECT m.id FROM subjects m WHERE m.study_id = ? AND (m.subject_number LIKE ? ESCAPE '\\' OR m.screening_number LIKE ? ESCAPE '\\')))`,
    );
    params.push(like, like, q.studyId, like, like);
  }
  return { where: clauses.join(' AND '), params };
}

/** The listing's SQL (exported for the query-plan tests). Newest onset first. */
export const AE_LIST_SQL = (where: string) => `SELECT ${ROW_COLUMNS}
FROM adverse_events a JOIN subjects s ON s.id = a.subject_id JOIN centers c ON c.id = a.center_id
WHERE ${where}
ORDER BY a.start_date DESC, a.id DESC LIMIT ? OFFSET ?`;
export const AE_COUNT_SQL = (where: string) => `SELECT count(*) AS n FROM adverse_events a WHERE ${where}`;

export function listAes(db: AppDb, now: Date, q: ListQuery): AeListResult {
  const { where, params } = listFilter(q, now);
  const rows = db.$client.prepare(AE_LIST_SQL(where)).all(...params, q.limit, q.offset) as RawRow[];
  const total = (db.$client.prepare(AE_COUNT_SQL(where)).get(...params) as { n: number }).n;
  return { rows: rows.map((r) => listRow(r, now)), total };
}

// ---------- SAE board ----------

interface BoardRaw {
  id: number;
  study_id: number;
  protocol_number: string;
  subject_id: number;
  subject_label: string;
  ae_number: number;
  verbatim_term: string;
  ctcae_term: string | null;
  grade: number | null;
  severity: AeSeverity | null;
  serious_criteria: string;
  causality: AeCausality | null;
  expected: number | null;
  awareness_at: string;
  report_due_at: string;
  reported_at: string | null;
  follow_ups: number;
}
const BOARD_COLUMNS = `a.id, a.study_id, st.protocol_number, a.subject_id,
  coalesce(s.subject_number, s.screening_number) AS subject_label, a.ae_number, a.verbatim_term, a.ctcae_term, a.grade,
  a.severity, a.serious_criteria, a.causality, a.expected, a.awareness_at, a.report_due_at, a.reported_at,
  (SELECT count(*) FROM sae_reports r WHERE r.ae_id = a.id AND r.number > 0) AS follow_ups
FROM adverse_events a JOIN subjects s ON s.id = a.subject_id JOIN studies st ON st.id = a.study_id`;
/** Serious AEs whose initial report is not sent, by due instant (the partial index adverse_events_sae_open_idx). */
export const SAE_OPEN_SQL = (studies: number | null) => `SELECT ${BOARD_COLUMNS}
WHERE a.serious = 1 AND a.reported_at IS NULL${studies === null ? '' : ` AND a.study_id IN (${placeholders(studies)})`}
ORDER BY a.report_due_at`;
/** The board lists at most this many recently reported SAEs (the latest): it is a board, not the SAE listing. */
export const SAE_RECENT_LIMIT = 200;
/** Serious AEs reported since a given instant (adverse_events_sae_reported_idx), latest first. */
export const SAE_RECENT_SQL = (studies: number | null) => `SELECT ${BOARD_COLUMNS}
WHERE a.serious = 1 AND a.reported_at IS NOT NULL AND a.reported_at >= ?${
  // "+": the study list filters inside the reported index; without it the planner walks the study's every AE
  studies === null ? '' : ` AND +a.study_id IN (${placeholders(studies)})`
}
ORDER BY a.reported_at DESC LIMIT ${SAE_RECENT_LIMIT}`;

/** The SAE board of the studies given (null = every study). */
export function saeBoard(
  db: AppDb,
  now: Date,
  studyIds: readonly number[] | null,
  q: ParsedInputOf<'aes.saeBoard'>,
): SaeBoard {
  if (studyIds !== null && studyIds.length === 0) return { now: now.toISOString(), open: [], recent: [] };
  const ids = studyIds ?? [];
  const since = new Date(now.getTime() - q.recentDays * 86_400_000).toISOString();
  const open = db.$client.prepare(SAE_OPEN_SQL(studyIds === null ? null : ids.length)).all(...ids) as BoardRaw[];
  const recent = db.$client
    .prepare(SAE_RECENT_SQL(studyIds === null ? null : ids.length))
    .all(since, ...ids) as BoardRaw[];
  // the studies' report hours in one read (a board of every study would otherwise ask once per study)
  const hours = new Map(
    (
      db.$client.prepare('SELECT study_id, sae_report_hours FROM safety_settings').all() as {
        study_id: number;
        sae_report_hours: number;
      }[]
    ).map((r) => [r.study_id, r.sae_report_hours]),
  );
  const toRow = (r: BoardRaw): SaeBoardRow => {
    const expected = r.expected === null ? null : r.expected === 1;
    return {
      id: r.id,
      studyId: r.study_id,
      protocolNumber: r.protocol_number,
      subjectId: r.subject_id,
      subjectLabel: r.subject_label,
      aeNumber: r.ae_number,
      verbatimTerm: r.verbatim_term,
      ctcaeTerm: r.ctcae_term,
      grade: r.grade,
      severity: r.severity,
      seriousCriteria: JSON.parse(r.serious_criteria) as SeriousCriterion[],
      susar: isSusar({ serious: true, causality: r.causality, expected }),
      clock: saeClock(
        now,
        { awarenessAt: r.awareness_at, reportDueAt: r.report_due_at, reportedAt: r.reported_at },
        hours.get(r.study_id) ?? DEFAULT_SAFETY_SETTINGS.saeReportHours,
      ),
      followUps: r.follow_ups,
    };
  };
  return { now: now.toISOString(), open: open.map(toRow), recent: recent.map(toRow) };
}

// ---------- counts by SOC and grade ----------

/** Events by SOC and level, and distinct subjects by SOC, from adverse_events_study_soc_idx alone. */
export const AE_COUNTS_SQL = `SELECT a.soc, coalesce(CAST(a.grade AS TEXT), a.severity) AS level, count(*) AS n
FROM adverse_events a WHERE a.study_id = ? GROUP BY a.soc, level`;
export const AE_SOC_SUBJECTS_SQL = `SELECT a.soc, count(DISTINCT a.subject_id) AS n
FROM adverse_events a WHERE a.study_id = ? GROUP BY a.soc`;
export const AE_SUBJECTS_SQL = `SELECT count(DISTINCT a.subject_id) AS n FROM adverse_events a WHERE a.study_id = ?`;

const UNKNOWN_LEVEL = 'unknown';

export function aeCounts(db: AppDb, studyId: number): AeCounts {
  const scale = safetySettingsOf(db, studyId).severityScale;
  const levels = [...(scale === 'ctcae' ? ['1', '2', '3', '4', '5'] : ['MILD', 'MODERATE', 'SEVERE']), UNKNOWN_LEVEL];
  const bySoc = new Map<string | null, AeCounts['rows'][number]>();
  const empty = () => Object.fromEntries(levels.map((l) => [l, 0])) as Record<string, number>;
  const totals: AeCounts['totals'] = { events: empty(), total: 0, subjects: 0 };
  for (const r of db.$client.prepare(AE_COUNTS_SQL).all(studyId) as {
    soc: string | null;
    level: string | null;
    n: number;
  }[]) {
    const level = r.level !== null && levels.includes(r.level) ? r.level : UNKNOWN_LEVEL;
    let row = bySoc.get(r.soc);
    if (!row) bySoc.set(r.soc, (row = { soc: r.soc, events: empty(), total: 0, subjects: 0 }));
    row.events[level]! += r.n;
    row.total += r.n;
    totals.events[level]! += r.n;
    totals.total += r.n;
  }
  for (const r of db.$client.prepare(AE_SOC_SUBJECTS_SQL).all(studyId) as { soc: string | null; n: number }[]) {
    const row = bySoc.get(r.soc);
    if (row) row.subjects = r.n;
  }
  totals.subjects = (db.$client.prepare(AE_SUBJECTS_SQL).get(studyId) as { n: number }).n;
  // most frequent SOC first (the usual order of a safety table); uncoded terms last
  const rows = [...bySoc.values()].sort(
    (a, b) =>
      (a.soc === null ? 1 : 0) - (b.soc === null ? 1 : 0) ||
      b.total - a.total ||
      (a.soc ?? '').localeCompare(b.soc ?? ''),
  );
  // the "unknown" column only when something is in it
  const shown = totals.events[UNKNOWN_LEVEL] ? levels : levels.filter((l) => l !== UNKNOWN_LEVEL);
  return { studyId, severityScale: scale, levels: shown, rows, totals };
}

// ---------- the investigator's sign-off queue ----------

/** AEs without a valid "AE assessed" signature (adverse_events_unsigned_idx), oldest onset first. */
export const SIGN_OFF_SQL = (studies: number | null) => `SELECT ${ROW_COLUMNS}, st.protocol_number,
  EXISTS (SELECT 1 FROM signatures g WHERE g.entity = 'adverse_event' AND g.entity_id = CAST(a.id AS TEXT)) AS was_signed
FROM adverse_events a JOIN subjects s ON s.id = a.subject_id JOIN centers c ON c.id = a.center_id
JOIN studies st ON st.id = a.study_id
WHERE a.assessment_signed = 0${studies === null ? '' : ` AND a.study_id IN (${placeholders(studies)})`}
ORDER BY a.start_date, a.id LIMIT ?`;

export function signOffQueue(
  db: AppDb,
  now: Date,
  studyIds: readonly number[] | null,
  q: ParsedInputOf<'aes.signOffQueue'>,
): SignOffRow[] {
  if (studyIds !== null && studyIds.length === 0) return [];
  const ids = studyIds ?? [];
  const rows = db.$client
    .prepare(SIGN_OFF_SQL(studyIds === null ? null : ids.length))
    .all(...ids, q.limit) as (RawRow & {
    protocol_number: string;
    was_signed: number;
  })[];
  return rows.map((r) => ({
    ...listRow(r, now),
    studyId: r.study_id,
    protocolNumber: r.protocol_number,
    invalidated: r.was_signed === 1,
    assessable: r.causality !== null && r.expected !== null,
  }));
}
