// A stand-in for the backend's HTTP API that answers only when the test says so, for tests of
// what the page does while a request is out (auto-refresh, slow aggregations). It replaces
// fetch; each request keeps its abort signal so tests can tell whether it was cut short.
// Restore globalThis.fetch after the test.
import { vi } from 'vitest';
import type { FlowsResponse } from '../src/api/types.ts';

export interface PendingRequest {
  url: URL;
  signal: AbortSignal;
  /** Answers 200 with `body` (EMPTY_FLOWS by default). */
  answer: (body?: unknown) => void;
}

export const EMPTY_FLOWS: FlowsResponse = {
  records: [],
  stats: { queries: 1, durationMs: 1, limit: 100, limitReached: false, unreadable: 0, startMs: 0, endMs: 1 },
};

export function installSlowStandInBackend(): PendingRequest[] {
  const requests: PendingRequest[] = [];
  globalThis.fetch = vi.fn(
    (input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const signal = init?.signal ?? new AbortController().signal;
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        requests.push({
          url: new URL(String(input), 'http://localhost'),
          signal,
          answer: (body = EMPTY_FLOWS) => resolve(new Response(JSON.stringify(body), { status: 200 })),
        });
      }),
  ) as unknown as typeof fetch;
  return requests;
}

/**
 * Lets an answered request's promise chain (body read, JSON, state update) run to its end:
 * a few macrotask turns (setImmediate is never faked by the tests' fake timers).
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
