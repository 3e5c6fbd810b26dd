// The overview above the table (loaded lazily, so the table does not wait for the chart code):
// a measure switch, the histogram with time navigation, and the top interfaces and pairs.
// Every figure comes from the backend's aggregation over the whole range.
import { memo, useState } from 'react';
import { Alert, Skeleton, ToggleGroup, ToggleGroupItem } from '@patternfly/react-core';
import type { Filter } from '@interflow/contract';
import type { OverviewMetric } from '../../api/types.ts';
import { useOverview } from '../../hooks/useOverview.ts';
import { useT } from '../../i18n/use-t.ts';
import { canPanLater, pan, zoomOut, zoomTo } from '../../model/time-navigation.ts';
import { toApiParams, type ViewState } from '../../model/view.ts';
import { errorText } from '../states/error-text.ts';
import { FlowsHistogram } from './FlowsHistogram.tsx';
import { metricLabel } from './format-measure.ts';
import { TopInterfaces, TopPairs, type FilterToAdd } from './TopPanels.tsx';

export interface OverviewProps {
  view: ViewState;
  /**
   * Changes the view from the overview (a zoom, a clicked filter). A patch applied to the latest
   * view, not a whole view: the overview does not re-render for what it does not show (a new
   * row limit, columns, sort), so its own `view` may be older in those parts.
   */
  patchView: (patch: Partial<ViewState>) => void;
  /** changes when the table reloads, so the figures reload with it */
  tick: number;
}

const METRICS: OverviewMetric[] = ['bytes', 'packets', 'records'];

/** `id = value` replaces the values of an existing `id =` filter: a click narrows, never widens. */
export function withFilters(filters: readonly Filter[], add: FilterToAdd[]): Filter[] {
  let out = [...filters];
  for (const a of add) {
    const at = out.findIndex((f) => f.id === a.id && f.operator === '=');
    const next: Filter = { id: a.id, operator: '=', values: [a.value] };
    if (at < 0) out = [...out, next];
    else out[at] = next;
  }
  return out;
}

function OverviewPanel({ view, patchView, tick }: OverviewProps) {
  const t = useT();
  const [metric, setMetric] = useState<OverviewMetric>('bytes');
  const params = new URLSearchParams(overviewQuery(view));
  params.set('metric', metric);
  const query = params.toString();
  const histogram = useOverview('histogram', query, tick);
  const interfaces = useOverview('topInterfaces', query, tick);
  const pairs = useOverview('topPairs', query, tick);
  // "now" as of the last answer: whether a later range exists is judged against the data shown
  const now = histogram.data ? histogram.data.endMs + (view.time.kind === 'relative' ? 0 : Infinity) : 0;
  const addFilters = (add: FilterToAdd[]) => patchView({ filters: withFilters(view.filters, add) });
  const error = histogram.error ?? interfaces.error ?? pairs.error;

  return (
    <section className="interflow-overview" aria-label={t('Traffic overview')}>
      <ToggleGroup isCompact aria-label={t('Measure')} className="interflow-overview__metric">
        {METRICS.map((m) => (
          <ToggleGroupItem
            key={m}
            text={metricLabel(t, m)}
            buttonId={`interflow-metric-${m}`}
            data-test={`metric-${m}`}
            isSelected={metric === m}
            onChange={() => setMetric(m)}
          />
        ))}
      </ToggleGroup>
      {error && (
        <Alert
          variant="warning"
          variantLabel={t('Warning:')}
          isInline
          isPlain
          title={t('The overview could not be loaded.')}
        >
          {errorText(t, error)}
        </Alert>
      )}
      {histogram.data ? (
        <FlowsHistogram
          data={histogram.data}
          onZoom={(from, to) => patchView({ time: zoomTo(from, to) })}
          onPan={(d) => patchView({ time: pan(view.time, d, Date.now()) })}
          onZoomOut={() => patchView({ time: zoomOut(view.time, Date.now()) })}
          canPanLater={canPanLater(view.time, now)}
        />
      ) : (
        !error && <Skeleton height="160px" screenreaderText={t('Loading the histogram')} />
      )}
      <div className="interflow-overview__tops">
        {interfaces.data && <TopInterfaces data={interfaces.data} onAddFilters={addFilters} />}
        {pairs.data && <TopPairs data={pairs.data} onAddFilters={addFilters} />}
      </div>
    </section>
  );
}

/** What the overview shows depends on the query's filters, match and range only. */
function overviewQuery(view: ViewState): string {
  const params = toApiParams(view);
  params.delete('limit');
  return params.toString();
}

/**
 * Re-rendered only when its query, its reload tick or its updater changes: a new row limit
 * (1 000 rows to render) must not redraw the charts as well.
 */
export default memo(
  OverviewPanel,
  (a, b) =>
    a.tick === b.tick && a.patchView === b.patchView && overviewQuery(a.view) === overviewQuery(b.view),
);
