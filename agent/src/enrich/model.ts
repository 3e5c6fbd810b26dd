// What the enricher knows about pods, nodes and services, independent of where it came from
// (Kubernetes informers or the static mapping file).

export interface OwnerRef {
  kind: string;
  name: string;
}

export interface InterfaceModel {
  /** Interface name inside the pod (`eth0`, `net1`). */
  ifname?: string;
  mac?: string;
  ips: string[];
  /** Network name (`test/sriov-test`, or the default network's name). */
  network?: string;
  /** The pod's primary (cluster default network) interface. */
  isDefault: boolean;
}

export interface PodModel {
  uid: string;
  namespace: string;
  name: string;
  /** Node the pod runs on. */
  hostName?: string;
  /** Controller owner as the pod names it (may be a ReplicaSet or Job, resolved further). */
  controller?: OwnerRef;
  /** The pod's `pod-template-hash` label: lets a ReplicaSet name be turned into its Deployment's. */
  podTemplateHash?: string;
  /** An owner given explicitly (static mapping); used as is. */
  owner?: OwnerRef;
  /** false once terminating. */
  live: boolean;
  createdMs: number;
  /** Addresses on the default network (status.podIPs). Empty for host-network or finished pods. */
  primaryIps: string[];
  defaultNetwork?: string;
  interfaces: InterfaceModel[];
  /** Network namespace name as the agent sees it (static mapping only). */
  netns?: string;
}

export interface NodeModel {
  uid: string;
  name: string;
  ips: string[];
}

export interface ServiceModel {
  uid: string;
  namespace: string;
  name: string;
  ips: string[];
}

/** The identity written into the Src… and Dst… fields of a record. Built once, shared by lookups. */
export interface EndpointIdentity {
  readonly namespace?: string;
  readonly name: string;
  readonly type: 'Pod' | 'Node' | 'Service';
  readonly ownerName: string;
  readonly ownerType: string;
  readonly hostName?: string;
  readonly networkName?: string;
}

/** A pod interface's owner: what the IfK8S_* fields say, plus what tells its own traffic apart. */
export interface InterfaceOwner {
  readonly podUid: string;
  readonly namespace: string;
  readonly name: string;
  readonly network?: string;
  /** The interface's own addresses (empty when unknown). */
  readonly ips: readonly string[];
  /** The pod as an endpoint, with this interface's network as NetworkName. */
  readonly endpoint: EndpointIdentity;
}
