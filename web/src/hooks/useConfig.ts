import { useEffect, useState } from 'react';
import { fetchConfig } from '../api/client.ts';
import type { ConfigResponse } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';

export interface ConfigState {
  config: ConfigResponse | null;
  error: Error | null;
}

/** GET /api/config once per mount. The page still works on built-in defaults when it fails. */
export function useConfig(): ConfigState {
  const base = useApiBase();
  const [state, setState] = useState<ConfigState>({ config: null, error: null });
  useEffect(() => {
    const ac = new AbortController();
    fetchConfig(base, ac.signal).then(
      (config) => setState({ config, error: null }),
      (error: Error) => {
        if (error.name !== 'AbortError') setState({ config: null, error });
      },
    );
    return () => ac.abort();
  }, [base]);
  return state;
}
