// How one field of a record is shown (table cells and the details drawer).
import type { TFunction } from 'i18next';
import type { StoredFlowRecord } from '../../api/types.ts';
import { protocolName, type FlowObservation } from '@interflow/contract';
import { fieldValue, formatBytes, formatTime, type FlowField } from '../../model/fields.ts';
import { directionLabel, interfaceWithDirection } from '../../model/labels.ts';
import { useT } from '../../i18n/use-t.ts';

type Format = (t: TFunction, v: unknown) => string;

/** Fields shown other than as their text (keys are the contract's field names, checked by the compiler). */
const FORMATS: Partial<Record<FlowField, Format>> = {
  TimeFlowEndMs: (_t, v) => formatTime(Number(v)),
  TimeFlowStartMs: (_t, v) => formatTime(Number(v)),
  TimeReceived: (_t, v) => formatTime(Number(v) * 1000),
  Bytes: (_t, v) => formatBytes(Number(v)),
  IfDirections: (t, v) => directionLabel(t, Number(v)),
  FlowDirection: (t, v) => directionLabel(t, Number(v), true),
  IfNetns: (t, v) => (v === '' ? t('host') : String(v)),
};

const INTERFACES: FlowField = 'Interfaces';

/**
 * The Interfaces cell: each interface with its direction, `net1 (egress), eth0 (ingress)` —
 * Interfaces and IfDirections are parallel arrays, and one interface alone does not say which
 * way the flow crossed it.
 */
export function interfacesText(t: TFunction, record: StoredFlowRecord): string | undefined {
  const merged = mergedObservations(record);
  if (merged) return merged.map((o) => observationText(t, o)).join(', ');
  const names: unknown = record.Interfaces;
  const dirs: unknown = record.IfDirections;
  if (!Array.isArray(names) || names.length === 0) return undefined;
  return names
    .map((n, i) =>
      interfaceWithDirection(t, formatValue(t, INTERFACES, n), Array.isArray(dirs) ? dirs[i] : undefined),
    )
    .join(', ');
}

/** The observations of a row that merges several records (one row per flow), else undefined. */
function mergedObservations(record: StoredFlowRecord): FlowObservation[] | undefined {
  const r = record as { MergedRecords?: unknown; Observations?: unknown };
  return typeof r.MergedRecords === 'number' && r.MergedRecords > 1 && Array.isArray(r.Observations)
    ? (r.Observations as FlowObservation[])
    : undefined;
}

/** `net1@pod-a egress (1.2 KB)`: the interface, its owner (or netns), direction and its own bytes. */
export function observationText(t: TFunction, o: FlowObservation): string {
  const owner = o.IfK8S_Name ?? (o.IfNetns === '' ? t('host') : (o.IfNetns ?? '?'));
  const direction = o.IfDirection === 0 ? t('ingress') : o.IfDirection === 1 ? t('egress') : '';
  const bytes = o.Bytes === undefined ? '-' : formatBytes(o.Bytes);
  return t('{{interface}}@{{owner}} {{direction}} ({{bytes}})', {
    interface: o.Interface,
    owner,
    direction,
    bytes,
  });
}

/** Millisecond times, shown as a <time> element. */
const TIME_MS_FIELDS: ReadonlySet<string> = new Set<FlowField>(['TimeFlowEndMs', 'TimeFlowStartMs']);
const BYTES: FlowField = 'Bytes';

const PROTO: FlowField = 'Proto';

/**
 * Text for one value of a field (one element for array fields). With the record, values that
 * depend on another field read it (Proto 0 of an ARP frame is "ARP").
 */
export function formatValue(t: TFunction, field: string, v: unknown, record?: StoredFlowRecord): string {
  if (v === undefined || v === null) return '-';
  // the contract's names (TCP; ARP from the record's EtherType); "—" when a frame has no IP protocol
  if (field === PROTO) return protocolName(Number(v), record && fieldValue(record, 'Etype')) || '—';
  const format = Object.hasOwn(FORMATS, field) ? FORMATS[field as FlowField] : undefined;
  if (format) return format(t, v);
  if (v === '') return '-';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Cell content; a plain function (not a component with its own hook) so a 1 000-row table stays cheap. */
export function cellContent(t: TFunction, record: StoredFlowRecord, field: string) {
  const v = fieldValue(record, field);
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0))
    return <span className="interflow-muted">-</span>;
  if (field === INTERFACES) {
    const text = interfacesText(t, record);
    if (text !== undefined) return <>{text}</>;
  }
  if (Array.isArray(v)) return <>{v.map((x) => formatValue(t, field, x)).join(', ')}</>;
  if (TIME_MS_FIELDS.has(field)) {
    const d = new Date(Number(v));
    return Number.isNaN(d.getTime()) ? (
      <>{String(v)}</>
    ) : (
      <time dateTime={d.toISOString()}>{formatTime(Number(v))}</time>
    );
  }
  if (field === BYTES) return <span title={String(v)}>{formatBytes(Number(v))}</span>;
  return <>{formatValue(t, field, v, record)}</>;
}

export function CellValue({ record, field }: { record: StoredFlowRecord; field: string }) {
  const t = useT();
  return cellContent(t, record, field);
}
