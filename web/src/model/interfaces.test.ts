import { describe, expect, it } from 'vitest';
import { encodeFilters } from '@interflow/contract';
import type { InterfaceRow } from '../api/types.ts';
import { flowsViewOf, groupInterfaces } from './interfaces.ts';
import { DEFAULT_VIEW } from './view.ts';

function row(over: Partial<InterfaceRow>): InterfaceRow {
  return {
    TimeReportMs: 1,
    TimeSinceMs: 0,
    K8S_HostName: 'worker-0',
    AgentIP: '',
    Interfaces: ['net1'],
    IfNetns: ['cni-a'],
    NetnsInode: 10,
    IfIndex: 3,
    IfMac: '',
    IfKind: '',
    IfType: 'vf',
    IsVF: true,
    Up: true,
    HookState: 'hooked',
    Bytes: 0,
    Packets: 0,
    BytesInRange: 0,
    PacketsInRange: 0,
    Reports: 1,
    ...over,
  };
}

describe('groupInterfaces', () => {
  it('groups by node, then by namespace, naming the pod learned from any of its interfaces', () => {
    const groups = groupInterfaces([
      row({ Interfaces: ['eth0'], IfIndex: 2 }),
      row({ IfK8S_Namespace: 'ns', IfK8S_Name: 'pod-x' }),
      row({ IfNetns: [''], NetnsInode: 1, Interfaces: ['ens1f0'] }),
      row({ K8S_HostName: 'worker-1' }),
    ]);
    expect(groups.map((n) => n.node)).toEqual(['worker-0', 'worker-1']);
    expect(groups[0]!.groups.map((g) => [g.netns, g.pod?.name, g.rows.length])).toEqual([
      ['cni-a', 'pod-x', 2],
      ['', undefined, 1],
    ]);
  });
});

describe('flowsViewOf', () => {
  it('filters on the interface, its namespace and its node, keeping the time range', () => {
    const view = {
      ...DEFAULT_VIEW,
      time: { kind: 'relative' as const, rangeS: 3600 },
      match: 'any' as const,
    };
    const v = flowsViewOf(view, row({ IfNetns: [''] }));
    expect(encodeFilters(v.filters)).toBe('interfaces=net1;netns=;host_name=worker-0');
    expect(v.match).toBe('all');
    expect(v.time).toEqual(view.time);
  });
});
