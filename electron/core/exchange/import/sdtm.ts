/**
 * Importing an SDTM-shaped workbook (issue 7): DM, DS, SV, AE and TV sheets as a sponsor's data manager sends them —
 * other centers' de-identified subjects, their visits and AEs. For a study not in the database it creates the study from
 * STUDYID, its centers from SITEID, its arms from ARMCD and its schedule from TV; a study that exists keeps its own
 * set-up, and the file must fit it.
 *
 * How SDTM maps on our model:
 * - DM: SUBJID is the screening number, and the subject number once randomised; RFICDTC consent, DMDTC screening,
 *   RFSTDTC enrollment, RFXSTDTC first dose; birth year from BRTHDTC, else from AGE at the reference date.
 * - DS: the last DISPOSITION EVENT ends the path (SCREEN FAILURE, COMPLETED, any other NCOMPLT term = withdrawn with
 *   its reason); the milestones INFORMED CONSENT OBTAINED and RANDOMIZED give those dates.
 * - TV: a visit a day VISITDY counts from the first dose (SDTM has no day 0); without VISITDY it is on demand.
 * - SV: a TV visit is the subject's scheduled visit, done on SVSTDTC; any other VISITNUM (UNSCHEDULED 3.1) is an
 *   unscheduled visit. Deviation decisions stay with the center that saw the subject.
 * - AE: the AE kind's rules (aes.ts), the investigator's assessment being that center's.
 */
import { eq } from 'drizzle-orm';
import {
  adverseEvents,
  centers,
  safetySettings,
  scheduleVersions,
  studies,
  subjectSetups,
  subjects,
  visits,
} from '../../../../db/schema';
import type { CodedItem } from '../../../../db/schema/subjects';
import type { SubjectStatus, VisitDefinition, WithdrawalReason } from '../../../api';
import { matchCode } from '../../../excel/codes';
import { diff, recordAudit } from '../../audit/audit';
import type { ServiceContext, Tx } from '../../context';
import { latestToday } from '../../dates';
import { AppError } from '../../errors';
import type { AeRow } from '../../safety/aes';
import { safetySettingsOf, type SafetySettings } from '../../safety/settings';
import { DEFAULT_SETUP, setupOf } from '../../subjects/setup';
import { anchorsOf, UNSCHEDULED_SEQ } from '../../visits/visits';
import { checkLines, currentVersion } from '../../visits/schedule';
import { planVisits } from '../../visits/plan';
import { SEX, WITHDRAWAL_REASON } from '../vocab';
import { AE_FIELDS, planAeRows, type SubjectEntry } from './aes';
import type { ImportKindDef, Plan, PlanEnv, ReadSheet, TypedRow } from './engine';
import type { FieldSpec, FieldType, FieldValue } from './fields';
import {
  numbersGiven,
  planSubjects,
  type CenterRef,
  type IncomingSubject,
  type PlannedSubject,
  type SubjectRow,
} from './subject-records';

/** what the blank template says of each variable it offers (the others are read when present) */
const NOTES: Record<string, [string, string, string | number | null]> = {
  STUDYID: ['研究编号（方案编号）', 'Study identifier (protocol number)', 'CIBI364A217'],
  USUBJID: ['受试者唯一标识 STUDYID-SITEID-SUBJID', 'Unique subject identifier', 'CIBI364A217-02-02001'],
  SUBJID: ['中心内受试者编号（筛选号）', 'Subject identifier within the site', '02001'],
  SITEID: ['中心编号', 'Site identifier', '02'],
  SEX: ['M/F', 'M/F', 'F'],
  AGE: ['年龄（岁）', 'Age in years', 56],
  ARMCD: ['组别代码；筛选失败 SCRNFAIL', 'Arm code; SCRNFAIL for a screen failure', 'A'],
  ARM: ['组别名称', 'Arm description', '试验组'],
  RFICDTC: ['知情同意日期', 'Date of informed consent', '2026-03-02'],
  DMDTC: ['筛选（收集人口学）日期', 'Date of collection (screening)', '2026-03-03'],
  RFSTDTC: ['入组（随机）日期', 'Reference start date (enrollment)', '2026-03-10'],
  RFXSTDTC: ['首次给药日期', 'Date of first exposure', '2026-03-11'],
  DSTERM: ['处置事件原文', 'Reported term of the disposition event', 'COMPLETED'],
  DSDECOD: [
    '标准术语：COMPLETED、SCREEN FAILURE、ADVERSE EVENT…',
    'NCI term: COMPLETED, SCREEN FAILURE, …',
    'COMPLETED',
  ],
  DSCAT: ['DISPOSITION EVENT 或 PROTOCOL MILESTONE', 'DISPOSITION EVENT or PROTOCOL MILESTONE', 'DISPOSITION EVENT'],
  DSSTDTC: ['事件日期', 'Start date of the event', '2026-09-30'],
  VISITNUM: ['访视号（与 TV 一致）', 'Visit number (as in TV)', 3],
  VISIT: ['访视名称', 'Visit name', 'C1D1'],
  SVSTDTC: ['访视日期', 'Visit date', '2026-03-11'],
  VISITDY: [
    '计划研究日（首次给药为第 1 天）；按需访视留空',
    'Planned study day (first dose = day 1); empty: on demand',
    1,
  ],
};
const v = (name: string, type: FieldType, more: Partial<FieldSpec> = {}): FieldSpec => {
  const note = NOTES[name];
  return {
    field: name,
    zh: name,
    en: name,
    sdtm: name,
    type,
    ...(note ? { template: { zh: note[0], en: note[1], example: note[2] } } : {}),
    ...more,
  };
};
/** variables a sponsor's domain carries that the import knows and leaves (derived, or not kept by this app) */
const known = (...names: string[]): FieldSpec[] =>
  names.map((n) => ({ field: n, zh: n, en: n, sdtm: n, type: 'text' }));
const STUDYID = v('STUDYID', 'text', { required: true, max: 60 });
const USUBJID = v('USUBJID', 'text', { required: true, max: 100 });

const DM_FIELDS: FieldSpec[] = [
  STUDYID,
  USUBJID,
  v('SUBJID', 'text', { required: true, max: 60 }),
  v('SITEID', 'text', { required: true, max: 20 }),
  v('SEX', 'code', { required: true, codes: SEX }),
  v('AGE', 'integer'),
  v('BRTHDTC', 'partialDate'),
  v('ARMCD', 'text', { max: 20 }),
  v('ARM', 'text', { max: 200 }),
  v('RFICDTC', 'date'),
  v('DMDTC', 'date'),
  v('RFSTDTC', 'date'),
  v('RFXSTDTC', 'date'),
  ...known('DOMAIN', 'RFENDTC', 'RFXENDTC', 'RFPENDTC', 'DTHDTC', 'DTHFL', 'AGEU', 'RACE', 'ETHNIC', 'ACTARMCD'),
  ...known('ACTARM', 'ARMNRS', 'ACTARMUD', 'COUNTRY', 'DMDY', 'INVID', 'INVNAM'),
];
const DS_FIELDS: FieldSpec[] = [
  STUDYID,
  USUBJID,
  v('DSTERM', 'text', { required: true, max: 200 }),
  v('DSDECOD', 'text', { required: true, max: 200 }),
  v('DSCAT', 'text', { max: 100 }),
  v('DSSTDTC', 'partialDate'),
  ...known('DOMAIN', 'DSSEQ', 'DSSPID', 'DSSCAT', 'VISITNUM', 'VISIT', 'DSDTC', 'DSSTDY', 'EPOCH'),
];
const SV_FIELDS: FieldSpec[] = [
  STUDYID,
  USUBJID,
  v('VISITNUM', 'text', { required: true, max: 20 }),
  v('VISIT', 'text', { max: 100 }),
  v('SVSTDTC', 'date', { required: true }),
  v('SVUPDES', 'text', { max: 500 }),
  ...known('DOMAIN', 'VISITDY', 'SVENDTC', 'EPOCH', 'SVSTDY', 'SVENDY'),
];
const TV_FIELDS: FieldSpec[] = [
  STUDYID,
  v('VISITNUM', 'text', { required: true, max: 20 }),
  v('VISIT', 'text', { required: true, max: 100 }),
  v('VISITDY', 'integer'),
  v('ARMCD', 'text', { max: 20 }),
  // our own SDTM export names the visit here and puts its code in VISIT
  v('VISITNAM', 'text', { max: 100 }),
  ...known('DOMAIN', 'ARM', 'TVSTRL', 'TVENRL', 'TVUPDES'),
];
/** the AE kind's fields under their SDTM names; AEBODSYS and the MedDRA codes are left (AESOC and the dictionary say) */
const AE_SDTM_FIELDS: FieldSpec[] = [
  STUDYID,
  ...AE_FIELDS.filter((f) => f.sdtm).map((f) => ({ ...f, synonyms: [] })),
  ...AE_FIELDS.filter((f) => !f.sdtm && f.field === 'seriousCriteria'),
  ...known('DOMAIN', 'AESPID', 'AELLT', 'AELLTCD', 'AEPTCD', 'AEHLT', 'AEHLTCD', 'AEHLGT', 'AEHLGTCD', 'AEBODSYS'),
  ...known('AEBDSYCD', 'AESOCCD', 'AESCAN', 'AESOD', 'AEDTC', 'AESTDY', 'AEENDY', 'AEENRF', 'EPOCH', 'AECAT'),
];

/** ARMCD values that say "no arm" (SDTM's own, and the pilot study's spelling) */
const NO_ARM = new Set(['scrnfail', 'notassgn', 'nottrt', 'notasgn', 'unplan']);
const lower = (s: string) => s.trim().toLowerCase();
/** a typed cell's value as text, null when blank (FieldValue: text, number, boolean or a list) */
const str = (x: FieldValue | undefined): string | null =>
  x === null || x === undefined || x === '' ? null : Array.isArray(x) ? x.join(';') : String(x);
/** VISITNUM as a key: 3.50 and 3.5 are the same visit */
const numKey = (x: unknown): string => {
  const n = Number(String(x).trim());
  return Number.isFinite(n) ? String(n) : String(x).trim();
};
const VISIT_CODE = /^[A-Za-z0-9_.-]{1,20}$/;

interface Sheets {
  dm?: ReadSheet;
  ds?: ReadSheet;
  sv?: ReadSheet;
  ae?: ReadSheet;
  tv?: ReadSheet;
}

function planSdtm(env: PlanEnv, read: ReadonlyMap<string, ReadSheet>): Plan {
  const { ctx } = env;
  const sh: Sheets = Object.fromEntries(read);
  const sqlite = ctx.db.$client;
  const all = (s: ReadSheet | undefined): readonly TypedRow[] => s?.rows ?? [];

  // ---- the study: one STUDYID across the workbook ----
  const protocol = str(all(sh.dm)[0]?.values.STUDYID);
  if (protocol === null) {
    if (sh.dm) env.reject(sh.dm, sh.dm.headerRow + 1, null, 'exchange.noSubjects');
    return empty(env.studyId);
  }
  let mixed = false;
  for (const s of [sh.dm, sh.ds, sh.sv, sh.ae, sh.tv])
    for (const r of all(s))
      if (lower(String(r.values.STUDYID ?? protocol)) !== lower(protocol)) {
        env.reject(s!, r.row, 'STUDYID', 'exchange.mixedStudies', { value: protocol });
        mixed = true;
      }
  if (mixed) return empty(env.studyId);
  const stored = sqlite
    .prepare('SELECT id, protocol_number FROM studies WHERE lower(protocol_number) = lower(?)')
    .get(protocol) as { id: number; protocol_number: string } | undefined;
  if (env.studyId !== null && stored?.id !== env.studyId) {
    const chosen = sqlite.prepare('SELECT protocol_number FROM studies WHERE id = ?').get(env.studyId) as
      { protocol_number: string } | undefined;
    env.reject(sh.dm!, all(sh.dm)[0]!.row, 'STUDYID', 'exchange.studyMismatch', {
      value: protocol,
      study: chosen?.protocol_number ?? '',
    });
    return empty(env.studyId);
  }
  const study = { id: stored?.id ?? 0 };
  const studyId = () => study.id;

  // ---- centers, arms, safety scale ----
  const centerRefs = new Map<string, CenterRef>();
  if (stored)
    for (const c of sqlite.prepare('SELECT id, code, is_own FROM centers WHERE study_id = ?').all(stored.id) as {
      id: number;
      code: string;
      is_own: number;
    }[])
      centerRefs.set(lower(c.code), { id: c.id, code: c.code, isOwn: c.is_own === 1 });
  const newCenters: CenterRef[] = [];
  for (const r of all(sh.dm)) {
    const code = String(r.values.SITEID).trim();
    if (!centerRefs.has(lower(code))) {
      const ref = { id: 0, code, isOwn: false };
      centerRefs.set(lower(code), ref);
      newCenters.push(ref);
    }
  }
  const storedSetup = stored ? setupOf(ctx.db, stored.id) : null;
  const armOf = (r: TypedRow): string | null => {
    const code = str(r.values.ARMCD);
    return code === null || NO_ARM.has(lower(code)) ? null : code.trim();
  };
  const fileArms = new Map<string, string>();
  for (const r of all(sh.dm)) {
    const arm = armOf(r);
    if (arm && !fileArms.has(arm)) fileArms.set(arm, str(r.values.ARM) ?? arm);
  }
  // a study without arms yet takes the file's; one with arms keeps them (an unknown ARMCD is refused)
  const addArms: CodedItem[] =
    storedSetup && storedSetup.arms.length > 0 ? [] : [...fileArms].map(([code, label]) => ({ code, label }));
  const arms = [...(storedSetup?.arms ?? []).map((a) => a.code), ...addArms.map((a) => a.code)];
  const settings: SafetySettings = stored
    ? safetySettingsOf(ctx.db, stored.id)
    : { ...safetySettingsOf(ctx.db, -1), severityScale: sh.ae && 'grade' in sh.ae.columns ? 'ctcae' : 'aesev' };

  // ---- the schedule: the study's current version, or one made from TV ----
  const storedVersion = stored ? currentVersion(ctx.db, stored.id) : null;
  const tvRows = all(sh.tv);
  /** VISITNUM → the TV row's visit text (to find the line) */
  const tvVisit = new Map(tvRows.map((r) => [numKey(r.values.VISITNUM), r]));
  let lines: VisitDefinition[] = storedVersion?.visits ?? [];
  const version = { id: storedVersion?.id ?? 0 };
  let newLines: VisitDefinition[] | null = null;
  if (!storedVersion && tvRows.length > 0) {
    const byNum = new Map<string, VisitDefinition>();
    for (const r of tvRows) {
      const key = numKey(r.values.VISITNUM);
      const arm = str(r.values.ARMCD);
      const known = byNum.get(key);
      if (known) {
        if (arm && !known.arms.includes(arm)) known.arms.push(arm);
        continue;
      }
      const visit = String(r.values.VISIT).trim();
      const day = r.values.VISITDY as number | null;
      byNum.set(key, {
        code: VISIT_CODE.test(visit) ? visit : `V${key}`,
        name: (str(r.values.VISITNAM) ?? visit).slice(0, 100),
        kind: day === null ? 'on_demand' : 'once',
        anchor: 'first_dose',
        anchorCode: null,
        dayOffset: day === null ? null : day > 0 ? day - 1 : day,
        windowBefore: 0,
        windowAfter: 0,
        cycleLength: null,
        cycleCount: null,
        cycleDays: [],
        interval: null,
        count: null,
        arms: arm ? [arm] : [],
      });
    }
    try {
      newLines = checkLines([...byNum.values()], arms);
      lines = newLines;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const f = err.error.fields?.[0];
      const index = Number(/^visits\.(\d+)\./.exec(f?.field ?? '')?.[1] ?? 0);
      env.reject(sh.tv!, tvRows[index]?.row ?? 0, null, f?.messageKey ?? err.error.messageKey, f?.params);
      return empty(env.studyId);
    }
  }
  if (lines.length === 0 && all(sh.sv).length > 0) {
    env.reject(sh.sv!, 0, null, 'exchange.scheduleMissing');
    return empty(env.studyId);
  }
  /** the schedule line an SV row is: through TV's VISITNUM, else by the visit's code or name */
  const lineOf = (r: TypedRow): VisitDefinition | undefined => {
    const key = numKey(r.values.VISITNUM);
    const tv = tvVisit.get(key);
    const byCode = (c: string | null) => (c === null ? undefined : lines.find((l) => lower(l.code) === lower(c)));
    const byName = (n: string | null) => (n === null ? undefined : lines.find((l) => lower(l.name) === lower(n)));
    return (
      (tv && (byCode(str(tv.values.VISIT)) ?? byName(str(tv.values.VISITNAM)) ?? byName(str(tv.values.VISIT)))) ??
      byCode(str(r.values.VISIT)) ??
      byName(str(r.values.VISIT)) ??
      byCode(`V${key}`)
    );
  };

  // ---- subjects: DM with its DS events ----
  const dsBySubject = new Map<string, TypedRow[]>();
  for (const r of all(sh.ds)) {
    const key = lower(String(r.values.USUBJID));
    dsBySubject.set(key, [...(dsBySubject.get(key) ?? []), r]);
  }
  const firstVisit = new Map<string, string>();
  for (const r of all(sh.sv)) {
    const key = lower(String(r.values.USUBJID));
    const date = String(r.values.SVSTDTC);
    if (!firstVisit.has(key) || date < firstVisit.get(key)!) firstVisit.set(key, date);
  }
  const incoming: IncomingSubject[] = [];
  /** USUBJID and SUBJID → screening number (lower case) */
  const subjectKey = new Map<string, string>();
  const dsRejected = new Set<string>();
  for (const r of all(sh.dm)) {
    const usubjid = lower(String(r.values.USUBJID));
    const subjid = String(r.values.SUBJID).trim();
    subjectKey.set(usubjid, lower(subjid));
    subjectKey.set(lower(subjid), lower(subjid));
    const arm = armOf(r);
    const events = dsBySubject.get(usubjid) ?? [];
    const milestone = (decod: string) =>
      events.find((e) => lower(String(e.values.DSDECOD)) === decod && String(e.values.DSSTDTC ?? '').length === 10);
    const dispositions = events
      .filter((e) => lower(String(e.values.DSCAT ?? 'disposition event')) === 'disposition event')
      .sort((a, b) => String(a.values.DSSTDTC ?? '').localeCompare(String(b.values.DSSTDTC ?? '')));
    const end = dispositions.at(-1);
    const endDate = end ? str(end.values.DSSTDTC) : null;
    if (end && (endDate === null || endDate.length !== 10)) {
      // the end of a subject's path needs its day
      env.reject(sh.ds!, end.row, 'DSSTDTC', endDate ? 'excel.partialDate' : 'exchange.dispositionDateMissing', {
        value: endDate ?? '',
      });
      dsRejected.add(usubjid);
      continue;
    }
    const decod = end ? lower(String(end.values.DSDECOD)) : null;
    const term = end ? String(end.values.DSTERM).trim() : null;
    const withdrawal = (): WithdrawalReason => {
      const m = matchCode({ kind: 'text', text: String(end!.values.DSDECOD) }, WITHDRAWAL_REASON, env.lang);
      return m.ok ? (m.code as WithdrawalReason) : 'other';
    };
    const status: SubjectStatus =
      decod === null
        ? str(r.values.RFXSTDTC)
          ? 'on_treatment'
          : arm || milestone('randomized')
            ? 'enrolled'
            : 'screening'
        : decod === 'screen failure' || decod === 'screening failure'
          ? 'screen_failed'
          : decod === 'completed'
            ? 'completed'
            : 'withdrawn';
    const consent = str(r.values.RFICDTC) ?? str(milestone('informed consent obtained')?.values.DSSTDTC);
    const randomised = str(milestone('randomized')?.values.DSSTDTC) ?? (arm ? str(r.values.RFSTDTC) : null);
    const reference = str(r.values.RFSTDTC) ?? str(r.values.DMDTC) ?? consent ?? firstVisit.get(usubjid) ?? null;
    const birth = str(r.values.BRTHDTC);
    const age = r.values.AGE as number | null;
    const reason = status === 'withdrawn' ? withdrawal() : null;
    const dsAt = end ? { sheet: sh.ds!, row: end.row, field: 'DSSTDTC' } : undefined;
    incoming.push({
      centerCode: String(r.values.SITEID),
      screeningNumber: subjid,
      subjectNumber: status === 'screen_failed' || (!arm && !randomised) ? null : subjid,
      initials: '',
      sex: r.values.SEX as IncomingSubject['sex'],
      birthYear: birth
        ? Number(birth.slice(0, 4))
        : age !== null && reference
          ? Number(reference.slice(0, 4)) - age
          : null,
      arm,
      status,
      firstConsentDate: consent,
      // without DMDTC: the first visit, unless the file shows a later one (randomised before any visit it holds)
      screeningDate:
        str(r.values.DMDTC) ??
        [firstVisit.get(usubjid), randomised].filter((d): d is string => !!d).sort()[0] ??
        consent,
      screenFailureDate: status === 'screen_failed' ? endDate : null,
      screenFailureDetail: status === 'screen_failed' ? term : null,
      enrollmentDate: status === 'screen_failed' ? null : randomised,
      treatmentStartDate:
        status === 'screen_failed' ? null : (str(r.values.RFXSTDTC) ?? (arm ? str(r.values.RFSTDTC) : null)),
      followUpDate: null,
      completionDate: status === 'completed' ? endDate : null,
      withdrawalDate: status === 'withdrawn' ? endDate : null,
      withdrawalReason: reason,
      withdrawalDetail: reason === 'other' ? term : null,
      at: {
        sheet: sh.dm!,
        row: r.row,
        fields: {
          centerCode: 'SITEID',
          screeningNumber: 'SUBJID',
          subjectNumber: 'SUBJID',
          sex: 'SEX',
          arm: 'ARMCD',
          firstConsentDate: 'RFICDTC',
          screeningDate: 'DMDTC',
          enrollmentDate: 'RFSTDTC',
          treatmentStartDate: 'RFXSTDTC',
          completionDate: dsAt,
          withdrawalDate: dsAt,
          screenFailureDate: dsAt,
          withdrawalReason: dsAt && { ...dsAt, field: 'DSDECOD' },
        },
      },
    });
  }
  for (const r of all(sh.ds))
    if (!subjectKey.has(lower(String(r.values.USUBJID))))
      env.reject(sh.ds!, r.row, 'USUBJID', 'exchange.unknownSubject', { value: String(r.values.USUBJID) });

  const storedSubjects: SubjectRow[] = stored
    ? ctx.db.select().from(subjects).where(eq(subjects.studyId, stored.id)).all()
    : [];
  const subjectPlan = planSubjects(env, incoming, {
    studyId,
    centers: centerRefs,
    arms,
    stored: storedSubjects,
    given: stored ? numbersGiven(ctx.db, stored.id) : new Map(),
  });
  const plannedOf = (usubjid: string): PlannedSubject | undefined => {
    const key = subjectKey.get(lower(usubjid));
    return key === undefined ? undefined : subjectPlan.subjects.get(key);
  };
  const subjectProblem = (sheet: ReadSheet, r: TypedRow): boolean => {
    const usubjid = String(r.values.USUBJID);
    if (plannedOf(usubjid)) return false;
    const known = subjectKey.has(lower(usubjid));
    env.reject(sheet, r.row, 'USUBJID', known ? 'exchange.subjectNotImported' : 'exchange.unknownSubject', {
      value: usubjid,
    });
    return true;
  };

  // ---- visits: SV ----
  const today = latestToday(ctx);
  const visitWrites: VisitWrite[] = [];
  let visitsUnchanged = 0;
  const storedVisits = new Map<number, (typeof visits.$inferSelect)[]>();
  if (stored)
    for (const row of ctx.db.select().from(visits).where(eq(visits.studyId, stored.id)).all())
      storedVisits.set(row.subjectId, [...(storedVisits.get(row.subjectId) ?? []), row]);
  const plans = new Map<PlannedSubject, Map<string, ReturnType<typeof planVisits>['visits'][number]>>();
  const planOf = (p: PlannedSubject) => {
    let plan = plans.get(p);
    if (!plan) {
      const planned = planVisits(lines, anchorsOf(p.row), p.row.arm).visits;
      plans.set(p, (plan = new Map(planned.map((x) => [x.code, x]))));
    }
    return plan;
  };
  const seenVisit = new Set<string>();
  const unscheduledCount = new Map<PlannedSubject, number>();
  for (const r of all(sh.sv)) {
    if (subjectProblem(sh.sv!, r)) continue;
    const subject = plannedOf(String(r.values.USUBJID))!;
    const actualDate = String(r.values.SVSTDTC);
    if (actualDate > today) {
      env.reject(sh.sv!, r.row, 'SVSTDTC', 'visits.actualDateFuture');
      continue;
    }
    if (subject.row.firstConsentDate && actualDate < subject.row.firstConsentDate) {
      env.reject(sh.sv!, r.row, 'SVSTDTC', 'visits.actualBeforeConsent', { date: subject.row.firstConsentDate });
      continue;
    }
    const line = lineOf(r);
    const unscheduled = !line || line.kind === 'on_demand';
    const code = line?.code ?? 'UNS';
    const name = line?.name ?? (str(r.values.VISIT) ?? `UNSCHEDULED ${numKey(r.values.VISITNUM)}`).slice(0, 100);
    const key = `${subject.row.id}:${unscheduled ? `${code}@${actualDate}@${numKey(r.values.VISITNUM)}` : code}`;
    if (seenVisit.has(key)) {
      env.reject(sh.sv!, r.row, 'VISITNUM', 'exchange.duplicateVisit', { value: numKey(r.values.VISITNUM) });
      continue;
    }
    seenVisit.add(key);
    const before =
      (storedVisits.get(subject.row.id) ?? []).find((x) =>
        unscheduled
          ? x.unscheduled && x.code === code && x.actualDate === actualDate && x.name === name
          : !x.unscheduled && x.code === code,
      ) ?? null;
    if (before && before.status === 'done' && before.actualDate === actualDate) {
      visitsUnchanged++;
      continue;
    }
    const p = unscheduled ? undefined : planOf(subject).get(code);
    const n =
      unscheduledCount.get(subject) ?? (storedVisits.get(subject.row.id) ?? []).filter((x) => x.unscheduled).length;
    if (unscheduled) unscheduledCount.set(subject, n + 1);
    visitWrites.push({
      subject,
      before,
      code,
      name,
      unscheduled,
      onDemand: line?.kind === 'on_demand',
      seq: unscheduled ? UNSCHEDULED_SEQ + n : (p?.seq ?? lines.indexOf(line) * 10_000),
      cycle: p?.cycle ?? null,
      cycleDay: p?.cycleDay ?? null,
      targetDate: p?.targetDate ?? before?.targetDate ?? null,
      windowStart: p?.windowStart ?? before?.windowStart ?? null,
      windowEnd: p?.windowEnd ?? before?.windowEnd ?? null,
      actualDate,
      reason: unscheduled ? str(r.values.SVUPDES) : null,
    });
  }

  // ---- AEs: the AE kind's rules, against the subjects above ----
  const aeSubjects = new Map<string, SubjectEntry>();
  for (const [key, screening] of subjectKey) {
    const p = subjectPlan.subjects.get(screening);
    if (p) aeSubjects.set(key, { row: p.row, own: false });
  }
  const storedAes = new Map<string, AeRow>();
  if (stored)
    for (const a of ctx.db.select().from(adverseEvents).where(eq(adverseEvents.studyId, stored.id)).all())
      storedAes.set(`${a.subjectId}:${a.aeNumber}`, a);
  const aePlan = sh.ae
    ? planAeRows(env, sh.ae, {
        settings,
        subjectOf: (text) => {
          const key = subjectKey.get(lower(text));
          return key === undefined ? undefined : aeSubjects.get(key);
        },
        existing: storedAes,
      })
    : null;

  const visitCreates = visitWrites.filter((w) => !w.before).length;
  return {
    studyId: stored?.id ?? null,
    created: subjectPlan.created + visitCreates + (aePlan?.created ?? 0),
    updated: subjectPlan.updated + (visitWrites.length - visitCreates) + (aePlan?.updated ?? 0),
    unchanged: subjectPlan.unchanged + visitsUnchanged + (aePlan?.unchanged ?? 0),
    apply(c, reason, tx) {
      const at = c.now().toISOString();
      if (!stored) {
        study.id = createStudy(c, tx, protocol, env.sponsor, at, reason);
        this.studyId = study.id;
      }
      for (const ref of newCenters) ref.id = createCenter(c, tx, study.id, ref.code, at, reason);
      if (addArms.length > 0 || !storedSetup) writeArms(c, tx, study.id, addArms, at, reason);
      if (!stored) writeSafetyScale(c, tx, study.id, settings, at, reason);
      if (newLines) version.id = createVersion(c, tx, study.id, newLines, today, at, reason);
      subjectPlan.write(c, tx, reason);
      writeVisits(c, tx, visitWrites, version.id, at, reason);
      subjectPlan.syncVisits(c, tx, reason);
      aePlan?.apply(c, reason, tx);
    },
  };
}

const empty = (studyId: number | null): Plan => ({
  studyId,
  created: 0,
  updated: 0,
  unchanged: 0,
  apply: () => undefined,
});

// ---------- writes (inside the import's transaction, each with its audit event) ----------

function createStudy(c: ServiceContext, tx: Tx, protocol: string, sponsor: string | null, at: string, reason: string) {
  const row = tx
    .insert(studies)
    .values({
      protocolNumber: protocol,
      title: protocol,
      shortTitle: protocol,
      // what SDTM does not carry is left for the study's page: "—" until someone fills it in
      sponsor: sponsor?.trim() || '—',
      phase: 'other',
      indication: '—',
      therapeuticArea: 'other',
      sitePi: '—',
      status: 'enrolling',
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  recordAudit(c, {
    action: 'create',
    entity: 'study',
    entityId: row.id,
    studyId: row.id,
    changes: diff(null, row, ['protocolNumber', 'title', 'sponsor', 'phase', 'therapeuticArea', 'status']),
    reason,
  });
  return row.id;
}

function createCenter(c: ServiceContext, tx: Tx, studyId: number, code: string, at: string, reason: string) {
  const row = tx
    .insert(centers)
    .values({ studyId, code, hospitalName: code, pi: '—', status: 'active', createdAt: at, updatedAt: at })
    .returning()
    .get();
  recordAudit(c, {
    action: 'create',
    entity: 'center',
    entityId: row.id,
    studyId,
    changes: diff(null, row, ['code', 'hospitalName', 'isOwn', 'status']),
    reason,
  });
  return row.id;
}

function writeArms(c: ServiceContext, tx: Tx, studyId: number, arms: CodedItem[], at: string, reason: string) {
  const before = tx.select().from(subjectSetups).where(eq(subjectSetups.studyId, studyId)).get();
  if (before) tx.update(subjectSetups).set({ arms, updatedAt: at }).where(eq(subjectSetups.studyId, studyId)).run();
  else
    tx.insert(subjectSetups)
      .values({ studyId, ...DEFAULT_SETUP, arms, updatedAt: at })
      .run();
  recordAudit(c, {
    action: before ? 'update' : 'create',
    entity: 'subject_setup',
    entityId: studyId,
    studyId,
    changes: { arms: [before ? JSON.stringify(before.arms) : null, JSON.stringify(arms)] },
    reason,
  });
}

function writeSafetyScale(
  c: ServiceContext,
  tx: Tx,
  studyId: number,
  settings: SafetySettings,
  at: string,
  reason: string,
) {
  tx.insert(safetySettings)
    .values({ studyId, ...settings, updatedAt: at })
    .run();
  recordAudit(c, {
    action: 'setting',
    entity: 'safety_settings',
    entityId: studyId,
    studyId,
    changes: { severityScale: [null, settings.severityScale], saeReportHours: [null, settings.saeReportHours] },
    reason,
  });
}

function createVersion(
  c: ServiceContext,
  tx: Tx,
  studyId: number,
  lines: VisitDefinition[],
  today: string,
  at: string,
  reason: string,
) {
  const row = tx
    .insert(scheduleVersions)
    .values({
      studyId,
      version: 'SDTM TV',
      effectiveDate: today,
      notes: null,
      visits: lines,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  recordAudit(c, {
    action: 'create',
    entity: 'schedule_version',
    entityId: row.id,
    studyId,
    changes: diff(null, row, ['version', 'effectiveDate', 'visits']),
    reason,
  });
  return row.id;
}

interface VisitWrite {
  subject: PlannedSubject;
  before: typeof visits.$inferSelect | null;
  code: string;
  name: string;
  unscheduled: boolean;
  onDemand: boolean;
  seq: number;
  cycle: number | null;
  cycleDay: number | null;
  targetDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  actualDate: string;
  reason: string | null;
}

/** Done visits, as the other center recorded them: out of window is flagged, its deviation decision is theirs. */
function writeVisits(c: ServiceContext, tx: Tx, writes: VisitWrite[], versionId: number, at: string, reason: string) {
  for (const w of writes) {
    const s = w.subject.row;
    const outOfWindow =
      w.windowStart !== null && w.windowEnd !== null && (w.actualDate < w.windowStart || w.actualDate > w.windowEnd);
    const recorded = {
      status: 'done' as const,
      actualDate: w.actualDate,
      calendarDate: w.actualDate,
      outOfWindow,
      enteredBy: c.actor.id,
      enteredAt: at,
      updatedAt: at,
    };
    if (w.before) {
      const after = tx.update(visits).set(recorded).where(eq(visits.id, w.before.id)).returning().get();
      recordAudit(c, {
        action: 'record',
        entity: 'visit',
        entityId: after.id,
        studyId: after.studyId,
        subjectId: after.subjectId,
        changes: { code: [after.code, after.code], ...diff(w.before, after, ['status', 'actualDate', 'outOfWindow']) },
        reason,
      });
      continue;
    }
    const row = tx
      .insert(visits)
      .values({
        studyId: s.studyId,
        centerId: s.centerId,
        subjectId: s.id,
        versionId: w.unscheduled && !w.onDemand ? null : versionId || (s.scheduleVersionId ?? null),
        code: w.code,
        name: w.name,
        seq: w.seq,
        cycle: w.cycle,
        cycleDay: w.cycleDay,
        unscheduled: w.unscheduled,
        targetDate: w.targetDate,
        windowStart: w.windowStart,
        windowEnd: w.windowEnd,
        reason: w.reason,
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
      changes: diff(null, row, ['code', 'name', 'unscheduled', 'status', 'actualDate', 'targetDate', 'outOfWindow']),
      reason,
    });
  }
}

export const sdtmImport: ImportKindDef = {
  kind: 'sdtm',
  needsStudy: false,
  sheets: [
    { key: 'dm', names: ['DM'], fields: DM_FIELDS },
    { key: 'ds', names: ['DS'], fields: DS_FIELDS, optional: true },
    { key: 'sv', names: ['SV'], fields: SV_FIELDS, optional: true },
    { key: 'ae', names: ['AE'], fields: AE_SDTM_FIELDS, optional: true },
    { key: 'tv', names: ['TV'], fields: TV_FIELDS, optional: true },
  ],
  planner: (env) => ({ plan: (sheets) => planSdtm(env, sheets) }),
};
