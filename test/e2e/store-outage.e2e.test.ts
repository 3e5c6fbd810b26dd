// Fault: the store (the backend with its embedded store) is down for 60 s while traffic
// flows. The agent's export buffer is small, so it overflows. After the store returns, every
// record the buffer held arrives, the rest are counted as dropped, and the books balance:
// records evicted = delivered (in the store) + dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privileged } from '../support/privileged.ts';
import { scrape, waitFor } from '../support/processes.ts';
import { iperfServer } from '../support/iperf.ts';
import { duplicates, readStore, sleep, startProduct } from './e2e-rig.ts';

const OUTAGE_MS = 60_000;
const BUFFER = 200;
const STREAMS = 8; // parallel UDP streams, one flow each

test(
  'store down for 60 s under traffic: the buffer arrives, the overflow is counted, evicted = delivered + dropped',
  { ...privileged(), timeout: 240_000 },
  async (t) => {
    const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    const rig = await startProduct({
      agentEnv: {
        INTERFLOW_BUFFER_MAX_RECORDS: String(BUFFER),
        // The interface inventory shares the exporter: reported at start only (before the outage),
        // so its records are all delivered and counted apart below.
        INTERFLOW_INVENTORY_INTERVAL: '1d',
        INTERFLOW_BACKOFF_MIN: '200ms',
        INTERFLOW_BACKOFF_MAX: '2s',
      },
    });
    t.after(() => rig.teardown());
    const { s, agent } = rig;

    // Eight UDP streams (eight flows, each seen at A/net1 egress and B/net1 ingress) at a low
    // rate: about 20 records per 1 s eviction, so 60 s of outage is several times the buffer.
    await iperfServer(s, s.b, s.net1.b, 5201);
    const traffic = s.spawn(s.a, 'iperf3', [
      '-c',
      s.net1.b,
      '-p',
      '5201',
      '-u',
      '-b',
      '200K',
      '-l',
      '500',
      '-P',
      String(STREAMS),
      '-t',
      '120',
    ]);
    await waitFor(
      'records delivered before the outage',
      async () => (await agent.metric('interflow_agent_records_exported_total')) > 20,
      20_000,
    );

    await rig.backend.stop();
    const downAt = Date.now();
    const before = await scrape(agent.metricsUrl);
    await sleep(OUTAGE_MS);
    const during = await scrape(agent.metricsUrl);
    // The outage must have been felt: nothing more delivered, buffer full, overflow counted.
    assert.equal(
      during.get('interflow_agent_records_exported_total'),
      before.get('interflow_agent_records_exported_total'),
      'nothing is delivered while the store is down',
    );
    assert.equal(during.get('interflow_agent_records_buffered'), BUFFER, 'the buffer is full');
    assert.ok(
      (during.get('interflow_agent_records_dropped_total') ?? 0) > 0,
      'the overflow is counted as dropped',
    );

    const upAt = Date.now();
    const backend = await rig.restartBackend();
    const bufferedAtReturn = (await scrape(agent.metricsUrl)).get('interflow_agent_records_buffered')!;
    await sleep(3_000);
    traffic.kill('SIGINT');
    // Settle: the last interval evicted, the buffer empty, and nothing new for a few evictions.
    let last = '';
    let stableSince = Date.now();
    const settled = await waitFor(
      'agent settled (buffer empty, no new records)',
      async () => {
        const m = await scrape(agent.metricsUrl);
        const sig = [
          'interflow_agent_flows_evicted_total',
          'interflow_agent_records_exported_total',
          'interflow_agent_records_dropped_total',
        ]
          .map((n) => m.get(n))
          .join('/');
        if (sig !== last) {
          last = sig;
          stableSince = Date.now();
        }
        return m.get('interflow_agent_records_buffered') === 0 && Date.now() - stableSince > 3_000 && m;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    const evicted = settled.get('interflow_agent_flows_evicted_total')!;
    const delivered = settled.get('interflow_agent_records_exported_total')!;
    const dropped = settled.get('interflow_agent_records_dropped_total')!;
    // A flow on an interface the agent no longer knows (gone before its drain) is counted, not recorded.
    const unknown = settled.get('interflow_agent_unknown_interface_flows_total') ?? 0;
    // One flow entry is one record unless the ring-buffer fallback split a flow (merged later);
    // the flow map is far from full here, so that path must not have been taken.
    assert.equal(
      settled.get('interflow_agent_ringbuf_flows_total'),
      0,
      'no ring-buffer fallback (it would merge entries)',
    );
    const stored = await readStore(backend.storeUrl, { startNs });
    const inventory = (
      await readStore(backend.storeUrl, { startNs, selector: '{app="interflow", _RecordType="interface"}' })
    ).length;
    console.log(
      `evicted ${evicted}, delivered ${delivered} (store holds ${stored.length}), dropped ${dropped}; ` +
        `buffered at outage end ${bufferedAtReturn}, delivered after return ${delivered - during.get('interflow_agent_records_exported_total')!}`,
    );
    assert.equal(
      evicted,
      delivered - inventory + dropped + unknown,
      'evicted = delivered + dropped (flow records; + unknown-interface flows)',
    );
    assert.equal(
      stored.length + inventory,
      delivered,
      'the store holds exactly what the agent says it delivered',
    );
    assert.deepEqual(duplicates(stored), [], 'no record stored twice');
    // What the test sent, independent of the agent's counters: STREAMS UDP streams to port 5201,
    // each seen at A/net1 egress and B/net1 ingress.
    const streams = new Set(
      stored
        .filter(
          (r) => r.Proto === 17 && r.SrcAddr === s.net1.a && r.DstAddr === s.net1.b && r.DstPort === 5201,
        )
        .map((r) => `${r.SrcPort} ${r.Interfaces[0]} ${r.IfNetns[0]} ${r.IfDirections[0]}`),
    );
    const hooks = [`net1 ${s.a.name} 1`, `net1 ${s.b.name} 0`];
    assert.deepEqual(
      [...new Set([...streams].map((k) => k.slice(k.indexOf(' ') + 1)))].sort(),
      hooks.sort(),
      'the streams are stored at A/net1 egress and B/net1 ingress only',
    );
    assert.equal(streams.size, STREAMS * hooks.length, `UDP streams × hooks: ${[...streams].join('; ')}`);
    assert.ok(
      delivered - during.get('interflow_agent_records_exported_total')! >= bufferedAtReturn,
      'every buffered record arrived after the store returned',
    );
    // The buffer filled with records of the outage (flows that ended while the store was down),
    // and those are in the store now.
    const fromOutage = stored.filter(
      (r) => r.TimeFlowEndMs >= downAt - 1500 && r.TimeFlowEndMs <= upAt,
    ).length;
    assert.ok(
      fromOutage >= BUFFER - before.get('interflow_agent_records_buffered')!,
      `${fromOutage} records of the outage stored, the buffer held ${BUFFER}`,
    );
  },
);
