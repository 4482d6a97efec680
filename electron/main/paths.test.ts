import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME, dataDirFromEnv, databaseFile, defaultDataDir } from '../core/paths';
import { appLocations, nativeModuleMessage } from './locations';

describe('electron/core/paths', () => {
  it('names the database file inside the data folder', () => {
    expect(DATABASE_FILE_NAME).toBe('trialdesk.sqlite');
    expect(databaseFile('/data/x')).toBe(path.join('/data/x', 'trialdesk.sqlite'));
  });

  it("is the folder Electron's userData would be, per platform", () => {
    expect(
      defaultDataDir('TrialDesk', {
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\nurse\\AppData\\Roaming' },
        home: 'C:\\Users\\nurse',
      }),
    ).toBe('C:\\Users\\nurse\\AppData\\Roaming\\TrialDesk');
    expect(defaultDataDir('TrialDesk', { platform: 'win32', env: {}, home: 'C:\\Users\\nurse' })).toBe(
      'C:\\Users\\nurse\\AppData\\Roaming\\TrialDesk',
    );
    expect(defaultDataDir('TrialDesk', { platform: 'darwin', env: {}, home: '/Users/nurse' })).toBe(
      '/Users/nurse/Library/Application Support/TrialDesk',
    );
    expect(defaultDataDir('TrialDesk', { platform: 'linux', env: {}, home: '/home/nurse' })).toBe(
      '/home/nurse/.config/TrialDesk',
    );
    expect(
      defaultDataDir('TrialDesk', { platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' }, home: '/home/nurse' }),
    ).toBe('/cfg/TrialDesk');
    expect(defaultDataDir('Other', { platform: 'linux', env: { XDG_CONFIG_HOME: '' }, home: '/h' })).toBe(
      '/h/.config/Other',
    );
  });

  it('prefers TRIALDESK_DATA_DIR', () => {
    expect(dataDirFromEnv({ TRIALDESK_DATA_DIR: '/tmp/td' })).toBe('/tmp/td');
    expect(dataDirFromEnv({})).toBe(defaultDataDir());
  });
});

describe('appLocations', () => {
  it('finds everything in the repo during development, whatever Electron was started on', () => {
    const loc = appLocations({
      isPackaged: false,
      appPath: '/repo/dist-electron',
      resourcesPath: '/usr/lib/electron/resources',
      mainDir: '/repo/dist-electron',
    });
    const repo = path.resolve('/repo');
    expect(loc).toEqual({
      root: repo,
      rendererDir: path.join(repo, 'dist', 'renderer'),
      migrationsFolder: path.join(repo, 'db', 'migrations'),
      preload: path.join('/repo/dist-electron', 'preload.cjs'),
      nativeBinding: path.join(repo, 'build', 'native', 'electron', 'better_sqlite3.node'),
      packageJson: path.join(repo, 'package.json'),
    });
  });

  it('uses the asar and the unpacked native module when packaged', () => {
    const asar = '/opt/TrialDesk/resources/app.asar';
    const loc = appLocations({
      isPackaged: true,
      appPath: asar,
      resourcesPath: '/opt/TrialDesk/resources',
      mainDir: `${asar}/dist-electron`,
    });
    expect(loc.root).toBe(asar);
    expect(loc.rendererDir).toBe(path.join(asar, 'dist', 'renderer'));
    expect(loc.migrationsFolder).toBe(path.join(asar, 'db', 'migrations'));
    expect(loc.nativeBinding).toBe(path.join('/opt/TrialDesk/resources', 'native', 'better_sqlite3.node'));
  });

  it('says what to do when the native module is missing', () => {
    expect(nativeModuleMessage('/x/better_sqlite3.node', false)).toMatch(/rebuild-native-electron\.mjs/);
    expect(nativeModuleMessage('/x/better_sqlite3.node', true, 'NODE_MODULE_VERSION 127')).toMatch(
      /NODE_MODULE_VERSION 127[\s\S]*reinstall TrialDesk/,
    );
  });
});
