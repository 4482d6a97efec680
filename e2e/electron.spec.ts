/**
 * The desktop variant of the smoke test, driven by Playwright's `_electron` on the real binary: the bundled main
 * process, the sandboxed preload and the app: protocol, on a fresh data folder. Runs wherever Electron's binary (and the
 * Electron build of better-sqlite3) is installed; skipped, with the reason printed, elsewhere.
 */
import { test, expect, _electron, type ElectronApplication, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiResult, AppInfo, TrialDeskBridge } from '../electron/api';

const root = path.resolve(import.meta.dirname, '..');

function electronBinary(): string | null {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const electronPath = electronBinary();
const nativeModule = path.join(root, 'build', 'native', 'electron', 'better_sqlite3.node');
const hasElectron = electronPath !== null;
const hasNative = existsSync(nativeModule);
const NO_ELECTRON =
  'Electron binary not installed here (download host unreachable): run `node node_modules/electron/install.js` where it is reachable';
const NO_NATIVE =
  'Electron build of better-sqlite3 missing (build/native/electron/better_sqlite3.node): run `node build/rebuild-native-electron.mjs`';
// said once, by the runner process (workers have TEST_WORKER_INDEX)
if (process.env.TEST_WORKER_INDEX === undefined && (!hasElectron || !hasNative)) {
  console.log(`e2e/electron.spec.ts skipped: ${!hasElectron ? NO_ELECTRON : NO_NATIVE}`);
}

type BridgeWindow = Window & { trialdesk?: TrialDeskBridge };

test.describe('desktop (Electron)', () => {
  test.skip(!hasElectron, NO_ELECTRON);
  test.skip(!hasNative, NO_NATIVE);

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(() => {
    // the e2e script builds the renderer; the desktop bundles are built here
    execFileSync(process.execPath, [path.join(root, 'build', 'bundle-electron.mjs'), '--quiet'], { cwd: root });
  });

  test.beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-electron-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    env.TRIALDESK_DATA_DIR = dataDir;
    app = await _electron.launch({
      executablePath: electronPath ?? undefined,
      args: [path.join(root, 'dist-electron', 'main.cjs')],
      cwd: root,
      env,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterEach(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('first run: the window, the bridge and the set-up state', async () => {
    await expect(page).toHaveTitle(/TrialDesk/);
    expect(page.url()).toMatch(/^app:\/\/trialdesk\//);
    const windowTitle = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
    expect(windowTitle).toMatch(/TrialDesk/);

    expect(await page.evaluate(() => Object.keys((window as BridgeWindow).trialdesk ?? {}).sort())).toEqual([
      'invoke',
      'on',
    ]);
    const info = await page.evaluate(() => (window as BridgeWindow).trialdesk!.invoke('app.info', {}));
    expect(info).toMatchObject({ ok: true, value: { needsSetup: true, host: 'desktop', user: null } });
    expect((info as ApiResult<AppInfo>).ok && existsSync(path.join(dataDir, 'trialdesk.sqlite'))).toBe(true);

    await page.screenshot({ path: test.info().outputPath('electron-first-run.png') });
  });

  test('isolation: no Node in the page, unknown channels refused, CSP sent, no navigation away or new windows', async () => {
    const probe = await page.evaluate(async () => {
      const g = globalThis as Record<string, unknown>;
      const refused = await (window as BridgeWindow).trialdesk!.invoke('fs.readFile', { path: '/etc/passwd' });
      const res = await fetch('app://trialdesk/index.html');
      return {
        require: typeof g.require,
        process: typeof g.process,
        refused,
        csp: res.headers.get('content-security-policy'),
        popup: window.open('https://example.com/') === null,
      };
    });
    expect(probe.require).toBe('undefined');
    expect(probe.process).toBe('undefined');
    expect(probe.refused).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(probe.csp).toContain("script-src 'self'");
    expect(probe.popup).toBe(true);
    expect(app.windows()).toHaveLength(1);

    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await expect.poll(() => page.url()).toMatch(/^app:\/\/trialdesk\//);
  });
});
