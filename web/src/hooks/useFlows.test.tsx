// Auto-refresh of the table (useFlows with useRefreshTimer) against a stand-in backend whose
// answers the test releases itself, with fake timers: a request slower than the interval is not
// aborted by the next refresh, and a hidden tab is not polled until it is shown again.
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiBaseContext } from '../api/api-base.tsx';
import {
  EMPTY_FLOWS,
  installSlowStandInBackend,
  settle,
  type PendingRequest,
} from '../../test/slow-stand-in-backend.ts';
import { useFlows } from './useFlows.ts';

let visibility: DocumentVisibilityState = 'visible';
const setVisibility = (state: DocumentVisibilityState) => {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
};

const originalFetch = globalThis.fetch;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  visibility = 'visible';
  // jsdom's document is always visible: the page's visibility is the test's
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
});
afterEach(() => {
  vi.useRealTimers();
  delete (document as { visibilityState?: unknown }).visibilityState; // back to jsdom's own
  globalThis.fetch = originalFetch;
});

const wrapper = ({ children }: { children: ReactNode }) => (
  <ApiBaseContext.Provider value="">{children}</ApiBaseContext.Provider>
);

const answer = async (request: PendingRequest) => {
  await act(async () => {
    request.answer();
    await settle();
  });
};
const wait = async (ms: number) => {
  await act(() => vi.advanceTimersByTimeAsync(ms));
};

describe('useFlows auto-refresh (stand-in backend)', () => {
  it('a request slower than the interval is not aborted by the next refresh: it finishes', async () => {
    const requests = installSlowStandInBackend();
    const { result } = renderHook(() => useFlows('timeRange=300', 15), { wrapper });
    expect(requests).toHaveLength(1);
    await wait(40_000); // more than two intervals while the first request is still out
    expect(requests[0]!.signal.aborted).toBe(false);
    expect(requests).toHaveLength(1);
    await answer(requests[0]!);
    expect(result.current.loading).toBe(false);
    expect(result.current.data).toEqual(EMPTY_FLOWS);
    // the next refresh is an interval after that answer
    await wait(14_000);
    expect(requests).toHaveLength(1);
    await wait(1_000);
    expect(requests).toHaveLength(2);
  });

  it('a hidden tab is not polled; the refresh that fell due runs when it is shown again', async () => {
    const requests = installSlowStandInBackend();
    renderHook(() => useFlows('timeRange=300', 15), { wrapper });
    await answer(requests[0]!);
    act(() => setVisibility('hidden'));
    await wait(120_000);
    expect(requests).toHaveLength(1);
    act(() => setVisibility('visible'));
    expect(requests).toHaveLength(2);
    await answer(requests[1]!);
    await wait(15_000);
    expect(requests).toHaveLength(3);
  });

  it('a new query still aborts the request in flight (its answer would be stale)', async () => {
    const requests = installSlowStandInBackend();
    const { rerender } = renderHook(({ query }) => useFlows(query, 15), {
      wrapper,
      initialProps: { query: 'timeRange=300' },
    });
    rerender({ query: 'timeRange=900' });
    expect(requests[0]!.signal.aborted).toBe(true);
    expect(requests.at(-1)!.url.searchParams.get('timeRange')).toBe('900');
  });
});
