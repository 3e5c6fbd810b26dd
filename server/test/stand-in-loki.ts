// Test support: a small real HTTP(S) server standing in for Loki where a test must see what
// the backend sends (headers, parameters) or make Loki misbehave. It answers query_range from
// an in-memory list of entries by time window and limit (newest first) and ignores the LogQL
// (filtering is tested against the embedded store). Named "stand-in Loki" in test names.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  params: URLSearchParams;
  headers: IncomingMessage['headers'];
  aborted: boolean;
}

export interface StandInLoki {
  url: string;
  requests: RecordedRequest[];
  /** Entries as [ns timestamp, line], any order. */
  entries: Array<[bigint, string]>;
  /** Override the answer: return true when the handler answered. */
  handler?: (req: IncomingMessage, res: ServerResponse, rec: RecordedRequest) => boolean | Promise<boolean>;
  /** Delay before answering query_range, ms. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startStandInLoki(tls?: { cert: string; key: string }): Promise<StandInLoki> {
  const s: StandInLoki = {
    url: '',
    requests: [],
    entries: [],
    delayMs: 0,
    close: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://x');
    const rec: RecordedRequest = {
      path: u.pathname,
      params: u.searchParams,
      headers: req.headers,
      aborted: false,
    };
    s.requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    if (s.handler && (await s.handler(req, res, rec))) return;
    if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs));
    if (res.destroyed) return;
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (u.pathname === '/ready') return void res.writeHead(200).end('ready');
    if (u.pathname === '/loki/api/v1/labels') return json({ status: 'success', data: ['app'] });
    if (u.pathname.startsWith('/loki/api/v1/label/')) return json({ status: 'success', data: ['a', 'b'] });
    if (u.pathname === '/loki/api/v1/query_range') {
      const start = BigInt(u.searchParams.get('start') ?? '0');
      const end = BigInt(u.searchParams.get('end') ?? '0');
      const limit = Number(u.searchParams.get('limit') ?? '100');
      const values = s.entries
        .filter(([ts]) => ts >= start && ts < end)
        .sort((a, b) => (a[0] === b[0] ? 0 : a[0] > b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([ts, line]) => [ts.toString(), line]);
      return json({
        status: 'success',
        data: { resultType: 'streams', result: [{ stream: { app: 'interflow' }, values }], stats: {} },
      });
    }
    res.writeHead(404).end('404 page not found\n');
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  };
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener)
    : createHttpServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  s.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  s.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return s;
}
