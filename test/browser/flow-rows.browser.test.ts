// "Done when" of issue 16 in Debian's Chromium against the real backend and its embedded store:
// a user types `if_owner=sriov-client`, sees every flow of that pod's interfaces, switches on one
// row per flow (a flow that crossed the pod's VLAN interface and its VF is one row listing both
// with their own bytes), and a shared copy of the URL opens the same view.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { waitForSummary } from '../support/page-summary.ts';
import { pushRecords, type FlowRecord } from '../fixtures/flow-generator.ts';
import { startBackend, webBuildProblem, type RunningBackend } from './server-harness.ts';

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

// The client's iperf3 flow leaves through its VLAN interface net1.100 and then its VF net1 (one
// flow, two interfaces of the pod: 2 records); its DNS query leaves through eth0; the server pod
// and another pod have flows of their own.
const RECORDS: FlowRecord[] = [
  record({ Interfaces: ['net1.100'], Bytes: 150_400, TimeFlowStartMs: now - 4_001 }),
  record({}),
  record({
    Interfaces: ['eth0'],
    IfNetns: ['cni-client'],
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
    IfNetns: ['cni-server'],
    IfDirections: [0],
    IfK8S_Name: 'sriov-server',
    K8S_HostName: 'worker-1',
  }),
  record({ IfK8S_Name: 'other-pod', SrcAddr: '192.168.122.30', SrcPort: 41_000 }),
];

const rows = (page: Page) => page.locator('[data-testid="interflow-flow-row"]');

describe('one row per flow of a pod (Chromium, real backend, embedded store)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  before(async () => {
    backend = await startBackend();
    await pushRecords(backend.storeUrl, RECORDS);
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  after(
    async () => {
      await closeBrowser?.();
      await backend?.close();
    },
    { timeout: 60_000 },
  );

  test('type if_owner=sriov-client, switch on one row per flow, share the URL: the same merged rows', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600`);
      await waitForSummary(page, `${RECORDS.length} flows found`);

      await page.getByLabel('Filter category').selectOption('if_owner');
      await page.getByLabel('Filter value').fill('sriov-client');
      await page.getByLabel('Filter value').press('Enter');
      await page.waitForURL((u) => u.searchParams.get('filters') === 'if_owner=sriov-client');
      // the pod's records: its flow on net1.100 and on net1, and its DNS query on eth0
      await waitForSummary(page, '3 flows found');

      // the switch's input is hidden under its toggle: a user clicks the switch's words
      await page.getByText('One row per flow', { exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('dedup') === 'true');
      await waitForSummary(page, '2 flows (one row per flow, from 3 records)');
      const texts = await rows(page).allTextContents();
      assert.equal(texts.length, 2);
      const merged = texts.find((t) => t.includes('net1.100'));
      assert.ok(merged, `no merged row in ${texts.join(' | ')}`);
      assert.match(merged, /net1\.100@sriov-client egress \(147 KiB\), net1@sriov-client egress \(146 KiB\)/);
      // a flow seen once stays as it was: its interface with its direction
      assert.ok(
        texts.some((t) => t.includes('eth0 (egress)')),
        texts.join(' | '),
      );

      // Shared: a new page opened on the URL shows the same view.
      const shared = page.url();
      const other = await context.newPage();
      other.on('pageerror', (e) => errors.push(e.message));
      await other.goto(shared);
      await waitForSummary(other, '2 flows (one row per flow, from 3 records)');
      assert.equal(await other.getByLabel('One row per flow').isChecked(), true);
      assert.match(
        (await other.getByRole('group', { name: 'Active filters' }).textContent()) ?? '',
        /Interface owner pod =.*sriov-client/,
      );
      assert.deepEqual(await rows(other).allTextContents(), texts);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
