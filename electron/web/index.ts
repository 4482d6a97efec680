/**
 * `npm run web` / the fallback of `npm start`: browser mode on 127.0.0.1 with a per-launch token.
 *   tsx electron/web/index.ts [--port N] [--data-dir DIR] [--clock-offset-days N]
 * --clock-offset-days runs the host's clock N days ahead (training, and the end-to-end tests of overdue visits).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseOpenError } from '../../db/open';
import { startBackupScheduler } from '../core/backup/backups';
import { attachDatabase, openHostDatabase, type HostDatabaseState } from '../core/backup/recovery';
import type { HostContext } from '../handlers';
import { databaseFile, defaultDataDir } from '../core/paths';
import { startWebHost } from './server';

const root = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, 'clock-offset-days': { type: 'string' } },
    allowPositionals: false,
  });
  const dataDir = values['data-dir'] ?? process.env.TRIALDESK_DATA_DIR ?? defaultDataDir();
  const staticDir = path.join(root, 'dist', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error('The interface is not built yet: run `npm run build:renderer` (npm start does it for you).');
    return 1;
  }
  const file = databaseFile(dataDir);
  const openOptions = { migrationsFolder: path.join(root, 'db', 'migrations') };
  let state: HostDatabaseState;
  try {
    state = await openHostDatabase(file, openOptions);
  } catch (err) {
    if (err instanceof DatabaseOpenError) {
      console.error(`TrialDesk cannot open its database: ${err.message}`);
      return 1;
    }
    throw err;
  }
  if (state.recovery) console.error(`The database is damaged; recovery mode (read-only): ${state.recovery.problem}`);
  if (state.opened.migrated.length > 0)
    console.log(`Database ready (${state.opened.migrated.length} update(s) applied).`);
  const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
  const offsetDays = Number(values['clock-offset-days'] ?? 0);
  const host: HostContext = { db: state.opened.db, host: 'browser', version };
  if (offsetDays) {
    host.now = () => new Date(Date.now() + offsetDays * 86_400_000);
    console.log(`Clock set ${offsetDays} day(s) ahead: ${host.now().toISOString()}`);
  }
  const current = attachDatabase(host, file, openOptions, state);
  const scheduler = startBackupScheduler(() => (host.recovery ? null : host.db));
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
        current().close();
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
