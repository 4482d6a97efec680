import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openForCommand } from './open';
import { contract, type ImportKind, type InputOf } from '../api';
import { AppError } from '../core/errors';
import { commitImport, validateImport } from '../core/exchange/import/engine';
import { importKind } from '../core/exchange/import/kinds';
import { reportWorkbook, studyLabel } from '../core/exchange/import/report';
import { writeBytes } from '../excel/write';
import { translate } from '../core/messages';
import { getLocale } from '../core/settings/settings';
import { parseInput } from '../core/validation';
import { EXIT, type CliIo, type ExitCode } from './io';

export interface ImportArgs {
  kind: ImportKind;
  file: string;
  /** protocol number; may be omitted where the file names the study */
  study: string | null;
  dryRun: boolean;
  json: boolean;
  /** where to write the validation report as a workbook (in the database's language), or null */
  report: string | null;
}

/** The largest file the command reads into memory (the reader refuses larger ones anyway). */
const MAX_BYTES = 100 * 1024 * 1024;

/**
 * `import <kind> <file> --study <protocol> [--dry-run] --json [--report <out.xlsx>]`: the screens' import (validate, then commit all or
 * nothing) for scripts. Prints {"created","updated","unchanged","rejected":[{"sheet","row","column","value","reason"}]};
 * exits 1 when anything was rejected (nothing is written then) or the import failed.
 */
export async function importCommand(file: string, args: ImportArgs, io: CliIo): Promise<ExitCode> {
  const opened = await openForCommand(file, io);
  if (!opened) return EXIT.failed;
  const lang = getLocale(opened.db);
  try {
    let studyId: number | null = null;
    if (args.study !== null) {
      const row = opened.db.$client
        .prepare('SELECT id FROM studies WHERE lower(protocol_number) = lower(?)')
        .get(args.study.trim()) as { id: number } | undefined;
      if (!row) {
        io.err(`No study with protocol number ${args.study}.`);
        return EXIT.failed;
      }
      studyId = row.id;
    }
    const size = statSync(args.file).size;
    if (size > MAX_BYTES) {
      io.err(translate(lang, 'excel.tooLarge', { size: `${(size / 1048576).toFixed(0)} MB`, max: '100 MB' }));
      return EXIT.failed;
    }
    const payload: InputOf<'imports.validate'> = {
      kind: args.kind,
      studyId,
      fileName: path.basename(args.file),
      base64: readFileSync(args.file).toString('base64'),
      jobId: randomUUID(),
      lang,
      utcOffsetMinutes: -new Date().getTimezoneOffset(),
    };
    const ctx = {
      db: opened.db,
      actor: { id: null, username: `cli:${os.userInfo().username}` },
      now: () => new Date(),
    };
    const input = parseInput(contract['imports.validate'].input, payload);
    const validatedAt = ctx.now().toISOString();
    const report = await validateImport(ctx, { kind: importKind(args.kind), input, role: 'admin', saved: null });
    if (args.report !== null) {
      // the report is of the validation: written before the commit, whatever the commit then does
      const meta = {
        study: studyLabel(opened.db, report.studyId),
        validatedAt,
        utcOffsetMinutes: input.utcOffsetMinutes,
      };
      await writeBytes(args.report, await reportWorkbook(report, lang, meta));
    }
    const rejected = report.rejected.map((r) => ({
      sheet: r.sheet,
      row: r.row,
      column: r.column,
      value: r.value,
      reason: r.reason,
    }));
    let counts = { created: report.created, updated: report.updated, unchanged: report.unchanged };
    if (!args.dryRun && report.token) {
      const done = commitImport(ctx, report.token);
      counts = { created: done.created, updated: done.updated, unchanged: done.unchanged };
    } else if (!args.dryRun) counts = { created: 0, updated: 0, unchanged: report.unchanged };
    if (args.json) io.out(JSON.stringify({ ...counts, rejected }));
    else {
      io.out(
        `${args.dryRun ? 'Checked' : rejected.length ? 'Refused' : 'Imported'} ${args.file}: ${counts.created} to create, ` +
          `${counts.updated} to update, ${counts.unchanged} unchanged, ${rejected.length} rejected cell(s).`,
      );
      for (const r of rejected) io.out(`  ${r.sheet} row ${r.row} ${r.column}: ${r.value} — ${r.reason}`);
    }
    return rejected.length > 0 ? EXIT.failed : EXIT.ok;
  } catch (err) {
    if (err instanceof AppError) {
      const e = err.error;
      io.err(`Import refused: ${translate(lang, e.messageKey, e.params)}`);
      return EXIT.failed;
    }
    io.err(`Import failed: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    opened.close();
  }
}
