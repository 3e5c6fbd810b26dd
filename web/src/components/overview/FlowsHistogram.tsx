// The histogram above the table: the chosen measure over the selected range in the server's
// buckets. Drag across it to zoom into a span; the buttons (and the arrow keys, "-" and "+"
// when it has focus) pan by half the range and zoom out. Every move writes startTime/endTime to
// the URL (Back undoes it). A table of the same buckets is there for screen readers.
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Button, Content } from '@patternfly/react-core';
import { AngleLeftIcon, AngleRightIcon, SearchMinusIcon } from '@patternfly/react-icons';
import { Chart, ChartAxis, ChartBar } from '@patternfly/react-charts/victory';
import type { HistogramResponse } from '../../api/types.ts';
import { useT } from '../../i18n/use-t.ts';
import { formatTime } from '../../model/fields.ts';
import { formatMeasure, metricLabel } from './format-measure.ts';

const HEIGHT = 160;
const PADDING = { top: 10, bottom: 30, left: 70, right: 20 };
/** Pixels a pointer must move before a press becomes a drag (a click is not a zoom). */
const DRAG_MIN_PX = 4;

export interface FlowsHistogramProps {
  data: HistogramResponse;
  onZoom: (fromMs: number, toMs: number) => void;
  onPan: (direction: -1 | 1) => void;
  onZoomOut: () => void;
  canPanLater: boolean;
}

function useWidth(): [React.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.floor(entry.contentRect.width)));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

function shortTime(ms: number, spanMs: number): string {
  const full = formatTime(ms);
  // the date only when the range spans days; seconds only on short ranges
  const time = spanMs < 600_000 ? full.slice(11, 19) : full.slice(11, 16);
  return spanMs > 86_400_000 ? `${full.slice(5, 10)} ${time}` : time;
}

export function FlowsHistogram({ data, onZoom, onPan, onZoomOut, canPanLater }: FlowsHistogramProps) {
  const t = useT();
  const metric = data.metric as HistogramResponse['metric'] & ('bytes' | 'packets' | 'records');
  const [ref, width] = useWidth();
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const plotWidth = width - PADDING.left - PADDING.right;
  const span = data.endMs - data.startMs;
  const msAt = (x: number) => data.startMs + (Math.min(Math.max(x, 0), plotWidth) / plotWidth) * span;

  const xOf = (e: PointerEvent<HTMLDivElement>) => e.clientX - e.currentTarget.getBoundingClientRect().left;
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const x = xOf(e);
    setDrag({ from: x, to: x });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag) setDrag({ ...drag, to: xOf(e) });
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const to = xOf(e);
    setDrag(null);
    if (Math.abs(to - drag.from) >= DRAG_MIN_PX) onZoom(msAt(drag.from), msAt(to));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowLeft') onPan(-1);
    else if (e.key === 'ArrowRight' && canPanLater) onPan(1);
    else if (e.key === '-' || e.key === 'ArrowDown') onZoomOut();
    else if (e.key === '+' || e.key === 'ArrowUp') {
      // zoom in on the middle half
      onZoom(data.startMs + span / 4, data.endMs - span / 4);
    } else return;
    e.preventDefault();
  };

  const bars = data.buckets.map((b) => ({ x: b.startMs + data.stepMs / 2, y: b.value }));
  const barWidth = Math.max(1, (plotWidth / Math.max(1, data.buckets.length)) * 0.8);
  const max = Math.max(1, ...data.buckets.map((b) => b.value));
  const label = t('{{measure}} over time, {{from}} to {{to}}, {{step}} s per bar', {
    measure: metricLabel(t, metric),
    from: formatTime(data.startMs),
    to: formatTime(data.endMs),
    step: data.stepMs / 1000,
  });

  return (
    <div className="interflow-histogram" data-test="flows-histogram">
      <div className="interflow-histogram__nav">
        <Button
          variant="plain"
          icon={<AngleLeftIcon />}
          aria-label={t('Earlier')}
          onClick={() => onPan(-1)}
          data-test="histogram-earlier"
        />
        <Button
          variant="plain"
          icon={<SearchMinusIcon />}
          aria-label={t('Zoom out')}
          onClick={onZoomOut}
          data-test="histogram-zoom-out"
        />
        <Button
          variant="plain"
          icon={<AngleRightIcon />}
          aria-label={t('Later')}
          onClick={() => onPan(1)}
          isDisabled={!canPanLater}
          data-test="histogram-later"
        />
        <Content component="small" className="interflow-histogram__hint">
          {t('Drag across the chart to zoom in; arrow keys move through time, "-" zooms out.')}
        </Content>
      </div>
      <div
        ref={ref}
        className="interflow-histogram__chart"
        role="group"
        tabIndex={0}
        aria-label={label}
        onKeyDown={onKeyDown}
      >
        <Chart
          width={width}
          height={HEIGHT}
          padding={PADDING}
          domain={{ x: [data.startMs, data.endMs], y: [0, max] }}
          scale={{ x: 'time', y: 'linear' }}
          ariaTitle={label}
        >
          <ChartAxis tickFormat={(v: number) => shortTime(v, span)} tickCount={6} />
          <ChartAxis dependentAxis tickFormat={(v: number) => formatMeasure(t, metric, v)} tickCount={3} />
          <ChartBar
            data={bars}
            barWidth={barWidth}
            style={{ data: { fill: 'var(--pf-t--chart--color--blue--300, #4394e5)' } }}
          />
        </Chart>
        <div
          className="interflow-histogram__drag"
          data-test="histogram-drag-area"
          style={{
            left: PADDING.left,
            width: plotWidth,
            top: PADDING.top,
            height: HEIGHT - PADDING.top - PADDING.bottom,
          }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setDrag(null)}
        >
          {drag && Math.abs(drag.to - drag.from) >= DRAG_MIN_PX && (
            <div
              className="interflow-histogram__selection"
              style={{ left: Math.min(drag.from, drag.to), width: Math.abs(drag.to - drag.from) }}
            />
          )}
        </div>
      </div>
      <table className="pf-v6-screen-reader" data-test="histogram-table">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">{t('From')}</th>
            <th scope="col">{metricLabel(t, metric)}</th>
          </tr>
        </thead>
        <tbody>
          {data.buckets.map((b) => (
            <tr key={b.startMs}>
              <td>{formatTime(b.startMs)}</td>
              <td>{formatMeasure(t, metric, b.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
