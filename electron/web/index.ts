/**
 * `npm run web` / the fallback of `npm start`: browser mode on 127.0.0.1 with a per-launch token.
 *   tsx electron/web/index.ts [--port N] [--data-dir DIR]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseOpenError, openDatabase } from '../../db/open';
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
  let opened;
  try {
    opened = await openDatabase(databaseFile(dataDir), { migrationsFolder: path.join(root, 'db', 'migrations') });
  } catch (err) {
    if (err instanceof DatabaseOpenError) {
      console.error(`TrialDesk cannot open its database: ${err.message}`);
      return 1;
    }
    throw err;
  }
  if (opened.migrated.length > 0) console.log(`Database ready (${opened.migrated.length} update(s) applied).`);
  const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
  const web = await startWebHost({
    host: { db: opened.db, host: 'browser', version },
    staticDir,
    port: values.port ? Number(values.port) : 0,
  });
  console.log(`Data folder: ${dataDir}`);
  console.log(`TrialDesk browser mode: ${web.url}`);
  const stop = () => {
    void web.close().then(() => {
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
