// A push that got its 2xx survives kill -9: a child process serves the store, this test pushes
// concurrently, SIGKILLs the child while pushes are in flight, reopens the database and checks
// that every acknowledged batch is there, complete (a batch is all-or-nothing).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from './sqlite/sqlite-store.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';

const BATCH = 50;
const CONCURRENCY = 4;
const KILL_AFTER_ACKS = 60;

test('acknowledged pushes survive kill -9 of the serving process', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t, 'interflow-store-durability-');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../../test/durability-child.ts'), dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`child exited before listening: ${stderr}`)));
  });

  const acked: number[] = [];
  let next = 0;
  let killed = false;
  const base = BigInt(Date.now()) * 1_000_000n;
  const batchLines = (b: number) =>
    Array.from({ length: BATCH }, (_, i) => `batch ${b} entry ${i} ${'x'.repeat(200)}`);

  const worker = async (): Promise<void> => {
    while (!killed) {
      const b = next++;
      const values = batchLines(b).map((line, i) => [String(base + BigInt(b * BATCH + i)), line]);
      try {
        const res = await fetch(`${url}/loki/api/v1/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            streams: [{ stream: { app: 'interflow', worker: String(b % CONCURRENCY) }, values }],
          }),
        });
        if (res.status === 204) {
          acked.push(b);
          if (acked.length === KILL_AFTER_ACKS && !killed) {
            killed = true;
            child.kill('SIGKILL'); // other workers' pushes are in flight right now
          }
        }
      } catch {
        // connection reset by the kill: this batch was never acknowledged
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  assert.equal(await exited, 'SIGKILL');
  assert.ok(acked.length >= KILL_AFTER_ACKS);

  const store = openStore({ dataDir, retentionMs: 0, maxBytes: 0 });
  t.after(() => store.close());
  const rows = store.db.prepare('SELECT line FROM entries').pluck().all() as string[];
  const present = new Set(rows);
  for (const b of acked) {
    for (const line of batchLines(b))
      assert.ok(present.has(line), `acknowledged batch ${b} lost "${line.slice(0, 20)}"`);
  }
  // every batch in the database is complete: one transaction per push
  const perBatch = new Map<number, number>();
  for (const line of rows) {
    const b = Number(/^batch (\d+)/.exec(line)![1]);
    perBatch.set(b, (perBatch.get(b) ?? 0) + 1);
  }
  for (const [b, n] of perBatch) assert.equal(n, BATCH, `batch ${b} is partial`);
  // and the store answers queries over the recovered data
  const { parseLogQuery } = await import('./query/logql-parse.ts');
  const r = await store.queryRange({
    query: parseLogQuery('{app="interflow"} |= "entry 7 "'),
    start: base,
    end: base + 10_000_000n,
    limit: 5000,
    direction: 'forward',
  });
  assert.equal(
    r.result.reduce((n, s) => n + s.values.length, 0),
    perBatch.size,
  );
});
