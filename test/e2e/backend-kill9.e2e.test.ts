// `kill -9` of the backend during ingestion: every push that the embedded store acknowledged
// with a 2xx is still queryable after a restart on the same data directory.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from '../support/processes.ts';
import { readStore } from './e2e-rig.ts';

const BATCH = 200;
const KILL_AFTER_MS = 2_000;

let backend: Backend | undefined;
after(
  async () => {
    await backend?.stop();
    backend?.cleanup();
  },
  { timeout: 60_000 }, // stop() escalates to SIGKILL after 15 s; a hang fails the file
);

function batchBody(first: number, baseNs: bigint): string {
  const values: [string, string][] = [];
  for (let i = first; i < first + BATCH; i++) {
    const ts = baseNs + BigInt(i) * 1000n; // unique and increasing: one entry per id
    values.push([ts.toString(), JSON.stringify({ Seq: i, Interfaces: ['net1'], Bytes: i })]);
  }
  return JSON.stringify({ streams: [{ stream: { app: 'interflow', K8S_HostName: 'kill9-test' }, values }] });
}

/** The Seq of every test entry the store holds (read with the rig's store reader). */
async function storedSeqs(url: string, startNs: bigint): Promise<Set<number>> {
  const records = await readStore(url, { selector: '{app="interflow", K8S_HostName="kill9-test"}', startNs });
  return new Set(records.map((r) => (r as unknown as { Seq: number }).Seq));
}

test('kill -9 of the backend during ingestion loses no acknowledged push', { timeout: 180_000 }, async () => {
  backend = await startBackend();
  const baseNs = BigInt(Date.now() - 60_000) * 1_000_000n;
  const acked = new Set<number>();
  let sent = 0;
  let refusedAfterKill = 0;

  const killer = new Promise<void>((done) =>
    setTimeout(() => {
      void backend!.kill9().then(done);
    }, KILL_AFTER_MS),
  );

  // Keep pushing until the process is gone; several pushes are in flight when it dies.
  const pushers = Array.from({ length: 4 }, async () => {
    while (backend!.proc.exitCode === null && backend!.proc.signalCode === null) {
      const first = sent;
      sent += BATCH;
      try {
        const res = await fetch(`${backend!.storeUrl}/loki/api/v1/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: batchBody(first, baseNs),
        });
        if (res.status >= 200 && res.status < 300) for (let i = first; i < first + BATCH; i++) acked.add(i);
      } catch {
        refusedAfterKill++;
      }
    }
  });
  await Promise.all([killer, ...pushers]);
  assert.ok(acked.size > 0, 'some pushes were acknowledged before the kill');

  backend = await backend.restart();
  const stored = await storedSeqs(backend.storeUrl, baseNs);
  const lost = [...acked].filter((i) => !stored.has(i));
  console.log(
    `sent ${sent}, acknowledged ${acked.size}, stored after restart ${stored.size}, failed in flight ${refusedAfterKill}`,
  );
  assert.deepEqual(lost.slice(0, 20), [], `${lost.length} acknowledged entries were lost`);
  assert.ok(stored.size <= sent);
});
