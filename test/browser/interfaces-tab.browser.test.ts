// The Interfaces tab of the standalone Traffic Flows page in Debian's Chromium, against the real
// backend process and its embedded store filled with inventory records encoded by the agent's
// exporter code: grouped by node and pod, the VF marked, hook states with their reasons, bytes
// over the range; clicking net1 opens its flows (interfaces= + netns= + host_name= in the URL).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FlowRecord, InterfaceRecord } from '@interflow/contract';
import { buildPushBody, encodeInterfaceEntry } from '../../agent/src/export/push-body.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { pushRecords } from '../fixtures/flow-generator.ts';
import { startBackend, webBuildProblem, type RunningBackend } from './server-harness.ts';

function options(): { skip?: string } {
  const browser = browserAvailable();
  if (browser.skip) return browser;
  const problem = webBuildProblem();
  if (!problem) return {};
  if (process.env.CI === 'true') throw new Error(`browser test cannot run under CI=true: ${problem}`);
  return { skip: `skipped: ${problem}` };
}

const now = Date.now();

function inventory(over: Partial<InterfaceRecord>): InterfaceRecord {
  return {
    TimeReportMs: now - 10_000,
    TimeSinceMs: now - 70_000,
    K8S_HostName: 'worker-0',
    AgentIP: '10.0.0.10',
    Interfaces: ['net1'],
    IfNetns: ['cni-pod-x'],
    NetnsInode: 4026532100,
    IfIndex: 3,
    IfMac: '02:00:00:00:00:03',
    IfKind: '',
    IfType: 'vf',
    IsVF: true,
    Up: true,
    HookState: 'hooked',
    Bytes: 2048,
    Packets: 2,
    IfK8S_Namespace: 'sriov-test',
    IfK8S_Name: 'pod-x',
    Driver: 'iavf',
    ...over,
  };
}

function flow(ifname: string, netns: string, node: string): FlowRecord {
  return {
    TimeFlowStartMs: now - 20_000,
    TimeFlowEndMs: now - 15_000,
    TimeReceived: Math.floor(now / 1000),
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    SrcPort: 1000,
    DstPort: 5201,
    Proto: 6,
    SrcMac: '02:00:00:00:00:03',
    DstMac: '02:00:00:00:00:04',
    Etype: 2048,
    Dscp: 0,
    Flags: 0,
    Bytes: 1000,
    Packets: 1,
    Interfaces: [ifname],
    IfDirections: [1],
    IfNetns: [netns],
    FlowDirection: 1,
    AgentIP: '10.0.0.10',
    K8S_HostName: node,
  };
}

describe('Interfaces tab (Chromium, real backend, embedded store)', options(), () => {
  let backend: RunningBackend;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  before(async () => {
    backend = await startBackend();
    const records = [
      inventory({ TimeReportMs: now - 70_000, Bytes: 1024 }),
      inventory({}),
      inventory({
        Interfaces: ['eth0'],
        IfIndex: 2,
        IfType: 'veth',
        IfKind: 'veth',
        IsVF: false,
        Driver: undefined,
        Bytes: 10,
      }),
      inventory({
        Interfaces: ['lo'],
        IfIndex: 1,
        IfType: 'loopback',
        IsVF: false,
        Driver: undefined,
        HookState: 'unhooked',
        HookReason: 'excluded',
        Bytes: 0,
      }),
      inventory({
        Interfaces: ['net2'],
        IfIndex: 4,
        HookState: 'unhooked',
        HookReason: 'attach_failed',
        HookError: 'tc attach: Operation not supported',
        Bytes: 0,
      }),
      inventory({
        K8S_HostName: 'worker-1',
        IfNetns: [''],
        NetnsInode: 4026531840,
        Interfaces: ['ens1f0'],
        IfIndex: 5,
        IfType: 'physical',
        IsVF: false,
        IfK8S_Namespace: undefined,
        IfK8S_Name: undefined,
        Driver: 'ice',
      }),
    ];
    const res = await fetch(`${backend.storeUrl}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: buildPushBody(records.map((r, i) => encodeInterfaceEntry(r, i, 0))),
    });
    assert.equal(res.status, 204, await res.text());
    await pushRecords(backend.storeUrl, [
      flow('net1', 'cni-pod-x', 'worker-0'),
      flow('net1', 'cni-other', 'worker-0'),
      flow('net10', 'cni-pod-x', 'worker-0'),
      flow('eth0', 'cni-pod-x', 'worker-0'),
    ]);
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  after(async () => {
    await closeBrowser?.();
    await backend?.close();
  });

  test('is net1 of pod-x hooked on worker-0, and if not why: one tab, one click to its flows', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${backend.url}/traffic-flows?timeRange=3600`);
    await page.getByRole('tab', { name: 'Interfaces' }).click();
    await page.waitForURL((u) => u.searchParams.get('tab') === 'interfaces');
    const rows = page.locator('[data-testid="interflow-interface-row"]');
    await rows.first().waitFor();

    const nodes = await page
      .locator('[data-testid="interflow-interfaces-node"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    assert.deepEqual(nodes, ['worker-0', 'worker-1']);
    const groups = await page.locator('[data-testid="interflow-interfaces-group"]').allTextContents();
    assert.deepEqual(groups, ['Pod sriov-test/pod-x · namespace cni-pod-x', 'Host network namespace']);

    const net1 = page.locator('[data-testid="interflow-interface-row"][data-interface="net1"]');
    assert.equal(await net1.locator('[data-testid="interflow-interface-hook"]').textContent(), 'Hooked');
    assert.equal(await net1.locator('[data-testid="interflow-interface-vf"]').textContent(), 'SR-IOV VF');
    assert.equal(
      await net1.locator('[data-testid="interflow-interface-bytes"]').textContent(),
      '3.0 KiB',
      'two reports summed',
    );
    const lo = page.locator('[data-testid="interflow-interface-row"][data-interface="lo"]');
    assert.equal(
      await lo.locator('[data-testid="interflow-interface-hook"]').textContent(),
      'Not hooked: excluded by name',
    );
    const net2 = page.locator('[data-testid="interflow-interface-row"][data-interface="net2"]');
    assert.equal(
      await net2.locator('[data-testid="interflow-interface-hook"]').textContent(),
      'Not hooked: the kernel refused the hook',
    );
    assert.match((await net2.textContent()) ?? '', /tc attach: Operation not supported/);
    assert.equal(
      await page
        .locator(
          '[data-testid="interflow-interface-row"][data-interface="eth0"] [data-testid="interflow-interface-vf"]',
        )
        .count(),
      0,
    );

    // One click: the flows of that net1 only (not net10, not net1 of another namespace).
    await net1.locator('[data-testid="interflow-interface-flows-link"]').click();
    await page.waitForURL((u) => !u.searchParams.has('tab'));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('filters'), 'interfaces=net1;netns=cni-pod-x;host_name=worker-0');
    // The rows of the earlier (unfiltered) answer stay on screen until the new one arrives.
    await page.waitForFunction(() =>
      /^1 flows found/.test(document.querySelector('.interflow-summary')?.textContent?.trim() ?? ''),
    );
    assert.equal(await page.locator('[data-testid="interflow-flow-row"]').count(), 1);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
