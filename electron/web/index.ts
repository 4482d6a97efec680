/**
 * `npm run web` / the fallback of `npm start`: browser mode on 127.0.0.1 with a per-launch token.
 *   tsx electron/web/index.ts [--port N] [--data-dir DIR]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseOpenError, openDatabase, type OpenedDatabase } from '../../db/open';
import { listBackupFiles, startBackupScheduler } from '../core/backup/backups';
import { checkBackups, hostDatabase, recoveryAdvice } from '../core/backup/restore';
import type { HostContext } from '../handlers';
import { databaseFile, defaultDataDir } from '../core/paths';
import { startWebHost } from './server';

const root = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' } },
    allowPositionals: false,
  });
  const dataDir = values['data-dir'] ?? process.env.TRIALDESK_DATA_DIR ?? defaultDataDir();
  const staticDir = path.join(root, 'dist', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error('The interface is not built yet: run `npm run build:renderer` (npm start does it for you).');
    return 1;
  }
  let opened: OpenedDatabase;
  const file = databaseFile(dataDir);
  const openOptions = { migrationsFolder: path.join(root, 'db', 'migrations') };
  try {
    opened = await openDatabase(file, openOptions);
  } catch (err) {
    if (err instanceof DatabaseOpenError) {
      console.error(`TrialDesk cannot open its database: ${err.message}`);
      if (err.failure === 'integrity') {
        const folder = path.join(dataDir, 'backups');
        console.error(
          recoveryAdvice(file, folder, checkBackups(listBackupFiles(folder), openOptions.migrationsFolder)),
        );
      }
      return 1;
    }
    throw err;
  }
  if (opened.migrated.length > 0) console.log(`Database ready (${opened.migrated.length} update(s) applied).`);
  const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
  const host: HostContext = { db: opened.db, host: 'browser', version };
  host.database = hostDatabase({
    file,
    openOptions,
    current: () => opened,
    install: (next) => {
      opened = next;
      host.db = next.db;
    },
  });
  const scheduler = startBackupScheduler(() => host.db);
  const web = await startWebHost({
    host,
    staticDir,
    port: values.port ? Number(values.port) : 0,
  });
  console.log(`Data folder: ${dataDir}`);
  console.log(`TrialDesk browser mode: ${web.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void web
      .close()
      .then(() => scheduler.quit()) // the backup on quit
      .finally(() => {
        opened.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
