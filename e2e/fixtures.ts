/**
 * A real browser-mode host per test: its own temp data directory, started as a user starts it (`tsx electron/web`),
 * restartable on the same data to prove that everything persists.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SITE_TIME_ZONE } from './site-time';

const root = path.resolve(import.meta.dirname, '..');

export interface AppHost {
  url: string;
  dataDir: string;
  /**
   * stops the host and starts a new one on the same data directory; returns the new URL (new token). `whileStopped`
   * runs between the two (e.g. damaging the database file to start in recovery mode); `clockOffsetDays` starts the new
   * host with its clock that many days ahead (overdue visits).
   */
  restart(whileStopped?: () => void, options?: { clockOffsetDays?: number }): Promise<string>;
}

async function startHost(dataDir: string, clockOffsetDays = 0): Promise<{ child: ChildProcess; url: string }> {
  const clock = clockOffsetDays ? ['--clock-offset-days', String(clockOffsetDays)] : [];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/web/index.ts', '--port', '0', '--data-dir', dataDir, ...clock],
    {
      cwd: root,
      // the host runs in the browser's time zone (playwright.config.ts), as on a ward workstation where both are one
      // machine: "today" of the worklist is then the same day for both
      env: { ...process.env, TZ: SITE_TIME_ZONE },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /browser mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${output}`));
    });
  });
  return { child, url };
}

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export const test = base.extend<{ app: AppHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring even when no fixture is used
  app: async ({}, use) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'trialdesk-e2e-'));
    let host = await startHost(dataDir);
    const app: AppHost = {
      url: host.url,
      dataDir,
      restart: async (whileStopped, options) => {
        await stopHost(host.child);
        whileStopped?.();
        host = await startHost(dataDir, options?.clockOffsetDays);
        app.url = host.url;
        return host.url;
      },
    };
    await use(app);
    await stopHost(host.child);
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };
