/**
 * Browser mode: the same handler table over HTTP, for machines without an Electron binary. Listens on 127.0.0.1 only;
 * every API call must carry the per-launch token; sessions are per browser (an HttpOnly cookie).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ApiResult } from '../api';
import { dispatch, type HostContext, type Session } from '../handlers';
import { CONTENT_SECURITY_POLICY } from '../csp';

const MAX_BODY = 1024 * 1024;
/** Calls that carry a workbook (base64 of up to 100 MiB, the reader's own limit) may send that much, and no others. */
const FILE_CHANNELS: Readonly<Record<string, number>> = {
  'imports.validate': 140 * 1024 * 1024,
  'ctcae.load': 30 * 1024 * 1024,
};
const SESSION_COOKIE = 'td_session';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface WebHostOptions {
  host: HostContext;
  /** the built renderer (dist/renderer) */
  staticDir: string;
  port?: number;
  /** fixed token for tests; random per launch otherwise */
  token?: string;
}

export interface WebHost {
  server: Server;
  url: string;
  token: string;
  close(): Promise<void>;
}

const secureHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...secureHeaders, ...headers });
  res.end(JSON.stringify(body));
}

const refusal = (code: 'bad_request' | 'forbidden', messageKey: string): ApiResult<never> => ({
  ok: false,
  error: { code, messageKey },
});

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name) return v;
  }
  return undefined;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const sessions = new Map<string, Session>();
  // after a restore every browser session starts again at the sign-in page
  opts.host.signOutAll = () => {
    for (const session of sessions.values()) session.user = null;
  };
  const staticRoot = path.resolve(opts.staticDir);
  let origin = '';

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(staticRoot, rel);
    if (!file.startsWith(staticRoot + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, secureHeaders).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      ...secureHeaders,
    });
    createReadStream(file).pipe(res);
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, refusal('bad_request', 'errors.badRequest'));
    // the token proves the caller got the URL from this launch; the Origin check stops other local pages
    if (!sameSecret(req.headers['x-trialdesk-token'] as string | undefined, token)) {
      return send(res, 403, refusal('forbidden', 'errors.badToken'));
    }
    if (req.headers.origin && req.headers.origin !== `http://${req.headers.host}`) {
      return send(res, 403, refusal('forbidden', 'errors.forbidden'));
    }
    let payload: unknown;
    try {
      const body = await readBody(req, FILE_CHANNELS[channel] ?? MAX_BODY);
      payload = body ? (JSON.parse(body) as unknown) : {};
    } catch {
      return send(res, 400, refusal('bad_request', 'errors.badRequest'));
    }
    let sid = cookie(req, SESSION_COOKIE);
    const headers: Record<string, string> = {};
    if (!sid || !sessions.has(sid)) {
      sid = randomBytes(24).toString('base64url');
      sessions.set(sid, { user: null });
      headers['set-cookie'] = `${SESSION_COOKIE}=${sid}; HttpOnly; SameSite=Strict; Path=/`;
    }
    const result = await dispatch(opts.host, sessions.get(sid)!, channel, payload);
    send(res, 200, result, headers);
  }

  const server = createServer((req, res) => {
    // DNS-rebinding guard: only our own loopback host names
    const hostHeader = req.headers.host ?? '';
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(hostHeader)) {
      res.writeHead(421, secureHeaders).end('Misdirected request');
      return;
    }
    const { pathname } = new URL(req.url ?? '/', origin);
    if (pathname.startsWith('/api/')) {
      serveApi(req, res, pathname.slice('/api/'.length)).catch((err: unknown) => {
        console.error('[trialdesk] web host error:', err);
        if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', messageKey: 'errors.internal' } });
      });
    } else serveStatic(req, res, pathname);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    server,
    token,
    url: `${origin}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
