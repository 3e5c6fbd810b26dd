import type { TFunction } from 'i18next';
import type { OverviewMetric } from '../../api/types.ts';
import { formatBytes } from '../../model/fields.ts';

/** A figure of the chosen measure, for people: bytes in KiB/MiB…, packets and records as counts. */
export function formatMeasure(t: TFunction, metric: OverviewMetric, value: number): string {
  const n = Math.round(value);
  if (metric === 'bytes') return formatBytes(n);
  if (metric === 'packets') return t('{{count}} packets', { count: n });
  return t('{{count}} records', { count: n });
}

export function metricLabel(t: TFunction, metric: OverviewMetric): string {
  if (metric === 'bytes') return t('Bytes');
  if (metric === 'packets') return t('Packets');
  return t('Records');
}
