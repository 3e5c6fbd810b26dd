// Stand-in for the Kubernetes API server (no cluster can run here; tests that use it say
// "stand-in" in their names). A real node:http server on 127.0.0.1, port 0, serving what the
// agent's enricher informers call: list (with resourceVersion and fieldSelector) and watch
// (chunked newline-delimited JSON events, resumed from a resourceVersion, 410 Gone when the
// requested version is older than the kept history) for pods, nodes, services, replicasets, jobs;
// and what the backend's access checks call: TokenReview (authentication.k8s.io/v1) for fixed
// tokens and SubjectAccessReview (authorization.k8s.io/v1) against fixed grants, recording
// every review it was asked.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';

interface ResourceDef {
  path: string;
  kind: string;
  apiVersion: string;
}

export const RESOURCES = {
  pods: { path: '/api/v1/pods', kind: 'Pod', apiVersion: 'v1' },
  nodes: { path: '/api/v1/nodes', kind: 'Node', apiVersion: 'v1' },
  services: { path: '/api/v1/services', kind: 'Service', apiVersion: 'v1' },
  replicasets: { path: '/apis/apps/v1/replicasets', kind: 'ReplicaSet', apiVersion: 'apps/v1' },
  jobs: { path: '/apis/batch/v1/jobs', kind: 'Job', apiVersion: 'batch/v1' },
} satisfies Record<string, ResourceDef>;

export type ResourceName = keyof typeof RESOURCES;

/** A Kubernetes object as JSON: only the metadata the server itself uses is typed. */
export type KubeObject = {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

interface Watcher {
  resource: ResourceName;
  fieldSelector: Array<[string[], string]>;
  res: ServerResponse;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

/** The user a TokenReview reports for a known token (TokenReviewStatus.user). */
export interface StandInUser {
  username: string;
  uid?: string;
  groups?: string[];
}

/** resourceAttributes of a SubjectAccessReview; a grant leaves out what it allows for any value. */
export interface ResourceAttributes {
  verb?: string;
  group?: string;
  resource?: string;
  name?: string;
  namespace?: string;
}

/** One allow rule: a user (or group, as `group:<name>`) may do what `attrs` says. */
interface Grant {
  subject: string;
  attrs: ResourceAttributes;
}

export type ReviewLogEntry =
  | { kind: 'TokenReview'; token: string }
  | { kind: 'SubjectAccessReview'; user: string; groups: string[]; attrs: ResourceAttributes };

const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const ATTR_KEYS = ['verb', 'group', 'resource', 'name', 'namespace'] as const;

function key(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** `spec.nodeName=node-1,metadata.name=x` → [[['spec','nodeName'],'node-1'], …] (equality only). */
function parseFieldSelector(text: string | null): Array<[string[], string]> {
  if (!text) return [];
  return text.split(',').map((term) => {
    const [path, value] = term.split('=');
    return [path!.split('.'), value ?? ''];
  });
}

function matches(o: KubeObject, selector: Array<[string[], string]>): boolean {
  return selector.every(([path, value]) => {
    let v: unknown = o;
    for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
    return String(v ?? '') === value;
  });
}

export class StandInKubeApiServer {
  readonly requests: RequestLogEntry[] = [];
  readonly token: string;
  private readonly server: Server;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly history: WatchEvent[] = [];
  /** Events older than this resourceVersion were compacted: watching from before it → 410. */
  private historyFloor = 0;
  private rv = 100;
  private readonly watchers = new Set<Watcher>();
  private readonly failures = new Map<ResourceName, number>();
  private port = 0;
  private readonly users = new Map<string, StandInUser>();
  private readonly grants: Grant[] = [];
  /** Every TokenReview and SubjectAccessReview asked, in order. */
  readonly reviews: ReviewLogEntry[] = [];

  private constructor(token: string) {
    this.token = token;
    for (const r of Object.keys(RESOURCES) as ResourceName[]) this.objects.set(r, new Map());
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** `port` and `token` of an earlier instance bring "the same API server" back after close(). */
  static async start(opts: { port?: number; token?: string } = {}): Promise<StandInKubeApiServer> {
    const s = new StandInKubeApiServer(opts.token ?? `stand-in-${randomUUID()}`);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(opts.port ?? 0, '127.0.0.1', resolve);
    });
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A client configuration pointing at this server, as an out-of-cluster kubeconfig would. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'stand-in', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'agent', token: this.token }],
      contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'agent' }],
      currentContext: 'stand-in',
    });
    return kc;
  }

  /** A kubeconfig file's text pointing at this server with its own token (the backend's service account). */
  kubeConfigYaml(): string {
    return this.kubeConfig().exportConfig();
  }

  /** TokenReview authenticates `token` as `user`. */
  addUser(token: string, user: StandInUser): void {
    this.users.set(token, user);
  }

  /** SubjectAccessReview allows `subject` (a username, or `group:<name>`) what `attrs` says. */
  grant(subject: string, attrs: ResourceAttributes): void {
    this.grants.push({ subject, attrs });
  }

  /** Creates or replaces an object (ADDED or MODIFIED event). Returns the stored copy. */
  apply(resource: ResourceName, obj: KubeObject): KubeObject {
    const def = RESOURCES[resource];
    const store = this.objects.get(resource)!;
    const previous = store.get(key(obj));
    const stored: KubeObject = structuredClone(obj);
    stored.kind = def.kind;
    stored.apiVersion = def.apiVersion;
    stored.metadata.uid ??= previous?.metadata.uid ?? randomUUID();
    stored.metadata.resourceVersion = String(++this.rv);
    store.set(key(stored), stored);
    this.emit(resource, { rv: this.rv, type: previous ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  /** Deletes an object (DELETED event). */
  remove(resource: ResourceName, namespace: string | undefined, name: string): void {
    const store = this.objects.get(resource)!;
    const k = `${namespace ?? ''}/${name}`;
    const obj = store.get(k);
    if (!obj) throw new Error(`stand-in: no ${resource} ${k}`);
    store.delete(k);
    const gone = structuredClone(obj);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit(resource, { rv: this.rv, type: 'DELETED', object: gone });
  }

  /** Ends every open watch, as an API server does when a watch times out. */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Forgets the event history, so resuming a watch from an old version gets 410 Gone. */
  compactHistory(): void {
    this.history.length = 0;
    this.historyFloor = this.rv;
  }

  /** Answers list and watch of a resource with this HTTP status until cleared (undefined). */
  failRequests(resource: ResourceName, status: number | undefined): void {
    if (status === undefined) this.failures.delete(resource);
    else this.failures.set(resource, status);
  }

  watcherCount(resource?: ResourceName): number {
    return [...this.watchers].filter((w) => !resource || w.resource === resource).length;
  }

  async close(): Promise<void> {
    this.closeWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private tokenReview(body: { spec?: Record<string, unknown> }): unknown {
    const token = String(body.spec?.token ?? '');
    this.reviews.push({ kind: 'TokenReview', token });
    const user = this.users.get(token);
    return {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: { creationTimestamp: null },
      spec: body.spec,
      status: user
        ? {
            authenticated: true,
            user: {
              username: user.username,
              uid: user.uid ?? `uid-${user.username}`,
              groups: user.groups ?? [],
            },
            audiences: ['https://kubernetes.default.svc'],
          }
        : { authenticated: false, user: {}, error: 'invalid bearer token' },
    };
  }

  private accessReview(body: { spec?: Record<string, unknown> }): unknown {
    const spec = body.spec ?? {};
    const user = String(spec.user ?? '');
    const groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
    const raw = (spec.resourceAttributes ?? {}) as Record<string, unknown>;
    const attrs: ResourceAttributes = {};
    for (const k of ATTR_KEYS) if (typeof raw[k] === 'string') attrs[k] = raw[k];
    this.reviews.push({ kind: 'SubjectAccessReview', user, groups, attrs });
    const subjects = new Set([user, ...groups.map((g) => `group:${g}`)]);
    const allowed = this.grants.some(
      (g) =>
        subjects.has(g.subject) &&
        ATTR_KEYS.every((k) => g.attrs[k] === undefined || g.attrs[k] === (attrs[k] ?? '')),
    );
    return {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: { creationTimestamp: null },
      spec,
      status: allowed ? { allowed: true, reason: 'stand-in grant' } : { allowed: false },
    };
  }

  private emit(resource: ResourceName, event: WatchEvent): void {
    this.history.push({ ...event, resource } as WatchEvent & { resource: ResourceName });
    for (const w of this.watchers) {
      if (w.resource === resource && matches(event.object, w.fieldSelector)) this.send(w.res, event);
    }
  }

  private send(res: ServerResponse, event: { type: string; object: unknown }): void {
    res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query,
      authorization: req.headers.authorization,
    });
    const entry = (Object.entries(RESOURCES) as [ResourceName, ResourceDef][]).find(
      ([, d]) => d.path === url.pathname,
    );
    const status = (code: number, reason: string, message: string): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
    };
    if (req.method === 'POST' && (url.pathname === TOKEN_REVIEWS || url.pathname === ACCESS_REVIEWS)) {
      if (req.headers.authorization !== `Bearer ${this.token}`)
        return status(401, 'Unauthorized', 'bad token');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: { apiVersion?: string; kind?: string; spec?: Record<string, unknown> };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
        } catch {
          return status(400, 'BadRequest', 'body is not JSON');
        }
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify(url.pathname === TOKEN_REVIEWS ? this.tokenReview(body) : this.accessReview(body)),
        );
      });
      return;
    }
    if (req.method !== 'GET' || !entry)
      return status(404, 'NotFound', `stand-in serves no ${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${this.token}`) return status(401, 'Unauthorized', 'bad token');
    const [resource, def] = entry;
    const failure = this.failures.get(resource);
    if (failure) return status(failure, 'Forbidden', `stand-in refuses ${resource}`);
    const selector = parseFieldSelector(url.searchParams.get('fieldSelector'));

    if (url.searchParams.get('watch') === 'true') {
      const from = Number(url.searchParams.get('resourceVersion') ?? '0');
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      if (from < this.historyFloor) {
        // As the API server does: 200, one ERROR event carrying a 410 Status, then close.
        this.send(res, {
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: 'too old resource version',
          },
        });
        res.end();
        return;
      }
      const history = this.history as (WatchEvent & { resource: ResourceName })[];
      for (const e of history) {
        if (e.resource === resource && e.rv > from && matches(e.object, selector)) this.send(res, e);
      }
      const watcher: Watcher = { resource, fieldSelector: selector, res };
      this.watchers.add(watcher);
      res.on('close', () => this.watchers.delete(watcher));
      return;
    }

    // Sorted by namespace/name, as etcd returns them.
    const items = [...this.objects.get(resource)!.values()]
      .filter((o) => matches(o, selector))
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: `${def.kind}List`,
        apiVersion: def.apiVersion,
        metadata: { resourceVersion: String(this.rv) },
        items,
      }),
    );
  }
}
