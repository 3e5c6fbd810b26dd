// How one field of a record is shown (table cells and the details drawer).
import type { FlowRecord } from '../../api/types.ts';
import { formatBytes, formatTime, protocolName } from '../../model/fields.ts';
import { directionLabel } from '../../model/labels.ts';
import { useT } from '../../i18n/use-t.ts';

export function CellValue({ record, field }: { record: FlowRecord; field: string }) {
  const t = useT();
  const v = record[field];
  if (v === undefined || v === null || v === '') return <span className="interflow-muted">{field === 'IfNetns' && v === '' ? t('host') : '-'}</span>;
  switch (field) {
    case 'TimeFlowEndMs':
    case 'TimeFlowStartMs':
      return <time dateTime={new Date(Number(v)).toISOString()}>{formatTime(Number(v))}</time>;
    case 'TimeReceived':
      return <>{formatTime(Number(v) * 1000)}</>;
    case 'Proto':
      return <>{protocolName(Number(v))}</>;
    case 'Bytes':
      return <span title={String(v)}>{formatBytes(Number(v))}</span>;
    case 'IfDirections':
      return <>{(v as number[]).map((d) => directionLabel(t, d)).join(', ')}</>;
    case 'FlowDirection':
      return <>{directionLabel(t, Number(v), true)}</>;
    case 'IfNetns':
      return <>{(v as string[]).map((n) => (n === '' ? t('host') : n)).join(', ')}</>;
    default:
      return <>{Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}</>;
  }
}
