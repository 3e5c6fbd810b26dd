// The plugin builds in the consoles they are made for, without a cluster: a stand-in console per
// console line (test/browser/stand-in-console/) loads plugin-manifest.json through its plugin
// proxy from the REAL backend (which serves both builds, the ConsolePlugin basePath choosing
// one), checks the manifest's @console/pluginAPI range against its version, defines that line's
// entry callback, shares that line's React, router, react-i18next and PatternFly, and renders
// the exposed page and Pod tab in Chromium; the page's API calls go through the console's
// backend proxy to the real backend and its embedded store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { generateFlows, pushRecords, type FlowRecord } from '../fixtures/flow-generator.ts';
import { DIST, startBackend, webBuildProblem, type RunningBackend } from './server-harness.ts';
import {
  bundleHost,
  startStandInConsole,
  type HostLine,
  type StandInConsole,
} from './stand-in-console/stand-in-console-server.ts';
import type { HostOutcome } from './stand-in-console/host-runtime.ts';

function options(): { skip?: string } {
  const browser = browserAvailable();
  if (browser.skip) return browser;
  const problem =
    webBuildProblem() ??
    (existsSync(join(DIST, 'console-4.19', 'plugin-manifest.json'))
      ? null
      : `needs the console 4.19 build in ${DIST}/console-4.19 (npm run build:web)`);
  if (!problem) return {};
  if (process.env.CI === 'true') throw new Error(`browser test cannot run under CI=true: ${problem}`);
  return { skip: `skipped: ${problem}` };
}

/** basePath of the ConsolePlugin for each build (docs/install-openshift.md). */
const BUILD_FOR_4_19 = '/console-4.19/';
const BUILD_FOR_4_22 = '/';

async function outcome(page: Page): Promise<HostOutcome> {
  await page.waitForFunction(() => {
    const o = (window as unknown as { __standInConsole?: HostOutcome }).__standInConsole;
    return o && o.status !== 'loading';
  });
  return page.evaluate(() => (window as unknown as { __standInConsole: HostOutcome }).__standInConsole);
}

describe('the plugin in stand-in consoles 4.20 and 4.22 (Chromium, real backend)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let records: FlowRecord[];
  const scripts = new Map<HostLine, string>();
  const consoles: StandInConsole[] = [];

  const open = async (line: HostLine, basePath: string, path: string) => {
    const host = await startStandInConsole({
      line,
      basePath,
      backendUrl: backend.url,
      hostScript: scripts.get(line),
    });
    consoles.push(host);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${host.url}${path}`);
    return { page, errors, result: await outcome(page) };
  };

  before(async () => {
    backend = await startBackend();
    records = [...generateFlows({ count: 200, seed: 19, endMs: Date.now() - 1000 })];
    await pushRecords(backend.storeUrl, records);
    for (const line of ['4.20', '4.22'] as const) scripts.set(line, await bundleHost(line));
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  after(async () => {
    await closeBrowser?.();
    for (const c of consoles) await c.close();
    await backend?.close();
  });

  const net1Path = `/traffic-flows?filters=${encodeURIComponent('interfaces=net1')}&timeRange=3600`;

  for (const { line, basePath, router, react } of [
    { line: '4.20', basePath: BUILD_FOR_4_19, router: 'react-router-dom-v5-compat', react: /^17\./ },
    { line: '4.22', basePath: BUILD_FOR_4_22, router: 'react-router', react: /^18\./ },
  ] as const) {
    test(`console ${line} loads its build (basePath ${basePath}) and renders the page with net1 rows and the Pod tab`, async () => {
      const { page, errors, result } = await open(line, basePath, net1Path);
      try {
        assert.equal(result.status, 'rendered', result.error);
        await page.getByRole('heading', { level: 1, name: 'Traffic Flows' }).waitFor();
        await page.locator('[data-testid="interflow-flow-row"]').first().waitFor();
        const interfaces = await page
          .locator('[data-testid="interflow-flow-row"]')
          .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
        assert.ok(interfaces.length > 0);
        for (const row of interfaces) assert.match(row, /net1/);
        // The modules came from this console's share scope: its React, its router, PatternFly.
        assert.ok(result.requested?.includes('react'));
        assert.ok(result.requested?.includes(router), `${router} not requested: ${result.requested}`);
        assert.ok(result.requested?.some((m) => m.startsWith('@patternfly/react-core/dist/dynamic/')));
        assert.match(result.reactVersion ?? '', react);
        // A filter added in the page goes through the shared router into the URL.
        await page.getByLabel('Filter category').selectOption('src_namespace');
        await page.getByLabel('Filter value').fill('team-a');
        await page.getByLabel('Filter value').press('Enter');
        await page.waitForURL(
          (u) => u.searchParams.get('filters') === 'interfaces=net1;src_namespace=team-a',
        );
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }

      // The tab starts on the last 5 minutes: fresh records for it, whatever the time spent above.
      const fresh = [
        ...generateFlows({ count: 100, seed: line === '4.20' ? 20 : 22, endMs: Date.now() - 1000 }),
      ];
      await pushRecords(backend.storeUrl, fresh);
      records.push(...fresh);
      const p = fresh.find((r) => r.SrcK8S_Namespace && r.SrcK8S_Name)!;
      const tab = await open(
        line,
        basePath,
        `/k8s/ns/${encodeURIComponent(p.SrcK8S_Namespace!)}/pods/${encodeURIComponent(p.SrcK8S_Name!)}/interflow-traffic-flows`,
      );
      try {
        assert.equal(tab.result.status, 'rendered', tab.result.error);
        await tab.page.locator('[data-testid="interflow-flow-row"]').first().waitFor();
        assert.deepEqual(tab.errors, []);
      } finally {
        await tab.page.close();
      }
    });
  }

  test('console 4.20 refuses the 4.22 build (basePath /) by its @console/pluginAPI range', async () => {
    const { page, result } = await open('4.20', BUILD_FOR_4_22, net1Path);
    await page.close();
    assert.equal(result.status, 'refused', JSON.stringify(result));
    assert.match(result.error!, /required >=4\.22\.0-0, current 4\.20\.8/);
  });

  test('console 4.22 refuses the 4.19-4.21 build (basePath /console-4.19/) by its range', async () => {
    const { page, result } = await open('4.22', BUILD_FOR_4_19, net1Path);
    await page.close();
    assert.equal(result.status, 'refused', JSON.stringify(result));
    assert.match(result.error!, /required >=4\.19\.0-0 <4\.22\.0-0, current 4\.22\.0/);
  });
});
