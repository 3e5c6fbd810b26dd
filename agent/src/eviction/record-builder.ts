// Turns drained flow entries into FlowRecords (field names: docs/design.md).
import type { FlowRecord } from '@interflow/contract';
import type { RawFlow } from '../kernel-helper/helper-protocol.ts';
import { monoToEpochMs, type ClockPair } from './monotonic-clock.ts';

export interface InterfaceLabel {
  /** Namespace file name; "" for the host namespace. */
  netnsName: string;
  ifname: string;
  mac: string;
}

export interface RecordContext {
  clock: ClockPair;
  agentIp: string;
  nodeName: string;
  /** Epoch seconds of the export. */
  receivedS: number;
}

/** Key of a flow entry: the same fields as the eBPF map key. */
function flowKey(f: RawFlow): string {
  return `${f.netnsCookie}|${f.netnsIno}|${f.vlan}|${f.vlanInner}|${f.ifindex}|${f.dir}|${f.etype}|${f.proto}|${f.src}|${f.dst}|${f.sport}|${f.dport}`;
}

/**
 * Merges entries with the same key (ring-buffer fallback entries arrive one per packet and may
 * share a key with each other or with a map entry).
 */
export function mergeFlows(flows: RawFlow[]): RawFlow[] {
  // Map entries are unique per key; only ring-buffer entries can repeat one. Without them
  // (the normal case) there is nothing to merge, and building 100 000 string keys would cost
  // more than the rest of the eviction.
  if (!flows.some((f) => f.fromRingbuf)) return flows;
  const byKey = new Map<string, RawFlow>();
  for (const f of flows) {
    const k = flowKey(f);
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, { ...f });
      continue;
    }
    prev.bytes += f.bytes;
    prev.packets += f.packets;
    prev.tcpFlags |= f.tcpFlags;
    if (f.firstNs < prev.firstNs) {
      prev.firstNs = f.firstNs;
      prev.srcMac = f.srcMac;
      prev.dstMac = f.dstMac;
    }
    if (f.lastNs > prev.lastNs) {
      prev.lastNs = f.lastNs;
      prev.dscp = f.dscp;
    }
    prev.fromRingbuf = prev.fromRingbuf && f.fromRingbuf;
  }
  return [...byKey.values()];
}

export function buildRecord(f: RawFlow, iface: InterfaceLabel, ctx: RecordContext): FlowRecord {
  return {
    TimeFlowStartMs: monoToEpochMs(f.firstNs, ctx.clock),
    TimeFlowEndMs: monoToEpochMs(f.lastNs, ctx.clock),
    TimeReceived: ctx.receivedS,
    SrcAddr: f.src,
    DstAddr: f.dst,
    SrcPort: f.sport,
    DstPort: f.dport,
    Proto: f.proto,
    SrcMac: f.srcMac,
    DstMac: f.dstMac,
    Etype: f.etype,
    Dscp: f.dscp,
    Flags: f.tcpFlags,
    Bytes: f.bytes,
    Packets: f.packets,
    Interfaces: [iface.ifname],
    IfDirections: [f.dir],
    IfNetns: [iface.netnsName],
    // Per-interface view: what the interface received is ingress, what it sent is egress.
    FlowDirection: f.dir,
    AgentIP: ctx.agentIp,
    K8S_HostName: ctx.nodeName,
  };
}
