import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aStudy, ADMIN, createHarness, type Harness } from '../testing/harness';
import { startWebHost, type WebHost } from './server';

let h: Harness;
let web: WebHost;
beforeEach(async () => {
  h = await createHarness({ signedIn: false });
  const staticDir = path.join(h.dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>TrialDesk</title>');
  writeFileSync(path.join(h.dir, 'secret.txt'), 'outside the renderer');
  web = await startWebHost({ host: { ...h.host, host: 'browser' }, staticDir });
});
afterEach(async () => {
  await web.close();
  h.cleanup();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
/** A raw HTTP request, so that headers (Host, Origin, token) are exactly what a test says. */
function raw(method: string, urlPath: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const { port } = new URL(web.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const api = (channel: string, payload: unknown, extra: Record<string, string> = {}) =>
  raw(
    'POST',
    `/api/${channel}`,
    { host: new URL(web.url).host, 'content-type': 'application/json', 'x-trialdesk-token': web.token, ...extra },
    payload,
  );

describe('browser-mode host', () => {
  it('listens on loopback only and serves the renderer with a CSP', async () => {
    expect(new URL(web.url).hostname).toBe('127.0.0.1');
    const page = await raw('GET', '/', { host: new URL(web.url).host });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await raw('GET', '/../secret.txt', { host: new URL(web.url).host })).status).toBe(404);
    expect((await raw('GET', '/%2e%2e/secret.txt', { host: new URL(web.url).host })).status).toBe(404);
  });

  it('refuses calls without the launch token, from another origin, or for another host name', async () => {
    expect((await api('app.info', {}, { 'x-trialdesk-token': 'guess' })).status).toBe(403);
    expect((await api('app.info', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('app.info', {}, { host: 'evil.example:80' })).status).toBe(421);
    const ok = await api('app.info', {}, { origin: `http://${new URL(web.url).host}` });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { needsSetup: true, host: 'browser' } });
  });

  it('keeps a session per browser: setting up signs in that browser only', async () => {
    const setup = await api('auth.setup', ADMIN);
    const cookie = String(setup.headers['set-cookie']).split(';')[0]!;
    expect(JSON.parse(setup.body)).toMatchObject({ ok: true, value: { username: 'admin' } });
    const mine = await api('studies.create', aStudy(), { cookie });
    expect(JSON.parse(mine.body)).toMatchObject({ ok: true, value: { protocolNumber: 'HR-ITP-III-01' } });
    const other = await api('studies.list', {});
    expect(JSON.parse(other.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const bad = await api('studies.create', { ...aStudy(), phase: 'V' }, { cookie });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'validation', field: 'phase' } });
  });

  it('answers malformed bodies with a clean error, never a stack trace', async () => {
    const r = await raw(
      'POST',
      '/api/app.info',
      { host: new URL(web.url).host, 'x-trialdesk-token': web.token },
      undefined,
    );
    expect(JSON.parse(r.body)).toMatchObject({ ok: true });
    const port = new URL(web.url).port;
    const broken = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/api/app.info', headers: { 'x-trialdesk-token': web.token } },
        (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
        },
      );
      req.on('error', reject);
      req.end('{not json');
    });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toEqual({
      ok: false,
      error: { code: 'bad_request', messageKey: 'errors.badRequest' },
    });
  });

  it('takes a workbook of several MiB for an import, and no such body for any other call', async () => {
    // 3 MiB of base64: the import answers (here: not signed in), an ordinary call's body is refused before it is read
    const big = 'A'.repeat(3 * 1024 * 1024);
    const file = await api('imports.validate', { kind: 'aes', fileName: 'x.xlsx', base64: big, jobId: 'job-12345678' });
    expect(JSON.parse(file.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const other = await api('app.setLocale', { locale: 'en', padding: big }).catch((err: Error) => err);
    expect(other instanceof Error || other.status === 400).toBe(true);
  });
});
