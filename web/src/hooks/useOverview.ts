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
 * previous figures stay on screen while the next ones load, and a newer request aborts the older.
 */
export function useOverview<K extends keyof OverviewResponses>(
  kind: K,
  query: string,
  tick: number,
): OverviewState<OverviewResponses[K]> {
  const base = useApiBase();
  const key = `${base}\n${query}\n${tick}`;
  const [result, setResult] = useState<{
    key: string;
    data: OverviewResponses[K] | null;
    error: Error | null;
  }>({
    key: '',
    data: null,
    error: null,
  });
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
