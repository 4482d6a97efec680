/**
 * Where TrialDesk keeps its data, the same on every host: the desktop (Electron's userData folder), browser mode and the
 * CLI all open the same file unless `TRIALDESK_DATA_DIR` (tests) or an explicit folder says otherwise.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'TrialDesk';
export const DATABASE_FILE_NAME = 'trialdesk.sqlite';

/** The database file inside a data folder. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME);
}

export interface PlatformInfo {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/**
 * The folder Electron's `app.getPath('userData')` gives an app of this name: %APPDATA%\TrialDesk on Windows,
 * ~/Library/Application Support/TrialDesk on macOS, $XDG_CONFIG_HOME/TrialDesk or ~/.config/TrialDesk on Linux.
 */
export function defaultDataDir(appName = APP_NAME, info: PlatformInfo = {}): string {
  const platform = info.platform ?? process.platform;
  const env = info.env ?? process.env;
  const home = info.home ?? os.homedir();
  if (platform === 'win32') {
    const p = path.win32;
    return p.join(env.APPDATA || p.join(home, 'AppData', 'Roaming'), appName);
  }
  const p = path.posix;
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support', appName);
  // as Chromium's base::nix::GetXDGDirectory: the variable when set and non-empty, else ~/.config
  return p.join(env.XDG_CONFIG_HOME || p.join(home, '.config'), appName);
}

/** `TRIALDESK_DATA_DIR` when set (tests, portable use), else the default folder. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRIALDESK_DATA_DIR || defaultDataDir();
}
