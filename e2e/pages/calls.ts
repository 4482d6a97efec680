import type { Page, TestInfo } from '@playwright/test';
import type { ApiError } from '../../electron/api';

/** A full-page screenshot kept with the test's artifacts. */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true, animations: 'disabled' });
}

export interface PageCallResult {
  ok: boolean;
  value?: unknown;
  error?: ApiError;
}

/**
 * A call straight to the host from the page, as the renderer (or a forged script) makes it: the launch token from
 * sessionStorage and the page's session cookie.
 */
export function apiFromPage(page: Page, channel: string, payload: unknown = {}): Promise<PageCallResult> {
  return page.evaluate(
    async ([ch, body]) => {
      const res = await fetch(`/api/${ch}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-trialdesk-token': sessionStorage.getItem('trialdesk.token') ?? '',
        },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      return (await res.json()) as PageCallResult;
    },
    [channel, payload] as const,
  );
}
