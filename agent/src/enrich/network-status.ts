// Parses the Multus `k8s.v1.cni.cncf.io/network-status` pod annotation: a JSON array with one
// entry per attached network, e.g.
//   [{"name":"ovn-kubernetes","interface":"eth0","ips":["10.128.0.5"],"mac":"0a:58:0a:80:00:05","default":true},
//    {"name":"test/sriov-test","interface":"net1","ips":["192.168.122.71"],"mac":"ea:2f:...","dns":{}}]
// The annotation is written by CNI plugins of varying quality, so every field is optional
// here: a broken annotation or entry yields fewer facts, never a crash or a wrong name.
import { canonicalIps, canonicalMac } from './addresses.ts';

export const NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/network-status';

export interface NetworkStatusEntry {
  /** Network name as Multus writes it: `<namespace>/<net-attach-def>` or the default network's name. */
  name: string;
  /** Interface name inside the pod (`eth0`, `net1`), when the plugin reported it. */
  interface?: string;
  ips: string[];
  mac?: string;
  default: boolean;
}

export interface ParsedNetworkStatus {
  entries: NetworkStatusEntry[];
  /** Why (part of) the annotation was ignored; undefined when all of it was usable. */
  problem?: string;
}

export function parseNetworkStatus(text: string | undefined): ParsedNetworkStatus {
  if (text === undefined || text.trim() === '') return { entries: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { entries: [], problem: `not JSON (${(e as Error).message})` };
  }
  if (!Array.isArray(data)) return { entries: [], problem: 'not a JSON array' };
  const entries: NetworkStatusEntry[] = [];
  const skipped: number[] = [];
  data.forEach((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      skipped.push(i);
      return;
    }
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name === '') {
      skipped.push(i);
      return;
    }
    const entry: NetworkStatusEntry = { name: e.name, ips: canonicalIps(e.ips), default: e.default === true };
    if (typeof e.interface === 'string' && e.interface !== '') entry.interface = e.interface;
    const mac = canonicalMac(e.mac);
    if (mac) entry.mac = mac;
    entries.push(entry);
  });
  return skipped.length
    ? { entries, problem: `entries ${skipped.join(', ')} lack a network name and were ignored` }
    : { entries };
}
