// Pure parts of the exporter: backoff, Retry-After, timestamps, labels, batch cutting, and
// the reading of Loki's partial-rejection message.
import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { makeRecord } from '../../test/numbered-records.ts';
import { backoffDelay, parseRetryAfter } from '../retry/backoff.ts';
import { EntryQueue } from './entry-queue.ts';
import { countIgnored } from './loki-exporter.ts';
import type { InterfaceRecord } from '@interflow/contract';
import {
  buildPushBody,
  encodeEntry,
  encodeInterfaceEntry,
  nextBatchSize,
  streamLabels,
  timestampNs,
} from './push-body.ts';
import { WatchedFile } from './watched-file.ts';

test('backoff: within [min, max], ceiling doubles per attempt, jitter spreads it', () => {
  assert.equal(
    backoffDelay(1, 500, 30_000, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(1, 500, 30_000, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, 500, 30_000, () => 1),
    4000,
  );
  assert.equal(
    backoffDelay(50, 500, 30_000, () => 1),
    30_000,
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (attempt, min, extra, r) => {
        const d = backoffDelay(attempt, min, min + extra, () => r);
        return d >= min && d <= min + extra;
      },
    ),
  );
  const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(4, 100, 10_000)));
  assert.ok(draws.size > 10, 'jittered');
});

test('Retry-After: seconds or HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter('0'), 0);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
});

test('timestamps: exact nanoseconds beyond 2^53, fractions kept, unusable times become now', () => {
  assert.equal(timestampNs(1_764_115_200_500), '1764115200500000000');
  assert.equal(timestampNs(1_764_115_200_500.25), '1764115200500250000');
  assert.equal(
    timestampNs(Number.NaN, () => 42),
    '42000000',
  );
  assert.equal(
    timestampNs(-1, () => 42),
    '42000000',
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4_102_444_800_000 }),
      (ms) => timestampNs(ms) === (BigInt(ms) * 1_000_000n).toString(),
    ),
  );
});

test('labels: app plus non-empty label fields only, as strings', () => {
  assert.deepEqual(
    streamLabels(makeRecord(0, { FlowDirection: 0, K8S_HostName: '', SrcK8S_Namespace: 'ns"x' })),
    {
      app: 'interflow',
      SrcK8S_Namespace: 'ns"x',
      FlowDirection: '0',
    },
  );
});

test("inventory labels: the record type, the node and the owner's namespace when a pod owns the interface", () => {
  const record: InterfaceRecord = {
    TimeReportMs: 1_700_000_000_000,
    TimeSinceMs: 1_700_000_000_000,
    K8S_HostName: 'worker-0',
    AgentIP: '10.0.0.10',
    Interfaces: ['net1'],
    IfNetns: ['cni-a'],
    NetnsInode: 4026532100,
    IfIndex: 3,
    IfMac: '02:00:00:00:00:03',
    IfKind: '',
    IfType: 'vf',
    IsVF: true,
    Up: true,
    HookState: 'hooked',
    Bytes: 0,
    Packets: 0,
  };
  const labels = (r: InterfaceRecord) => JSON.parse(encodeInterfaceEntry(r, 0, 0).streamKey) as unknown;
  assert.deepEqual(labels(record), { app: 'interflow', _RecordType: 'interface', K8S_HostName: 'worker-0' });
  assert.deepEqual(labels({ ...record, IfK8S_Namespace: 'team-a', IfK8S_Name: 'pod-a' }), {
    app: 'interflow',
    _RecordType: 'interface',
    K8S_HostName: 'worker-0',
    IfK8S_Namespace: 'team-a',
  });
});

test('batch cutting: record and byte caps, at least one record, body parses to what was encoded', () => {
  const q = new EntryQueue();
  for (let i = 0; i < 30; i++) q.push(encodeEntry(makeRecord(i, { FlowDirection: i % 2 }), i + 1, 0));
  assert.equal(nextBatchSize(q, 10, 1 << 20), 10);
  assert.equal(nextBatchSize(q, 100, 1 << 20), 30);
  const n = nextBatchSize(q, 100, 2000);
  const body = buildPushBody(q.shift(n));
  assert.ok(Buffer.byteLength(body) <= 2000, `${Buffer.byteLength(body)} B`);
  assert.ok(n >= 2);
  const parsed = JSON.parse(body) as {
    streams: { stream: Record<string, string>; values: [string, string][] }[];
  };
  assert.equal(parsed.streams.length, 2);
  assert.equal(
    parsed.streams.reduce((s, x) => s + x.values.length, 0),
    n,
  );
  assert.equal(q.length, 30 - n);
  assert.equal(nextBatchSize(q, 100, 1), 1, 'one record even when it alone exceeds the cap');
  // Byte accounting follows the queue.
  const rest = q.clear();
  assert.equal(q.bytes, 0);
  assert.ok(rest.length > 0);
});

test('partial rejection: "total ignored: N out of M" summed over streams, else the whole batch', () => {
  assert.equal(
    countIgnored(
      "entry ... ignored, reason: 'entry too far behind',\nuser 'x', total ignored: 3 out of 10 for stream: {a=\"b\"}",
      10,
    ),
    3,
  );
  assert.equal(countIgnored('total ignored: 2 out of 4\ntotal ignored: 5 out of 6', 10), 7);
  assert.equal(countIgnored('total ignored: 50 out of 50', 10), 10);
  assert.equal(countIgnored('error parsing labels', 10), 10);
});

test('watched file: re-read on change, last good content kept when it vanishes, throws if never readable', async (t) => {
  const dir = tempDir(t, 'interflow-watched-');
  const path = join(dir, 'token');
  const errors: Error[] = [];
  const f = new WatchedFile(path, (e) => errors.push(e));
  await assert.rejects(f.read(), /ENOENT/);
  writeFileSync(path, 'a');
  assert.equal(await f.read(), 'a');
  writeFileSync(path, 'bb');
  assert.equal(await f.read(), 'bb');
  unlinkSync(path);
  assert.equal(await f.read(), 'bb');
  assert.equal(errors.length, 1);
});
