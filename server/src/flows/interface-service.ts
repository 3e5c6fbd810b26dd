// Answers /api/interfaces from the inventory records the agents write (`_RecordType="interface"`):
// the latest state of each interface (per node, namespace inode and ifindex) in the time range,
// with the bytes and packets of every report in it summed. The filters are the flows' own,
// built by the same typed LogQL builder; those on fields an inventory record lacks are left
// out and named.
import type { FastifyBaseLogger } from 'fastify';
import { Compile } from 'typebox/compile';
import {
  INTERFACE_FILTER_FIELDS,
  INTERFACE_RECORD_TYPE,
  INTERFACES_MAX_ENTRIES,
  InterfaceRecordSchema,
  RECORD_TYPE_LABEL,
  filterSpec,
  type Filter,
  type InterfaceRecord,
  type InterfaceRow,
  type InterfacesResponse,
} from '@interflow/contract';
import type { LabelMatcher } from '../logql/ast.ts';
import { buildLogQueries, namespaceMatcher, type NamespaceScope } from '../logql/build.ts';
import type { LokiClient } from '../loki/client.ts';
import type { ServerMetrics } from '../observability/metrics.ts';
import { streamEntries } from './entry-stream.ts';
import type { ScopedCall } from './flow-service.ts';
import type { FlowRequest } from './query-params.ts';

const interfaceRecordValidator = Compile(InterfaceRecordSchema);

/**
 * The inventory stream: the configured selector narrowed to `_RecordType="interface"`, and for a
 * caller restricted to some namespaces to the interfaces their pods own (`IfK8S_Namespace`, a
 * stream label of inventory records): the node's own interfaces are nobody's namespace.
 */
export function interfaceSelector(base: LabelMatcher[], namespaces?: NamespaceScope): LabelMatcher[] {
  return [
    ...base.filter((m) => m.label !== RECORD_TYPE_LABEL),
    { label: RECORD_TYPE_LABEL, op: '=', value: INTERFACE_RECORD_TYPE },
    ...(namespaces ? [namespaceMatcher('IfK8S_Namespace', namespaces)] : []),
  ];
}

/** Filters that can select interfaces (every field they name is in an inventory record), and the others. */
export function splitInterfaceFilters(filters: Filter[]): { applied: Filter[]; ignored: string[] } {
  const applied: Filter[] = [];
  const ignored: string[] = [];
  for (const f of filters) {
    const fields = filterSpec(f.id)?.fields ?? [];
    if (fields.length > 0 && fields.every((x) => INTERFACE_FILTER_FIELDS.has(x))) applied.push(f);
    else if (!ignored.includes(f.id)) ignored.push(f.id);
  }
  return { applied, ignored };
}

const rowKey = (r: InterfaceRecord): string => `${r.K8S_HostName}\u0000${r.NetnsInode}\u0000${r.IfIndex}`;

function compareRows(a: InterfaceRow, b: InterfaceRow): number {
  const keys = (r: InterfaceRow): string[] => [
    r.K8S_HostName,
    r.IfK8S_Namespace ?? '\uffff',
    r.IfK8S_Name ?? '',
    r.IfNetns[0] ?? '',
    r.Interfaces[0] ?? '',
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) {
    const c = ka[i]! < kb[i]! ? -1 : ka[i]! > kb[i]! ? 1 : 0;
    if (c !== 0) return c;
  }
  return a.IfIndex - b.IfIndex;
}

export class InterfaceService {
  constructor(
    private readonly client: LokiClient,
    private readonly opts: { selector: LabelMatcher[]; maxEntries: number; maxRecords?: number },
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  queriesFor(req: FlowRequest, namespaces?: NamespaceScope): { queries: string[]; ignored: string[] } {
    const { applied, ignored } = splitInterfaceFilters(req.filters);
    const queries = buildLogQueries(
      { filters: applied, match: req.match },
      interfaceSelector(this.opts.selector, namespaces),
    );
    return { queries, ignored };
  }

  async list(req: FlowRequest, call: ScopedCall): Promise<InterfacesResponse> {
    const started = performance.now();
    const { queries, ignored } = this.queriesFor(req, call.namespaces);
    const maxRecords = this.opts.maxRecords ?? INTERFACES_MAX_ENTRIES;
    let queryCount = 0;
    let entries = 0;
    let truncated = false;
    const rows = new Map<string, InterfaceRow>();
    const ac = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal, ac.signal]) : ac.signal;
    const it = streamEntries(this.client, queries, {
      startNs: req.window.startNs,
      endNs: req.window.endNs,
      pageSize: this.opts.maxEntries,
      authorization: call.authorization,
      signal,
      onQuery: () => queryCount++,
      onTimestampOverflow: (ts) => {
        this.metrics.timestampOverflows.inc();
        this.log.warn(
          { ts: ts.toString() },
          'more inventory entries share one timestamp than one query returns',
        );
      },
    });
    try {
      for await (const entry of it) {
        if (entries >= maxRecords) {
          truncated = true;
          break;
        }
        entries++;
        const record = this.parse(entry.line);
        if (!record) continue;
        const key = rowKey(record);
        const row = rows.get(key);
        if (row) {
          // Entries come newest first: the first one of a key is its latest state.
          row.BytesInRange += record.Bytes;
          row.PacketsInRange += record.Packets;
          row.Reports++;
        } else {
          rows.set(key, {
            ...record,
            BytesInRange: record.Bytes,
            PacketsInRange: record.Packets,
            Reports: 1,
          });
        }
      }
    } finally {
      ac.abort();
    }
    return {
      interfaces: [...rows.values()].sort(compareRows),
      stats: {
        queries: queryCount,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        entries,
        truncated,
        ignoredFilters: ignored,
      },
    };
  }

  private parse(line: string): InterfaceRecord | undefined {
    try {
      const v: unknown = JSON.parse(line);
      if (interfaceRecordValidator.Check(v)) {
        // Only the schema's fields: other writers' extra fields stay out of the response.
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(InterfaceRecordSchema.properties)) {
          if ((v as Record<string, unknown>)[k] !== undefined) out[k] = (v as Record<string, unknown>)[k];
        }
        return out as InterfaceRecord;
      }
    } catch {
      // counted below
    }
    this.metrics.badLines.inc();
    return undefined;
  }
}
