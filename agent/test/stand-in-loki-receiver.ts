// Stand-in for Loki's push API (POST /loki/api/v1/push; no Loki binary can run here): a real
// HTTP(S) server on 127.0.0.1 that takes pushes, records what it received, and can be told to
// answer errors, reset or hang connections, or stop listening (connection refused) and start
// again on the same port. Not a Loki: it checks the body is Loki's JSON push shape and nothing
// more. Tests that use it say "stand-in" in their names.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { FlowRecord } from '@interflow/contract';

export interface PushStream {
  stream: Record<string, string>;
  values: [string, string][];
}

export interface ReceivedPush {
  headers: IncomingMessage['headers'];
  /** Size of the body as sent (compressed when gzip). */
  wireBytes: number;
  /** Size of the decoded JSON body. */
  jsonBytes: number;
  streams: PushStream[];
  /** Records in the order they appear in the body (stream by stream). */
  records: FlowRecord[];
  /** What the receiver answered. */
  status: number;
}

/** What to do with one request; `undefined` = accept (204). */
export type Reply =
  | undefined
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'reset' // destroy the connection without an answer
  | 'hang'; // never answer (the client's timeout must fire)

export interface StandInLokiReceiver {
  url: string;
  port: number;
  /** Every request that arrived with a readable body, in arrival order. */
  requests: ReceivedPush[];
  /** Only requests answered 2xx. */
  accepted(): ReceivedPush[];
  /** Records of the accepted requests, in order. */
  acceptedRecords(): FlowRecord[];
  /** Decides the reply for each request; `n` counts requests from 0. */
  reply: (push: ReceivedPush, n: number) => Reply;
  /** Stop listening and drop every open connection: clients now get ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  /** HTTPS only: serve another key and certificate to new connections. */
  setTls(tls: { key: string; cert: string }): void;
  close(): Promise<void>;
}

export async function startStandInLokiReceiver(tls?: {
  key: string;
  cert: string;
}): Promise<StandInLokiReceiver> {
  let count = 0;
  const hanging = new Set<ServerResponse>();
  const receiver: StandInLokiReceiver = {
    url: '',
    port: 0,
    requests: [],
    accepted: () => receiver.requests.filter((r) => r.status >= 200 && r.status < 300),
    acceptedRecords: () => receiver.accepted().flatMap((r) => r.records),
    reply: () => undefined,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    start: () => listen(receiver.port),
    setTls: (next) => {
      if (!tls) throw new Error('not an HTTPS receiver');
      (server as HttpsServer).setSecureContext({ key: next.key, cert: next.cert });
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      if (server.listening) await receiver.stop();
    },
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      let push: ReceivedPush;
      try {
        const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
        const parsed = JSON.parse(json.toString('utf8')) as { streams: PushStream[] };
        if (req.method !== 'POST' || req.url !== '/loki/api/v1/push' || !Array.isArray(parsed.streams)) {
          throw new Error(`unexpected ${req.method} ${req.url}`);
        }
        push = {
          headers: req.headers,
          wireBytes: wire.length,
          jsonBytes: json.length,
          streams: parsed.streams,
          records: parsed.streams.flatMap((s) => s.values.map(([, line]) => JSON.parse(line) as FlowRecord)),
          status: 0,
        };
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`bad push: ${(e as Error).message}`);
        return;
      }
      const reply = receiver.reply(push, count++);
      receiver.requests.push(push);
      if (reply === 'reset') {
        push.status = -1;
        req.socket.destroy();
      } else if (reply === 'hang') {
        push.status = -2;
        hanging.add(res);
      } else {
        push.status = reply?.status ?? 204;
        res.writeHead(push.status, { 'content-type': 'text/plain', ...reply?.headers });
        res.end(reply?.body ?? '');
      }
    });
  };

  const server: Server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);

  async function listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    receiver.port = (server.address() as AddressInfo).port;
    receiver.url = `${tls ? 'https' : 'http'}://127.0.0.1:${receiver.port}`;
  }

  await listen(0);
  return receiver;
}
