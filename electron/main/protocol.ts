/** app://trialdesk/ — the only place the window's content comes from: the built renderer, with a strict CSP. */
import { protocol, type Session } from 'electron';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME, SECURITY_HEADERS, mimeType, resolveAppRequest } from './policy';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard + secure: a real origin (app://trialdesk) with localStorage and a secure context; never bypassCSP
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

const isFile = (file: string) => existsSync(file) && statSync(file).isFile();

function refused(status: number): Response {
  return new Response(null, { status, headers: { ...SECURITY_HEADERS } });
}

export function serveApp(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const resolution = resolveAppRequest(request.url, rendererDir, isFile, request.method);
    if (resolution.kind === 'refused') {
      if (resolution.status !== 404) console.warn(`[trialdesk] refused ${request.url}: ${resolution.reason}`);
      return refused(resolution.status);
    }
    try {
      const body = request.method === 'HEAD' ? null : await readFile(resolution.file);
      return new Response(body, {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': mimeType(resolution.file) },
      });
    } catch (err) {
      console.error(`[trialdesk] could not read ${resolution.file}:`, err);
      return refused(500);
    }
  });
}
