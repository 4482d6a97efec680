/**
 * Crash-test child (backup-crash.test.ts): starts a backup of `db` into `folder` and says `PARTIAL` on stdout once the
 * temp file is being written, so that the parent can SIGKILL it mid-write. `node --import tsx backup-child.ts db folder`
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { openSqlite } from '../../db/sqlite';
import { backupToFolder } from '../core/backup/backup';

const [db, folder] = process.argv.slice(2) as [string, string];
const sqlite = openSqlite(db, { fileMustExist: true });
let said = false;
const watch = setInterval(() => {
  let names: string[] = [];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const partial = names.find((n) => n.endsWith('.partial'));
  if (partial && !said && statSync(path.join(folder, partial)).size > 0) {
    said = true;
    process.stdout.write(`PARTIAL ${partial}\n`);
  }
}, 1);
backupToFolder(sqlite, folder, { prefix: 'trialdesk-daily-' }).then(
  (r) => {
    clearInterval(watch);
    process.stdout.write(`DONE ${r.path}\n`);
  },
  (err: unknown) => {
    clearInterval(watch);
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  },
);
