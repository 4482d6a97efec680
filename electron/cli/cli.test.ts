import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { DEMO_ACCOUNTS } from '../core/demo/seed';
import { bufferIo } from './io';
import { main } from './main';

let dir: string;
let seeded: string;
const root = path.resolve(import.meta.dirname, '../..');

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io, { cwd: dir, now: () => new Date('2026-01-05T08:30:00.000Z') });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}
/** a copy of the seeded file, so that each test may spoil its own */
function copyOf(name: string): string {
  const file = path.join(dir, name);
  copyFileSync(seeded, file);
  return file;
}
const all = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-cli-'));
  seeded = path.join(dir, 'seeded.sqlite');
  const r = await run('seed-demo', '--db', 'seeded.sqlite', '--scale', 'small'); // relative to cwd
  expect(r).toMatchObject({ code: 0, err: '' });
  expect(r.out).toContain('8 studies');
  expect(r.out).toContain(`${DEMO_ACCOUNTS[0]!.username} / ${DEMO_ACCOUNTS[0]!.password}`);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli: usage', () => {
  it('prints the usage and exits 2 for help, no command, an unknown command or option', async () => {
    for (const argv of [['help'], [], ['--help']]) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toContain('Usage: npm run cli');
    }
    const unknown = await run('frobnicate', '--db', 'x.sqlite');
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toMatch(/^Unknown command: frobnicate/);
    expect((await run('verify', '--db', 'x', '--nope')).code).toBe(2);
    expect((await run('verify')).err).toMatch(/needs --db/);
    expect((await run('seed-demo', '--db', 'n.sqlite', '--scale', 'huge')).err).toMatch(
      /--scale must be small or large/,
    );
    expect((await run('backup', '--db', 'seeded.sqlite')).code).toBe(2);
    expect(existsSync(path.join(dir, 'n.sqlite'))).toBe(false);
  });
});

describe('cli: verify', () => {
  it('passes a good file, printing each check', async () => {
    const r = await run('verify', '--db', seeded);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const name of ['open', 'integrity_check', 'foreign_key_check', 'audit chain', 'audit triggers']) {
      expect(r.out).toMatch(new RegExp(`^ok +${name}`, 'm'));
    }
    expect(r.out).toMatch(/All checks passed/);
  });

  it('fails naming the first broken audit event after tampering', async () => {
    const file = copyOf('tampered.sqlite');
    const db = new Database(file);
    db.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET reason = 'x' WHERE seq = 3");
    db.close();
    const r = await run('verify', '--db', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^FAILED audit chain: event 3 hash mismatch/);
    expect(r.out).toMatch(/^FAILED +audit chain: event 3 hash mismatch/m);
    expect(r.out).toMatch(/^FAILED +audit triggers: missing or altered: audit_events_no_update/m);
    expect(r.out).toMatch(/^ok +integrity_check/m);
  });

  it('names a removed event as a broken link', async () => {
    const file = copyOf('removed.sqlite');
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 5');
    db.close();
    const r = await run('verify', '--db', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^FAILED audit chain: event 6 /);
  });

  it('says a missing file is missing, exits 2 and does not create it', async () => {
    const r = await run('verify', '--db', 'nothing-here.sqlite');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`No database at ${path.join(dir, 'nothing-here.sqlite')}`);
    expect(existsSync(path.join(dir, 'nothing-here.sqlite'))).toBe(false);
  });

  it('refuses a file that is not a TrialDesk database, without changing it', async () => {
    const text = path.join(dir, 'notes.sqlite');
    writeFileSync(text, 'hello, this is not SQLite at all, just some text that is long enough to have a header');
    const r1 = await run('verify', '--db', text);
    expect(r1.code).toBe(1);
    expect(r1.err).toMatch(/^FAILED open: /);

    const other = path.join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const r2 = await run('verify', '--db', other);
    expect(r2).toMatchObject({ code: 1 });
    expect(r2.err).toMatch(/^FAILED open: not a TrialDesk database/);
    expect(all(other, 'sqlite_master')).toHaveLength(1);
  });

  it('shows a DatabaseOpenError message as it is (a database from a newer TrialDesk)', async () => {
    const file = copyOf('newer.sqlite');
    const db = new Database(file);
    db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('future', 4102444800000);
    db.close();
    const r = await run('verify', '--db', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^FAILED open: This database was written by a newer version of TrialDesk/);
  });
});

describe('cli: backup', () => {
  it('writes a verified copy, prints its path, and the copy opens with the same rows', async () => {
    const r = await run('backup', 'backups', '--db', seeded);
    expect(r).toMatchObject({ code: 0, err: '' });
    const expected = path.join(dir, 'backups', 'trialdesk-2026-01-05T08-30-00-000Z.sqlite');
    expect(r.out.split('\n').at(-1)).toBe(expected);
    expect(readdirSync(path.join(dir, 'backups'))).toEqual([path.basename(expected)]);
    for (const table of ['studies', 'centers', 'users', 'audit_events']) {
      expect(all(expected, table)).toEqual(all(seeded, table));
    }
    const o = await openDatabase(expected);
    o.close();
    expect((await run('verify', '--db', expected)).code).toBe(0);
  });

  it('exits 1 when the copy fails its audit chain, and 2 when the source is missing', async () => {
    const file = copyOf('tampered-for-backup.sqlite');
    const db = new Database(file);
    db.exec("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'someone' WHERE seq = 2");
    db.close();
    const r = await run('backup', 'bad-backups', '--db', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^FAILED audit chain: event 2 hash mismatch/);
    expect((await run('backup', 'x', '--db', 'missing.sqlite')).code).toBe(2);
  });
});

describe('cli: seed-demo', () => {
  it('refuses a database that has studies', async () => {
    const r = await run('seed-demo', '--db', copyOf('again.sqlite'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/already has 8 studies/);
  });
});

describe('cli: export', () => {
  it('writes the sponsor workbook and then only the changes since, recorded as deliveries', async () => {
    const file = copyOf('export.sqlite');
    const { protocol_number: protocol, id } = new Database(file, { readonly: true })
      .prepare('SELECT protocol_number, id FROM studies ORDER BY id LIMIT 1')
      .get() as { protocol_number: string; id: number };
    const full = await run('export', protocol, 'full.xlsx', '--db', 'export.sqlite', '--recipient', 'Sponsor');
    expect(full).toMatchObject({ code: 0, err: '' });
    expect(full.out).toMatch(/^Wrote .*full\.xlsx: 各中心小结 \d+, 筛选表 \d+/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'full.xlsx'));
    expect(wb.worksheets.map((w) => w.name)[0]).toBe('说明');
    expect(wb.getWorksheet('筛选表')!.actualRowCount - 1).toBe(
      (all(file, 'subjects') as { study_id: number }[]).filter((s) => s.study_id === id).length,
    );

    const changes = await run('export', protocol, 'changes.xlsx', '--db', 'export.sqlite', '--since-last', 'Sponsor');
    expect(changes).toMatchObject({ code: 0, err: '' });
    expect(changes.out).toMatch(/筛选表 0, .*变更记录 0 \(delivery \d+, changes since /);
    const deliveries = all(file, 'export_deliveries') as { recipient: string; since_seq: number | null }[];
    expect(deliveries.map((d) => [d.recipient, d.since_seq !== null])).toEqual([
      ['Sponsor', false],
      ['Sponsor', true],
    ]);

    const sdtm = await run('export', protocol, 'sdtm.xlsx', '--db', 'export.sqlite', '--sdtm', '--lang', 'en');
    expect(sdtm.code).toBe(0);
    expect(sdtm.out).toMatch(/DM \d+, DS \d+, SV \d+, AE \d+, TV \d+/);
  });

  it('refuses an unknown study, a missing file argument and a changes export without a previous delivery', async () => {
    copyOf('export2.sqlite');
    expect((await run('export', 'NO-SUCH', 'x.xlsx', '--db', 'export2.sqlite')).code).toBe(1);
    expect((await run('export', 'NO-SUCH', '--db', 'export2.sqlite')).code).toBe(2);
    const protocol = (all(path.join(dir, 'export2.sqlite'), 'studies')[0] as { protocol_number: string })
      .protocol_number;
    const r = await run('export', protocol, 'y.xlsx', '--db', 'export2.sqlite', '--since-last', 'Nobody');
    expect(r.code).toBe(1);
    expect(r.err).toContain('exchange.noPreviousDelivery');
    expect(existsSync(path.join(dir, 'y.xlsx'))).toBe(false);
  });
});

describe('cli: import', () => {
  it('reads our own export back (dry run, JSON), and refuses a bad file naming each cell, writing nothing', async () => {
    const file = copyOf('import.sqlite');
    const db = new Database(file, { readonly: true });
    const { protocol_number: protocol, id } = db
      .prepare(
        `SELECT st.protocol_number, st.id FROM studies st JOIN adverse_events a ON a.study_id = st.id
         LEFT JOIN safety_settings ss ON ss.study_id = st.id WHERE coalesce(ss.severity_scale, 'ctcae') = 'ctcae'
         GROUP BY st.id ORDER BY count(*) DESC LIMIT 1`,
      )
      .get() as { protocol_number: string; id: number };
    const aes = (db.prepare('SELECT count(*) AS n FROM adverse_events WHERE study_id = ?').get(id) as { n: number }).n;
    db.close();
    expect((await run('export', protocol, 'mine.xlsx', '--db', 'import.sqlite')).code).toBe(0);
    const dry = await run(
      'import',
      'aes',
      'mine.xlsx',
      '--db',
      'import.sqlite',
      '--study',
      protocol,
      '--dry-run',
      '--json',
    );
    expect(dry).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(dry.out)).toEqual({ created: 0, updated: 0, unchanged: aes, rejected: [] });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('AE');
    ws.addRow(['受试者编号', 'AE名称', 'CTCAE分级', '开始日期', '转归']);
    ws.addRow(['NOBODY', '发热', 1, '2025-01-10', '痊愈']);
    await wb.xlsx.writeFile(path.join(dir, 'bad.xlsx'));
    const before = all(file, 'adverse_events').length;
    const bad = await run('import', 'aes', 'bad.xlsx', '--db', 'import.sqlite', '--study', protocol, '--json');
    expect(bad.code).toBe(1);
    const out = JSON.parse(bad.out) as { created: number; rejected: Record<string, unknown>[] };
    expect(out.created).toBe(0);
    expect(out.rejected).toEqual([
      { sheet: 'AE', row: 2, column: 'A', value: 'NOBODY', reason: expect.stringContaining('NOBODY') as unknown },
    ]);
    expect(all(file, 'adverse_events').length).toBe(before);
    expect((await run('import', 'nonsense', 'bad.xlsx', '--db', 'import.sqlite')).code).toBe(2);
  });

  it('--report writes the validation report as a workbook: each rejected cell with its reason', async () => {
    copyOf('report.sqlite');
    const protocol = (all(path.join(dir, 'report.sqlite'), 'studies')[0] as { protocol_number: string })
      .protocol_number;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('AE');
    ws.addRow(['受试者编号', 'AE名称', 'CTCAE分级', '开始日期', '转归']);
    ws.addRow(['NOBODY', '发热', 1, '2025-01-10', '痊愈']);
    await wb.xlsx.writeFile(path.join(dir, 'bad-for-report.xlsx'));
    const args = ['import', 'aes', 'bad-for-report.xlsx', '--db', 'report.sqlite', '--study', protocol];
    const r = await run(...args, '--dry-run', '--report', 'report.xlsx');
    expect(r.code).toBe(1);
    expect(readdirSync(dir).filter((n) => n.startsWith('report.xlsx'))).toEqual(['report.xlsx']);
    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(path.join(dir, 'report.xlsx'));
    expect(back.worksheets.map((w) => w.name)).toEqual(['概要', '被拒绝的单元格']);
    const rejected = back.worksheets[1]!;
    expect((rejected.getRow(1).values as unknown[]).slice(1)).toEqual(['工作表', '行', '列', '值', '原因']);
    expect((rejected.getRow(2).values as unknown[]).slice(1)).toEqual([
      'AE',
      2,
      'A',
      'NOBODY',
      '本研究中没有受试者“NOBODY”',
    ]);
    expect(rejected.rowCount).toBe(2);
    // only for import
    expect((await run('verify', '--db', 'report.sqlite', '--report', 'x.xlsx')).code).toBe(2);
  });
});

describe('cli: as a process', () => {
  it('runs as `npm run cli` does, relative paths from where npm was started', () => {
    const v = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'electron/cli/index.ts', 'verify', '--db', 'seeded.sqlite'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } },
    );
    expect(v.stderr).toBe('');
    expect(v.status).toBe(0);
    expect(v.stdout).toContain('All checks passed.');
  });
});
