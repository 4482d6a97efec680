// `npm start`: builds the interface and the desktop bundles, then starts the desktop app when Electron's binary and the
// Electron build of the SQLite module are installed, and browser mode (electron/web, on 127.0.0.1) otherwise — saying
// why in one line. Extra arguments go to the host: `npm start -- --port 5173 --data-dir /tmp/td`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleElectron } from './bundle-electron.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const NATIVE = path.join(root, 'build', 'native', 'electron', 'better_sqlite3.node');

/** The Electron binary named by node_modules/electron/path.txt, if it is really there. */
function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function run(command, commandArgs, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs the host in the foreground; Ctrl+C / SIGTERM reach it, and its exit code becomes ours. */
function host(command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (err) => {
    console.error(`start: could not start ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** `--data-dir DIR` / `--data-dir=DIR` of the arguments (Electron takes it as TRIALDESK_DATA_DIR). */
function dataDirArg(list) {
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '--data-dir') return list[i + 1];
    if (list[i].startsWith('--data-dir=')) return list[i].slice('--data-dir='.length);
  }
  return undefined;
}

async function main() {
  // Always rebuild: Vite takes seconds, esbuild less, and a stale interface is worse.
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const viteCode = await run(process.execPath, [vite, 'build', '--logLevel', 'warn']);
  if (viteCode !== 0) {
    console.error('start: building the interface failed (vite build).');
    process.exit(viteCode);
  }
  const bundles = await bundleElectron({ quiet: true });

  const electron = electronBinary();
  if (electron && existsSync(NATIVE)) {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const dataDir = dataDirArg(args);
    if (dataDir) env.TRIALDESK_DATA_DIR = path.resolve(dataDir);
    console.log('Starting TrialDesk (Electron).');
    host(electron, [root, ...args], env);
    return bundles;
  }
  if (electron) {
    console.log(
      `The Electron build of the SQLite module is missing (${path.relative(root, NATIVE)}): build it with \`node build/rebuild-native-electron.mjs\` (also run by \`npm run dist\`); starting browser mode instead.`,
    );
  } else {
    console.log(
      'Electron is not installed on this machine (its download host was unreachable); starting browser mode instead.',
    );
  }
  host(process.execPath, ['--import', 'tsx', path.join('electron', 'web', 'index.ts'), ...args], process.env);
  return bundles;
}

main().catch((err) => {
  console.error(`start: ${err?.message ?? err}`);
  process.exit(1);
});
