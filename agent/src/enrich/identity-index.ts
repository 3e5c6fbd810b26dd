// The enricher's memory: pods, nodes and services indexed by every key a flow record or an
// interface can be matched with, updated incrementally, answered with O(1) map lookups.
import type {
  EndpointIdentity,
  InterfaceOwner,
  NodeModel,
  OwnerRef,
  PodModel,
  ServiceModel,
} from './model.ts';
import { IF_DIRECTION, type FlowRecord } from '@interflow/contract';
import { ClaimBuilder, ClaimSet, GroupedIndex, RankedIndex, type Rank } from './ranked-index.ts';

/** The interface a record was captured on, as the link tables name it. */
export interface InterfaceIdentity {
  netnsName: string;
  netnsInode: number;
  ifname: string;
  mac: string;
}

interface PodEntry {
  model: PodModel;
  claims: ClaimSet;
  seq: number;
  /** Owner of each named interface of the pod. */
  byIfname: Map<string, InterfaceOwner>;
  /** The pod as owner of an interface it did not describe (primary network, no interface name). */
  podOwner: InterfaceOwner;
  /** Key of the controller (ReplicaSet/Job) whose owner this pod's identity depends on. */
  controllerKey?: string;
}

interface SimpleEntry {
  claims: ClaimSet;
  seq: number;
}

function controllerKeyOf(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Precedence of address claims: a pod's primary address first, a node's last. */
const TIER = { podPrimary: 3, podSecondary: 2, service: 1, node: 0 } as const;
/** Two live pods with one secondary address (isolated networks reusing a range): cannot tell. */
const AMBIGUOUS_SECONDARY = new Set<number>([TIER.podSecondary]);
const ALWAYS_AMBIGUOUS = new Set<number>([0]);

export class IdentityIndex {
  /** Every known address → who it is (pods, services, nodes, by TIER). */
  private readonly byIp = new RankedIndex<EndpointIdentity>(AMBIGUOUS_SECONDARY);
  /** Per network name: its pods' addresses (secondary networks may reuse ranges). */
  private readonly byNetworkIp = new GroupedIndex<EndpointIdentity>();
  // Interface owner lookups.
  private readonly ifMac = new RankedIndex<InterfaceOwner>(ALWAYS_AMBIGUOUS);
  /** Per interface name: the pod interfaces with that name, by address. */
  private readonly ifNameIp = new GroupedIndex<InterfaceOwner>(ALWAYS_AMBIGUOUS);
  /** Static mapping: per netns name, the interfaces it describes; and the netns as a whole. */
  private readonly netnsIf = new GroupedIndex<InterfaceOwner>();
  private readonly netns = new RankedIndex<InterfaceOwner>();
  /** Static mapping: netns name patterns (`iflow-a-*`), and which pod each name seen matched. */
  private readonly netnsPatterns: { re: RegExp; uid: string }[] = [];
  private readonly netnsPatternHits = new Map<string, string | null>();

  private readonly pods = new Map<string, PodEntry>();
  /** `namespace/name` → uid, to drop a pod whose successor reuses its name before its deletion is seen. */
  private readonly podUidByName = new Map<string, string>();
  private readonly nodes = new Map<string, SimpleEntry>();
  private readonly services = new Map<string, SimpleEntry>();
  /** Controller key → its owner (null: known to have no owner worth naming). */
  private readonly controllerOwners = new Map<string, OwnerRef | null>();
  /** Controller key → uids of pods whose identity used it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Network namespace inode → uid of the pod one of its interfaces was matched to by MAC. */
  private readonly learnedNetns = new Map<number, string>();
  private seq = 0;

  get podCount(): number {
    return this.pods.size;
  }

  // ---- updates -------------------------------------------------------------------------

  upsertPod(model: PodModel): void {
    const byName = `${model.namespace}/${model.name}`;
    const previousUid = this.podUidByName.get(byName);
    if (previousUid !== undefined && previousUid !== model.uid) this.deletePod(previousUid);
    this.podUidByName.set(byName, model.uid);

    let entry = this.pods.get(model.uid);
    const owner = this.resolveOwner(model);
    const identity = (networkName: string | undefined): EndpointIdentity =>
      freeze({
        namespace: model.namespace,
        name: model.name,
        type: 'Pod',
        ownerName: owner.name,
        ownerType: owner.kind,
        hostName: model.hostName,
        networkName,
      });
    const primary = identity(model.defaultNetwork);
    const ifOwner = (
      network: string | undefined,
      ips: string[],
      endpoint: EndpointIdentity,
    ): InterfaceOwner =>
      freeze({ podUid: model.uid, namespace: model.namespace, name: model.name, network, ips, endpoint });
    const podOwner = ifOwner(model.defaultNetwork, model.primaryIps, primary);

    const claims = new ClaimBuilder();
    for (const ip of model.primaryIps) claims.add(this.byIp, ip, primary, TIER.podPrimary);
    const byIfname = new Map<string, InterfaceOwner>();
    const primarySet = new Set(model.primaryIps);
    for (const iface of model.interfaces) {
      const network = iface.network ?? (iface.isDefault ? model.defaultNetwork : undefined);
      const endpoint = iface.isDefault ? primary : identity(network);
      const owner = ifOwner(network, iface.ips, endpoint);
      if (iface.ifname && !byIfname.has(iface.ifname)) byIfname.set(iface.ifname, owner);
      if (iface.mac) claims.add(this.ifMac, iface.mac, owner);
      for (const ip of iface.ips) {
        if (network) claims.add(this.byNetworkIp.group(network), ip, endpoint);
        if (iface.isDefault) claims.add(this.byIp, ip, primary, TIER.podPrimary);
        else if (!primarySet.has(ip)) claims.add(this.byIp, ip, endpoint, TIER.podSecondary);
        if (iface.ifname) claims.add(this.ifNameIp.group(iface.ifname), ip, owner);
      }
      if (model.netns && !isPattern(model.netns) && iface.ifname) {
        claims.add(this.netnsIf.group(model.netns), iface.ifname, owner);
      }
    }
    if (model.netns && !isPattern(model.netns)) claims.add(this.netns, model.netns, podOwner);
    this.setNetnsPattern(model.uid, model.netns && isPattern(model.netns) ? model.netns : undefined);

    if (!entry) {
      entry = { model, claims: new ClaimSet(model.uid), seq: ++this.seq, byIfname, podOwner };
      this.pods.set(model.uid, entry);
    } else {
      entry.model = model;
      entry.byIfname = byIfname;
      entry.podOwner = podOwner;
    }
    const rank: Rank = { live: model.live, createdMs: model.createdMs, seq: entry.seq };
    entry.claims.replace(rank, claims);
    this.trackDependent(entry, model);
  }

  deletePod(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    entry.claims.releaseAll();
    this.setNetnsPattern(uid, undefined);
    this.pods.delete(uid);
    const byName = `${entry.model.namespace}/${entry.model.name}`;
    if (this.podUidByName.get(byName) === uid) this.podUidByName.delete(byName);
    if (entry.controllerKey) this.dependents.get(entry.controllerKey)?.delete(uid);
    for (const [key, podUid] of this.learnedNetns) if (podUid === uid) this.learnedNetns.delete(key);
  }

  upsertNode(model: NodeModel): void {
    const identity = freeze<EndpointIdentity>({
      name: model.name,
      type: 'Node',
      ownerName: model.name,
      ownerType: 'Node',
      hostName: model.name,
    });
    this.claimAll(this.nodes, model.uid, model.ips, identity, TIER.node);
  }

  deleteNode(uid: string): void {
    this.releaseAll(this.nodes, uid);
  }

  upsertService(model: ServiceModel): void {
    const identity = freeze<EndpointIdentity>({
      namespace: model.namespace,
      name: model.name,
      type: 'Service',
      ownerName: model.name,
      ownerType: 'Service',
    });
    this.claimAll(this.services, model.uid, model.ips, identity, TIER.service);
  }

  deleteService(uid: string): void {
    this.releaseAll(this.services, uid);
  }

  /**
   * What a ReplicaSet or Job is owned by (a Deployment, a CronJob), or null when it has no such
   * owner. Pods already indexed under that controller are renamed when the answer changes.
   */
  setControllerOwner(kind: string, namespace: string, name: string, owner: OwnerRef | null): void {
    const key = controllerKeyOf(kind, namespace, name);
    const before = this.controllerOwners.get(key);
    this.controllerOwners.set(key, owner);
    if (before !== undefined && sameOwner(before, owner)) return;
    for (const uid of [...(this.dependents.get(key) ?? [])]) {
      const entry = this.pods.get(uid);
      if (entry) this.upsertPod(entry.model);
    }
  }

  deleteControllerOwner(kind: string, namespace: string, name: string): void {
    // Pods keep the name they were given; they are normally deleted with their controller.
    this.controllerOwners.delete(controllerKeyOf(kind, namespace, name));
  }

  // ---- lookups -------------------------------------------------------------------------

  /** Fills the Src*, Dst* and IfK8S_* fields of one record. Only map lookups. */
  enrich(record: FlowRecord, iface: InterfaceIdentity): void {
    const direction = record.IfDirections[0];
    const local =
      direction === IF_DIRECTION.egress
        ? record.SrcAddr
        : direction === IF_DIRECTION.ingress
          ? record.DstAddr
          : '';
    const owner = this.interfaceOwner(iface, local);
    const network = owner?.network;
    if (owner) {
      record.IfK8S_Namespace = owner.namespace;
      record.IfK8S_Name = owner.name;
      if (owner.network !== undefined) record.IfK8S_NetworkName = owner.network;
    }
    let src = this.endpoint(record.SrcAddr, network);
    if (
      !src &&
      owner &&
      direction === IF_DIRECTION.egress &&
      ownAddress(owner, record.SrcAddr, record.SrcMac, iface.mac)
    ) {
      src = owner.endpoint;
    }
    let dst = this.endpoint(record.DstAddr, network);
    if (
      !dst &&
      owner &&
      direction === IF_DIRECTION.ingress &&
      ownAddress(owner, record.DstAddr, record.DstMac, iface.mac)
    ) {
      dst = owner.endpoint;
    }
    if (src) {
      if (src.namespace !== undefined) record.SrcK8S_Namespace = src.namespace;
      record.SrcK8S_Name = src.name;
      record.SrcK8S_Type = src.type;
      record.SrcK8S_OwnerName = src.ownerName;
      record.SrcK8S_OwnerType = src.ownerType;
      if (src.hostName !== undefined) record.SrcK8S_HostName = src.hostName;
      if (src.networkName !== undefined) record.SrcK8S_NetworkName = src.networkName;
    }
    if (dst) {
      if (dst.namespace !== undefined) record.DstK8S_Namespace = dst.namespace;
      record.DstK8S_Name = dst.name;
      record.DstK8S_Type = dst.type;
      record.DstK8S_OwnerName = dst.ownerName;
      record.DstK8S_OwnerType = dst.ownerType;
      if (dst.hostName !== undefined) record.DstK8S_HostName = dst.hostName;
      if (dst.networkName !== undefined) record.DstK8S_NetworkName = dst.networkName;
    }
  }

  /** Who an address belongs to; an address on the interface's own network is looked up there first. */
  private endpoint(ip: string, network: string | undefined): EndpointIdentity | undefined {
    if (!ip) return undefined;
    return (network !== undefined ? this.byNetworkIp.get(network, ip) : undefined) ?? this.byIp.get(ip);
  }

  /**
   * Which pod the capturing interface belongs to. Interfaces of the host namespace belong to
   * the node, never to a pod (ipvlan children share their parent's MAC, so a MAC alone would lie).
   */
  /** The pod that owns an interface, without a record (the inventory): no address to go by. */
  ownerOf(iface: InterfaceIdentity): InterfaceOwner | undefined {
    return this.interfaceOwner(iface, '');
  }

  private interfaceOwner(iface: InterfaceIdentity, local: string): InterfaceOwner | undefined {
    if (iface.netnsName === '') return undefined;
    // 1. Static mapping: netns name (+ interface name).
    if (this.netns.size > 0) {
      const byName = this.netnsIf.get(iface.netnsName, iface.ifname) ?? this.netns.get(iface.netnsName);
      if (byName) return byName;
    }
    if (this.netnsPatterns.length > 0) {
      const pod = this.podByNetnsPattern(iface.netnsName);
      if (pod) return pod.byIfname.get(iface.ifname) ?? pod.podOwner;
    }
    // 2. The interface's MAC in a pod's network-status.
    const ino = iface.netnsInode;
    const byMac = iface.mac ? this.ifMac.get(iface.mac) : undefined;
    if (byMac) {
      if (ino > 0 && this.learnedNetns.get(ino) !== byMac.podUid) this.learnedNetns.set(ino, byMac.podUid);
      return byMac;
    }
    // 3. Another interface of this namespace was matched: same pod; name the network by interface name.
    const learnedUid = ino > 0 ? this.learnedNetns.get(ino) : undefined;
    if (learnedUid !== undefined) {
      const pod = this.pods.get(learnedUid);
      if (pod) return pod.byIfname.get(iface.ifname) ?? pod.podOwner;
      this.learnedNetns.delete(ino);
    }
    // 4. The record's local address is a pod's address on an interface of this name.
    return local ? this.ifNameIp.get(iface.ifname, local) : undefined;
  }

  // ---- internals -----------------------------------------------------------------------

  private setNetnsPattern(uid: string, pattern: string | undefined): void {
    const i = this.netnsPatterns.findIndex((p) => p.uid === uid);
    if (i < 0 && pattern === undefined) return;
    if (i >= 0) this.netnsPatterns.splice(i, 1);
    if (pattern !== undefined) this.netnsPatterns.push({ re: patternRegExp(pattern), uid });
    this.netnsPatternHits.clear();
  }

  /** The pod whose netns pattern matches this name; one scan per name, then a map lookup. */
  private podByNetnsPattern(netnsName: string): PodEntry | undefined {
    let uid = this.netnsPatternHits.get(netnsName);
    if (uid === undefined) {
      uid = this.netnsPatterns.find((p) => p.re.test(netnsName))?.uid ?? null;
      if (this.netnsPatternHits.size >= 4096) this.netnsPatternHits.clear();
      this.netnsPatternHits.set(netnsName, uid);
    }
    return uid === null ? undefined : this.pods.get(uid);
  }

  private resolveOwner(model: PodModel): OwnerRef {
    if (model.owner) return model.owner;
    const c = model.controller;
    if (!c) return { kind: 'Pod', name: model.name };
    if (c.kind === 'ReplicaSet' || c.kind === 'Job') {
      const known = this.controllerOwners.get(controllerKeyOf(c.kind, model.namespace, c.name));
      if (known !== undefined) return known ?? c;
      // Not seen yet (or not readable): a Deployment's ReplicaSet is `<deployment>-<pod-template-hash>`.
      const hash = model.podTemplateHash;
      if (c.kind === 'ReplicaSet' && hash && c.name.length > hash.length + 1 && c.name.endsWith(`-${hash}`)) {
        return { kind: 'Deployment', name: c.name.slice(0, -(hash.length + 1)) };
      }
    }
    return c;
  }

  private trackDependent(entry: PodEntry, model: PodModel): void {
    const c = model.owner ? undefined : model.controller;
    const key =
      c && (c.kind === 'ReplicaSet' || c.kind === 'Job')
        ? controllerKeyOf(c.kind, model.namespace, c.name)
        : undefined;
    if (entry.controllerKey === key) return;
    if (entry.controllerKey) this.dependents.get(entry.controllerKey)?.delete(model.uid);
    entry.controllerKey = key;
    if (!key) return;
    let set = this.dependents.get(key);
    if (!set) {
      set = new Set();
      this.dependents.set(key, set);
    }
    set.add(model.uid);
  }

  /** A node or service (one identity for all its addresses) claims exactly `ips` now. */
  private claimAll(
    map: Map<string, SimpleEntry>,
    uid: string,
    ips: readonly string[],
    identity: EndpointIdentity,
    tier: number,
  ): void {
    let entry = map.get(uid);
    if (!entry) {
      entry = { claims: new ClaimSet(uid), seq: ++this.seq };
      map.set(uid, entry);
    }
    const claims = new ClaimBuilder();
    for (const ip of ips) claims.add(this.byIp, ip, identity, tier);
    entry.claims.replace({ live: true, createdMs: 0, seq: entry.seq }, claims);
  }

  private releaseAll(map: Map<string, SimpleEntry>, uid: string): void {
    map.get(uid)?.claims.releaseAll();
    map.delete(uid);
  }
}

/** Is `ip` the interface owner's own address? With no known address, the interface's MAC tells. */
function ownAddress(owner: InterfaceOwner, ip: string, recordMac: string, ifaceMac: string): boolean {
  if (owner.ips.length > 0) return owner.ips.includes(ip);
  return ifaceMac !== '' && recordMac.toLowerCase() === ifaceMac.toLowerCase();
}

/** Static netns names may use `*` for any characters (the test scenario adds a unique suffix). */
function isPattern(netns: string): boolean {
  return netns.includes('*');
}

function patternRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

function sameOwner(a: OwnerRef | null, b: OwnerRef | null): boolean {
  return a === b || (a !== null && b !== null && a.kind === b.kind && a.name === b.name);
}

function freeze<T extends object>(o: T): T {
  // Drop undefined members so records never get `"Field": undefined` and lookups stay monomorphic.
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return Object.freeze(o);
}
