import { useCallback, useEffect, useState } from 'react';
import { fetchFlows } from '../api/client.ts';
import type { FlowsResponse } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';
import { useRefreshTimer } from './useRefreshTimer.ts';

export interface FlowsState {
  data: FlowsResponse | null;
  /** The query string `data` answers (an older one while a new query loads). */
  dataQuery: string | null;
  error: Error | null;
  /** True while the answer for the current query (or the latest reload) is awaited. */
  loading: boolean;
  reload: () => void;
  /** How many reloads (button or auto-refresh) so far: views that follow the table reload with it. */
  reloads: number;
}

interface Result {
  /** Which request this result answers; a mismatch with the current one means "loading". */
  key: string;
  data: FlowsResponse | null;
  dataQuery: string | null;
  error: Error | null;
}

/**
 * Fetches /api/flows for the given query string; refetches when it changes, on `reload()` and
 * `refreshS` seconds (0 = never) after each answer while the page is visible (useRefreshTimer:
 * auto-refresh never aborts its own request). A new query aborts the request in flight, so an
 * old answer never overwrites a newer one. The previous rows stay on screen while loading.
 */
export function useFlows(query: string, refreshS: number): FlowsState {
  const base = useApiBase();
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<Result>({ key: '', data: null, dataQuery: null, error: null });
  const key = `${base}\n${query}\n${tick}`;

  useEffect(() => {
    const ac = new AbortController();
    fetchFlows(base, new URLSearchParams(query), ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setResult({ key, data, dataQuery: query, error: null });
      },
      (error: Error) => {
        if (!ac.signal.aborted) setResult((r) => ({ ...r, key, error }));
      },
    );
    return () => ac.abort();
  }, [base, query, key]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const loading = result.key !== key;
  useRefreshTimer(refreshS, !loading, key, reload);
  return {
    data: result.data,
    dataQuery: result.dataQuery,
    error: result.error,
    loading,
    reload,
    reloads: tick,
  };
}
