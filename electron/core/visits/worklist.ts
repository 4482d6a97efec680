/**
 * The coordinator's day: planned visits due today, this week, with their window open, and overdue (window closed, not
 * recorded); the whole-site overdue count; the month calendar. Plain SQL over the partial indexes of migration 0003
 * (query-plans.test.ts holds each to its index).
 */
import type { CalendarMonth, ParsedInputOf, Worklist, WorklistRow } from '../../api';
import { assignedStudyIds, visibleStudyIds, type Viewer } from '../accounts/access';
import { studies } from '../../../db/schema';
import type { AppDb } from '../context';
import { addDays, daysBetween, localDate } from '../dates';
import { holidayCalendar, listHolidays } from './holidays';

/** `?,?,?` for a list of n study ids (n ≥ 1). */
const placeholders = (n: number) => new Array<string>(Math.max(n, 1)).fill('?').join(',');

/**
 * Every planned visit whose window starts by the end of the week: that covers overdue (window already closed), window
 * open now, and every target up to weekEnd (a window starts on or before its target). One range scan per study.
 * Only subjects of our own center: other centers' subjects have plans (windows for their visit data) but their
 * visits are not this site's work.
 */
export const WORKLIST_SQL = (
  studies: number,
  byCenter: boolean,
) => `SELECT v.id AS visit_id, v.study_id, st.protocol_number,
  v.center_id, c.code AS center_code, v.subject_id, coalesce(s.subject_number, s.screening_number) AS subject_label,
  s.initials, v.code, v.name, v.cycle, v.cycle_day, v.target_date, v.window_start, v.window_end
FROM visits v
JOIN subjects s ON s.id = v.subject_id
JOIN centers c ON c.id = v.center_id AND c.is_own = 1
JOIN studies st ON st.id = v.study_id
WHERE v.status = 'planned' AND v.study_id IN (${placeholders(studies)}) AND v.window_start <= ?
  ${byCenter ? 'AND v.center_id = ?' : ''}
ORDER BY v.target_date, subject_label, v.seq`;

export const OVERDUE_COUNT_SQL = (studies: number | null) =>
  `SELECT count(*) AS n FROM visits v JOIN centers c ON c.id = v.center_id AND c.is_own = 1
  WHERE v.status = 'planned' AND v.window_end < ?${
    // "+": the study list filters inside visits_overdue_idx; without it the planner reads every visit of the studies
    studies === null ? '' : ` AND +v.study_id IN (${placeholders(studies)})`
  }`;

export const PENDING_DEVIATIONS_SQL = (studies: number) => `SELECT v.id AS visit_id, v.subject_id, v.study_id, v.code,
  coalesce(s.subject_number, s.screening_number) AS subject_label
FROM visits v JOIN subjects s ON s.id = v.subject_id JOIN centers c ON c.id = v.center_id AND c.is_own = 1
WHERE v.deviation_decision = 'proposed' AND v.study_id IN (${placeholders(studies)})
ORDER BY +v.calendar_date`; // "+": sorting by the calendar index would walk every visit of the study

interface RawRow {
  visit_id: number;
  study_id: number;
  protocol_number: string;
  center_id: number;
  center_code: string;
  subject_id: number;
  subject_label: string;
  initials: string;
  code: string;
  name: string;
  cycle: number | null;
  cycle_day: number | null;
  target_date: string;
  window_start: string;
  window_end: string;
}

/**
 * The studies a worklist or calendar covers: those the viewer may see, narrowed to one study and/or to the studies
 * assigned to one coordinator ("by coordinator").
 */
export function worklistStudies(db: AppDb, viewer: Viewer, q: { studyId?: number; coordinatorId?: number }): number[] {
  let ids =
    visibleStudyIds(db, viewer) ??
    db
      .select({ id: studies.id })
      .from(studies)
      .all()
      .map((s) => s.id);
  if (q.coordinatorId) {
    const theirs = new Set(assignedStudyIds(db, q.coordinatorId));
    ids = ids.filter((id) => theirs.has(id));
  }
  return q.studyId ? ids.filter((id) => id === q.studyId) : ids;
}

/** `studyIds`: the studies in scope (already limited to what the caller may see); empty = an empty list. */
export function worklist(
  db: AppDb,
  now: Date,
  studyIds: readonly number[],
  q: Pick<ParsedInputOf<'visits.worklist'>, 'centerId'>,
): Worklist {
  const today = localDate(now);
  const weekEnd = addDays(today, 6);
  const result: Worklist = {
    today,
    weekEnd,
    dueToday: [],
    thisWeek: [],
    windowOpen: [],
    overdue: [],
    pendingDeviations: [],
  };
  if (studyIds.length === 0) return result;
  const holidayOf = holidayCalendar(db);
  const params: (number | string)[] = [...studyIds, weekEnd, ...(q.centerId ? [q.centerId] : [])];
  const rows = db.$client.prepare(WORKLIST_SQL(studyIds.length, !!q.centerId)).all(...params) as RawRow[];
  for (const r of rows) {
    const overdue = r.window_end < today;
    const row: WorklistRow = {
      visitId: r.visit_id,
      studyId: r.study_id,
      protocolNumber: r.protocol_number,
      centerId: r.center_id,
      centerCode: r.center_code,
      subjectId: r.subject_id,
      subjectLabel: r.subject_label,
      initials: r.initials,
      code: r.code,
      name: r.name,
      cycle: r.cycle,
      cycleDay: r.cycle_day,
      targetDate: r.target_date,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      overdue,
      daysOverdue: overdue ? daysBetween(r.window_end, today) : 0,
      targetHoliday: holidayOf(r.target_date),
    };
    // each visit in one section: overdue, then today, then later this week, then "window open" for the rest
    if (overdue) result.overdue.push(row);
    else if (r.target_date === today) result.dueToday.push(row);
    else if (r.target_date > today && r.target_date <= weekEnd) result.thisWeek.push(row);
    else if (r.window_start <= today) result.windowOpen.push(row);
  }
  result.overdue.sort((a, b) => b.daysOverdue - a.daysOverdue);
  result.pendingDeviations = (
    db.$client.prepare(PENDING_DEVIATIONS_SQL(studyIds.length)).all(...studyIds) as {
      visit_id: number;
      subject_id: number;
      study_id: number;
      code: string;
      subject_label: string;
    }[]
  ).map((r) => ({
    visitId: r.visit_id,
    subjectId: r.subject_id,
    studyId: r.study_id,
    code: r.code,
    subjectLabel: r.subject_label,
  }));
  return result;
}

/** Our center's planned visits whose window closed before today; `studyIds` null = every study (administrators). */
export function overdueCount(db: AppDb, now: Date, studyIds: readonly number[] | null): number {
  if (studyIds !== null && studyIds.length === 0) return 0;
  const row = db.$client
    .prepare(OVERDUE_COUNT_SQL(studyIds === null ? null : studyIds.length))
    .get(localDate(now), ...(studyIds ?? [])) as { n: number };
  return row.n;
}

export const CALENDAR_SQL = (
  studies: number,
  byCenter: boolean,
) => `SELECT v.id AS visit_id, v.calendar_date, v.study_id,
  st.protocol_number, v.subject_id, coalesce(s.subject_number, s.screening_number) AS subject_label, v.code, v.status,
  v.window_end, v.out_of_window
FROM visits v
JOIN subjects s ON s.id = v.subject_id
JOIN centers c ON c.id = v.center_id AND c.is_own = 1
JOIN studies st ON st.id = v.study_id
WHERE v.study_id IN (${placeholders(studies)}) AND v.calendar_date BETWEEN ? AND ? AND v.status <> 'cancelled'
  ${byCenter ? 'AND v.center_id = ?' : ''}
ORDER BY v.calendar_date, subject_label, v.seq`;

export function calendarMonth(
  db: AppDb,
  now: Date,
  studyIds: readonly number[],
  q: ParsedInputOf<'visits.calendar'>,
): CalendarMonth {
  const first = `${q.month}-01`;
  // first + 31 days always lands in the next month: its first day − 1 is this month's last day
  const last = addDays(addDays(first, 31).slice(0, 8) + '01', -1);
  const holidays = listHolidays(db, Number(q.month.slice(0, 4))).filter((h) => h.date.startsWith(q.month));
  if (studyIds.length === 0) return { month: q.month, entries: [], holidays };
  const today = localDate(now);
  const rows = db.$client
    .prepare(CALENDAR_SQL(studyIds.length, !!q.centerId))
    .all(...studyIds, first, last, ...(q.centerId ? [q.centerId] : [])) as {
    visit_id: number;
    calendar_date: string;
    study_id: number;
    protocol_number: string;
    subject_id: number;
    subject_label: string;
    code: string;
    status: CalendarMonth['entries'][number]['status'];
    window_end: string | null;
    out_of_window: number;
  }[];
  return {
    month: q.month,
    holidays,
    entries: rows.map((r) => ({
      visitId: r.visit_id,
      date: r.calendar_date,
      studyId: r.study_id,
      protocolNumber: r.protocol_number,
      subjectId: r.subject_id,
      subjectLabel: r.subject_label,
      code: r.code,
      status: r.status,
      overdue: r.status === 'planned' && r.window_end !== null && r.window_end < today,
      outOfWindow: r.out_of_window === 1,
    })),
  };
}
