// SIGTERM with the store away: the agent cannot deliver what it holds, so it says exactly how
// many records it dropped — the records it held, which is what its own books (the drop counter
// the exporter keeps) say too. With the store up, the same stop delivers everything and says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario } from '../../test/support/netns-scenario.ts';
import { scrape, startAgent, waitFor } from '../../test/support/processes.ts';
import { logLines } from '../../test/e2e/e2e-rig.ts';
import { startStandInLokiReceiver } from './stand-in-loki-receiver.ts';

test(
  'SIGTERM while the store is away: the agent reports exactly how many held records it dropped; with the store up, that every one was delivered',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const rx = await startStandInLokiReceiver();
    t.after(() => rx.close());
    const env = {
      INTERFLOW_LOKI_URL: rx.url,
      INTERFLOW_NETNS_DIRS: s.dir,
      INTERFLOW_HOST_NETNS: 'false',
      INTERFLOW_INTERFACES: 'net1',
      INTERFLOW_EVICT_INTERVAL: '500ms',
      INTERFLOW_BATCH_MAX_WAIT: '100ms',
      INTERFLOW_INVENTORY_INTERVAL: '1d',
    };
    const send = (port: number) => s.exec(s.a, 'bash', ['-c', `echo x > /dev/udp/${s.net1.b}/${port}`]);

    // Store up: the stop delivers what is left and says so.
    const first = await startAgent(env);
    t.after(() => first.stop());
    await waitFor('2 hooked', async () => (await first.metric('interflow_agent_interfaces_hooked')) === 2);
    await send(5401);
    assert.equal(await first.stop(), 0);
    const delivered = logLines(first.output()).find((l) => l.msg.startsWith('stopped: every record it held'));
    assert.ok(delivered, first.output().slice(-2000));
    assert.ok(rx.acceptedRecords().some((r) => r.DstPort === 5401 && r.Proto === 17));

    // Store away: records pile up; the stop cannot deliver them and counts every one.
    const second = await startAgent(env);
    t.after(() => second.stop());
    await waitFor('2 hooked', async () => (await second.metric('interflow_agent_interfaces_hooked')) === 2);
    await rx.stop();
    for (let port = 5402; port < 5412; port++) await send(port);
    const buffered = await waitFor(
      'records held while the store is away',
      async () => {
        const m = await scrape(second.metricsUrl);
        return (
          (m.get('interflow_agent_records_buffered') ?? 0) >= 10 && m.get('interflow_agent_records_buffered')!
        );
      },
      30_000,
    );
    assert.equal(await second.stop(), 0);
    const lines = logLines(second.output());
    const stopped = lines.find((l) => l.msg.startsWith('stopped: '));
    assert.ok(stopped, second.output().slice(-2000));
    assert.match(stopped.msg, /^stopped: (\d+) of the (\d+) records it held were dropped/);
    const dropped = Number(stopped.dropped);
    const held = Number(stopped.records);
    t.diagnostic(`buffered ${buffered} before SIGTERM; at the stop held ${held}, dropped ${dropped}`);
    // Nothing reached the store, so every record held at the stop was dropped, and counted as such.
    assert.equal(dropped, held);
    assert.ok(held >= buffered, 'the last eviction at the stop adds to what was buffered');
    const exporterLine = lines.find((l) =>
      l.msg.startsWith('store did not take every record before shutdown'),
    );
    assert.equal(Number(exporterLine?.records), dropped, 'the exporter counted the same records as dropped');
  },
);
