// Builds better-sqlite3 for the pinned Electron (its ABI, against Electron's headers) into
// build/native/electron/better_sqlite3.node — the file the desktop loads through better-sqlite3's `nativeBinding`
// (packaged: resources/native/, via electron-builder's extraResources).
//
// node_modules keeps its Node build untouched (tests, CLI and browser mode need it): the package is copied to a temp
// folder and node-gyp builds the copy. Needs a C++ toolchain and Python (as `npm install` of better-sqlite3 does) and
// access to Electron's headers (https://electronjs.org/headers), cached in ~/.electron-gyp as @electron/rebuild does.
//   node build/rebuild-native-electron.mjs [--arch x64|arm64|ia32]
// Fails with one line and a non-zero exit code; the full node-gyp log is kept.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const HEADERS_URL = 'https://electronjs.org/headers';
const OUT_DIR = path.join(root, 'build', 'native', 'electron');
const OUT_FILE = path.join(OUT_DIR, 'better_sqlite3.node');
const BUILD_TIMEOUT_MS = 20 * 60_000;

function fail(message) {
  console.error(`rebuild-native-electron: ${message}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** node-gyp from node_modules (hoisted, or the one @electron/rebuild — electron-builder's — depends on). */
function resolveNodeGyp() {
  const attempts = [
    () => require.resolve('node-gyp/bin/node-gyp.js'),
    () => createRequire(require.resolve('@electron/rebuild')).resolve('node-gyp/bin/node-gyp.js'),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // next
    }
  }
  return null;
}

/** Why node-gyp failed, in a few words, from its log. */
function reasonOf(log, electronVersion) {
  const lines = log.split('\n').map((l) => l.trim());
  const network =
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|certificate|self.signed|status 40[34]|tarball/i;
  const headersFailed =
    /network connectivity/.test(log) || (/gyp http GET/.test(log) && /install got an error/.test(log));
  if (headersFailed || lines.some((l) => network.test(l) && /gyp/.test(l))) {
    return `Electron's headers for ${electronVersion} could not be downloaded from ${HEADERS_URL} (no access from this machine)`;
  }
  const err = lines.filter(
    (l) => /^gyp ERR!|error:|Error:/.test(l) && !/^gyp ERR! (cwd|node -v|node-gyp -v|command|System|not ok)/.test(l),
  );
  return (err[0] ?? lines.filter(Boolean).at(-1) ?? 'unknown error').slice(0, 240);
}

async function main() {
  const { values } = parseArgs({ options: { arch: { type: 'string' } } });
  const arch = values.arch ?? process.env.npm_config_arch ?? process.arch;

  let electronVersion;
  let electronAbi;
  try {
    const electronDir = path.dirname(require.resolve('electron/package.json'));
    electronVersion = readJson(path.join(electronDir, 'package.json')).version;
    electronAbi = readFileSync(path.join(electronDir, 'abi_version'), 'utf8').trim();
  } catch {
    fail('the electron package is not installed (npm install).');
  }
  let sqliteDir;
  try {
    sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  } catch {
    fail('better-sqlite3 is not installed (npm install).');
  }
  const sqliteVersion = readJson(path.join(sqliteDir, 'package.json')).version;
  const nodeGyp = resolveNodeGyp();
  if (!nodeGyp) fail('node-gyp was not found in node_modules (it comes with electron-builder): npm install.');

  const work = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-native-'));
  const logFile = path.join(work, 'node-gyp.log');
  const src = path.join(work, 'better-sqlite3');
  // the package without its Node build: node_modules stays as it is
  cpSync(sqliteDir, src, {
    recursive: true,
    filter: (p) => {
      const rel = path.relative(sqliteDir, p);
      return rel !== 'build' && !rel.startsWith(`build${path.sep}`) && rel !== 'node_modules';
    },
  });

  console.log(
    `Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${electronAbi}, ${process.platform}-${arch}) in ${src} …`,
  );
  const args = [
    nodeGyp,
    'rebuild',
    '--release',
    `--target=${electronVersion}`,
    `--arch=${arch}`,
    `--dist-url=${HEADERS_URL}`,
    '--runtime=electron',
    '--build-from-source',
    `--devdir=${path.join(os.homedir(), '.electron-gyp')}`,
    '--jobs=max',
  ];
  // node-gyp also reads npm_config_* (set by `npm run`): a configured nodedir (Debian's npm sets /usr), target, runtime
  // or dist-url would build against Node's headers instead of Electron's. Proxy and certificate settings stay.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|devdir|build_from_source|node_gyp)$/i.test(
          k,
        ),
    ),
  );
  const started = Date.now();
  const { code, log } = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: src, stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n(timed out after ${BUILD_TIMEOUT_MS / 60_000} min)`;
      child.kill('SIGTERM');
    }, BUILD_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, log: `${out}\n${err.message}` });
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c ?? -1, log: out });
    });
  });
  writeFileSync(logFile, log);
  const built = path.join(src, 'build', 'Release', 'better_sqlite3.node');
  if (code !== 0 || !existsSync(built)) {
    fail(
      `could not build better-sqlite3 for Electron ${electronVersion}: ${reasonOf(log, electronVersion)}. Full log: ${logFile}`,
    );
  }

  // The build must be for Electron's ABI, not Node's: plain Node refuses it, naming Electron's NODE_MODULE_VERSION.
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(built)})`], { encoding: 'utf8' });
  const abiSeen = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(probe.stderr ?? '');
  if (process.arch === arch && (probe.status === 0 || (abiSeen && abiSeen[1] !== electronAbi))) {
    fail(
      `the module built is not for Electron's ABI ${electronAbi} (${probe.status === 0 ? 'it loads in Node' : `ABI ${abiSeen?.[1]}`}). Full log: ${logFile}`,
    );
  }

  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${OUT_FILE}.partial`;
  cpSync(built, tmp);
  renameSync(tmp, OUT_FILE);
  writeFileSync(
    path.join(OUT_DIR, 'better_sqlite3.json'),
    `${JSON.stringify(
      {
        module: 'better-sqlite3',
        version: sqliteVersion,
        electron: electronVersion,
        abi: electronAbi,
        platform: process.platform,
        arch,
        builtAt: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
  rmSync(work, { recursive: true, force: true });
  console.log(
    `Built ${path.relative(root, OUT_FILE)} for Electron ${electronVersion} in ${Math.round((Date.now() - started) / 1000)} s.`,
  );
}

main().catch((err) => fail(err?.message ?? String(err)));
