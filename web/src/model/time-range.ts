// Relative time ranges offered by the page (seconds), 5 minutes to 2 weeks.
export const TIME_RANGES_S = [
  300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 1209600,
] as const;

export const REFRESH_INTERVALS_S = [0, 15, 30, 60, 300, 900] as const;

export const ROW_LIMITS = [50, 100, 500, 1000] as const;

/** The preset choices, plus `current` in order when it is none of them (a value from a shared URL). */
export function choicesWith(presets: readonly number[], current: number): number[] {
  return presets.includes(current) ? [...presets] : [...presets, current].sort((a, b) => a - b);
}

/**
 * The range the empty state offers ("show more"): one day, or the next preset longer than the
 * current span; null when nothing longer is offered. It never narrows the view.
 */
export function widerRangeS(spanS: number): number | null {
  if (spanS < 86400) return 86400;
  return TIME_RANGES_S.find((s) => s > spanS) ?? null;
}

/** Short label such as "5m", "2h", "1d", "2w" (unit letters are not translated, like Grafana/console). */
export function durationLabel(seconds: number): string {
  if (seconds % 604800 === 0) return `${seconds / 604800}w`;
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
