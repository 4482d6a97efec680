/**
 * "Changes since the last delivery" (issue 7): the audit trail already says what changed, when, from what to what; an
 * export to a recipient remembers the last audit event it reflected, and the next changes-only export takes the events
 * after it — the records they touched (to export again) and a change log (record, field, old, new, when).
 *
 * Only fields a sponsor may see enter the change log: an allow-list per entity, never a name, record number, ID number,
 * phone, birth date, free-text note or signature detail (initials only where the study allows them).
 */
import type Database from 'better-sqlite3';
import type { ChangedRecords } from './sponsor';
import { deviationLabel, sponsorFieldLabels } from './sponsor';

/** The entities an export carries, and the fields of each that may leave the site. */
const SHARED_FIELDS: Record<string, readonly string[]> = {
  subject: [
    'screeningNumber',
    'subjectNumber',
    'sex',
    'birthYear',
    'status',
    'screeningDate',
    'screenFailureDate',
    'screenFailureReason',
    'enrollmentDate',
    'arm',
    'treatmentStartDate',
    'followUpDate',
    'completionDate',
    'withdrawalDate',
    'withdrawalReason',
    // a consent event
    'version',
    'signedDate',
  ],
  visit: [
    'code',
    'name',
    'unscheduled',
    'targetDate',
    'windowStart',
    'windowEnd',
    'status',
    'actualDate',
    'outOfWindow',
  ],
  adverse_event: [
    'aeNumber',
    'verbatimTerm',
    'ctcaeCode',
    'ctcaeTerm',
    'soc',
    'grade',
    'severity',
    'startDate',
    'endDate',
    'ongoing',
    'serious',
    'seriousCriteria',
    'expected',
    'causality',
    'action',
    'treatment',
    'outcome',
    'awarenessAt',
    'reportDueAt',
    'reportedAt',
    'assessmentSigned',
    // an SAE report event
    'report',
    'sentAt',
    'onTime',
  ],
  deviation: [
    'number',
    'occurredDate',
    'category',
    'severity',
    'description',
    'correctiveAction',
    'reportedSponsorDate',
    'reportedEthicsDate',
  ],
};
const ENTITIES = Object.keys(SHARED_FIELDS);

/** Names of the shared fields no sheet has a column for (dates kept apart in the record, an SAE report's details). */
const OTHER_LABELS: Record<string, { zh: string; en: string }> = {
  screenFailureDate: { zh: '筛选失败日期', en: 'Screen-failure date' },
  treatmentStartDate: { zh: '首次给药日期', en: 'First dose date' },
  followUpDate: { zh: '进入随访日期', en: 'Follow-up start date' },
  completionDate: { zh: '完成日期', en: 'Completion date' },
  withdrawalDate: { zh: '退出日期', en: 'Withdrawal date' },
  version: { zh: '知情同意书版本', en: 'Consent version' },
  signedDate: { zh: '知情同意签署日期', en: 'Consent signed' },
  report: { zh: 'SAE 报告', en: 'SAE report' },
  sentAt: { zh: '报告发送时间', en: 'Report sent at' },
  onTime: { zh: '按时报告', en: 'Reported on time' },
  number: { zh: '偏离编号', en: 'Deviation no.' },
};
let labels: Map<string, { zh: string; en: string }> | null = null;
/** A field as the workbook's sheets head it. */
function fieldLabel(field: string, lang: 'zh-CN' | 'en'): string {
  labels ??= new Map([...Object.entries(OTHER_LABELS), ...sponsorFieldLabels()]);
  const l = labels.get(field);
  return l ? (lang === 'zh-CN' ? l.zh : l.en) : field;
}

export interface ChangeLogRow {
  seq: number;
  at: string;
  entity: string;
  record: string;
  field: string;
  old: string | null;
  new: string | null;
}

interface EventRow {
  seq: number;
  at: string;
  entity: string;
  entity_id: string;
  subject_id: number | null;
  changes: string;
  subject_label: string | null;
  visit_code: string | null;
  ae_number: number | null;
  dv_number: number | null;
}

const EVENTS_SQL = `SELECT e.seq, e.at, e.entity, e.entity_id, e.subject_id, e.changes,
    coalesce(s.subject_number, s.screening_number) AS subject_label,
    v.code AS visit_code, a.ae_number, d.number AS dv_number
  FROM audit_events e
    LEFT JOIN subjects s ON s.id = e.subject_id
    LEFT JOIN visits v ON e.entity = 'visit' AND v.id = CAST(e.entity_id AS INTEGER)
    LEFT JOIN adverse_events a ON e.entity = 'adverse_event' AND a.id = CAST(e.entity_id AS INTEGER)
    LEFT JOIN deviations d ON e.entity = 'deviation' AND d.id = CAST(e.entity_id AS INTEGER)
  WHERE e.study_id = ? AND e.seq > ? AND e.seq <= ? AND e.entity IN (${ENTITIES.map(() => '?').join(',')})
  ORDER BY e.seq`;

const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);

/** The records the events after `sinceSeq` (up to `untilSeq`) touched: what a changes-only export writes again. */
export function changedRecords(
  snapshot: Database.Database,
  studyId: number,
  sinceSeq: number,
  untilSeq: number,
): ChangedRecords {
  const changed = {
    subjects: new Set<number>(),
    visits: new Set<number>(),
    aes: new Set<number>(),
    deviations: new Set<number>(),
  };
  const rows = snapshot
    .prepare(
      `SELECT entity, entity_id FROM audit_events
       WHERE study_id = ? AND seq > ? AND seq <= ? AND entity IN (${ENTITIES.map(() => '?').join(',')})`,
    )
    .iterate(studyId, sinceSeq, untilSeq, ...ENTITIES) as IterableIterator<{ entity: string; entity_id: string }>;
  for (const r of rows) {
    const id = Number(r.entity_id);
    if (r.entity === 'subject') changed.subjects.add(id);
    else if (r.entity === 'visit') changed.visits.add(id);
    else if (r.entity === 'adverse_event') changed.aes.add(id);
    else if (r.entity === 'deviation') changed.deviations.add(id);
  }
  return changed;
}

/** The change log: one row per shared field changed, oldest first. */
export function* changeLog(
  snapshot: Database.Database,
  opts: {
    studyId: number;
    sinceSeq: number;
    untilSeq: number;
    initials: boolean;
    /** a record's label in the workbook's language */
    lang: 'zh-CN' | 'en';
  },
): Generator<ChangeLogRow> {
  const shared = (entity: string, field: string) =>
    (SHARED_FIELDS[entity] ?? []).includes(field) || (opts.initials && entity === 'subject' && field === 'initials');
  const zh = opts.lang === 'zh-CN';
  const recordOf = (e: EventRow): string => {
    const subject = e.subject_label ?? '';
    switch (e.entity) {
      case 'subject':
        return zh ? `受试者 ${subject}` : `Subject ${subject}`;
      case 'visit':
        return `${subject} · ${e.visit_code ?? e.entity_id}`;
      case 'adverse_event':
        return `${subject} · AE-${e.ae_number ?? e.entity_id}`;
      default:
        return e.dv_number !== null ? deviationLabel(e.dv_number) : e.entity_id;
    }
  };
  const events = snapshot
    .prepare(EVENTS_SQL)
    .iterate(opts.studyId, opts.sinceSeq, opts.untilSeq, ...ENTITIES) as IterableIterator<EventRow>;
  for (const e of events) {
    const changes = JSON.parse(e.changes) as Record<string, [unknown, unknown]>;
    for (const [field, [old, now]] of Object.entries(changes)) {
      if (!shared(e.entity, field)) continue;
      yield {
        seq: e.seq,
        at: e.at,
        entity: e.entity,
        record: recordOf(e),
        field: fieldLabel(field, opts.lang),
        old: text(old),
        new: text(now),
      };
    }
  }
}
