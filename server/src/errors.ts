// Every error the backend reports on purpose, with a stable code, in one module. The Fastify
// error handler (app/error-handler.ts) maps them to HTTP: client input → 400 {error, param},
// store trouble → 503 {error}; a caller that went away gets no answer at all. Anything
// unexpected is logged and answered 500 — which never happens for client input because every
// input path throws one of these first.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'LISTEN_FAILED'
  | 'BAD_PARAM'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'KUBE_API_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'STORE_OVERLOADED'
  | 'STORE_LIMIT'
  | 'WEB_BUILD_MISSING';

export abstract class InterflowError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly statusCode: number;
}

/**
 * A bad INTERFLOW_* variable; start-up stops with this message. Defined with the value parsers
 * in the contract (the agent reads its variables the same way) and listed here with the rest.
 */
export { ConfigError } from '@interflow/contract';

/**
 * A port or address the backend cannot listen on (taken, privileged, not on this machine),
 * naming the variable to change; start-up stops with this message (exit 2). With ConfigError
 * in the contract: the agent reports its metrics port the same way.
 */
export { ListenError, listenError } from '@interflow/contract';

/** Anything wrong with what the client sent; `param` names the query parameter. */
export class BadParamError extends InterflowError {
  readonly code = 'BAD_PARAM';
  readonly statusCode = 400;
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'BadParamError';
  }
}

/** INTERFLOW_LOKI_AUTH=forward and the caller sent no Authorization header. */
export class UnauthorizedError extends InterflowError {
  readonly code = 'UNAUTHORIZED';
  readonly statusCode = 401;
  constructor(message = 'an Authorization header is required (INTERFLOW_LOKI_AUTH=forward)') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** The caller is authenticated but INTERFLOW_AUTH_CHECK does not let them read these flows. */
export class ForbiddenError extends InterflowError {
  readonly code = 'FORBIDDEN';
  readonly statusCode = 403;
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** The Kubernetes API (TokenReview, SubjectAccessReview) could not answer, so no access decision can be made. */
export class KubeApiUnavailableError extends InterflowError {
  readonly code = 'KUBE_API_UNAVAILABLE';
  readonly statusCode = 503;
  constructor(why: string) {
    super(`the Kubernetes API cannot check access: ${why}`);
    this.name = 'KubeApiUnavailableError';
  }
}

/** Loki (or the embedded store) could not answer: unreachable, timed out, refused, or replied with an error. */
export class StoreUnavailableError extends InterflowError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly statusCode = 503;
  constructor(
    readonly storeUrl: string,
    readonly why: string,
  ) {
    super(`Loki is unreachable at ${storeUrl}: ${why}`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Loki kept answering "busy" (HTTP 429, e.g. its query frontend's "too many outstanding
 * requests") after every retry (loki/retry.ts). A 503 with Retry-After: the client may ask again.
 */
export class StoreOverloadedError extends InterflowError {
  readonly code = 'STORE_OVERLOADED';
  readonly statusCode = 503;
  constructor(
    readonly storeUrl: string,
    readonly why: string,
    /** Seconds the client should wait (Loki's Retry-After when it sent one). */
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Loki at ${storeUrl} is overloaded: ${why}. Try again in ${retryAfterSeconds} s, or narrow the time range or filters so the query asks less of it`,
    );
    this.name = 'StoreOverloadedError';
  }
}

/**
 * Loki refused the query for one of its limits (max_query_length, max_query_series, …); the
 * message quotes Loki's words and says what the user can change. A 400: the request asks for
 * more than this Loki allows.
 */
export class StoreLimitError extends InterflowError {
  readonly code = 'STORE_LIMIT';
  readonly statusCode = 400;
  constructor(
    readonly lokiText: string,
    advice: string,
  ) {
    super(`Loki refused the query: ${lokiText}. ${advice}`);
    this.name = 'StoreLimitError';
  }
}

/** The web build (INTERFLOW_WEB_DIST) is not there. */
export class WebBuildMissingError extends InterflowError {
  readonly code = 'WEB_BUILD_MISSING';
  readonly statusCode = 503;
  constructor(dir: string) {
    super(`the web build is missing in ${dir}: run \`npm run build:web\``);
    this.name = 'WebBuildMissingError';
  }
}

/** The caller went away (its request was aborted); upstream queries are stopped and nothing is answered. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client went away');
    this.name = 'ClientGoneError';
  }
}
