/**
 * The SDTM-aligned export (issue 7): DM, DS, SV, AE and TV with SDTM variable names as headers, CDISC controlled
 * terminology (../shared/data/sdtm), ISO 8601 dates as text (SDTM's own form: --DTC variables are character), USUBJID =
 * STUDYID-SITEID-SUBJID and AETOXGR as the grade number. What a sponsor's data manager loads without a mapping step.
 */
import type Database from 'better-sqlite3';
import type { SdtmDomain } from '../../api/exchange';
import type { VisitDefinition } from '../../api';
import type { Sheet } from '../../excel/write';
import { dayNumber } from '../dates';
import { lineOf, planVisits } from '../visits/plan';
import { lazy, toSheet, type Column, type ColumnValue, type SheetLayout } from './layout';
import { filters, type SheetScope } from './sponsor';

/** A column whose header is the SDTM variable, in both languages. */
const v = <R>(name: string, value: (r: R) => ColumnValue, kind: Column<R>['kind'] = 'text'): Column<R> => ({
  key: name,
  zh: name,
  en: name,
  kind,
  value,
});
const layout = <R>(domain: SdtmDomain, columns: Column<R>[]): SheetLayout<R> => ({
  key: domain,
  zh: domain,
  en: domain,
  columns,
});

interface SubjectBase {
  id: number;
  protocol_number: string;
  center_code: string;
  subject_label: string;
}
const usubjid = (r: SubjectBase) => `${r.protocol_number}-${r.center_code}-${r.subject_label}`;
const base = <R extends SubjectBase>(domain: SdtmDomain): Column<R>[] => [
  v('STUDYID', (r) => r.protocol_number),
  v('DOMAIN', () => domain),
  v('USUBJID', usubjid),
];

function* rows<R extends { id: number }>(
  db: Database.Database,
  sql: string,
  params: unknown[],
  changed: ReadonlySet<number> | null,
  key: (r: R) => number = (r) => r.id,
): Generator<R> {
  for (const r of db.prepare(sql).iterate(...params) as IterableIterator<R>)
    if (!changed || changed.has(key(r))) yield r;
}

const SUBJECT_FROM = `FROM subjects s JOIN centers c ON c.id = s.center_id JOIN studies st ON st.id = s.study_id`;
const SUBJECT_BASE = `s.id, st.protocol_number, c.code AS center_code,
  coalesce(s.subject_number, s.screening_number) AS subject_label`;

// ---------- DM ----------

interface DmRow extends SubjectBase {
  screening_number: string;
  screening_date: string | null;
  first_consent_date: string | null;
  treatment_start_date: string | null;
  end_date: string | null;
  birth_year: number | null;
  sex: string;
  arm: string | null;
  status: string;
  withdrawal_reason: string | null;
}
const armLabel = (scope: SheetScope, code: string | null) =>
  code === null ? null : (scope.arms.entries.find((e) => e.code === code)?.en ?? code);

function dm(scope: SheetScope): Sheet {
  const columns: Column<DmRow>[] = [
    ...base<DmRow>('DM'),
    v('SUBJID', (r) => r.subject_label),
    v('RFICDTC', (r) => r.first_consent_date),
    v('RFSTDTC', (r) => r.treatment_start_date),
    v('RFENDTC', (r) => r.end_date),
    v('SITEID', (r) => r.center_code),
    // the birth year only: a full birth date identifies
    v('BRTHDTC', (r) => (r.birth_year === null ? null : String(r.birth_year))),
    v('SEX', (r) => r.sex),
    v('ARMCD', (r) => r.arm),
    v('ARM', (r) => armLabel(scope, r.arm)),
    v('ACTARMCD', (r) => r.arm),
    v('ACTARM', (r) => armLabel(scope, r.arm)),
    v('ARMNRS', (r) => (r.arm ? null : r.status === 'screen_failed' ? 'SCREEN FAILURE' : 'NOT ASSIGNED')),
    v('COUNTRY', () => 'CHN'),
    // the date demographics were collected: screening
    v('DMDTC', (r) => r.screening_date),
    v('DTHFL', (r) => (r.withdrawal_reason === 'death' ? 'Y' : null)),
  ];
  const f = filters(scope, 's.center_id', 'coalesce(s.screening_date, s.first_consent_date)');
  const sql = `SELECT ${SUBJECT_BASE}, s.screening_number, s.screening_date, s.first_consent_date, s.treatment_start_date,
      coalesce(s.completion_date, s.withdrawal_date) AS end_date, s.birth_year, s.sex, s.arm, s.status, s.withdrawal_reason
    ${SUBJECT_FROM} WHERE s.study_id = ? ${f.sql} ORDER BY c.code, subject_label, s.id`;
  return toSheet(
    {
      layout: layout('DM', columns),
      rows: lazy(() => rows<DmRow>(scope.snapshot, sql, [scope.studyId, ...f.params], scope.changed?.subjects ?? null)),
    },
    'en',
  );
}

// ---------- DS ----------

/** Our withdrawal reasons as NCI's NCOMPLT terms. */
const DS_DECOD: Record<string, string> = {
  consent_withdrawn: 'WITHDRAWAL BY SUBJECT',
  adverse_event: 'ADVERSE EVENT',
  physician_decision: 'PHYSICIAN DECISION',
  lost_to_follow_up: 'LOST TO FOLLOW-UP',
  death: 'DEATH',
  other: 'OTHER',
};
interface DsEvent extends SubjectBase {
  seq: number;
  term: string;
  decod: string;
  cat: string;
  date: string;
}
interface DsSubject extends SubjectBase {
  first_consent_date: string | null;
  enrollment_date: string | null;
  screen_failure_date: string | null;
  completion_date: string | null;
  withdrawal_date: string | null;
  withdrawal_reason: string | null;
  withdrawal_detail: string | null;
  status: string;
}
function* dsEvents(subjects: Iterable<DsSubject>): Generator<DsEvent> {
  for (const s of subjects) {
    let seq = 0;
    const event = (term: string, decod: string, cat: string, date: string | null): DsEvent | null =>
      date ? { ...s, seq: ++seq, term, decod, cat, date } : null;
    const events = [
      event('INFORMED CONSENT OBTAINED', 'INFORMED CONSENT OBTAINED', 'PROTOCOL MILESTONE', s.first_consent_date),
      event('RANDOMIZED', 'RANDOMIZED', 'PROTOCOL MILESTONE', s.enrollment_date),
      s.status === 'screen_failed'
        ? event('SCREEN FAILURE', 'SCREEN FAILURE', 'DISPOSITION EVENT', s.screen_failure_date)
        : null,
      s.status === 'completed' ? event('COMPLETED', 'COMPLETED', 'DISPOSITION EVENT', s.completion_date) : null,
      s.status === 'withdrawn'
        ? event(
            (s.withdrawal_detail ?? DS_DECOD[s.withdrawal_reason ?? 'other'] ?? 'OTHER').toUpperCase(),
            DS_DECOD[s.withdrawal_reason ?? 'other'] ?? 'OTHER',
            'DISPOSITION EVENT',
            s.withdrawal_date,
          )
        : null,
    ];
    for (const e of events) if (e) yield e;
  }
}
function ds(scope: SheetScope): Sheet {
  const columns: Column<DsEvent>[] = [
    ...base<DsEvent>('DS'),
    v('DSSEQ', (r) => r.seq, 'integer'),
    v('DSTERM', (r) => r.term),
    v('DSDECOD', (r) => r.decod),
    v('DSCAT', (r) => r.cat),
    v('DSSTDTC', (r) => r.date),
  ];
  const f = filters(scope, 's.center_id', 'coalesce(s.screening_date, s.first_consent_date)');
  const sql = `SELECT ${SUBJECT_BASE}, s.first_consent_date, s.enrollment_date, s.screen_failure_date, s.completion_date,
      s.withdrawal_date, s.withdrawal_reason, s.withdrawal_detail, s.status
    ${SUBJECT_FROM} WHERE s.study_id = ? ${f.sql} ORDER BY c.code, subject_label, s.id`;
  return toSheet(
    {
      layout: layout('DS', columns),
      rows: lazy(() =>
        dsEvents(rows<DsSubject>(scope.snapshot, sql, [scope.studyId, ...f.params], scope.changed?.subjects ?? null)),
      ),
    },
    'en',
  );
}

// ---------- TV and visit numbers ----------

interface TvRow {
  id: number;
  protocol_number: string;
  visitnum: number;
  code: string;
  name: string;
  visitdy: number | null;
  armcd: string | null;
  rule: string;
}
const ANCHOR_TEXT: Record<string, string> = {
  consent: 'informed consent',
  enrollment: 'enrollment',
  first_dose: 'first dose',
};

/** The study's current schedule as trial visits: every line of every arm, in the plan's order. */
function trialVisits(scope: SheetScope): TvRow[] {
  const version = scope.snapshot
    .prepare(
      `SELECT sv.visits, st.protocol_number FROM schedule_versions sv JOIN studies st ON st.id = sv.study_id
       WHERE sv.study_id = ? ORDER BY sv.id DESC LIMIT 1`,
    )
    .get(scope.studyId) as { visits: string; protocol_number: string } | undefined;
  if (!version) return [];
  const lines = JSON.parse(version.visits) as VisitDefinition[];
  // one reference day for every anchor: study days then count from the first dose (SDTM: no day 0)
  const ref = '2000-01-03';
  const anchors = { consent: ref, enrollment: ref, first_dose: ref };
  const arms = [null, ...scope.arms.entries.map((e) => e.code)];
  const byCode = new Map<string, TvRow>();
  for (const arm of arms) {
    for (const p of planVisits(lines, anchors, arm).visits) {
      if (byCode.has(p.code)) continue;
      const line = lines[lineOf(p)];
      const days = dayNumber(p.targetDate) - dayNumber(ref);
      byCode.set(p.code, {
        id: byCode.size + 1,
        protocol_number: version.protocol_number,
        visitnum: 0,
        code: p.code,
        name: p.name,
        visitdy: days >= 0 ? days + 1 : days,
        armcd: arm && line && line.arms.length > 0 ? arm : null,
        rule: line
          ? line.anchor === 'visit'
            ? `after visit ${line.anchorCode ?? ''}`
            : `from ${ANCHOR_TEXT[line.anchor] ?? line.anchor}`
          : '',
      });
    }
  }
  const planned = [...byCode.values()].sort((a, b) => (a.visitdy ?? 0) - (b.visitdy ?? 0) || a.id - b.id);
  const onDemand = lines
    .filter((l) => l.kind === 'on_demand')
    .map((l): TvRow => ({
      id: 0,
      protocol_number: version.protocol_number,
      visitnum: 0,
      code: l.code,
      name: l.name,
      visitdy: null,
      armcd: null,
      rule: 'on demand',
    }));
  return [...planned, ...onDemand].map((r, i) => ({ ...r, visitnum: i + 1 }));
}

function tv(scope: SheetScope): Sheet {
  const columns: Column<TvRow>[] = [
    v('STUDYID', (r) => r.protocol_number),
    v('DOMAIN', () => 'TV'),
    v('VISITNUM', (r) => r.visitnum, 'integer'),
    v('VISIT', (r) => r.code),
    v('VISITDY', (r) => r.visitdy, 'integer'),
    v('ARMCD', (r) => r.armcd),
    v('TVSTRL', (r) => r.rule),
    v('VISITNAM', (r) => r.name),
  ];
  return toSheet({ layout: layout('TV', columns), rows: lazy(() => trialVisits(scope)) }, 'en');
}

// ---------- SV ----------

interface SvRow extends SubjectBase {
  visit_id: number;
  subject_id: number;
  code: string;
  name: string;
  unscheduled: number;
  target_date: string | null;
  treatment_start_date: string | null;
  actual_date: string;
  reason: string | null;
  visitnum: number;
}
function* numbered(visits: Iterable<Omit<SvRow, 'visitnum'>>, tvNum: ReadonlyMap<string, number>): Generator<SvRow> {
  // unscheduled visits: the previous scheduled visit's number + .01, .02 … (SDTM's usual convention)
  let subject = -1;
  let last = 0;
  let extra = 0;
  for (const visit of visits) {
    if (visit.subject_id !== subject) {
      subject = visit.subject_id;
      last = 0;
      extra = 0;
    }
    const num = visit.unscheduled ? undefined : tvNum.get(visit.code);
    if (num !== undefined) {
      last = num;
      extra = 0;
    }
    yield { ...visit, visitnum: num ?? Math.round((last + 0.01 * ++extra) * 100) / 100 };
  }
}
function sv(scope: SheetScope): Sheet {
  const columns: Column<SvRow>[] = [
    ...base<SvRow>('SV'),
    v('VISITNUM', (r) => r.visitnum),
    v('VISIT', (r) => (r.unscheduled ? `UNSCHEDULED ${r.visitnum.toFixed(2)}` : r.code)),
    v(
      'VISITDY',
      (r) => {
        if (r.unscheduled || !r.target_date || !r.treatment_start_date) return null;
        const days = dayNumber(r.target_date) - dayNumber(r.treatment_start_date);
        return days >= 0 ? days + 1 : days;
      },
      'integer',
    ),
    v('SVSTDTC', (r) => r.actual_date),
    v('SVENDTC', (r) => r.actual_date),
    v('SVUPDES', (r) => (r.unscheduled ? (r.reason ?? r.name) : null)),
  ];
  const f = filters(scope, 'v.center_id', 'v.actual_date');
  const sql = `SELECT v.id, v.id AS visit_id, v.subject_id, st.protocol_number, c.code AS center_code,
      coalesce(s.subject_number, s.screening_number) AS subject_label, v.code, v.name, v.unscheduled, v.target_date,
      s.treatment_start_date, v.actual_date, v.reason
    FROM subjects s JOIN visits v ON v.subject_id = s.id JOIN centers c ON c.id = v.center_id
      JOIN studies st ON st.id = s.study_id
    WHERE s.study_id = ? AND v.status = 'done' ${f.sql}
    ORDER BY lower(s.screening_number), v.actual_date, v.seq, v.id`;
  return toSheet(
    {
      layout: layout('SV', columns),
      rows: lazy(() => {
        const tvNum = new Map(trialVisits(scope).map((t) => [t.code, t.visitnum]));
        return numbered(
          rows<SvRow>(scope.snapshot, sql, [scope.studyId, ...f.params], scope.changed?.visits ?? null),
          tvNum,
        );
      }),
    },
    'en',
  );
}

// ---------- AE ----------

const AEREL: Record<string, string> = {
  not_related: 'NOT RELATED',
  unlikely: 'UNLIKELY RELATED',
  possibly: 'POSSIBLY RELATED',
  probably: 'PROBABLY RELATED',
  definitely: 'DEFINITELY RELATED',
};
interface AeRow extends SubjectBase {
  ae_number: number;
  verbatim_term: string;
  ctcae_term: string | null;
  soc: string | null;
  severity: string | null;
  grade: number | null;
  serious: number;
  serious_criteria: string;
  causality: string | null;
  action: string | null;
  outcome: string | null;
  start_date: string;
  end_date: string | null;
  ongoing: number;
}
const flag = (r: AeRow, criterion: string) =>
  (JSON.parse(r.serious_criteria) as string[]).includes(criterion) ? 'Y' : 'N';

function ae(scope: SheetScope): Sheet {
  const columns: Column<AeRow>[] = [
    ...base<AeRow>('AE'),
    v('AESEQ', (r) => r.ae_number, 'integer'),
    v('AETERM', (r) => r.verbatim_term),
    v('AEDECOD', (r) => r.ctcae_term),
    v('AEBODSYS', (r) => r.soc),
    v('AESOC', (r) => r.soc),
    v('AESEV', (r) => r.severity),
    v('AETOXGR', (r) => (r.grade === null ? null : String(r.grade))),
    v('AESER', (r) => (r.serious ? 'Y' : 'N')),
    v('AESDTH', (r) => flag(r, 'death')),
    v('AESLIFE', (r) => flag(r, 'life_threatening')),
    v('AESHOSP', (r) => flag(r, 'hospitalisation')),
    v('AESDISAB', (r) => flag(r, 'disability')),
    v('AESCONG', (r) => flag(r, 'congenital_anomaly')),
    v('AESMIE', (r) => flag(r, 'medically_important')),
    v('AEREL', (r) => (r.causality ? (AEREL[r.causality] ?? null) : null)),
    v('AEACN', (r) => r.action),
    v('AEOUT', (r) => r.outcome),
    v('AESTDTC', (r) => r.start_date),
    v('AEENDTC', (r) => r.end_date),
    v('AEENRF', (r) => (r.ongoing ? 'ONGOING' : null)),
  ];
  const f = filters(scope, 'a.center_id', 'a.start_date');
  const sql = `SELECT a.id, st.protocol_number, c.code AS center_code,
      coalesce(s.subject_number, s.screening_number) AS subject_label, a.ae_number, a.verbatim_term, a.ctcae_term, a.soc,
      a.severity, a.grade, a.serious, a.serious_criteria, a.causality, a.action, a.outcome, a.start_date, a.end_date,
      a.ongoing
    FROM subjects s JOIN adverse_events a ON a.subject_id = s.id JOIN centers c ON c.id = a.center_id
      JOIN studies st ON st.id = s.study_id
    WHERE s.study_id = ? ${f.sql} ORDER BY lower(s.screening_number), a.ae_number`;
  return toSheet(
    {
      layout: layout('AE', columns),
      rows: lazy(() => rows<AeRow>(scope.snapshot, sql, [scope.studyId, ...f.params], scope.changed?.aes ?? null)),
    },
    'en',
  );
}

/** A domain of the SDTM export (its rows are read when the writer reaches it). */
export function sdtmSheet(domain: SdtmDomain, scope: SheetScope): Sheet {
  switch (domain) {
    case 'DM':
      return dm(scope);
    case 'DS':
      return ds(scope);
    case 'SV':
      return sv(scope);
    case 'AE':
      return ae(scope);
    case 'TV':
      return tv(scope);
  }
}
