import { useEffect, useState } from 'react';
import { fetchOverview, type OverviewResponses } from '../api/client.ts';
import { useApiBase } from '../api/api-base.tsx';

export interface OverviewState<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
}

/**
 * One overview route for the given query string (the table's parameters plus `metric`); the
 * previous figures stay on screen while the next ones load, and a new query aborts the request
 * in flight. A new `tick` (the table reloaded) is taken up once the request in flight has
 * answered: a slow aggregation is never cut short by the table's auto-refresh.
 */
export function useOverview<K extends keyof OverviewResponses>(
  kind: K,
  query: string,
  tick: number,
): OverviewState<OverviewResponses[K]> {
  const base = useApiBase();
  const [servedTick, setServedTick] = useState(tick);
  const key = `${base}\n${query}\n${servedTick}`;
  const [result, setResult] = useState<{
    key: string;
    data: OverviewResponses[K] | null;
    error: Error | null;
  }>({
    key: '',
    data: null,
    error: null,
  });
  if (tick !== servedTick && result.key === key) setServedTick(tick);
  useEffect(() => {
    const ac = new AbortController();
    fetchOverview(base, kind, new URLSearchParams(query), ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setResult({ key, data, error: null });
      },
      (error: Error) => {
        if (!ac.signal.aborted) setResult((r) => ({ ...r, key, error }));
      },
    );
    return () => ac.abort();
  }, [base, kind, query, key]);
  return { data: result.data, error: result.key === key ? result.error : null, loading: result.key !== key };
}
