// Flow records numbered by their Bytes field, so a test can send many and check which arrived,
// in what order, and that none arrived twice.
import type { FlowRecord } from '@interflow/contract';

/** A plausible record; `id` is its Bytes (read back by ids()) so order can be checked. */
export function makeRecord(id: number, overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    TimeFlowStartMs: 1_764_115_200_000 + id,
    TimeFlowEndMs: 1_764_115_200_500 + id,
    TimeReceived: 1_764_115_201,
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    SrcPort: 40_000 + (id % 20_000),
    DstPort: 5201,
    Proto: 6,
    SrcMac: '02:00:00:00:00:01',
    DstMac: '02:00:00:00:00:02',
    Etype: 0x0800,
    Dscp: 0,
    Flags: 0x18,
    Bytes: id,
    Packets: 1,
    Interfaces: ['net1'],
    IfDirections: [1],
    IfNetns: ['test-a'],
    FlowDirection: 1,
    AgentIP: '10.0.0.1',
    K8S_HostName: 'node-1',
    ...overrides,
  };
}

/** The ids (Bytes) of records, to compare order. */
export const ids = (records: FlowRecord[]): number[] => records.map((r) => r.Bytes);
export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);
