// The two Kubernetes API calls access decisions need: TokenReview (who holds this bearer
// token) and SubjectAccessReview (may that user do this). The API is found the usual way:
// KUBECONFIG when set, else the pod's service account (in-cluster). The backend's service
// account needs exactly `create` on tokenreviews and subjectaccessreviews for these.
import {
  ApiException,
  AuthenticationV1Api,
  AuthorizationV1Api,
  KubeConfig,
  type V1ResourceAttributes,
} from '@kubernetes/client-node';
import type { KubeApiSource } from '../config/config.ts';
import { ConfigError, KubeApiUnavailableError } from '../errors.ts';

export interface ReviewedUser {
  username: string;
  uid?: string | undefined;
  groups: string[];
  extra?: Record<string, string[]> | undefined;
}

/** What a SubjectAccessReview asks: resourceAttributes of authorization.k8s.io/v1. */
export interface ResourceCheck {
  verb: string;
  group: string;
  resource: string;
  name?: string;
  namespace?: string;
}

export interface KubeReviews {
  /** The user of a token, or undefined when the API server does not authenticate it. */
  reviewToken(token: string): Promise<ReviewedUser | undefined>;
  /** Whether the user may do `check`. */
  allowed(user: ReviewedUser, check: ResourceCheck): Promise<boolean>;
}

export function loadKubeConfig(source: NonNullable<KubeApiSource>): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source.kind === 'kubeconfig') kc.loadFromFile(source.path);
    else kc.loadFromCluster();
  } catch (e) {
    throw new ConfigError(
      source.kind === 'kubeconfig' ? 'KUBECONFIG' : 'KUBERNETES_SERVICE_HOST',
      `cannot load the Kubernetes API configuration: ${(e as Error).message}`,
    );
  }
  if (!kc.getCurrentCluster()) {
    throw new ConfigError(
      'KUBECONFIG',
      `${source.kind === 'kubeconfig' ? source.path : 'in-cluster'}: no current cluster`,
    );
  }
  return kc;
}

function unavailable(e: unknown): KubeApiUnavailableError {
  if (e instanceof ApiException) {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: the text itself
    }
    return new KubeApiUnavailableError(`HTTP ${e.code}: ${message}`.slice(0, 500));
  }
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return new KubeApiUnavailableError(err.cause?.code ?? err.cause?.message ?? err.message);
}

export class ClientNodeKubeReviews implements KubeReviews {
  private readonly authn: AuthenticationV1Api;
  private readonly authz: AuthorizationV1Api;

  constructor(kc: KubeConfig) {
    this.authn = kc.makeApiClient(AuthenticationV1Api);
    this.authz = kc.makeApiClient(AuthorizationV1Api);
  }

  async reviewToken(token: string): Promise<ReviewedUser | undefined> {
    let status;
    try {
      ({ status } = await this.authn.createTokenReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
      }));
    } catch (e) {
      throw unavailable(e);
    }
    if (!status?.authenticated || !status.user?.username) return undefined;
    return {
      username: status.user.username,
      uid: status.user.uid,
      groups: status.user.groups ?? [],
      extra: status.user.extra,
    };
  }

  async allowed(user: ReviewedUser, check: ResourceCheck): Promise<boolean> {
    const resourceAttributes: V1ResourceAttributes = {
      verb: check.verb,
      group: check.group,
      resource: check.resource,
      ...(check.name !== undefined ? { name: check.name } : {}),
      ...(check.namespace !== undefined ? { namespace: check.namespace } : {}),
    };
    try {
      const { status } = await this.authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: user.username,
            groups: user.groups,
            ...(user.uid ? { uid: user.uid } : {}),
            ...(user.extra ? { extra: user.extra } : {}),
            resourceAttributes,
          },
        },
      });
      return status?.allowed === true && status.denied !== true;
    } catch (e) {
      throw unavailable(e);
    }
  }
}
