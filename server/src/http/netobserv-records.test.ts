// Reading NetObserv's flows as NetObserv writes them, through the real HTTP API (app.inject on
// the listening app with its embedded store), with INTERFLOW_LOKI_SELECTOR set to NetObserv's
// stream selector. The records are test/fixtures/netobserv-records.ts, which cites where each
// shape comes from (NetObserv's console plugin test data, flowlogs-pipeline).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  NETOBSERV_SELECTOR,
  UNREADABLE_LINES,
  netobservEntries,
  pushNetobserv,
} from '../../../test/fixtures/netobserv-records.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

describe('NetObserv records through /api/flows', () => {
  let t: TestApp;
  const now = Date.now();
  const entries = netobservEntries(now);
  const window = `startTime=${Math.floor(now / 1000) - 600}&endTime=${Math.ceil(now / 1000) + 1}`;
  before(async () => {
    t = await startTestApp({ INTERFLOW_LOKI_SELECTOR: NETOBSERV_SELECTOR });
    await pushNetobserv(t.storeUrl, entries, UNREADABLE_LINES);
  });
  after(() => t.close());

  type Rec = Record<string, unknown>;
  const flows = async (filters: string, extra = ''): Promise<{ records: Rec[]; stats: Rec }> => {
    const res = await t.app.inject(
      `/api/flows?${window}&limit=1000&filters=${encodeURIComponent(filters)}${extra}`,
    );
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  /** Records are told apart by their destination address (unique per fixture record). */
  const addrOf = (name: string): string => {
    const e = entries.find((x) => x.name === name)!;
    return (JSON.parse(e.line) as { DstAddr: string }).DstAddr + '|' + e.ts;
  };
  const keys = (records: Rec[]): string[] =>
    records.map((r) => `${String(r.DstAddr)}|${BigInt(Number(r.TimeFlowEndMs)) * 1_000_000n}`).sort();
  const expected = (...names: string[]): string[] => names.map(addrOf).sort();

  test('without a filter every record is shown, and the unreadable lines are counted', async () => {
    const body = await flows('');
    assert.equal(body.records.length, entries.length);
    assert.equal(body.stats.unreadable, UNREADABLE_LINES.length);
  });

  test('fields are normalised where their meaning is clear, every other field kept', async () => {
    const { records } = await flows('');
    const byAddr = (a: string): Rec => records.find((r) => r.DstAddr === a)!;
    const multi = byAddr('192.168.50.20');
    assert.deepEqual(multi.Interfaces, ['eth0', 'net1']);
    assert.deepEqual(multi.IfDirections, [0, 1]); // written ["0","1"]
    // Stream labels the line lacks (NetObserv keeps them only as labels), numbers as numbers.
    assert.equal(multi.SrcK8S_Namespace, 'sriov-test');
    assert.equal(multi.SrcK8S_Type, 'Pod');
    assert.equal(multi.FlowDirection, 1);
    assert.equal(multi.K8S_FlowLayer, 'app');
    assert.equal(multi.app, undefined);
    assert.equal(multi.TimeFlowRttNs, 10000);
    const older = byAddr('10.0.1.140');
    assert.deepEqual(older.Interfaces, ['net1']); // written "Interface":"net1"
    assert.deepEqual(older.IfDirections, [1]); // written "IfDirection":1
    assert.equal(older.Interface, undefined);
    assert.equal(older.IcmpType, 3);
    const named = byAddr('192.168.50.10');
    assert.equal(named.Flags, 16 | 512); // written ["ACK","FIN_ACK"]
    assert.equal(named.PktDropLatestDropCause, 'SKB_DROP_REASON_TCP_INVALID_SEQUENCE');
    assert.deepEqual(named.NetworkEvents, [
      { Feature: 'acl', Type: 'NetpolNode', Action: 'allow', Direction: 'Ingress' },
    ]);
  });

  test('interfaces=net1 is exactly the records with an element equal to net1', async () => {
    assert.deepEqual(
      keys((await flows('interfaces=net1')).records),
      expected(
        'net1-egress',
        'net1-ingress',
        'singular-net1-egress',
        'numbers-net1-egress',
        'long-net1-egress-at-17',
        'long-net1-ingress-at-17',
      ),
    );
  });

  test('interfaces=net1;ifdirections=egress is net1 in egress on the same element, past the query bound too', async () => {
    assert.deepEqual(
      keys((await flows('interfaces=net1;ifdirections=egress')).records),
      expected('net1-egress', 'singular-net1-egress', 'numbers-net1-egress', 'long-net1-egress-at-17'),
    );
    assert.deepEqual(
      keys((await flows('interfaces=net1;ifdirections=ingress')).records),
      expected('net1-ingress', 'long-net1-ingress-at-17'),
    );
  });

  test('the export pairs each interface with its direction and keeps the same records', async () => {
    const res = await t.app.inject(
      `/api/flows/export?${window}&filters=${encodeURIComponent('interfaces=net1;ifdirections=egress')}&columns=DstAddr,Interfaces,IfDirections`,
    );
    assert.equal(res.statusCode, 200, res.body);
    const rows = res.body.split('\r\n').filter((l) => l !== '');
    // Readable values (the export's default): column names, directions in words.
    assert.equal(rows[0], 'Destination address,Interfaces,Interface directions');
    assert.ok(
      rows.includes('192.168.50.20,"eth0 (ingress),net1 (egress)","ingress,egress"'),
      rows.join('\n'),
    );
    assert.ok(rows.includes('10.0.1.140,net1 (egress),egress'), rows.join('\n'));
    assert.equal(rows.length - 1, 4);
  });

  test('the Pod tab (namespace + name) finds the pod as source or destination', async () => {
    // web TrafficFlowsTab's filtersForObject for Pod client-a-6d5f in sriov-test.
    const { records } = await flows('namespace=sriov-test;name=client-a-6d5f');
    assert.deepEqual(keys(records), expected('net1-egress', 'net1-ingress'));
    const ns = await flows('namespace=sriov-test');
    assert.deepEqual(keys(ns.records), expected('net1-egress', 'net1-ingress'));
  });
});
