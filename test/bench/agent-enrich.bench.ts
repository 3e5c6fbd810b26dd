// Benchmark (not a test): cost of enrich() per record, and whether it grows with the size of
// the cluster. Prints ns/record for a small and a large index, their ratio, and the ratio to
// a baseline measured in the same run (copying the same fields without any lookup).
// Run: npx tsx test/bench/agent-enrich.bench.ts
import type { FlowRecord } from '@interflow/contract';
import { IdentityIndex } from '../../agent/src/enrich/identity-index.ts';
import type { PodModel } from '../../agent/src/enrich/model.ts';
import { flowRecord, iface } from '../../agent/test/enrich-harness.ts';

const RECORDS = 200_000;
const ROUNDS = 5;

function ip(i: number, base: number): string {
  return `${base}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}
function mac(i: number): string {
  return `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
}

function buildIndex(pods: number, services: number, nodes: number): IdentityIndex {
  const index = new IdentityIndex();
  for (let i = 0; i < nodes; i++) index.upsertNode({ uid: `n${i}`, name: `node-${i}`, ips: [ip(i, 192)] });
  for (let i = 0; i < services; i++)
    index.upsertService({ uid: `s${i}`, namespace: 'svc', name: `svc-${i}`, ips: [ip(i, 172)] });
  for (let i = 0; i < pods; i++) {
    const model: PodModel = {
      uid: `p${i}`,
      namespace: `ns-${i % 50}`,
      name: `pod-${i}`,
      hostName: 'worker-0',
      controller: { kind: 'ReplicaSet', name: `rs-${i % 100}-abc` },
      podTemplateHash: 'abc',
      live: true,
      createdMs: i,
      primaryIps: [ip(i, 10)],
      defaultNetwork: 'ovn-kubernetes',
      interfaces: [
        { ifname: 'eth0', mac: mac(i), ips: [ip(i, 10)], network: 'ovn-kubernetes', isDefault: true },
        {
          ifname: 'net1',
          mac: mac(i + 0x800000),
          ips: [ip(i, 11)],
          network: 'test/sriov-test',
          isDefault: false,
        },
      ],
    };
    index.upsertPod(model);
  }
  return index;
}

interface Sample {
  record: FlowRecord;
  iface: ReturnType<typeof iface>;
}

function samples(pods: number, services: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < 1024; i++) {
    const p = (i * 7919) % pods;
    const kind = i % 4;
    const netns = `cni-${p}`;
    if (kind === 0) {
      out.push({
        record: flowRecord({
          SrcAddr: ip(p, 10),
          DstAddr: ip(i % services, 172),
          direction: 1,
          ifname: 'eth0',
          netns,
        }),
        iface: iface(netns, 1000 + p, 'eth0', mac(p)),
      });
    } else if (kind === 1) {
      out.push({
        record: flowRecord({
          SrcAddr: ip(p, 11),
          DstAddr: ip((p + 1) % pods, 11),
          direction: 1,
          ifname: 'net1',
          netns,
        }),
        iface: iface(netns, 1000 + p, 'net1', mac(p + 0x800000)),
      });
    } else if (kind === 2) {
      out.push({
        record: flowRecord({
          SrcAddr: '203.0.113.9',
          DstAddr: ip(p, 11),
          direction: 0,
          ifname: 'net1',
          netns,
        }),
        iface: iface(netns, 1000 + p, 'net1', mac(p + 0x800000)),
      });
    } else {
      out.push({
        record: flowRecord({
          SrcAddr: '203.0.113.9',
          DstAddr: '198.51.100.1',
          direction: 0,
          ifname: 'ens3',
          netns: '',
        }),
        iface: iface('', 1, 'ens3', '52:54:00:00:00:01'),
      });
    }
  }
  return out;
}

function measure(run: (s: Sample) => void, set: Sample[]): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < RECORDS; i++) run(set[i & 1023]!);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / RECORDS);
  }
  return best;
}

const constant = { ns: 'x', name: 'y' };
const baseline = (s: Sample): void => {
  // The same field writes enrich() does for a fully known record, without lookups.
  const r = s.record;
  r.SrcK8S_Namespace = constant.ns;
  r.SrcK8S_Name = constant.name;
  r.SrcK8S_Type = 'Pod';
  r.SrcK8S_OwnerName = constant.name;
  r.SrcK8S_OwnerType = 'Deployment';
  r.DstK8S_Namespace = constant.ns;
  r.DstK8S_Name = constant.name;
  r.DstK8S_Type = 'Pod';
  r.IfK8S_Namespace = constant.ns;
  r.IfK8S_Name = constant.name;
};

const small = { pods: 100, services: 100, nodes: 10 };
const large = { pods: 20_000, services: 50_000, nodes: 2_000 };
const heap0 = process.memoryUsage().heapUsed;
const smallIndex = buildIndex(small.pods, small.services, small.nodes);
const largeIndex = buildIndex(large.pods, large.services, large.nodes);
const heapLarge = process.memoryUsage().heapUsed - heap0;
const smallSet = samples(small.pods, small.services);
const largeSet = samples(large.pods, large.services);

measure(baseline, smallSet); // warm-up
const base = measure(baseline, smallSet);
const tSmall = measure((s) => smallIndex.enrich(s.record, s.iface), smallSet);
const tLarge = measure((s) => largeIndex.enrich(s.record, s.iface), largeSet);
console.log(`enrich baseline (field copies only):       ${base.toFixed(1)} ns/record`);
console.log(
  `enrich, ${small.pods} pods/${small.services} services/${small.nodes} nodes:     ${tSmall.toFixed(1)} ns/record (${(tSmall / base).toFixed(1)}x baseline)`,
);
console.log(
  `enrich, ${large.pods} pods/${large.services} services/${large.nodes} nodes: ${tLarge.toFixed(1)} ns/record (${(tLarge / base).toFixed(1)}x baseline)`,
);
console.log(
  `large/small index cost ratio: ${(tLarge / tSmall).toFixed(2)} (1.0 = independent of cluster size)`,
);
console.log(
  `index heap, both indexes: ${(heapLarge / 1024 / 1024).toFixed(1)} MiB (~${Math.round(heapLarge / (large.pods + large.services + large.nodes))} B per object)`,
);
