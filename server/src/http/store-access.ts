// Who may push to or query the embedded store from another host (INTERFLOW_STORE_ALLOW_REMOTE):
// a bearer token equal to the content of INTERFLOW_STORE_TOKEN_FILE, or, with a Kubernetes API,
// a token TokenReview authenticates whose user a SubjectAccessReview allows `create` (push) or
// `get` (query) on loki.grafana.com `network` `logs` — what LokiStack's gateway asks of writers
// and readers of the network tenant. Decisions are cached per token for 60 s.
import { createHash, timingSafeEqual } from 'node:crypto';
import { NETWORK_LOGS_GET } from '../auth/access.ts';
import type { KubeReviews, ReviewedUser } from '../auth/kube-reviews.ts';
import { KubeApiUnavailableError } from '../errors.ts';
import type { TokenFile } from '../loki/token.ts';
import { StoreError, type StoreAction } from '../store/index.ts';

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Decision {
  expires: number;
  user: Promise<ReviewedUser | undefined>;
  actions: Map<StoreAction, Promise<boolean>>;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function storeAuthorizer(opts: {
  tokenFile?: TokenFile | undefined;
  reviews?: KubeReviews | undefined;
  now?: () => number;
}): (authorization: string | undefined, action: StoreAction) => Promise<void> {
  const now = opts.now ?? Date.now;
  const decisions = new Map<string, Decision>();

  const decision = (token: string): Decision => {
    const key = digest(token).toString('base64');
    const t = now();
    const d = decisions.get(key);
    if (d && d.expires > t) return d;
    if (decisions.size >= MAX_ENTRIES) {
      for (const [k, v] of decisions) if (v.expires <= t) decisions.delete(k);
      if (decisions.size >= MAX_ENTRIES) decisions.clear();
    }
    const fresh: Decision = {
      expires: t + TTL_MS,
      user: opts.reviews!.reviewToken(token),
      actions: new Map(),
    };
    fresh.user.catch(() => decisions.delete(key)); // unreachable API: not a decision
    decisions.set(key, fresh);
    return fresh;
  };

  return async (authorization, action) => {
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
    if (!token) {
      throw new StoreError(
        'unauthorized',
        'clients of the embedded store that are not on loopback must send a bearer token (INTERFLOW_STORE_TOKEN_FILE, or a service account token)',
      );
    }
    if (opts.tokenFile) {
      let expected: string;
      try {
        expected = await opts.tokenFile.token();
      } catch (e) {
        throw new StoreError(
          'auth_unavailable',
          `INTERFLOW_STORE_TOKEN_FILE cannot be read: ${(e as Error).message}`,
        );
      }
      if (timingSafeEqual(digest(token), digest(expected))) return;
    }
    if (!opts.reviews)
      throw new StoreError('unauthorized', "the bearer token is not the embedded store's token");
    try {
      const d = decision(token);
      const user = await d.user;
      if (!user)
        throw new StoreError(
          'unauthorized',
          'the bearer token was not accepted by the Kubernetes API (TokenReview)',
        );
      let allowed = d.actions.get(action);
      if (!allowed) {
        allowed = opts.reviews.allowed(user, {
          ...NETWORK_LOGS_GET,
          verb: action === 'push' ? 'create' : 'get',
        });
        d.actions.set(action, allowed);
        allowed.catch(() => d.actions.delete(action));
      }
      if (!(await allowed)) {
        throw new StoreError(
          'forbidden',
          `${user.username} may not ${action} flows: that needs ${action === 'push' ? 'create' : 'get'} on loki.grafana.com network "logs"`,
        );
      }
    } catch (e) {
      if (e instanceof KubeApiUnavailableError) throw new StoreError('auth_unavailable', e.message);
      throw e;
    }
  };
}
