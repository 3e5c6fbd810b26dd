import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchFlows } from '../api/client.ts';
import type { FlowsResponse } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';

export interface FlowsState {
  data: FlowsResponse | null;
  error: Error | null;
  loading: boolean;
  /** When the last answer arrived (ms), for "updated at". */
  updatedAt: number | null;
  reload: () => void;
}

/**
 * Fetches /api/flows for the given query string; refetches when it changes, on `reload()` and
 * every `refreshS` seconds (0 = never). A newer request aborts the one in flight, so an old
 * answer never overwrites a newer one.
 */
export function useFlows(query: string, refreshS: number): FlowsState {
  const base = useApiBase();
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<Omit<FlowsState, 'reload'>>({ data: null, error: null, loading: true, updatedAt: null });
  const current = useRef<AbortController | null>(null);

  useEffect(() => {
    current.current?.abort();
    const ac = new AbortController();
    current.current = ac;
    setState((s) => ({ ...s, loading: true }));
    fetchFlows(base, new URLSearchParams(query), ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setState({ data, error: null, loading: false, updatedAt: Date.now() });
      },
      (error: Error) => {
        if (!ac.signal.aborted) setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => ac.abort();
  }, [base, query, tick]);

  useEffect(() => {
    if (!refreshS) return;
    const id = setInterval(() => setTick((n) => n + 1), refreshS * 1000);
    return () => clearInterval(id);
  }, [refreshS]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
