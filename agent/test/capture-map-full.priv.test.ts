// A flow map far too small for the traffic: flows that do not fit go to the overflow table
// (a quarter of the map, at least 16 entries) and, when that is full too, through the
// ring-buffer fallback; every one is still exported, and every step is counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario } from '../../test/support/netns-scenario.ts';
import { waitFor } from '../../test/support/wait.ts';
import { hookedNames, startCapture } from './capture-harness.ts';

const FLOWS = 300;

test(
  'when the flow map is full no flow vanishes: the overflow table, then the ring buffer carry the rest, all counted',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const { capture, records, metrics } = await startCapture(t, s.dir, {
      INTERFLOW_INTERFACES: 'net1',
      INTERFLOW_CACHE_MAX_FLOWS: '16',
      INTERFLOW_EVICT_INTERVAL: '1h', // drained by hand below
    });
    await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
    await capture.evictNow();
    records.length = 0;

    // One datagram to each of FLOWS ports: FLOWS distinct flows on A/net1 egress (and B/net1 ingress).
    const code = `const d=require('node:dgram');const s=d.createSocket('udp4');let p=20000;const l=${20000 + FLOWS};
    function n(){if(p>=l)return s.close();s.send(Buffer.alloc(8),p++,'${s.net1.b}',n);}n();`;
    await s.exec(s.a, process.execPath, ['-e', code]);
    const sentRecords = () =>
      records.filter(
        (r) =>
          r.IfNetns[0] === s.a.name &&
          r.Interfaces[0] === 'net1' &&
          r.IfDirections[0] === 1 &&
          r.Proto === 17 &&
          r.DstPort >= 20000 &&
          r.DstPort < 20000 + FLOWS,
      );
    // The helper's ring-buffer consumer may still be reading when the sender is done: drain until
    // every flow is out (one packet per flow, so a flow split over two drains is not counted twice).
    await waitFor('every flow exported', async () => {
      await capture.evictNow();
      return new Set(sentRecords().map((r) => r.DstPort)).size === FLOWS;
    });
    const sent = sentRecords();
    assert.equal(
      sent.reduce((n, r) => n + r.Packets, 0),
      FLOWS,
      'every packet counted exactly once',
    );
    const mapFull = (await metrics.mapFullEvents.get()).values[0]?.value ?? 0;
    const viaRing = (await metrics.ringbufFlows.get()).values[0]?.value ?? 0;
    const spilled = (await metrics.overflowTablePackets.get()).values[0]?.value ?? 0;
    const drops = (await metrics.ringbufDrops.get()).values[0]?.value ?? 0;
    assert.ok(mapFull > 0, 'map-full events counted');
    assert.ok(spilled >= 16, `the overflow table took flows first (${spilled} packets)`);
    assert.ok(viaRing > 0, 'then the ring buffer');
    assert.equal(drops, 0, 'nothing lost');
    // Each packet the map could not take went into the overflow table, through the ring buffer
    // (one entry each) or was dropped.
    assert.equal(
      viaRing,
      mapFull - spilled - drops,
      'ring-buffer entries = map-full packets - overflow table - drops',
    );
  },
);
