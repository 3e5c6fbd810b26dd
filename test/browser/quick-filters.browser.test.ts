// Quick filters and the export window of issue 16 in Debian's Chromium against the real backend
// (quick filters from INTERFLOW_QUICK_FILTERS_FILE) and its embedded store: the page opens with
// the default quick filter on ("Pod secondary interfaces": the records of interfaces whose owner
// gives them a network name), switches add and remove filters, "Reset to defaults" puts them
// back; the export of a relative range asks for the window the table's answer covered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { waitForSummary } from '../support/page-summary.ts';
import { pushRecords, type FlowRecord } from '../fixtures/flow-generator.ts';
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

const now = Date.now() - 5_000;

function record(patch: Partial<FlowRecord>): FlowRecord {
  return {
    TimeFlowStartMs: now - 4_000,
    TimeFlowEndMs: now,
    TimeReceived: Math.floor(now / 1000) + 1,
    SrcAddr: '192.168.122.10',
    DstAddr: '192.168.122.20',
    SrcPort: 40_000,
    DstPort: 5201,
    Proto: 6,
    SrcMac: '0a:58:c0:a8:7a:0a',
    DstMac: '0a:58:c0:a8:7a:14',
    Etype: 0x0800,
    Dscp: 0,
    Flags: 16,
    Bytes: 150_000,
    Packets: 100,
    Interfaces: ['net1'],
    IfDirections: [1],
    IfNetns: ['cni-client'],
    FlowDirection: 1,
    AgentIP: '192.0.2.10',
    K8S_HostName: 'worker-0',
    IfK8S_Namespace: 'sriov-test',
    IfK8S_Name: 'sriov-client',
    IfK8S_NetworkName: 'sriov-test/sriov-net',
    ...patch,
  };
}

// Two records on the pods' VF net1 (network name set); the client's DNS query on eth0 (owned by
// the pod, no network name: its primary interface); one UDP flow on the node's own eth0.
const RECORDS: FlowRecord[] = [
  record({}),
  record({ IfK8S_Name: 'sriov-server', IfNetns: ['cni-server'], IfDirections: [0], SrcPort: 40_001 }),
  record({
    Interfaces: ['eth0'],
    SrcAddr: '10.128.0.12',
    DstAddr: '172.30.0.10',
    SrcPort: 53_000,
    DstPort: 53,
    Proto: 17,
    Bytes: 80,
    Packets: 1,
    IfK8S_NetworkName: undefined,
  }),
  record({
    Interfaces: ['eth0'],
    IfNetns: [''],
    SrcAddr: '192.0.2.10',
    DstAddr: '192.0.2.1',
    SrcPort: 123,
    DstPort: 123,
    Proto: 17,
    Bytes: 90,
    Packets: 1,
    IfK8S_Namespace: undefined,
    IfK8S_Name: undefined,
    IfK8S_NetworkName: undefined,
  }),
];

const QUICK_FILTERS = [
  {
    id: 'pod-secondary-interfaces',
    name: 'Pod secondary interfaces',
    filters: 'if_network!=',
    default: true,
  },
  { id: 'udp', name: 'UDP only', filters: 'protocol=udp' },
];

describe('quick filters and the export window (Chromium, real backend, embedded store)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'interflow-quick-filters-browser-'));
    const file = join(dir, 'quick-filters.json');
    writeFileSync(file, JSON.stringify(QUICK_FILTERS));
    backend = await startBackend({ INTERFLOW_QUICK_FILTERS_FILE: file });
    await pushRecords(backend.storeUrl, RECORDS);
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  after(
    async () => {
      await closeBrowser?.();
      await backend?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 60_000 },
  );

  test('the page opens with the default quick filter on; switches and Reset to defaults change the filters', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${backend.url}/traffic-flows`);
      await page.waitForURL((u) => u.searchParams.get('filters') === 'if_network!=');
      // the pods' VF records only
      await waitForSummary(page, '2 flows found');
      const quick = page.getByRole('group', { name: 'Quick filters' });
      assert.equal(await quick.getByLabel('Pod secondary interfaces').isChecked(), true);

      // the switch's input is hidden under its toggle: a user clicks the switch's words
      await quick.getByText('Pod secondary interfaces', { exact: true }).click();
      await page.waitForURL((u) => !u.searchParams.has('filters'));
      await waitForSummary(page, `${RECORDS.length} flows found`);
      await quick.getByText('UDP only', { exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('filters') === 'protocol=udp');
      await waitForSummary(page, '2 flows found');

      await quick.getByRole('button', { name: 'Reset to defaults' }).click();
      await page.waitForURL((u) => u.searchParams.get('filters') === 'if_network!=');
      await waitForSummary(page, '2 flows found');
      // the URL is written in the click's handler, before React renders the switches: wait for them
      await eventually('UDP only switched off by Reset', async () =>
        assert.equal(await quick.getByLabel('UDP only').isChecked(), false),
      );
      assert.equal(await quick.getByLabel('Pod secondary interfaces').isChecked(), true);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the export of a relative range asks for the window the table showed', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    try {
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/flows');
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600`);
      const stats = ((await (await answered).json()) as { stats: { startMs: number; endMs: number } }).stats;
      await waitForSummary(page, `${RECORDS.length} flows found`);
      await page.getByRole('button', { name: 'Export' }).click();
      const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
      const url = new URL(href!, backend.url);
      assert.equal(url.searchParams.has('timeRange'), false);
      assert.equal(Number(url.searchParams.get('startTime')) * 1000, stats.startMs);
      assert.equal(Number(url.searchParams.get('endTime')) * 1000, stats.endMs);
      assert.equal(stats.endMs - stats.startMs, 3_600_000);
    } finally {
      await context.close();
    }
  });
});
