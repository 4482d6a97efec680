/**
 * Importing adverse events (issue 7): one sheet, a row per AE, in our own AE listing's layout (so an export reads back),
 * a sponsor's Chinese or English headers, or SDTM AE variables. Each row is checked with the AE rules of the screens
 * (core/safety/aes.ts checkAe: grades of the CTCAE term, dates in order, consent, seriousness ⇔ criteria, grade 5 ⇔
 * fatal ⇔ death, the SAE clock); causality and expectedness of another center's subject are that center's
 * investigator's. A row names its AE by subject and AE number: a new number is created, a known one updated when
 * something differs, else left unchanged.
 */
import { eq } from 'drizzle-orm';
import { adverseEvents, ctcaeTerms, subjects } from '../../../../db/schema';
import type { AeFields, SeriousCriterion } from '../../../api';
import { aeChanges, checkAe, type AeLookups, type AeRow, type AeValues, type SubjectRow } from '../../safety/aes';
import { safetySettingsOf, type SafetySettings } from '../../safety/settings';
import { auditBatch } from '../../audit/audit';
import { latestToday } from '../../dates';
import { AppError } from '../../errors';
import { SIGNED_AE_FIELDS } from '../../safety/signed-content';
import { AE_ACTION, AE_OUTCOME, AE_SEVERITY, CAUSALITY, SERIOUS_CRITERION } from '../vocab';
import type { ImportKindDef, Plan, Planner, PlanEnv, ReadSheet, TypedRow } from './engine';
import { coded, type FieldSpec } from './fields';

const flag = (field: string, zh: string, en: string, sdtm: string): FieldSpec => ({
  field,
  zh,
  en,
  sdtm,
  type: 'yesNo',
});

export const AE_FIELDS: FieldSpec[] = [
  {
    field: 'subject',
    zh: '受试者编号',
    en: 'Subject no.',
    synonyms: ['受试者', '筛选号', '随机号', 'Subject', 'Subject ID', 'Subject number', 'SUBJID', 'Screening no.'],
    sdtm: 'USUBJID',
    required: true,
    type: 'text',
    max: 60,
    template: { zh: '受试者编号（或筛选号）', en: 'Subject number (or screening number)', example: '01-001' },
  },
  {
    field: 'aeNumber',
    zh: 'AE 编号',
    en: 'AE no.',
    synonyms: ['AE序号', '不良事件编号', 'AE number'],
    sdtm: 'AESEQ',
    type: 'integer',
    template: {
      zh: '该受试者的 AE 序号；留空则自动编号',
      en: 'AE number of the subject; empty: numbered automatically',
      example: 1,
    },
  },
  {
    field: 'verbatimTerm',
    zh: 'AE 名称（原始描述）',
    en: 'Verbatim term',
    synonyms: ['AE名称', '不良事件名称', '不良事件', 'AE term', 'Adverse event', 'Reported term'],
    sdtm: 'AETERM',
    required: true,
    type: 'text',
    max: 200,
    template: { zh: '研究者记录的原始描述', en: 'As the investigator wrote it', example: '中性粒细胞计数降低' },
  },
  {
    field: 'ctcaeTerm',
    zh: 'CTCAE 术语',
    en: 'CTCAE term',
    synonyms: ['Preferred term', '首选术语'],
    sdtm: 'AEDECOD',
    type: 'text',
    max: 200,
    template: {
      zh: 'CTCAE v5.0 英文术语（可留空）',
      en: 'CTCAE v5.0 term (may be empty)',
      example: 'Neutrophil count decreased',
    },
  },
  {
    field: 'ctcaeCode',
    zh: 'MedDRA 编码',
    en: 'MedDRA code',
    synonyms: ['MedDRA', 'PT code', 'AEPTCD'],
    type: 'text',
    max: 20,
    template: {
      zh: 'CTCAE 术语的 MedDRA 编码（可留空）',
      en: 'MedDRA code of the CTCAE term (may be empty)',
      example: '10029366',
    },
  },
  {
    field: 'soc',
    zh: '系统器官分类',
    en: 'SOC',
    synonyms: ['AEBODSYS', 'System organ class'],
    sdtm: 'AESOC',
    type: 'text',
    max: 200,
  },
  {
    field: 'grade',
    zh: 'CTCAE 分级',
    en: 'CTCAE grade',
    synonyms: ['分级', '等级', 'Grade', 'Toxicity grade'],
    sdtm: 'AETOXGR',
    type: 'integer',
    template: { zh: 'CTCAE 分级 1–5（CTCAE 研究）', en: 'CTCAE grade 1–5 (CTCAE studies)', example: 3 },
  },
  ...coded({
    field: 'severity',
    zh: '严重程度',
    en: 'Severity',
    sdtm: 'AESEV',
    type: 'code',
    codes: AE_SEVERITY,
    template: {
      zh: '轻度/中度/重度（不用 CTCAE 的研究）',
      en: 'Mild/moderate/severe (studies not on CTCAE)',
      example: null,
    },
  }),
  {
    field: 'startDate',
    zh: '开始日期',
    en: 'Start date',
    synonyms: ['发生日期', 'Onset date'],
    sdtm: 'AESTDTC',
    required: true,
    type: 'date',
    template: { zh: 'YYYY-MM-DD', en: 'YYYY-MM-DD', example: '2026-03-05' },
  },
  {
    field: 'endDate',
    zh: '结束日期',
    en: 'End date',
    synonyms: ['转归日期', 'Stop date'],
    sdtm: 'AEENDTC',
    type: 'date',
    template: { zh: 'YYYY-MM-DD；持续中则留空', en: 'YYYY-MM-DD; empty while ongoing', example: '2026-03-12' },
  },
  ...coded({
    field: 'ongoing',
    zh: '持续',
    en: 'Ongoing',
    synonyms: ['是否持续'],
    type: 'yesNo',
    template: { zh: '是/否；有结束日期则为否', en: 'Yes/No; No when there is an end date', example: 'N' },
  }),
  ...coded({
    field: 'serious',
    zh: '严重不良事件',
    en: 'Serious',
    synonyms: ['是否SAE', 'SAE'],
    sdtm: 'AESER',
    type: 'yesNo',
    template: { zh: '是/否', en: 'Yes/No', example: 'N' },
  }),
  {
    field: 'seriousCriteria',
    zh: '严重性标准',
    en: 'Seriousness criteria',
    synonyms: ['SAE标准'],
    type: 'codes',
    codes: SERIOUS_CRITERION,
    template: {
      zh: '严重时填写：死亡、危及生命、住院、残疾、先天异常、重要医学事件，多项用；分隔',
      en: 'If serious: death, life-threatening, hospitalisation, disability, congenital anomaly, medically important; separate with ;',
      example: null,
    },
  },
  flag('sdth', '导致死亡', 'Results in death', 'AESDTH'),
  flag('slife', '危及生命', 'Life-threatening', 'AESLIFE'),
  flag('shosp', '导致住院', 'Hospitalisation', 'AESHOSP'),
  flag('sdisab', '导致残疾', 'Disability', 'AESDISAB'),
  flag('scong', '先天异常', 'Congenital anomaly', 'AESCONG'),
  flag('smie', '重要医学事件', 'Medically important', 'AESMIE'),
  {
    field: 'awarenessAt',
    zh: '获知时间',
    en: 'Awareness',
    synonyms: ['研究者获知时间', 'Awareness date'],
    type: 'datetime',
    template: {
      zh: 'SAE 必填：研究者获知时间 YYYY-MM-DD HH:mm',
      en: 'SAE: when the investigator became aware, YYYY-MM-DD HH:mm',
      example: null,
    },
  },
  ...coded({
    field: 'expected',
    zh: '预期',
    en: 'Expected',
    synonyms: ['是否预期'],
    type: 'yesNo',
    template: { zh: '是/否（研究者判断）', en: 'Yes/No (the investigator’s)', example: 'Y' },
  }),
  ...coded({
    field: 'causality',
    zh: '与研究药物的关系',
    en: 'Causality',
    synonyms: ['因果关系', '相关性', 'Relationship to study drug'],
    sdtm: 'AEREL',
    type: 'code',
    codes: CAUSALITY,
    template: { zh: '与研究药物的关系（研究者判断）', en: 'Causality (the investigator’s)', example: 'possibly' },
  }),
  ...coded({
    field: 'action',
    zh: '对研究药物采取的措施',
    en: 'Action taken',
    synonyms: ['采取的措施', 'Action taken with study treatment'],
    sdtm: 'AEACN',
    type: 'code',
    codes: AE_ACTION,
    template: { zh: '对研究药物采取的措施', en: 'Action taken with study treatment', example: 'DRUG INTERRUPTED' },
  }),
  {
    field: 'treatment',
    zh: '治疗',
    en: 'Treatment',
    synonyms: ['处理', '治疗措施'],
    type: 'text',
    max: 500,
    template: { zh: '针对该 AE 的治疗', en: 'Treatment given', example: 'G-CSF' },
  },
  ...coded({
    field: 'outcome',
    zh: '转归',
    en: 'Outcome',
    synonyms: ['结局'],
    sdtm: 'AEOUT',
    type: 'code',
    codes: AE_OUTCOME,
    template: { zh: '转归', en: 'Outcome', example: 'RECOVERED/RESOLVED' },
  }),
  // columns of our own AE listing that the import knows and leaves (derived or recorded elsewhere)
  { field: 'centerCode', zh: '中心编号', en: 'Center', synonyms: ['SITEID'], type: 'text' },
  { field: 'visit', zh: '关联访视', en: 'Visit', type: 'text' },
  ...coded({ field: 'assessmentSigned', zh: '研究者已签名', en: 'Investigator signed', type: 'text' }),
];

const CRITERION_FLAGS: [string, SeriousCriterion][] = [
  ['sdth', 'death'],
  ['slife', 'life_threatening'],
  ['shosp', 'hospitalisation'],
  ['sdisab', 'disability'],
  ['scong', 'congenital_anomaly'],
  ['smie', 'medically_important'],
];

/** The code column's value when the file has one, else the label column's. */
function pick<T>(v: Record<string, unknown>, field: string): T | null {
  const code = v[`${field}Code`];
  return (code !== undefined && code !== null ? code : (v[field] ?? null)) as T | null;
}

export interface SubjectEntry {
  row: SubjectRow;
  own: boolean;
}

/**
 * What AE rows are checked against: the study's subjects (by whatever the file calls them), its safety settings and
 * AEs already recorded. The SDTM kind gives subjects it is about to create (their ids are set when written).
 */
export interface AeTarget {
  settings: SafetySettings;
  subjectOf: (text: string) => SubjectEntry | undefined;
  existing: ReadonlyMap<string, AeRow>;
}

/** What the AE import checks rows against: the study's subjects and AEs, read once, before the first row. */
function studyAeTarget(env: PlanEnv): AeTarget {
  const { ctx } = env;
  const studyId = env.studyId!;
  const sqlite = ctx.db.$client;
  const study = sqlite.prepare('SELECT protocol_number FROM studies WHERE id = ?').get(studyId) as
    { protocol_number: string } | undefined;
  if (!study) throw new AppError('not_found', 'errors.notFound', { params: { entity: 'study' } });

  // the study's subjects by subject number and screening number
  const bySubject = new Map<string, SubjectEntry>();
  const subjectRows = ctx.db.select().from(subjects).where(eq(subjects.studyId, studyId)).all();
  const ownCenter = (
    sqlite.prepare('SELECT id FROM centers WHERE study_id = ? AND is_own = 1').get(studyId) as
      { id: number } | undefined
  )?.id;
  for (const s of subjectRows) {
    const entry = { row: s, own: s.centerId === ownCenter };
    bySubject.set(s.screeningNumber.toLowerCase(), entry);
    if (s.subjectNumber) bySubject.set(s.subjectNumber.toLowerCase(), entry);
  }
  const prefix = `${study.protocol_number.toLowerCase()}-`;
  /** a subject number, a screening number, or USUBJID = STUDYID-SITEID-SUBJID */
  const subjectOf = (text: string): SubjectEntry | undefined => {
    const key = text.trim().toLowerCase();
    const direct = bySubject.get(key);
    if (direct || !key.startsWith(prefix)) return direct;
    const rest = key.slice(prefix.length);
    const dash = rest.indexOf('-');
    return dash > 0 ? bySubject.get(rest.slice(dash + 1)) : undefined;
  };
  const existing = new Map<string, AeRow>();
  for (const a of ctx.db.select().from(adverseEvents).where(eq(adverseEvents.studyId, studyId)).all())
    existing.set(`${a.subjectId}:${a.aeNumber}`, a);
  return { settings: safetySettingsOf(ctx.db, studyId), subjectOf, existing };
}

/** The AE import: each row checked as it is read (a 100,000-row listing is never held whole), then decided. */
function aePlanner(env: PlanEnv): Planner {
  const studyId = env.studyId!;
  const rows = aeRows(env, studyAeTarget(env));
  return { streamed: { sheet: 'aes', row: rows.check }, plan: () => ({ studyId, ...rows.plan() }) };
}

/** AE rows of a sheet decided (create / update / unchanged) or rejected with the screens' rules. */
export function planAeRows(env: PlanEnv, sheet: ReadSheet | undefined, target: AeTarget): Omit<Plan, 'studyId'> {
  const rows = aeRows(env, target);
  for (const r of sheet?.rows ?? []) rows.check(sheet!, r);
  return rows.plan();
}

/**
 * The AE rules, a row at a time: `check` decides a row (or rejects it through env), `plan` gives what the checked
 * rows make. Lookups are built once; the decided writes are all that is kept of a row.
 */
interface AeRows {
  check: (sheet: ReadSheet, r: TypedRow) => void;
  plan: () => Omit<Plan, 'studyId'>;
}
function aeRows(env: PlanEnv, target: AeTarget): AeRows {
  const { ctx } = env;
  const { settings, subjectOf, existing } = target;
  const sqlite = ctx.db.$client;
  const terms = new Map(
    ctx.db
      .select()
      .from(ctcaeTerms)
      .all()
      .map((t) => [t.meddraCode, t]),
  );
  const termByName = new Map([...terms.values()].map((t) => [t.term.toLowerCase(), t]));
  // an import links no visit: only an update's kept link is looked up
  const visitOf = sqlite.prepare('SELECT subject_id FROM visits WHERE id = ?');
  const lookups: AeLookups = {
    term: (code) => terms.get(code),
    visitSubject: (id) => (visitOf.get(id) as { subject_id: number } | undefined)?.subject_id,
  };
  // one clock for the whole file: "today" does not move between its first and last row
  const today = latestToday(ctx);
  const ownOpts = { lookups, today, assessedElsewhere: false };
  const elsewhereOpts = { lookups, today, assessedElsewhere: true };
  const nextNumber = new Map<number, number>();
  for (const a of existing.values())
    nextNumber.set(a.subjectId, Math.max(nextNumber.get(a.subjectId) ?? 0, a.aeNumber));

  const writes: AeWrite[] = [];
  let unchanged = 0;
  const seen = new Set<string>();

  const check = (sheet: ReadSheet, r: TypedRow): void => {
    const v = r.values;
    const subject = subjectOf(String(v.subject));
    if (!subject) return env.reject(sheet, r, 'subject', 'exchange.unknownSubject', { value: String(v.subject) });
    // the CTCAE term: by MedDRA code, or by its name when the file has no code
    let ctcaeCode = (v.ctcaeCode as string | null) ?? null;
    if (!ctcaeCode && v.ctcaeTerm) {
      const byName = termByName.get(String(v.ctcaeTerm).toLowerCase());
      if (byName) ctcaeCode = byName.meddraCode;
      // a study graded on AESEV codes its terms in MedDRA (SDTM AEDECOD), not CTCAE: such a term stays uncoded
      else if (terms.size > 0 && settings.severityScale === 'ctcae')
        return env.reject(sheet, r, 'ctcaeTerm', 'exchange.unknownCtcaeTerm', { value: String(v.ctcaeTerm) });
    }
    const criteria = seriousCriteriaOf(v);
    const endDate = (v.endDate as string | null) ?? null;
    const ongoingCell = pick<boolean>(v, 'ongoing');
    const fields: AeFields = {
      verbatimTerm: String(v.verbatimTerm),
      ctcaeCode,
      grade: (v.grade as number | null) ?? null,
      severity: pick(v, 'severity'),
      startDate: String(v.startDate),
      endDate,
      // no "ongoing" column: an AE without an end date is ongoing
      ongoing: ongoingCell ?? endDate === null,
      serious: pick<boolean>(v, 'serious') ?? criteria.length > 0,
      seriousCriteria: criteria,
      awarenessAt: (v.awarenessAt as string | null) ?? null,
      expected: pick(v, 'expected'),
      causality: pick(v, 'causality'),
      action: pick(v, 'action'),
      treatment: (v.treatment as string | null) ?? null,
      outcome: pick(v, 'outcome'),
      visitId: null,
      notes: null,
    };
    const aeNumber = (v.aeNumber as number | null) ?? null;
    const key = aeNumber === null ? null : `${subject.row.id}:${aeNumber}`;
    if (key !== null) {
      if (seen.has(key)) return env.reject(sheet, r, 'aeNumber', 'exchange.duplicateRow', { value: aeNumber! });
      seen.add(key);
    }
    const before = key === null ? null : (existing.get(key) ?? null);
    if (before) keepStored(sheet, fields, before);
    let values: AeValues;
    try {
      values = checkAe(
        ctx,
        subject.row,
        settings,
        env.role,
        // an update keeps what the file cannot carry (linked visit, notes)
        before ? { ...fields, visitId: before.visitId, notes: before.notes } : fields,
        before,
        subject.own ? ownOpts : elsewhereOpts,
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      for (const f of err.error.fields ?? [])
        env.reject(sheet, r, columnOfAeField(sheet, f.field.replace(/^fields\./, ''), v), f.messageKey, f.params);
      return;
    }
    if (before) {
      const changes = aeChanges(before, { ...before, ...values });
      if (Object.keys(changes).length === 0) unchanged++;
      else writes.push({ kind: 'update', before, values });
    } else {
      const n = aeNumber ?? (nextNumber.get(subject.row.id) ?? 0) + 1;
      nextNumber.set(subject.row.id, Math.max(nextNumber.get(subject.row.id) ?? 0, n));
      writes.push({ kind: 'create', subject: subject.row, aeNumber: n, values });
    }
  };

  return {
    check,
    plan: () => ({
      created: writes.filter((w) => w.kind === 'create').length,
      updated: writes.filter((w) => w.kind === 'update').length,
      unchanged,
      // built outside this function: the plan kept until commit holds the writes, not the lookups
      apply: aeApplier(writes),
    }),
  };
}

/** The serious criteria a row gives: its list column and the SDTM flags that say Y (none listed: an empty list). */
function seriousCriteriaOf(v: TypedRow['values']): SeriousCriterion[] {
  const listed = (v.seriousCriteria as SeriousCriterion[] | null) ?? [];
  let criteria: SeriousCriterion[] | null = null;
  for (const [flagField, criterion] of CRITERION_FLAGS)
    if (v[flagField] === true && !listed.includes(criterion)) (criteria ??= [...listed]).push(criterion);
  return criteria ?? listed;
}

/** An update from a sheet without some columns: a column the file does not have keeps what is stored. */
function keepStored(sheet: ReadSheet, fields: AeFields, before: AeRow): void {
  const has = (field: string) => field in sheet.columns || `${field}Code` in sheet.columns;
  if (!has('ctcaeCode') && !has('ctcaeTerm')) fields.ctcaeCode = before.ctcaeCode;
  if (!has('grade')) fields.grade = before.grade;
  if (!has('severity')) fields.severity = before.severity;
  if (!has('endDate')) fields.endDate = before.endDate;
  if (!has('ongoing')) fields.ongoing = before.ongoing;
  if (!has('serious')) fields.serious = before.serious;
  if (!has('seriousCriteria') && !CRITERION_FLAGS.some(([f]) => has(f)))
    fields.seriousCriteria = before.seriousCriteria;
  if (!has('awarenessAt')) fields.awarenessAt = before.awarenessAt;
  if (!has('expected')) fields.expected = before.expected;
  if (!has('causality')) fields.causality = before.causality;
  if (!has('action')) fields.action = before.action;
  if (!has('treatment')) fields.treatment = before.treatment;
  if (!has('outcome')) fields.outcome = before.outcome;
}

type AeWrite =
  | { kind: 'create'; subject: SubjectRow; aeNumber: number; values: AeValues }
  | { kind: 'update'; before: AeRow; values: AeValues };

/**
 * The commit of the decided rows. A function of its own so that the closure kept with the validated plan (until the
 * user commits, maybe minutes later) holds only the writes: a closure made in planAeRows would keep its whole scope
 * alive (the typed rows of the sheet, the lookups, the validation's buffers through env).
 */
function aeApplier(writes: readonly AeWrite[]): Plan['apply'] {
  return (c, reason) => {
    const now = c.now().toISOString();
    const sqlite = c.db.$client;
    // positional parameters: binding an object by name costs more than the insert on 100,000 rows
    const insert = sqlite.prepare(
      `INSERT INTO adverse_events (study_id, center_id, subject_id, ae_number, verbatim_term, ctcae_code, ctcae_term, soc,
         grade, severity, start_date, end_date, ongoing, serious, serious_criteria, awareness_at, report_due_at, expected,
         causality, related, action, treatment, outcome, visit_id, notes, assessment_signed, created_by, created_at,
         updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
    );
    const update = sqlite.prepare(
      `UPDATE adverse_events SET verbatim_term = ?, ctcae_code = ?, ctcae_term = ?, soc = ?, grade = ?, severity = ?,
         start_date = ?, end_date = ?, ongoing = ?, serious = ?, serious_criteria = ?, awareness_at = ?,
         report_due_at = ?, expected = ?, causality = ?, related = ?, action = ?, treatment = ?, outcome = ?,
         assessment_signed = ?, updated_at = ?
       WHERE id = ?`,
    );
    const bit = (b: boolean) => (b ? 1 : 0);
    /** the stored fields shared by the insert and the update, in their column order (verbatim term … outcome) */
    const fieldValues = (x: AeValues) => [
      x.verbatimTerm,
      x.ctcaeCode,
      x.ctcaeTerm,
      x.soc,
      x.grade,
      x.severity,
      x.startDate,
      x.endDate,
      bit(x.ongoing),
      bit(x.serious),
      JSON.stringify(x.seriousCriteria),
      x.awarenessAt,
      x.reportDueAt,
      x.expected === null ? null : bit(x.expected),
      x.causality,
      bit(x.related),
      x.action,
      x.treatment,
      x.outcome,
    ];
    // The rows first, then their audit events in the same order (ids known from the inserts): each pass keeps its own
    // table's index pages in the page cache instead of the two evicting each other, row after row. The transaction
    // makes the order invisible to everyone else.
    const ids: number[] = new Array<number>(writes.length);
    const updateChanges: (ReturnType<typeof aeChanges> | null)[] = new Array<null>(writes.length).fill(null);
    writes.forEach((w, i) => {
      if (w.kind === 'create') {
        const x = w.values;
        const r = insert.run(
          w.subject.studyId,
          w.subject.centerId,
          w.subject.id,
          w.aeNumber,
          ...fieldValues(x),
          x.visitId,
          x.notes,
          c.actor.id,
          now,
          now,
        );
        ids[i] = Number(r.lastInsertRowid);
      } else {
        const changes = aeChanges(w.before, { ...w.before, ...w.values });
        const signedChanged = SIGNED_AE_FIELDS.some((f) => f in changes);
        if (signedChanged && w.before.assessmentSigned) changes.assessmentSigned = [true, false];
        update.run(...fieldValues(w.values), signedChanged ? 0 : bit(w.before.assessmentSigned), now, w.before.id);
        ids[i] = w.before.id;
        updateChanges[i] = changes;
      }
    });
    // one writer for the whole batch: the chain's head read once, not per event
    const audit = auditBatch(c);
    writes.forEach((w, i) => {
      if (w.kind === 'create')
        audit({
          action: 'create',
          entity: 'adverse_event',
          entityId: ids[i]!,
          studyId: w.subject.studyId,
          subjectId: w.subject.id,
          // the number first: a spread followed by a new field makes a slow object (×8 on 100,000 events)
          changes: aeChanges(null, { aeNumber: w.aeNumber, ...w.values }),
          reason,
        });
      else
        audit({
          action: 'update',
          entity: 'adverse_event',
          entityId: w.before.id,
          studyId: w.before.studyId,
          subjectId: w.before.subjectId,
          changes: updateChanges[i]!,
          reason,
        });
    });
  };
}

/** The file's column a rule's field refers to (criteria: their list column, or the first SDTM flag column). */
function columnOfAeField(sheet: ReadSheet, field: string, values: Record<string, unknown>): string | null {
  if (field === 'seriousCriteria' && !(field in sheet.columns)) {
    // the flag that says "Y" (AESHOSP = Y on a non-serious AE), else the first flag column
    const flags = CRITERION_FLAGS.map(([f]) => f).filter((f) => f in sheet.columns);
    return flags.find((f) => values[f] === true) ?? flags[0] ?? null;
  }
  return AE_FIELDS.some((f) => f.field === field) ? field : null;
}

export const aeImport: ImportKindDef = {
  kind: 'aes',
  needsStudy: true,
  sheets: [
    { key: 'aes', names: ['不良事件列表', 'AE listing', 'AE', '不良事件', 'Adverse events'], fields: AE_FIELDS },
  ],
  planner: aePlanner,
};
