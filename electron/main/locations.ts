/**
 * Where the desktop finds its parts, packaged or not (no `electron` import: unit-tested without an Electron binary).
 *
 * Packaged (electron-builder, asar): resources/app.asar/{dist-electron,dist/renderer,db/migrations,package.json} and the
 * Electron-ABI SQLite module outside the asar in resources/native/ (extraResources).
 * Development (`electron .` from the repo): the same layout in the repo, and the module in build/native/electron/.
 */
import path from 'node:path';

export const NATIVE_MODULE_FILE = 'better_sqlite3.node';
/** the Electron-ABI build made by build/rebuild-native-electron.mjs, relative to the repo */
export const DEV_NATIVE_DIR = path.join('build', 'native', 'electron');

export interface AppLocations {
  /** the app's root: resources/app.asar when packaged, the repo otherwise */
  root: string;
  rendererDir: string;
  migrationsFolder: string;
  preload: string;
  nativeBinding: string;
  packageJson: string;
}

export function appLocations(opts: {
  isPackaged: boolean;
  /** app.getAppPath() */
  appPath: string;
  /** process.resourcesPath */
  resourcesPath: string;
  /** the folder of the bundled main.cjs (dist-electron) */
  mainDir: string;
}): AppLocations {
  // Packaged, app.getAppPath() is the asar. In development Electron may have been started on the file itself
  // (`electron dist-electron/main.cjs`, as Playwright does), when getAppPath() is dist-electron: the bundle's parent is
  // the root either way.
  const root = opts.isPackaged ? opts.appPath : path.resolve(opts.mainDir, '..');
  return {
    root,
    rendererDir: path.join(root, 'dist', 'renderer'),
    migrationsFolder: path.join(root, 'db', 'migrations'),
    preload: path.join(opts.mainDir, 'preload.cjs'),
    nativeBinding: opts.isPackaged
      ? path.join(opts.resourcesPath, 'native', NATIVE_MODULE_FILE)
      : path.join(root, DEV_NATIVE_DIR, NATIVE_MODULE_FILE),
    packageJson: path.join(root, 'package.json'),
  };
}

/** The message of the fatal error box when the Electron build of the SQLite module is missing or does not load. */
export function nativeModuleMessage(file: string, isPackaged: boolean, cause?: string): string {
  const lines = [
    `The SQLite database module for this Electron version could not be loaded:`,
    file,
    ...(cause ? ['', cause] : []),
    '',
    isPackaged
      ? 'The installation is incomplete or damaged: reinstall TrialDesk.'
      : 'Build it with `node build/rebuild-native-electron.mjs` (needs access to Electron\u2019s headers), or use browser mode: `npm run web`.',
  ];
  return lines.join('\n');
}
