import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, apiUrl, exportUrl, fetchFlows } from './client.ts';

const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

describe('API client (stand-in fetch answers)', () => {
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
      { columns: ['TimeFlowEndMs', 'Interfaces'], values: 'readable' },
    );
    const p = new URL(url, 'http://x').searchParams;
    expect([...p.keys()]).toEqual(['filters', 'match', 'timeRange', 'format', 'columns']);
    expect(p.get('columns')).toBe('TimeFlowEndMs,Interfaces');
    const raw = new URL(
      exportUrl('', new URLSearchParams('timeRange=300'), { columns: [], values: 'raw', sort: 'Bytes:asc' }),
      'http://x',
    ).searchParams;
    expect(raw.get('values')).toBe('raw');
    expect(raw.get('sort')).toBe('Bytes:asc');
  });

  it('turns a 400 body into an ApiError naming the parameter', async () => {
    globalThis.fetch = vi.fn(
      async () =>
        new Response(JSON.stringify({ error: 'unknown filter id "x"', param: 'filters' }), { status: 400 }),
    ) as typeof fetch;
    const e = await fetchFlows('', new URLSearchParams()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      kind: 'backend',
      status: 400,
      message: 'unknown filter id "x"',
      param: 'filters',
      url: '/api/flows',
    });
  });

  it('keeps a non-JSON error body readable', async () => {
    globalThis.fetch = vi.fn(
      async () =>
        new Response('Bad Gateway from the console proxy', { status: 502, statusText: 'Bad Gateway' }),
    ) as typeof fetch;
    await expect(fetchFlows('', new URLSearchParams())).rejects.toMatchObject({
      kind: 'backend',
      status: 502,
      message: 'Bad Gateway from the console proxy',
    });
  });

  it('marks an error with an empty non-JSON body as having no message, keeping the status', async () => {
    globalThis.fetch = vi.fn(
      async () => new Response(' \n', { status: 504, statusText: 'Gateway Timeout' }),
    ) as typeof fetch;
    const e = await fetchFlows('/base', new URLSearchParams('limit=5')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      kind: 'no-message',
      status: 504,
      statusText: 'Gateway Timeout',
      url: '/base/api/flows?limit=5',
      param: undefined,
      message: 'HTTP 504 Gateway Timeout', // English, for logs only
    });
  });

  it('marks a success that is not JSON (e.g. a login page) as not-json, naming the URL', async () => {
    globalThis.fetch = vi.fn(
      async () => new Response('<html>Log in</html>', { status: 200, statusText: 'OK' }),
    ) as typeof fetch;
    const e = await fetchFlows('', new URLSearchParams('limit=5')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ kind: 'not-json', status: 200, url: '/api/flows?limit=5' });
    expect((e as Error).message).toBe(
      'the backend answered /api/flows?limit=5 with something that is not JSON',
    );
  });

  it('reports a request that got no answer as a NetworkError', async () => {
    globalThis.fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(fetchFlows('', new URLSearchParams())).rejects.toBeInstanceOf(NetworkError);
  });
});
