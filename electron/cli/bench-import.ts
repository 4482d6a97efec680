/**
 * The import figures of `npm run bench` (issue 7, item 10) and the generated workbooks they read and write.
 *
 * - `aeImportWorkbook`: a sponsor's AE listing of N rows × 12 columns (subject no., AE no., verbatim term, MedDRA code,
 *   grade, start, end, ongoing, serious, causality, action, outcome), every row valid for the study it is made for
 *   (its subjects; dates from each one's consent to today; a grade the CTCAE term defines), written as Excel writes
 *   it (shared strings, real date cells), so that the import commits all of it.
 * - `importTask` (child): what a user does, validateImport + commitImport, timed from the file's bytes.
 * - `rawImportTask` (child): exceljs's streaming reader alone over the same file, each row inserted by a prepared
 *   better-sqlite3 statement into a plain table, in one transaction (the issue's baseline).
 * - `rawStoreTask` (child): the same reader, the same rows stored where the import stores them — adverse_events with
 *   its indexes and foreign keys, and an audit event each on the hash chain — by prepared statements in one
 *   transaction, with no checks, no report and no diff: what any import that keeps the schema and the audit trail
 *   must do. Our import against it is the overhead of reading safely, checking and deciding.
 * - `writeTask` / `rawGeneratedWriteTask` (child): our writer against exceljs's streaming writer on the same 100,000 × 12
 *   generated cells.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { openDatabase } from '../../db/open';
import { openSqlite } from '../../db/sqlite';
import { contract } from '../api';
import { commitImport, validateImport } from '../core/exchange/import/engine';
import { importKind } from '../core/exchange/import/kinds';
import { CAUSALITY } from '../core/exchange/vocab';
import { parseInput } from '../core/validation';
import { sheet, writeWorkbook, type ColumnKind, type Scalar } from '../excel/write';

export const IMPORT_ROWS = 100_000;

/**
 * A bench child run from its bundle (bench-exchange.ts) finds the migrations where the parent says: the bundle's own
 * folder is a temporary one. Run through tsx, it needs nothing.
 */
export const childOpenOptions = () =>
  process.env.TRIALDESK_BENCH_MIGRATIONS ? { migrationsFolder: process.env.TRIALDESK_BENCH_MIGRATIONS } : {};

/**
 * This process's peak RSS in MB. On Linux, VmHWM: it starts afresh at exec, whereas ru_maxrss keeps the peak of the
 * image forked from the parent (a bench child spawned by the bench, which holds the large seed, would report 1.5 GB).
 */
export function maxRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux: ru_maxrss
  }
  return process.resourceUsage().maxRSS / 1024;
}
/** CPU time of this process (all threads, user + system): steadier than wall time on a machine others share */
export const cpuMs = (since?: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

/** The sponsor's headers (Chinese, as the site's sponsors send them); the import matches them to its AE fields. */
export const AE_IMPORT_HEADERS = [
  '受试者编号',
  'AE 编号',
  'AE 名称（原始描述）',
  'MedDRA 编码',
  'CTCAE 分级',
  '开始日期',
  '结束日期',
  '持续',
  '严重不良事件',
  '与研究药物的关系',
  '对研究药物采取的措施',
  '转归',
] as const;

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string): number => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS);

export interface AeImportSource {
  studyId: number;
  protocol: string;
  /** the study's own-center subjects with a consent date */
  subjects: { number: string; consent: string }[];
  /** CTCAE terms with grades 1–3 defined (empty: the database has no dictionary; the MedDRA code stays blank) */
  terms: { code: string; term: string }[];
  /** the first AE number free for every subject */
  firstAeNumber: number;
}

/**
 * The CTCAE-graded study with the most consented subjects at the site's own center (the large seed: a ~1,600-subject
 * study), with what a valid AE of it needs.
 */
export function aeImportSource(sqlite: Database.Database): AeImportSource {
  const study = sqlite
    .prepare(
      `SELECT st.id, st.protocol_number AS protocol FROM subjects s
         JOIN studies st ON st.id = s.study_id JOIN centers c ON c.id = s.center_id AND c.is_own = 1
         LEFT JOIN safety_settings ss ON ss.study_id = st.id
       WHERE s.first_consent_date IS NOT NULL AND s.subject_number IS NOT NULL
         AND coalesce(ss.severity_scale, 'ctcae') = 'ctcae'
       GROUP BY st.id ORDER BY count(*) DESC, st.id LIMIT 1`,
    )
    .get() as { id: number; protocol: string } | undefined;
  if (!study) throw new Error('no CTCAE-graded study with consented subjects at the own center');
  const subjects = sqlite
    .prepare(
      `SELECT s.subject_number AS number, s.first_consent_date AS consent FROM subjects s
         JOIN centers c ON c.id = s.center_id AND c.is_own = 1
       WHERE s.study_id = ? AND s.first_consent_date IS NOT NULL AND s.subject_number IS NOT NULL ORDER BY s.id`,
    )
    .all(study.id) as { number: string; consent: string }[];
  const terms = sqlite
    .prepare(
      `SELECT meddra_code AS code, term FROM ctcae_terms
       WHERE grade1 IS NOT NULL AND grade2 IS NOT NULL AND grade3 IS NOT NULL ORDER BY meddra_code`,
    )
    .all() as { code: string; term: string }[];
  const maxAe = (
    sqlite.prepare('SELECT coalesce(max(ae_number), 0) AS n FROM adverse_events WHERE study_id = ?').get(study.id) as {
      n: number;
    }
  ).n;
  return { studyId: study.id, protocol: study.protocol, subjects, terms, firstAeNumber: maxAe + 1 };
}

const VERBATIM = ['中性粒细胞计数降低', '贫血', '恶心', '乏力', '皮疹', '腹泻', '发热', '血小板计数降低'];
const ACTIONS = ['DOSE NOT CHANGED', 'DRUG INTERRUPTED', 'DOSE REDUCED', 'NOT APPLICABLE'];
const causalityLabels = CAUSALITY.entries.map((e) => e.zh);

/**
 * Row i of the AE listing: every rule of checkAe holds (dates between consent and `today`, end after start, ongoing
 * exactly when there is no end date, not serious, a grade the term defines, an outcome that is not fatal).
 */
export function aeImportRow(src: AeImportSource, today: string, i: number): (string | number | Date | null)[] {
  const s = src.subjects[i % src.subjects.length]!;
  const nth = Math.floor(i / src.subjects.length);
  const span = Math.max(0, daysBetween(s.consent, today));
  const start = addDays(s.consent, span === 0 ? 0 : (i * 7) % (span + 1));
  const ongoing = i % 3 === 0;
  const end = ongoing ? null : addDays(start, Math.min(i % 10, daysBetween(start, today)));
  const term = src.terms.length ? src.terms[i % src.terms.length]! : null;
  const date = (d: string) => new Date(`${d}T00:00:00Z`);
  return [
    s.number,
    src.firstAeNumber + nth,
    term ? term.term : VERBATIM[i % VERBATIM.length]!,
    term ? term.code : null,
    1 + (i % 3),
    date(start),
    end === null ? null : date(end),
    ongoing ? '是' : '否',
    'N',
    causalityLabels[i % causalityLabels.length]!,
    ACTIONS[i % ACTIONS.length]!,
    ongoing ? 'NOT RECOVERED/NOT RESOLVED' : 'RECOVERED/RESOLVED',
  ];
}

/** Writes the AE listing as Excel would: a title row above the header, shared strings, real date cells. */
export async function writeAeImportWorkbook(
  file: string,
  src: AeImportSource,
  today: string,
  rows: number,
): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: true });
  const ws = wb.addWorksheet('AE');
  ws.columns = AE_IMPORT_HEADERS.map((_, i) => ({
    width: 14,
    style: i === 5 || i === 6 ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  ws.addRow([`${src.protocol} 不良事件汇总表`]).commit();
  ws.addRow([...AE_IMPORT_HEADERS]).commit();
  for (let i = 0; i < rows; i++) ws.addRow(aeImportRow(src, today, i)).commit();
  ws.commit();
  await wb.commit();
}

// ---------- the measured tasks (each in a child of its own: bench-child.ts) ----------

/**
 * validateImport + commitImport of `file` into the study `protocol` of `db`, as the site's investigator (who may
 * give causality), on a clock at `nowIso` (the instant the workbook was made for).
 */
export async function importTask(db: string, protocol: string, file: string, nowIso: string) {
  const opened = await openDatabase(db, childOpenOptions());
  try {
    const study = opened.db.$client.prepare('SELECT id FROM studies WHERE protocol_number = ?').get(protocol) as {
      id: number;
    };
    const ctx = { db: opened.db, actor: { id: null, username: 'bench' }, now: () => new Date(nowIso) };
    const rssBefore = maxRssMb();
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    const bytes = readFileSync(file);
    const input = parseInput(contract['imports.validate'].input, {
      kind: 'aes',
      studyId: study.id,
      fileName: 'bench-aes.xlsx',
      base64: bytes.toString('base64'),
      jobId: 'bench-import',
      lang: 'zh-CN',
      utcOffsetMinutes: 480,
    });
    const report = await validateImport(ctx, { kind: importKind('aes'), input, role: 'investigator', saved: null });
    const validatedMs = performance.now() - t;
    if (!report.token)
      throw new Error(
        `import refused: ${report.rejected.length} rejected cells, e.g. ${JSON.stringify(report.rejected.slice(0, 3))}`,
      );
    const done = commitImport(ctx, report.token);
    const ms = performance.now() - t;
    return {
      ms,
      cpuMs: cpuMs(cpu0),
      validateMs: validatedMs,
      commitMs: ms - validatedMs,
      maxRssMb: maxRssMb(),
      rssBeforeMb: rssBefore,
      created: done.created,
      bytes: bytes.length,
    };
  } finally {
    opened.close();
  }
}

/** exceljs's streaming reader + a prepared INSERT into a plain table of a fresh file (the app's pragmas), one transaction. */
export async function rawImportTask(file: string, db: string) {
  const sqlite = openSqlite(db);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.exec(`CREATE TABLE rows (id INTEGER PRIMARY KEY, ${AE_IMPORT_HEADERS.map((_, i) => `c${i}`).join(', ')})`);
    const insert = sqlite.prepare(
      `INSERT INTO rows (${AE_IMPORT_HEADERS.map((_, i) => `c${i}`).join(', ')}) VALUES (${AE_IMPORT_HEADERS.map(() => '?').join(', ')})`,
    );
    const rssBefore = maxRssMb();
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache' });
    const params: unknown[] = new Array<unknown>(AE_IMPORT_HEADERS.length);
    let n = 0;
    sqlite.exec('BEGIN');
    for await (const ws of reader as AsyncIterable<AsyncIterable<ExcelJS.Row>>) {
      for await (const row of ws) {
        if (row.number <= 2) continue; // title and header
        const values = row.values as ExcelJS.CellValue[];
        for (let i = 0; i < params.length; i++) {
          const v = values[i + 1];
          params[i] = v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? null);
        }
        insert.run(params);
        n++;
      }
    }
    sqlite.exec('COMMIT');
    return { ms: performance.now() - t, cpuMs: cpuMs(cpu0), maxRssMb: maxRssMb(), rssBeforeMb: rssBefore, rows: n };
  } finally {
    sqlite.close();
  }
}

/** A row's cell as stored text: a date cell as YYYY-MM-DD, anything else as it is. */
const rawValue = (v: ExcelJS.CellValue | undefined) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : v === undefined ? null : (v as string | number | null);

/**
 * The AE rows of `file` stored into `db` (a copy of the seeded file) for the study `protocol` as plainly as they can be:
 * subject and CTCAE term looked up in maps read once, each row inserted into adverse_events as read, then one
 * audit_events row per AE (its values as JSON, seq and SHA-256 chained from the trail's head), one transaction.
 */
export async function rawStoreTask(db: string, protocol: string, file: string) {
  const sqlite = openSqlite(db);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    const study = sqlite.prepare('SELECT id FROM studies WHERE protocol_number = ?').get(protocol) as { id: number };
    const subjectRows = sqlite
      .prepare('SELECT id, center_id, subject_number FROM subjects WHERE study_id = ? AND subject_number IS NOT NULL')
      .all(study.id) as { id: number; center_id: number; subject_number: string }[];
    const subjectOf = new Map(subjectRows.map((r) => [r.subject_number, r]));
    const terms = new Map(
      (
        sqlite.prepare('SELECT meddra_code, term, soc FROM ctcae_terms').all() as {
          meddra_code: string;
          term: string;
          soc: string;
        }[]
      ).map((t) => [t.meddra_code, t]),
    );
    const insert = sqlite.prepare(
      `INSERT INTO adverse_events (study_id, center_id, subject_id, ae_number, verbatim_term, ctcae_code, ctcae_term, soc,
         grade, start_date, end_date, ongoing, serious, serious_criteria, causality, action, outcome, created_at,
         updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?)`,
    );
    const audit = sqlite.prepare(
      `INSERT INTO audit_events (seq, at, actor_id, actor, action, entity, entity_id, study_id, subject_id, changes,
         reason, prev_hash, hash)
       VALUES (?, ?, NULL, 'bench', 'create', 'adverse_event', ?, ?, ?, ?, NULL, ?, ?)`,
    );
    const rssBefore = maxRssMb();
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    const now = new Date().toISOString();
    const events: { id: number; subjectId: number; changes: string }[] = [];
    sqlite.exec('BEGIN IMMEDIATE');
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache' });
    for await (const ws of reader as AsyncIterable<AsyncIterable<ExcelJS.Row>>) {
      for await (const row of ws) {
        if (row.number <= 2) continue; // title and header
        const v = (row.values as ExcelJS.CellValue[]).slice(1, 13).map(rawValue);
        const subject = subjectOf.get(String(v[0]))!;
        const term = terms.get(String(v[3]));
        const params = [
          study.id,
          subject.center_id,
          subject.id,
          v[1],
          v[2],
          v[3],
          term?.term ?? null,
          term?.soc ?? null,
          v[4],
          v[5],
          v[6],
          v[7] === '是' ? 1 : 0,
          v[8] === 'Y' ? 1 : 0,
          v[9],
          v[10],
          v[11],
          now,
          now,
        ];
        const id = Number(insert.run(params).lastInsertRowid);
        events.push({ id, subjectId: subject.id, changes: JSON.stringify(params) });
      }
    }
    const head = sqlite.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    let { seq, hash } = head;
    for (const e of events) {
      seq++;
      const next = createHash('sha256')
        .update(hash + JSON.stringify([seq, now, e.id, study.id, e.subjectId, e.changes]))
        .digest('hex');
      audit.run(seq, now, String(e.id), study.id, e.subjectId, e.changes, hash, next);
      hash = next;
    }
    sqlite.exec('COMMIT');
    return {
      ms: performance.now() - t,
      cpuMs: cpuMs(cpu0),
      maxRssMb: maxRssMb(),
      rssBeforeMb: rssBefore,
      rows: events.length,
    };
  } finally {
    sqlite.close();
  }
}

// ---------- generated cells for the writer ----------

const WRITE_KINDS: ColumnKind[] = [
  'text',
  'integer',
  'text',
  'text',
  'integer',
  'date',
  'date',
  'text',
  'text',
  'text',
  'text',
  'text',
];

/** Row i of the writer's 100,000 × 12 cells, as the app has them: dates as 'YYYY-MM-DD' text. */
function generatedRow(i: number): Scalar[] {
  const start = addDays('2024-01-01', i % 700);
  return [
    `01-${String(1 + (i % 2000)).padStart(4, '0')}`,
    1 + Math.floor(i / 2000),
    VERBATIM[i % VERBATIM.length]!,
    String(10_000_000 + (i % 837)),
    1 + (i % 5),
    start,
    i % 3 === 0 ? null : addDays(start, i % 10),
    i % 3 === 0 ? '是' : '否',
    i % 7 === 0 ? '是' : '否',
    causalityLabels[i % causalityLabels.length]!,
    ACTIONS[i % ACTIONS.length]!,
    i % 3 === 0 ? '未恢复/未解决' : '已恢复/已解决',
  ];
}

/** Our writer (excel/write.ts) writing the generated cells: header, styles, widths, autofilter, date cells. */
export async function writeTask(out: string, rows: number) {
  const data = Array.from({ length: rows }, (_, i) => generatedRow(i));
  const rssBefore = maxRssMb();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  await writeWorkbook(out, {
    sheets: [
      sheet<Scalar[]>({
        name: 'AE',
        columns: AE_IMPORT_HEADERS.map((header, i) => ({ header, kind: WRITE_KINDS[i]!, value: (r) => r[i] })),
        rows: data,
      }),
    ],
    creator: 'bench',
    now: new Date(),
    utcOffsetMinutes: 480,
  });
  return {
    ms: performance.now() - t,
    cpuMs: cpuMs(cpu0),
    maxRssMb: maxRssMb(),
    rssBeforeMb: rssBefore,
    cells: rows * 12,
  };
}

/** exceljs's streaming writer alone, the same cells (dates already Date values), nothing of ours around it. */
export async function rawGeneratedWriteTask(out: string, rows: number) {
  const toDate = (v: Scalar) => (typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v);
  const data = Array.from({ length: rows }, (_, i) => {
    const r: (Scalar | Date)[] = generatedRow(i);
    r[5] = toDate(r[5] as Scalar);
    r[6] = toDate(r[6] as Scalar);
    return r;
  });
  const rssBefore = maxRssMb();
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('AE');
  ws.addRow([...AE_IMPORT_HEADERS]).commit();
  for (const r of data) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
  return {
    ms: performance.now() - t,
    cpuMs: cpuMs(cpu0),
    maxRssMb: maxRssMb(),
    rssBeforeMb: rssBefore,
    cells: rows * 12,
  };
}
