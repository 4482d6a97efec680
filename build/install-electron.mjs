// Fetches Electron's binary after `npm install`, tolerantly.
// npm is told not to run electron's own install script (package.json "allowScripts"), because where Electron's download
// host is unreachable that script fails and npm rolls back the whole install. We run it here instead: on failure we say
// so in one line and carry on — `npm start` then uses browser mode.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
let electronDir;
try {
  electronDir = path.dirname(require.resolve('electron/package.json'));
} catch {
  process.exit(0); // production install without dev dependencies: nothing to do
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(
    'trialdesk: ELECTRON_SKIP_BINARY_DOWNLOAD is set; Electron binary not fetched (npm start uses browser mode).',
  );
  process.exit(0);
}
if (existsSync(path.join(electronDir, 'path.txt'))) process.exit(0); // already installed

const result = spawnSync(process.execPath, ['install.js'], { cwd: electronDir, encoding: 'utf8', timeout: 180_000 });
if (result.status === 0) {
  console.log('trialdesk: Electron binary installed.');
} else {
  const lines = (result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n');
  const reason = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'unknown error';
  console.log(
    `trialdesk: Electron binary could not be downloaded (${reason.trim().slice(0, 160)}); npm start will use browser mode.`,
  );
}
process.exit(0);
