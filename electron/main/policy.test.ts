import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  FORBIDDEN_SENDER,
  SECURITY_HEADERS,
  isAllowedNavigation,
  isTrustedSender,
  mimeType,
  resolveAppRequest,
  windowOptions,
} from './policy';

const root = path.resolve('/srv/trialdesk/dist/renderer');
const files = new Set(
  ['index.html', 'assets/index-abc.js', 'assets/index-abc.css', 'favicon.svg'].map((f) => path.join(root, f)),
);
const exists = (f: string) => files.has(f);
const resolve = (url: string, method?: string) => resolveAppRequest(url, root, exists, method);

describe('resolveAppRequest', () => {
  it('serves the entry page and assets from the renderer folder', () => {
    expect(resolve('app://trialdesk/')).toEqual({ kind: 'file', file: path.join(root, 'index.html') });
    expect(resolve(APP_ENTRY_URL)).toEqual({ kind: 'file', file: path.join(root, 'index.html') });
    expect(resolve('app://trialdesk/assets/index-abc.js?v=1#x')).toEqual({
      kind: 'file',
      file: path.join(root, 'assets', 'index-abc.js'),
    });
    expect(resolve('app://trialdesk/assets/index-abc.css', 'HEAD')).toMatchObject({ kind: 'file' });
  });

  it('gives index.html to client-side routes, 404 to missing files', () => {
    expect(resolve('app://trialdesk/studies/12')).toEqual({ kind: 'file', file: path.join(root, 'index.html') });
    expect(resolve('app://trialdesk/assets/missing.js')).toMatchObject({ kind: 'refused', status: 404 });
  });

  it.each([
    'app://trialdesk/../package.json',
    'app://trialdesk/assets/../../db/open.ts',
    'app://trialdesk/%2e%2e/%2e%2e/package.json',
    'app://trialdesk/..%2f..%2fpackage.json',
    'app://trialdesk/..%5c..%5cpackage.json',
    'app://trialdesk/assets/%2e%2e%2f%2e%2e%2fsecret',
    'app://trialdesk/%00index.html',
    'app://trialdesk/C:/Windows/win.ini',
    'app://trialdesk/index.html:$DATA',
    'app://trialdesk//etc/passwd',
    'app://trialdesk/%2Fetc%2Fpasswd',
  ])('never leaves the renderer folder: %s', (url) => {
    const r = resolve(url);
    if (r.kind === 'file') {
      // a URL parser may normalise ".." away: then whatever is served must still be inside the root
      expect(path.relative(root, r.file).startsWith('..')).toBe(false);
      expect(files.has(r.file) || r.file === path.join(root, 'index.html')).toBe(true);
    } else {
      expect([400, 403, 404]).toContain(r.status);
    }
  });

  it('refuses encoded separators, bad encodings, other hosts, other schemes and non-GET methods', () => {
    expect(resolve('app://trialdesk/..%2f..%2fpackage.json')).toMatchObject({ kind: 'refused', status: 403 });
    expect(resolve('app://trialdesk/a%5cb')).toMatchObject({ kind: 'refused', status: 403 });
    expect(resolve('app://trialdesk/%E0%A4%A')).toMatchObject({ kind: 'refused', status: 400 });
    expect(resolve('app://evil/index.html')).toMatchObject({ kind: 'refused', status: 403 });
    expect(resolve('file:///srv/trialdesk/dist/renderer/index.html')).toMatchObject({ kind: 'refused', status: 403 });
    expect(resolve('not a url')).toMatchObject({ kind: 'refused', status: 400 });
    expect(resolve('app://trialdesk/', 'POST')).toMatchObject({ kind: 'refused', status: 405 });
  });
});

describe('sender and navigation checks', () => {
  it('trusts only frames of app://trialdesk', () => {
    expect(isTrustedSender('app://trialdesk/index.html')).toBe(true);
    expect(isTrustedSender('app://trialdesk/studies/3?x=1')).toBe(true);
    for (const url of [
      null,
      undefined,
      '',
      'about:blank',
      'app://trialdesk.evil/',
      'app://evil/',
      'app://user:pw@trialdesk/',
      'app://trialdesk:8080/',
      'http://trialdesk/',
      'https://127.0.0.1/',
      'file:///C:/trialdesk/index.html',
      'devtools://devtools/bundled/index.html',
      'data:text/html,<script>',
    ]) {
      expect(isTrustedSender(url), String(url)).toBe(false);
    }
  });

  it('allows navigation only inside the app', () => {
    expect(isAllowedNavigation('app://trialdesk/index.html')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)')).toBe(false);
  });

  it('refuses with the error envelope of the contract', () => {
    expect(FORBIDDEN_SENDER).toEqual({ ok: false, error: { code: 'forbidden', messageKey: 'errors.forbidden' } });
  });
});

describe('content security policy and headers', () => {
  it('is exactly the agreed policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
        "form-action 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });

  it('types the renderer files', () => {
    expect(mimeType('a/index.html')).toMatch(/^text\/html/);
    expect(mimeType('a/x.JS')).toMatch(/^text\/javascript/);
    expect(mimeType('a/x.css')).toMatch(/^text\/css/);
    expect(mimeType('a/x.woff2')).toBe('font/woff2');
    expect(mimeType('a/x.unknown')).toBe('application/octet-stream');
  });
});

describe('windowOptions', () => {
  it('isolates and sandboxes the renderer', () => {
    const o = windowOptions({ preload: '/app/dist-electron/preload.cjs', devTools: false });
    expect(o.title).toBe('TrialDesk');
    expect(o.show).toBe(false);
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist-electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });
});
