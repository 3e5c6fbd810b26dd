import { useEffect, useRef, useState } from 'react';
import { fetchResources } from '../api/client.ts';
import type { AutocompleteKind, ResourcesResponse } from '../api/types.ts';
import { useApiBase } from '../api/api-base.tsx';
import { DEFAULT_VIEW, toApiParams, type TimeSelection } from '../model/view.ts';

/** Suggestions of one kind over one time range; `details` says what a value is (its owning pod…). */
export interface Suggestions {
  values: string[];
  details: Record<string, string[]>;
}

const NONE: Suggestions = { values: [], details: {} };
/** A relative range moves with the clock: its answer is asked again after a minute. */
const RELATIVE_TTL_MS = 60_000;
const MAX_CACHED = 50;

type Cache = Map<string, { at: number; answer: Promise<ResourcesResponse> }>;

/** The time parameters of /api/resources for a range. */
function windowParams(time: TimeSelection): URLSearchParams {
  const all = toApiParams({ ...DEFAULT_VIEW, time });
  const out = new URLSearchParams();
  for (const p of ['timeRange', 'startTime', 'endTime']) {
    const v = all.get(p);
    if (v !== null) out.set(p, v);
  }
  return out;
}

function ask(cache: Cache, base: string, kind: AutocompleteKind, time: TimeSelection) {
  const window = windowParams(time);
  const key = `${base}|${kind}|${window}`;
  const hit = cache.get(key);
  if (hit && (time.kind === 'absolute' || Date.now() - hit.at < RELATIVE_TTL_MS)) return hit.answer;
  const answer = fetchResources(base, kind, window);
  answer.catch(() => cache.delete(key)); // a failure is not kept: the next look asks again
  cache.set(key, { at: Date.now(), answer });
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return answer;
}

/**
 * Autocomplete values for a filter over the view's time range (none while loading or when the
 * backend cannot say). Answers are kept per kind and range for as long as the picker lives, so
 * switching categories back and forth asks once per range.
 */
export function useResources(kind: AutocompleteKind | null, time: TimeSelection): Suggestions {
  const base = useApiBase();
  const cache = useRef<Cache>(new Map());
  const [loaded, setLoaded] = useState<{ key: string; suggestions: Suggestions }>({
    key: '',
    suggestions: NONE,
  });
  const key = kind ? `${base}|${kind}|${windowParams(time)}` : '';
  useEffect(() => {
    if (!kind) return;
    let live = true;
    ask(cache.current, base, kind, time).then(
      (r) => {
        if (live) setLoaded({ key, suggestions: { values: r.values, details: r.details ?? {} } });
      },
      () => undefined, // suggestions are a convenience: typing a value still works
    );
    return () => {
      live = false;
    };
    // `key` stands for base, kind and time
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return kind && loaded.key === key ? loaded.suggestions : NONE;
}
