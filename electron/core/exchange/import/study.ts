/**
 * Importing a study set-up (issue 7): the study (one row), its centers and its visit schedule, as a sponsor or the
 * lead site sends them. A study is found by its protocol number: a new one is created (status planning, as on the
 * screen), a known one updated field by field. Centers are found by code. The schedule's lines are checked with the
 * schedule editor's rules (visits/schedule.ts checkLines); lines equal to the current version change nothing, other
 * lines become a new version (a version in use is never edited: that is an amendment), or replace a version no subject
 * follows yet. Every field is validated with the screens' own schemas (api/contract.ts), so the messages are theirs.
 */
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { centers, scheduleVersions, studies } from '../../../../db/schema';
import { centerFields, studyFields, visitDefinition, type VisitDefinition } from '../../../api';
import { diff, recordAudit } from '../../audit/audit';
import { latestToday } from '../../dates';
import { AppError } from '../../errors';
import { setupOf } from '../../subjects/setup';
import { checkLines, currentVersion } from '../../visits/schedule';
import { STUDY_PHASE, THERAPEUTIC_AREA, VISIT_ANCHOR, VISIT_KIND } from '../vocab';
import type { ImportKindDef, Plan, PlanEnv, ReadSheet, TypedRow } from './engine';
import { coded, codeOrLabel, textOf, type FieldSpec } from './fields';

type CenterRow = typeof centers.$inferSelect;

const field = (
  name: string,
  zh: string,
  en: string,
  type: FieldSpec['type'],
  more: Partial<FieldSpec> & { note?: [string, string]; example?: string | number | null } = {},
): FieldSpec => {
  const { note, example, ...rest } = more;
  return {
    field: name,
    zh,
    en,
    type,
    ...rest,
    ...(note ? { template: { zh: note[0], en: note[1], example: example ?? null } } : {}),
  };
};

const STUDY_FIELDS: FieldSpec[] = [
  field('protocolNumber', '方案编号', 'Protocol number', 'text', {
    synonyms: ['方案号', 'Protocol no.', 'Protocol'],
    sdtm: 'STUDYID',
    required: true,
    note: ['申办方的方案编号（唯一）', 'The sponsor’s protocol number (unique)'],
    example: 'HR-ITP-III-01',
  }),
  field('title', '研究题目', 'Title', 'text', {
    synonyms: ['研究名称', '方案名称', 'Study title'],
    required: true,
    note: ['方案全称', 'Full title of the protocol'],
    example: '评估海曲泊帕治疗成人慢性 ITP 的多中心随机双盲 III 期研究',
  }),
  field('shortTitle', '简称', 'Short title', 'text', {
    synonyms: ['研究简称'],
    note: ['可留空：取题目前 100 字', 'May be empty: the first 100 characters of the title'],
    example: 'ITP-海曲泊帕 III期',
  }),
  field('sponsor', '申办方', 'Sponsor', 'text', {
    required: true,
    note: ['申办方名称', 'Sponsor'],
    example: '恒瑞医药',
  }),
  field('cro', 'CRO', 'CRO', 'text', { note: ['可留空', 'May be empty'], example: null }),
  ...coded(
    field('phase', '研究分期', 'Phase', 'code', {
      synonyms: ['分期'],
      codes: STUDY_PHASE,
      required: true,
      note: ['I/II/III/IV 期、BE、其他', 'Phase I/II/III/IV, BE, other'],
      example: 'III',
    }),
  ),
  field('indication', '适应症', 'Indication', 'text', {
    required: true,
    note: ['适应症', 'Indication'],
    example: '慢性原发免疫性血小板减少症',
  }),
  ...coded(
    field('therapeuticArea', '疾病领域', 'Therapeutic area', 'code', {
      codes: THERAPEUTIC_AREA,
      required: true,
      note: ['疾病领域', 'Therapeutic area'],
      example: 'itp_bleeding',
    }),
  ),
  field('registrationNumber', '登记号', 'Registration number', 'text', {
    synonyms: ['注册号', 'CTR', 'NCT'],
    note: ['药物临床试验登记号（CTR…/NCT…）', 'Registry number (CTR…/NCT…)'],
    example: 'CTR20241234',
  }),
  field('sitePi', '本中心主要研究者', 'Site PI', 'text', {
    synonyms: ['主要研究者', 'PI'],
    required: true,
    note: ['本中心主要研究者', 'Principal investigator at our site'],
    example: '张磊',
  }),
  field('ethicsApprovalDate', '伦理批准日期', 'Ethics approval date', 'date', {
    note: ['YYYY-MM-DD', 'YYYY-MM-DD'],
    example: '2024-03-05',
  }),
  field('protocolVersion', '方案版本', 'Protocol version', 'text', { note: ['如 V2.0', 'e.g. V2.0'], example: 'V2.0' }),
  field('protocolVersionDate', '方案版本日期', 'Protocol version date', 'date', {
    note: ['YYYY-MM-DD', 'YYYY-MM-DD'],
    example: '2024-02-20',
  }),
  field('enrollmentTarget', '计划入组例数', 'Enrollment target', 'integer', {
    synonyms: ['目标例数'],
    note: ['本中心计划入组例数', 'Planned enrollment at our site'],
    example: 40,
  }),
];

const CENTER_FIELDS: FieldSpec[] = [
  field('code', '中心编号', 'Center', 'text', {
    synonyms: ['中心号', 'Site', 'Site ID', 'SITEID', 'Center code'],
    required: true,
    note: ['字母、数字或 -', 'Letters, digits or -'],
    example: '01',
  }),
  field('hospitalName', '中心名称', 'Hospital', 'text', {
    synonyms: ['医院', '医院名称', 'Site name'],
    required: true,
    note: ['医院名称', 'Hospital name'],
    example: '中国医学科学院血液病医院',
  }),
  field('city', '城市', 'City', 'text', { note: ['可留空', 'May be empty'], example: '天津' }),
  field('pi', '主要研究者', 'Principal investigator', 'text', {
    synonyms: ['PI'],
    required: true,
    note: ['该中心的主要研究者', 'The center’s principal investigator'],
    example: '张磊',
  }),
  ...coded(
    field('isLead', '组长单位', 'Lead site', 'yesNo', {
      note: ['是/否；一个研究只有一个组长单位', 'Yes/No; one lead site per study'],
      example: 'Y',
    }),
  ),
  ...coded(
    field('isOwn', '本院', 'Our site', 'yesNo', {
      synonyms: ['本中心'],
      note: ['是/否；本系统所在的中心', 'Yes/No; the center this installation belongs to'],
      example: 'Y',
    }),
  ),
  field('enrollmentTarget', '计划入组例数', 'Enrollment target', 'integer', {
    note: ['可留空', 'May be empty'],
    example: 20,
  }),
  field('hardCap', '入组上限', 'Hard cap', 'integer', { note: ['可留空', 'May be empty'], example: 24 }),
  field('activationDate', '启动日期', 'Activation date', 'date', {
    note: ['YYYY-MM-DD；有启动日期即为已启动', 'YYYY-MM-DD; a date makes the center active'],
    example: '2024-04-01',
  }),
];

const SCHEDULE_FIELDS: FieldSpec[] = [
  field('version', '版本', 'Version', 'text', {
    synonyms: ['计划版本', '方案版本'],
    note: ['访视计划版本（首行填写即可）', 'Schedule version (first row is enough)'],
    example: 'V1.0',
  }),
  field('effectiveDate', '生效日期', 'Effective date', 'date', {
    note: ['YYYY-MM-DD（首行填写即可）', 'YYYY-MM-DD (first row is enough)'],
    example: '2024-03-05',
  }),
  field('code', '访视代码', 'Visit code', 'text', {
    synonyms: ['访视编号', 'Visit'],
    required: true,
    note: ['如 SCR、C（周期）、FU（随访）', 'e.g. SCR, C (cycles), FU (follow-up)'],
    example: 'SCR',
  }),
  field('name', '访视名称', 'Visit name', 'text', { required: true, note: ['访视名称', 'Name'], example: '筛选' }),
  ...coded(
    field('kind', '类型', 'Kind', 'code', {
      codes: VISIT_KIND,
      required: true,
      note: ['单次/周期/重复/按需', 'Once/cycles/every/on demand'],
      example: 'once',
    }),
  ),
  ...coded(
    field('anchor', '锚点', 'Anchor', 'code', {
      codes: VISIT_ANCHOR,
      required: true,
      note: ['日期从何算起：知情同意/入组/首次给药/访视后', 'Counted from: consent/enrollment/first dose/a visit'],
      example: 'first_dose',
    }),
  ),
  field('anchorVisit', '锚点访视', 'Anchor visit', 'text', {
    note: ['锚点为“访视后”时填写', 'When the anchor is a visit'],
    example: null,
  }),
  field('dayOffset', '相对天数', 'Day offset', 'integer', {
    note: ['相对锚点的天数（负数为之前）', 'Days after the anchor (negative: before)'],
    example: -14,
  }),
  field('windowBefore', '窗口前（天）', 'Window before (days)', 'integer', {
    note: ['可提前的天数', 'Days allowed before'],
    example: 0,
  }),
  field('windowAfter', '窗口后（天）', 'Window after (days)', 'integer', {
    note: ['可推后的天数', 'Days allowed after'],
    example: 14,
  }),
  field('cycleLength', '周期长度（天）', 'Cycle length (days)', 'integer', { note: ['周期访视', 'Cycles'] }),
  field('cycleCount', '周期数', 'Cycles', 'integer', { note: ['周期访视', 'Cycles'] }),
  field('cycleDays', '周期内访视日', 'Cycle days', 'text', {
    note: ['如 1,8,15', 'e.g. 1,8,15'],
    example: null,
  }),
  field('interval', '间隔（天）', 'Interval (days)', 'integer', { note: ['重复访视', 'Repeated visits'] }),
  field('count', '次数', 'Count', 'integer', { note: ['重复访视', 'Repeated visits'] }),
  field('arms', '适用组别', 'Arms', 'text', {
    note: ['组别代码，多个用 ; 分隔；留空为全部', 'Arm codes separated by ;, empty = every arm'],
    example: null,
  }),
];

/** zod issues of a row as rejections of its cells (the schema's field names are the sheet's field names) */
function rejectIssues(env: PlanEnv, sheet: ReadSheet, row: number, error: z.ZodError, fieldOf = (f: string) => f) {
  for (const issue of error.issues) {
    const f = String(issue.path[0] ?? '');
    env.reject(
      sheet,
      row,
      f ? fieldOf(f) : null,
      issue.message.startsWith('validation.') ? issue.message : 'validation.invalid',
    );
  }
}

const STUDY_KEYS = [
  'protocolNumber',
  'title',
  'shortTitle',
  'sponsor',
  'cro',
  'phase',
  'indication',
  'therapeuticArea',
  'registrationNumber',
  'sitePi',
  'ethicsApprovalDate',
  'protocolVersion',
  'protocolVersionDate',
  'enrollmentTarget',
] as const;
const CENTER_KEYS = [
  'code',
  'hospitalName',
  'city',
  'pi',
  'isLead',
  'isOwn',
  'enrollmentTarget',
  'hardCap',
  'activationDate',
] as const;

function planStudy(env: PlanEnv, read: ReadonlyMap<string, ReadSheet>): Plan {
  const { ctx } = env;
  const sqlite = ctx.db.$client;
  const studySheet = read.get('study')!;
  // one study row; when it is refused, the centers and the schedule are still checked (every bad cell is reported)
  const [first] = studySheet.rows;
  const none = { studyId: env.studyId, created: 0, updated: 0, unchanged: 0, apply: () => undefined };
  if (studySheet.dataRows !== 1)
    env.reject(studySheet, studySheet.headerRow + 1 + Math.min(studySheet.dataRows, 1), null, 'exchange.oneStudyRow');
  const v = first?.values ?? {};
  const parsed = first
    ? studyFields.safeParse({
        protocolNumber: textOf(v.protocolNumber),
        title: textOf(v.title),
        shortTitle: textOf(v.shortTitle) ?? textOf(v.title)?.slice(0, 100) ?? null,
        sponsor: textOf(v.sponsor),
        cro: textOf(v.cro),
        phase: codeOrLabel(v, 'phase'),
        indication: textOf(v.indication),
        therapeuticArea: codeOrLabel(v, 'therapeuticArea'),
        registrationNumber: textOf(v.registrationNumber),
        sitePi: textOf(v.sitePi),
        ethicsApprovalDate: textOf(v.ethicsApprovalDate),
        protocolVersion: textOf(v.protocolVersion),
        protocolVersionDate: textOf(v.protocolVersionDate),
        enrollmentTarget: v.enrollmentTarget ?? null,
      })
    : null;
  if (parsed && !parsed.success) rejectIssues(env, studySheet, first!.row, parsed.error);
  const fields = parsed?.success ? parsed.data : null;
  const protocol = (fields?.protocolNumber ?? textOf(v.protocolNumber) ?? '').trim().toLowerCase();
  const stored = ctx.db
    .select()
    .from(studies)
    .all()
    .find((s) => s.protocolNumber.trim().toLowerCase() === protocol);
  if (fields && env.studyId !== null && stored?.id !== env.studyId) {
    const chosen = sqlite.prepare('SELECT protocol_number FROM studies WHERE id = ?').get(env.studyId) as
      { protocol_number: string } | undefined;
    env.reject(studySheet, first!.row, 'protocolNumber', 'exchange.studyMismatch', {
      value: fields.protocolNumber,
      study: chosen?.protocol_number ?? '',
    });
  }
  if (stored && (stored.status === 'closed' || stored.status === 'terminated'))
    throw new AppError('illegal_transition', 'centers.studyClosed', { params: { status: stored.status } });
  const study = { id: stored?.id ?? 0 };
  const studyChanges = stored && fields ? diff(stored, { ...stored, ...fields }, STUDY_KEYS) : null;
  let created = stored ? 0 : 1;
  let updated = studyChanges && Object.keys(studyChanges).length > 0 ? 1 : 0;
  let unchanged = stored && updated === 0 ? 1 : 0;

  // ---- centers ----
  const centerSheet = read.get('centers');
  const storedCenters = stored ? ctx.db.select().from(centers).where(eq(centers.studyId, stored.id)).all() : [];
  const byCode = new Map(storedCenters.map((c) => [c.code.toLowerCase(), c]));
  type CenterWrite = { before: CenterRow | null; fields: z.output<typeof centerFields> };
  const centerWrites: CenterWrite[] = [];
  const finalCenters = new Map(storedCenters.map((c) => [c.code.toLowerCase(), { isLead: c.isLead, isOwn: c.isOwn }]));
  const seen = new Set<string>();
  for (const r of centerSheet?.rows ?? []) {
    const c = r.values;
    const p = centerFields.safeParse({
      code: textOf(c.code),
      hospitalName: textOf(c.hospitalName),
      city: textOf(c.city),
      pi: textOf(c.pi),
      isLead: codeOrLabel(c, 'isLead') ?? false,
      isOwn: codeOrLabel(c, 'isOwn') ?? false,
      enrollmentTarget: c.enrollmentTarget ?? null,
      hardCap: c.hardCap ?? null,
      activationDate: textOf(c.activationDate),
    });
    if (!p.success) {
      rejectIssues(env, centerSheet!, r.row, p.error);
      continue;
    }
    const f = p.data;
    const key = f.code.toLowerCase();
    if (seen.has(key)) {
      env.reject(centerSheet!, r.row, 'code', 'centers.codeTaken', { code: f.code });
      continue;
    }
    seen.add(key);
    if (f.hardCap !== null && f.enrollmentTarget !== null && f.hardCap < f.enrollmentTarget) {
      env.reject(centerSheet!, r.row, 'hardCap', 'centers.hardCapBelowTarget', { target: f.enrollmentTarget });
      continue;
    }
    const before = byCode.get(key) ?? null;
    // which center is ours decides whose personal data the installation may hold: set on the screen only
    if (before && before.isOwn !== f.isOwn) {
      env.reject(centerSheet!, r.row, 'isOwn', 'exchange.centerOwnChange', { code: f.code });
      continue;
    }
    finalCenters.set(key, { isLead: f.isLead, isOwn: f.isOwn });
    const changed = before ? Object.keys(diff(before, { ...before, ...f }, CENTER_KEYS)).length > 0 : true;
    if (!changed) unchanged++;
    else {
      centerWrites.push({ before, fields: f });
      if (before) updated++;
      else created++;
    }
  }
  // one lead and one own center per study, once the file's centers are in
  for (const flag of ['isLead', 'isOwn'] as const) {
    const holders = [...finalCenters].filter(([, c]) => c[flag]).map(([code]) => code);
    if (holders.length > 1)
      env.reject(centerSheet!, 0, null, flag === 'isLead' ? 'centers.secondLead' : 'centers.secondOwn', {
        code: holders.join(', '),
      });
  }

  // ---- schedule ----
  const scheduleSheet = read.get('schedule');
  let schedule: { lines: VisitDefinition[]; version: string; effectiveDate: string; replace: number | null } | null =
    null;
  const rows: TypedRow[] = scheduleSheet?.rows ?? [];
  if (rows.length > 0) {
    const lines: VisitDefinition[] = [];
    let bad = false;
    for (const r of rows) {
      const s = r.values;
      const p = visitDefinition.safeParse({
        code: textOf(s.code),
        name: textOf(s.name),
        kind: codeOrLabel(s, 'kind'),
        anchor: codeOrLabel(s, 'anchor'),
        anchorCode: textOf(s.anchorVisit),
        dayOffset: s.dayOffset ?? null,
        windowBefore: s.windowBefore ?? 0,
        windowAfter: s.windowAfter ?? 0,
        cycleLength: s.cycleLength ?? null,
        cycleCount: s.cycleCount ?? null,
        cycleDays: (textOf(s.cycleDays) ?? '')
          .split(/[,，;；、\s]+/)
          .filter(Boolean)
          .map(Number),
        interval: s.interval ?? null,
        count: s.count ?? null,
        arms: (textOf(s.arms) ?? '').split(/[,，;；、\s]+/).filter(Boolean),
      });
      if (!p.success) {
        rejectIssues(env, scheduleSheet!, r.row, p.error);
        bad = true;
      } else lines.push(p.data);
    }
    if (!bad) {
      try {
        const checked = checkLines(lines, stored ? setupOf(ctx.db, stored.id).arms.map((a) => a.code) : []);
        const current = stored ? currentVersion(ctx.db, stored.id) : null;
        const today = latestToday(ctx);
        const version = rows.map((r) => textOf(r.values.version)).find((x) => x !== null) ?? `导入 ${today}`;
        const effectiveDate = rows.map((r) => textOf(r.values.effectiveDate)).find((x) => x !== null) ?? today;
        if (current && JSON.stringify(current.visits) === JSON.stringify(checked)) unchanged++;
        else {
          const taken = stored
            ? (sqlite
                .prepare('SELECT id FROM schedule_versions WHERE study_id = ? AND lower(version) = lower(?)')
                .get(stored.id, version) as { id: number } | undefined)
            : undefined;
          const inUse =
            taken !== undefined &&
            sqlite
              .prepare(
                'SELECT 1 FROM subjects WHERE schedule_version_id = ? UNION ALL SELECT 1 FROM visits WHERE version_id = ? LIMIT 1',
              )
              .get(taken.id, taken.id) !== undefined;
          if (taken && inUse) env.reject(scheduleSheet!, rows[0]!.row, 'version', 'visits.versionInUse');
          else {
            schedule = { lines: checked, version, effectiveDate, replace: taken?.id ?? null };
            if (taken) updated++;
            else created++;
          }
        }
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const f = err.error.fields?.[0];
        const m = /^visits\.(\d+)\.(\w+)/.exec(f?.field ?? '');
        env.reject(
          scheduleSheet!,
          rows[Number(m?.[1] ?? 0)]?.row ?? 0,
          m?.[2] ?? null,
          f?.messageKey ?? err.error.messageKey,
          f?.params,
        );
      }
    }
  }

  if (!fields) return none;
  const studyValues = fields;
  return {
    studyId: stored?.id ?? null,
    created,
    updated,
    unchanged,
    apply(c, reason, tx) {
      const at = c.now().toISOString();
      if (!stored) {
        const row = tx
          .insert(studies)
          .values({ ...studyValues, status: 'planning', createdAt: at, updatedAt: at })
          .returning()
          .get();
        study.id = row.id;
        this.studyId = row.id;
        recordAudit(c, {
          action: 'create',
          entity: 'study',
          entityId: row.id,
          studyId: row.id,
          changes: diff(null, row, [...STUDY_KEYS, 'status']),
          reason,
        });
      } else if (studyChanges && Object.keys(studyChanges).length > 0) {
        tx.update(studies)
          .set({ ...fields, updatedAt: at })
          .where(eq(studies.id, stored.id))
          .run();
        recordAudit(c, {
          action: 'update',
          entity: 'study',
          entityId: stored.id,
          studyId: stored.id,
          changes: studyChanges,
          reason,
        });
      }
      for (const w of centerWrites) {
        const status = w.before?.status ?? (w.fields.activationDate ? 'active' : 'pending');
        const row = w.before
          ? tx
              .update(centers)
              .set({ ...w.fields, updatedAt: at })
              .where(eq(centers.id, w.before.id))
              .returning()
              .get()
          : tx
              .insert(centers)
              .values({ ...w.fields, studyId: study.id, status, createdAt: at, updatedAt: at })
              .returning()
              .get();
        recordAudit(c, {
          action: w.before ? 'update' : 'create',
          entity: 'center',
          entityId: row.id,
          studyId: study.id,
          changes: diff(w.before, row, [...CENTER_KEYS, 'status']),
          reason,
        });
      }
      if (schedule) {
        const values = {
          version: schedule.version,
          effectiveDate: schedule.effectiveDate,
          notes: null,
          visits: schedule.lines,
          updatedAt: at,
        };
        const row =
          schedule.replace !== null
            ? tx.update(scheduleVersions).set(values).where(eq(scheduleVersions.id, schedule.replace)).returning().get()
            : tx
                .insert(scheduleVersions)
                .values({ ...values, studyId: study.id, createdAt: at })
                .returning()
                .get();
        recordAudit(c, {
          action: schedule.replace !== null ? 'update' : 'create',
          entity: 'schedule_version',
          entityId: row.id,
          studyId: study.id,
          changes: diff(null, row, ['version', 'effectiveDate', 'visits']),
          reason,
        });
      }
    },
  };
}

export const studyImport: ImportKindDef = {
  kind: 'study',
  needsStudy: false,
  sheets: [
    { key: 'study', names: ['研究', 'Study', '研究信息', 'Study details'], fields: STUDY_FIELDS },
    { key: 'centers', names: ['中心', 'Centers', '参研中心', 'Sites'], fields: CENTER_FIELDS, optional: true },
    {
      key: 'schedule',
      names: ['访视计划', 'Schedule', 'Visit schedule', 'TV'],
      fields: SCHEDULE_FIELDS,
      optional: true,
    },
  ],
  planner: (env) => ({ plan: (sheets) => planStudy(env, sheets) }),
};
