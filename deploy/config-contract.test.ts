// The environment the manifests and images give the processes is accepted by the processes'
// own configuration loaders (agent/src/config/config.ts, server/src/config/config.ts): every
// INTERFLOW_* name is one they read, and every value parses. A misspelt variable would
// otherwise be ignored silently in the cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEPLOY_DIR, REPO_ROOT, find, render, type K8sObject } from './test-support/render.ts';

// The loaders are imported at run time by URL so that deploy/'s TypeScript project does not pull
// the agent's and server's sources into its own (each has its tsconfig project); the shapes
// used here are declared locally.
interface AgentConfigSeen {
  netnsDirs: string[];
  metricsPort: number;
  kubeNodeName: string | undefined;
  agentIp: string | undefined;
  agentBuildDir: string;
  lokiUrl: string;
}
interface ServerConfigSeen {
  host: string;
  port: number;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  lokiAuth: string;
  authCheck: string;
  lokiUrl: string | undefined;
  lokiTenant: string | undefined;
  lokiSelectorText: string;
  quickFilters: unknown[];
}
const moduleUrl = (path: string): string => new URL(`../${path}`, import.meta.url).href;
const { DEFAULT_QUICK_FILTERS } = (await import(moduleUrl('contract/src/quick-filters.ts'))) as {
  DEFAULT_QUICK_FILTERS: unknown[];
};
const { loadAgentConfig } = (await import(moduleUrl('agent/src/config/config.ts'))) as {
  loadAgentConfig(env: Record<string, string>): AgentConfigSeen;
};
const { loadServerConfig } = (await import(moduleUrl('server/src/config/config.ts'))) as {
  loadServerConfig(env: Record<string, string>): ServerConfigSeen;
};

/** The JSON of the quick filters ConfigMap the backend mounts. */
function quickFiltersJson(objects: K8sObject[]): string {
  const data = find(objects, 'ConfigMap', 'interflow-quick-filters').data as Record<string, string>;
  return data['quick-filters.json']!;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

const OVERLAYS = ['overlays/openshift', 'overlays/dev'] as const;

/** Values the kubelet would fill in for downward-API variables. */
const FIELD_REFS: Record<string, string> = { 'spec.nodeName': 'worker-0', 'status.hostIP': '10.0.0.5' };

function containerEnv(o: K8sObject, container: string): Record<string, string> {
  const spec = (o.spec as { template: { spec: { containers: { name: string; env?: EnvVar[] }[] } } }).template
    .spec;
  const env: Record<string, string> = {};
  for (const e of spec.containers.find((c) => c.name === container)?.env ?? []) {
    const ref = e.valueFrom?.fieldRef?.fieldPath;
    const value = e.value ?? (ref ? FIELD_REFS[ref] : undefined);
    assert.ok(value !== undefined, `${e.name}: no value and no known fieldRef`);
    env[e.name] = value;
  }
  return env;
}

/** `ENV A=1 B=2` of a Containerfile's last stage. */
function imageEnv(file: string): Record<string, string> {
  const text = readFileSync(join(DEPLOY_DIR, 'images', file), 'utf8').replace(/\\\n/g, ' ');
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of lastStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [k, v] = pair.split('=');
      env[k!] = v!;
    }
  }
  return env;
}

/** INTERFLOW_* names a loader reads, from its source. */
function variablesRead(sourceFile: string): Set<string> {
  return new Set(readFileSync(join(REPO_ROOT, sourceFile), 'utf8').match(/INTERFLOW_[A-Z0-9_]+/g));
}

test('every INTERFLOW_* variable the agent DaemonSet and image set is one the agent reads', () => {
  const known = variablesRead('agent/src/config/config.ts');
  for (const overlay of ['base', ...OVERLAYS] as const) {
    const env = containerEnv(find(render(overlay), 'DaemonSet', 'interflow-agent'), 'agent');
    for (const name of Object.keys(env).filter((n) => n.startsWith('INTERFLOW_'))) {
      assert.ok(known.has(name), `${overlay}: agent does not read ${name}`);
    }
  }
  for (const name of Object.keys(imageEnv('Containerfile.agent')).filter((n) => n.startsWith('INTERFLOW_'))) {
    assert.ok(known.has(name), `Containerfile.agent: agent does not read ${name}`);
  }
});

test('every INTERFLOW_* variable the backend Deployment and image set is one the server reads', () => {
  const known = variablesRead('server/src/config/config.ts');
  for (const overlay of ['base', ...OVERLAYS] as const) {
    const env = containerEnv(find(render(overlay), 'Deployment', 'interflow-plugin'), 'backend');
    for (const name of Object.keys(env).filter((n) => n.startsWith('INTERFLOW_'))) {
      assert.ok(known.has(name), `${overlay}: server does not read ${name}`);
    }
  }
  for (const name of Object.keys(imageEnv('Containerfile.backend')).filter((n) =>
    n.startsWith('INTERFLOW_'),
  )) {
    assert.ok(known.has(name), `Containerfile.backend: server does not read ${name}`);
  }
});

for (const overlay of OVERLAYS) {
  test(`${overlay}: the agent's configuration loader accepts its environment`, () => {
    const objects = render(overlay);
    const env = {
      ...imageEnv('Containerfile.agent'),
      ...containerEnv(find(objects, 'DaemonSet', 'interflow-agent'), 'agent'),
    };
    const cfg = loadAgentConfig(env);
    assert.deepEqual(cfg.netnsDirs, ['/var/run/netns']);
    assert.equal(cfg.metricsPort, 9437);
    assert.equal(cfg.kubeNodeName, 'worker-0');
    assert.equal(cfg.agentIp, '10.0.0.5');
    assert.equal(cfg.agentBuildDir, '/opt/interflow/agent/build');
    assert.match(
      cfg.lokiUrl,
      overlay === 'overlays/dev' ? /^http:\/\/interflow-loki\./ : /^https:\/\/loki-gateway-http\./,
    );
  });

  test(`${overlay}: the backend's configuration loader accepts its environment`, (t) => {
    // Files and directories the pod would have (mounted secret, ConfigMap, image paths) are
    // stood in by temporary ones at the same relative place, so the loader's checks run.
    const root = mkdtempSync(join(tmpdir(), 'interflow-deploy-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const objects = render(overlay);
    const env: Record<string, string> = {
      ...imageEnv('Containerfile.backend'),
      // What the kubelet gives every pod: the in-cluster Kubernetes API the access check uses.
      KUBERNETES_SERVICE_HOST: '172.30.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      ...containerEnv(find(objects, 'Deployment', 'interflow-plugin'), 'backend'),
    };
    const local = { ...env };
    for (const [name, value] of Object.entries(env)) {
      if (!value.startsWith('/')) continue;
      const path = join(root, value);
      if (name.endsWith('_FILE')) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(
          path,
          name === 'INTERFLOW_QUICK_FILTERS_FILE'
            ? quickFiltersJson(objects) // the ConfigMap's own text, held to the loader's checks
            : name.includes('CA')
              ? '-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n'
              : 'stand-in\n',
        );
      } else {
        mkdirSync(path, { recursive: true });
      }
      local[name] = path;
    }
    const cfg = loadServerConfig(local);
    assert.equal(cfg.host, '0.0.0.0');
    assert.equal(cfg.port, 9001);
    assert.ok(cfg.tlsCertFile && cfg.tlsKeyFile, 'TLS on');
    assert.equal(cfg.lokiAuth, overlay === 'overlays/dev' ? 'disabled' : 'forward');
    assert.equal(cfg.lokiUrl, env.INTERFLOW_LOKI_URL);
    assert.equal(cfg.lokiTenant, overlay === 'overlays/dev' ? undefined : 'network');
    assert.equal(cfg.lokiSelectorText, '{app="interflow"}');
    // Every caller checked: per namespace with dev's unauthenticated Loki, by the gateway with forward.
    assert.equal(cfg.authCheck, overlay === 'overlays/dev' ? 'namespaced' : 'authenticated');
    // the ConfigMap holds the built-in quick filters
    assert.deepEqual(cfg.quickFilters, DEFAULT_QUICK_FILTERS);
  });
}
