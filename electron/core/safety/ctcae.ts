/**
 * The CTCAE v5.0 dictionary: loaded by an administrator from NCI's own workbook (never shipped with the app), searched by
 * the AE form's picker as the user types.
 *
 * Loading reads only the sheet "CTCAE v5.0 Clean Copy", through the shared workbook reader (electron/excel/read.ts: the
 * bytes checked whole before parsing, only that sheet streamed, no temporary file). Every refusal is a field error on
 * `file` naming what is wrong — excel.* for a file that is no readable workbook, ctcae.* for a workbook that is not
 * NCI's dictionary; nothing is written then. A load is one transaction: new terms added, changed ones updated,
 * identical ones left, none deleted (AEs copy the term they use, but a dictionary that forgets terms would make old AEs
 * unpickable). A file whose terms are all identical writes nothing.
 *
 * Search runs over an in-memory copy of the terms per database (837 rows), checked against a cheap stamp of the tables
 * on every call so that a load from elsewhere (another connection, a restore) is seen.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { asc, desc, eq } from 'drizzle-orm';
import { ctcaeLoads, ctcaeTerms } from '../../../db/schema';
import type { ParsedInputOf } from '../../api';
import type { CtcaeLoadResult, CtcaeStatus, CtcaeTermView } from '../../api/safety';
import { recordAudit } from '../audit/audit';
import type { AppDb, ServiceContext } from '../context';
import { AppError, fieldError } from '../errors';
import { columnLetter, type Cell } from '../../excel/cell';
import { openXlsx, type XlsxRow } from '../../excel/read';

/** The sheet NCI publishes the dictionary in (the workbook's other sheets are the tracked changes and the v4 mapping). */
export const CLEAN_COPY_SHEET = 'CTCAE v5.0 Clean Copy';
/** NCI's headers of columns A–J, in order (later columns, e.g. "CTCAE v5.0 Change", are ignored). */
export const CTCAE_HEADERS = [
  'MedDRA Code',
  'MedDRA SOC',
  'CTCAE Term',
  'Grade 1',
  'Grade 2',
  'Grade 3',
  'Grade 4',
  'Grade 5',
  'Definition',
  'Navigational Note',
] as const;
export const MAX_WORKBOOK_BYTES = 20 * 1024 * 1024;
/** what the archive may inflate to (NCI's: 3.3 MB): more is not a dictionary but a zip bomb */
const MAX_INFLATED_BYTES = 200 * 1024 * 1024;
/** NCI's sheet has 837 terms; a sheet many times that is not the dictionary (and would only cost memory). */
const MAX_TERMS = 5000;
/** Whatever exceljs meets, the caller never waits forever: a reader silent this long gives up (excel.damaged). */
const STALL_MS = 30_000;

const FILE = 'file';
const refuse = (key: string, params?: Record<string, string | number>): AppError =>
  fieldError('validation', FILE, key, params);

interface ParsedTerm {
  meddraCode: string;
  soc: string;
  term: string;
  grade1: string | null;
  grade2: string | null;
  grade3: string | null;
  grade4: string | null;
  grade5: string | null;
  definition: string | null;
  navigationalNote: string | null;
  position: number;
}
const COMPARED = [
  'soc',
  'term',
  'grade1',
  'grade2',
  'grade3',
  'grade4',
  'grade5',
  'definition',
  'navigationalNote',
  'position',
] as const satisfies readonly (keyof ParsedTerm)[];

// ---------- reading the workbook ----------

/** Text as NCI's cells hold it, tidied: NBSP as a space, line ends as \n, trimmed; empty → null. */
function tidy(s: string): string | null {
  const t = s
    .replace(/\u00a0/g, ' ')
    .replace(/\r\n?/g, '\n')
    .trim();
  return t === '' ? null : t;
}
/** A header as compared: spaces (NBSP too) collapsed, trimmed, lower case. */
const headerKey = (s: string | null): string =>
  (s ?? '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase();

class CellProblem extends Error {}

/** A cell as text (numbers as written, a date as YYYY-MM-DD); an error value or a formula never calculated is a problem. */
function cellText(c: Cell | undefined): string | null {
  switch (c?.kind) {
    case undefined:
    case 'empty':
      return null;
    case 'text':
      return tidy(c.text);
    case 'number':
    case 'bool':
      return String(c.value);
    case 'date':
      return c.date;
    case 'error':
    case 'formula':
      throw new CellProblem();
  }
}

/**
 * "-" (with spaces or NBSP around it) is NCI's mark for a grade the term does not define, and for the definition of the
 * "… - Other, specify" terms: nothing.
 */
const orDash = (s: string | null): string | null => (s === null || /^[-‐‑–—]$/.test(s) ? null : s);

/** The MedDRA code as text: NCI stores it as a number; a re-saved copy may hold text. */
function meddraCode(c: Cell | undefined, text: string | null): string | null {
  if (c?.kind === 'number') return Number.isSafeInteger(c.value) && c.value > 0 ? String(c.value) : null;
  return text !== null && /^\d{1,20}$/.test(text) ? text : null;
}

/**
 * The terms of the Clean Copy sheet, checked row by row. The reader refuses what is no readable workbook (excel.*);
 * this refuses, with ctcae.*, a workbook that is not NCI's dictionary.
 */
async function readCleanCopy(bytes: Buffer): Promise<ParsedTerm[]> {
  // NCI's file is 0.5 MB: a file 40 times that is not it, whatever else it is
  if (bytes.length > MAX_WORKBOOK_BYTES) throw refuse('ctcae.fileTooLarge');
  const book = await openXlsx(bytes, { limits: { maxInflatedBytes: MAX_INFLATED_BYTES } });
  const sheet = book.sheets.find((s) => headerKey(s.name) === headerKey(CLEAN_COPY_SHEET));
  if (!sheet) throw refuse('ctcae.noCleanCopySheet', { sheets: book.sheets.map((s) => s.name).join(', ') || '—' });
  return readTerms(book.rows(sheet.name, { stallMs: STALL_MS }));
}

async function readTerms(rows: AsyncIterable<XlsxRow>): Promise<ParsedTerm[]> {
  const terms: ParsedTerm[] = [];
  const firstRowOf = new Map<string, number>();
  let header = false;
  for await (const row of rows) {
    const cells = CTCAE_HEADERS.map((_, i) => {
      try {
        return cellText(row.cells[i]);
      } catch (err) {
        if (err instanceof CellProblem) throw refuse('ctcae.badCell', { row: row.number, column: columnLetter(i + 1) });
        throw err;
      }
    });
    if (!header) {
      // the first row the sheet holds must be row 1, NCI's headers
      CTCAE_HEADERS.forEach((expected, i) => {
        const found = row.number === 1 ? cells[i]! : null;
        if (headerKey(found) !== headerKey(expected))
          throw refuse('ctcae.wrongLayout', {
            column: columnLetter(i + 1),
            expected,
            found: (found ?? '').replace(/[\s\u00a0]+/g, ' ').slice(0, 60),
          });
      });
      header = true;
      continue;
    }
    if (cells.every((c) => c === null)) continue; // a blank (formatted) row
    const missing = [0, 1, 2].find((i) => cells[i] === null);
    if (missing !== undefined)
      throw refuse('ctcae.rowIncomplete', { row: row.number, column: CTCAE_HEADERS[missing]! });
    const code = meddraCode(row.cells[0], cells[0]!);
    if (code === null) throw refuse('ctcae.badCode', { row: row.number, value: cells[0]!.slice(0, 30) });
    const first = firstRowOf.get(code);
    if (first !== undefined) throw refuse('ctcae.duplicateCode', { row: row.number, code, firstRow: first });
    firstRowOf.set(code, row.number);
    if (terms.length >= MAX_TERMS) throw refuse('ctcae.tooManyRows', { max: MAX_TERMS });
    terms.push({
      meddraCode: code,
      soc: cells[1]!,
      term: cells[2]!,
      grade1: orDash(cells[3]!),
      grade2: orDash(cells[4]!),
      grade3: orDash(cells[5]!),
      grade4: orDash(cells[6]!),
      grade5: orDash(cells[7]!),
      definition: orDash(cells[8]!),
      navigationalNote: orDash(cells[9]!),
      position: terms.length + 1,
    });
  }
  if (terms.length === 0) throw refuse('ctcae.empty');
  return terms;
}

/** Parses the workbook; anything unforeseen that the reader throws on a damaged file becomes excel.damaged. */
async function parseWorkbook(bytes: Buffer): Promise<ParsedTerm[]> {
  try {
    return await readCleanCopy(bytes);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw refuse('excel.damaged');
  }
}

// ---------- loading ----------

/**
 * Loads NCI's CTCAE v5.0 workbook: upserts its terms in one transaction with one load row and one audit event. The same
 * content again (whatever the file) writes nothing and reports every term unchanged.
 */
export async function loadCtcaeWorkbook(
  ctx: ServiceContext,
  input: { fileName: string; bytes: Buffer },
): Promise<CtcaeLoadResult> {
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const parsed = await parseWorkbook(input.bytes);

  const counts = ctx.db.transaction(
    (tx) => {
      const existing = new Map(
        tx
          .select()
          .from(ctcaeTerms)
          .all()
          .map((t) => [t.meddraCode, t]),
      );
      const added: ParsedTerm[] = [];
      const updated: ParsedTerm[] = [];
      for (const t of parsed) {
        const before = existing.get(t.meddraCode);
        if (!before) added.push(t);
        else if (COMPARED.some((f) => before[f] !== t[f])) updated.push(t);
      }
      const result = {
        added: added.length,
        updated: updated.length,
        unchanged: parsed.length - added.length - updated.length,
      };
      if (added.length === 0 && updated.length === 0) return result;

      for (let i = 0; i < added.length; i += 500)
        tx.insert(ctcaeTerms)
          .values(added.slice(i, i + 500))
          .run();
      for (const { meddraCode, ...fields } of updated)
        tx.update(ctcaeTerms).set(fields).where(eq(ctcaeTerms.meddraCode, meddraCode)).run();
      const last = tx.select().from(ctcaeLoads).orderBy(desc(ctcaeLoads.id)).limit(1).get() ?? null;
      const terms = existing.size + added.length;
      tx.insert(ctcaeLoads)
        .values({
          fileName: input.fileName,
          sha256,
          terms,
          added: added.length,
          updated: updated.length,
          loadedBy: ctx.actor.id,
          loadedAt: ctx.now().toISOString(),
        })
        .run();
      recordAudit(ctx, {
        action: 'load',
        entity: 'ctcae',
        entityId: sha256.slice(0, 12),
        changes: {
          fileName: [last?.fileName ?? null, input.fileName],
          sha256: [last?.sha256 ?? null, sha256],
          terms: [existing.size, terms],
          added: [null, added.length],
          updated: [null, updated.length],
          ...(updated.length > 0 ? { updatedCodes: [null, updated.map((t) => t.meddraCode).join(', ')] } : {}),
        },
      });
      return result;
    },
    { behavior: 'immediate' },
  );
  if (counts.added > 0 || counts.updated > 0) {
    // the picker's copy: rebuilt now, so that the first search after a load does not wait for it
    cache.delete(ctx.db.$client);
    terms(ctx.db);
  }
  return { ...ctcaeStatus(ctx.db), ...counts };
}

// ---------- status ----------

export function ctcaeStatus(db: AppDb): CtcaeStatus {
  const { terms, socs } = db.$client
    .prepare('SELECT count(*) AS terms, count(DISTINCT soc) AS socs FROM ctcae_terms')
    .get() as { terms: number; socs: number };
  const last = db
    .select({ loadedAt: ctcaeLoads.loadedAt, fileName: ctcaeLoads.fileName, sha256: ctcaeLoads.sha256 })
    .from(ctcaeLoads)
    .orderBy(desc(ctcaeLoads.id))
    .limit(1)
    .get();
  return {
    terms,
    socs,
    loadedAt: last?.loadedAt ?? null,
    fileName: last?.fileName ?? null,
    sha256: last?.sha256 ?? null,
  };
}

// ---------- search ----------

interface CachedTerm {
  view: CtcaeTermView;
  term: string;
  soc: string;
  /** where the words of the term start (after a space, hyphen, bracket, slash …) */
  wordStarts: number[];
}
interface Cache {
  stamp: string;
  terms: CachedTerm[];
  byCode: Map<string, CachedTerm>;
}
const cache = new WeakMap<Database.Database, Cache>();

const toView = (t: typeof ctcaeTerms.$inferSelect): CtcaeTermView => ({
  meddraCode: t.meddraCode,
  soc: t.soc,
  term: t.term,
  grades: [t.grade1, t.grade2, t.grade3, t.grade4, t.grade5],
  definition: t.definition,
  navigationalNote: t.navigationalNote,
});

/** Changes whenever the dictionary can have: a load (its row) or terms written by other means (their count). */
const stampOf = (sqlite: Database.Database): string =>
  (
    sqlite
      .prepare(
        `SELECT (SELECT count(*) FROM ctcae_terms) || ':' || coalesce((SELECT max(id) FROM ctcae_loads), 0) || ':' ||
                coalesce((SELECT sha256 FROM ctcae_loads ORDER BY id DESC LIMIT 1), '') AS stamp`,
      )
      .get() as { stamp: string }
  ).stamp;

function terms(db: AppDb): Cache {
  const stamp = stampOf(db.$client);
  const hit = cache.get(db.$client);
  if (hit && hit.stamp === stamp) return hit;
  const list = db
    .select()
    .from(ctcaeTerms)
    .orderBy(asc(ctcaeTerms.position), asc(ctcaeTerms.meddraCode))
    .all()
    .map((t): CachedTerm => {
      const term = t.term.toLowerCase();
      const wordStarts = [0, ...[...term.matchAll(/[^\p{L}\p{N}](?=[\p{L}\p{N}])/gu)].map((m) => m.index + 1)];
      return { view: toView(t), term, soc: t.soc.toLowerCase(), wordStarts };
    });
  const fresh: Cache = { stamp, terms: list, byCode: new Map(list.map((t) => [t.view.meddraCode, t])) };
  cache.set(db.$client, fresh);
  return fresh;
}

/** 0 term starts with q, 1 a word of the term does, 2 the term contains it, 3 the SOC does, 4 a code prefix; else -1. */
function rank(t: CachedTerm, q: string, code: boolean): number {
  const at = t.term.indexOf(q);
  if (at === 0) return 0;
  if (at > 0) {
    for (let i = at; i >= 0; i = t.term.indexOf(q, i + 1)) if (t.wordStarts.includes(i)) return 1;
    return 2;
  }
  if (t.soc.includes(q)) return 3;
  if (code && t.view.meddraCode.startsWith(q)) return 4;
  return -1;
}

/**
 * The picker's search: term, SOC name or MedDRA code prefix, case-insensitive; ranked (term starts with the query, a
 * word of the term does, the term contains it, the SOC does, a code) and in NCI's order within a rank. An empty query
 * lists the first terms (of the SOC, when one is chosen).
 */
export function searchCtcae(db: AppDb, q: ParsedInputOf<'ctcae.search'>): CtcaeTermView[] {
  const query = q.query
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase();
  const all = terms(db).terms;
  const pool = q.soc === null ? all : all.filter((t) => t.view.soc === q.soc);
  if (query === '') return pool.slice(0, q.limit).map((t) => t.view);
  const code = /^\d+$/.test(query);
  const ranks: CachedTerm[][] = [[], [], [], [], []];
  for (const t of pool) {
    const r = rank(t, query, code);
    if (r >= 0) ranks[r]!.push(t);
  }
  return ranks
    .flat()
    .slice(0, q.limit)
    .map((t) => t.view);
}

export function getCtcaeTerm(db: AppDb, meddraCode: string): CtcaeTermView | null {
  return terms(db).byCode.get(meddraCode.trim())?.view ?? null;
}
