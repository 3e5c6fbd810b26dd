import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredFlowRecord } from './flow-record.ts';
import { mergeFlowRecords } from './merge-flows.ts';

const flow = (over: Partial<StoredFlowRecord> & Record<string, unknown>): StoredFlowRecord => ({
  SrcAddr: '192.168.122.10',
  DstAddr: '192.168.122.20',
  SrcPort: 40000,
  DstPort: 5201,
  Proto: 6,
  Etype: 2048,
  TimeFlowStartMs: 10_000,
  TimeFlowEndMs: 15_000,
  Bytes: 1000,
  Packets: 10,
  Interfaces: ['net1'],
  IfDirections: [1],
  IfNetns: ['cni-a'],
  IfK8S_Namespace: 'sriov-test',
  IfK8S_Name: 'pod-a',
  K8S_HostName: 'worker-0',
  ...over,
});

describe('one row per flow (mergeFlowRecords)', () => {
  test('the same 5-tuple on two interfaces in one interval is one row listing both with their bytes', () => {
    const a = flow({ TimeFlowEndMs: 15_001 });
    const b = flow({
      IfDirections: [0],
      IfNetns: ['cni-b'],
      IfK8S_Name: 'pod-b',
      K8S_HostName: 'worker-1',
      Bytes: 990,
      TimeFlowStartMs: 10_002,
      TimeFlowEndMs: 15_003,
    });
    const rows = mergeFlowRecords([b, a]);
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row.MergedRecords, 2);
    assert.deepEqual(
      row.Observations.map((o) => [o.Interface, o.IfK8S_Name, o.IfDirection, o.Bytes]),
      [
        ['net1', 'pod-a', 1, 1000],
        ['net1', 'pod-b', 0, 990],
      ],
    );
    assert.deepEqual(row.Interfaces, ['net1', 'net1']);
    assert.deepEqual(row.IfDirections, [1, 0]);
    assert.equal(row.Bytes, 1000, 'the largest count, not the sum');
    assert.equal(row.TimeFlowStartMs, 10_000);
    assert.equal(row.TimeFlowEndMs, 15_003);
    assert.equal(row.IfK8S_Name, undefined, 'owners differ: no single owner for the row');
    assert.equal(row.K8S_HostName, undefined);
    assert.equal(row.IfK8S_Namespace, 'sriov-test', 'agreed fields stay');
  });

  test('another 5-tuple, a later interval, or the same interface twice are other rows', () => {
    const a = flow({});
    const reply = flow({
      SrcAddr: '192.168.122.20',
      DstAddr: '192.168.122.10',
      SrcPort: 5201,
      DstPort: 40000,
    });
    const later = flow({
      TimeFlowStartMs: 30_000,
      TimeFlowEndMs: 35_000,
      IfK8S_Name: 'pod-b',
      IfDirections: [0],
    });
    const sameInterfaceNext = flow({ TimeFlowStartMs: 15_500, TimeFlowEndMs: 20_000 });
    const rows = mergeFlowRecords([a, reply, later, sameInterfaceNext]);
    assert.equal(rows.length, 4);
    assert.ok(rows.every((r) => r.MergedRecords === 1));
    assert.deepEqual(
      rows[0]!.Observations.map((o) => o.Interface),
      ['net1'],
    );
    assert.equal(rows[0]!.IfK8S_Name, 'pod-a', 'a single record keeps all its fields');
  });

  test('records without interfaces are rows of their own', () => {
    const rows = mergeFlowRecords([flow({ Interfaces: undefined }), flow({ Interfaces: undefined })]);
    assert.equal(rows.length, 2);
  });
});
