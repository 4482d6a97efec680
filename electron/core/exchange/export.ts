/**
 * Exports for sponsors (issue 7): the sponsor's logs or SDTM domains of one study, always de-identified, from one
 * consistent snapshot of the database, recorded as a delivery to a recipient so that the next export to them can carry
 * only what changed since. Writing the workbook reads; recording the delivery is one transaction with its audit event.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type Database from 'better-sqlite3';
import { exportDeliveries, exportSettings } from '../../../db/schema';
import { openSnapshot } from '../../../db/sqlite';
import type { ParsedInputOf } from '../../api';
import {
  sdtmDomains,
  sponsorSheets,
  type DeliveryView,
  type ExportResult,
  type ExportSettingsView,
  type SdtmDomain,
  type SponsorSheet,
} from '../../api/exchange';
import type { CodeList, Lang } from '../../excel/codes';
import { readMeSheet, writeWorkbook, writeWorkbookToBuffer, type Sheet, type WorkbookOptions } from '../../excel/write';
import { diff, recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { fieldError, notFound } from '../errors';
import { eq } from 'drizzle-orm';
import { changedRecords, changeLog, type ChangeLogRow } from './changes';
import { toSheet, type SheetLayout } from './layout';
import { sdtmSheet } from './sdtm';
import { sponsorSheet, type SheetScope } from './sponsor';

type ExportInput = ParsedInputOf<'exchange.export'>;

// ---------- settings ----------

export function exportSettingsOf(db: AppDb, studyId: number): ExportSettingsView {
  const row = db.select().from(exportSettings).where(eq(exportSettings.studyId, studyId)).get();
  return { studyId, initials: row?.initials ?? false };
}

export function updateExportSettings(ctx: ServiceContext, input: ParsedInputOf<'exchange.updateSettings'>): void {
  studyOf(ctx.db.$client, input.studyId);
  const before = exportSettingsOf(ctx.db, input.studyId);
  const changes = diff(before, { ...before, initials: input.initials }, ['initials']);
  if (Object.keys(changes).length === 0) return;
  ctx.db.transaction(
    (tx) => {
      const row = { studyId: input.studyId, initials: input.initials, updatedAt: ctx.now().toISOString() };
      tx.insert(exportSettings).values(row).onConflictDoUpdate({ target: exportSettings.studyId, set: row }).run();
      recordAudit(ctx, {
        action: 'setting',
        entity: 'export_settings',
        entityId: input.studyId,
        studyId: input.studyId,
        changes,
        reason: input.reason,
      });
    },
    { behavior: 'immediate' },
  );
}

// ---------- deliveries ----------

export function listDeliveries(db: AppDb, studyId: number): DeliveryView[] {
  return (
    db.$client
      .prepare(
        `SELECT d.id, d.kind, d.recipient, d.file_name, d.since_seq, d.rows, d.exported_at, u.display_name
         FROM export_deliveries d LEFT JOIN users u ON u.id = d.exported_by
         WHERE d.study_id = ? ORDER BY d.id DESC LIMIT 200`,
      )
      .all(studyId) as {
      id: number;
      kind: DeliveryView['kind'];
      recipient: string;
      file_name: string;
      since_seq: number | null;
      rows: string;
      exported_at: string;
      display_name: string | null;
    }[]
  ).map((d) => ({
    id: d.id,
    kind: d.kind,
    recipient: d.recipient,
    fileName: d.file_name,
    changesOnly: d.since_seq !== null,
    rows: JSON.parse(d.rows) as Record<string, number>,
    exportedBy: d.display_name,
    exportedAt: d.exported_at,
  }));
}

// ---------- the export ----------

interface StudyRow {
  id: number;
  protocol_number: string;
  title: string;
  sponsor: string;
  arms: string | null;
  screen_failure_reasons: string | null;
}
function studyOf(db: Database.Database, studyId: number): StudyRow {
  const row = db
    .prepare(
      `SELECT st.id, st.protocol_number, st.title, st.sponsor, ss.arms, ss.screen_failure_reasons
       FROM studies st LEFT JOIN subject_setups ss ON ss.study_id = st.id WHERE st.id = ?`,
    )
    .get(studyId) as StudyRow | undefined;
  if (!row) throw notFound('study');
  return row;
}

/** A study's own coded list (arms, screen-failure reasons): one label, shown in both languages. */
function studyList(name: string, json: string | null): CodeList {
  const items = json ? (JSON.parse(json) as { code: string; label: string }[]) : [];
  return { name, entries: items.map((i) => ({ code: i.code, zh: i.label, en: i.label })) };
}

/** Which sheets the kind allows; anything else is refused on the `sheets` field. */
function checkInput(db: Database.Database, input: ExportInput): void {
  const allowed: readonly string[] = input.kind === 'sponsor' ? sponsorSheets : sdtmDomains;
  const wrong = input.sheets.filter((s) => !allowed.includes(s));
  if (wrong.length > 0)
    throw fieldError('validation', 'sheets', 'exchange.sheetsNotOfKind', { sheets: wrong.join(', ') });
  if (input.from && input.to && input.from > input.to)
    throw fieldError('validation', 'to', 'exchange.dateRangeReversed');
  if (input.centerIds.length > 0) {
    const found = db
      .prepare(
        `SELECT count(*) AS n FROM centers WHERE study_id = ? AND id IN (${input.centerIds.map(() => '?').join(',')})`,
      )
      .get(input.studyId, ...input.centerIds) as { n: number };
    if (found.n !== new Set(input.centerIds).size)
      throw fieldError('validation', 'centerIds', 'exchange.unknownCenter');
  }
}

/** The delivery a changes-only export continues: the latest of this study and kind to this recipient. */
function previousDelivery(db: Database.Database, input: ExportInput): { auditSeq: number; at: string } | null {
  const row = db
    .prepare(
      `SELECT audit_seq, exported_at FROM export_deliveries
       WHERE study_id = ? AND lower(recipient) = lower(?) AND kind = ? ORDER BY audit_seq DESC, id DESC LIMIT 1`,
    )
    .get(input.studyId, input.recipient, input.kind) as { audit_seq: number; exported_at: string } | undefined;
  return row ? { auditSeq: row.audit_seq, at: row.exported_at } : null;
}

const LABELS = {
  'zh-CN': {
    readMe: '说明',
    title: (kind: string) => (kind === 'sponsor' ? '临床试验数据导出（申办方）' : '临床试验数据导出（SDTM 格式）'),
    study: '研究（方案编号）',
    sponsor: '申办方',
    centers: '中心',
    allCenters: '全部中心',
    exportedAt: '导出时间',
    exportedBy: '导出人',
    recipient: '接收方',
    period: '日期范围',
    anyDate: '不限',
    changes: '变更范围',
    full: '完整导出',
    since: (at: string) => `自上次交付（${at}）以来的变更`,
    rows: '各表行数',
    version: 'TrialDesk 版本',
    privacy: '去标识化',
    privacyText: '不含姓名、病历号、身份证号、电话及出生日期；受试者以编号标识。',
    initials: '含姓名缩写（方案允许）',
    changeLog: '变更记录',
    record: '记录',
    field: '字段',
    old: '原值',
    new: '新值',
    when: '变更时间',
  },
  en: {
    readMe: 'Read me',
    title: (kind: string) =>
      kind === 'sponsor' ? 'Clinical trial data export (sponsor)' : 'Clinical trial data export (SDTM)',
    study: 'Study (protocol)',
    sponsor: 'Sponsor',
    centers: 'Centers',
    allCenters: 'All centers',
    exportedAt: 'Exported at',
    exportedBy: 'Exported by',
    recipient: 'Recipient',
    period: 'Date range',
    anyDate: 'Any',
    changes: 'Scope',
    full: 'Full export',
    since: (at: string) => `Changes since the last delivery (${at})`,
    rows: 'Rows per sheet',
    version: 'TrialDesk version',
    privacy: 'De-identified',
    privacyText: 'No names, record numbers, ID numbers, phone numbers or birth dates; subjects by their numbers.',
    initials: 'With initials (the protocol allows them)',
    changeLog: 'Change log',
    record: 'Record',
    field: 'Field',
    old: 'Old value',
    new: 'New value',
    when: 'Changed at',
  },
} as const;

/** A UTC instant as the workstation's wall clock, 'YYYY-MM-DD HH:mm'. */
const wallClockText = (iso: string, offset: number): string =>
  new Date(Date.parse(iso) + offset * 60_000).toISOString().slice(0, 16).replace('T', ' ');

function changeLogSheet(rows: Iterable<ChangeLogRow>, lang: Lang): Sheet {
  const l = LABELS[lang];
  const layout: SheetLayout<ChangeLogRow> = {
    key: 'changes',
    zh: LABELS['zh-CN'].changeLog,
    en: LABELS.en.changeLog,
    columns: [
      { key: 'record', zh: l.record, en: l.record, kind: 'text', width: 24, value: (r) => r.record },
      { key: 'field', zh: l.field, en: l.field, kind: 'text', width: 20, value: (r) => r.field },
      { key: 'old', zh: l.old, en: l.old, kind: 'text', width: 24, value: (r) => r.old },
      { key: 'new', zh: l.new, en: l.new, kind: 'text', width: 24, value: (r) => r.new },
      { key: 'at', zh: l.when, en: l.when, kind: 'datetime', value: (r) => r.at },
    ],
  };
  return toSheet({ layout, rows }, lang);
}

export interface ExportMeta {
  /** who, as the Read me sheet names them: "王芳 (wang.fang)"; the command line names the system user */
  exportedBy: string;
  version: string;
}
/** Where the workbook goes: bytes for the screens (a download; the desktop's save dialog), or a file (the CLI). */
type ExportTarget = { kind: 'bytes' } | { kind: 'file'; path: string };
type Delivered = Omit<ExportResult, 'base64'> & { bytes: Buffer | null };

/** The workbook as bytes for a download, and its delivery recorded. */
export async function exportStudy(ctx: ServiceContext, input: ExportInput, meta: ExportMeta): Promise<ExportResult> {
  const { bytes, ...result } = await deliver(ctx, input, meta, { kind: 'bytes' });
  return { ...result, base64: bytes!.toString('base64') };
}

/** The workbook written to a file (through `<file>.part`), and its delivery recorded. */
export async function exportStudyToFile(
  ctx: ServiceContext,
  input: ExportInput,
  meta: ExportMeta,
  file: string,
): Promise<Omit<ExportResult, 'base64'>> {
  const { bytes: _none, ...result } = await deliver(ctx, input, meta, { kind: 'file', path: file });
  return result;
}

const sha256OfFile = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });

async function deliver(
  ctx: ServiceContext,
  input: ExportInput,
  meta: ExportMeta,
  target: ExportTarget,
): Promise<Delivered> {
  const main = ctx.db.$client;
  const study = studyOf(main, input.studyId);
  checkInput(main, input);
  const previous = input.changesOnly ? previousDelivery(main, input) : null;
  if (input.changesOnly && !previous)
    throw fieldError('validation', 'changesOnly', 'exchange.noPreviousDelivery', { recipient: input.recipient });
  const lang: Lang = input.lang;
  const l = LABELS[lang];
  const now = ctx.now();
  const initials = input.kind === 'sponsor' && exportSettingsOf(ctx.db, input.studyId).initials;

  const snapshot = openSnapshot(main);
  let bytes: Buffer | null;
  let rows: Record<string, number>;
  let auditSeq: number;
  try {
    auditSeq = (snapshot.prepare('SELECT coalesce(max(seq), 0) AS seq FROM audit_events').get() as { seq: number }).seq;
    const centers = snapshot
      .prepare(`SELECT id, code FROM centers WHERE study_id = ? ORDER BY code`)
      .all(input.studyId) as { id: number; code: string }[];
    const scope: SheetScope = {
      snapshot,
      studyId: input.studyId,
      centerIds: input.centerIds,
      from: input.from,
      to: input.to,
      initials,
      now,
      centerCodes: new Map(centers.map((c) => [c.id, c.code])),
      arms: studyList('arms', study.arms),
      screenFailureReasons: studyList('screen-failure reasons', study.screen_failure_reasons),
      changed: previous ? changedRecords(snapshot, input.studyId, previous.auditSeq, auditSeq) : null,
    };
    const data: Sheet[] = input.sheets.map((s) =>
      input.kind === 'sponsor' ? sponsorSheet(s as SponsorSheet, scope, lang) : sdtmSheet(s as SdtmDomain, scope),
    );
    if (previous)
      data.push(
        changeLogSheet(
          changeLog(snapshot, {
            studyId: input.studyId,
            sinceSeq: previous.auditSeq,
            untilSeq: auditSeq,
            initials,
            lang,
          }),
          lang,
        ),
      );
    const chosenCenters = input.centerIds.length
      ? centers.filter((c) => input.centerIds.includes(c.id)).map((c) => c.code)
      : null;
    const readMe = readMeSheet({
      name: l.readMe,
      title: l.title(input.kind),
      lines: (written) => [
        [l.study, `${study.protocol_number} · ${study.title}`],
        [l.sponsor, study.sponsor],
        [
          l.centers,
          chosenCenters ? chosenCenters.join(', ') : `${l.allCenters} (${centers.map((c) => c.code).join(', ')})`,
        ],
        [l.exportedAt, wallClockText(now.toISOString(), input.utcOffsetMinutes)],
        [l.exportedBy, meta.exportedBy],
        [l.recipient, input.recipient],
        [l.period, input.from || input.to ? `${input.from ?? '…'} – ${input.to ?? '…'}` : l.anyDate],
        [l.changes, previous ? l.since(wallClockText(previous.at, input.utcOffsetMinutes)) : l.full],
        [
          l.rows,
          written
            .filter((w) => w.name !== l.readMe)
            .map((w) => `${w.name}: ${w.rows}`)
            .join('; '),
        ],
        [l.privacy, initials ? `${l.privacyText} ${l.initials}` : l.privacyText],
        [l.version, meta.version],
      ],
    });
    const options: WorkbookOptions = {
      sheets: [readMe, ...data],
      creator: `TrialDesk ${meta.version}`,
      now,
      utcOffsetMinutes: input.utcOffsetMinutes,
    };
    const out =
      target.kind === 'bytes'
        ? await writeWorkbookToBuffer(options)
        : { bytes: null, ...(await writeWorkbook(target.path, options)) };
    bytes = out.bytes;
    rows = Object.fromEntries(out.sheets.filter((w) => w.name !== l.readMe).map((w) => [w.name, w.rows]));
  } finally {
    snapshot.close();
  }

  const stamp = wallClockText(now.toISOString(), input.utcOffsetMinutes).replace(/[-: ]/g, '').slice(0, 12);
  const recipientPart = input.recipient.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40);
  const fileName = `${study.protocol_number}_${input.kind}${previous ? '_changes' : ''}_${recipientPart}_${stamp}.xlsx`;
  const sha256 = bytes
    ? createHash('sha256').update(bytes).digest('hex')
    : await sha256OfFile((target as { path: string }).path);
  const deliveryId = ctx.db.transaction(
    (tx) => {
      const row = tx
        .insert(exportDeliveries)
        .values({
          studyId: input.studyId,
          kind: input.kind,
          recipient: input.recipient,
          auditSeq,
          sinceSeq: previous?.auditSeq ?? null,
          fileName,
          sha256,
          rows,
          options: {
            sheets: input.sheets,
            lang: input.lang,
            centerIds: input.centerIds,
            from: input.from,
            to: input.to,
            initials,
          },
          exportedBy: ctx.actor.id,
          exportedAt: now.toISOString(),
        })
        .returning({ id: exportDeliveries.id })
        .get();
      recordAudit(ctx, {
        action: 'export',
        entity: 'export_delivery',
        entityId: row.id,
        studyId: input.studyId,
        changes: {
          kind: [null, input.kind],
          recipient: [null, input.recipient],
          fileName: [null, fileName],
          sha256: [null, sha256],
          rows: [null, rows],
          changesOnly: [null, input.changesOnly],
        },
      });
      return row.id;
    },
    { behavior: 'immediate' },
  );
  return { fileName, bytes, rows, deliveryId, since: previous?.at ?? null };
}
