// The filter ids of the page URL and the API (docs/design.md, "Filters"), and how each
// maps onto record fields. Unprefixed ids of a src_/dst_ pair mean "source or destination".

import type { ResourceKind } from '../api.ts';

/**
 * How a field is stored, which decides how it is matched in LogQL:
 *  - label: a Loki stream label (exact in the stream selector, or a label filter);
 *  - string / number: a scalar of the JSON line (`| json` + label filter);
 *  - stringArray / numberArray: a JSON array, matched element-wise by a line filter regex.
 */
export type FieldKind = 'label' | 'string' | 'number' | 'stringArray' | 'numberArray';

export type Autocomplete = ResourceKind | null;

export interface FilterSpec {
  id: string;
  name: string;
  description: string;
  /** Record fields; a value matches when it matches any of them. */
  fields: string[];
  kind: FieldKind;
  autocomplete: Autocomplete;
  examples: string[];
  /** Words accepted for numeric fields (`tcp` → 6); bare numbers are always accepted. */
  names?: Record<string, number>;
  /** Largest number accepted for numeric fields. */
  max?: number;
  /**
   * Exact values (`=`, `!=`) must be IPv4 or IPv6 addresses, CIDR prefixes (`192.168.122.0/24`)
   * or ranges (`10.0.0.1-10.0.0.9`): Loki's `ip()` patterns.
   */
  address?: boolean;
  /** An empty value means something (`netns=` is the host namespace); elsewhere a typed one is refused. */
  allowsEmpty?: boolean;
  /**
   * Spaces at either end can be part of a value (netns names are file names). Elsewhere a typed
   * value is trimmed: no interface, Kubernetes name, address or number starts or ends with one.
   */
  keepsSpaces?: boolean;
}

const PROTOCOLS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  icmpv6: 58,
  sctp: 132,
};
const IF_DIRECTIONS: Record<string, number> = { ingress: 0, egress: 1 };
const NODE_DIRECTIONS: Record<string, number> = { ingress: 0, egress: 1, inner: 2 };

interface PairBase {
  base: string;
  field: string; // after the Src/Dst prefix
  kind: FieldKind;
  what: string;
  autocomplete: Autocomplete;
  examples: string[];
  max?: number;
  address?: boolean;
}

const PAIRS: PairBase[] = [
  {
    base: 'namespace',
    field: 'K8S_Namespace',
    kind: 'label',
    what: 'Namespace',
    autocomplete: 'namespaces',
    examples: ['default', 'openshift-dns'],
  },
  {
    base: 'name',
    field: 'K8S_Name',
    kind: 'string',
    what: 'Name',
    autocomplete: 'pods',
    examples: ['my-pod-7d9f'],
  },
  {
    base: 'kind',
    field: 'K8S_Type',
    kind: 'string',
    what: 'Kind',
    autocomplete: null,
    examples: ['Pod', 'Service', 'Node'],
  },
  {
    // NetObserv's ids and fields: the workload a pod belongs to (a ReplicaSet's Deployment, a
    // Job's CronJob, else the pod's controller or the pod itself).
    base: 'owner_name',
    field: 'K8S_OwnerName',
    kind: 'string',
    what: 'Owner',
    autocomplete: null,
    examples: ['my-deployment', 'my-daemonset'],
  },
  {
    base: 'address',
    field: 'Addr',
    kind: 'string',
    what: 'IP address',
    autocomplete: null,
    examples: ['10.128.0.12', '192.168.122.0/24', '10.0.0.1-10.0.0.9', 'fd00::1'],
    address: true,
  },
  {
    base: 'port',
    field: 'Port',
    kind: 'number',
    what: 'Port',
    autocomplete: null,
    examples: ['443', '53'],
    max: 65535,
  },
  {
    base: 'mac',
    field: 'Mac',
    kind: 'string',
    what: 'MAC address',
    autocomplete: null,
    examples: ['0a:58:0a:80:00:0c'],
  },
  {
    base: 'network',
    field: 'K8S_NetworkName',
    kind: 'string',
    what: 'Network',
    autocomplete: 'networks',
    examples: ['sriov-test/sriov-net'],
  },
];

function pairSpecs(p: PairBase): FilterSpec[] {
  const src = `Src${p.field}`;
  const dst = `Dst${p.field}`;
  const common = {
    kind: p.kind,
    autocomplete: p.autocomplete,
    examples: p.examples,
    ...(p.max ? { max: p.max } : {}),
    ...(p.address ? { address: true } : {}),
  };
  return [
    {
      id: `src_${p.base}`,
      name: `Source ${p.what.toLowerCase()}`,
      description: `${p.what} of the source (${src})`,
      fields: [src],
      ...common,
    },
    {
      id: `dst_${p.base}`,
      name: `Destination ${p.what.toLowerCase()}`,
      description: `${p.what} of the destination (${dst})`,
      fields: [dst],
      ...common,
    },
    {
      id: p.base,
      name: p.what,
      description: `${p.what} of the source or the destination (${src} or ${dst})`,
      fields: [src, dst],
      ...common,
    },
  ];
}

export const FILTER_SPECS: readonly FilterSpec[] = [
  {
    id: 'interfaces',
    name: 'Network interface name',
    description:
      'Name of the interface the flow was seen on, e.g. net1 for an SR-IOV VF in a pod (exact element of Interfaces)',
    fields: ['Interfaces'],
    kind: 'stringArray',
    autocomplete: 'interfaces',
    examples: ['net1', 'eth0'],
  },
  {
    id: 'ifdirections',
    name: 'Interface direction',
    description: 'Direction on the interface: ingress (0) or egress (1)',
    fields: ['IfDirections'],
    kind: 'numberArray',
    autocomplete: null,
    examples: ['ingress', 'egress'],
    names: IF_DIRECTIONS,
    max: 1,
  },
  {
    id: 'netns',
    name: 'Network namespace',
    description: 'Network namespace of the interface (empty value = the host namespace)',
    fields: ['IfNetns'],
    kind: 'stringArray',
    autocomplete: 'netns',
    examples: ['cni-1234abcd'],
    allowsEmpty: true,
    keepsSpaces: true,
  },
  {
    id: 'if_owner_namespace',
    name: 'Interface owner namespace',
    description: 'Namespace of the pod that owns the interface (IfK8S_Namespace)',
    fields: ['IfK8S_Namespace'],
    kind: 'string',
    autocomplete: 'namespaces',
    examples: ['sriov-test'],
  },
  {
    id: 'if_owner',
    name: 'Interface owner pod',
    description: 'Name of the pod that owns the interface: whose net1 it is (IfK8S_Name)',
    fields: ['IfK8S_Name'],
    kind: 'string',
    autocomplete: 'pods',
    examples: ['pod-x'],
  },
  {
    id: 'if_network',
    name: 'Interface network',
    description: "Multus network of the interface, from its pod's network-status (IfK8S_NetworkName)",
    fields: ['IfK8S_NetworkName'],
    kind: 'string',
    autocomplete: 'networks',
    examples: ['sriov-test/sriov-net'],
  },
  // A pod's traffic from every side: as source, as destination, or on an interface it owns
  // (its net1 when a VF forwards for others). The Pod details tab pairs the two.
  {
    id: 'pod_namespace',
    name: 'Pod namespace',
    description:
      'Namespace of the source, the destination or the interface owner (SrcK8S_Namespace, DstK8S_Namespace or IfK8S_Namespace)',
    fields: ['SrcK8S_Namespace', 'DstK8S_Namespace', 'IfK8S_Namespace'],
    kind: 'string',
    autocomplete: 'namespaces',
    examples: ['sriov-test'],
  },
  {
    id: 'pod',
    name: 'Pod',
    description:
      'Name of the source, the destination or the interface owner (SrcK8S_Name, DstK8S_Name or IfK8S_Name)',
    fields: ['SrcK8S_Name', 'DstK8S_Name', 'IfK8S_Name'],
    kind: 'string',
    autocomplete: 'pods',
    examples: ['sriov-client'],
  },
  ...PAIRS.flatMap(pairSpecs),
  {
    id: 'protocol',
    name: 'Protocol',
    description: 'IP protocol: a number or tcp, udp, icmp, icmpv6, sctp…',
    fields: ['Proto'],
    kind: 'number',
    autocomplete: null,
    examples: ['tcp', 'udp', '17'],
    names: PROTOCOLS,
    max: 255,
  },
  {
    id: 'node_direction',
    name: 'Node direction',
    description: 'Direction as seen by the node: ingress (0), egress (1) or inner (2)',
    fields: ['FlowDirection'],
    kind: 'label',
    autocomplete: null,
    examples: ['ingress', 'egress', 'inner'],
    names: NODE_DIRECTIONS,
    max: 2,
  },
  {
    id: 'host_name',
    name: 'Node name',
    description: 'Name of the node that reported the flow (K8S_HostName)',
    fields: ['K8S_HostName'],
    kind: 'label',
    autocomplete: 'nodes',
    examples: ['worker-0'],
  },
];

const BY_ID = new Map(FILTER_SPECS.map((s) => [s.id, s]));

export function filterSpec(id: string): FilterSpec | undefined {
  return BY_ID.get(id);
}
