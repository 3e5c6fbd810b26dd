// Least privilege in the rendered manifests: the agent alone in a Pod Security `privileged`
// namespace under an SCC made for it (privileged and host network, nothing else of the host,
// only the volumes it mounts), every other pod meeting the `restricted` profile, and
// NetworkPolicies that let the console reach the backend, the backend and the agents reach
// Loki, and the backend reach only DNS, Loki and the API server. Selectors are checked against
// the labels of the pods they are meant to select, so a renamed label cannot open or close a
// path unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { find, objectKey, render, type K8sObject } from './test-support/render.ts';

const OVERLAYS = ['overlays/openshift', 'overlays/dev'] as const;
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job'];

type Labels = Record<string, string>;
interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}
interface Container {
  name: string;
  ports?: { containerPort: number; hostPort?: number }[];
  securityContext?: SecurityContext;
}
interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
}
interface PodTemplate {
  metadata: { labels?: Labels; annotations?: Record<string, string> };
  spec: PodSpec;
}
interface Peer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
}
interface PolicyRule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number }[];
}
interface PolicySpec {
  podSelector: { matchLabels?: Labels };
  policyTypes: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

const template = (o: K8sObject): PodTemplate =>
  o.kind === 'Pod'
    ? { metadata: o.metadata, spec: o.spec as PodSpec }
    : (o.spec as { template: PodTemplate }).template;
const containersOf = (p: PodSpec): Container[] => [...p.containers, ...(p.initContainers ?? [])];
const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
const nsLabels = (objects: K8sObject[], name: string | undefined): Labels =>
  find(objects, 'Namespace', name ?? '?').metadata.labels ?? {};
const subset = (want: Labels | undefined, have: Labels | undefined): boolean =>
  Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);

/** The volume type of a pod volume, as SCCs and Pod Security name them (hostPath, emptyDir…). */
const volumeType = (v: Record<string, unknown>): string => Object.keys(v).find((k) => k !== 'name')!;

/** What the Pod Security `restricted` profile (plus a read-only root filesystem) forbids, as messages. */
function restrictedViolations(o: K8sObject): string[] {
  const { spec } = template(o);
  const out: string[] = [];
  const id = objectKey(o);
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push(`${id}: host namespaces`);
  const allowedVolumes = [
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'persistentVolumeClaim',
    'projected',
    'secret',
  ];
  for (const v of spec.volumes ?? []) {
    if (!allowedVolumes.includes(volumeType(v))) out.push(`${id}: ${volumeType(v)} volume ${String(v.name)}`);
  }
  const pod = spec.securityContext ?? {};
  for (const c of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    const at = `${id} ${c.name}`;
    if (sc.privileged) out.push(`${at}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${at}: allowPrivilegeEscalation not false`);
    if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${at}: capabilities not all dropped`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'))
      out.push(`${at}: capabilities added`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${at}: not runAsNonRoot`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`${at}: runs as root`);
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${at}: seccomp ${seccomp}`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${at}: writable root filesystem`);
    if (c.ports?.some((p) => p.hostPort)) out.push(`${at}: host port`);
  }
  return out;
}

for (const overlay of OVERLAYS) {
  test(`${overlay}: the agent alone in a privileged namespace, every other pod restricted`, () => {
    const objects = render(overlay);
    const agent = find(objects, 'DaemonSet', 'interflow-agent');
    const agentNs = nsLabels(objects, agent.metadata.namespace);
    for (const mode of ['enforce', 'audit', 'warn'])
      assert.equal(agentNs[`pod-security.kubernetes.io/${mode}`], 'privileged', mode);
    assert.equal(agentNs['security.openshift.io/scc.podSecurityLabelSync'], 'false');

    const others = workloads(objects).filter((o) => o !== agent);
    assert.ok(others.length >= 1);
    // The LokiStack's pods land in its namespace too.
    const namespaced = [...others, ...objects.filter((o) => o.kind === 'LokiStack')];
    for (const o of namespaced) {
      assert.notEqual(o.metadata.namespace, agent.metadata.namespace, `${objectKey(o)} beside the agent`);
      const labels = nsLabels(objects, o.metadata.namespace);
      for (const mode of ['enforce', 'audit', 'warn'])
        assert.equal(labels[`pod-security.kubernetes.io/${mode}`], 'restricted', `${objectKey(o)} ${mode}`);
      assert.equal(labels['security.openshift.io/scc.podSecurityLabelSync'], 'false');
    }
    for (const o of others) assert.deepEqual(restrictedViolations(o), []);
    // The check finds what it is for: the agent's pod breaks the restricted profile.
    const found = restrictedViolations(agent).join('\n');
    for (const what of ['host namespaces', 'hostPath volume', 'privileged', 'runs as root'])
      assert.ok(found.includes(what), what);
  });

  test(`${overlay}: the agent's own SCC allows privilege and the host network, nothing else of the host`, () => {
    const objects = render(overlay);
    const agent = find(objects, 'DaemonSet', 'interflow-agent');
    const pod = template(agent);
    const sccName = pod.metadata.annotations?.['openshift.io/required-scc'];
    assert.equal(sccName, 'interflow-agent', 'the DaemonSet pins its SCC');
    const scc = find(objects, 'SecurityContextConstraints', sccName) as K8sObject & Record<string, unknown>;
    assert.equal(scc.allowPrivilegedContainer, true);
    assert.equal(scc.allowHostNetwork, true);
    for (const off of ['allowHostPID', 'allowHostIPC', 'allowHostPorts']) assert.equal(scc[off], false, off);
    assert.equal(scc.readOnlyRootFilesystem, true);
    assert.deepEqual(scc.users, []);
    assert.deepEqual(scc.groups, []);
    assert.equal(scc.allowedCapabilities, null, 'privileged containers need no capability list');
    // Exactly the volume types the agent mounts, and its service account token (projected).
    const used = new Set([...(pod.spec.volumes ?? []).map(volumeType), 'projected']);
    const allowed = scc.volumes as string[];
    assert.deepEqual(
      [...allowed].sort(),
      [...used].sort().filter((v) => allowed.includes(v)),
      'a volume type the agent does not mount',
    );
    for (const v of used) assert.ok(allowed.includes(v), `the agent mounts ${v}, which its SCC refuses`);
    // What the SCC refuses, the pod does not ask for.
    assert.equal(pod.spec.hostNetwork, true);
    assert.notEqual(pod.spec.hostPID, true);
    assert.notEqual(pod.spec.hostIPC, true);
    for (const c of containersOf(pod.spec)) {
      assert.equal(c.ports, undefined, `${c.name}: host-network container ports become host ports`);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, c.name);
    }

    // Only the agent's service account may use it, in its namespace only; nobody gets `privileged`.
    type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
    const sccRule = (r: Rule) =>
      r.apiGroups.some((g) => g === 'security.openshift.io' || g === '*') &&
      r.resources.some((x) => x === 'securitycontextconstraints' || x === '*') &&
      r.verbs.some((v) => v === 'use' || v === '*');
    const roles = objects.filter(
      (o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && (o.rules as Rule[]).some(sccRule),
    );
    assert.deepEqual(
      roles.flatMap((r) => (r.rules as Rule[]).filter(sccRule).map((x) => x.resourceNames)),
      [[sccName]],
    );
    const bindings = objects.filter(
      (o) =>
        (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
        roles.some((r) => r.metadata.name === (o.roleRef as { name: string }).name),
    );
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0]!.kind, 'RoleBinding', 'not cluster-wide');
    assert.equal(bindings[0]!.metadata.namespace, agent.metadata.namespace);
    assert.deepEqual(bindings[0]!.subjects, [
      { kind: 'ServiceAccount', name: 'interflow-agent', namespace: agent.metadata.namespace },
    ]);
  });

  test(`${overlay}: NetworkPolicies: console → backend, backend and agents → Loki, backend → DNS, Loki, API`, () => {
    const objects = render(overlay);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const backend = find(objects, 'Deployment', 'interflow-plugin');
    const backendLabels = template(backend).metadata.labels;
    const selecting = (labels: Labels | undefined, ns: string | undefined) =>
      policies.filter(
        (p) => p.metadata.namespace === ns && subset((p.spec as PolicySpec).podSelector.matchLabels, labels),
      );
    const HOST_NETWORK = { 'policy-group.network.openshift.io/host-network': '' };
    const isHostNetwork = (peer: Peer) =>
      !peer.podSelector && subset(HOST_NETWORK, peer.namespaceSelector?.matchLabels);
    const isNamespace = (peer: Peer, name: string) =>
      !peer.podSelector && peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === name;
    const selectsBackend = (peer: Peer) =>
      !peer.namespaceSelector && !!peer.podSelector && subset(peer.podSelector.matchLabels, backendLabels);
    const ports = (rule: PolicyRule) =>
      (rule.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`).sort();

    // Backend ingress: the console and the host network, on the backend's port only.
    const backendPolicies = selecting(backendLabels, backend.metadata.namespace);
    const specs = backendPolicies.map((p) => p.spec as PolicySpec);
    assert.ok(specs.some((s) => s.policyTypes.includes('Ingress')));
    assert.ok(specs.some((s) => s.policyTypes.includes('Egress')));
    const ingress = specs.flatMap((s) => s.ingress ?? []);
    assert.ok(ingress.length > 0);
    for (const rule of ingress) {
      assert.ok(rule.from?.length, 'an ingress rule without `from` admits everyone');
      for (const peer of rule.from!) assert.ok(isNamespace(peer, 'openshift-console') || isHostNetwork(peer));
      assert.deepEqual(ports(rule), ['TCP/9001']);
    }
    assert.ok(ingress.some((r) => r.from!.some((p) => isNamespace(p, 'openshift-console'))));

    // Backend egress: DNS, the API server's port, and the Loki the backend is configured with.
    const lokiUrl = new URL(
      ((template(backend).spec.containers[0] as { env?: { name: string; value?: string }[] }).env ?? []).find(
        (e) => e.name === 'INTERFLOW_LOKI_URL',
      )?.value ?? '',
    );
    const lokiPort = Number(lokiUrl.port);
    const egress = specs.flatMap((s) => s.egress ?? []);
    const kinds = egress.map((rule) => {
      if (!rule.to) {
        assert.deepEqual(ports(rule), ['TCP/6443'], 'only the API server port goes anywhere');
        return 'api';
      }
      if (rule.to.every((p) => isNamespace(p, 'openshift-dns'))) {
        assert.deepEqual(ports(rule), ['TCP/53', 'TCP/5353', 'UDP/53', 'UDP/5353']);
        return 'dns';
      }
      assert.deepEqual(ports(rule), [`TCP/${lokiPort}`], 'Loki, on the port the backend uses');
      return 'loki';
    });
    assert.deepEqual(kinds.sort(), ['api', 'dns', 'loki']);
    const lokiEgress = egress.find((r) => r.to && !r.to.every((p) => isNamespace(p, 'openshift-dns')))!;

    // Loki ingress: the backend, the host network (agents, probes), Loki itself, monitoring.
    let lokiPods: Labels | undefined;
    if (overlay === 'overlays/dev') {
      lokiPods = template(find(objects, 'Deployment', 'interflow-loki')).metadata.labels;
      assert.ok(subset(lokiEgress.to![0]!.podSelector?.matchLabels, lokiPods), 'backend egress selects Loki');
    } else {
      const stack = find(objects, 'LokiStack', 'loki');
      // The Loki Operator's labels (operator/internal/manifests/var.go): every component, and the gateway.
      lokiPods = { 'app.kubernetes.io/name': 'lokistack', 'app.kubernetes.io/instance': stack.metadata.name };
      assert.deepEqual(lokiEgress.to![0]!.podSelector?.matchLabels, {
        'app.kubernetes.io/component': 'lokistack-gateway',
        'app.kubernetes.io/instance': stack.metadata.name,
      });
    }
    const lokiNs =
      overlay === 'overlays/dev' ? 'interflow' : find(objects, 'LokiStack', 'loki').metadata.namespace;
    const lokiIngress = selecting(lokiPods, lokiNs).flatMap((p) => (p.spec as PolicySpec).ingress ?? []);
    assert.ok(lokiIngress.length > 0, 'Loki is selected by an ingress policy');
    for (const rule of lokiIngress) {
      assert.ok(rule.from?.length, 'an ingress rule without `from` admits everyone');
      for (const peer of rule.from!) {
        const itself =
          !peer.namespaceSelector && subset(peer.podSelector?.matchLabels, lokiPods) && !!peer.podSelector;
        const monitoring =
          !peer.podSelector &&
          peer.namespaceSelector?.matchLabels?.['network.openshift.io/policy-group'] === 'monitoring';
        assert.ok(itself || monitoring || selectsBackend(peer) || isHostNetwork(peer), JSON.stringify(peer));
        if (selectsBackend(peer) || isHostNetwork(peer)) assert.deepEqual(ports(rule), [`TCP/${lokiPort}`]);
      }
    }
    assert.ok(
      lokiIngress.some((r) => r.from!.some(selectsBackend)),
      'the backend reaches Loki',
    );
    assert.ok(
      lokiIngress.some((r) => r.from!.some(isHostNetwork)),
      'the agents (host network) reach Loki',
    );
  });
}
