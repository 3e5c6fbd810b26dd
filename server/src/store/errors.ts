// Errors of the embedded Loki-API store. Every error a client can cause is a StoreError with a
// Loki-like plain-text message; the plugin answers it with its status code (never a 500).

export type StoreErrorCode =
  | 'bad_query' // LogQL that does not parse or has a bad literal / regex
  | 'unsupported_query' // valid LogQL outside the subset this store evaluates
  | 'bad_param' // query_range / labels parameter that is malformed or out of range
  | 'bad_push' // push body that is not a valid Loki push request
  | 'unsupported_media' // push body in a format or encoding the store does not read
  | 'too_large' // push body that decompresses (or declares it would) past maxPushBytes
  | 'unauthorized' // non-loopback client without an accepted bearer token
  | 'forbidden' // non-loopback client while allowRemote is false, or whose token may not do this
  | 'auth_unavailable'; // the Kubernetes API that reviews tokens did not answer

const STATUS: Record<StoreErrorCode, number> = {
  bad_query: 400,
  unsupported_query: 400,
  bad_param: 400,
  bad_push: 400,
  unsupported_media: 415,
  too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  auth_unavailable: 503,
};

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly statusCode: number;
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = STATUS[code];
  }
}

export const badQuery = (msg: string): StoreError => new StoreError('bad_query', `parse error: ${msg}`);
export const unsupported = (what: string): StoreError =>
  new StoreError('unsupported_query', `unsupported LogQL: ${what} is not supported by the embedded store`);
export const badParam = (msg: string): StoreError => new StoreError('bad_param', msg);
export const badPush = (msg: string): StoreError => new StoreError('bad_push', msg);
export const tooLarge = (msg: string): StoreError => new StoreError('too_large', msg);
