// What a new user tripped over (issue 21), in Debian's Chromium against the real backend and
// its embedded store: typed values checked before they become chips, every bad part of a link
// warned about and rewritten, a CSV that reads like the table, and the page from the keyboard.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { generateFlows, pushRecords, type FlowRecord } from '../fixtures/flow-generator.ts';
import { startBackend, webBuildProblem, type RunningBackend } from './server-harness.ts';
import { eventually } from '../support/wait.ts';

function options(): { skip?: string } {
  const browser = browserAvailable();
  if (browser.skip) return browser;
  const problem = webBuildProblem();
  if (!problem) return {};
  if (process.env.CI === 'true') throw new Error(`browser test cannot run under CI=true: ${problem}`);
  return { skip: `skipped: ${problem}` };
}

const ROW = '[data-testid="interflow-flow-row"]';

async function headers(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.interflow-flows-table thead th')].map(
      (th) => th.textContent?.trim() ?? '',
    ),
  );
}

/** What has focus: the row's label, the element's text, or its tag. */
/**
 * Waits until focus is on the element named `label` (focus may move in an effect after the
 * render a key caused), failing with where focus is instead.
 */
async function focusReaches(page: Page, label: string): Promise<void> {
  let last = '';
  try {
    await eventually(
      `focus on "${label}"`,
      async () => {
        last = await focused(page);
        assert.equal(last, label);
      },
      5_000,
    );
  } catch {
    assert.equal(last, label, `focus should reach "${label}" within 5 s; it is on "${last}"`);
  }
}

async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    return el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 60) ?? el.tagName;
  });
}

describe('Traffic Flows page for a new user (Chromium, real backend, embedded store)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let records: FlowRecord[];

  before(async () => {
    backend = await startBackend();
    records = [...generateFlows({ count: 200, seed: 21, endMs: Date.now() - 1000 })];
    // One ARP frame: no IP protocol, so the agent writes Proto 0 and EtherType 0x0806.
    const arp = { ...records[0]!, Proto: 0, Etype: 0x0806, SrcPort: 0, DstPort: 0, Interfaces: ['arp0'] };
    records.push(arp);
    await pushRecords(backend.storeUrl, records);
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  after(async () => {
    await closeBrowser?.();
    await backend?.close();
  });

  async function open(query: string, context?: BrowserContext): Promise<{ page: Page; errors: string[] }> {
    const page = await (context ?? browser).newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${backend.url}/traffic-flows?${query}`);
    await page.getByRole('heading', { level: 1, name: 'Traffic Flows' }).waitFor();
    return { page, errors };
  }

  test('a value the backend would refuse never becomes a chip; what is wrong is said next to the field', async () => {
    const { page, errors } = await open('timeRange=3600');
    try {
      await page.locator(ROW).first().waitFor();
      const value = page.getByLabel('Filter value');
      const problem = page.locator('.interflow-filter-picker__problem');
      await page.getByLabel('Filter category').selectOption('src_port');
      for (const [typed, words] of [
        ['abc', /takes a number/],
        ['99999', /up to 65535/],
        ['-1', /takes a number/],
        ['0x50', /takes a number/],
      ] as const) {
        await value.fill(typed);
        assert.match((await problem.textContent()) ?? '', words, typed);
        await value.press('Enter');
        assert.equal(new URL(page.url()).searchParams.get('filters'), null, `${typed} made a filter`);
      }
      // An empty field is refused too.
      await value.fill('');
      await value.press('Enter');
      assert.match((await problem.textContent()) ?? '', /needs a value/);
      assert.equal(new URL(page.url()).searchParams.get('filters'), null);

      await page.getByLabel('Filter category').selectOption('src_address');
      await value.fill('10.0.0');
      assert.match((await problem.textContent()) ?? '', /IPv4 or IPv6 address/);
      await page.getByLabel('Filter operator').selectOption('~');
      assert.equal(await problem.count(), 0, 'part of an address is fine with "contains"');

      // Spaces at either end are trimmed: " 80" is port 80, " net1 " is net1.
      await page.getByLabel('Filter operator').selectOption('=');
      await page.getByLabel('Filter category').selectOption('src_port');
      await value.fill(' 80');
      await value.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('filters') === 'src_port=80');
      // The page has taken the new URL in (its chip shows) before the next filter is added.
      await page.getByRole('group', { name: 'Active filters' }).getByText('80', { exact: true }).waitFor();
      await page.getByLabel('Filter category').selectOption('interfaces');
      await value.fill(' net1 ');
      await value.press('Enter');
      await page.waitForURL((u) => u.searchParams.get('filters') === 'src_port=80;interfaces=net1');
      await page.locator('.interflow-summary, .interflow-empty').first().waitFor();
      assert.equal(await page.locator('.interflow-error').count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('every bad part of a link gets the same warning, the default is used, and the URL says what is shown', async () => {
    const bad = new URLSearchParams({
      cols: 'Bogus,Bytes',
      filters: 'bogus=x;interfaces=net1;port=abc',
      sort: 'Nope:asc',
      limit: '0',
      timeRange: '3600',
    });
    const { page, errors } = await open(bad.toString());
    try {
      await page.locator(ROW).first().waitFor();
      const warnings = page.locator('.pf-v6-c-alert.pf-m-warning');
      await page.waitForURL((u) => !u.searchParams.has('sort'));
      const titles = await warnings.locator('.pf-v6-c-alert__title').allTextContents();
      for (const param of ['cols', 'filters', 'sort', 'limit'])
        assert.ok(
          titles.some((t) => t.includes(`unusable "${param}" parameter`)),
          `no warning for ${param}: ${titles.join(' | ')}`,
        );
      assert.equal(titles.filter((t) => t.includes('"filters"')).length, 2, 'one warning per bad filter');
      // The default columns, Time first; the good filter kept; no refusal from the backend.
      const shown = await headers(page);
      assert.equal(shown[0], 'Time');
      assert.ok(shown.includes('Bytes') && shown.includes('Interface'));
      assert.equal(await page.locator('.interflow-error').count(), 0);
      const url = new URL(page.url()).searchParams;
      assert.equal(url.get('filters'), 'interfaces=net1');
      assert.equal(url.get('cols'), null);
      assert.equal(url.get('limit'), '100');
      assert.equal(url.get('timeRange'), '3600');
      // The warnings stay after the rewrite, and go when the view is changed.
      assert.ok((await warnings.count()) >= 5);
      await page.getByRole('button', { name: 'Match any' }).click();
      await page.waitForURL((u) => u.searchParams.get('match') === 'any');
      await page.waitForFunction(() => document.querySelectorAll('.pf-v6-c-alert.pf-m-warning').length === 0);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('the CSV reads like the table (readable by default, raw on request), in the table’s order; failures are said in the dialog', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    try {
      const { page, errors } = await open(
        'timeRange=3600&limit=1000&cols=TimeFlowEndMs,IfDirections,Proto,Bytes&sort=Bytes:asc',
        context,
      );
      await page.locator(ROW).first().waitFor();
      await page.getByRole('button', { name: 'Export' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const link = dialog.getByRole('link', { name: 'Download CSV' });
      const href = new URL((await link.getAttribute('href'))!, backend.url);
      assert.equal(href.searchParams.get('sort'), 'Bytes:asc');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const lines = readFileSync((await download.path())!, 'utf8')
        .trim()
        .split(/\r?\n/);
      assert.equal(lines[0], 'End time,Interface directions,Protocol,Bytes');
      assert.equal(lines.length - 1, records.length);
      assert.match(lines[1]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,/);
      assert.ok(lines.some((l) => /,(ingress|egress),(TCP|UDP),/.test(l)));
      assert.ok(lines.some((l) => l.includes(',ARP,')));
      const bytes = lines.slice(1).map((l) => Number(l.split(',').at(-1)));
      assert.deepEqual(
        bytes,
        [...bytes].sort((a, b) => a - b),
        'rows in the table’s order (bytes ascending)',
      );
      await dialog.waitFor({ state: 'detached' });

      // Raw, for programs.
      await page.getByRole('button', { name: 'Export' }).click();
      await dialog.getByLabel(/^Raw, as stored/).check();
      const [rawDownload] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('link', { name: 'Download CSV' }).click(),
      ]);
      const raw = readFileSync((await rawDownload.path())!, 'utf8').split(/\r?\n/);
      assert.equal(raw[0], 'TimeFlowEndMs,IfDirections,Proto,Bytes');
      assert.match(raw[1]!, /^\d{13},/);

      // A refusal (here: no column chosen is impossible, so a store that went away) is said in the dialog.
      await page.getByRole('button', { name: 'Export' }).click();
      await dialog.waitFor();
      await backend.close();
      await dialog.getByRole('link', { name: 'Download CSV' }).click();
      await dialog.locator('.interflow-export__error').waitFor();
      assert.match((await dialog.textContent()) ?? '', /The export could not be started/);
      assert.ok(await dialog.isVisible(), 'the dialog stays open');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      // the store went away above: start a fresh backend for the tests after this one
      backend = await startBackend();
      await pushRecords(backend.storeUrl, records);
    }
  });

  test('from the keyboard alone: skip link to the rows, arrow keys between rows, focus into the drawer, Escape back to the row', async () => {
    const { page, errors } = await open('timeRange=3600&limit=1000');
    try {
      await page.locator(ROW).first().waitFor();
      // The first Tab reaches the skip link; Enter lands on the first row.
      await page.keyboard.press('Tab');
      await focusReaches(page, 'Skip to the flows');
      await page.keyboard.press('Enter');
      await focusReaches(page, 'Show details of flow 1');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await focusReaches(page, 'Show details of flow 3');
      await page.keyboard.press('ArrowUp');
      await focusReaches(page, 'Show details of flow 2');
      // The rows are one tab stop: Tab leaves the table.
      await page.keyboard.press('Tab');
      assert.ok(!(await focused(page)).startsWith('Show details of flow'), await focused(page));
      await page.keyboard.press('Shift+Tab');
      await focusReaches(page, 'Show details of flow 2');

      // Enter opens the details and moves focus into them; the Close button is one Tab away.
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Flow details' }).waitFor();
      await focusReaches(page, 'Flow details');
      await page.keyboard.press('Tab');
      await focusReaches(page, 'Close flow details');
      await page.keyboard.press('Shift+Tab');
      // Escape closes them and focus returns to the row they came from.
      await page.keyboard.press('Escape');
      await page.getByRole('heading', { name: 'Flow details' }).waitFor({ state: 'detached' });
      await focusReaches(page, 'Show details of flow 2');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('words: drawer links say what the cell says, ARP is ARP, the new chip is scrolled to, no favicon request', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 700 } });
    const notFound: string[] = [];
    context.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    try {
      const { page, errors } = await open('timeRange=3600&limit=1000&filters=interfaces%3Darp0', context);
      await page.locator(ROW).first().waitFor();
      const headerTexts = await headers(page);
      const protoCell = await page
        .locator(ROW)
        .first()
        .locator('td')
        .nth(headerTexts.indexOf('Protocol'))
        .textContent();
      assert.equal(protoCell?.trim(), 'ARP');

      await page.goto(`${backend.url}/traffic-flows?timeRange=3600&limit=1000&filters=interfaces%3Dnet1`);
      await page.locator(ROW).first().waitFor();
      await page.locator(ROW).first().click();
      await page.getByRole('heading', { name: 'Flow details' }).waitFor();
      const protocolLink = page.getByRole('button', { name: /^Filter on Protocol = / });
      assert.match((await protocolLink.getAttribute('aria-label')) ?? '', /= (TCP|UDP|ICMP|ICMPv6|SCTP)$/);
      // A value far down the drawer: the page scrolls to the new chip after the click.
      const nodeLink = page.getByRole('button', { name: /^Filter on Node = / });
      await nodeLink.scrollIntoViewIfNeeded();
      await nodeLink.click();
      await page.waitForURL((u) => /;host_name=/.test(u.searchParams.get('filters') ?? ''));
      const chips = page.locator('.interflow-filter-chips');
      await page.waitForFunction(() => {
        const r = document.querySelector('.interflow-filter-chips')?.getBoundingClientRect();
        return r !== undefined && r.top >= 0 && r.bottom <= window.innerHeight;
      });
      assert.match((await chips.textContent()) ?? '', /Node =.*worker/);

      assert.equal(await page.locator('link[rel="icon"]').count(), 1);
      assert.deepEqual(notFound, [], 'no request answered 404 (e.g. /favicon.ico)');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
