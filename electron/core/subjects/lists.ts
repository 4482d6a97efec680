/**
 * The read side of subjects: the study's subject list (filters, search, sort, page), per-center enrollment progress, the
 * screening and enrollment logs, the identification code list and the re-consent list. Hot queries are plain SQL over
 * the named indexes (subjects_study_status_idx, subjects_study_center_idx, subjects_study_screening_idx); the
 * query-plan tests hold them to it.
 */
import type {
  EnrollmentLogRow,
  EnrollmentSummary,
  IdentificationRow,
  ParsedInputOf,
  ReconsentItem,
  ScreeningLogRow,
  SubjectListItem,
  SubjectListResult,
  SubjectStatus,
  WithdrawalReason,
} from '../../api';
import type { AppDb } from '../context';
import { signaturesForMany } from '../signatures/signatures';
import { maskName, maskTail, seesPersonalFields } from './privacy';
import { ageAt, type SubjectViewer } from './subjects';

const ACTIVE = "('screening','enrolled','on_treatment','follow_up')";
const ENROLLED = "('enrolled','on_treatment','follow_up','completed','withdrawn')";

/** ORDER BY per sort key; the id breaks ties so that pages never overlap. */
const SORTS: Record<ParsedInputOf<'subjects.list'>['sort'], string> = {
  screeningNumber: 's.screening_number',
  subjectNumber: 's.subject_number',
  screeningDate: 's.screening_date',
  enrollmentDate: 's.enrollment_date',
  status: 's.status',
};

interface ListRow {
  id: number;
  center_id: number;
  center_code: string;
  is_own: number;
  screening_number: string;
  subject_number: string | null;
  initials: string;
  sex: 'M' | 'F';
  birth_date: string | null;
  birth_year: number | null;
  arm: string | null;
  status: SubjectStatus;
  screening_date: string | null;
  enrollment_date: string | null;
  first_consent_date: string | null;
  needs_reconsent: number;
  unconfirmed: number;
  name: string | null;
  record_number: string | null;
}

/** The WHERE clause and its parameters for a list query (exported for the query-plan tests). */
export function subjectListWhere(q: ParsedInputOf<'subjects.list'>, viewer: SubjectViewer) {
  const where = ['s.study_id = @studyId'];
  const params: Record<string, string | number> = { studyId: q.studyId };
  if (q.centerId !== undefined) {
    where.push('s.center_id = @centerId');
    params.centerId = q.centerId;
  }
  if (q.status) {
    where.push('s.status = @status');
    params.status = q.status;
  }
  if (q.arm) {
    where.push('s.arm = @arm');
    params.arm = q.arm;
  }
  if (q.needsReconsent) where.push(`(${NEEDS_RECONSENT}) = 1`);
  if (q.unconfirmed) where.push(`s.status IN ${ENROLLED} AND s.eligibility_confirmed = 0`);
  if (q.search) {
    params.prefix = `${q.search.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
    const terms = [
      "lower(s.screening_number) LIKE @prefix ESCAPE '\\'",
      "lower(s.subject_number) LIKE @prefix ESCAPE '\\'",
      "lower(s.initials) LIKE @prefix ESCAPE '\\'",
    ];
    // names and record numbers are searched for site roles only (monitors must not learn them by probing)
    if (seesPersonalFields(viewer.role)) {
      params.contains = `%${q.search.replace(/[%_\\]/g, '\\$&')}%`;
      terms.push("s.name LIKE @contains ESCAPE '\\'", "lower(s.record_number) LIKE @prefix ESCAPE '\\'");
    }
    where.push(`(${terms.join(' OR ')})`);
  }
  return { where: where.join(' AND '), params };
}

const NEEDS_RECONSENT = `c.is_own = 1 AND s.status IN ${ACTIVE} AND ss.current_consent_version_id IS NOT NULL
  AND s.last_consent_version_id IS NOT ss.current_consent_version_id`;

export function subjectListSql(q: ParsedInputOf<'subjects.list'>, viewer: SubjectViewer) {
  const { where, params } = subjectListWhere(q, viewer);
  const from = `FROM subjects s JOIN centers c ON c.id = s.center_id
    LEFT JOIN subject_setups ss ON ss.study_id = s.study_id WHERE ${where}`;
  const order = `${SORTS[q.sort]} ${q.order === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, s.id ${q.order === 'desc' ? 'DESC' : 'ASC'}`;
  return {
    count: `SELECT count(*) AS n ${from}`,
    page: `SELECT s.id, s.center_id, c.code AS center_code, c.is_own, s.screening_number, s.subject_number, s.initials,
        s.sex, s.birth_date, s.birth_year, s.arm, s.status, s.screening_date, s.enrollment_date, s.first_consent_date,
        (${NEEDS_RECONSENT}) AS needs_reconsent,
        (s.status IN ${ENROLLED} AND s.eligibility_confirmed = 0) AS unconfirmed, s.name, s.record_number
      ${from} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    params,
  };
}

export function listSubjects(db: AppDb, viewer: SubjectViewer, q: ParsedInputOf<'subjects.list'>): SubjectListResult {
  const sqlite = db.$client;
  const { count, page, params } = subjectListSql(q, viewer);
  const total = (sqlite.prepare(count).get(params) as { n: number }).n;
  const rows = sqlite.prepare(page).all({ ...params, limit: q.limit, offset: q.offset }) as ListRow[];
  const personal = seesPersonalFields(viewer.role);
  return {
    total,
    rows: rows.map((r): SubjectListItem => ({
      id: r.id,
      centerId: r.center_id,
      centerCode: r.center_code,
      ownCenter: r.is_own === 1,
      screeningNumber: r.screening_number,
      subjectNumber: r.subject_number,
      initials: r.initials,
      sex: r.sex,
      age: ageAt(r.birth_date, r.birth_year, r.first_consent_date ?? r.screening_date),
      arm: r.arm,
      status: r.status,
      screeningDate: r.screening_date,
      enrollmentDate: r.enrollment_date,
      needsReconsent: r.needs_reconsent === 1,
      unconfirmed: r.unconfirmed === 1,
      maskedName: personal ? maskName(r.name) : null,
      maskedRecordNumber: personal ? maskTail(r.record_number) : null,
    })),
  };
}

/** Per-center progress against target: one grouped pass over the study's subjects (subjects_study_center_idx). */
export const ENROLLMENT_SUMMARY_SQL = `SELECT c.id AS center_id, c.code, c.hospital_name, c.is_own, c.enrollment_target, c.hard_cap,
    count(s.id) AS screened,
    coalesce(sum(s.status = 'screen_failed'), 0) AS screen_failed,
    coalesce(sum(s.status IN ${ENROLLED}), 0) AS enrolled,
    coalesce(sum(s.status IN ('enrolled','on_treatment','follow_up')), 0) AS active,
    coalesce(sum(s.status = 'completed'), 0) AS completed,
    coalesce(sum(s.status = 'withdrawn'), 0) AS withdrawn,
    min(s.enrollment_date) AS first_enrollment, max(s.enrollment_date) AS last_enrollment
  FROM centers c LEFT JOIN subjects s ON s.study_id = c.study_id AND s.center_id = c.id
  WHERE c.study_id = @studyId GROUP BY c.id ORDER BY c.is_own DESC, c.is_lead DESC, c.code`;

export function enrollmentSummary(db: AppDb, studyId: number): EnrollmentSummary {
  const rows = db.$client.prepare(ENROLLMENT_SUMMARY_SQL).all({ studyId }) as {
    center_id: number;
    code: string;
    hospital_name: string;
    is_own: number;
    enrollment_target: number | null;
    hard_cap: number | null;
    screened: number;
    screen_failed: number;
    enrolled: number;
    active: number;
    completed: number;
    withdrawn: number;
    first_enrollment: string | null;
    last_enrollment: string | null;
  }[];
  const study = db.$client.prepare('SELECT enrollment_target AS t FROM studies WHERE id = ?').get(studyId) as
    { t: number | null } | undefined;
  const centers = rows.map((r) => ({
    centerId: r.center_id,
    code: r.code,
    hospitalName: r.hospital_name,
    ownCenter: r.is_own === 1,
    target: r.enrollment_target,
    hardCap: r.hard_cap,
    screened: r.screened,
    screenFailed: r.screen_failed,
    enrolled: r.enrolled,
    active: r.active,
    completed: r.completed,
    withdrawn: r.withdrawn,
    firstEnrollmentDate: r.first_enrollment,
    lastEnrollmentDate: r.last_enrollment,
  }));
  const sum = (k: 'screened' | 'screenFailed' | 'enrolled' | 'active' | 'completed' | 'withdrawn') =>
    centers.reduce((n, c) => n + c[k], 0);
  const dates = (k: 'firstEnrollmentDate' | 'lastEnrollmentDate') =>
    centers
      .map((c) => c[k])
      .filter((d): d is string => d !== null)
      .sort();
  return {
    studyTarget: study?.t ?? null,
    centers,
    totals: {
      target: study?.t ?? null,
      screened: sum('screened'),
      screenFailed: sum('screenFailed'),
      enrolled: sum('enrolled'),
      active: sum('active'),
      completed: sum('completed'),
      withdrawn: sum('withdrawn'),
      firstEnrollmentDate: dates('firstEnrollmentDate')[0] ?? null,
      lastEnrollmentDate: dates('lastEnrollmentDate').at(-1) ?? null,
    },
  };
}

interface LogRow {
  id: number;
  center_code: string;
  screening_number: string;
  subject_number: string | null;
  initials: string;
  status: SubjectStatus;
  first_consent_date: string | null;
  consent_version: string | null;
  screening_date: string | null;
  screen_failure_reason: string | null;
  screen_failure_detail: string | null;
  enrollment_date: string | null;
  arm: string | null;
  completion_date: string | null;
  withdrawal_date: string | null;
  withdrawal_reason: WithdrawalReason | null;
}

function logRows(db: AppDb, studyId: number, centerId: number | undefined, enrolledOnly: boolean): LogRow[] {
  // the consent version of the first consent (the one that opened screening)
  return db.$client
    .prepare(
      `SELECT s.id, c.code AS center_code, s.screening_number, s.subject_number, s.initials, s.status,
          s.first_consent_date, s.screening_date, s.screen_failure_reason, s.screen_failure_detail, s.enrollment_date,
          s.arm, s.completion_date, s.withdrawal_date, s.withdrawal_reason,
          (SELECT cv.version FROM consents k JOIN consent_versions cv ON cv.id = k.consent_version_id
            WHERE k.subject_id = s.id ORDER BY k.signed_date, k.id LIMIT 1) AS consent_version
        FROM subjects s JOIN centers c ON c.id = s.center_id
        WHERE s.study_id = @studyId ${centerId !== undefined ? 'AND s.center_id = @centerId' : ''}
          ${enrolledOnly ? `AND s.status IN ${ENROLLED}` : ''}
        ORDER BY ${enrolledOnly ? 's.enrollment_date, s.subject_number' : 'coalesce(s.first_consent_date, s.screening_date), s.screening_number'}, s.id`,
    )
    .all({ studyId, ...(centerId !== undefined ? { centerId } : {}) }) as LogRow[];
}

export function screeningLog(db: AppDb, studyId: number, centerId?: number): ScreeningLogRow[] {
  return logRows(db, studyId, centerId, false).map((r) => ({
    subjectId: r.id,
    centerCode: r.center_code,
    screeningNumber: r.screening_number,
    subjectNumber: r.subject_number,
    initials: r.initials,
    consentDate: r.first_consent_date,
    consentVersion: r.consent_version,
    screeningDate: r.screening_date,
    eligible: r.status === 'screen_failed' ? false : r.screening_date ? true : null,
    screenFailureReason: r.screen_failure_reason,
    screenFailureDetail: r.screen_failure_detail,
    enrolled: r.enrollment_date !== null,
  }));
}

export function enrollmentLog(db: AppDb, studyId: number, centerId?: number): EnrollmentLogRow[] {
  const rows = logRows(db, studyId, centerId, true);
  const signatures = signaturesForMany(
    db,
    'subject',
    rows.map((r) => r.id),
    'eligibility_confirmed',
  );
  return rows.map((r) => {
    const latest = signatures.get(r.id)?.[0];
    const valid = latest?.valid ? latest : null;
    return {
      subjectId: r.id,
      centerCode: r.center_code,
      subjectNumber: r.subject_number ?? '',
      screeningNumber: r.screening_number,
      initials: r.initials,
      consentDate: r.first_consent_date,
      screeningDate: r.screening_date,
      enrollmentDate: r.enrollment_date ?? '',
      arm: r.arm,
      confirmedBy: valid?.signerName ?? null,
      confirmedAt: valid?.signedAt ?? null,
      status: r.status,
      endDate: r.completion_date ?? r.withdrawal_date,
      withdrawalReason: r.withdrawal_reason,
    };
  });
}

/** E6 8.3.21: our own center's subjects with their identities (the handler allows site roles only). */
export function identificationList(db: AppDb, studyId: number): IdentificationRow[] {
  return (
    db.$client
      .prepare(
        `SELECT s.id, s.screening_number, s.subject_number, s.initials, s.name, s.record_number, s.id_number, s.phone,
            s.birth_date, s.birth_year, s.first_consent_date
          FROM subjects s JOIN centers c ON c.id = s.center_id
          WHERE s.study_id = ? AND c.is_own = 1 ORDER BY s.screening_number, s.id`,
      )
      .all(studyId) as {
      id: number;
      screening_number: string;
      subject_number: string | null;
      initials: string;
      name: string | null;
      record_number: string | null;
      id_number: string | null;
      phone: string | null;
      birth_date: string | null;
      birth_year: number | null;
      first_consent_date: string | null;
    }[]
  ).map((r) => ({
    subjectId: r.id,
    screeningNumber: r.screening_number,
    subjectNumber: r.subject_number,
    initials: r.initials,
    name: r.name,
    recordNumber: r.record_number,
    idNumber: r.id_number,
    phone: r.phone,
    birthDate: r.birth_date,
    birthYear: r.birth_year,
    firstConsentDate: r.first_consent_date,
  }));
}

/**
 * Active subjects of our own center whose last consent is not the current version — ordered by their next planned
 * visit (re-consent happens when they come), then by subject / screening number.
 */
export function reconsentList(db: AppDb, studyId: number): ReconsentItem[] {
  return (
    db.$client
      .prepare(
        `SELECT s.id, s.screening_number, s.subject_number, s.initials, s.status, cv.version AS last_version,
            (SELECT max(k.signed_date) FROM consents k WHERE k.subject_id = s.id) AS last_date,
            (SELECT min(v.target_date) FROM visits v WHERE v.subject_id = s.id AND v.status = 'planned') AS next_visit
          FROM subjects s JOIN centers c ON c.id = s.center_id
            JOIN subject_setups ss ON ss.study_id = s.study_id
            LEFT JOIN consent_versions cv ON cv.id = s.last_consent_version_id
          WHERE s.study_id = ? AND ${NEEDS_RECONSENT}
          ORDER BY next_visit IS NULL, next_visit, s.subject_number IS NULL, s.subject_number, s.screening_number`,
      )
      .all(studyId) as {
      id: number;
      screening_number: string;
      subject_number: string | null;
      initials: string;
      status: SubjectStatus;
      last_version: string | null;
      last_date: string | null;
      next_visit: string | null;
    }[]
  ).map((r) => ({
    subjectId: r.id,
    screeningNumber: r.screening_number,
    subjectNumber: r.subject_number,
    initials: r.initials,
    status: r.status,
    lastConsentVersion: r.last_version,
    lastConsentDate: r.last_date,
    nextVisitDate: r.next_visit,
  }));
}
