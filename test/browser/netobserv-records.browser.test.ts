// The standalone Traffic Flows page in Debian's Chromium, reading NetObserv's flows as NetObserv
// writes them (test/fixtures/netobserv-records.ts: string IfDirections, several interfaces per
// record, singular Interface/IfDirection, unknown extra fields), through the real backend started
// with INTERFLOW_LOKI_SELECTOR set to NetObserv's selector and its embedded store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import {
  NETOBSERV_SELECTOR,
  UNREADABLE_LINES,
  netobservEntries,
  pushNetobserv,
} from '../fixtures/netobserv-records.ts';
import { startBackend, webBuildProblem, type RunningBackend } from './server-harness.ts';

function options(): { skip?: string } {
  const browser = browserAvailable();
  if (browser.skip) return browser;
  const problem = webBuildProblem();
  if (!problem) return {};
  if (process.env.CI === 'true') throw new Error(`browser test cannot run under CI=true: ${problem}`);
  return { skip: `skipped: ${problem}` };
}

/** Texts of one column of the rows on screen, found by its header. */
async function columnTexts(page: Page, header: string): Promise<string[]> {
  return page.evaluate((name) => {
    const headers = [...document.querySelectorAll('.interflow-flows-table thead th')].map((th) =>
      th.textContent?.trim(),
    );
    const index = headers.indexOf(name);
    if (index < 0) throw new Error(`no column "${name}" in ${headers.join(' | ')}`);
    return [...document.querySelectorAll('.interflow-flows-table tbody tr')].map(
      (tr) => tr.children[index]?.textContent?.trim() ?? '',
    );
  }, header);
}

const summaryStartsWith = (page: Page, text: string) =>
  page.waitForFunction(
    (t) => document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(t),
    text,
  );

describe(
  'NetObserv records on the Traffic Flows page (Chromium, real backend, embedded store)',
  options(),
  () => {
    let backend: RunningBackend;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;
    const entries = netobservEntries(Date.now());

    before(async () => {
      backend = await startBackend({ INTERFLOW_LOKI_SELECTOR: NETOBSERV_SELECTOR });
      await pushNetobserv(backend.storeUrl, entries, UNREADABLE_LINES);
      ({ browser, close: closeBrowser } = await launchChromium());
    });

    after(async () => {
      await closeBrowser?.();
      await backend?.close();
    });

    test('every record is shown, the unreadable lines are counted, and net1 in egress is the same element', async () => {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(`${backend.url}/traffic-flows?timeRange=3600&limit=1000`);
        await page.getByRole('heading', { level: 1, name: 'Traffic Flows' }).waitFor();
        await summaryStartsWith(page, `${entries.length} flows found`);
        const unreadable = page.locator('[data-test="flows-unreadable"]');
        assert.equal(
          (await unreadable.textContent())?.trim(),
          `${UNREADABLE_LINES.length} entries could not be read: they are not JSON records.`,
        );
        const all = await columnTexts(page, 'Interface');
        // Written ["eth0","net1"] with ["0","1"]; and the older singular "Interface":"net1", "IfDirection":1.
        assert.ok(all.includes('eth0 (ingress), net1 (egress)'), all.join('\n'));
        assert.ok(all.includes('net1 (egress)'), all.join('\n'));
        assert.ok(all.includes('net1 (ingress), eth0 (egress)'), all.join('\n'));

        const filters = 'interfaces=net1;ifdirections=egress';
        await page.goto(
          `${backend.url}/traffic-flows?${new URLSearchParams({ filters, timeRange: '3600', limit: '1000' })}`,
        );
        await summaryStartsWith(page, '4 flows found');
        const paired = await columnTexts(page, 'Interface');
        assert.equal(paired.length, 4);
        for (const cell of paired) assert.ok(cell.split(', ').includes('net1 (egress)'), cell);
        assert.equal(await page.locator('[data-test="flows-unreadable"]').count(), 0);
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  },
);
