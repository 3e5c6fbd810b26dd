// Renders the kustomizations under deploy/ with a real kubectl and parses the output.
//
// kubectl comes from PATH (Debian's kubernetes-client on CI: kubectl 1.20 with kustomize
// v2.0.3). INTERFLOW_KUBECTL may name one or more binaries separated by the path delimiter to
// render with several versions at once, e.g. an old and a new kubectl:
//   INTERFLOW_KUBECTL=/usr/bin/kubectl:/opt/kubectl-1.20/kubectl
import { spawnSync } from 'node:child_process';
import { delimiter, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = resolve(import.meta.dirname, '..');
export const REPO_ROOT = resolve(DEPLOY_DIR, '..');

/** Every kustomization the guide tells an admin to apply, relative to deploy/. */
export const KUSTOMIZATIONS = ['base', 'overlays/openshift', 'overlays/dev', 'examples/sriov'] as const;
export type KustomizationName = (typeof KUSTOMIZATIONS)[number];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export function kubectlCommands(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (env.INTERFLOW_KUBECTL ?? '').split(delimiter).filter(Boolean);
  return list.length ? list : ['kubectl'];
}

function runKubectl(kubectl: string, args: string[]): string {
  const r = spawnSync(kubectl, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `${kubectl} not found: the deploy tests render with kubectl (Debian package kubernetes-client; ` +
          '`npm run setup` installs it)',
      );
    }
    throw r.error;
  }
  if (r.status !== 0) throw new Error(`${kubectl} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

const versions = new Map<string, string>();
/** `v1.20.2`, `v1.32.4-dispatcher`, … for test names and messages. */
export function kubectlVersion(kubectl: string): string {
  let v = versions.get(kubectl);
  if (!v) {
    const out = runKubectl(kubectl, ['version', '--client']);
    v = /GitVersion:"([^"]+)"/.exec(out)?.[1] ?? /Client Version:\s*(\S+)/.exec(out)?.[1] ?? 'unknown';
    versions.set(kubectl, v);
  }
  return v;
}

/** Parses a multi-document YAML stream; a document that fails to parse is an error, not skipped. */
export function parseObjects(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    objects.push(value as K8sObject);
  }
  return objects;
}

const rendered = new Map<string, K8sObject[]>();
/** `kubectl kustomize deploy/<name>`, parsed; cached per kubectl and kustomization. */
export function render(name: KustomizationName, kubectl = kubectlCommands()[0]!): K8sObject[] {
  const key = `${kubectl}\0${name}`;
  let objects = rendered.get(key);
  if (!objects) {
    objects = parseObjects(runKubectl(kubectl, ['kustomize', resolve(DEPLOY_DIR, name)]), `deploy/${name}`);
    rendered.set(key, objects);
  }
  // Callers may mutate what they get (negative tests); hand out a copy.
  return structuredClone(objects);
}

export function objectKey(o: K8sObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} among ${objects.map(objectKey).join(', ')}`);
  return o;
}
