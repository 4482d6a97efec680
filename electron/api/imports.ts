/**
 * Contract shapes of imports (issue 7): a workbook is validated first (a report: rows to create / update / unchanged /
 * rejected, every rejection with sheet, row, column, value and reason), then committed all or nothing as an import
 * batch. The rules live in electron/core/exchange/import.
 */
import { z } from 'zod';
import { dayMonthOrders, importKinds } from '../../db/schema/vocabulary';
import { id, locales } from './common';

export { importKinds, dayMonthOrders };
export type ImportKind = (typeof importKinds)[number];
export type DayMonthOrder = (typeof dayMonthOrders)[number];

/** The workbook as the renderer sends it (an upload, or the desktop's open dialog): its name and bytes. */
const workbookFile = {
  fileName: z.string().trim().min(1).max(260),
  /** ≤ 100 MiB of workbook (the reader checks its own limits before parsing) */
  base64: z
    .string()
    .max(140 * 1024 * 1024)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'validation.invalid' }),
};

export const importValidateInput = z.object({
  kind: z.enum(importKinds),
  /** the study imported into; an SDTM workbook may name (and create) its study instead */
  studyId: id.nullish().transform((v) => v ?? null),
  ...workbookFile,
  /** who sent it: a saved column mapping is kept per sponsor and kind */
  sponsor: z
    .string()
    .trim()
    .max(100)
    .nullish()
    .transform((v) => v || null),
  /** the user's answers for headers the app did not know: header key → field, or null to ignore the column */
  headers: z.record(z.string().max(200), z.string().max(60).nullable()).default({}),
  dayMonthOrder: z
    .enum(dayMonthOrders)
    .nullish()
    .transform((v) => v ?? null),
  /** the client's id of this run: progress and cancel name it */
  jobId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  /** the language of the report's reasons (the CLI and the report workbook) */
  lang: z.enum(locales).default('zh-CN'),
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
});

export interface ImportRejection {
  sheet: string;
  /** 1-based, as Excel numbers it; 0 for a problem of the whole sheet */
  row: number;
  /** the column letter ("" for a row or sheet problem) */
  column: string;
  value: string;
  /** a message key and its parameters (the renderer translates them) … */
  messageKey: string;
  params?: Record<string, string | number>;
  /** … and the reason already in the report's language (the CLI, the report workbook) */
  reason: string;
}

export interface UnknownHeader {
  /** the tab's name, and the kind's key of that sheet (as `fields[].sheet` names it) */
  sheet: string;
  sheetKey: string;
  column: string;
  text: string;
  /** what a mapping is keyed by */
  key: string;
}

export interface ImportReport {
  kind: ImportKind;
  fileName: string;
  sha256: string;
  /** the study the rows go to (null: the file names a study that does not exist yet and an SDTM import creates it) */
  studyId: number | null;
  /** the sheets read: header row, and the rows that parsed (rejected cells' rows not counted) */
  sheets: { name: string; headerRow: number; rows: number }[];
  created: number;
  updated: number;
  unchanged: number;
  rejected: ImportRejection[];
  /** rows rejected (a row with several bad cells counts once) */
  rejectedRows: number;
  /** headers no dictionary knows: map them (or ignore them) and validate again */
  unknownHeaders: UnknownHeader[];
  /** fields the user may map an unknown header to, per sheet */
  fields: { sheet: string; field: string; zh: string; en: string; required: boolean }[];
  /** the same file (SHA-256) was committed before */
  importedBefore: { batchId: number; at: string } | null;
  /** commit this validation (valid for a while, until the database changes) — null when nothing can be committed */
  token: string | null;
  /** the run's id (the input's): its report workbook is downloaded by it, for as long as a token would live */
  jobId: string;
}

/** The report of a validation as a workbook (summary, rejected cells, unknown headers), in a language. */
export const importReportInput = z.object({
  jobId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  lang: z.enum(locales),
});

export const importCommitInput = z.object({ token: z.string().regex(/^[a-f0-9]{32}$/) });
export interface ImportCommitResult {
  batchId: number;
  /** the study the import went to (a study set-up or SDTM workbook may have created it) */
  studyId: number | null;
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportProgress {
  phase: 'reading' | 'checking' | 'writing' | 'done';
  /** rows read so far, of `total` (the sheet's row count, known before reading) */
  done: number;
  total: number;
}
