// Moving through time from the histogram: zoom into a dragged span, pan by half the span,
// zoom out to twice the span. Every move yields an absolute range (startTime/endTime in the URL),
// so Back returns to the previous one. Nothing ends in the future: the newest data is "now".
import type { TimeSelection } from './view.ts';

/** The selection as [startMs, endMs], a relative one measured back from `nowMs`. */
export function selectionMs(time: TimeSelection, nowMs: number): [number, number] {
  if (time.kind === 'relative') return [nowMs - time.rangeS * 1000, nowMs];
  return [time.startS * 1000, time.endS * 1000];
}

const MIN_SPAN_MS = 1000;

/** An absolute selection of whole seconds covering [fromMs, toMs] (order-free), at least 1 s long. */
export function zoomTo(fromMs: number, toMs: number): TimeSelection {
  let startS = Math.floor(Math.min(fromMs, toMs) / 1000);
  let endS = Math.ceil(Math.max(fromMs, toMs) / 1000);
  if (endS - startS < MIN_SPAN_MS / 1000) endS = startS + 1;
  if (startS < 0) startS = 0;
  return { kind: 'absolute', startS, endS };
}

/** Half the span earlier (-1) or later (+1); never past now. */
export function pan(time: TimeSelection, direction: -1 | 1, nowMs: number): TimeSelection {
  const [start, end] = selectionMs(time, nowMs);
  const span = end - start;
  let shift = (direction * span) / 2;
  if (end + shift > nowMs) shift = nowMs - end;
  return zoomTo(start + shift, end + shift);
}

/** Twice the span around the same centre; moved back so it does not end after now. */
export function zoomOut(time: TimeSelection, nowMs: number): TimeSelection {
  const [start, end] = selectionMs(time, nowMs);
  const span = end - start;
  let s = start - span / 2;
  let e = end + span / 2;
  if (e > nowMs) {
    s -= e - nowMs;
    e = nowMs;
  }
  return zoomTo(s, e);
}

/** Whether a later range exists (the selection ends before now). */
export function canPanLater(time: TimeSelection, nowMs: number): boolean {
  return selectionMs(time, nowMs)[1] < nowMs - 1000;
}
