// The reference scenario end to end, as a user sees it: two pod namespaces whose `net1` (veth
// stand-ins for SR-IOV VFs) carry 192.168.122.71/24 and .72/24, each with an `eth0` on a host
// bridge; the real agent (eBPF), the backend with its embedded store and the standalone page,
// started as `npm start` starts them. TCP and UDP over net1 and over eth0, then in Chromium:
// add "Network interface name = net1" with the filter picker, see only net1 rows naming the
// right pods with the bytes iperf3 moved, open the copied URL in a fresh browser context and
// see the same view, and export the CSV through the Export modal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { privileged } from '../support/privileged.ts';
import type { NetnsScenario } from '../support/netns-scenario.ts';
import { REPO_ROOT, waitFor, type Agent, type Backend } from '../support/processes.ts';
import type { FlowRecord } from '../fixtures/flow-generator.ts';
import {
  TCP_HEADERS,
  UDP_HEADERS,
  iperfClient,
  iperfServer,
  payload,
  type IperfResult,
} from '../support/iperf.ts';
import { interflowFilters, scenarioHookPoints, startProduct, within, type ProductRig } from './e2e-rig.ts';

const RESULTS = join(REPO_ROOT, 'test-results');
const EVICT = '2s';
const TOLERANCE = 0.02;
const POD_BY_IP: Record<string, { namespace: string; name: string }> = {
  '192.168.122.71': { namespace: 'sriov-test', name: 'sriov-client' },
  '192.168.122.72': { namespace: 'sriov-test', name: 'sriov-server' },
};

function options(): { skip?: string; timeout: number } {
  const priv = privileged();
  if (priv.skip) return { ...priv, timeout: 300_000 };
  const br = browserAvailable();
  if (br.skip) return { ...br, timeout: 300_000 };
  if (!existsSync(join(REPO_ROOT, 'dist/standalone/index.html'))) {
    const why = 'the web build is missing (run `npm run build:web`)';
    if (process.env.CI === 'true') throw new Error(why);
    return { skip: `skipped: ${why}`, timeout: 300_000 };
  }
  return { timeout: 300_000 };
}

interface Sent {
  tcp: IperfResult;
  udp: IperfResult;
  eth0Tcp: IperfResult;
  eth0Udp: IperfResult;
}

/** One table row as shown: column header → visible text (and the exact value of Bytes from its title). */
type Row = Record<string, string>;

async function rowsOnPage(page: Page): Promise<Row[]> {
  return page.evaluate(() => {
    const headers = [...document.querySelectorAll('.interflow-flows-table thead th')].map(
      (th) => th.textContent?.trim() ?? '',
    );
    return [...document.querySelectorAll('[data-testid="interflow-flow-row"]')].map((tr) => {
      const row: Record<string, string> = {};
      headers.forEach((h, i) => {
        const cell = tr.children[i] as HTMLElement | undefined;
        if (!h || !cell) return;
        row[h] = cell.textContent?.trim() ?? '';
        const exact = cell.querySelector('[title]')?.getAttribute('title');
        if (exact) row[`${h} (exact)`] = exact;
      });
      return row;
    });
  });
}

/** Every row of the current result, walking the pagination. */
async function allRows(page: Page): Promise<Row[]> {
  const rows: Row[] = [];
  const next = page.getByRole('button', { name: 'Go to next page' }).first();
  for (let i = 0; i < 100; i++) {
    rows.push(...(await rowsOnPage(page)));
    if ((await next.count()) === 0 || (await next.isDisabled())) break;
    const first = await page.locator('[data-testid="interflow-flow-row"]').first().textContent();
    await next.click();
    await page.waitForFunction(
      (f) => document.querySelector('[data-testid="interflow-flow-row"]')?.textContent !== f,
      first,
    );
  }
  return rows;
}

async function summaryCount(page: Page): Promise<number> {
  const text = (await page.locator('.interflow-summary').textContent())?.trim() ?? '';
  const m = /^(\d+) flows? found/.exec(text);
  assert.ok(m, `summary line "${text}"`);
  return Number(m[1]);
}

async function apiFlows(base: string, filters: string): Promise<FlowRecord[]> {
  const res = await fetch(
    `${base}/api/flows?${new URLSearchParams({ filters, timeRange: '3600', limit: '10000' })}`,
  );
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { records: FlowRecord[]; stats: { limitReached: boolean } };
  assert.equal(body.stats.limitReached, false);
  return body.records;
}

function rowPayload(rows: Row[], where: Row, headers: number): number {
  return rows
    .filter((r) => Object.entries(where).every(([k, v]) => r[k] === v))
    .reduce((n, r) => n + Number(r['Bytes (exact)'] ?? r.Bytes) - Number(r.Packets) * headers, 0);
}

describe('reference scenario end to end: agent → embedded store → Traffic Flows page', options(), () => {
  let rig: ProductRig | undefined;
  let s: NetnsScenario;
  let backend: Backend;
  let agent: Agent | undefined;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const sent = {} as Sent;
  let trafficChecked = false;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    rig = await startProduct({ staticEnrichment: true, agentEnv: { INTERFLOW_EVICT_INTERVAL: EVICT } });
    ({ s, backend, agent } = rig);
    ({ browser, close: closeBrowser } = await launchChromium());
  });

  after(
    async () => {
      await closeBrowser?.();
      await rig?.teardown();
    },
    { timeout: 120_000 }, // a hang in teardown fails the file instead of stalling the suite
  );

  test('the agent hooks net1 and eth0 of both pods (one Interflow filter per direction) and nothing else', async () => {
    assert.equal(await agent!.metric('interflow_agent_interfaces_hooked'), 4);
    for (const { ns, dev, dir } of scenarioHookPoints(s))
      assert.equal((await interflowFilters(s, ns, dev, dir)).length, 1, `${ns.name}/${dev} ${dir}`);
    assert.equal(await agent!.metric('interflow_agent_namespaces_watched'), 2);
  });

  test('TCP and UDP over net1 and eth0 reach the store with the bytes iperf3 moved, enriched with the pods', async () => {
    await iperfServer(s, s.b, s.net1.b, 5201);
    await iperfServer(s, s.b, s.eth0.b, 5202);
    // net1 and eth0 carry traffic at the same time, so a mislabelled interface would show.
    [sent.tcp, sent.eth0Tcp] = await Promise.all([
      iperfClient(s, s.a, ['-c', s.net1.b, '-p', '5201', '-t', '2']),
      iperfClient(s, s.a, ['-c', s.eth0.b, '-p', '5202', '-t', '2', '-b', '100M']),
    ]);
    [sent.udp, sent.eth0Udp] = await Promise.all([
      iperfClient(s, s.a, ['-c', s.net1.b, '-p', '5201', '-u', '-b', '100M', '-l', '1400', '-t', '2']),
      iperfClient(s, s.a, ['-c', s.eth0.b, '-p', '5202', '-u', '-b', '20M', '-l', '1000', '-t', '2']),
    ]);

    const A = s.a.name;
    const B = s.b.name;
    const tcpFwd = (r: FlowRecord) =>
      r.Proto === 6 &&
      r.SrcAddr === s.net1.a &&
      r.DstAddr === s.net1.b &&
      r.SrcPort === sent.tcp.localPort &&
      r.DstPort === 5201;
    const udpFwd = (r: FlowRecord) =>
      r.Proto === 17 &&
      r.SrcAddr === s.net1.a &&
      r.DstAddr === s.net1.b &&
      r.SrcPort === sent.udp.localPort &&
      r.DstPort === 5201;
    const at = (netns: string, dir: number) => (r: FlowRecord) =>
      r.IfNetns[0] === netns && r.IfDirections[0] === dir;
    // The agent evicts every 2 s and pushes at once: poll until the last interval has landed.
    const net1 = await waitFor(
      'net1 TCP and UDP bytes in the store',
      async () => {
        const recs = await apiFlows(backend.url, 'interfaces=net1');
        const ok =
          within(
            payload(
              recs.filter((r) => tcpFwd(r) && at(B, 0)(r)),
              TCP_HEADERS,
            ),
            sent.tcp.sentBytes,
            TOLERANCE,
          ) &&
          within(
            payload(
              recs.filter((r) => udpFwd(r) && at(A, 1)(r)),
              UDP_HEADERS,
            ),
            sent.udp.sentBytes,
            TOLERANCE,
          );
        return ok && recs;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch(async (e: Error) => {
      const recs = await apiFlows(backend.url, 'interfaces=net1');
      throw new Error(
        `${e.message}; TCP sent ${sent.tcp.sentBytes}, stored payload at B ingress ${payload(
          recs.filter((r) => tcpFwd(r) && at(B, 0)(r)),
          TCP_HEADERS,
        )}; ` +
          `UDP sent ${sent.udp.sentBytes}, stored payload at A egress ${payload(
            recs.filter((r) => udpFwd(r) && at(A, 1)(r)),
            UDP_HEADERS,
          )}`,
      );
    });

    const check = (recs: FlowRecord[], headers: number, expected: number, what: string) => {
      const got = payload(recs, headers);
      assert.ok(recs.length > 0, `${what}: no records`);
      assert.ok(
        within(got, expected, TOLERANCE),
        `${what}: records say ${got} payload bytes, iperf3 moved ${expected} (ratio ${(got / expected).toFixed(4)})`,
      );
    };
    check(
      net1.filter((r) => tcpFwd(r) && at(A, 1)(r)),
      TCP_HEADERS,
      sent.tcp.sentBytes,
      `TCP ${A}/net1 egress`,
    );
    check(
      net1.filter((r) => tcpFwd(r) && at(B, 0)(r)),
      TCP_HEADERS,
      sent.tcp.sentBytes,
      `TCP ${B}/net1 ingress`,
    );
    check(
      net1.filter((r) => udpFwd(r) && at(A, 1)(r)),
      UDP_HEADERS,
      sent.udp.sentBytes,
      `UDP ${A}/net1 egress`,
    );
    check(
      net1.filter((r) => udpFwd(r) && at(B, 0)(r)),
      UDP_HEADERS,
      sent.udp.sentBytes,
      `UDP ${B}/net1 ingress`,
    );
    // Never the wrong direction for the data stream.
    assert.equal(net1.filter((r) => tcpFwd(r) && (at(A, 0)(r) || at(B, 1)(r))).length, 0);

    // The filter is exact and nothing of eth0 leaks into net1.
    for (const r of net1) {
      assert.deepEqual(r.Interfaces, ['net1']);
      assert.ok([A, B].includes(r.IfNetns[0]!), `net1 record from ${r.IfNetns[0]}`);
      // IPv4 on net1 is only the net1 subnet (IPv6 link-local housekeeping of net1 itself is fine).
      for (const addr of [r.SrcAddr, r.DstAddr]) {
        assert.ok(addr !== s.eth0.a && addr !== s.eth0.b, `eth0 address on net1: ${addr}`);
        if (addr.includes('.'))
          assert.ok(addr.startsWith('192.168.122.'), `foreign IPv4 address on net1: ${addr}`);
      }
    }
    // Enrichment: the addresses name the pods, and the interface names its owner.
    for (const r of net1.filter((x) => tcpFwd(x) || udpFwd(x))) {
      assert.equal(r.SrcK8S_Name, 'sriov-client');
      assert.equal(r.SrcK8S_Namespace, 'sriov-test');
      assert.equal(r.DstK8S_Name, 'sriov-server');
      assert.equal(r.DstK8S_Namespace, 'sriov-test');
      assert.equal(r.IfK8S_Name, r.IfNetns[0] === A ? 'sriov-client' : 'sriov-server');
    }

    // eth0 traffic is on eth0.
    await waitFor(
      'eth0 TCP and UDP bytes in the store',
      async () => {
        const eth0 = await apiFlows(backend.url, 'interfaces=eth0');
        const tcp = eth0.filter(
          (r) => r.Proto === 6 && r.SrcPort === sent.eth0Tcp.localPort && r.DstPort === 5202 && at(A, 1)(r),
        );
        const udp = eth0.filter(
          (r) => r.Proto === 17 && r.SrcPort === sent.eth0Udp.localPort && r.DstPort === 5202 && at(A, 1)(r),
        );
        return (
          within(payload(tcp, TCP_HEADERS), sent.eth0Tcp.sentBytes, TOLERANCE) &&
          within(payload(udp, UDP_HEADERS), sent.eth0Udp.sentBytes, TOLERANCE)
        );
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const eth0 = await apiFlows(backend.url, 'interfaces=eth0');
    assert.ok(eth0.length > 0, 'eth0 records to look at');
    assert.ok(
      eth0.every((r) => !r.SrcAddr.startsWith('192.168.122.')),
      'no net1 address on an eth0 record',
    );

    // A stable view for the browser: stop the agent (it exports what is left and removes its hooks).
    assert.equal(await agent!.stop(), 0);
    agent = undefined;
    for (const { ns, dev, dir } of scenarioHookPoints(s))
      assert.deepEqual(await interflowFilters(s, ns, dev, dir), [], `${ns.name}/${dev} ${dir} after SIGTERM`);
    trafficChecked = true;
  });

  test('in Chromium: filter net1 through the picker, share the URL, export CSV', async () => {
    assert.ok(trafficChecked, 'needs the traffic and store checks of the previous test');
    const A = s.a.name;
    const B = s.b.name;
    const expected = await apiFlows(backend.url, 'interfaces=net1');
    const everything = await apiFlows(backend.url, '');
    assert.ok(
      everything.length > expected.length,
      'eth0 records exist too, so the filter has something to remove',
    );

    // As after `npm start`: the backend's root leads to the page.
    const root = await fetch(`${backend.url}/`, { redirect: 'manual' });
    assert.ok(root.status >= 300 && root.status < 400, `GET / answers ${root.status}`);
    assert.equal(new URL(root.headers.get('location') ?? '', backend.url).pathname, '/traffic-flows');

    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1800, height: 1100 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${backend.url}/traffic-flows?timeRange=3600`);
    await page.getByRole('heading', { level: 1, name: 'Traffic Flows' }).waitFor();
    await page.locator('[data-testid="interflow-flow-row"]').first().waitFor();
    assert.ok((await page.locator('[data-testid="interflow-flow-row"]').count()) > 0);

    // The filter picker: category "Network interface name", operator "=", value net1.
    await page.getByLabel('Filter category').selectOption({ label: 'Network interface name' });
    await page.getByLabel('Filter operator').selectOption('=');
    await page.getByLabel('Filter value').fill('net1');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.waitForURL((u) => u.searchParams.get('filters') === 'interfaces=net1');
    await page.waitForFunction(
      (n) => document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(`${n} flows found`),
      expected.length,
    );
    assert.equal(await summaryCount(page), expected.length);
    const chips = (await page.getByRole('group', { name: 'Active filters' }).textContent()) ?? '';
    assert.match(chips, /Network interface name =.*net1/);
    await page.screenshot({ path: join(RESULTS, 'net1-scenario-filtered.png'), fullPage: true });

    const rows = await allRows(page);
    assert.equal(rows.length, expected.length, 'every net1 record is listed');
    for (const r of rows) {
      // The cell names the interface with its direction (docs/design.md, "Filters").
      assert.match(r.Interface!, /^net1 \((ingress|egress)\)$/);
      assert.ok([A, B].includes(r['Interface netns']!), `row from ${r['Interface netns']}`);
      for (const side of ['Source', 'Destination']) {
        const pod = POD_BY_IP[r[`${side} IP`]!];
        if (!pod) continue; // ARP / IPv6 link-local housekeeping carries no pod address
        assert.equal(r[`${side} name`], pod.name, `${side} name of ${r[`${side} IP`]}`);
        assert.equal(r[`${side} namespace`], pod.namespace);
      }
    }
    const tcpRow = {
      Protocol: 'TCP',
      'Source IP': s.net1.a,
      'Source port': String(sent.tcp.localPort),
      'Destination port': '5201',
    };
    const udpRow = {
      Protocol: 'UDP',
      'Source IP': s.net1.a,
      'Source port': String(sent.udp.localPort),
      'Destination port': '5201',
    };
    for (const [where, headers, bytes, what] of [
      [
        { ...tcpRow, 'Interface netns': A, 'Interface direction': 'Egress' },
        TCP_HEADERS,
        sent.tcp.sentBytes,
        'TCP at A egress',
      ],
      [
        { ...tcpRow, 'Interface netns': B, 'Interface direction': 'Ingress' },
        TCP_HEADERS,
        sent.tcp.sentBytes,
        'TCP at B ingress',
      ],
      [
        { ...udpRow, 'Interface netns': A, 'Interface direction': 'Egress' },
        UDP_HEADERS,
        sent.udp.sentBytes,
        'UDP at A egress',
      ],
      [
        { ...udpRow, 'Interface netns': B, 'Interface direction': 'Ingress' },
        UDP_HEADERS,
        sent.udp.sentBytes,
        'UDP at B ingress',
      ],
    ] as const) {
      const got = rowPayload(rows, where, headers);
      assert.ok(
        within(got, bytes, TOLERANCE),
        `${what} on screen: ${got} payload bytes, iperf3 moved ${bytes}`,
      );
    }

    // The URL alone restores the view in a fresh context (no shared storage or state).
    const shared = page.url();
    const fresh = await browser.newContext({ viewport: { width: 1800, height: 1100 } });
    try {
      const other = await fresh.newPage();
      other.on('pageerror', (e) => errors.push(e.message));
      await other.goto(shared);
      await other.waitForFunction(
        (n) =>
          document.querySelector('.interflow-summary')?.textContent?.trim().startsWith(`${n} flows found`),
        expected.length,
      );
      assert.equal(other.url(), shared);
      assert.equal((await other.getByRole('group', { name: 'Active filters' }).textContent()) ?? '', chips);
      const again = await allRows(other);
      const norm = (rs: Row[]) => rs.map((r) => JSON.stringify(r)).sort();
      assert.deepEqual(norm(again), norm(rows), 'the shared URL shows the same rows');
      await other.screenshot({ path: join(RESULTS, 'net1-scenario-shared-url.png'), fullPage: true });
    } finally {
      await fresh.close();
    }

    // Export through the modal; the file holds every net1 record with the visible columns.
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.screenshot({ path: join(RESULTS, 'net1-scenario-export-modal.png') });
    // Raw values: this check reads the stored fields (ids as headers, numbers as codes).
    await dialog.getByLabel('Raw, as stored (field names, epoch milliseconds, codes), for programs').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^interflow-flows-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const table = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    const config = (await (await fetch(`${backend.url}/api/config`)).json()) as {
      defaults: { columns: string[] };
    };
    assert.deepEqual(
      Object.keys(table[0] ?? {}),
      config.defaults.columns,
      'CSV columns are the visible ones',
    );
    assert.equal(table.length, expected.length, 'every net1 record, once');
    const csvPayload = (where: (r: Record<string, string>) => boolean, headers: number) =>
      table.filter(where).reduce((n, r) => n + Number(r.Bytes) - Number(r.Packets) * headers, 0);
    for (const r of table) {
      assert.equal(r.Interfaces, 'net1');
      const pod = POD_BY_IP[r.SrcAddr!];
      if (pod) assert.equal(r.SrcK8S_Name, pod.name);
    }
    const fwd = (proto: string, port: number, netns: string, dir: string) => (r: Record<string, string>) =>
      r.Proto === proto &&
      r.SrcAddr === s.net1.a &&
      r.SrcPort === String(port) &&
      r.DstPort === '5201' &&
      r.IfNetns === netns &&
      r.IfDirections === dir;
    for (const [where, headers, bytes, what] of [
      [fwd('6', sent.tcp.localPort, A, '1'), TCP_HEADERS, sent.tcp.sentBytes, 'TCP at A egress'],
      [fwd('6', sent.tcp.localPort, B, '0'), TCP_HEADERS, sent.tcp.sentBytes, 'TCP at B ingress'],
      [fwd('17', sent.udp.localPort, A, '1'), UDP_HEADERS, sent.udp.sentBytes, 'UDP at A egress'],
      [fwd('17', sent.udp.localPort, B, '0'), UDP_HEADERS, sent.udp.sentBytes, 'UDP at B ingress'],
    ] as const) {
      const got = csvPayload(where, headers);
      assert.ok(
        within(got, bytes, TOLERANCE),
        `${what} in the CSV: ${got} payload bytes, iperf3 moved ${bytes}`,
      );
    }
    // Row for row the same records the API returns.
    const key = (r: FlowRecord | Record<string, unknown>) =>
      [
        r.TimeFlowEndMs,
        r.IfNetns,
        r.IfDirections,
        r.SrcAddr,
        r.SrcPort,
        r.DstAddr,
        r.DstPort,
        r.Proto,
        r.Bytes,
        r.Packets,
      ]
        .map(String)
        .join('|');
    assert.deepEqual(table.map(key).sort(), expected.map(key).sort());
    assert.deepEqual(errors, []);
    await context.close();
  });
});
