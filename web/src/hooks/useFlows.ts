import { useCallback, useEffect, useState } from 'react';
import { fetchFlows } from '../api/client.ts';
import type { FlowsResponse } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';

export interface FlowsState {
  data: FlowsResponse | null;
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
  error: Error | null;
}

/**
 * Fetches /api/flows for the given query string; refetches when it changes, on `reload()` and
 * every `refreshS` seconds (0 = never). A newer request aborts the one in flight, so an old
 * answer never overwrites a newer one. The previous rows stay on screen while loading.
 */
export function useFlows(query: string, refreshS: number): FlowsState {
  const base = useApiBase();
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<Result>({ key: '', data: null, error: null });
  const key = `${base}\n${query}\n${tick}`;

  useEffect(() => {
    const ac = new AbortController();
    fetchFlows(base, new URLSearchParams(query), ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setResult({ key, data, error: null });
      },
      (error: Error) => {
        if (!ac.signal.aborted) setResult((r) => ({ ...r, key, error }));
      },
    );
    return () => ac.abort();
  }, [base, query, key]);

  useEffect(() => {
    if (!refreshS) return;
    const id = setInterval(() => setTick((n) => n + 1), refreshS * 1000);
    return () => clearInterval(id);
  }, [refreshS]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return {
    data: result.data,
    error: result.error,
    loading: result.key !== key,
    reload,
    reloads: tick,
  };
}
