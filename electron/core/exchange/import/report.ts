/**
 * An import's validation report as a workbook (issue 7 item 7), for the user to keep or send back to whoever made the
 * file: a summary (the file, its SHA-256, kind, study, when validated, rows to create / update / unchanged / rejected,
 * each sheet read, whether the file was imported before), every rejected cell (sheet, row, column, value, reason) and
 * the headers no dictionary knew. Headers and reasons in the language asked for, whatever language the validation was
 * run in: the reasons are translated again from their message keys. Written by the one writer (excel/write.ts).
 */
import type { ImportReport, ImportRejection, Locale, UnknownHeader } from '../../../api';
import { sheet, writeWorkbookToBuffer, type Scalar } from '../../../excel/write';
import { exchangeEn } from '../../../../renderer/i18n/exchange.en';
import { exchangeZh } from '../../../../renderer/i18n/exchange.zh-CN';
import type { ServiceContext } from '../../context';
import { translate } from '../../messages';
import { keptReport } from './engine';

/** The screens' own words (renderer/i18n), so the workbook says what the report on screen says. */
const WORDS = { 'zh-CN': exchangeZh.import, en: exchangeEn.import } as const;

/** i18next's {{param}} interpolation, for the screens' words (the message keys go through translate). */
const fill = (text: string, params: Record<string, string | number>): string =>
  text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

export interface ReportMeta {
  /** the study as the user knows it ("PROTO-01 · title"); null: the file names a study not created yet */
  study: string | null;
  /** UTC ISO-8601 */
  validatedAt: string;
  /** the wall clock times are shown at (minutes east of UTC) */
  utcOffsetMinutes: number;
}

/** A UTC instant at a wall clock: 'YYYY-MM-DD HH:mm (UTC+08:00)'. */
function wallClock(iso: string, offset: number): string {
  const local = new Date(Date.parse(iso) + offset * 60_000).toISOString().slice(0, 16).replace('T', ' ');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local} (UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')})`;
}

/** The report's workbook: summary, rejected cells, and unknown headers when there are any. */
export async function reportWorkbook(report: ImportReport, lang: Locale, meta: ReportMeta): Promise<Buffer> {
  const w = WORDS[lang];
  const f = w.reportFile;
  const r = w.report;
  // a problem of a whole sheet (no header row, a missing sheet) rejects no row in particular
  const outcome = report.rejectedRows
    ? fill(f.outcomeRejected, { rows: report.rejectedRows })
    : report.rejected.length
      ? f.outcomeRefused
      : report.token
        ? r.ready
        : r.nothingToDo;
  const summary: [string, Scalar][] = [
    [f.file, report.fileName],
    [f.sha256, report.sha256],
    [f.kind, w.kinds[report.kind]],
    [f.study, meta.study ?? f.newStudy],
    [f.validatedAt, wallClock(meta.validatedAt, meta.utcOffsetMinutes)],
    [r.created, report.created],
    [r.updated, report.updated],
    [r.unchanged, report.unchanged],
    [r.rejected, report.rejectedRows],
    [f.rejectedCells, report.rejected.length],
    ...report.sheets.map((s): [string, Scalar] => [
      fill(f.sheetRead, { sheet: s.name }),
      fill(f.sheetLine, { header: s.headerRow, rows: s.rows }),
    ]),
    [
      f.importedBefore,
      report.importedBefore
        ? fill(f.importedBeforeYes, {
            when: wallClock(report.importedBefore.at, meta.utcOffsetMinutes),
            batch: report.importedBefore.batchId,
          })
        : f.no,
    ],
    [f.outcome, outcome],
  ];
  const c = w.rejections;
  const sheets = [
    sheet<[string, Scalar]>({
      name: f.summary,
      columns: [
        { header: f.item, kind: 'text', value: ([item]) => item },
        // counts as numbers; the other lines stay text
        { header: f.content, kind: 'number', value: ([, value]) => value, width: 70 },
      ],
      rows: summary,
    }),
    sheet<ImportRejection>({
      name: c.title,
      columns: [
        { header: c.sheet, kind: 'text', value: (x) => x.sheet },
        { header: c.row, kind: 'integer', value: (x) => (x.row > 0 ? x.row : c.wholeSheet) },
        { header: c.column, kind: 'text', value: (x) => x.column },
        { header: c.value, kind: 'text', value: (x) => x.value, width: 30 },
        {
          header: c.reason,
          kind: 'text',
          value: (x) => translate(lang, x.messageKey, x.params),
          width: 80,
        },
      ],
      rows: report.rejected,
    }),
  ];
  if (report.unknownHeaders.length > 0)
    sheets.push(
      sheet<UnknownHeader>({
        name: f.unknownHeaders,
        columns: [
          { header: c.sheet, kind: 'text', value: (x) => x.sheet },
          { header: c.column, kind: 'text', value: (x) => x.column },
          { header: f.header, kind: 'text', value: (x) => x.text, width: 40 },
        ],
        rows: report.unknownHeaders,
      }),
    );
  const { bytes } = await writeWorkbookToBuffer({
    sheets,
    creator: 'TrialDesk',
    now: new Date(meta.validatedAt),
    utcOffsetMinutes: meta.utcOffsetMinutes,
  });
  return bytes;
}

/** "<file>_导入报告_<YYYYMMDDHHmm>.xlsx" at the user's wall clock. */
export function reportFileName(
  report: ImportReport,
  lang: Locale,
  meta: Pick<ReportMeta, 'validatedAt' | 'utcOffsetMinutes'>,
) {
  const base = report.fileName
    .replace(/\.xlsx$/i, '')
    .replace(/[\\/:*?"<>|\s]+/g, '_')
    .slice(0, 80);
  const stamp = new Date(Date.parse(meta.validatedAt) + meta.utcOffsetMinutes * 60_000)
    .toISOString()
    .slice(0, 16)
    .replace(/[-:T]/g, '');
  return `${base}_${WORDS[lang].reportFile.fileName}_${stamp}.xlsx`;
}

/** The study a report is about, as the summary names it. */
export function studyLabel(db: ServiceContext['db'], studyId: number | null): string | null {
  if (studyId === null) return null;
  const row = db.$client.prepare('SELECT protocol_number, title FROM studies WHERE id = ?').get(studyId) as
    { protocol_number: string; title: string } | undefined;
  return row ? `${row.protocol_number} · ${row.title}` : null;
}

/** imports.report: the workbook of this user's last validation run `jobId`, while it is kept. */
export async function importReportFile(
  ctx: ServiceContext,
  jobId: string,
  lang: Locale,
): Promise<{ fileName: string; base64: string }> {
  const kept = keptReport(ctx, jobId);
  const meta: ReportMeta = {
    study: studyLabel(ctx.db, kept.report.studyId),
    validatedAt: kept.validatedAt,
    utcOffsetMinutes: kept.utcOffsetMinutes,
  };
  const bytes = await reportWorkbook(kept.report, lang, meta);
  return { fileName: reportFileName(kept.report, lang, meta), base64: bytes.toString('base64') };
}
