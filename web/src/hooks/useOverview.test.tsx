// The overview follows the table's reloads (`tick`) without cutting its own slow aggregation
// short: a new tick while a request is out is taken up once that request has answered. A new
// query still aborts the request in flight. Against a stand-in backend the test answers itself.
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiBaseContext } from '../api/api-base.tsx';
import { installSlowStandInBackend, settle } from '../../test/slow-stand-in-backend.ts';
import { useOverview } from './useOverview.ts';

const originalFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = originalFetch;
});

const wrapper = ({ children }: { children: ReactNode }) => (
  <ApiBaseContext.Provider value="">{children}</ApiBaseContext.Provider>
);

const HISTOGRAM = {
  metric: 'bytes',
  startMs: 0,
  endMs: 60_000,
  stepMs: 60_000,
  buckets: [{ startMs: 0, value: 5 }],
  total: 5,
  stats: { queries: 1, durationMs: 1 },
};

describe('useOverview and the table reloads (stand-in backend)', () => {
  it('a reload while the aggregation is out does not abort it; the next one is asked after its answer', async () => {
    const requests = installSlowStandInBackend();
    const { result, rerender } = renderHook(({ tick }) => useOverview('histogram', 'timeRange=300', tick), {
      wrapper,
      initialProps: { tick: 0 },
    });
    expect(requests).toHaveLength(1);
    rerender({ tick: 1 });
    rerender({ tick: 2 });
    expect(requests[0]!.signal.aborted).toBe(false);
    expect(requests).toHaveLength(1);
    await act(async () => {
      requests[0]!.answer(HISTOGRAM);
      await settle();
    });
    // the answer is shown and the reloads that came meanwhile are asked once
    expect(result.current.data).toEqual(HISTOGRAM);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.signal.aborted).toBe(false);
  });

  it('a new query aborts the request in flight', () => {
    const requests = installSlowStandInBackend();
    const { rerender } = renderHook(({ query }) => useOverview('histogram', query, 0), {
      wrapper,
      initialProps: { query: 'timeRange=300' },
    });
    rerender({ query: 'timeRange=900' });
    expect(requests[0]!.signal.aborted).toBe(true);
    expect(requests.at(-1)!.url.searchParams.get('timeRange')).toBe('900');
  });
});
