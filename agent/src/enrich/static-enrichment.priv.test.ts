// End to end on the reference topology (test/support/netns-scenario.ts): real namespaces,
// real TC hooks, real traffic over net1, and the demo mapping file. Every net1 record says
// whose net1 it is, and both endpoints are named.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { FlowRecord } from '@interflow/contract';
import { createNetnsScenario } from '../../../test/support/netns-scenario.ts';
import { privileged } from '../../../test/support/privileged.ts';
import { eventually } from '../../../test/support/wait.ts';
import { Capture } from '../capture.ts';
import { loadAgentConfig } from '../config/config.ts';
import { testAgentRunDir } from '../../../test/support/processes.ts';
import { createAgentMetrics } from '../metrics.ts';
import { createEnricher } from './index.ts';

const FIXTURE = resolve(import.meta.dirname, '../../../test/fixtures/static-enrichment.json');

test(
  'static mapping names both pods on captured net1 records of the netns scenario',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const cfg = loadAgentConfig({
      INTERFLOW_RUN_DIR: testAgentRunDir(), // not /run/interflow, which `npm start` may hold
      INTERFLOW_NETNS_DIRS: s.dir,
      INTERFLOW_HOST_NETNS: 'false',
      INTERFLOW_EVICT_INTERVAL: '500ms',
      INTERFLOW_RESYNC_INTERVAL: '2s',
      INTERFLOW_LOKI_URL: 'http://127.0.0.1:9',
      INTERFLOW_STATIC_ENRICHMENT: FIXTURE,
    });
    const log = pino({ level: 'silent' });
    const enricher = await createEnricher(cfg, log);
    t.after(() => enricher.close());
    const records: FlowRecord[] = [];
    const capture = new Capture({
      cfg,
      metrics: createAgentMetrics(),
      log,
      enricher,
      sink: (r) => records.push(...r),
    });
    await capture.start();
    t.after(() => capture.stop());
    await eventually(
      'net1 of both pods hooked',
      () => {
        const hooked = capture
          .hookedInterfaces()
          .filter((h) => h.phase === 'attached')
          .map((h) => `${h.netns}/${h.ifname}`);
        assert.ok(
          hooked.includes(`${s.a.name}/net1`) && hooked.includes(`${s.b.name}/net1`),
          hooked.join(' '),
        );
      },
      15_000,
    );

    // A few UDP datagrams from A to B over net1, and over eth0 (no ping in the CI image).
    const sendUdp = (to: string) =>
      s.exec(s.a, process.execPath, [
        '-e',
        `const s=require('node:dgram').createSocket('udp4');let n=0;const t=setInterval(()=>{s.send('interflow',5301,${JSON.stringify(to)});if(++n===3){clearInterval(t);setTimeout(()=>s.close(),100)}},50)`,
      ]);
    await sendUdp(s.net1.b);
    await sendUdp(s.eth0.b);
    await capture.evictNow();
    await capture.evictNow();

    const net1 = (netns: string, dir: number) =>
      records.find(
        (r) =>
          r.IfNetns[0] === netns &&
          r.Interfaces[0] === 'net1' &&
          r.IfDirections[0] === dir &&
          r.SrcAddr === s.net1.a &&
          r.DstAddr === s.net1.b &&
          r.Proto === 17,
      );
    const sent = net1(s.a.name, 1);
    const received = net1(s.b.name, 0);
    assert.ok(sent && received, 'datagrams recorded leaving A/net1 and arriving at B/net1');
    const who = (r: FlowRecord) => [
      r.IfK8S_Namespace,
      r.IfK8S_Name,
      r.IfK8S_NetworkName,
      r.SrcK8S_Name,
      r.DstK8S_Name,
      r.DstK8S_NetworkName,
    ];
    assert.deepEqual(who(sent), [
      'sriov-test',
      'sriov-client',
      'sriov-test/sriov-net',
      'sriov-client',
      'sriov-server',
      'sriov-test/sriov-net',
    ]);
    assert.deepEqual(who(received), [
      'sriov-test',
      'sriov-server',
      'sriov-test/sriov-net',
      'sriov-client',
      'sriov-server',
      'sriov-test/sriov-net',
    ]);
    assert.equal(sent.SrcK8S_Namespace, 'sriov-test');
    assert.equal(sent.DstK8S_Type, 'Pod');

    // eth0 of the same namespaces belongs to the same pods; its addresses are not in the mapping.
    const eth0 = records.find(
      (r) => r.IfNetns[0] === s.a.name && r.Interfaces[0] === 'eth0' && r.DstAddr === s.eth0.b,
    );
    assert.ok(eth0, 'eth0 traffic recorded');
    assert.deepEqual(
      [eth0.IfK8S_Name, eth0.IfK8S_NetworkName, eth0.DstK8S_Name],
      ['sriov-client', undefined, undefined],
    );
  },
);
