/**
 * Imports, in two phases (issue 7).
 *
 * validate: the bytes are checked and read by the guarded streaming reader (excel/read.ts); each sheet the kind needs is
 * found by its tab name, its header row among the first rows (below titles, under merged group titles; Chinese,
 * English, synonyms, SDTM names; a sponsor's saved mapping), every cell of every row parsed to its field's type; then
 * the kind checks the typed rows against the database with the same rules as the screens and says what it would do (a
 * kind whose rows stand each on its own, AEs, checks each row as it is read: Planner.streamed).
 * The report lists every rejected cell (sheet, row, column, value, reason). Nothing is written.
 *
 * commit: the validated plan (kept in memory under a token, for its user, while the database has not changed) is
 * written in one transaction with an import batch row and the audit events of every record — all or nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { importBatches, columnMappings } from '../../../../db/schema';
import type {
  ImportCommitResult,
  ImportKind,
  ImportReport,
  ImportRejection,
  ImportProgress,
  UnknownHeader,
} from '../../../api/imports';
import type { ParsedInputOf, Role } from '../../../api';
import { cellDisplay, columnLetter, type Cell } from '../../../excel/cell';
import { findHeaderRow, headerKey, headerProblems, type HeaderMapping, type HeaderMatch } from '../../../excel/headers';
import { openXlsx, type MergeRange, type XlsxFile } from '../../../excel/read';
import { recordAudit } from '../../audit/audit';
import type { ServiceContext, Tx } from '../../context';
import { AppError, fieldError } from '../../errors';
import { translate } from '../../messages';
import { isExampleRow, type TemplateColumn } from '../../../excel/template';
import { parseField, type FieldSpec, type FieldValue, type SheetSpec } from './fields';
import { templateColumns } from './template';

/** rows searched for the header row */
const HEADER_SCAN_ROWS = 30;
/** a validation may be committed for this long */
const TOKEN_TTL_MS = 30 * 60_000;

/** A data row as the kind receives it: typed values by field, and where each field's cell is. */
export interface TypedRow {
  row: number;
  values: Record<string, FieldValue>;
}
export interface ReadSheet {
  spec: SheetSpec;
  name: string;
  headerRow: number;
  columns: Record<string, number>;
  /** the typed rows (empty for a sheet the planner takes row by row: Planner.streamed) */
  rows: TypedRow[];
  /** data rows read, with those whose cells were rejected */
  dataRows: number;
  /** data rows whose every cell was read (in `rows`, or given to the planner) */
  typedRows: number;
}

/** What a kind's plan does when committed, inside the import's transaction. */
export interface Plan {
  studyId: number | null;
  created: number;
  updated: number;
  unchanged: number;
  apply(ctx: ServiceContext, reason: string, tx: Tx): void;
}

export interface PlanEnv {
  ctx: ServiceContext;
  role: Role;
  studyId: number | null;
  /** the sponsor the user named (an SDTM workbook's new study takes it) */
  sponsor: string | null;
  lang: 'zh-CN' | 'en';
  /** a rejection of a row (field: its column; null: the row). A row streamed to the planner is given whole. */
  reject(
    sheet: ReadSheet,
    row: number | TypedRow,
    field: string | null,
    key: string,
    params?: Record<string, string | number>,
  ): void;
}

/**
 * A kind's checking of the file, made once the file is open. Rows that are checked each on its own (AEs) can be taken
 * as they are read (`streamed`), so that a 100,000-row file's typed rows are never all in memory; the other sheets'
 * rows are collected in ReadSheet.rows for `plan`, which decides when every sheet is read.
 */
export interface Planner {
  streamed?: { sheet: string; row: (sheet: ReadSheet, row: TypedRow) => void };
  plan(sheets: ReadonlyMap<string, ReadSheet>): Plan;
}

export interface ImportKindDef {
  kind: ImportKind;
  sheets: readonly SheetSpec[];
  /** whether the study must be chosen (an SDTM workbook names its own) */
  needsStudy: boolean;
  planner(env: PlanEnv): Planner;
}

// ---------- progress and cancel ----------

interface Job {
  progress: ImportProgress;
  abort: AbortController;
}
const jobs = new Map<string, Job>();
export const importProgress = (jobId: string): ImportProgress | null => jobs.get(jobId)?.progress ?? null;
export function cancelImport(jobId: string): boolean {
  const job = jobs.get(jobId);
  job?.abort.abort();
  return job !== undefined;
}

// ---------- validated plans ----------

interface Validated {
  plan: Plan;
  report: ImportReport;
  userId: number | null;
  auditSeq: number;
  expires: number;
  mapping: { sponsor: string; kind: ImportKind; headers: HeaderMapping; dayMonthOrder: 'dmy' | 'mdy' | null } | null;
}
const validated = new Map<string, Validated>();

// ---------- reports kept for their workbook ----------

/** A run's last report, kept (for its user, as long as a validation token lives) so its workbook can be downloaded. */
export interface KeptReport {
  report: ImportReport;
  userId: number | null;
  /** UTC ISO-8601 */
  validatedAt: string;
  /** the wall clock the user validated on (the workbook shows times at it) */
  utcOffsetMinutes: number;
  expires: number;
}
const reports = new Map<string, KeptReport>();
/** a report of 100,000 rejected cells is tens of MB: only the last few runs are kept (the screen asks for its last) */
const KEPT_REPORTS = 8;
function keepReport(jobId: string, kept: Omit<KeptReport, 'expires'>): void {
  const now = Date.now();
  for (const [id, r] of reports) if (r.expires < now) reports.delete(id);
  reports.delete(jobId);
  reports.set(jobId, { ...kept, expires: now + TOKEN_TTL_MS });
  // a Map iterates in insertion order: the oldest first
  for (const id of reports.keys()) if (reports.size > KEPT_REPORTS) reports.delete(id);
}
/** The report of a run of this user, or a field error when it is unknown, expired or another user's. */
export function keptReport(ctx: ServiceContext, jobId: string): KeptReport {
  const kept = reports.get(jobId);
  if (!kept || kept.expires < Date.now() || kept.userId !== ctx.actor.id)
    throw fieldError('validation', 'jobId', 'exchange.reportExpired');
  return kept;
}
const lastAuditSeq = (ctx: ServiceContext): number =>
  (ctx.db.$client.prepare('SELECT coalesce(max(seq), 0) AS seq FROM audit_events').get() as { seq: number }).seq;

// ---------- reading ----------

const sameName = (a: string, b: string): boolean => headerKey(a) === headerKey(b);

function pickSheet(file: XlsxFile, spec: SheetSpec, kind: ImportKindDef): string | null {
  const named = file.sheets.find((s) => spec.names.some((n) => sameName(s.name, n)));
  if (named) return named.name;
  const visible = file.sheets.filter((s) => s.state === 'visible');
  // a one-sheet kind takes a workbook's only data sheet, whatever its tab is called
  if (kind.sheets.length === 1) {
    const data = visible.filter((s) => !/^(说明|read ?me|instructions|lists)$/i.test(s.name.trim()));
    if (data.length === 1) return data[0]!.name;
  }
  return null;
}

export interface ValidateArgs {
  kind: ImportKindDef;
  input: ParsedInputOf<'imports.validate'>;
  role: Role;
  /** the sponsor's saved mapping, when the input names a sponsor */
  saved: { headers: HeaderMapping; dayMonthOrder: 'dmy' | 'mdy' | null } | null;
}

export async function validateImport(ctx: ServiceContext, args: ValidateArgs): Promise<ImportReport> {
  const { kind, input } = args;
  if (kind.needsStudy && input.studyId === null) throw fieldError('validation', 'studyId', 'validation.required');
  const job: Job = { progress: { phase: 'reading', done: 0, total: 0 }, abort: new AbortController() };
  jobs.set(input.jobId, job);
  try {
    const bytes = Buffer.from(input.base64, 'base64');
    if (bytes.length === 0) throw fieldError('validation', 'file', 'excel.emptyFile');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = await openXlsx(bytes, { signal: job.abort.signal });
    const headers: HeaderMapping = { ...(args.saved?.headers ?? {}), ...input.headers };
    const dayMonthOrder = input.dayMonthOrder ?? args.saved?.dayMonthOrder ?? null;
    const rejected: ImportRejection[] = [];
    const unknownHeaders: UnknownHeader[] = [];
    const reject = (
      sheet: string,
      row: number,
      column: string,
      value: string,
      key: string,
      params?: Record<string, string | number>,
    ) =>
      rejected.push({ sheet, row, column, value, messageKey: key, params, reason: translate(input.lang, key, params) });

    const planner = kind.planner(planEnv(ctx, args.role, input, rejected));
    const specs = kind.sheets.map((spec) => ({ spec, name: pickSheet(file, spec, kind) }));
    job.progress.total = specs.reduce(
      (n, s) => n + (s.name ? (file.sheets.find((x) => x.name === s.name)?.rowCount ?? 0) : 0),
      0,
    );
    const read = new Map<string, ReadSheet>();
    for (const { spec, name } of specs) {
      if (!name) {
        if (spec.optional) continue;
        reject(spec.names[0]!, 0, '', '', 'excel.sheetMissing', { names: spec.names.join(' / ') });
        continue;
      }
      const sheet = await readSheet(file, name, spec, {
        headers,
        lang: input.lang,
        date1904: file.date1904,
        dayMonthOrder,
        utcOffsetMinutes: input.utcOffsetMinutes,
        signal: job.abort.signal,
        onRow: () => void job.progress.done++,
        take: planner.streamed?.sheet === spec.key ? planner.streamed.row : null,
        reject: (row, column, value, key, params) => reject(name, row, column, value, key, params),
        unknown: (u) => unknownHeaders.push({ sheet: name, sheetKey: spec.key, ...u }),
      });
      if (sheet) read.set(spec.key, sheet);
    }

    job.progress.phase = 'checking';
    const sheetRejected = rejected.some((r) => r.row === 0);
    const plan = sheetRejected ? null : planner.plan(read);
    if (job.abort.signal.aborted) throw new AppError('validation', 'excel.cancelled', { field: 'file' });

    rejected.sort((a, b) => a.sheet.localeCompare(b.sheet) || a.row - b.row || a.column.localeCompare(b.column));
    const rejectedRows = new Set(rejected.filter((r) => r.row > 0).map((r) => `${r.sheet}\u0000${r.row}`)).size;
    const previous = ctx.db.$client
      .prepare('SELECT id, imported_at FROM import_batches WHERE sha256 = ? ORDER BY id DESC LIMIT 1')
      .get(sha256) as { id: number; imported_at: string } | undefined;
    const report: ImportReport = {
      kind: kind.kind,
      fileName: input.fileName,
      sha256,
      studyId: plan?.studyId ?? input.studyId,
      sheets: [...read.values()].map((s) => ({
        name: s.name,
        headerRow: s.headerRow,
        rows: s.typedRows,
      })),
      created: plan?.created ?? 0,
      updated: plan?.updated ?? 0,
      unchanged: plan?.unchanged ?? 0,
      rejected,
      rejectedRows,
      unknownHeaders,
      fields: kind.sheets.flatMap((s) =>
        s.fields.map((f) => ({ sheet: s.key, field: f.field, zh: f.zh, en: f.en, required: f.required ?? false })),
      ),
      importedBefore: previous ? { batchId: previous.id, at: previous.imported_at } : null,
      token: null,
      jobId: input.jobId,
    };
    // all or nothing: a file with a rejected row is fixed and validated again, never half imported
    if (plan && rejected.length === 0 && plan.created + plan.updated > 0) {
      const token = randomBytes(16).toString('hex');
      report.token = token;
      validated.set(token, {
        plan,
        report,
        userId: ctx.actor.id,
        auditSeq: lastAuditSeq(ctx),
        expires: Date.now() + TOKEN_TTL_MS,
        mapping:
          input.sponsor && (Object.keys(input.headers).length > 0 || input.dayMonthOrder)
            ? { sponsor: input.sponsor, kind: kind.kind, headers, dayMonthOrder }
            : null,
      });
    }
    keepReport(input.jobId, {
      report,
      userId: ctx.actor.id,
      validatedAt: ctx.now().toISOString(),
      utcOffsetMinutes: input.utcOffsetMinutes,
    });
    job.progress.phase = 'done';
    return report;
  } finally {
    setTimeout(() => jobs.delete(input.jobId), 60_000).unref();
  }
}

/**
 * The plan's environment, made outside validateImport: a kind's plan may keep it until commit, and a closure made in
 * validateImport would keep that whole scope alive with it (the file's bytes, its base64 text, the typed rows).
 */
function planEnv(
  ctx: ServiceContext,
  role: Role,
  input: ParsedInputOf<'imports.validate'>,
  rejected: ImportRejection[],
): PlanEnv {
  const lang = input.lang;
  return {
    ctx,
    role,
    studyId: input.studyId,
    sponsor: input.sponsor ?? null,
    lang,
    reject: (sheet, row, field, key, params) => {
      // a coded field may have come from its code column
      const f =
        field === null
          ? null
          : field in sheet.columns
            ? field
            : `${field}Code` in sheet.columns
              ? `${field}Code`
              : null;
      const column = f === null ? '' : columnLetter(sheet.columns[f]!);
      const typed = typeof row === 'number' ? rowIndex(sheet).get(row) : row;
      const value = f === null ? '' : display(typed?.values[f]);
      rejected.push({
        sheet: sheet.name,
        row: typeof row === 'number' ? row : row.row,
        column,
        value,
        messageKey: key,
        params,
        reason: translate(lang, key, params),
      });
    },
  };
}

interface ReadOpts {
  headers: HeaderMapping;
  lang: 'zh-CN' | 'en';
  date1904: boolean;
  dayMonthOrder: 'dmy' | 'mdy' | null;
  utcOffsetMinutes: number;
  signal: AbortSignal;
  onRow(): void;
  /** takes each typed row instead of ReadSheet.rows */
  take: ((sheet: ReadSheet, row: TypedRow) => void) | null;
  reject(row: number, column: string, value: string, key: string, params?: Record<string, string | number>): void;
  unknown(u: Omit<UnknownHeader, 'sheet' | 'sheetKey'>): void;
}

/** One sheet: its header row found, then every row typed (or its cells rejected). Null when the header is unusable. */
async function readSheet(file: XlsxFile, name: string, spec: SheetSpec, o: ReadOpts): Promise<ReadSheet | null> {
  const head: { number: number; cells: Cell[] }[] = [];
  let match: HeaderMatch | null = null;
  let fields: { spec: FieldSpec; index: number }[] = [];
  const out: ReadSheet = { spec, name, headerRow: 0, columns: {}, rows: [], dataRows: 0, typedRows: 0 };
  const parseOpts = {
    lang: o.lang,
    date1904: o.date1904,
    dayMonthOrder: o.dayMonthOrder,
    utcOffsetMinutes: o.utcOffsetMinutes,
  };

  const decideHeader = (): boolean => {
    // the scanned rows as a grid from row 1 (blank rows kept as empty rows)
    const grid: Cell[][] = [];
    for (const r of head) grid[r.number - 1] = r.cells;
    for (let i = 0; i < grid.length; i++) grid[i] ??= [];
    const found = findHeaderRow(
      grid,
      { fields: spec.fields },
      {
        merges: file.merges(name).map((m) => m.ref),
        mapping: o.headers,
        lang: o.lang,
      },
    );
    if (!found.ok) {
      o.reject(0, '', '', found.key, found.params);
      return false;
    }
    match = found;
    for (const p of headerProblems(found, o.lang)) o.reject(found.headerRow, '', '', p.key, p.params);
    for (const u of found.unknown) o.unknown({ column: columnLetter(u.column), text: u.text, key: u.key });
    if (found.missingRequired.length > 0 || found.duplicates.length > 0) return false;
    out.columns = found.columns;
    out.headerRow = found.headerRow;
    fields = spec.fields
      .filter((f) => f.field in found.columns)
      .map((f) => ({ spec: f, index: found.columns[f.field]! - 1 }));
    examples = (['zh-CN', 'en'] as const).map((lang) => {
      const cols = templateColumns(spec, lang).filter((c) => c.field in found.columns);
      return { columns: cols, index: cols.map((c) => found.columns[c.field]! - 1) };
    });
    return true;
  };

  // the template's example row (in either language) is not data
  let examples: { columns: Pick<TemplateColumn, 'kind' | 'example'>[]; index: number[] }[] = [];
  const isExample = (cells: Cell[]) =>
    examples.some(
      (e) =>
        e.columns.length > 0 &&
        isExampleRow(
          e.columns,
          e.index.map((i) => cells[i]),
        ),
    );
  // merges spanning rows: a blank cell under one is rejected as such, not as a required value missing
  const dataMerges = file.merges(name).filter((m) => m.bottom > m.top);
  const takeRow = (number: number, cells: Cell[]) => {
    if (cells.every((c) => c.kind === 'empty' || (c.kind === 'text' && c.text.trim() === ''))) return;
    if (number === match!.headerRow + 1 && isExample(cells)) return;
    out.dataRows++;
    const values: Record<string, FieldValue> = {};
    let bad = false;
    for (const f of fields) {
      const cell = cells[f.index] ?? EMPTY;
      const parsed = parseField(cell, f.spec, parseOpts);
      if (parsed.ok) values[f.spec.field] = parsed.value;
      else {
        bad = true;
        const column = columnLetter(f.index + 1);
        // a blank cell covered by a merge down the rows: its value is the merge's first row's only
        const merge = cell.kind === 'empty' ? dataMerges.find((m) => coveredBy(m, number, f.index + 1)) : undefined;
        if (merge)
          o.reject(number, column, '', 'excel.mergedCell', {
            cell: `${column}${number}`,
            range: merge.ref,
            top: merge.top,
          });
        else o.reject(number, column, cellDisplay(cell), parsed.key, parsed.params);
      }
    }
    if (bad) return;
    out.typedRows++;
    if (o.take) o.take(out, { row: number, values });
    else out.rows.push({ row: number, values });
  };

  let usable = true;
  for await (const row of file.rows(name, { signal: o.signal })) {
    o.onRow();
    if (match === null && usable) {
      head.push(row);
      if (head.length < HEADER_SCAN_ROWS) continue;
      usable = decideHeader();
      if (usable) for (const r of head) if (r.number > match!.headerRow) takeRow(r.number, r.cells);
      continue;
    }
    if (usable) takeRow(row.number, row.cells);
  }
  if (match === null && usable) {
    usable = decideHeader();
    if (usable) for (const r of head) if (r.number > match!.headerRow) takeRow(r.number, r.cells);
  }
  return usable ? out : null;
}
const EMPTY: Cell = { kind: 'empty' };
const coveredBy = (m: MergeRange, row: number, col: number): boolean =>
  row > m.top && row <= m.bottom && col >= m.left && col <= m.right;

/** A sheet's rows by row number (built once, for the rejections a plan makes). */
const indexes = new WeakMap<ReadSheet, Map<number, TypedRow>>();
function rowIndex(sheet: ReadSheet): Map<number, TypedRow> {
  let index = indexes.get(sheet);
  if (!index) indexes.set(sheet, (index = new Map(sheet.rows.map((r) => [r.row, r]))));
  return index;
}
const display = (v: FieldValue | undefined): string =>
  v === null || v === undefined
    ? ''
    : Array.isArray(v)
      ? v.join('; ')
      : typeof v === 'boolean'
        ? v
          ? 'Y'
          : 'N'
        : String(v);

// ---------- commit ----------

export function commitImport(ctx: ServiceContext, token: string): ImportCommitResult {
  const v = validated.get(token);
  if (!v || v.expires < Date.now() || v.userId !== ctx.actor.id)
    throw fieldError('validation', 'token', 'exchange.importExpired');
  // anything written since the validation may change what the rows mean: validate again
  if (lastAuditSeq(ctx) !== v.auditSeq) {
    validated.delete(token);
    throw fieldError('validation', 'token', 'exchange.importStale');
  }
  const { report, plan } = v;
  const batchId = ctx.db.transaction(
    (tx) => {
      const now = ctx.now().toISOString();
      const batch = tx
        .insert(importBatches)
        .values({
          kind: report.kind,
          studyId: plan.studyId,
          fileName: report.fileName,
          sha256: report.sha256,
          created: plan.created,
          updated: plan.updated,
          unchanged: plan.unchanged,
          rejected: 0,
          importedBy: ctx.actor.id,
          importedAt: now,
        })
        .returning({ id: importBatches.id })
        .get();
      plan.apply(ctx, `import batch ${batch.id}: ${report.fileName}`, tx);
      if (plan.studyId !== null)
        // the batch's study may have been created by the plan: set it now that it exists
        tx.update(importBatches).set({ studyId: plan.studyId }).where(eq(importBatches.id, batch.id)).run();
      recordAudit(ctx, {
        action: 'import',
        entity: 'import_batch',
        entityId: batch.id,
        studyId: plan.studyId,
        changes: {
          kind: [null, report.kind],
          fileName: [null, report.fileName],
          sha256: [null, report.sha256],
          created: [null, plan.created],
          updated: [null, plan.updated],
          unchanged: [null, plan.unchanged],
        },
      });
      if (v.mapping) saveMapping(ctx, v.mapping, now);
      return batch.id;
    },
    { behavior: 'immediate' },
  );
  validated.delete(token);
  return { batchId, studyId: plan.studyId, created: plan.created, updated: plan.updated, unchanged: plan.unchanged };
}

/** A sponsor's saved column mapping for a kind of import, or null. */
export function savedMapping(
  db: ServiceContext['db'],
  sponsor: string,
  kind: ImportKind,
): { headers: HeaderMapping; dayMonthOrder: 'dmy' | 'mdy' | null } | null {
  const row = db.$client
    .prepare('SELECT headers, day_month_order FROM column_mappings WHERE lower(sponsor) = lower(?) AND kind = ?')
    .get(sponsor.trim(), kind) as { headers: string; day_month_order: 'dmy' | 'mdy' | null } | undefined;
  return row ? { headers: JSON.parse(row.headers) as HeaderMapping, dayMonthOrder: row.day_month_order } : null;
}

function saveMapping(ctx: ServiceContext, m: NonNullable<Validated['mapping']>, now: string): void {
  const existing = ctx.db.$client
    .prepare('SELECT id, headers, day_month_order FROM column_mappings WHERE lower(sponsor) = lower(?) AND kind = ?')
    .get(m.sponsor, m.kind) as { id: number; headers: string; day_month_order: string | null } | undefined;
  const headers = JSON.stringify(m.headers);
  if (existing && existing.headers === headers && existing.day_month_order === m.dayMonthOrder) return;
  const row = {
    sponsor: m.sponsor,
    kind: m.kind,
    headers: m.headers,
    dayMonthOrder: m.dayMonthOrder,
    updatedBy: ctx.actor.id,
    updatedAt: now,
  };
  const id = existing
    ? (ctx.db.update(columnMappings).set(row).where(eq(columnMappings.id, existing.id)).run(), existing.id)
    : ctx.db.insert(columnMappings).values(row).returning({ id: columnMappings.id }).get().id;
  recordAudit(ctx, {
    action: existing ? 'update' : 'create',
    entity: 'column_mapping',
    entityId: id,
    changes: {
      headers: [existing ? (JSON.parse(existing.headers) as unknown) : null, m.headers],
      dayMonthOrder: [existing?.day_month_order ?? null, m.dayMonthOrder],
    },
  });
}
