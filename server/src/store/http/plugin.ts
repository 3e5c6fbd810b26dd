// Fastify plugin serving the embedded store with Loki's HTTP API:
//   POST /loki/api/v1/push                    Loki push → 204: JSON, or protobuf (application/x-protobuf,
//                                             snappy block-compressed logproto.PushRequest, as Promtail,
//                                             Alloy and loki-client-go send); gzip Content-Encoding accepted
//   GET|POST /loki/api/v1/query_range         log queries (logql-parse.ts) and metric queries (metric-parse.ts)
//   GET /loki/api/v1/labels                   label names
//   GET /loki/api/v1/label/:name/values       label values
//   GET /ready                                200 "ready"
// Errors are plain text with Loki-like messages (400 for anything the client sent wrong).
// The plugin is encapsulated: its error handler, hooks and body parsers apply to these routes only.
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createGunzip } from 'node:zlib';
import { StoreError } from '../errors.ts';
import { LABELS_DEFAULT_SPAN_NS, parseDirection, parseLimit, parseRange, parseStep } from './http-params.ts';
import { parseSelectorOnly } from '../query/logql-parse.ts';
import { parseQuery } from '../query/query-parse.ts';
import { isLocalPeer } from './loopback.ts';
import { decodePush } from '../push/push-decode.ts';
import { protobufPushToBody } from '../push/push-protobuf.ts';
import {
  LabelNameParams,
  NoContent,
  LabelsQuery,
  PlainText,
  PushBody,
  QueryRangeParams,
  QueryRangeResponse,
  StringListResponse,
} from './schemas.ts';
import {
  openStore,
  type EmbeddedStore,
  type MetricResult,
  type QueryResult,
  type QueryStats,
} from '../sqlite/sqlite-store.ts';

export interface EmbeddedStorePluginOptions {
  /** directory of the SQLite database (created when missing) */
  dataDir: string;
  /** age limit of entries in ms; 0 = keep forever */
  retentionMs: number;
  /** cap on the database's used bytes, oldest entries deleted first; 0 = no cap */
  maxBytes: number;
  /** accept clients that are not on loopback (otherwise 403), when `authorizeRemote` lets them */
  allowRemote: boolean;
  /**
   * Decides whether a client that is not on loopback may push or query, from its Authorization
   * header; throws a StoreError (401, 403, 503) when not. Required with allowRemote.
   */
  authorizeRemote?: (authorization: string | undefined, action: StoreAction) => Promise<void>;
  /** largest accepted push body after decompression (default 64 MiB) */
  maxPushBytes?: number;
  /** use this store instead of opening one (it is then not closed with the app) */
  store?: EmbeddedStore;
}

/** What a client does: push writes, everything else reads. */
export type StoreAction = 'push' | 'query';

const DEFAULT_MAX_PUSH_BYTES = 64 * 1024 * 1024;
const PUSH_URL = '/loki/api/v1/push';
const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

function isProtobuf(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return PROTOBUF_TYPES.includes(type);
}

function lokiStats(s: QueryStats): QueryRangeResponse['data']['stats'] {
  const secs = s.execTimeMs / 1000;
  return {
    summary: {
      bytesProcessedPerSecond: secs > 0 ? Math.round(s.bytesScanned / secs) : 0,
      linesProcessedPerSecond: secs > 0 ? Math.round(s.entriesScanned / secs) : 0,
      totalBytesProcessed: s.bytesScanned,
      totalLinesProcessed: s.entriesScanned,
      totalEntriesReturned: s.entriesReturned,
      totalPostFilterLines: s.entriesReturned,
      execTime: secs,
      queueTime: 0,
      subqueries: 0,
    },
    embeddedStore: { streamsMatched: s.streamsMatched, chunksRead: s.chunks },
  };
}

function toLokiResponse(r: QueryResult): QueryRangeResponse {
  return { status: 'success', data: { resultType: 'streams', result: r.result, stats: lokiStats(r.stats) } };
}

function toLokiMatrix(r: MetricResult): QueryRangeResponse {
  return { status: 'success', data: { resultType: 'matrix', result: r.result, stats: lokiStats(r.stats) } };
}

/** Maps any error of these routes to a status and a plain-text message; never 500 for client input. */
function errorReply(
  err: FastifyError | StoreError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let status = 500;
  let message = 'internal error of the embedded store';
  if (err instanceof StoreError) {
    status = err.statusCode;
    message = err.message;
  } else if ((err as FastifyError).validation) {
    status = 400;
    message = `invalid request: ${err.message}`;
  } else if (
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('Z_')
  ) {
    status = 400;
    message = `invalid gzip body: ${err.message}`;
  } else {
    const sc = (err as FastifyError).statusCode;
    if (typeof sc === 'number' && sc >= 400 && sc < 500) {
      status = sc;
      message = err.message;
    }
  }
  if (status >= 500) req.log.error({ err }, 'embedded store error');
  return reply
    .code(status)
    .type('text/plain; charset=utf-8')
    .send(message + '\n');
}

export const embeddedStorePlugin: FastifyPluginAsync<EmbeddedStorePluginOptions> = async (
  fastify: FastifyInstance,
  opts: EmbeddedStorePluginOptions,
) => {
  const store =
    opts.store ??
    openStore({
      dataDir: opts.dataDir,
      retentionMs: opts.retentionMs,
      maxBytes: opts.maxBytes,
      onRetentionError: (err) => fastify.log.error({ err }, 'embedded store: retention pass failed'),
    });
  if (!opts.store) fastify.addHook('onClose', async () => store.close());
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((err, req, reply) => errorReply(err as FastifyError, req, reply));

  if (opts.allowRemote && !opts.authorizeRemote) {
    throw new TypeError('the embedded store accepts remote clients only with a way to check their tokens');
  }
  app.addHook('onRequest', async (req) => {
    if (isLocalPeer(req.socket.remoteAddress, req.socket.localAddress)) return;
    if (!opts.allowRemote) {
      throw new StoreError(
        'forbidden',
        `the embedded Loki-API store only accepts loopback clients (peer ${req.socket.remoteAddress ?? 'unknown'}); enable allowRemote to accept others`,
      );
    }
    const action: StoreAction =
      req.method === 'POST' && req.url.split('?')[0] === PUSH_URL ? 'push' : 'query';
    await opts.authorizeRemote!(req.headers.authorization, action);
  });

  // Loki also takes query parameters as a form body on POST (unless the app already parses forms)
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
  }
  // Protobuf push bodies are decoded (snappy, then logproto.PushRequest) into the JSON push shape,
  // so the route's schema and decodePush treat both formats alike. Ours replaces any parser the
  // parent app has for these types (the plugin is encapsulated: the parent keeps its own).
  const maxPushBytes = opts.maxPushBytes ?? DEFAULT_MAX_PUSH_BYTES;
  for (const type of PROTOBUF_TYPES) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (req, body, done) => {
      if (req.routeOptions.url !== app.prefix + PUSH_URL) {
        done(new StoreError('unsupported_media', `protobuf bodies are only read by POST ${PUSH_URL}`));
        return;
      }
      try {
        done(null, protobufPushToBody(body as Buffer, maxPushBytes));
      } catch (err) {
        done(err as Error);
      }
    });
  }

  app.post(
    PUSH_URL,
    {
      bodyLimit: maxPushBytes,
      schema: { body: PushBody, response: { 204: NoContent } },
      preParsing: async (req, _reply, payload) => {
        const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (enc === 'identity' || enc === '') return payload;
        // Loki accepts "snappy" here: it only restates how a protobuf body is compressed anyway
        if (enc === 'snappy' && isProtobuf(req.headers['content-type'])) return payload;
        if (enc === 'gzip' || enc === 'x-gzip') {
          // Fastify compares Content-Length with `receivedEncodedLength` of the stream we return,
          // and applies bodyLimit to the decompressed bytes (so a gzip bomb is cut off).
          const gunzip = createGunzip() as ReturnType<typeof createGunzip> & {
            receivedEncodedLength: number;
          };
          gunzip.receivedEncodedLength = 0;
          payload.on('data', (chunk: Buffer) => {
            gunzip.receivedEncodedLength += chunk.length;
          });
          payload.on('error', (e) => gunzip.destroy(e));
          return payload.pipe(gunzip);
        }
        throw new StoreError(
          'unsupported_media',
          `unsupported Content-Encoding ${JSON.stringify(enc)} (use gzip or none)`,
        );
      },
    },
    async (req, reply) => {
      store.push(decodePush(req.body, isProtobuf(req.headers['content-type']) ? 'entries' : 'values'));
      return reply.code(204).send(null);
    },
  );

  const queryRange = async (params: QueryRangeParams, reply: FastifyReply): Promise<QueryRangeResponse> => {
    const { start, end } = parseRange(params.start, params.end);
    const parsed = parseQuery(params.query);
    // Loki ignores limit and direction for metric queries, and step for log queries
    const limit = parsed.kind === 'log' ? parseLimit(params.limit) : 0;
    const direction = parseDirection(params.direction);
    const stepNs = parsed.kind === 'metric' ? parseStep(params.step, start, end) : 0n;
    // a client that goes away stops the scan (checked between chunks)
    const abort = new AbortController();
    const onClose = (): void => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.once('close', onClose);
    try {
      if (parsed.kind === 'metric') {
        return toLokiMatrix(
          await store.metricQuery({ query: parsed.query, start, end, stepNs, signal: abort.signal }),
        );
      }
      return toLokiResponse(
        await store.queryRange({ query: parsed.query, start, end, limit, direction, signal: abort.signal }),
      );
    } finally {
      reply.raw.off('close', onClose);
    }
  };
  app.get(
    '/loki/api/v1/query_range',
    { schema: { querystring: QueryRangeParams, response: { 200: QueryRangeResponse } } },
    async (req, reply) => queryRange(req.query, reply),
  );
  app.post(
    '/loki/api/v1/query_range',
    { schema: { body: QueryRangeParams, response: { 200: QueryRangeResponse } } },
    async (req, reply) => queryRange(req.body, reply),
  );

  app.get(
    '/loki/api/v1/labels',
    { schema: { querystring: LabelsQuery, response: { 200: StringListResponse } } },
    async (req): Promise<StringListResponse> => {
      const { start, end } = parseRange(req.query.start, req.query.end, LABELS_DEFAULT_SPAN_NS);
      const matchers = req.query.query ? parseSelectorOnly(req.query.query) : [];
      return { status: 'success', data: store.labelNames(start, end, matchers) };
    },
  );
  app.get(
    '/loki/api/v1/label/:name/values',
    { schema: { params: LabelNameParams, querystring: LabelsQuery, response: { 200: StringListResponse } } },
    async (req): Promise<StringListResponse> => {
      const { start, end } = parseRange(req.query.start, req.query.end, LABELS_DEFAULT_SPAN_NS);
      const matchers = req.query.query ? parseSelectorOnly(req.query.query) : [];
      return { status: 'success', data: store.labelValues(req.params.name, start, end, matchers) };
    },
  );

  app.get('/ready', { schema: { response: { 200: PlainText } } }, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send('ready\n'),
  );
};
