/**
 * The desktop's security policy as plain logic, with no `electron` import, so that it is unit-tested without an Electron
 * binary: where content comes from (app://trialdesk/ → dist/renderer, no path traversal), which senders may call the
 * handler table, the CSP, the window's options.
 */
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../csp';

export { CONTENT_SECURITY_POLICY };

export const APP_SCHEME = 'app';
export const APP_HOST = 'trialdesk';
/** what the renderer's frames must report as their origin to be served by the handler table */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Headers of every response of the app: scheme. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** True when the URL belongs to the app's own origin (app://trialdesk). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // WHATWG gives non-special schemes an opaque origin ("null"): compare scheme, host and port instead
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
  );
}

/** The IPC sender check: only frames showing our own content may reach the handler table. */
export function isTrustedSender(frameUrl: string | null | undefined): boolean {
  return isAppUrl(frameUrl);
}

/** Navigations (will-navigate, will-redirect, will-frame-navigate) stay inside the app or do not happen. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

export type Resolution =
  { kind: 'file'; file: string } | { kind: 'refused'; status: 400 | 403 | 404 | 405; reason: string };

/**
 * Maps an app://trialdesk/… request to a file under `rootDir` (the built renderer). Refuses other hosts, encoded
 * separators and NULs, and anything that would leave `rootDir`. A path without a file extension that does not exist is
 * a client-side route: it gets index.html.
 */
export function resolveAppRequest(
  url: string,
  rootDir: string,
  exists: (file: string) => boolean,
  method = 'GET',
): Resolution {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refused', status: 405, reason: 'method' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refused', status: 400, reason: 'url' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return { kind: 'refused', status: 403, reason: 'origin' };
  }
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'refused', status: 400, reason: 'encoding' };
  }
  // a decoded separator or NUL was never a real path segment
  if (relative.includes('\0') || relative.includes('\\') || /%2f|%5c/i.test(parsed.pathname)) {
    return { kind: 'refused', status: 403, reason: 'path' };
  }
  const segments = relative.split('/').filter((s) => s !== '');
  // no dot segments; no ':' (drive letters, NTFS alternate data streams)
  if (segments.some((s) => s === '..' || s === '.' || s.includes(':'))) {
    return { kind: 'refused', status: 403, reason: 'path' };
  }
  if (segments.length === 0) segments.push('index.html');

  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...segments);
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return { kind: 'refused', status: 403, reason: 'path' };
  }
  if (exists(file)) return { kind: 'file', file };
  if (path.extname(file) === '') {
    const index = path.join(root, 'index.html');
    if (exists(index)) return { kind: 'file', file: index };
  }
  return { kind: 'refused', status: 404, reason: 'missing' };
}

/** The BrowserWindow options; the caller passes them to `new BrowserWindow` (which type-checks them). */
export function windowOptions(opts: { preload: string; devTools: boolean; icon?: string }) {
  return {
    title: 'TrialDesk',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    backgroundColor: '#ffffff',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools,
    },
  };
}

/** The error envelope of a call refused before it reaches the handler table. */
export const FORBIDDEN_SENDER = Object.freeze({
  ok: false as const,
  error: Object.freeze({ code: 'forbidden' as const, messageKey: 'errors.forbidden' }),
});
