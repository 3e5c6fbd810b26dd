// The evictor hands a large eviction to the sink in chunks: every record once, in drain order,
// and the eviction's count is the total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowRecord } from '@interflow/contract';
import { flowListOf, type RawFlow } from '../kernel-helper/helper-protocol.ts';
import { createLogger } from '../log.ts';
import { createAgentMetrics } from '../metrics.ts';
import { Evictor } from './evictor.ts';

function flow(i: number): RawFlow {
  return {
    netnsIno: 4026532177,
    ifindex: 2,
    dir: i % 2,
    etype: 0x0800,
    proto: 17,
    src: '192.168.122.71',
    dst: '192.168.122.72',
    sport: 40000,
    dport: 10000 + i,
    bytes: 100 + i,
    packets: 1,
    firstNs: 1_000_000_000,
    lastNs: 2_000_000_000,
    tcpFlags: 0,
    srcMac: 'aa:aa:aa:aa:aa:aa',
    dstMac: 'bb:bb:bb:bb:bb:bb',
    dscp: 0,
    fromRingbuf: false,
    vlan: 0,
    vlanInner: 0,
    netnsCookie: 7,
  };
}

test('eviction: 5 000 drained entries reach the sink once each, in order, in bounded chunks', async () => {
  const drained = Array.from({ length: 5000 }, (_, i) => flow(i));
  const calls: FlowRecord[][] = [];
  const evictor = new Evictor({
    drain: async () => ({
      flows: flowListOf(drained),
      meta: {
        ev: 'drained',
        req: 1,
        count: drained.length,
        monoNs: 3_000_000_000,
        realNs: 1_700_000_003_000_000_000,
        mapFull: 0,
        spilled: 0,
        ringbufDrops: 0,
        batch: true,
        drainUs: 0,
      },
    }),
    resolver: { resolve: (ino) => ({ netnsName: 'ns-a', netnsInode: ino, ifname: 'net1', mac: '' }) },
    enricher: undefined,
    sink: (records) => calls.push(records),
    agentIp: '10.0.0.5',
    nodeName: 'node-1',
    intervalMs: 1000,
    metrics: createAgentMetrics(),
    log: createLogger('error'),
  });
  assert.equal(await evictor.evict(), 5000);
  assert.ok(calls.length > 1, 'more than one sink call');
  assert.ok(calls.every((c) => c.length > 0 && c.length <= 4096));
  const all = calls.flat();
  assert.deepEqual(
    all.map((r) => r.DstPort),
    drained.map((f) => f.dport),
  );
  assert.equal(all[4999]!.Interfaces[0], 'net1');
});
