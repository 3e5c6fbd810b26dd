// The static mapping file (INTERFLOW_STATIC_ENRICHMENT): names pods, nodes and services for
// a run without a Kubernetes API (standalone, demo). JSON, or YAML when the file name ends in
// .yaml/.yml. Validated completely at start-up; the first problem fails the start with a
// message naming the variable, the file and the entry.
//
// {
//   "pods": [{
//     "namespace": "sriov-test", "name": "sriov-client",          required
//     "netns": "iflow-a-*",            network namespace name as the agent sees it (IfNetns);
//                                      `*` matches any characters (exact names are tried first,
//                                      then patterns in file order)
//     "ips": ["10.128.0.5"],           primary (default network) addresses
//     "network": "ovn-kubernetes",     default network name (NetworkName of "ips")
//     "hostName": "worker-0",          node the pod runs on
//     "owner": { "kind": "Deployment", "name": "sriov-client" },   default: the pod itself
//     "interfaces": [{ "name": "net1", "mac": "02:00:00:00:00:01", "ips": ["192.168.122.71"],
//                      "network": "sriov-test/sriov-net" }]    name or mac required
//   }],
//   "nodes":    [{ "name": "worker-0", "ips": ["192.168.1.10"] }],
//   "services": [{ "namespace": "default", "name": "kubernetes", "ips": ["172.30.0.1"] }]
// }
// A pod must say how to find it: netns, ips, or an interface with mac or ips.
import { readFileSync } from 'node:fs';
import { loadYaml } from '@kubernetes/client-node';
import { ConfigError } from '@interflow/contract';
import { canonicalIp, canonicalMac } from './addresses.ts';
import type { InterfaceModel, NodeModel, PodModel, ServiceModel } from './model.ts';

const VARIABLE = 'INTERFLOW_STATIC_ENRICHMENT';

export interface StaticMapping {
  pods: PodModel[];
  nodes: NodeModel[];
  services: ServiceModel[];
}

class MappingProblem extends Error {}

type Obj = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new MappingProblem(`${path}: ${message}`);
}

function object(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return v as Obj;
}

function array(v: unknown, path: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

function text(v: unknown, path: string, required: true): string;
function text(v: unknown, path: string, required: false): string | undefined;
function text(v: unknown, path: string, required: boolean): string | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'must be a non-empty string');
  return v;
}

function ips(v: unknown, path: string): string[] {
  return array(v, path).map((item, i) => {
    const ip = canonicalIp(item);
    if (!ip) fail(`${path}[${i}]`, `${JSON.stringify(item)} is not an IPv4 or IPv6 address`);
    return ip;
  });
}

function mac(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  const m = canonicalMac(v);
  if (!m) fail(path, `${JSON.stringify(v)} is not a MAC address (aa:bb:cc:dd:ee:ff)`);
  return m;
}

function parsePod(raw: unknown, path: string): PodModel {
  const o = object(raw, path, [
    'namespace',
    'name',
    'netns',
    'ips',
    'network',
    'hostName',
    'owner',
    'interfaces',
  ]);
  const namespace = text(o.namespace, `${path}.namespace`, true);
  const name = text(o.name, `${path}.name`, true);
  const pod: PodModel = {
    uid: `static:pod:${namespace}/${name}`,
    namespace,
    name,
    live: true,
    createdMs: 0,
    primaryIps: ips(o.ips, `${path}.ips`),
    interfaces: [],
  };
  const netns = text(o.netns, `${path}.netns`, false);
  if (netns !== undefined) pod.netns = netns;
  const network = text(o.network, `${path}.network`, false);
  if (network !== undefined) pod.defaultNetwork = network;
  const hostName = text(o.hostName, `${path}.hostName`, false);
  if (hostName !== undefined) pod.hostName = hostName;
  if (o.owner !== undefined) {
    const owner = object(o.owner, `${path}.owner`, ['kind', 'name']);
    pod.owner = {
      kind: text(owner.kind, `${path}.owner.kind`, true),
      name: text(owner.name, `${path}.owner.name`, true),
    };
  }
  const ifnames = new Set<string>();
  array(o.interfaces, `${path}.interfaces`).forEach((rawIf, i) => {
    const p = `${path}.interfaces[${i}]`;
    const io = object(rawIf, p, ['name', 'mac', 'ips', 'network']);
    const iface: InterfaceModel = { ips: ips(io.ips, `${p}.ips`), isDefault: false };
    const ifname = text(io.name, `${p}.name`, false);
    if (ifname !== undefined) {
      if (ifnames.has(ifname)) fail(`${p}.name`, `interface "${ifname}" is listed twice`);
      ifnames.add(ifname);
      iface.ifname = ifname;
    }
    const m = mac(io.mac, `${p}.mac`);
    if (m !== undefined) iface.mac = m;
    if (!iface.ifname && !iface.mac) fail(p, 'needs a "name" or a "mac"');
    const net = text(io.network, `${p}.network`, false);
    if (net !== undefined) iface.network = net;
    pod.interfaces.push(iface);
  });
  const findable = pod.netns || pod.primaryIps.length || pod.interfaces.some((x) => x.mac || x.ips.length);
  if (!findable)
    fail(path, 'says nothing to recognise the pod by: give "netns", "ips", or an interface "mac" or "ips"');
  return pod;
}

/** Validates a parsed mapping document. Throws MappingProblem naming the bad entry. */
function parseDocument(doc: unknown): StaticMapping {
  const root = object(doc ?? {}, '(top level)', ['pods', 'nodes', 'services']);
  const pods = array(root.pods, 'pods').map((p, i) => parsePod(p, `pods[${i}]`));
  const seen = new Map<string, string>();
  pods.forEach((p, i) => {
    const keys = [`pod ${p.namespace}/${p.name}`];
    if (p.netns) keys.push(`netns "${p.netns}"`);
    for (const k of keys) {
      const other = seen.get(k);
      if (other) fail(`pods[${i}]`, `${k} is already described by ${other}`);
      seen.set(k, `pods[${i}]`);
    }
  });
  const nodes = array(root.nodes, 'nodes').map((raw, i): NodeModel => {
    const o = object(raw, `nodes[${i}]`, ['name', 'ips']);
    const name = text(o.name, `nodes[${i}].name`, true);
    const list = ips(o.ips, `nodes[${i}].ips`);
    if (!list.length) fail(`nodes[${i}].ips`, 'needs at least one address');
    return { uid: `static:node:${name}`, name, ips: list };
  });
  const services = array(root.services, 'services').map((raw, i): ServiceModel => {
    const o = object(raw, `services[${i}]`, ['namespace', 'name', 'ips']);
    const namespace = text(o.namespace, `services[${i}].namespace`, true);
    const name = text(o.name, `services[${i}].name`, true);
    const list = ips(o.ips, `services[${i}].ips`);
    if (!list.length) fail(`services[${i}].ips`, 'needs at least one address');
    return { uid: `static:service:${namespace}/${name}`, namespace, name, ips: list };
  });
  return { pods, nodes, services };
}

/** Reads and validates the mapping file; any problem → ConfigError naming the variable, file and entry. */
export function loadStaticMapping(file: string): StaticMapping {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(VARIABLE, `cannot read ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(file) ? loadYaml(content) : JSON.parse(content);
  } catch (e) {
    throw new ConfigError(
      VARIABLE,
      `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    );
  }
  try {
    return parseDocument(doc);
  } catch (e) {
    if (e instanceof MappingProblem) throw new ConfigError(VARIABLE, `${file}: ${e.message}`);
    throw e;
  }
}
