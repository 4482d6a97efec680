/**
 * Issue 7 "Show": a 100,000-row AE import SIGKILLed in the middle of its commit leaves all of it or none of it — AEs,
 * import batch and audit events — and a database that passes PRAGMA integrity_check, its audit chain intact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../../../db/open';
import { openSqlite } from '../../../../db/sqlite';
import { aeImportSource, writeAeImportWorkbook } from '../../../cli/bench-import';
import { verifyAuditChain } from '../../audit/audit';
import { integrityCheck } from '../../backup/checks';
import { seedDemo } from '../../demo/seed';

const root = path.resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-import-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 100_000;
/** after the child says it is committing: long enough for the transaction to be under way, far shorter than it */
const KILL_AFTER_MS = 300;

interface Counts {
  aes: number;
  batches: number;
  audit: number;
}
function counts(file: string, studyId: number): Counts & { integrity: boolean; chain: boolean } {
  const db = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n;
    return {
      aes: n('SELECT count(*) AS n FROM adverse_events WHERE study_id = ?', studyId),
      batches: n('SELECT count(*) AS n FROM import_batches'),
      audit: n('SELECT count(*) AS n FROM audit_events'),
      integrity: integrityCheck(db).ok,
      chain: verifyAuditChain(db).ok,
    };
  } finally {
    db.close();
  }
}

it('SIGKILL in the middle of committing a 100,000-row import leaves all of it or none, integrity ok', async () => {
  const file = path.join(dir, 'trialdesk.sqlite');
  const workbook = path.join(dir, 'aes.xlsx');
  const o = await openDatabase(file);
  const seed = await seedDemo(o.db, { scale: 'small' });
  const src = aeImportSource(o.db.$client);
  const now = `${seed.baseDate}T02:00:00.000Z`;
  await writeAeImportWorkbook(workbook, src, seed.baseDate, ROWS);
  o.close();
  const before = counts(file, src.studyId);
  expect(before).toMatchObject({ integrity: true, chain: true });

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'electron/testing/import-child.ts'), file, workbook, src.protocol, now],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let killedAt: string | null = null;
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (killedAt === null && out.includes('COMMITTING')) {
      killedAt = out;
      setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
  expect(err).toBe('');
  expect(out).toContain(`COMMITTING ${ROWS}`); // every row was valid: the commit would have created all of them
  expect(signal).toBe('SIGKILL');

  const after = counts(file, src.studyId);
  const all = { aes: before.aes + ROWS, batches: before.batches + 1, audit: before.audit + ROWS + 1 };
  const none = { aes: before.aes, batches: before.batches, audit: before.audit };
  const found = { aes: after.aes, batches: after.batches, audit: after.audit };
  // killed before DONE: the transaction was cut short, so nothing of it may be there (DONE seen: all of it must be)
  expect(found).toEqual(out.includes('DONE') ? all : none);
  expect(after).toMatchObject({ integrity: true, chain: true });

  // the app opens it as usual (its own checks), and no row points nowhere
  const reopened = await openDatabase(file);
  const fk = reopened.db.$client.pragma('foreign_key_check') as unknown[];
  reopened.close();
  expect(fk).toEqual([]);
}, 240_000);
