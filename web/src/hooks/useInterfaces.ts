import { useCallback, useEffect, useState } from 'react';
import { fetchInterfaces } from '../api/client.ts';
import type { InterfacesResponse } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';
import { useRefreshTimer } from './useRefreshTimer.ts';

export interface InterfacesState {
  data: InterfacesResponse | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

interface Result {
  key: string;
  data: InterfacesResponse | null;
  error: Error | null;
}

/**
 * Fetches /api/interfaces for the view's query string, like useFlows: again when the query
 * changes, on reload() and `refreshS` seconds after each answer while the page is visible; a
 * new query aborts the request in flight, auto-refresh never does.
 */
export function useInterfaces(query: string, refreshS: number, enabled: boolean): InterfacesState {
  const base = useApiBase();
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<Result>({ key: '', data: null, error: null });
  const key = `${base}\n${query}\n${tick}`;

  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    fetchInterfaces(base, new URLSearchParams(query), ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setResult({ key, data, error: null });
      },
      (error: Error) => {
        if (!ac.signal.aborted) setResult((r) => ({ ...r, key, error }));
      },
    );
    return () => ac.abort();
  }, [base, query, key, enabled]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const loading = result.key !== key;
  useRefreshTimer(enabled ? refreshS : 0, !loading, key, reload);
  return { data: result.data, error: result.error, loading, reload };
}
