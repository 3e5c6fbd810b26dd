import { useEffect, useState } from 'react';
import { fetchResources } from '../api/client.ts';
import type { AutocompleteKind } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';

/** Autocomplete values for a filter (empty while loading or when the backend cannot say). */
export function useResources(kind: AutocompleteKind | null): string[] {
  const base = useApiBase();
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => {
    setValues([]);
    if (!kind) return;
    const ac = new AbortController();
    fetchResources(base, kind, ac.signal).then(
      (r) => setValues(r.values),
      () => undefined, // suggestions are a convenience: typing a value still works
    );
    return () => ac.abort();
  }, [base, kind]);
  return values;
}
