/**
 * The bundled desktop host (dist-electron/main.cjs and preload.cjs as build/bundle-electron.mjs makes them), run in
 * Node against a recording stand-in for the `electron` module — no Electron binary exists here. This proves that the
 * bundles load (no import.meta crash), and exercises start-up, the fatal paths, the app: protocol, the IPC sender check
 * and per-window sessions, the permission and navigation guards, and the preload bridge. What it cannot prove is how
 * real Electron/Chromium honour these settings: that is e2e/electron.spec.ts, where a binary exists.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames } from '../api/contract';
import { CONTENT_SECURITY_POLICY } from './policy';

const repo = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const NODE_SQLITE = path.join(repo, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

type Fn = (...args: never[]) => unknown;
type Listener = (...args: unknown[]) => unknown;

interface FakeContents {
  id: number;
  listeners: Map<string, Listener[]>;
  windowOpenHandler?: (details: { url: string }) => { action: string };
  sent: [string, unknown][];
  on(event: string, l: Listener): FakeContents;
  emit(event: string, ...args: unknown[]): void;
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void;
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

/** every stand-in web contents made, for `webContents.getAllWebContents()` */
const allContents: FakeContents[] = [];

function fakeContents(id: number): FakeContents {
  const c: FakeContents = {
    id,
    listeners: new Map(),
    sent: [],
    on(event, l) {
      c.listeners.set(event, [...(c.listeners.get(event) ?? []), l]);
      return c;
    },
    emit(event, ...args) {
      for (const l of c.listeners.get(event) ?? []) l(...args);
    },
    setWindowOpenHandler(h) {
      c.windowOpenHandler = h;
    },
    send(channel, payload) {
      c.sent.push([channel, payload]);
    },
    isDestroyed: () => false,
  };
  allContents.push(c);
  return c;
}

/** A recording stand-in for the parts of `electron` main.cjs and preload.cjs use. */
function fakeElectron(opts: { lock?: boolean; appData: string }) {
  const rec = {
    paths: new Map<string, string>([['appData', opts.appData]]),
    name: 'Electron',
    appListeners: new Map<string, Listener[]>(),
    schemes: [] as unknown[],
    sandboxEnabled: false,
    quitCalled: false,
    exitCode: null as number | null,
    errorBoxes: [] as [string, string][],
    ipcHandlers: new Map<string, Listener>(),
    powerListeners: new Map<string, Listener[]>(),
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    beforeRequest: null as null | { filter: { urls: string[] }; listener: Listener },
    windows: [] as { options: Record<string, unknown>; url?: string; contents: FakeContents }[],
    menu: null as unknown,
    exposed: new Map<string, unknown>(),
    settled: null as unknown as Promise<void>,
  };
  let settle!: () => void;
  rec.settled = new Promise<void>((r) => (settle = r));
  let nextId = 1;

  class BrowserWindow {
    webContents: FakeContents;
    constructor(options: Record<string, unknown>) {
      this.webContents = fakeContents(nextId++);
      rec.windows.push({ options, contents: this.webContents });
    }
    once() {}
    on() {}
    loadURL(url: string) {
      rec.windows.at(-1)!.url = url;
      settle();
      return Promise.resolve();
    }
    isMinimized = () => false;
    restore() {}
    show() {}
    focus() {}
  }

  const session = {
    setPermissionRequestHandler: (h: Listener) => (rec.permissionRequest = h),
    setPermissionCheckHandler: (h: Listener) => (rec.permissionCheck = h),
    webRequest: {
      onBeforeRequest: (filter: { urls: string[] }, listener: Listener) => (rec.beforeRequest = { filter, listener }),
    },
    protocol: {
      handle: (scheme: string, h: (req: Request) => Promise<Response>) => rec.protocolHandlers.set(scheme, h),
    },
  };

  const electron: Record<string, unknown> = {
    app: {
      isPackaged: false,
      getName: () => rec.name,
      setName: (n: string) => (rec.name = n),
      getPath: (k: string) => rec.paths.get(k) ?? path.join(opts.appData, rec.name),
      setPath: (k: string, v: string) => rec.paths.set(k, v),
      getAppPath: () => 'unused-in-development',
      getVersion: () => '41.7.1',
      enableSandbox: () => (rec.sandboxEnabled = true),
      requestSingleInstanceLock: () => opts.lock ?? true,
      on: (event: string, l: Listener) => rec.appListeners.set(event, [...(rec.appListeners.get(event) ?? []), l]),
      whenReady: () => Promise.resolve(),
      quit: () => {
        rec.quitCalled = true;
        settle();
      },
      exit: (code: number) => {
        rec.exitCode = code;
        settle();
      },
    },
    protocol: { registerSchemesAsPrivileged: (s: unknown[]) => rec.schemes.push(...s) },
    session: { defaultSession: session },
    ipcMain: { handle: (channel: string, l: Listener) => rec.ipcHandlers.set(channel, l) },
    webContents: { getAllWebContents: () => [...allContents] },
    powerMonitor: {
      on: (event: string, l: Listener) => rec.powerListeners.set(event, [...(rec.powerListeners.get(event) ?? []), l]),
    },
    dialog: {
      showErrorBox: (title: string, message: string) => rec.errorBoxes.push([title, message]),
      showMessageBox: () => Promise.resolve({ response: 0 }),
    },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: (m: unknown) => (rec.menu = m) },
    BrowserWindow,
    // preload side
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => rec.exposed.set(key, api) },
    ipcRenderer: {
      invoke: (channel: string, payload: unknown) => Promise.resolve({ ok: true, value: { channel, payload } }),
      on: () => {},
      removeListener: () => {},
    },
  };
  return { rec, electron };
}

let bundleDir: string;
const scratch: string[] = [];

beforeAll(() => {
  // the host logs every refusal: expected here, and noise in the test output
  for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
  bundleDir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-bundle-'));
  scratch.push(bundleDir);
  execFileSync(process.execPath, [path.join(repo, 'build', 'bundle-electron.mjs'), '--quiet', '--out', bundleDir], {
    cwd: repo,
    stdio: 'inherit',
  });
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** An app folder laid out as the repo is (dist-electron, dist/renderer, db/migrations, build/native/electron). */
function appFolder(native: 'node-build' | 'missing' | 'garbage') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-app-'));
  scratch.push(dir);
  cpSync(bundleDir, path.join(dir, 'dist-electron'), { recursive: true });
  mkdirSync(path.join(dir, 'dist', 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>TrialDesk</title>');
  writeFileSync(path.join(dir, 'dist', 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'dist', 'secret.txt'), 'outside the renderer folder');
  cpSync(path.join(repo, 'db', 'migrations'), path.join(dir, 'db', 'migrations'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'trialdesk', version: '9.9.9-test' }));
  const nativeDir = path.join(dir, 'build', 'native', 'electron');
  mkdirSync(nativeDir, { recursive: true });
  // in Node the Node build is the right ABI: it stands in for the Electron build made by rebuild-native-electron.mjs
  if (native === 'node-build') cpSync(NODE_SQLITE, path.join(nativeDir, 'better_sqlite3.node'));
  if (native === 'garbage') writeFileSync(path.join(nativeDir, 'better_sqlite3.node'), 'not a shared object');
  // require('electron') from the bundle finds the stand-in; better-sqlite3 is the real one
  mkdirSync(path.join(dir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(
    path.join(dir, 'node_modules', 'electron', 'index.js'),
    'module.exports = new Proxy({}, { get: (_, k) => globalThis.__trialdeskFakeElectron[k] });',
  );
  symlinkSync(
    path.join(repo, 'node_modules', 'better-sqlite3'),
    path.join(dir, 'node_modules', 'better-sqlite3'),
    'junction',
  );
  return dir;
}

async function launch(dir: string, opts: { lock?: boolean } = {}) {
  const dataDir = path.join(dir, 'data');
  const fake = fakeElectron({ ...opts, appData: path.join(dir, 'appdata') });
  (globalThis as Record<string, unknown>).__trialdeskFakeElectron = fake.electron;
  const before = process.env.TRIALDESK_DATA_DIR;
  process.env.TRIALDESK_DATA_DIR = dataDir;
  try {
    require(path.join(dir, 'dist-electron', 'main.cjs'));
  } finally {
    if (before === undefined) delete process.env.TRIALDESK_DATA_DIR;
    else process.env.TRIALDESK_DATA_DIR = before;
  }
  await fake.rec.settled;
  return { rec: fake.rec, dataDir };
}

const call = (rec: ReturnType<typeof fakeElectron>['rec'], channel: string, event: unknown, payload: unknown = {}) =>
  Promise.resolve(rec.ipcHandlers.get(channel)!(event, payload));

describe('dist-electron/main.cjs', () => {
  let app: Awaited<ReturnType<typeof launch>>;
  let dir: string;
  beforeAll(async () => {
    dir = appFolder('node-build');
    app = await launch(dir);
  }, 60_000);
  afterAll(() => {
    for (const l of app.rec.appListeners.get('will-quit') ?? []) l();
  });

  it('starts: sandbox, privileged scheme, one hardened window on app://trialdesk', () => {
    const { rec } = app;
    expect(rec.errorBoxes).toEqual([]);
    expect(rec.exitCode).toBeNull();
    expect(rec.sandboxEnabled).toBe(true);
    expect(rec.name).toBe('TrialDesk');
    expect(rec.paths.get('userData')).toBe(app.dataDir);
    expect(rec.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(rec.windows).toHaveLength(1);
    const win = rec.windows[0]!;
    expect(win.url).toBe('app://trialdesk/index.html');
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: true,
      preload: path.join(dir, 'dist-electron', 'preload.cjs'),
    });
    expect(existsSync(path.join(dir, 'dist-electron', 'preload.cjs'))).toBe(true);
    expect(existsSync(path.join(app.dataDir, 'trialdesk.sqlite'))).toBe(true);
    expect(rec.appListeners.has('second-instance')).toBe(true);
    expect(rec.menu).not.toBeNull();
  });

  it('requires nothing at run time but electron, better-sqlite3 and Node built-ins (what electron-builder.yml ships)', () => {
    const code = readFileSync(path.join(dir, 'dist-electron', 'main.cjs'), 'utf8');
    const required = new Set([...code.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]!));
    const packages = [...required].filter((r) => !r.startsWith('node:') && !builtinModules.includes(r));
    expect(packages.sort()).toEqual(['better-sqlite3', 'electron']);
    expect(code).not.toMatch(/\bimport\.meta\b/);
  });

  it('registers exactly the channels of the contract', () => {
    expect([...app.rec.ipcHandlers.keys()].sort()).toEqual([...channelNames].sort());
  });

  it('serves the handler table to app://trialdesk frames only, with one session per window', async () => {
    const { rec } = app;
    const w1 = fakeContents(101);
    const w2 = fakeContents(102);
    const from = (sender: FakeContents, url: string | null) => ({ sender, senderFrame: url ? { url } : null });

    const info = await call(rec, 'app.info', from(w1, 'app://trialdesk/index.html'));
    expect(info).toMatchObject({ ok: true, value: { needsSetup: true, host: 'desktop', version: '9.9.9-test' } });

    const forbidden = { ok: false, error: { code: 'forbidden', messageKey: 'errors.forbidden' } };
    expect(await call(rec, 'app.info', from(w1, 'https://evil.example/'))).toEqual(forbidden);
    expect(await call(rec, 'app.info', from(w1, 'file:///etc/passwd'))).toEqual(forbidden);
    expect(await call(rec, 'app.info', from(w1, null))).toEqual(forbidden);
    expect(
      await call(rec, 'auth.setup', from(w1, 'http://127.0.0.1/'), {
        username: 'intruder',
        displayName: 'X',
        password: 'long enough password',
      }),
    ).toEqual(forbidden);

    const setup = await call(rec, 'auth.setup', from(w1, 'app://trialdesk/index.html'), {
      username: 'admin',
      displayName: 'Administrator',
      password: 'correct horse battery',
    });
    expect(setup).toMatchObject({ ok: true, value: { username: 'admin', role: 'admin' } });
    expect(await call(rec, 'app.info', from(w1, 'app://trialdesk/'))).toMatchObject({
      ok: true,
      value: { needsSetup: false, user: { username: 'admin' } },
    });
    // another window is another session: nobody is signed in there
    expect(await call(rec, 'app.info', from(w2, 'app://trialdesk/'))).toMatchObject({
      ok: true,
      value: { user: null },
    });
    expect(await call(rec, 'audit.verify', from(w2, 'app://trialdesk/'))).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    // payloads are validated by the table
    expect(await call(rec, 'studies.get', from(w1, 'app://trialdesk/'), { id: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });

  it('locks every signed-in window when the OS locks the screen or suspends, and tells those windows', async () => {
    const { rec } = app;
    const from = (sender: FakeContents) => ({ sender, senderFrame: { url: 'app://trialdesk/index.html' } });
    const signedIn = fakeContents(201);
    const anonymous = fakeContents(202);
    const login = { username: 'admin', password: 'correct horse battery' };
    expect(await call(rec, 'auth.login', from(signedIn), login)).toMatchObject({ ok: true });
    expect(await call(rec, 'app.info', from(anonymous))).toMatchObject({ ok: true, value: { user: null } });
    expect([...rec.powerListeners.keys()].sort()).toEqual(['lock-screen', 'suspend']);

    for (const l of rec.powerListeners.get('lock-screen')!) l();
    const lockedEvent = ['trialdesk:event:session.locked', { cause: 'os' }];
    expect(signedIn.sent).toEqual([lockedEvent]);
    expect(anonymous.sent).toEqual([]);
    expect(await call(rec, 'studies.list', from(signedIn))).toMatchObject({
      ok: false,
      error: { code: 'locked', messageKey: 'lock.locked' },
    });
    expect(await call(rec, 'app.info', from(signedIn))).toMatchObject({ ok: true, value: { locked: true } });
    // already locked: suspend does not lock (nor tell) it again
    for (const l of rec.powerListeners.get('suspend')!) l();
    expect(signedIn.sent).toEqual([lockedEvent]);
    expect(await call(rec, 'auth.unlock', from(signedIn), { password: login.password })).toMatchObject({ ok: true });
    expect(await call(rec, 'studies.list', from(signedIn))).toMatchObject({ ok: true });
    for (const l of rec.powerListeners.get('suspend')!) l();
    expect(signedIn.sent).toEqual([lockedEvent, lockedEvent]);
  });

  it('serves the renderer over app: with the CSP, and nothing outside it', async () => {
    const handle = app.rec.protocolHandlers.get('app')!;
    const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

    const index = await get('app://trialdesk/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>TrialDesk</title>');

    const js = await get('app://trialdesk/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('console.log(1)');

    expect(await (await get('app://trialdesk/studies/7')).text()).toContain('<title>TrialDesk</title>');
    expect((await get('app://trialdesk/assets/none.js')).status).toBe(404);
    for (const url of ['app://trialdesk/..%2fsecret.txt', 'app://trialdesk/%2e%2e%2fsecret.txt', 'app://other/']) {
      const res = await get(url);
      expect(res.status, url).toBe(403);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await get('app://trialdesk/../secret.txt')).status).toBe(404);
    expect((await get('app://trialdesk/', 'POST')).status).toBe(405);
  });

  it('denies permissions, network requests, navigation away, new windows and webviews', () => {
    const { rec } = app;
    let granted: boolean | undefined;
    rec.permissionRequest!(null, 'media', (g: boolean) => (granted = g), {});
    expect(granted).toBe(false);
    expect(rec.permissionCheck!(null, 'clipboard-read', 'app://trialdesk', {})).toBe(false);
    let cancelled: unknown;
    expect(rec.beforeRequest!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*']));
    rec.beforeRequest!.listener({ url: 'https://example.com/' }, (r: unknown) => (cancelled = r));
    expect(cancelled).toEqual({ cancel: true });

    const contents = fakeContents(7);
    for (const l of rec.appListeners.get('web-contents-created') ?? []) l({}, contents);
    const navigate = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(navigate(event, 'https://example.com/'), event).toBe(true);
      expect(navigate(event, 'file:///etc/passwd'), event).toBe(true);
      expect(navigate(event, 'app://trialdesk/index.html'), event).toBe(false);
    }
    expect(navigate('will-attach-webview', 'app://trialdesk/')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'app://trialdesk/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('start-up failures are fatal and said', () => {
  it('missing Electron build of the native module: error box naming the file and the fix, exit 1', async () => {
    const dir = appFolder('missing');
    const { rec, dataDir } = await launch(dir);
    expect(rec.exitCode).toBe(1);
    expect(rec.errorBoxes).toHaveLength(1);
    const [title, message] = rec.errorBoxes[0]!;
    expect(title).toMatch(/TrialDesk/);
    expect(message).toContain(path.join(dir, 'build', 'native', 'electron', 'better_sqlite3.node'));
    expect(message).toMatch(/rebuild-native-electron\.mjs/);
    expect(rec.windows).toHaveLength(0);
    expect(rec.ipcHandlers.size).toBe(0);
    expect(existsSync(path.join(dataDir, 'trialdesk.sqlite'))).toBe(false);
  });

  it('a native module that does not load: error box with the loader message, exit 1', async () => {
    const { rec } = await launch(appFolder('garbage'));
    expect(rec.exitCode).toBe(1);
    expect(rec.errorBoxes[0]![1]).toMatch(/SQLite database module[\s\S]*could not be loaded/);
    expect(rec.windows).toHaveLength(0);
  });

  it('a damaged database file: no error box — one window in recovery mode, the file read-only and unchanged', async () => {
    const dir = appFolder('node-build');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    const file = path.join(dir, 'data', 'trialdesk.sqlite');
    const junk = 'SQLite format 3\0' + 'garbage'.repeat(200);
    writeFileSync(file, junk);
    const { rec } = await launch(dir);
    expect(rec.exitCode).toBeNull();
    expect(rec.errorBoxes).toHaveLength(0);
    expect(rec.windows).toHaveLength(1);
    const from = { sender: fakeContents(201), senderFrame: { url: 'app://trialdesk/index.html' } };
    expect(await call(rec, 'app.info', from)).toMatchObject({ ok: true, value: { recovery: true, user: null } });
    expect(await call(rec, 'studies.list', from)).toMatchObject({
      ok: false,
      error: { code: 'recovery', messageKey: 'recovery.required' },
    });
    expect(await call(rec, 'recovery.status', from)).toMatchObject({ ok: true, value: { file, backups: [] } });
    expect(readFileSync(file, 'latin1')).toBe(junk);
    for (const l of rec.appListeners.get('will-quit') ?? []) l();
  });

  it('a second instance leaves at once (the first one gets the focus)', async () => {
    const { rec } = await launch(appFolder('node-build'), { lock: false });
    expect(rec.quitCalled).toBe(true);
    expect(rec.windows).toHaveLength(0);
    expect(rec.appListeners.has('second-instance')).toBe(false);
  });
});

describe('dist-electron/preload.cjs', () => {
  it('exposes exactly window.trialdesk, with the contract channels baked in', async () => {
    const fake = fakeElectron({ appData: os.tmpdir() });
    (globalThis as Record<string, unknown>).__trialdeskFakeElectron = fake.electron;
    require(path.join(appFolder('missing'), 'dist-electron', 'preload.cjs'));
    expect([...fake.rec.exposed.keys()]).toEqual(['trialdesk']);
    const bridge = fake.rec.exposed.get('trialdesk') as {
      invoke: (c: string, p: unknown) => Promise<unknown>;
      on: Fn;
    };
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    for (const channel of channelNames) {
      await expect(bridge.invoke(channel, { x: 1 })).resolves.toEqual({
        ok: true,
        value: { channel, payload: { x: 1 } },
      });
    }
    await expect(bridge.invoke('fs.readFile', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});
