// Launches Debian's Chromium through playwright-core. Never downloads a browser.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.INTERFLOW_CHROMIUM ?? '/usr/bin/chromium';

export function browserProblem(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
}

/** Options for `test()`: skip outside CI when Chromium is missing; under CI=true it must run. */
export function browserAvailable(): { skip?: string } {
  const problem = browserProblem();
  if (!problem) return {};
  if (process.env.CI === 'true') throw new Error(`browser test cannot run under CI=true: ${problem}`);
  return { skip: `skipped: ${problem}` };
}

export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  // playwright gives each launch a fresh temporary profile and removes it on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}
