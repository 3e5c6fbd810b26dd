import { useEffect, useState } from 'react';
import { fetchResources } from '../api/client.ts';
import type { AutocompleteKind } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';

/** Autocomplete values for a filter (empty while loading or when the backend cannot say). */
export function useResources(kind: AutocompleteKind | null): string[] {
  const base = useApiBase();
  const [loaded, setLoaded] = useState<{ kind: string; values: string[] }>({ kind: '', values: [] });
  useEffect(() => {
    if (!kind) return;
    const ac = new AbortController();
    fetchResources(base, kind, ac.signal).then(
      (r) => {
        if (!ac.signal.aborted) setLoaded({ kind, values: r.values });
      },
      () => undefined, // suggestions are a convenience: typing a value still works
    );
    return () => ac.abort();
  }, [base, kind]);
  return kind && loaded.kind === kind ? loaded.values : [];
}
