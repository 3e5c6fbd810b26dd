// The standalone Traffic Flows page in Debian's Chromium against the real backend and its
// embedded store, filled with real records through the Loki push API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
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

interface FlowsAnswer {
  records: Array<Record<string, unknown>>;
  stats: { limitReached: boolean };
}

async function apiFlows(base: string, params: Record<string, string>): Promise<FlowsAnswer> {
  const res = await fetch(`${base}/api/flows?${new URLSearchParams(params)}`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as FlowsAnswer;
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

/** How many of the pushed records a filter must find: counted from the fixtures, not asked of the backend. */
const countWhere = (records: readonly FlowRecord[], match: (r: FlowRecord) => boolean) =>
  records.filter(match).length;
const hasInterface = (r: FlowRecord, name: string) => r.Interfaces.includes(name);

/** Interface names of an Interfaces cell, which shows each with its direction: `net1 (egress), eth0 (ingress)`. */
const interfaceNames = (cell: string): string[] =>
  cell.split(', ').map((s) => s.replace(/ \((?:ingress|egress)\)$/, ''));

async function summary(page: Page): Promise<string> {
  return (await page.locator('.interflow-summary').textContent())?.trim() ?? '';
}

describe('Traffic Flows page (Chromium, real backend, embedded store)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  // all within the last 5 minutes, so every time range below holds all of them
  let records: FlowRecord[];

  before(async () => {
    backend = await startBackend();
    records = [...generateFlows({ count: 400, seed: 42, endMs: Date.now() - 1000 })];
    await pushRecords(backend.storeUrl, records);
    ({ browser, close: closeBrowser } = await launchChromium());
    mkdirSync(RESULTS, { recursive: true });
  });

  after(
    async () => {
      await closeBrowser?.();
      await backend?.close();
    },
    { timeout: 60_000 }, // a hang in closing fails the file instead of stalling the suite
  );

  test('a shared URL with interfaces=net1 shows only net1 rows; a filter added in the UI updates URL and table; reload keeps the view', async () => {
    const context = await browser.newContext({
      viewport: { width: 1600, height: 1000 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      const shared = `${backend.url}/traffic-flows?filters=${encodeURIComponent('interfaces=net1')}&match=all&timeRange=3600&limit=1000`;
      await page.goto(shared);
      await page.getByRole('heading', { level: 1, name: 'Traffic Flows' }).waitFor();
      await page.locator('[data-testid="interflow-flow-row"]').first().waitFor();

      const net1 = countWhere(records, (r) => hasInterface(r, 'net1'));
      assert.ok(net1 > 50, 'the fixtures hold more net1 records than one page');
      assert.match(await summary(page), new RegExp(`^${net1} flows found`));
      const interfaces = await columnTexts(page, 'Interface');
      assert.equal(interfaces.length, 50);
      for (const cell of interfaces)
        assert.ok(interfaceNames(cell).includes('net1'), `row without net1: "${cell}"`);
      assert.ok(
        !interfaces.some((c) => interfaceNames(c).every((i) => i !== 'net1')),
        'net10/xnet1 rows must not match',
      );

      // Add "Source namespace = team-a" through the picker.
      await page.getByLabel('Filter category').selectOption('src_namespace');
      await page.getByLabel('Filter value').fill('team-a');
      await page.getByLabel('Filter value').press('Enter');
      await page.waitForURL(
        (url) => url.searchParams.get('filters') === 'interfaces=net1;src_namespace=team-a',
      );
      const narrowed = countWhere(records, (r) => hasInterface(r, 'net1') && r.SrcK8S_Namespace === 'team-a');
      assert.ok(narrowed > 0 && narrowed < net1, 'the fixtures hold net1 records of team-a and others');
      await page.waitForFunction(
        (n) =>
          document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(`${n} flows found`),
        narrowed,
      );
      for (const ns of await columnTexts(page, 'Source namespace')) assert.equal(ns, 'team-a');
      const url = page.url();

      // Reload: the same view comes back from the URL alone.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Traffic Flows' }).waitFor();
      await page.waitForFunction(
        (n) =>
          document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(`${n} flows found`),
        narrowed,
      );
      assert.equal(page.url(), url);
      const chips = await page.getByRole('group', { name: 'Active filters' }).textContent();
      assert.match(chips ?? '', /Network interface name =.*net1/);
      assert.match(chips ?? '', /Source namespace =.*team-a/);

      // Back returns to the net1-only view.
      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get('filters') === 'interfaces=net1');
      await page.waitForFunction(
        (n) =>
          document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(`${n} flows found`),
        net1,
      );

      // The details drawer opens from the keyboard and shows the raw JSON.
      await page.locator('[data-testid="interflow-flow-row"]').first().focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Flow details' }).waitFor();
      const json = await page.locator('#interflow-raw-json').textContent();
      assert.ok((JSON.parse(json ?? '{}') as { Interfaces: string[] }).Interfaces.includes('net1'));
      await page.getByRole('button', { name: 'Copy JSON to clipboard' }).click();
      await page.waitForFunction(async (text) => (await navigator.clipboard.readText()) === text, json);

      // A value in the drawer becomes a filter.
      await page.getByRole('button', { name: /^Filter on Protocol = / }).click();
      await page.waitForURL((u) => /;protocol=\d+$/.test(u.searchParams.get('filters') ?? ''));

      await page.screenshot({ path: join(RESULTS, 'traffic-flows.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('Export downloads exactly what /api/flows/export returns for the current query', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    try {
      await page.goto(
        `${backend.url}/traffic-flows?filters=${encodeURIComponent('interfaces=net1,eth0')}&timeRange=3600&limit=50&cols=TimeFlowEndMs,Interfaces,SrcAddr,Bytes`,
      );
      await page.locator('[data-testid="interflow-flow-row"]').first().waitFor();
      await page.getByRole('button', { name: 'Export' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByLabel('Destination port').check();
      const link = dialog.getByRole('link', { name: 'Download CSV' });
      const href = await link.getAttribute('href');
      assert.ok(href);
      const exportUrl = new URL(href, backend.url);
      assert.equal(exportUrl.pathname, '/api/flows/export');
      assert.equal(exportUrl.searchParams.get('columns'), 'TimeFlowEndMs,Interfaces,SrcAddr,DstPort,Bytes');
      assert.equal(exportUrl.searchParams.get('filters'), 'interfaces=net1,eth0');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const downloaded = readFileSync((await download.path())!, 'utf8');
      const direct = await (await fetch(exportUrl)).text();
      assert.equal(downloaded, direct);
      const lines = downloaded.trim().split(/\r?\n/);
      // every matching record, not only the 50 rows of the table
      const all = countWhere(records, (r) => hasInterface(r, 'net1') || hasInterface(r, 'eth0'));
      assert.ok(all > 50, 'the export must not be capped by the table limit');
      assert.equal(lines.length - 1, all);
      assert.match(download.suggestedFilename(), /^interflow-flows-.*\.csv$/);
    } finally {
      await context.close();
    }
  });

  test('the page speaks Japanese with ?lng=ja (catalog loaded from /locales/ja/…)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${backend.url}/traffic-flows?lng=ja&timeRange=3600`);
      await page.getByRole('heading', { level: 1, name: 'トラフィックフロー' }).waitFor();
      assert.equal(await page.getByLabel('フィルターのカテゴリー').count(), 1);
    } finally {
      await page.close();
    }
  });
});

describe('Traffic Flows page when the store is unreachable (Chromium, real backend)', options(), () => {
  test('says which Loki is unreachable and what to try', async () => {
    // Port 1 on loopback: nothing listens there, so the backend's Loki client fails to connect.
    const backend = await startBackend({ INTERFLOW_LOKI_URL: 'http://127.0.0.1:1' });
    let close: (() => Promise<void>) | undefined;
    try {
      const launched = await launchChromium();
      close = launched.close;
      const page = await launched.browser.newPage();
      await page.goto(`${backend.url}/traffic-flows`);
      const message = page.locator('.interflow-error__message');
      await message.waitFor();
      assert.match((await message.textContent()) ?? '', /127\.0\.0\.1:1/);
      assert.ok(await page.getByText('The flow store is unavailable').isVisible());
      assert.ok(await page.getByRole('button', { name: 'Retry' }).isVisible());
    } finally {
      await close?.();
      await backend.close();
    }
  });
});

describe('Traffic Flows page with hostile values (Chromium, real backend)', options(), () => {
  test('interface names full of quotes, backticks, regex and Unicode are matched literally from URL and UI', async () => {
    const backend = await startBackend();
    let close: (() => Promise<void>) | undefined;
    try {
      const launched = await launchChromium();
      close = launched.close;
      const browser = launched.browser;
      const records = [...generateFlows({ count: 600, seed: 9, hostile: true, endMs: Date.now() - 1000 })];
      await pushRecords(backend.storeUrl, records);
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // Values without "\", "," or ";" are written the same with or without the page's escaping.
      let matched = 0;
      for (const value of ['a"b', 'tick`tock', '(group)|alt', '"} |= "x', 'ünïcödé-名前-🙂', 'dot.star*']) {
        const filters = `interfaces=${value}`;
        const expected = await apiFlows(backend.url, { filters, timeRange: '3600', limit: '1000' });
        assert.equal(
          expected.records.length,
          countWhere(records, (r) => hasInterface(r, value)),
          value,
        );
        matched += expected.records.length;
        await page.goto(
          `${backend.url}/traffic-flows?${new URLSearchParams({ filters, timeRange: '3600', limit: '1000' })}`,
        );
        await page.waitForFunction((n) => {
          const s = document.querySelector('.interflow-summary')?.textContent?.trim() ?? '';
          return n === 0
            ? document.body.textContent?.includes('No flows found')
            : s.startsWith(`${n} flows found`);
        }, expected.records.length);
        for (const r of expected.records)
          assert.ok((r.Interfaces as string[]).includes(value), `API answered a record without ${value}`);
        if (expected.records.length) {
          for (const cell of await columnTexts(page, 'Interface'))
            assert.ok(interfaceNames(cell).includes(value), `row without ${JSON.stringify(value)}: ${cell}`);
        }
      }
      assert.ok(matched > 0, 'the hostile fixtures use these interface names');
      // Typed in the UI: the value reaches the URL and the API as typed.
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600`);
      await page.getByLabel('Filter category').selectOption('interfaces');
      await page.getByLabel('Filter operator').selectOption('~');
      await page.getByLabel('Filter value').fill('"} |= "x');
      await page.getByLabel('Filter value').press('Enter');
      await page.waitForURL((u) => u.searchParams.get('filters') === 'interfaces~"} |= "x');
      const contains = countWhere(records, (r) => r.Interfaces.some((i) => i.includes('"} |= "x')));
      assert.ok(
        contains > 0 && contains < 100,
        `${contains} records: at least one, fewer than the row limit`,
      );
      await page.waitForFunction(
        (n) =>
          n === 0
            ? document.body.textContent?.includes('No flows found')
            : document
                .querySelector('.interflow-summary')
                ?.textContent?.trim()
                .startsWith(`${n} flows found`),
        contains,
      );
      assert.equal(await page.locator('.interflow-error').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await close?.();
      await backend.close();
    }
  });
});
