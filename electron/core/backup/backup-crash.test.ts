import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../../db/open';
import { openSqlite } from '../../../db/sqlite';
import { verifyAuditChain } from '../audit/audit';
import { seedDemo } from '../demo/seed';
import { backupToFolder } from './backup';
import { integrityCheck } from './checks';
import { listBackupFiles } from './backups';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function intact(file: string) {
  const db = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    return { integrity: integrityCheck(db).ok, chain: verifyAuditChain(db).ok };
  } finally {
    db.close();
  }
}

it('SIGKILL while a backup is being written leaves the database and the previous backup intact, and no half file taken as a backup', async () => {
  const file = path.join(dir, 'trialdesk.sqlite');
  const folder = path.join(dir, 'backups');
  const o = await openDatabase(file);
  await seedDemo(o.db, { scale: 'small' });
  // 200 MB more pages, so that the copy takes long enough to be caught in the middle (the large seed would do it too,
  // but takes minutes to write)
  o.db.$client.exec('CREATE TABLE crash_filler (id INTEGER PRIMARY KEY, b BLOB)');
  const fill = o.db.$client.prepare('INSERT INTO crash_filler (b) VALUES (randomblob(100000))');
  o.db.$client.transaction(() => {
    for (let i = 0; i < 2000; i++) fill.run();
  })();
  const previous = await backupToFolder(o.db.$client, folder);
  expect(previous.ok).toBe(true);
  o.close();

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'electron/testing/backup-child.ts'), file, folder],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('PARTIAL')) child.kill('SIGKILL');
  });
  const exit = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  expect(exit).toBe('SIGKILL');
  expect(out).toContain('PARTIAL');
  expect(out).not.toContain('DONE'); // it was killed in the middle of the copy

  const names = readdirSync(folder);
  expect(names.some((n) => n.endsWith('.sqlite.partial'))).toBe(true); // the half-written copy keeps its temp name
  expect(listBackupFiles(folder).map((f) => f.path)).toEqual([previous.path]); // … and is not listed as a backup
  expect(intact(previous.path)).toEqual({ integrity: true, chain: true });
  expect(intact(file)).toEqual({ integrity: true, chain: true });

  // the next backup gets a fresh name and is good
  const reopened = await openDatabase(file);
  const next = await backupToFolder(reopened.db.$client, folder);
  reopened.close();
  expect(next.ok).toBe(true);
  expect(intact(next.path)).toEqual({ integrity: true, chain: true });
}, 180_000);
