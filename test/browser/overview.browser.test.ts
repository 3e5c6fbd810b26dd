// The overview above the Traffic Flows table in Debian's Chromium, against the real backend and
// its embedded store: the histogram shows, dragging across it narrows the time range in the URL
// (Back restores it), and a click on a top interface adds its filters and narrows the table.
// Expected counts come from the pushed fixtures, not from the backend.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { waitForSummary } from '../support/page-summary.ts';
import { generateFlows, pushRecords, type FlowRecord } from '../fixtures/flow-generator.ts';
import { REPO, startBackend, webBuildProblem, type RunningBackend } from './server-harness.ts';

function options(): { skip?: string } {
  const browser = browserAvailable();
  if (browser.skip) return browser;
  const problem = webBuildProblem();
  if (!problem) return {};
  if (process.env.CI === 'true') throw new Error(`browser test cannot run under CI=true: ${problem}`);
  return { skip: `skipped: ${problem}` };
}

const RESULTS = join(REPO, 'test-results');

describe('Traffic Flows overview (Chromium, real backend, embedded store)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let records: FlowRecord[];

  before(async () => {
    backend = await startBackend();
    const now = Date.now();
    records = [...generateFlows({ count: 600, seed: 15, startMs: now - 50 * 60_000, endMs: now - 1000 })];
    await pushRecords(backend.storeUrl, records);
    ({ browser, close: closeBrowser } = await launchChromium());
    mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await closeBrowser?.();
    await backend?.close();
  });

  test('histogram: drag to zoom writes startTime/endTime, the table narrows, Back restores', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600&limit=1000`);
      await waitForSummary(page, `${records.length} flows found`);
      const histogram = page.locator('[data-test="flows-histogram"]');
      await histogram.waitFor();
      // bars are drawn (one path per non-empty bucket)
      await page.waitForFunction(
        () => document.querySelectorAll('[data-test="flows-histogram"] svg path').length > 10,
      );
      // the screen-reader table carries every bucket with the same figures
      const rows = await page.locator('[data-test="histogram-table"] tbody tr').count();
      assert.equal(rows, 120);

      const area = page.locator('[data-test="histogram-drag-area"]');
      const box = (await area.boundingBox())!;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.5, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
      await page.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
      await page.mouse.up();
      await page.waitForURL((u) => u.searchParams.has('startTime') && u.searchParams.has('endTime'));
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('timeRange'), null);
      const startS = Number(url.searchParams.get('startTime'));
      const endS = Number(url.searchParams.get('endTime'));
      // a quarter of the hour, give or take the pixel rounding
      assert.ok(Math.abs(endS - startS - 900) < 30, `zoomed span ${endS - startS} s`);
      const inRange = records.filter(
        (r) => r.TimeFlowEndMs >= startS * 1000 && r.TimeFlowEndMs < endS * 1000,
      ).length;
      assert.ok(inRange > 0 && inRange < records.length);
      await waitForSummary(page, `${inRange} flows found`);

      // keyboard: "-" zooms out to twice the span
      await page.locator('.interflow-histogram__chart').focus();
      await page.keyboard.press('-');
      await page.waitForURL(
        (u) => Number(u.searchParams.get('endTime')) - Number(u.searchParams.get('startTime')) > 1700,
      );
      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get('startTime') === String(startS));

      await page.goBack();
      await page.waitForURL(
        (u) => u.searchParams.get('timeRange') === '3600' && !u.searchParams.has('startTime'),
      );
      await waitForSummary(page, `${records.length} flows found`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a click on a top interface adds its filters (chips) and narrows the table, keeping a row limit chosen since', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    const page = await context.newPage();
    try {
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600&limit=5000`);
      await waitForSummary(page, `${records.length} flows found`);
      // The overview does not redraw for a new row limit; its click must still keep that limit.
      await page.getByLabel('Row limit').selectOption('1000');
      await page.waitForURL((u) => u.searchParams.get('limit') === '1000');
      const panel = page.locator('[data-test="top-interfaces"]');
      await panel.waitFor();
      await page.locator('[data-test="top-pairs"]').waitFor();
      await page.screenshot({ path: join(RESULTS, 'traffic-flows-overview.png') });

      // the top row is the interface with the most bytes, counted from the fixtures
      const first = panel.locator('[data-test^="top-interface-"]').first();
      const name = (await first.textContent())!.trim();
      const bytes = new Map<string, number>();
      const key = (r: FlowRecord, i: number) => JSON.stringify([r.Interfaces[i], r.IfNetns[i] ?? '']);
      for (const r of records)
        r.Interfaces.forEach((_, i) => bytes.set(key(r, i), (bytes.get(key(r, i)) ?? 0) + r.Bytes));
      const [topKey] = [...bytes.entries()].sort((a, b) => b[1] - a[1])[0]!;
      const [topName, topNetns] = JSON.parse(topKey) as [string, string];
      assert.equal(name, topName);

      await first.click();
      await page.waitForURL((u) => (u.searchParams.get('filters') ?? '').includes(`interfaces=${topName}`));
      assert.equal(new URL(page.url()).searchParams.get('limit'), '1000');
      const chips = await page.getByRole('group', { name: 'Active filters' }).textContent();
      assert.match(
        chips ?? '',
        new RegExp(`Network interface name =.*${topName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      const narrowed = records.filter(
        (r) => r.Interfaces.includes(topName) && r.IfNetns.includes(topNetns),
      ).length;
      assert.ok(narrowed > 0 && narrowed < records.length);
      await waitForSummary(page, `${narrowed} flows found`);
    } finally {
      await context.close();
    }
  });
});
