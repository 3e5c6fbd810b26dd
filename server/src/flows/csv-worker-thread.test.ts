// The export worker (csv-worker.ts, a real worker thread) writes the bytes the main thread's
// path writes (csv-export.ts with record-reader.ts and pair-check.ts) for records agents write,
// hostile ones and lines that are not records, counts what it leaves out, and fails loudly:
// a page of an export it does not know is an error, and a worker that dies marks the thread
// broken (the route then writes on the main thread) and fails the pages it held.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { generateFlows } from '../../../test/fixtures/flow-generator.ts';
import type { StoredFlowRecord } from '@interflow/contract';
import type { LokiEntry } from '../loki/client.ts';
import { elementPairing } from '../logql/element-pairs.ts';
import { csvChunks } from './csv-export.ts';
import { CsvWorkerThread, csvChunksInWorker } from './csv-worker-thread.ts';
import type { ExportSpec } from './csv-worker.ts';
import { pairCheck } from './pair-check.ts';
import { readRecord } from './record-reader.ts';

const now = Date.now();
const labels = { app: 'interflow', K8S_HostName: 'worker-1', SrcK8S_Namespace: 'team-a' };
const entries: LokiEntry[] = [
  ...generateFlows({ count: 1500, seed: 5, startMs: now - 60_000, endMs: now }),
  ...generateFlows({ count: 1500, seed: 6, startMs: now - 60_000, endMs: now, hostile: true }),
].map((r, i) => ({ ts: BigInt(i), line: i % 97 === 0 ? `not json ${i}` : JSON.stringify(r), labels }));
const pagesOf = (size: number): LokiEntry[][] =>
  Array.from({ length: Math.ceil(entries.length / size) }, (_, k) => entries.slice(k * size, (k + 1) * size));

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function bytesOf(chunks: AsyncGenerator<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const c of chunks) all.push(c);
  return Buffer.concat(all);
}

const thread = new CsvWorkerThread();
after(() => thread.close());

test('the same bytes as the main thread, rows and unreadable lines counted, pages handed on in order', async () => {
  const pairing = elementPairing(
    [
      { id: 'interfaces', operator: '=', values: ['net1', 'eth0'] },
      { id: 'ifdirections', operator: '=', values: ['1'] },
    ],
    'all',
  );
  for (const spec of [
    {
      columns: ['TimeFlowEndMs', 'Interfaces', 'IfNetns', 'SrcK8S_Namespace', 'Proto', 'Bytes'],
      values: 'readable',
    },
    { columns: ['Interfaces', 'IfDirections', 'SrcAddr', 'DstK8S_Name', 'Flags'], values: 'raw', pairing },
  ] as ExportSpec[]) {
    const keep = pairCheck(spec.pairing);
    const mainRecords = fromArray(
      pagesOf(400).map((p) =>
        p
          .map((e) => readRecord(e.line, e.labels))
          .filter((r): r is StoredFlowRecord => r !== undefined && keep(r)),
      ),
    );
    const want = await bytesOf(csvChunks(mainRecords, spec.columns, undefined, spec.values));
    let rows = 0;
    let unreadable = 0;
    const handedOn: number[] = [];
    const got = await bytesOf(
      csvChunksInWorker(thread, fromArray(pagesOf(400)), spec, {
        pageHandedOn: (n) => handedOn.push(n),
        onRows: (n) => (rows += n),
        onUnreadable: (n) => (unreadable += n),
      }),
    );
    assert.ok(got.equals(want), `${got.length} bytes, the main thread wrote ${want.length}`);
    assert.equal(rows, want.toString().split('\r\n').length - 2);
    assert.equal(unreadable, Math.ceil(entries.length / 97));
    assert.deepEqual(
      handedOn,
      pagesOf(400).map((p) => p.length),
    );
    if (spec.pairing) assert.ok(rows < entries.length / 2, 'the pairing check left records out');
  }
});

test('a page of an export the worker was not told about is an error, and the worker goes on', async () => {
  await assert.rejects(
    thread.convert(9999, entries.slice(0, 3)),
    /the export worker failed: .*no export 9999/,
  );
  const id = thread.begin({ columns: ['Bytes'], values: 'raw', pairing: undefined });
  assert.equal((await thread.convert(id, entries.slice(1, 4))).rows, 3);
  thread.end(id);
});

test('a worker that dies fails the pages it held and marks the thread broken', async () => {
  const failures: Error[] = [];
  const dying = new CsvWorkerThread((e) => failures.push(e));
  try {
    const id = dying.begin({ columns: ['Bytes'], values: 'raw', pairing: undefined });
    const page = dying.convert(id, entries);
    await (dying as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(page, /the export worker exited/);
    assert.equal(dying.broken, true);
    assert.equal(failures.length, 1);
  } finally {
    await dying.close();
  }
});
