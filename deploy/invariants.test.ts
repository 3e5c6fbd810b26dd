// What must hold in the rendered manifests for Interflow to work on a cluster: the agent can
// reach every pod network namespace, the console finds the plugin under the right name and
// reaches the backend over TLS on the port it serves, images are pinned, the backend is
// locked down, and the SR-IOV example is consistent with itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUSTOMIZATIONS, REPO_ROOT, find, objectKey, render, type K8sObject } from './test-support/render.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Probe {
  httpGet?: { path: string; port: number | string; scheme?: string };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; mountPropagation?: string; readOnly?: boolean }[];
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  containers: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  dnsPolicy?: string;
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  tolerations?: { key?: string; operator?: string; effect?: string }[];
  volumes?: {
    name: string;
    hostPath?: { path: string };
    emptyDir?: Record<string, unknown>;
    secret?: { secretName: string };
    configMap?: { name: string };
  }[];
}

const podSpecOf = (o: K8sObject): PodSpec =>
  o.kind === 'Pod' ? (o.spec as PodSpec) : (o.spec as { template: { spec: PodSpec } }).template.spec;
const container = (o: K8sObject, name: string): Container => {
  const c = podSpecOf(o).containers.find((x) => x.name === name);
  assert.ok(c, `${objectKey(o)} has no container ${name}`);
  return c;
};
const env = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;
/** A probe's or a Service targetPort's port as a number, resolving a named container port. */
const portNumber = (c: Container, port: number | string): number => {
  if (typeof port === 'number') return port;
  const named = c.ports?.find((p) => p.name === port);
  assert.ok(named, `container ${c.name} has no port named ${port}`);
  return named.containerPort;
};

const OVERLAYS = ['overlays/openshift', 'overlays/dev'] as const;

/**
 * [apiGroup, resource] of every list/watch the agent's enricher runs, read from its API paths
 * (`/api/v1/pods`, `/apis/apps/v1/replicasets`, …) so RBAC follows the code.
 */
function enrichmentResources(): [string, string][] {
  const source = readFileSync(join(REPO_ROOT, 'agent/src/enrich/kube-sources.ts'), 'utf8');
  const found = [...source.matchAll(/path: '\/(?:api\/v1|apis\/([\w.]+)\/v\w+)\/([a-z]+)'/g)].map(
    (m) => [m[1] ?? '', m[2]!] as [string, string],
  );
  assert.ok(found.length >= 4, `read ${found.length} resources from kube-sources.ts`);
  return found;
}

for (const overlay of ['base', ...OVERLAYS] as const) {
  test(`${overlay}: the agent is privileged on the host network and sees pod netns as they appear`, () => {
    const objects = render(overlay);
    const ds = find(objects, 'DaemonSet', 'interflow-agent');
    const pod = podSpecOf(ds);
    const agent = container(ds, 'agent');

    assert.equal(agent.securityContext?.privileged, true);
    assert.equal(pod.hostNetwork, true);
    assert.equal(
      pod.dnsPolicy,
      'ClusterFirstWithHostNet',
      'host network pods need it to resolve Loki services',
    );

    const netnsMount = agent.volumeMounts?.find((m) => m.mountPath === '/var/run/netns');
    assert.ok(netnsMount, 'no mount at /var/run/netns');
    assert.equal(netnsMount.mountPropagation, 'HostToContainer');
    const netnsVolume = pod.volumes?.find((v) => v.name === netnsMount.name);
    assert.equal(netnsVolume?.hostPath?.path, '/var/run/netns');
    assert.deepEqual(env(agent, 'INTERFLOW_NETNS_DIRS')?.split(','), ['/var/run/netns']);

    const bpf = agent.volumeMounts?.find((m) => m.mountPath === '/sys/fs/bpf');
    assert.equal(pod.volumes?.find((v) => v.name === bpf?.name)?.hostPath?.path, '/sys/fs/bpf');

    const nodeName = agent.env?.find((e) => e.name === 'INTERFLOW_NODE_NAME');
    assert.equal(nodeName?.valueFrom?.fieldRef?.fieldPath, 'spec.nodeName');

    // Every node: one toleration that matches every taint.
    assert.ok(
      pod.tolerations?.some((t) => t.operator === 'Exists' && !t.key && !t.effect),
      'no catch-all toleration',
    );

    const metricsPort = Number(env(agent, 'INTERFLOW_AGENT_METRICS_PORT'));
    // 9102 is the standalone kube-proxy's metrics port on OpenShift with third-party network plugins
    assert.equal(metricsPort, 9437);
    const scheduling = pod as { priorityClassName?: string; nodeSelector?: Record<string, string> };
    assert.equal(scheduling.priorityClassName, 'system-node-critical');
    assert.deepEqual(scheduling.nodeSelector, { 'kubernetes.io/os': 'linux' });
    // No container ports: on the host network they would be defaulted into host ports, which
    // the agent's SCC refuses.
    assert.equal(agent.ports, undefined);
    assert.equal(agent.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(portNumber(agent, agent.livenessProbe.httpGet.port), metricsPort);

    // Rollouts surge: the new pod is ready while it waits for the node lock (it reads the
    // agent's state file, which says "standby"), so the old pod is deleted only then, and the
    // new agent attaches as soon as the old one has let go. No pod start-up in the gap.
    const rolling = (
      ds.spec as { updateStrategy?: { type?: string; rollingUpdate?: Record<string, unknown> } }
    ).updateStrategy;
    assert.equal(rolling?.type, 'RollingUpdate');
    assert.equal(rolling?.rollingUpdate?.maxUnavailable, 0);
    assert.ok(rolling?.rollingUpdate?.maxSurge, 'surge, so the new pod waits beside the old one');
    const readyFile = env(agent, 'INTERFLOW_READY_FILE');
    assert.ok(readyFile, 'INTERFLOW_READY_FILE set');
    assert.deepEqual(agent.readinessProbe?.exec?.command, ['cat', readyFile]);
    // In the pod's own emptyDir, never in the node-wide run directory (it would say another pod's state).
    const tmpMount = agent.volumeMounts?.find((m) => readyFile.startsWith(`${m.mountPath}/`));
    assert.ok(tmpMount, `${readyFile} is on no volume`);
    assert.ok(
      pod.volumes?.find((v) => v.name === tmpMount.name)?.emptyDir,
      `${readyFile} not on an emptyDir`,
    );
    assert.ok(
      Number.parseInt(env(agent, 'INTERFLOW_LOCK_WAIT') ?? '0', 10) > 0,
      'a surge pod waits for the lock',
    );
  });

  test(`${overlay}: the agent's service account may use its own SCC and list/watch what enrichment needs`, () => {
    const objects = render(overlay);
    const sa = podSpecOf(find(objects, 'DaemonSet', 'interflow-agent')).serviceAccountName;
    assert.equal(sa, 'interflow-agent');
    const bindings = objects.filter(
      (o) =>
        (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
        (o.subjects as { kind: string; name: string; namespace: string }[]).some(
          (s) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === 'interflow-agent',
        ),
    );
    type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
    const rules = bindings.flatMap((b) => {
      const ref = b.roleRef as { kind: string; name: string };
      return (find(objects, ref.kind, ref.name).rules as Rule[]).map((r) => ({ ...r, via: b.kind }));
    });
    const allows = (group: string, resource: string, verb: string, name?: string) =>
      rules.some(
        (r) =>
          r.apiGroups.includes(group) &&
          r.resources.includes(resource) &&
          r.verbs.includes(verb) &&
          (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))),
      );
    assert.ok(allows('security.openshift.io', 'securitycontextconstraints', 'use', 'interflow-agent'));
    assert.ok(!allows('security.openshift.io', 'securitycontextconstraints', 'use', 'privileged'));
    for (const [group, resource] of enrichmentResources()) {
      for (const verb of ['list', 'watch']) {
        assert.ok(allows(group, resource, verb), `agent cannot ${verb} ${group || 'core'}/${resource}`);
      }
      // The enricher lists and watches; it never reads one object by name.
      assert.ok(!allows(group, resource, 'get'), `agent may get ${group || 'core'}/${resource}`);
    }
    // and no write access to the cluster
    assert.ok(
      !rules.some(
        (r) =>
          r.verbs.some((v) => ['create', 'update', 'patch', 'delete', '*'].includes(v)) &&
          r.apiGroups.some((g) => g !== 'loki.grafana.com'),
      ),
    );
  });

  test(`${overlay}: the backend's service account may exactly create TokenReviews and SubjectAccessReviews`, () => {
    const objects = render(overlay);
    const pod = podSpecOf(find(objects, 'Deployment', 'interflow-plugin'));
    const sa = pod.serviceAccountName;
    assert.equal(sa, 'interflow-plugin');
    // Its token is mounted: the in-cluster Kubernetes API is how INTERFLOW_AUTH_CHECK reviews callers.
    assert.notEqual(pod.automountServiceAccountToken, false);
    assert.notEqual(find(objects, 'ServiceAccount', sa).automountServiceAccountToken, false);
    const backend = container(find(objects, 'Deployment', 'interflow-plugin'), 'backend');
    assert.ok(
      ['auto', 'namespaced', 'admin', 'authenticated', undefined].includes(
        env(backend, 'INTERFLOW_AUTH_CHECK'),
      ),
      'the backend checks callers',
    );
    type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
    const rules = objects
      .filter(
        (o) =>
          (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') &&
          (o.subjects as { kind: string; name: string; namespace: string }[]).some(
            (s) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === 'interflow',
          ),
      )
      .flatMap((b) => {
        const ref = b.roleRef as { kind: string; name: string };
        return find(objects, ref.kind, ref.name).rules as Rule[];
      });
    const granted = rules
      .flatMap((r) =>
        r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`))),
      )
      .sort();
    assert.deepEqual(granted, [
      'create authentication.k8s.io/tokenreviews',
      'create authorization.k8s.io/subjectaccessreviews',
    ]);
  });

  test(`${overlay}: the Service port is the backend's TLS port everywhere`, () => {
    const objects = render(overlay);
    const deploy = find(objects, 'Deployment', 'interflow-plugin');
    const backend = container(deploy, 'backend');
    const service = find(objects, 'Service', 'interflow-plugin');
    const ports = (service.spec as { ports: { port: number; targetPort: number | string }[] }).ports;
    assert.equal(ports.length, 1);
    const port = Number(env(backend, 'INTERFLOW_PORT'));
    assert.equal(ports[0]!.port, port);
    assert.equal(portNumber(backend, ports[0]!.targetPort), port);
    assert.ok(backend.ports?.some((p) => p.containerPort === port));
    assert.equal(env(backend, 'INTERFLOW_HOST'), '0.0.0.0');

    // TLS on that port from the serving certificate of this very Service.
    const secretName = service.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'];
    assert.ok(secretName, 'Service lacks the serving-cert annotation');
    const certVolume = podSpecOf(deploy).volumes?.find((v) => v.secret?.secretName === secretName);
    assert.ok(certVolume, `no volume from secret ${secretName}`);
    const mount = backend.volumeMounts?.find((m) => m.name === certVolume.name);
    assert.ok(mount);
    assert.equal(env(backend, 'INTERFLOW_TLS_CERT_FILE'), `${mount.mountPath}/tls.crt`);
    assert.equal(env(backend, 'INTERFLOW_TLS_KEY_FILE'), `${mount.mountPath}/tls.key`);

    assert.equal(backend.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(backend.readinessProbe?.httpGet?.path, '/readyz');
    for (const probe of [backend.livenessProbe, backend.readinessProbe]) {
      assert.equal(probe?.httpGet?.scheme, 'HTTPS');
      assert.equal(portNumber(backend, probe.httpGet.port), port);
    }

    const plugin = find(objects, 'ConsolePlugin', 'interflow-plugin');
    const spec = plugin.spec as {
      backend: { service: { name: string; namespace: string; port: number } };
      proxy: {
        alias: string;
        authorization: string;
        endpoint: { service: { name: string; namespace: string; port: number } };
      }[];
    };
    const target = {
      name: service.metadata.name,
      namespace: service.metadata.namespace,
      port: ports[0]!.port,
    };
    assert.deepEqual({ ...spec.backend.service, basePath: undefined }, { ...target, basePath: undefined });
    assert.deepEqual(spec.proxy[0]!.endpoint.service, target);
  });

  test(`${overlay}: the plugin Deployment runs as non-root, locked down`, () => {
    const deploy = find(render(overlay), 'Deployment', 'interflow-plugin');
    const pod = podSpecOf(deploy);
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.deepEqual(pod.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const sc = c.securityContext ?? {};
      assert.notEqual(sc.runAsNonRoot, false, c.name);
      assert.notEqual(sc.runAsUser, 0, c.name);
      assert.notEqual(pod.securityContext?.runAsUser, 0);
      assert.equal(sc.privileged ?? false, false, c.name);
      assert.equal(sc.allowPrivilegeEscalation, false, c.name);
      assert.equal(sc.readOnlyRootFilesystem, true, c.name);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], c.name);
    }
    assert.notEqual(pod.hostNetwork, true);
    assert.notEqual(pod.hostPID, true);
  });
}

/** A Kubernetes binary quantity (`1536Mi`, `1Gi`) or the store's own `1GiB` spelling, in bytes. */
function bytesOf(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|KiB|MiB|GiB|TiB)?$/.exec(quantity);
  assert.ok(m, `cannot read the quantity ${quantity}`);
  const power = { K: 1, M: 2, G: 3, T: 4 }[(m[2] ?? ' ')[0] as 'K' | 'M' | 'G' | 'T'] ?? 0;
  return Number(m[1]) * 1024 ** power;
}

for (const overlay of ['base', ...OVERLAYS] as const) {
  // The kubelet evicts a pod whose emptyDir outgrows its sizeLimit, and the embedded store's files
  // (database + WAL held back by long reads) run over INTERFLOW_STORE_MAX_BYTES: 12 % over in the
  // load test. The design keeps half the cap again as headroom.
  test(`${overlay}: the embedded store's data volume has room for its cap and the WAL`, () => {
    const deploy = find(render(overlay), 'Deployment', 'interflow-plugin');
    const backend = container(deploy, 'backend');
    const dataDir = env(backend, 'INTERFLOW_DATA_DIR');
    assert.ok(dataDir, 'the backend sets INTERFLOW_DATA_DIR');
    const mount = backend.volumeMounts?.find((m) => m.mountPath === dataDir);
    assert.ok(mount, `a volume is mounted at ${dataDir}`);
    const volume = podSpecOf(deploy).volumes?.find((v) => v.name === mount.name);
    const sizeLimit = volume?.emptyDir?.sizeLimit;
    if (volume?.emptyDir === undefined || sizeLimit === undefined) return; // a PVC or an unbounded dir
    const cap = bytesOf(env(backend, 'INTERFLOW_STORE_MAX_BYTES') ?? '1GiB');
    assert.ok(
      bytesOf(String(sizeLimit)) >= 1.5 * cap,
      `data emptyDir sizeLimit ${String(sizeLimit)} is under 1.5 × the store cap (${cap} bytes)`,
    );
  });
}

test('the ConsolePlugin is named like the plugin manifest, lazy i18n, user-token proxy', () => {
  // plugin-manifest.json at the repository root (docs/design.md, "Parts and layout") names the plugin.
  const { name } = JSON.parse(readFileSync(join(REPO_ROOT, 'plugin-manifest.json'), 'utf8')) as {
    name: string;
  };
  for (const overlay of OVERLAYS) {
    const plugins = render(overlay).filter((o) => o.kind === 'ConsolePlugin');
    assert.equal(plugins.length, 1);
    const plugin = plugins[0]!;
    assert.equal(plugin.metadata.name, name, 'ConsolePlugin name vs plugin-manifest.json');
    const spec = plugin.spec as {
      i18n: { loadType: string };
      proxy: { alias: string; authorization: string }[];
    };
    assert.equal(spec.i18n.loadType, 'Lazy');
    assert.deepEqual(
      spec.proxy.map((p) => [p.alias, p.authorization]),
      [['backend', 'UserToken']],
    );
  }
});

test('the proxy alias is the one the page calls', () => {
  const text = readFileSync(join(REPO_ROOT, 'web/src/api/api-base.tsx'), 'utf8');
  const m = /\/api\/proxy\/plugin\/([^/'"`]+)\/([^/'"`]+)/.exec(text);
  assert.ok(m, 'web/src/api/api-base.tsx names no console proxy path (/api/proxy/plugin/<name>/<alias>)');
  const plugin = find(render('overlays/openshift'), 'ConsolePlugin', m[1]!);
  assert.ok((plugin.spec as { proxy: { alias: string }[] }).proxy.some((p) => p.alias === m[2]));
});

/** `repo/name:tag` or `repo/name@sha256:…`, never `latest`, never untagged. */
function assertPinned(image: string, where: string): void {
  const digest = /@sha256:[0-9a-f]{64}$/.test(image);
  const tag = /^[^@]+:([\w][\w.-]{0,127})$/.exec(image.slice(image.lastIndexOf('/') + 1))?.[1];
  assert.ok(digest || (tag && tag !== 'latest'), `${where}: image ${image} has no fixed tag`);
}

test('every image in every kustomization has a fixed tag', () => {
  let count = 0;
  for (const name of KUSTOMIZATIONS) {
    for (const o of render(name)) {
      if (!['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job'].includes(o.kind)) continue;
      const pod = podSpecOf(o);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        assertPinned(c.image, `${name} ${objectKey(o)} ${c.name}`);
        count++;
      }
    }
  }
  assert.ok(count >= 5, `expected the agent, backend, Loki and test pod images, saw ${count}`);
  assert.throws(() => assertPinned('quay.io/interflow/interflow-agent:latest', 'x'));
  assert.throws(() => assertPinned('quay.io/interflow/interflow-agent', 'x'));
  assert.throws(() => assertPinned('localhost:5000/interflow-agent', 'x'));
});

test('openshift overlay: both sides use the LokiStack gateway, network tenant, service CA', () => {
  const objects = render('overlays/openshift');
  const agent = container(find(objects, 'DaemonSet', 'interflow-agent'), 'agent');
  const backend = container(find(objects, 'Deployment', 'interflow-plugin'), 'backend');
  const stack = find(objects, 'LokiStack', 'loki');
  assert.equal((stack.spec as { tenants: { mode: string } }).tenants.mode, 'openshift-network');
  const gateway = `https://${stack.metadata.name}-gateway-http.${stack.metadata.namespace}.svc:8080/api/logs/v1/network`;
  for (const c of [agent, backend]) {
    assert.equal(env(c, 'INTERFLOW_LOKI_URL'), gateway, c.name);
    assert.equal(env(c, 'INTERFLOW_LOKI_TENANT'), 'network', c.name);
    // The CA file lives in a mounted ConfigMap that the service CA operator fills.
    const caFile = env(c, 'INTERFLOW_LOKI_CA_FILE') ?? '';
    const owner = find(
      objects,
      c.name === 'agent' ? 'DaemonSet' : 'Deployment',
      c.name === 'agent' ? 'interflow-agent' : 'interflow-plugin',
    );
    const mount = c.volumeMounts?.find((m) => caFile.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `${c.name}: ${caFile} is not under a mount`);
    const cmName = podSpecOf(owner).volumes?.find((v) => v.name === mount.name)?.configMap?.name;
    // A pod mounts ConfigMaps of its own namespace only.
    const cm = objects.find(
      (o) =>
        o.kind === 'ConfigMap' &&
        o.metadata.name === cmName &&
        o.metadata.namespace === owner.metadata.namespace,
    );
    assert.ok(cm, `${c.name}: no ConfigMap ${cmName} in ${owner.metadata.namespace}`);
    assert.equal(cm.metadata.annotations?.['service.beta.openshift.io/inject-cabundle'], 'true');
    assert.equal(caFile, `${mount.mountPath}/service-ca.crt`);
  }
  assert.equal(env(backend, 'INTERFLOW_LOKI_AUTH'), 'forward');
  assert.equal(
    env(agent, 'INTERFLOW_LOKI_TOKEN_FILE'),
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
  );
  const agentSa = find(objects, 'ServiceAccount', 'interflow-agent');
  assert.notEqual(agentSa.automountServiceAccountToken, false, 'the agent authenticates with its token');

  // The gateway authorizes pushes with loki.grafana.com/network create.
  const writer = objects.find(
    (o) =>
      o.kind === 'ClusterRoleBinding' &&
      (o.subjects as { name: string }[]).some((s) => s.name === 'interflow-agent') &&
      (
        find(objects, 'ClusterRole', (o.roleRef as { name: string }).name).rules as {
          apiGroups: string[];
          resources: string[];
          verbs: string[];
        }[]
      ).some(
        (r) =>
          r.apiGroups.includes('loki.grafana.com') &&
          r.resources.includes('network') &&
          r.verbs.includes('create'),
      ),
  );
  assert.ok(writer, 'no binding lets the agent write the network tenant');
});

test('dev overlay: a single Loki on a PVC, both sides pointed at its Service, no auth', () => {
  const objects = render('overlays/dev');
  const loki = find(objects, 'Deployment', 'interflow-loki');
  const lokiContainer = container(loki, 'loki');
  const svc = find(objects, 'Service', 'interflow-loki');
  const svcPort = (svc.spec as { ports: { port: number; targetPort: string | number }[] }).ports[0]!;
  assert.equal(portNumber(lokiContainer, svcPort.targetPort), 3100);
  const url = `http://${svc.metadata.name}.${svc.metadata.namespace}.svc:${svcPort.port}`;
  assert.equal(
    env(container(find(objects, 'DaemonSet', 'interflow-agent'), 'agent'), 'INTERFLOW_LOKI_URL'),
    url,
  );
  assert.equal(
    env(container(find(objects, 'Deployment', 'interflow-plugin'), 'backend'), 'INTERFLOW_LOKI_URL'),
    url,
  );
  const claim = (podSpecOf(loki).volumes as { persistentVolumeClaim?: { claimName: string } }[]).find(
    (v) => v.persistentVolumeClaim,
  );
  find(objects, 'PersistentVolumeClaim', claim?.persistentVolumeClaim?.claimName ?? '?');
  assert.equal((loki.spec as { strategy: { type: string } }).strategy.type, 'Recreate', 'RWO volume');
  const config = find(objects, 'ConfigMap', 'interflow-loki-config');
  assert.match((config.data as Record<string, string>)['loki.yaml']!, /auth_enabled: false/);
});

test('SR-IOV example: pods, networks and the node policy agree', () => {
  const objects = render('examples/sriov');
  const policy = objects.find((o) => o.kind === 'SriovNetworkNodePolicy')!;
  const p = policy.spec as {
    resourceName: string;
    numVfs: number;
    deviceType: string;
    nodeSelector: Record<string, string>;
    nicSelector: { pfNames: string[] };
  };
  assert.equal(p.deviceType, 'netdevice', 'net1 must be a kernel netdevice for the agent to hook it');
  assert.deepEqual(p.nodeSelector, { 'feature.node.kubernetes.io/network-sriov.capable': 'true' });
  for (const pf of p.nicSelector.pfNames) {
    const range = /^[\w.-]+#(\d+)-(\d+)$/.exec(pf);
    assert.ok(range, `${pf} has no VF range`);
    assert.ok(
      Number(range[1]) <= Number(range[2]) && Number(range[2]) < p.numVfs,
      `${pf} outside numVfs ${p.numVfs}`,
    );
  }

  const networks = new Map(objects.filter((o) => o.kind === 'SriovNetwork').map((o) => [o.metadata.name, o]));
  const addresses: string[] = [];
  for (const n of networks.values()) {
    const s = n.spec as { resourceName: string; ipam: string; networkNamespace: string };
    assert.equal(s.resourceName, p.resourceName);
    assert.equal(n.metadata.namespace, policy.metadata.namespace);
    const ipam = JSON.parse(s.ipam) as { type: string; addresses: { address: string }[] };
    assert.equal(ipam.type, 'static');
    addresses.push(...ipam.addresses.map((a) => a.address));
  }
  assert.ok(addresses.includes('192.168.122.71/24'), 'the reference address');
  assert.equal(new Set(addresses).size, addresses.length, 'static addresses must differ between networks');

  const pods = objects.filter((o) => o.kind === 'Pod');
  assert.equal(pods.length, 2);
  assert.ok(
    pods.some((pod) => pod.metadata.annotations?.['k8s.v1.cni.cncf.io/networks'] === 'sriov-test'),
    'a pod attaches network sriov-test',
  );
  for (const pod of pods) {
    const wanted = pod.metadata.annotations?.['k8s.v1.cni.cncf.io/networks'] ?? '';
    const net = networks.get(wanted);
    assert.ok(net, `${pod.metadata.name}: network ${wanted} is not defined`);
    assert.equal((net.spec as { networkNamespace: string }).networkNamespace, pod.metadata.namespace);
  }
  find(objects, 'Namespace', 'sriov-test');
});
