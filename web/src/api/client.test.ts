import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, apiUrl, exportUrl, fetchFlows } from './client.ts';

const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

describe('API client (fetch stubbed)', () => {
  it('builds URLs under the base without doubling slashes', () => {
    expect(apiUrl('/api/proxy/plugin/interflow-plugin/backend/', '/api/config')).toBe(
      '/api/proxy/plugin/interflow-plugin/backend/api/config',
    );
    expect(apiUrl('', '/api/flows', new URLSearchParams('a=1'))).toBe('/api/flows?a=1');
  });

  it('export URL keeps the query, drops the table limit, adds format and columns', () => {
    const url = exportUrl(
      '',
      new URLSearchParams('filters=interfaces%3Dnet1&match=any&timeRange=300&limit=50'),
      ['TimeFlowEndMs', 'Interfaces'],
    );
    const p = new URL(url, 'http://x').searchParams;
    expect([...p.keys()]).toEqual(['filters', 'match', 'timeRange', 'format', 'columns']);
    expect(p.get('columns')).toBe('TimeFlowEndMs,Interfaces');
  });

  it('turns a 400 body into an ApiError naming the parameter', async () => {
    globalThis.fetch = vi.fn(
      async () =>
        new Response(JSON.stringify({ error: 'unknown filter id "x"', param: 'filters' }), { status: 400 }),
    ) as typeof fetch;
    const e = await fetchFlows('', new URLSearchParams()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, message: 'unknown filter id "x"', param: 'filters' });
  });

  it('keeps a non-JSON error body readable', async () => {
    globalThis.fetch = vi.fn(
      async () =>
        new Response('Bad Gateway from the console proxy', { status: 502, statusText: 'Bad Gateway' }),
    ) as typeof fetch;
    await expect(fetchFlows('', new URLSearchParams())).rejects.toMatchObject({
      status: 502,
      message: 'Bad Gateway from the console proxy',
    });
  });

  it('reports a request that got no answer as a NetworkError', async () => {
    globalThis.fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(fetchFlows('', new URLSearchParams())).rejects.toBeInstanceOf(NetworkError);
  });
});
