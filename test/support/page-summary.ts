// Waits until the Traffic Flows page's summary line (`.interflow-summary`) starts with the
// given text ("6 flows found", …). On a loaded machine the page's first query can take longer
// than Playwright's default 30 s (the backend's own Loki timeout is 30 s by default), so the
// wait is longer; when it runs out anyway, the failure says what the page shows instead (its
// summary and any alert, such as a store error), not only "Timeout exceeded".
import type { Page } from 'playwright-core';

const SUMMARY_WAIT_MS = 90_000;

export async function waitForSummary(page: Page, start: string): Promise<void> {
  try {
    await page.waitForFunction(
      (s) => document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(s),
      start,
      { timeout: SUMMARY_WAIT_MS },
    );
  } catch (e) {
    const shown = await page
      .evaluate(() => ({
        summary: document.querySelector('.interflow-summary')?.textContent?.trim() ?? '(no summary line)',
        alerts: [...document.querySelectorAll('.pf-v6-c-alert')].map((a) => a.textContent?.trim() ?? ''),
      }))
      .catch((err: unknown) => ({ summary: `(page unreadable: ${(err as Error).message})`, alerts: [] }));
    const alerts = shown.alerts.length ? `; alerts: ${shown.alerts.join(' | ')}` : '; no alert';
    throw new Error(
      `the summary did not start with "${start}" within ${SUMMARY_WAIT_MS / 1000} s: it reads "${shown.summary}"${alerts} (${(e as Error).message.split('\n')[0]})`,
    );
  }
}
