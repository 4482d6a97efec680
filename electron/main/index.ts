/**
 * The desktop host (bundled into dist-electron/main.cjs): lifecycle, one hardened window on app://trialdesk/, the
 * database opened with the Electron build of better-sqlite3, and the handler table behind IPC. Everything that can be
 * plain logic lives in policy.ts / locations.ts (tested without Electron).
 */
import { app, BrowserWindow, dialog, powerMonitor, session } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseOpenError } from '../../db/open';
import { startBackupScheduler, type BackupScheduler } from '../core/backup/backups';
import { attachDatabase, openHostDatabase, type HostDatabaseState } from '../core/backup/recovery';
import { APP_NAME, databaseFile } from '../core/paths';
import type { HostContext } from '../handlers';
import { lockAllSessions, registerIpc } from './ipc';
import { appLocations, nativeModuleMessage, type AppLocations } from './locations';
import { installMenu } from './menu';
import { APP_ENTRY_URL, windowOptions } from './policy';
import { registerAppScheme, serveApp } from './protocol';
import { hardenAllWebContents, hardenSession } from './security';

const FATAL_TITLE = 'TrialDesk 无法启动 / TrialDesk cannot start';

let mainWindow: BrowserWindow | null = null;
/** closes whichever database the host uses now (a restore swaps it) */
let closeDatabase: (() => void) | null = null;
let scheduler: BackupScheduler | null = null;

/** A start-up failure: said in an error box, then the app quits. Never a silent fallback. */
function fatal(message: string): void {
  console.error(`[trialdesk] fatal: ${message}`);
  dialog.showErrorBox(FATAL_TITLE, message);
  closeDatabase?.();
  closeDatabase = null;
  app.exit(1);
}

function readVersion(packageJson: string): string {
  if (app.isPackaged) return app.getVersion();
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return app.getVersion();
  }
}

function createWindow(loc: AppLocations): BrowserWindow {
  const win = new BrowserWindow(windowOptions({ preload: loc.preload, devTools: !app.isPackaged }));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    console.error(`[trialdesk] renderer gone: ${details.reason} (exit code ${details.exitCode})`);
  });
  win.webContents.on('preload-error', (_event, preloadPath, error) => {
    console.error(`[trialdesk] preload ${preloadPath} failed:`, error);
  });
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => console.error('[trialdesk] could not load the interface:', err));
  return win;
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function start(): Promise<void> {
  const loc = appLocations({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    mainDir: __dirname,
  });
  if (!existsSync(loc.nativeBinding)) return fatal(nativeModuleMessage(loc.nativeBinding, app.isPackaged));
  if (!existsSync(path.join(loc.rendererDir, 'index.html'))) {
    return fatal(
      `The interface files are missing: ${loc.rendererDir}\n\n` +
        (app.isPackaged ? 'Reinstall TrialDesk.' : 'Build them with `npm run build:renderer` (npm start does it).'),
    );
  }

  const file = databaseFile(app.getPath('userData'));
  const openOptions = { migrationsFolder: loc.migrationsFolder, nativeBinding: loc.nativeBinding };
  let state: HostDatabaseState;
  try {
    // a damaged file opens read-only in recovery mode: the window then shows the recovery screen
    state = await openHostDatabase(file, openOptions);
  } catch (err) {
    if (err instanceof DatabaseOpenError && err.failure === 'native_module') {
      return fatal(nativeModuleMessage(loc.nativeBinding, app.isPackaged, err.message));
    }
    const message = err instanceof Error ? err.message : String(err);
    return fatal(
      err instanceof DatabaseOpenError
        ? `${message}\n\nDatabase: ${file}`
        : `The database could not be opened: ${message}\n\nDatabase: ${file}`,
    );
  }
  if (state.recovery) console.error(`[trialdesk] database damaged, recovery mode: ${state.recovery.problem}`);
  if (state.opened.migrated.length > 0)
    console.log(`[trialdesk] database updated: ${state.opened.migrated.join(', ')}`);

  const version = readVersion(loc.packageJson);
  const host: HostContext = { db: state.opened.db, host: 'desktop', version };
  const current = attachDatabase(host, file, openOptions, state);
  closeDatabase = () => current().close();
  scheduler = startBackupScheduler(() => (host.recovery ? null : host.db));
  hardenSession(session.defaultSession);
  serveApp(session.defaultSession, loc.rendererDir);
  registerIpc(host);
  // auto-lock: the workstation's screen lock or suspend locks every signed-in window (the app refuses calls until unlock)
  powerMonitor.on('lock-screen', () => lockAllSessions(host, 'os'));
  powerMonitor.on('suspend', () => lockAllSessions(host, 'os'));
  installMenu({ version, getWindow: () => mainWindow });
  mainWindow = createWindow(loc);
}

// ---- before ready ----
// Started on the bundle file (`electron dist-electron/main.cjs`) Electron does not read our package.json: keep the name,
// and with it the userData folder, the same as the packaged app's (and as electron/core/paths.ts' defaultDataDir).
if (app.getName() !== APP_NAME) {
  app.setName(APP_NAME);
  app.setPath('userData', path.join(app.getPath('appData'), APP_NAME));
}
// TRIALDESK_DATA_DIR (tests, a portable install) moves the whole profile, and with it the single-instance lock, which
// guards one database: two instances on two data folders may run side by side.
const dataDirOverride = process.env.TRIALDESK_DATA_DIR;
if (dataDirOverride) app.setPath('userData', path.resolve(dataDirOverride));
registerAppScheme();
app.enableSandbox();
hardenAllWebContents();

if (!app.requestSingleInstanceLock()) {
  // another TrialDesk has the database: it gets focus (second-instance), this one leaves
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('window-all-closed', () => app.quit());
  // the backup on quit: quitting waits for it (once), then the database is closed
  let backedUp = false;
  app.on('before-quit', (event) => {
    if (backedUp || !scheduler) return;
    event.preventDefault();
    backedUp = true;
    void scheduler.quit().finally(() => app.quit());
  });
  app.on('will-quit', () => {
    closeDatabase?.();
    closeDatabase = null;
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => fatal(`Unexpected start-up error: ${err instanceof Error ? err.message : String(err)}`));
}
