// How one field of a record is shown (table cells and the details drawer).
import type { TFunction } from 'i18next';
import type { StoredFlowRecord } from '../../api/types.ts';
import { fieldValue, formatBytes, formatTime, protocolName } from '../../model/fields.ts';
import { directionLabel } from '../../model/labels.ts';
import { useT } from '../../i18n/use-t.ts';

/** Text for one value of a field (one element for array fields). */
export function formatValue(t: TFunction, field: string, v: unknown): string {
  if (v === undefined || v === null) return '-';
  switch (field) {
    case 'TimeFlowEndMs':
    case 'TimeFlowStartMs':
      return formatTime(Number(v));
    case 'TimeReceived':
      return formatTime(Number(v) * 1000);
    case 'Proto':
      return protocolName(Number(v));
    case 'Bytes':
      return formatBytes(Number(v));
    case 'IfDirections':
      return directionLabel(t, Number(v));
    case 'FlowDirection':
      return directionLabel(t, Number(v), true);
    case 'IfNetns':
      return v === '' ? t('host') : String(v);
    default:
      if (v === '') return '-';
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** Cell content; a plain function (not a component with its own hook) so a 1 000-row table stays cheap. */
export function cellContent(t: TFunction, record: StoredFlowRecord, field: string) {
  const v = fieldValue(record, field);
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0))
    return <span className="interflow-muted">-</span>;
  if (Array.isArray(v)) return <>{v.map((x) => formatValue(t, field, x)).join(', ')}</>;
  if (field === 'TimeFlowEndMs' || field === 'TimeFlowStartMs') {
    const d = new Date(Number(v));
    return Number.isNaN(d.getTime()) ? (
      <>{String(v)}</>
    ) : (
      <time dateTime={d.toISOString()}>{formatTime(Number(v))}</time>
    );
  }
  if (field === 'Bytes') return <span title={String(v)}>{formatBytes(Number(v))}</span>;
  return <>{formatValue(t, field, v)}</>;
}

export function CellValue({ record, field }: { record: StoredFlowRecord; field: string }) {
  const t = useT();
  return cellContent(t, record, field);
}
