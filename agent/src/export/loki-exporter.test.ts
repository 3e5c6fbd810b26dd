// The Loki exporter against a real HTTP(S) server on loopback standing in for Loki's push API
// (agent/test/stand-in-loki-receiver.ts).
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { FlowRecord } from '@interflow/contract';
import { selfSignedCert } from '../../../test/support/self-signed-cert.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { waitFor } from '../../../test/support/wait.ts';
import {
  captureLogger,
  metricValue,
  startExporterHarness,
  type LogLine,
} from '../../test/exporter-harness.ts';
import { ids, makeRecord, range } from '../../test/numbered-records.ts';
import { startStandInLokiReceiver } from '../../test/stand-in-loki-receiver.ts';
import { loadAgentConfig } from '../config/config.ts';
import { createAgentMetrics } from '../metrics.ts';
import { createLokiExporter } from './loki-exporter.ts';

const records = (from: number, to: number, overrides: Partial<FlowRecord> = {}) =>
  range(from, to).map((i) => makeRecord(i, overrides));

describe('push body and headers (stand-in Loki receiver)', () => {
  test('records are grouped into streams by label set, values are [ns, JSON line] in order', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, { INTERFLOW_LOKI_TENANT: 'netobserv' });
    const sent = [
      makeRecord(0, { SrcK8S_Namespace: 'a', DstK8S_Namespace: 'b', FlowDirection: 0 }),
      makeRecord(1, { SrcK8S_Namespace: 'a', DstK8S_Namespace: 'b', FlowDirection: 1 }),
      makeRecord(2, { SrcK8S_Namespace: 'a', DstK8S_Namespace: 'b', FlowDirection: 0 }),
      makeRecord(3, { K8S_HostName: '', FlowDirection: 2 }), // no namespaces, empty host: labels left out
      makeRecord(4, {
        SrcK8S_Namespace: '',
        DstK8S_Namespace: 'b',
        FlowDirection: 0,
        TimeFlowEndMs: 1_764_115_200_123.5,
      }),
    ];
    exporter.enqueue(sent);
    await exporter.flush();
    assert.equal(receiver.requests.length, 1);
    const push = receiver.requests[0]!;

    assert.equal(push.headers['content-type'], 'application/json');
    assert.equal(push.headers['x-scope-orgid'], 'netobserv');
    assert.equal(push.headers.authorization, undefined);
    assert.equal(push.headers['content-encoding'], undefined);

    assert.deepEqual(
      push.streams.map((s) => s.stream),
      [
        {
          app: 'interflow',
          SrcK8S_Namespace: 'a',
          DstK8S_Namespace: 'b',
          FlowDirection: '0',
          K8S_HostName: 'node-1',
        },
        {
          app: 'interflow',
          SrcK8S_Namespace: 'a',
          DstK8S_Namespace: 'b',
          FlowDirection: '1',
          K8S_HostName: 'node-1',
        },
        { app: 'interflow', FlowDirection: '2' },
        { app: 'interflow', DstK8S_Namespace: 'b', FlowDirection: '0', K8S_HostName: 'node-1' },
      ],
    );
    const first = push.streams[0]!;
    assert.deepEqual(
      first.values.map(([ts]) => ts),
      [sent[0]!, sent[2]!].map((r) => (BigInt(r.TimeFlowEndMs) * 1_000_000n).toString()),
    );
    assert.deepEqual(JSON.parse(first.values[1]![1]), sent[2]);
    assert.equal(push.streams[3]!.values[0]![0], '1764115200123500000');
    // Every record arrives exactly once, intact.
    assert.deepEqual(
      push.records.slice().sort((a, b) => a.Bytes - b.Bytes),
      sent,
    );
  });

  test('no X-Scope-OrgID without a tenant', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t);
    exporter.enqueue(records(0, 3));
    await exporter.flush();
    assert.equal(receiver.requests.length, 1);
    assert.equal(receiver.requests[0]!.headers['x-scope-orgid'], undefined);
  });

  test('INTERFLOW_PUSH_GZIP=true sends a gzip body that decodes to the same push', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, { INTERFLOW_PUSH_GZIP: 'true' });
    exporter.enqueue(records(0, 200));
    await exporter.flush();
    const push = receiver.requests[0]!;
    assert.equal(push.headers['content-encoding'], 'gzip');
    assert.ok(
      push.wireBytes < push.jsonBytes,
      `gzip body ${push.wireBytes} B should be smaller than JSON ${push.jsonBytes} B`,
    );
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 200));
  });

  test('a bad INTERFLOW_PUSH_GZIP value fails at start-up naming the variable', () => {
    assert.throws(() => loadAgentConfig({ INTERFLOW_PUSH_GZIP: 'maybe' }), /INTERFLOW_PUSH_GZIP/);
  });

  test('records that cannot be serialised are dropped and counted, the rest goes through', async (t) => {
    const { receiver, exporter, metrics } = await startExporterHarness(t);
    const bad = makeRecord(1) as FlowRecord & { extra?: bigint };
    bad.extra = 1n; // JSON.stringify throws on BigInt
    assert.doesNotThrow(() => exporter.enqueue([makeRecord(0), bad, makeRecord(2)]));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), [0, 2]);
    assert.equal(exporter.stats().dropped, 1);
    assert.equal(await metricValue(metrics.recordsDropped, { reason: 'invalid' }), 1);
  });
});

describe('batching (stand-in Loki receiver)', () => {
  test('by size: a full batch goes at once, the remainder waits for the timer or a flush', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, {
      INTERFLOW_BATCH_MAX_RECORDS: '10',
      INTERFLOW_BATCH_MAX_WAIT: '1h',
    });
    exporter.enqueue(records(0, 35));
    await waitFor(
      'three full batches acknowledged',
      () => exporter.stats().pushes === 3 && exporter.stats().buffered === 5,
      15_000,
    );
    // The exporter decides about the last 5 right after the third acknowledgement, so that
    // decision is made. One more record and a flush: had the 5 gone on their own, the receiver
    // would see a push of 5 and then one of 1, not one push of 6.
    exporter.enqueue(records(35, 36));
    await exporter.flush();
    assert.deepEqual(
      receiver.requests.map((r) => r.records.length),
      [10, 10, 10, 6],
      'the last 5 records waited: neither 10 records nor an hour',
    );
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 36));
  });

  test('by time: a partial batch goes once its oldest record is INTERFLOW_BATCH_MAX_WAIT old', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, {
      INTERFLOW_BATCH_MAX_RECORDS: '1000',
      INTERFLOW_BATCH_MAX_WAIT: '100ms',
    });
    exporter.enqueue(records(0, 5));
    exporter.enqueue(records(5, 7));
    await waitFor('a push without flush()', () => receiver.requests.length === 1, 15_000);
    assert.deepEqual(ids(receiver.requests[0]!.records), range(0, 7));
    // The receiver sees the push before the exporter has read the answer: `buffered` counts
    // the push in flight until then.
    await waitFor('the acknowledged push leaves the buffer', () => exporter.stats().buffered === 0, 15_000);
  });

  test('by bytes: no push body exceeds INTERFLOW_BATCH_MAX_BYTES, a single larger record goes alone', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, {
      INTERFLOW_BATCH_MAX_BYTES: '2048',
      INTERFLOW_BATCH_MAX_WAIT: '1h',
    });
    const big = makeRecord(20, { SrcK8S_Name: 'x'.repeat(3000) });
    exporter.enqueue([...records(0, 20), big, ...records(21, 40)]);
    await exporter.flush();
    assert.ok(receiver.requests.length > 5, `expected many small pushes, got ${receiver.requests.length}`);
    for (const push of receiver.requests) {
      if (push.records.some((r) => r.Bytes === 20)) {
        assert.equal(push.records.length, 1, 'the oversized record is sent alone');
      } else {
        assert.ok(push.jsonBytes <= 2048, `push of ${push.jsonBytes} B exceeds the cap`);
      }
    }
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 40));
  });

  test('flush() pushes what waits; nothing goes before it when the batch is neither full nor old', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, { INTERFLOW_BATCH_MAX_WAIT: '1h' });
    // Positive control: the same batch in an exporter that waits 100 ms. Once it has pushed,
    // the window in which the first one had to keep still has really passed, however loaded
    // the machine.
    const control = await startExporterHarness(t, { INTERFLOW_BATCH_MAX_WAIT: '100ms' });
    exporter.enqueue(records(0, 5));
    control.exporter.enqueue(records(0, 5));
    await waitFor(
      'the control exporter to push after 100 ms',
      () => control.receiver.requests.length === 1,
      15_000,
    );
    assert.equal(receiver.requests.length, 0);
    assert.equal(exporter.stats().buffered, 5);
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 5));
    assert.equal(exporter.stats().buffered, 0);
  });
});

describe('bearer token file (stand-in Loki receiver)', () => {
  test('Authorization follows the token file through a kubelet-style ..data symlink swap and an in-place rewrite', async (t) => {
    const dir = tempDir(t, 'interflow-export-');
    const write = (version: string, token: string) => {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'token'), token);
      symlinkSync(version, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data')); // atomic, as the kubelet does
    };
    write('..2026_11_26_00_00_00.1', 'token-one\n');
    symlinkSync('..data/token', join(dir, 'token'));

    const { receiver, exporter } = await startExporterHarness(t, {
      INTERFLOW_LOKI_TOKEN_FILE: join(dir, 'token'),
    });
    exporter.enqueue(records(0, 2));
    await exporter.flush();
    write('..2026_11_26_01_00_00.2', 'token-two');
    exporter.enqueue(records(2, 4));
    await exporter.flush();
    writeFileSync(join(dir, '..2026_11_26_01_00_00.2', 'token'), 'token-three-longer');
    exporter.enqueue(records(4, 6));
    await exporter.flush();

    assert.deepEqual(
      receiver.requests.map((r) => r.headers.authorization),
      ['Bearer token-one', 'Bearer token-two', 'Bearer token-three-longer'],
    );
  });

  test('401 is retried (records kept) and succeeds once the token file holds a valid token', async (t) => {
    const dir = tempDir(t, 'interflow-export-');
    const file = join(dir, 'token');
    writeFileSync(file, 'expired');
    const { receiver, exporter, metrics } = await startExporterHarness(t, {
      INTERFLOW_LOKI_TOKEN_FILE: file,
    });
    receiver.reply = (push) =>
      push.headers.authorization === 'Bearer fresh' ? undefined : { status: 401, body: 'token expired' };
    exporter.enqueue(records(0, 10));
    await waitFor('retries with the old token', () => receiver.requests.length >= 2, 15_000);
    writeFileSync(file, 'fresh');
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 10));
    assert.equal(exporter.stats().dropped, 0);
    assert.ok((await metricValue(metrics.pushErrors, { kind: 'auth' })) >= 2);
  });

  test('a token file that does not exist yet holds the records until it appears', async (t) => {
    const dir = tempDir(t, 'interflow-export-');
    const file = join(dir, 'token');
    const { receiver, exporter, metrics } = await startExporterHarness(t, {
      INTERFLOW_LOKI_TOKEN_FILE: file,
    });
    exporter.enqueue(records(0, 3));
    await waitFor('failed attempts without a token', () => exporter.stats().failedPushes >= 2, 15_000);
    assert.equal(receiver.requests.length, 0, 'nothing is sent without the token');
    writeFileSync(file, 'late');
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 3));
    assert.equal(receiver.requests[0]!.headers.authorization, 'Bearer late');
    assert.ok((await metricValue(metrics.pushErrors, { kind: 'auth' })) >= 2);
  });
});

describe('TLS with INTERFLOW_LOKI_CA_FILE (stand-in Loki receiver)', () => {
  const selfSigned = (t: TestContext) => selfSignedCert(tempDir(t, 'interflow-export-'));

  test('HTTPS to a self-signed server works with the CA file and fails (retried, counted) without it', async (t) => {
    const tls = selfSigned(t);
    const receiver = await startStandInLokiReceiver(tls);
    t.after(() => receiver.close()); // also when an assertion fails before the harness takes it over
    assert.ok(receiver.url.startsWith('https://'));

    // Without the CA: the certificate is not trusted, nothing is delivered, the records stay buffered.
    const untrustingLogs: LogLine[] = [];
    const untrusting = createLokiExporter(
      loadAgentConfig({
        INTERFLOW_LOKI_URL: receiver.url,
        INTERFLOW_BACKOFF_MIN: '20ms',
        INTERFLOW_BACKOFF_MAX: '100ms',
      }),
      createAgentMetrics(),
      captureLogger(untrustingLogs),
    );
    t.after(() => untrusting.close(100));
    untrusting.enqueue(records(0, 3));
    await waitFor('failed TLS attempts', () => untrusting.stats().failedPushes >= 2, 15_000);
    assert.equal(untrusting.stats().buffered, 3);
    assert.ok(
      untrustingLogs.some((l) => /certificate/i.test(String(l.err))),
      'the log says why',
    );
    await untrusting.close(100);

    const { exporter } = await startExporterHarness(t, { INTERFLOW_LOKI_CA_FILE: tls.certFile }, receiver);
    exporter.enqueue(records(0, 3));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 3));
    assert.equal(exporter.stats().failedPushes, 0);
  });

  test('a rotated CA file is picked up for new connections', async (t) => {
    const first = selfSigned(t);
    const second = selfSigned(t);
    const receiver = await startStandInLokiReceiver(first);
    const dir = tempDir(t, 'interflow-export-');
    const caFile = join(dir, 'service-ca.crt');
    writeFileSync(caFile, first.cert);
    const { exporter, logs } = await startExporterHarness(t, { INTERFLOW_LOKI_CA_FILE: caFile }, receiver);
    exporter.enqueue(records(0, 2));
    await exporter.flush();

    // The server moves to a certificate signed by another CA; the old connections go away.
    receiver.setTls(second);
    await receiver.stop();
    await receiver.start();
    writeFileSync(caFile, second.cert);
    exporter.enqueue(records(2, 4));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 4));
    assert.equal(exporter.stats().failedPushes, 0, 'the new CA was used for the first new connection');
    assert.ok(logs.some((l) => l.msg.includes('CA file changed')));
  });

  test('an unreadable CA file fails at start-up naming INTERFLOW_LOKI_CA_FILE', (t) => {
    const dir = tempDir(t, 'interflow-export-');
    const cfg = (file: string) =>
      loadAgentConfig({ INTERFLOW_LOKI_URL: 'https://127.0.0.1:1', INTERFLOW_LOKI_CA_FILE: file });
    assert.throws(
      () => createLokiExporter(cfg(join(dir, 'missing.pem')), createAgentMetrics(), captureLogger([])),
      /INTERFLOW_LOKI_CA_FILE/,
    );
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello');
    assert.throws(
      () => createLokiExporter(cfg(join(dir, 'not-a-cert.pem')), createAgentMetrics(), captureLogger([])),
      /INTERFLOW_LOKI_CA_FILE.*no PEM certificate/,
    );
  });
});

describe('retry and rejection (stand-in Loki receiver)', () => {
  test('500 and 429 are retried with the same batch until accepted; order is kept, nothing lost', async (t) => {
    const { receiver, exporter, metrics } = await startExporterHarness(t, {
      INTERFLOW_BATCH_MAX_RECORDS: '10',
    });
    receiver.reply = (_push, n) =>
      n < 2
        ? { status: 500, body: 'ingester unavailable' }
        : n === 2
          ? { status: 429, body: 'slow down', headers: { 'retry-after': '0' } }
          : undefined;
    exporter.enqueue(records(0, 30));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 30));
    assert.deepEqual(
      ids(receiver.requests[0]!.records),
      ids(receiver.requests[3]!.records),
      'the failed batch is sent again as it was',
    );
    assert.deepEqual(exporter.stats(), { buffered: 0, exported: 30, dropped: 0, pushes: 6, failedPushes: 3 });
    assert.equal(await metricValue(metrics.pushErrors, { kind: 'server_error' }), 2);
    assert.equal(await metricValue(metrics.pushErrors, { kind: 'rate_limited' }), 1);
    assert.equal(await metricValue(metrics.recordsExported), 30);
  });

  test('a reset connection and a push that times out are retried', async (t) => {
    const { receiver, exporter, metrics } = await startExporterHarness(t, {
      INTERFLOW_PUSH_TIMEOUT: '300ms',
    });
    receiver.reply = (_push, n) => (n === 0 ? 'reset' : n === 1 ? 'hang' : undefined);
    exporter.enqueue(records(0, 8));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 8));
    assert.equal(await metricValue(metrics.pushErrors, { kind: 'network' }), 1);
    assert.equal(await metricValue(metrics.pushErrors, { kind: 'timeout' }), 1);
    assert.equal(exporter.stats().dropped, 0);
  });

  test('a 400 rejects only its batch: counted as dropped "rejected", body logged, later batches go on', async (t) => {
    const { receiver, exporter, metrics, logs } = await startExporterHarness(t, {
      INTERFLOW_BATCH_MAX_RECORDS: '10',
    });
    receiver.reply = (push) =>
      push.records.some((r) => r.Bytes === 15)
        ? { status: 400, body: 'error parsing labels: poison' }
        : undefined;
    exporter.enqueue(records(0, 30));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), [...range(0, 10), ...range(20, 30)]);
    assert.equal(receiver.requests.length, 3, 'the rejected batch is not retried');
    assert.deepEqual(exporter.stats(), {
      buffered: 0,
      exported: 20,
      dropped: 10,
      pushes: 3,
      failedPushes: 1,
    });
    assert.equal(await metricValue(metrics.recordsDropped, { reason: 'rejected' }), 10);
    assert.equal(await metricValue(metrics.pushErrors, { kind: 'rejected' }), 1);
    const line = logs.find((l) => l.msg.includes('rejected'));
    assert.ok(line && String(line.body).includes('poison'), "the store's answer is logged");
  });

  test('a partial 400 ("entry too far behind … total ignored: N out of M") drops only N, without resending', async (t) => {
    const { receiver, exporter, metrics } = await startExporterHarness(t, {
      INTERFLOW_BATCH_MAX_RECORDS: '10',
    });
    receiver.reply = (_push, n) =>
      n === 0
        ? {
            status: 400,
            body:
              "entry with timestamp 2026-11-26 00:00:00 +0000 UTC ignored, reason: 'entry too far behind, oldest acceptable timestamp is: 2026-11-26T01:00:00Z',\n" +
              "entry with timestamp 2026-11-26 00:00:01 +0000 UTC ignored, reason: 'entry too far behind, oldest acceptable timestamp is: 2026-11-26T01:00:00Z',\n" +
              "entry with timestamp 2026-11-26 00:00:02 +0000 UTC ignored, reason: 'entry too far behind, oldest acceptable timestamp is: 2026-11-26T01:00:00Z',\n" +
              'user \'fake\', total ignored: 3 out of 10 for stream: {app="interflow"}',
          }
        : undefined;
    exporter.enqueue(records(0, 30));
    await exporter.flush();
    assert.equal(receiver.requests.length, 3);
    assert.deepEqual(exporter.stats(), { buffered: 0, exported: 27, dropped: 3, pushes: 3, failedPushes: 1 });
    assert.equal(await metricValue(metrics.recordsDropped, { reason: 'rejected' }), 3);
  });

  test('413 splits the batch until the store takes it; nothing is dropped', async (t) => {
    const { receiver, exporter } = await startExporterHarness(t, { INTERFLOW_BATCH_MAX_RECORDS: '16' });
    receiver.reply = (push) =>
      push.records.length > 4 ? { status: 413, body: 'request body too large' } : undefined;
    exporter.enqueue(records(0, 40));
    await exporter.flush();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 40));
    assert.equal(exporter.stats().dropped, 0);
  });
});

describe('bounded buffer and shutdown (stand-in Loki receiver)', () => {
  test('store down from the start: exactly the overflow is dropped, the buffered records are delivered in order', async (t) => {
    const { receiver, exporter, metrics, logs } = await startExporterHarness(t, {
      INTERFLOW_BUFFER_MAX_RECORDS: '500',
      INTERFLOW_BATCH_MAX_RECORDS: '100',
    });
    await receiver.stop();
    const total = 1200;
    for (let i = 0; i < total; i += 100) exporter.enqueue(records(i, i + 100));
    assert.equal(exporter.stats().buffered, 500);
    assert.equal(exporter.stats().dropped, total - 500);
    assert.equal(await metricValue(metrics.recordsBuffered), 500);
    assert.equal(await metricValue(metrics.recordsBufferCapacity), 500);
    assert.equal(await metricValue(metrics.recordsDropped, { reason: 'buffer_full' }), total - 500);
    assert.ok(logs.some((l) => l.msg.includes('buffer full')));
    await waitFor(
      'a failed attempt while the store is down',
      () => exporter.stats().failedPushes >= 1,
      15_000,
    );

    await receiver.start();
    await exporter.flush();
    const delivered = receiver.acceptedRecords();
    assert.deepEqual(ids(delivered), range(0, 500), 'the oldest 500 are kept, in order, once each');
    assert.equal(delivered.length + exporter.stats().dropped, total);
    assert.equal(exporter.stats().exported, 500);
    assert.equal(await metricValue(metrics.recordsBuffered), 0);
    assert.ok((await metricValue(metrics.pushErrors, { kind: 'network' })) >= 1);
  });

  test('close() flushes what is buffered, stops, and counts records enqueued afterwards', async (t) => {
    const { receiver, exporter, metrics } = await startExporterHarness(t, { INTERFLOW_BATCH_MAX_WAIT: '1h' });
    exporter.enqueue(records(0, 50));
    await exporter.close();
    assert.deepEqual(ids(receiver.acceptedRecords()), range(0, 50));
    exporter.enqueue(records(50, 53));
    assert.deepEqual(exporter.stats(), { buffered: 0, exported: 50, dropped: 3, pushes: 1, failedPushes: 0 });
    assert.equal(await metricValue(metrics.recordsDropped, { reason: 'shutdown' }), 3);
    await exporter.close(); // idempotent
  });

  test('close() with the store down returns after its timeout and counts what it could not deliver', async (t) => {
    const { receiver, exporter, metrics, logs } = await startExporterHarness(t);
    await receiver.stop();
    exporter.enqueue(records(0, 10));
    await exporter.close(300);
    assert.deepEqual(exporter.stats().buffered, 0);
    assert.equal(exporter.stats().dropped, 10);
    assert.equal(await metricValue(metrics.recordsDropped, { reason: 'shutdown' }), 10);
    assert.ok(logs.some((l) => l.msg.includes('before shutdown') && l.records === 10));
  });

  test('metrics are served in Prometheus text with the export series', async (t) => {
    const { exporter, metrics } = await startExporterHarness(t);
    exporter.enqueue(records(0, 4));
    await exporter.flush();
    const text = await metrics.registry.metrics();
    assert.match(text, /^interflow_agent_records_exported_total 4$/m);
    assert.match(text, /^interflow_agent_pushes_total\{result="ok"\} 1$/m);
    assert.match(text, /^interflow_agent_push_latency_seconds_count 1$/m);
    assert.match(text, /^interflow_agent_records_buffered 0$/m);
  });
});
