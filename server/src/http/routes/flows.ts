// GET /api/flows (the table) and GET /api/flows/export (every matching record as CSV).
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { csvChunks } from '../../flows/csv-export.ts';
import { csvChunksInWorker, type CsvWorkerThread } from '../../flows/csv-worker-thread.ts';
import { ExportHolding, recordPages } from '../../flows/export-pages.ts';
import type { FlowService } from '../../flows/flow-service.ts';
import {
  parseColumns,
  parseExportSort,
  parseExportValues,
  parseFlowRequest,
  parseFormat,
  parseLimit,
} from '../../flows/query-params.ts';
import { BadParamError } from '../../errors.ts';
import type { LokiEntry } from '../../loki/client.ts';
import type { ServerMetrics } from '../../observability/metrics.ts';
import { callerNamespaces } from '../access-hook.ts';
import {
  COLUMNS,
  CsvResponseSchema,
  ExportQuerySchema,
  FlowsQuerySchema,
  FlowsResponseSchema,
  STORE_QUERY_ERRORS,
  sortRecords,
  type StoredFlowRecord,
} from '@interflow/contract';

export interface FlowRoutesOptions {
  flows: FlowService;
  metrics: ServerMetrics;
  /** Where exports in the store's order make their CSV (csv-worker.ts); on this thread without it. */
  csvThread?: CsvWorkerThread | undefined;
}

const ALL_COLUMNS = COLUMNS.map((c) => c.id);

/**
 * Records an export sorted other than newest first may hold in memory: the store streams newest
 * first, so any other order needs every record before the first row.
 */
export const MAX_SORTED_EXPORT_ROWS = 50_000;
const STREAM_ORDER = { field: 'TimeFlowEndMs', direction: 'desc' } as const;

async function sortedOrRefused(
  pages: AsyncGenerator<Iterable<StoredFlowRecord>>,
  sort: { field: string; direction: 'asc' | 'desc' },
): Promise<StoredFlowRecord[]> {
  const all: StoredFlowRecord[] = [];
  for await (const page of pages) {
    for (const r of page) {
      if (all.length >= MAX_SORTED_EXPORT_ROWS) {
        await pages.return(undefined);
        throw new BadParamError(
          'sort',
          `more than ${MAX_SORTED_EXPORT_ROWS} records match: an export sorted by ${sort.field} is limited to ${MAX_SORTED_EXPORT_ROWS}; export newest first (no sort) or narrow the query`,
        );
      }
      all.push(r);
    }
  }
  return sortRecords(all, sort.field, sort.direction);
}

function exportFileName(now = new Date()): string {
  return `interflow-flows-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.csv`;
}

export const flowRoutes: FastifyPluginAsyncTypebox<FlowRoutesOptions> = async (
  app,
  { flows, metrics, csvThread },
) => {
  /** The largest holdings of any export of this app (the metrics' peaks). */
  const exportPeaks = { heldEntries: 0, queuedBytes: 0 };
  app.get(
    '/api/flows',
    {
      schema: {
        querystring: FlowsQuerySchema,
        response: {
          200: FlowsResponseSchema,
          ...STORE_QUERY_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const request = parseFlowRequest(req.query);
      const limit = parseLimit(req.query.limit);
      const ac = new AbortController();
      req.raw.once('close', () => {
        if (!reply.sent) ac.abort();
      });
      const call = { authorization: req.headers.authorization, signal: ac.signal };
      const namespaces = await callerNamespaces(req, () => flows.namespacesIn(request.window, call));
      const body = await flows.list(request, limit, { ...call, namespaces });
      reply.header('cache-control', 'no-store');
      return body;
    },
  );

  app.get(
    '/api/flows/export',
    {
      schema: {
        querystring: ExportQuerySchema,
        // 200 is a CSV stream (text/csv), sent as is, never serialized.
        response: {
          200: CsvResponseSchema,
          ...STORE_QUERY_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const request = parseFlowRequest(req.query);
      parseFormat(req.query.format);
      const columns = parseColumns(req.query.columns) ?? ALL_COLUMNS;
      const values = parseExportValues(req.query.values);
      const sort = parseExportSort(req.query.sort);
      const inStreamOrder =
        !sort || (sort.field === STREAM_ORDER.field && sort.direction === STREAM_ORDER.direction);
      const ac = new AbortController();
      // A client that goes away stops the upstream queries (and the pager, via the stream's destroy).
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) ac.abort();
      });
      // The response stream, once made: its buffer and the socket's are what the client has not read.
      const response: { body?: Readable } = {};
      const holding = new ExportHolding(
        () => (response.body?.readableLength ?? 0) + reply.raw.writableLength,
        (peaks) => {
          if (peaks.heldEntries > exportPeaks.heldEntries) {
            exportPeaks.heldEntries = peaks.heldEntries;
            metrics.exportHeldEntriesPeak.set(peaks.heldEntries);
          }
          if (peaks.queuedBytes > exportPeaks.queuedBytes) {
            exportPeaks.queuedBytes = peaks.queuedBytes;
            metrics.exportQueuedBytesPeak.set(peaks.queuedBytes);
          }
        },
      );
      const call = { authorization: req.headers.authorization, signal: ac.signal };
      const namespaces = await callerNamespaces(req, () => flows.namespacesIn(request.window, call));
      // On the worker, page n + 1 is converted while page n is written (csv-worker-thread.ts),
      // which takes the place of asking the store for the next page ahead.
      const inWorker = inStreamOrder && csvThread !== undefined && !csvThread.broken;
      const entryPages = flows.entryPages(request, {
        ...call,
        namespaces,
        prefetch: !inWorker,
        onPage: (n) => holding.pageAnswered(n),
      });
      // The first page is fetched before answering, so an unreachable store is a 503, not a broken file.
      const first = await entryPages.next();
      async function* pages(): AsyncGenerator<LokiEntry[]> {
        try {
          if (first.done) return;
          yield first.value;
          yield* entryPages;
        } finally {
          await entryPages.return(undefined);
        }
      }
      const onRows = (n: number): void => metrics.exportRows.inc(n);
      let chunks: AsyncGenerator<Buffer>;
      if (inWorker) {
        chunks = csvChunksInWorker(
          csvThread!,
          pages(),
          { columns, values, pairing: flows.pairing(request) },
          {
            pageHandedOn: (n) => holding.rowsHandedOn(n),
            onRows,
            onUnreadable: (n) => flows.countUnreadable(n),
          },
        );
      } else {
        const records = recordPages(pages(), (e) => flows.parse(e), flows.recordCheck(request), holding);
        // Sorted otherwise than the store streams: collected (bounded) before answering, so a
        // refusal is still a 400 rather than a broken file.
        const rows = inStreamOrder ? records : toAsync([await sortedOrRefused(records, sort)]);
        chunks = csvChunks(rows, columns, onRows, values);
      }
      const body = Readable.from(chunks, { objectMode: false });
      response.body = body;
      body.on('error', (err) => {
        if (!ac.signal.aborted)
          req.log.warn({ err }, 'export stopped by an upstream error; the file is truncated');
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exportFileName()}"`)
        .header('cache-control', 'no-store')
        .send(body as unknown as string); // a stream; the 200 schema only documents the text
    },
  );
};

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
