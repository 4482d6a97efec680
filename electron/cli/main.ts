/**
 * The admin command line: `npm run cli -- <command> --db <file> …`. Commands run over the same core services (and the
 * same database opening) as the app. `main` returns the exit code and never calls process.exit, so tests call it directly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SCALES, type DemoScale } from '../core/demo/plan';
import { auditCommand } from './audit';
import { backupCommand } from './backup';
import { restoreCommand } from './restore';
import { EXIT, processIo, type CliIo, type ExitCode } from './io';
import { seedDemoCommand } from './seed-demo';
import { exportCommand } from './export';
import { importCommand } from './import';
import { importKinds, type ImportKind } from '../api';
import { verifyCommand } from './verify';

export const USAGE = `TrialDesk admin command line

Usage: npm run cli -- <command> --db <file> [options]

Commands:
  verify --db <file>                  check a database: open (settings, quick_check, migrations), integrity_check,
                                      foreign_key_check, the audit chain and its append-only triggers
  backup <dir> --db <file>            online backup to <dir>/trialdesk-<UTC time>.sqlite, verified
  restore <backup-file> --db <file>   replace the database with a backup after checking it (SQLite, TrialDesk,
                                      integrity, audit chain, not newer than this version); the current file is
                                      kept aside in its backup folder first. Run it with the app closed.
  seed-demo --db <file> [--scale small|large]
                                      fill a database without studies with deterministic demo data and accounts
                                      (small: 8 studies; large: 300 studies, 1,500 centers)
  audit --json --db <file> [--limit N]
                                      the audit trail as JSON Lines (one event per line), newest first; read-only
  import <kind> <file> --db <file> [--study <protocol>] [--dry-run] [--json] [--report <out.xlsx>]
                                      validate a workbook and, unless --dry-run, commit it all or nothing; kinds: aes
                                      (study, subjects, visits, sdtm to come); --json prints {created, updated,
                                      unchanged, rejected:[{sheet,row,column,value,reason}]}; exit 1 if any rejected;
                                      --report writes the validation report as a workbook (summary, rejected cells)
  export <protocol> <out.xlsx> --db <file> [--sdtm] [--since-last <recipient>] [--recipient <name>] [--lang zh-CN|en]
                                      a de-identified workbook of the study (the sponsor's logs, or SDTM domains),
                                      recorded as a delivery; --since-last: only what changed since the last delivery
                                      to that recipient, with a change log
  help                                this text

Exit codes: 0 done, 1 a check or the operation failed, 2 wrong command line or no such database.`;

export interface MainOptions {
  /** the clock of `backup` file names (tests) */
  now?: () => Date;
  /** where relative paths start (default: the folder npm was started in, else the current folder) */
  cwd?: string;
}

function usageError(io: CliIo, message: string): ExitCode {
  io.err(message);
  io.err('');
  io.err(USAGE);
  return EXIT.usage;
}

export async function main(argv: readonly string[], io: CliIo = processIo, opts: MainOptions = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        db: { type: 'string' },
        scale: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        limit: { type: 'string' },
        sdtm: { type: 'boolean' },
        'since-last': { type: 'string' },
        recipient: { type: 'string' },
        lang: { type: 'string' },
        study: { type: 'string' },
        'dry-run': { type: 'boolean' },
        report: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    return usageError(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return EXIT.usage;
  }
  // `npm run` starts scripts in the package folder; paths the user typed are relative to where they typed them
  const cwd = opts.cwd ?? process.env.INIT_CWD ?? process.cwd();
  const resolve = (p: string) => path.resolve(cwd, p);

  const known = ['verify', 'backup', 'restore', 'seed-demo', 'audit', 'export', 'import'];
  if (!known.includes(command)) return usageError(io, `Unknown command: ${command}`);
  if (values.db === undefined || values.db.trim() === '') return usageError(io, `${command} needs --db <file>`);
  const db = resolve(values.db);
  const expectedPositionals =
    command === 'backup' || command === 'restore' ? 1 : command === 'export' || command === 'import' ? 2 : 0;
  if (rest.length > expectedPositionals) return usageError(io, `Unexpected argument: ${rest[expectedPositionals]}`);
  if (values.scale !== undefined && command !== 'seed-demo') return usageError(io, `--scale is for seed-demo only`);
  if (values.json !== undefined && command !== 'audit' && command !== 'import')
    return usageError(io, `--json is for audit and import only`);
  if (values.limit !== undefined && command !== 'audit') return usageError(io, `--limit is for audit only`);
  if (
    (values.study !== undefined || values['dry-run'] !== undefined || values.report !== undefined) &&
    command !== 'import'
  )
    return usageError(io, `--study, --dry-run and --report are for import only`);
  const exportOnly = [values.sdtm, values['since-last'], values.recipient, values.lang].some((v) => v !== undefined);
  if (exportOnly && command !== 'export')
    return usageError(io, `--sdtm, --since-last, --recipient and --lang are for export only`);

  switch (command) {
    case 'verify':
      if (!existsSync(db)) {
        io.err(`No database at ${db} (verify does not create one).`);
        return EXIT.usage;
      }
      return verifyCommand(db, io);
    case 'audit': {
      if (!values.json) return usageError(io, 'audit needs --json (JSON Lines is its only output)');
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
        return usageError(io, `--limit must be a whole number above 0, not ${values.limit}`);
      }
      if (!existsSync(db)) {
        io.err(`No database at ${db}.`);
        return EXIT.usage;
      }
      return auditCommand(db, limit, io);
    }
    case 'backup': {
      const dir = rest[0];
      if (dir === undefined) return usageError(io, 'backup needs the folder to write to: backup <dir> --db <file>');
      if (!existsSync(db)) {
        io.err(`No database at ${db}.`);
        return EXIT.usage;
      }
      return backupCommand(db, resolve(dir), io, opts.now);
    }
    case 'restore': {
      const candidate = rest[0];
      if (candidate === undefined)
        return usageError(io, 'restore needs the backup file: restore <backup-file> --db <file>');
      if (!existsSync(db)) {
        io.err(`No database at ${db}.`);
        return EXIT.usage;
      }
      return restoreCommand(db, resolve(candidate), io, { now: opts.now });
    }
    case 'export': {
      const [protocol, out] = rest;
      if (protocol === undefined || out === undefined)
        return usageError(io, 'export needs the study and the file: export <protocol> <out.xlsx> --db <file>');
      if (values.lang !== undefined && values.lang !== 'zh-CN' && values.lang !== 'en')
        return usageError(io, `--lang must be zh-CN or en, not ${values.lang}`);
      if (!existsSync(db)) {
        io.err(`No database at ${db}.`);
        return EXIT.usage;
      }
      const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
      return exportCommand(
        db,
        {
          protocol,
          out: resolve(out),
          sdtm: values.sdtm ?? false,
          sinceLast: values['since-last'] ?? null,
          recipient: values.recipient ?? null,
          lang: values.lang ?? 'zh-CN',
          version,
        },
        io,
      );
    }
    case 'import': {
      const [kind, input] = rest;
      if (kind === undefined || input === undefined)
        return usageError(io, 'import needs the kind and the file: import <kind> <file> --db <file>');
      if (!importKinds.includes(kind as ImportKind))
        return usageError(io, `the kind must be one of ${importKinds.join(', ')}, not ${kind}`);
      if (!existsSync(db)) {
        io.err(`No database at ${db}.`);
        return EXIT.usage;
      }
      if (!existsSync(resolve(input))) {
        io.err(`No file at ${resolve(input)}.`);
        return EXIT.usage;
      }
      return importCommand(
        db,
        {
          kind: kind as ImportKind,
          file: resolve(input),
          study: values.study ?? null,
          dryRun: values['dry-run'] ?? false,
          json: values.json ?? false,
          report: values.report === undefined ? null : resolve(values.report),
        },
        io,
      );
    }
    default: {
      const scale = values.scale ?? 'small';
      if (!DEMO_SCALES.includes(scale as DemoScale)) {
        return usageError(io, `--scale must be ${DEMO_SCALES.join(' or ')}, not ${scale}`);
      }
      return seedDemoCommand(db, scale as DemoScale, io);
    }
  }
}
