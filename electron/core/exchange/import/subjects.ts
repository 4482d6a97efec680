/**
 * Importing subjects (issue 7): other centers' de-identified subjects from a sponsor's list or another center's
 * screening / enrollment log, in Chinese or English, or our own enrollment log read back. One row per subject, named by
 * its center and screening number; the status comes from its column or, without one, from the dates the row has.
 * The rules are subject-records.ts's (our own center's subjects are refused: they come through consent in the app).
 */
import { eq } from 'drizzle-orm';
import { centers, subjects } from '../../../../db/schema';
import type { SubjectStatus, WithdrawalReason } from '../../../api';
import { AppError } from '../../errors';
import { setupOf } from '../../subjects/setup';
import { SEX, SUBJECT_STATUS, WITHDRAWAL_REASON } from '../vocab';
import type { ImportKindDef, Plan, PlanEnv, ReadSheet, TypedRow } from './engine';
import { coded, codeOrLabel, textOf, type FieldSpec, type FieldValue } from './fields';
import {
  numbersGiven,
  planSubjects,
  type CenterRef,
  type ImportedField,
  type IncomingSubject,
} from './subject-records';

/** A coded field and its code column, as our export writes them (the code column wins when both are there). */

export const SUBJECT_FIELDS: FieldSpec[] = [
  {
    field: 'centerCode',
    zh: '中心编号',
    en: 'Center',
    synonyms: ['中心', '中心号', 'Site', 'Site ID', 'Center code'],
    sdtm: 'SITEID',
    required: true,
    type: 'text',
    max: 20,
    template: { zh: '中心编号（须为本研究已有的中心）', en: 'Center code (a center of the study)', example: '02' },
  },
  {
    field: 'screeningNumber',
    zh: '筛选号',
    en: 'Screening no.',
    synonyms: ['筛选编号', 'Screening number', 'Screening ID'],
    sdtm: 'SUBJID',
    required: true,
    type: 'text',
    max: 60,
    template: { zh: '筛选号', en: 'Screening number', example: 'S02001' },
  },
  {
    field: 'subjectNumber',
    zh: '受试者编号',
    en: 'Subject no.',
    synonyms: ['随机号', '入组号', 'Subject number', 'Randomization no.', 'Randomisation number'],
    type: 'text',
    max: 60,
    template: { zh: '入组（随机）后的受试者编号', en: 'Subject number given at enrollment', example: '02-001' },
  },
  {
    field: 'initials',
    zh: '姓名缩写',
    en: 'Initials',
    synonyms: ['缩写'],
    type: 'text',
    max: 10,
  },
  ...coded({
    field: 'sex',
    zh: '性别',
    en: 'Sex',
    sdtm: 'SEX',
    required: true,
    type: 'code',
    codes: SEX,
    template: { zh: '男/女', en: 'Male/Female', example: 'F' },
  }),
  {
    field: 'birthYear',
    zh: '出生年份',
    en: 'Birth year',
    synonyms: ['出生年'],
    type: 'integer',
    template: { zh: '四位年份（不收集完整出生日期）', en: 'Four-digit year (no full birth date)', example: 1968 },
  },
  {
    field: 'firstConsentDate',
    zh: '知情同意日期',
    en: 'Consent date',
    synonyms: ['签署知情同意日期', 'Informed consent date'],
    sdtm: 'RFICDTC',
    type: 'date',
    template: { zh: 'YYYY-MM-DD', en: 'YYYY-MM-DD', example: '2026-03-02' },
  },
  {
    field: 'screeningDate',
    zh: '筛选日期',
    en: 'Screening date',
    type: 'date',
    template: { zh: 'YYYY-MM-DD', en: 'YYYY-MM-DD', example: '2026-03-03' },
  },
  ...coded({
    field: 'eligible',
    zh: '是否符合入组',
    en: 'Eligible',
    synonyms: ['筛选结果', '是否合格'],
    type: 'yesNo',
    template: { zh: '是/否；否 = 筛选失败', en: 'Yes/No; No = screen failure', example: 'Y' },
  }),
  {
    field: 'screenFailureReason',
    zh: '筛选失败原因',
    en: 'Screen-failure reason',
    type: 'text',
    max: 500,
    template: { zh: '筛选失败时填写', en: 'If the screening failed', example: null },
  },
  {
    field: 'enrollmentDate',
    zh: '入组日期',
    en: 'Enrollment date',
    synonyms: ['随机日期', 'Randomization date', 'Randomisation date'],
    type: 'date',
    template: { zh: 'YYYY-MM-DD', en: 'YYYY-MM-DD', example: '2026-03-10' },
  },
  ...coded({
    field: 'arm',
    zh: '组别',
    en: 'Arm',
    synonyms: ['分组', '治疗组'],
    sdtm: 'ARMCD',
    type: 'text',
    max: 100,
    template: { zh: '组别代码或名称（本研究设置中的组别）', en: 'Arm code or label (of the study)', example: null },
  }),
  {
    field: 'treatmentStartDate',
    zh: '首次给药日期',
    en: 'First dose date',
    synonyms: ['首次用药日期', 'First dose'],
    sdtm: 'RFXSTDTC',
    type: 'date',
    template: { zh: 'YYYY-MM-DD', en: 'YYYY-MM-DD', example: null },
  },
  ...coded({
    field: 'status',
    zh: '状态',
    en: 'Status',
    synonyms: ['受试者状态', 'Subject status'],
    type: 'code',
    codes: SUBJECT_STATUS,
    template: {
      zh: '可留空：按日期推断（筛选中/入组/治疗中/完成/退出…）',
      en: 'May be empty: taken from the dates (screening/enrolled/on treatment/completed/withdrawn…)',
      example: 'enrolled',
    },
  }),
  {
    field: 'endDate',
    zh: '结束日期',
    en: 'End date',
    synonyms: ['完成日期', '退出日期', 'Completion date', 'Discontinuation date'],
    type: 'date',
    template: { zh: '完成或退出研究的日期', en: 'Date of completion or discontinuation', example: null },
  },
  ...coded({
    field: 'withdrawalReason',
    zh: '退出原因',
    en: 'Discontinuation reason',
    synonyms: ['Withdrawal reason', '终止原因'],
    type: 'code',
    codes: WITHDRAWAL_REASON,
    template: { zh: '退出时填写', en: 'If discontinued', example: null },
  }),
  // columns of our own logs the import knows and leaves
  { field: 'consentVersion', zh: '知情同意书版本', en: 'Consent version', type: 'text' },
];

/** Which columns a field reads (a field with none keeps a stored subject's value). */
const COLUMNS: Partial<Record<ImportedField, string[]>> = {
  subjectNumber: ['subjectNumber'],
  initials: ['initials'],
  birthYear: ['birthYear'],
  arm: ['arm', 'armCode'],
  firstConsentDate: ['firstConsentDate'],
  screeningDate: ['screeningDate'],
  enrollmentDate: ['enrollmentDate'],
  treatmentStartDate: ['treatmentStartDate'],
  screenFailureDetail: ['screenFailureReason'],
  withdrawalReason: ['withdrawalReason', 'withdrawalReasonCode'],
};

/** the status a row's dates say, when the file has no status column */
function statusOf(v: Record<string, FieldValue>): SubjectStatus {
  if (codeOrLabel(v, 'withdrawalReason')) return 'withdrawn';
  if (codeOrLabel(v, 'eligible') === false) return 'screen_failed';
  if (v.endDate) return 'completed';
  if (v.treatmentStartDate) return 'on_treatment';
  if (v.enrollmentDate) return 'enrolled';
  return 'screening';
}

function planSubjectRows(env: PlanEnv, sheets: ReadonlyMap<string, ReadSheet>): Plan {
  const { ctx } = env;
  const studyId = env.studyId!;
  const sheet = sheets.get('subjects')!;
  if (!ctx.db.$client.prepare('SELECT 1 FROM studies WHERE id = ?').get(studyId))
    throw new AppError('not_found', 'errors.notFound', { params: { entity: 'study' } });
  const centerRefs = new Map<string, CenterRef>(
    ctx.db
      .select()
      .from(centers)
      .where(eq(centers.studyId, studyId))
      .all()
      .map((c) => [c.code.trim().toLowerCase(), { id: c.id, code: c.code, isOwn: c.isOwn }]),
  );
  const arms = setupOf(ctx.db, studyId).arms;
  /** an arm by its code or its label */
  const armOf = (x: string | null): string | null => {
    if (x === null) return null;
    const k = x.trim().toLowerCase();
    return arms.find((a) => a.code.toLowerCase() === k || a.label.toLowerCase() === k)?.code ?? x.trim();
  };
  const has = (field: string) => field in sheet.columns;
  const keep = new Set<ImportedField>([
    // no column of this kind carries them: a stored subject keeps them
    'followUpDate',
    'withdrawalDetail',
    ...(Object.entries(COLUMNS) as [ImportedField, string[]][]).filter(([, cols]) => !cols.some(has)).map(([f]) => f),
  ]);
  // without a status column a new subject's status comes from the row's dates; a stored one keeps its status
  const rows: IncomingSubject[] = sheet.rows.map((r: TypedRow) => {
    const v = r.values;
    const status = (codeOrLabel(v, 'status') as SubjectStatus | null) ?? statusOf(v);
    const end = textOf(v.endDate);
    const screening = textOf(v.screeningDate);
    return {
      centerCode: String(v.centerCode),
      screeningNumber: String(v.screeningNumber),
      subjectNumber: textOf(v.subjectNumber),
      initials: textOf(v.initials) ?? '',
      sex: codeOrLabel(v, 'sex') as IncomingSubject['sex'],
      birthYear: (v.birthYear as number | null) ?? null,
      arm: armOf(textOf(codeOrLabel(v, 'arm'))),
      status,
      firstConsentDate: textOf(v.firstConsentDate),
      screeningDate: screening,
      screenFailureDate: status === 'screen_failed' ? (end ?? screening) : null,
      screenFailureDetail: status === 'screen_failed' ? textOf(v.screenFailureReason) : null,
      enrollmentDate: textOf(v.enrollmentDate),
      treatmentStartDate: textOf(v.treatmentStartDate),
      followUpDate: null,
      completionDate: status === 'completed' ? end : null,
      withdrawalDate: status === 'withdrawn' ? end : null,
      withdrawalReason:
        status === 'withdrawn' ? ((codeOrLabel(v, 'withdrawalReason') as WithdrawalReason | null) ?? null) : null,
      withdrawalDetail: null,
      keep: has('status') || has('statusCode') ? keep : new Set([...keep, ...STATUS_KEPT]),
      at: {
        sheet,
        row: r.row,
        fields: {
          centerCode: 'centerCode',
          screeningNumber: 'screeningNumber',
          subjectNumber: 'subjectNumber',
          sex: 'sex',
          birthYear: 'birthYear',
          arm: 'arm',
          status: 'status',
          firstConsentDate: 'firstConsentDate',
          screeningDate: 'screeningDate',
          screenFailureDate: 'endDate',
          enrollmentDate: 'enrollmentDate',
          treatmentStartDate: 'treatmentStartDate',
          completionDate: 'endDate',
          withdrawalDate: 'endDate',
          withdrawalReason: 'withdrawalReason',
        },
      },
    };
  });
  const plan = planSubjects(env, rows, {
    studyId: () => studyId,
    centers: centerRefs,
    arms: arms.map((a) => a.code),
    stored: ctx.db.select().from(subjects).where(eq(subjects.studyId, studyId)).all(),
    given: numbersGiven(ctx.db, studyId),
  });
  return {
    studyId,
    created: plan.created,
    updated: plan.updated,
    unchanged: plan.unchanged,
    apply(c, reason, tx) {
      plan.write(c, tx, reason);
      plan.syncVisits(c, tx, reason);
    },
  };
}

/** a list without a status column says nothing of the path's later dates: a stored subject keeps them */
const STATUS_KEPT: readonly ImportedField[] = [
  'status',
  'screenFailureDate',
  'screenFailureDetail',
  'followUpDate',
  'completionDate',
  'withdrawalDate',
  'withdrawalReason',
  'withdrawalDetail',
];

export const subjectImport: ImportKindDef = {
  kind: 'subjects',
  needsStudy: true,
  sheets: [
    {
      key: 'subjects',
      names: [
        '受试者',
        'Subjects',
        '入选表',
        'Enrollment log',
        '筛选表',
        'Screening log',
        '受试者列表',
        'Subject list',
      ],
      fields: SUBJECT_FIELDS,
    },
  ],
  planner: (env) => ({ plan: (sheets) => planSubjectRows(env, sheets) }),
};
