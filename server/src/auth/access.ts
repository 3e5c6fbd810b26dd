// Who may read which flows (INTERFLOW_AUTH_CHECK). Every /api/* call names its caller by a
// bearer token; the Kubernetes API says who that is (TokenReview) and what they may do
// (SubjectAccessReview). Decisions are cached per token for at most `ttlMs` (60 s): each token
// has its own entry, keyed by the token's SHA-256, so two tokens never share a decision.
import { createHash } from 'node:crypto';
import type { AuthCheck } from '../config/config.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { KubeReviews, ResourceCheck, ReviewedUser } from './kube-reviews.ts';

/** Which flows a caller may read: all, or those touching one of these namespaces. */
export type FlowScope = { kind: 'all' } | { kind: 'namespaces'; namespaces: string[] };

export const ALL_FLOWS: FlowScope = { kind: 'all' };

/** What LokiStack's gateway checks for cluster-wide reads of the network tenant. */
export const NETWORK_LOGS_GET: ResourceCheck = {
  verb: 'get',
  group: 'loki.grafana.com',
  resource: 'network',
  name: 'logs',
};

/** A namespace's flows are readable by whoever may read its pods. */
export const podsGet = (namespace: string): ResourceCheck => ({
  verb: 'get',
  group: '',
  resource: 'pods',
  namespace,
});

interface Decision {
  expires: number;
  user: Promise<ReviewedUser | undefined>;
  admin?: Promise<boolean>;
  namespaces: Map<string, Promise<boolean>>;
}

export interface AccessCheckerOptions {
  ttlMs?: number;
  now?: () => number;
  /** Most tokens remembered; expired entries are dropped first. */
  maxEntries?: number;
  /** SubjectAccessReviews in flight at once for one caller. */
  concurrency?: number;
}

/** One caller of one request: the scope of flows they may read, decided lazily. */
export interface Caller {
  readonly username: string | undefined;
  /** `candidates` lists the namespaces that have flows in the window asked for (namespaced mode only). */
  scope(candidates: () => Promise<string[]>): Promise<FlowScope>;
}

const ANONYMOUS_ALL: Caller = { username: undefined, scope: async () => ALL_FLOWS };

function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return m?.[1];
}

export class AccessChecker {
  private readonly decisions = new Map<string, Decision>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly concurrency: number;

  constructor(
    readonly mode: AuthCheck,
    private readonly reviews: KubeReviews | undefined,
    opts: AccessCheckerOptions = {},
  ) {
    if (mode !== 'none' && !reviews)
      throw new TypeError(`INTERFLOW_AUTH_CHECK=${mode} needs the Kubernetes API`);
    this.ttlMs = Math.min(opts.ttlMs ?? 60_000, 60_000);
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.concurrency = opts.concurrency ?? 8;
  }

  /** The caller of a request: 401 without a token or with one the API server does not know, 403 when not allowed at all. */
  async caller(authorization: string | undefined): Promise<Caller> {
    if (this.mode === 'none') return ANONYMOUS_ALL;
    const token = bearerToken(authorization);
    if (!token) {
      throw new UnauthorizedError(
        `a bearer token is required: this backend checks every caller (INTERFLOW_AUTH_CHECK=${this.mode})`,
      );
    }
    const d = this.decision(token);
    const user = await d.user;
    if (!user)
      throw new UnauthorizedError('the bearer token was not accepted by the Kubernetes API (TokenReview)');
    if (this.mode === 'authenticated') return { username: user.username, scope: async () => ALL_FLOWS };
    if (this.mode === 'admin') {
      if (!(await this.isAdmin(d, user))) {
        throw new ForbiddenError(
          `${user.username} may not read flows: this backend serves cluster admins only, who may get loki.grafana.com network "logs"`,
        );
      }
      return { username: user.username, scope: async () => ALL_FLOWS };
    }
    return {
      username: user.username,
      scope: async (candidates) => {
        if (await this.isAdmin(d, user)) return ALL_FLOWS;
        const allowed = await this.allowedNamespaces(d, user, await candidates());
        if (allowed.length === 0) {
          throw new ForbiddenError(
            `${user.username} may read flows only of namespaces where they may get pods, and has no such namespace among those with flows in this time range`,
          );
        }
        return { kind: 'namespaces', namespaces: allowed };
      },
    };
  }

  private decision(token: string): Decision {
    const key = createHash('sha256').update(token).digest('base64');
    const now = this.now();
    const cached = this.decisions.get(key);
    if (cached && cached.expires > now) return cached;
    this.decisions.delete(key);
    if (this.decisions.size >= this.maxEntries) this.evict(now);
    const d: Decision = {
      expires: now + this.ttlMs,
      user: this.reviews!.reviewToken(token),
      namespaces: new Map(),
    };
    // An unreachable API server is not a decision: the next call asks again.
    d.user.catch(() => {
      if (this.decisions.get(key) === d) this.decisions.delete(key);
    });
    this.decisions.set(key, d);
    return d;
  }

  private evict(now: number): void {
    for (const [k, d] of this.decisions) if (d.expires <= now) this.decisions.delete(k);
    // Still full: drop the oldest (Map keeps insertion order).
    while (this.decisions.size >= this.maxEntries) {
      const first = this.decisions.keys().next().value;
      if (first === undefined) break;
      this.decisions.delete(first);
    }
  }

  private remembered(
    get: () => Promise<boolean> | undefined,
    set: (p: Promise<boolean> | undefined) => void,
    ask: () => Promise<boolean>,
  ): Promise<boolean> {
    const known = get();
    if (known) return known;
    const p = ask();
    set(p);
    p.catch(() => {
      if (get() === p) set(undefined);
    });
    return p;
  }

  private isAdmin(d: Decision, user: ReviewedUser): Promise<boolean> {
    return this.remembered(
      () => d.admin,
      (p) => (p ? (d.admin = p) : delete d.admin),
      () => this.reviews!.allowed(user, NETWORK_LOGS_GET),
    );
  }

  private async allowedNamespaces(d: Decision, user: ReviewedUser, candidates: string[]): Promise<string[]> {
    const names = [...new Set(candidates.filter((n) => n !== ''))].sort();
    const results = new Array<boolean>(names.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const i = next++;
        const ns = names[i]!;
        results[i] = await this.remembered(
          () => d.namespaces.get(ns),
          (p) => (p ? d.namespaces.set(ns, p) : d.namespaces.delete(ns)),
          () => this.reviews!.allowed(user, podsGet(ns)),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, names.length) }, worker));
    return names.filter((_, i) => results[i]);
  }
}
