// The filters a VF debugger needs, built into LogQL by the backend and answered by the embedded
// store (which answers as Loki does): addresses as CIDR prefixes or ranges (Loki's ip()), the
// Multus network of the interface and of either side, and bidirectional matching (A↔B).
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { parseFilters, type MatchMode } from '@interflow/contract';
import type { LabelMatcher } from './ast.ts';
import { buildLogQueries } from './build.ts';
import { inspectLogQL } from './inspect.ts';
import { ago, push, queryRange, storeApp } from '../../test/store-harness.ts';

const BASE: LabelMatcher[] = [{ label: 'app', op: '=', value: 'interflow' }];

interface Rec {
  id: string;
  SrcAddr: string;
  DstAddr: string;
  SrcK8S_Namespace?: string;
  DstK8S_Namespace?: string;
  SrcK8S_NetworkName?: string;
  DstK8S_NetworkName?: string;
  IfK8S_NetworkName?: string;
  Interfaces: string[];
}

const RECORDS: Rec[] = [
  // client → server over the SR-IOV network, seen on each pod's net1
  {
    id: 'c2s',
    SrcAddr: '192.168.122.10',
    DstAddr: '192.168.122.20',
    SrcK8S_Namespace: 'sriov-test',
    DstK8S_Namespace: 'sriov-test',
    SrcK8S_NetworkName: 'sriov-test/sriov-net',
    DstK8S_NetworkName: 'sriov-test/sriov-net',
    IfK8S_NetworkName: 'sriov-test/sriov-net',
    Interfaces: ['net1'],
  },
  {
    id: 's2c',
    SrcAddr: '192.168.122.20',
    DstAddr: '192.168.122.10',
    SrcK8S_Namespace: 'sriov-test',
    DstK8S_Namespace: 'sriov-test',
    SrcK8S_NetworkName: 'sriov-test/sriov-net',
    DstK8S_NetworkName: 'sriov-test/sriov-net',
    IfK8S_NetworkName: 'sriov-test/sriov-net',
    Interfaces: ['net1'],
  },
  {
    id: 'c2dns',
    SrcAddr: '10.128.0.12',
    DstAddr: '172.30.0.10',
    SrcK8S_Namespace: 'sriov-test',
    DstK8S_Namespace: 'openshift-dns',
    Interfaces: ['eth0'],
  },
  {
    id: 'other',
    SrcAddr: '192.168.122.30',
    DstAddr: '10.128.0.40',
    SrcK8S_Namespace: 'default',
    Interfaces: ['eth0'],
  },
  { id: 'v6', SrcAddr: 'fd00::10', DstAddr: 'fd00::20', Interfaces: ['net2'] },
];

async function matching(t: TestContext, filters: string, match: MatchMode = 'all'): Promise<string[]> {
  const { app } = await storeApp(t);
  await push(
    app,
    RECORDS.map((r, i) => {
      const stream: Record<string, string> = { app: 'interflow' };
      if (r.SrcK8S_Namespace) stream.SrcK8S_Namespace = r.SrcK8S_Namespace;
      if (r.DstK8S_Namespace) stream.DstK8S_Namespace = r.DstK8S_Namespace;
      return { stream, values: [[ago(60 - i), JSON.stringify(r)]] };
    }),
  );
  const queries = buildLogQueries({ filters: parseFilters(filters), match }, BASE);
  const ids = new Set<string>();
  for (const q of queries) {
    assert.deepEqual(inspectLogQL(q).errors, [], `syntax errors in ${q}`);
    const r = await queryRange(app, q);
    assert.equal(r.status, 200, `${q}: ${r.body}`);
    for (const s of r.json().data.result)
      for (const [, line] of s.values) ids.add((JSON.parse(line) as Rec).id);
  }
  return [...ids].sort();
}

describe('address as CIDR prefix or range (Loki ip())', () => {
  test('src_address=192.168.122.0/24 finds the sources in that network', async (t) => {
    assert.deepEqual(await matching(t, 'src_address=192.168.122.0/24'), ['c2s', 'other', 's2c']);
  });
  test('a range, an address and a prefix are ORed; IPv6 prefixes too', async (t) => {
    assert.deepEqual(await matching(t, 'dst_address=192.168.122.15-192.168.122.25,172.30.0.10,fd00::/64'), [
      'c2dns',
      'c2s',
      'v6',
    ]);
  });
  test('!= leaves out every pattern; unprefixed means source or destination', async (t) => {
    assert.deepEqual(await matching(t, 'address!=192.168.122.0/24'), ['c2dns', 'v6']);
    assert.deepEqual(await matching(t, 'address=10.128.0.0/16'), ['c2dns', 'other']);
  });
  test('the rendered filter is an ip() label filter, the value quoted', () => {
    const [q] = buildLogQueries(
      { filters: parseFilters('src_address=192.168.122.0/24'), match: 'all' },
      BASE,
    );
    assert.equal(q, '{app="interflow"} | json | SrcAddr=ip("192.168.122.0/24")');
  });
});

describe('networks (Multus network-status names)', () => {
  test('if_network is the network of the interface; src_network / dst_network / network of a side', async (t) => {
    assert.deepEqual(await matching(t, 'if_network=sriov-test/sriov-net'), ['c2s', 's2c']);
    assert.deepEqual(await matching(t, 'src_network~sriov'), ['c2s', 's2c']);
    assert.deepEqual(await matching(t, 'network!=sriov-test/sriov-net'), ['c2dns', 'other', 'v6']);
  });
});

describe('bidirectional matching (A↔B)', () => {
  test('source A and destination B finds A→B and B→A, and nothing else', async (t) => {
    const ab = 'src_address=192.168.122.10;dst_address=192.168.122.20';
    assert.deepEqual(await matching(t, ab, 'all'), ['c2s']);
    assert.deepEqual(await matching(t, ab, 'bidirectional'), ['c2s', 's2c']);
  });
  test('stream-label sides (namespaces) swap too; filters not about one side hold as with all', async (t) => {
    assert.deepEqual(
      await matching(t, 'src_namespace=openshift-dns;dst_namespace=sriov-test', 'bidirectional'),
      ['c2dns'],
    );
    assert.deepEqual(await matching(t, 'src_address=192.168.122.20;interfaces=net1', 'bidirectional'), [
      'c2s',
      's2c',
    ]);
    assert.deepEqual(await matching(t, 'src_address=192.168.122.0/24;interfaces=eth0', 'bidirectional'), [
      'other',
    ]);
  });
  test('one query, so the overview can count it', () => {
    const qs = buildLogQueries(
      { filters: parseFilters('src_address=192.168.122.0/24;dst_port=53'), match: 'bidirectional' },
      BASE,
    );
    assert.equal(qs.length, 1);
    assert.match(qs[0]!, /\(SrcAddr=ip\("192\.168\.122\.0\/24"\) and DstPort="53"\) or \(DstAddr=ip\(/);
  });
});
