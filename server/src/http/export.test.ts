// CSV export: paging past the per-query limit with ties at page boundaries, valid RFC 4180
// CSV parsed back, every row exactly once, flat memory for 200 000 rows (measured on a
// separate backend process), and a client that disconnects stops the upstream queries.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse';
import { generateFlows, pushRecords, type FlowRecord } from '../../../test/fixtures/flow-generator.ts';
import { COLUMNS } from '@interflow/contract';
import { startStandInLoki, type StandInLoki } from '../../test/stand-in-loki.ts';
import { startTestApp } from '../../test/app-harness.ts';
import { waitFor } from '../../../test/support/wait.ts';

const REPO = resolve(import.meta.dirname, '../../..');

/** How the export must write a cell, stated independently of the implementation. */
function expectedCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  // Text a spreadsheet would take for a formula is prefixed with ' (numbers never are).
  const guard = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  if (Array.isArray(v)) return v.some((x) => typeof x === 'string') ? guard(v.join(',')) : v.join(',');
  return typeof v === 'string' ? guard(v) : String(v);
}

const rowHash = (cells: string[]): string =>
  createHash('sha1').update(JSON.stringify(cells)).digest('base64');

/** Parses a CSV stream back; calls onRow for every record after the header. */
async function parseCsv(body: Readable, onRow: (row: string[]) => void): Promise<string[]> {
  const parser = body.pipe(parse({ relax_column_count: false, bom: true }));
  let header: string[] | undefined;
  for await (const row of parser as AsyncIterable<string[]>) {
    if (!header) header = row;
    else onRow(row);
  }
  return header ?? [];
}

describe('export paging against a stand-in Loki', () => {
  let loki: StandInLoki;
  before(async () => {
    loki = await startStandInLoki();
  });
  after(() => loki.close());

  test('every row once although pages (100 entries) end in the middle of shared timestamps', async () => {
    const now = Date.now();
    const records = [...generateFlows({ count: 1234, seed: 5, startMs: now - 60_000, endMs: now - 1000 })];
    // Many records per millisecond: 1234 records over ~60 distinct timestamps.
    for (const r of records) r.TimeFlowEndMs -= r.TimeFlowEndMs % 1000;
    loki.entries = records.map((r) => [BigInt(r.TimeFlowEndMs) * 1_000_000n, JSON.stringify(r)]);
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_MAX_ENTRIES: '100' });
    try {
      for (const match of ['all', 'any']) {
        loki.requests.length = 0;
        const res = await fetch(
          `${t.url}/api/flows/export?timeRange=300&match=${match}&filters=${encodeURIComponent('interfaces~n;netns~c')}&columns=TimeFlowEndMs,Interfaces,SrcAddr,SrcPort,Bytes`,
        );
        assert.equal(res.status, 200);
        const seen = new Map<string, number>();
        let last = Infinity;
        const header = await parseCsv(Readable.fromWeb(res.body as never), (row) => {
          const h = rowHash(row);
          seen.set(h, (seen.get(h) ?? 0) + 1);
          assert.ok(Number(row[0]) <= last, 'newest first');
          last = Number(row[0]);
        });
        assert.deepEqual(header, ['TimeFlowEndMs', 'Interfaces', 'SrcAddr', 'SrcPort', 'Bytes']);
        const expected = new Map<string, number>();
        for (const r of records) {
          const h = rowHash(header.map((c) => expectedCell(r[c as keyof FlowRecord])));
          expected.set(h, (expected.get(h) ?? 0) + 1);
        }
        assert.deepEqual(seen, expected);
        assert.ok(
          loki.requests.filter((r) => r.path.endsWith('query_range')).length >= 13,
          'paged in pages of 100',
        );
      }
    } finally {
      await t.close();
    }
  });

  test('/api/flows pages too when the limit is above the per-query limit', async () => {
    const now = Date.now();
    const records = [...generateFlows({ count: 400, seed: 8, startMs: now - 60_000, endMs: now - 1000 })];
    for (const r of records) r.TimeFlowEndMs -= r.TimeFlowEndMs % 500;
    loki.entries = records.map((r) => [BigInt(r.TimeFlowEndMs) * 1_000_000n, JSON.stringify(r)]);
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_MAX_ENTRIES: '100' });
    try {
      const res = await t.app.inject('/api/flows?timeRange=300&limit=250');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.records.length, 250);
      assert.equal(body.stats.limitReached, true);
      assert.ok(body.stats.queries >= 3);
      const keys = new Set(
        body.records.map((r: FlowRecord) => JSON.stringify([r.TimeFlowEndMs, r.SrcAddr, r.SrcPort, r.Bytes])),
      );
      assert.equal(keys.size, 250, 'no record twice');
      const newest = records.map((r) => r.TimeFlowEndMs).sort((a, b) => b - a);
      assert.equal(body.records[249].TimeFlowEndMs, newest[249]);
    } finally {
      await t.close();
    }
  });

  test('a client that disconnects stops the upstream queries', async () => {
    const now = Date.now();
    loki.entries = [...generateFlows({ count: 5000, seed: 6, startMs: now - 60_000, endMs: now - 1000 })].map(
      (r) => [BigInt(r.TimeFlowEndMs) * 1_000_000n, JSON.stringify(r)],
    );
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_MAX_ENTRIES: '100' });
    try {
      loki.requests.length = 0;
      let calls = 0;
      let secondQuerySeen!: () => void;
      const secondQuery = new Promise<void>((r) => (secondQuerySeen = r));
      // Answer the first page at once, then hang: the next page is in flight when the client leaves.
      loki.handler = async (_req, res, rec) => {
        if (!rec.path.endsWith('query_range') || ++calls <= 1) return false;
        secondQuerySeen();
        await new Promise((r) => setTimeout(r, 5000));
        if (!res.destroyed) res.writeHead(503).end('late');
        return true;
      };
      await new Promise<void>((done, fail) => {
        const req = request(`${t.url}/api/flows/export?timeRange=300`, (res) => {
          res.once('data', () => {
            // Leave once the next page is being fetched upstream.
            void secondQuery.then(() => {
              req.destroy();
              done();
            });
          });
        });
        req.on('error', () => {});
        req.setTimeout(10_000, () => fail(new Error('no data')));
        req.end();
      });
      const queries = loki.requests.filter((r) => r.path.endsWith('query_range'));
      assert.ok(queries.length >= 2, 'the second page was being fetched');
      await waitFor('the in-flight query to be aborted', () => queries.at(-1)!.aborted);
      const count = queries.length;
      // "No further query" cannot be awaited as a condition: give the backend time to make one.
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(
        loki.requests.filter((r) => r.path.endsWith('query_range')).length,
        count,
        'no query after the disconnect',
      );
    } finally {
      loki.handler = undefined;
      await t.close();
    }
  });
});

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function startBackendProcess(
  dataDir: string,
): Promise<{ child: ChildProcess; url: string; storeUrl: string }> {
  // Run as `npm run server` runs it: with a bounded V8 heap (--max-old-space-size=512). With
  // V8's default limits the heap lets garbage grow to ~130 MB before its first full collection,
  // whatever the number of rows (no leak, but not "flat" in RSS terms).
  const serverScript = (
    JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { server: string } }
  ).scripts.server;
  const heapFlag = /--max-old-space-size=\d+/.exec(serverScript)?.[0];
  assert.ok(heapFlag, `npm run server sets a heap limit: ${serverScript}`);
  const child = spawn(process.execPath, [heapFlag, '--import', 'tsx', join(REPO, 'server/src/main.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      INTERFLOW_PORT: '0',
      INTERFLOW_HOST: '127.0.0.1',
      INTERFLOW_STORE_PORT: '0',
      INTERFLOW_METRICS_PORT: '0',
      INTERFLOW_DATA_DIR: dataDir,
      INTERFLOW_LOG_LEVEL: 'info',
      INTERFLOW_LOKI_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let storeUrl = '';
  const url = await new Promise<string>((done, fail) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running when start-up hangs
      fail(new Error(`backend did not start: ${buf.slice(0, 500)}`));
    }, 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      storeUrl ||= /Embedded store listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buf)?.[1] ?? '';
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
      if (buf.length > 100_000) buf = buf.slice(-10_000);
    });
    child.once('exit', (code) => fail(new Error(`backend exited with ${code}`)));
  });
  child.stdout!.resume();
  return { child, url, storeUrl };
}

describe('export of 200 000 records from the embedded store (separate backend process)', () => {
  const COUNT = 200_000;
  let dataDir: string;
  let backend: { child: ChildProcess; url: string; storeUrl: string };
  const now = Date.now();
  const gen = (): Generator<FlowRecord> =>
    generateFlows({ count: COUNT, seed: 99, startMs: now - 3_000_000, endMs: now - 1000 });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'interflow-export-'));
    backend = await startBackendProcess(dataDir);
    await pushRecords(backend.storeUrl, gen(), 10_000);
  });
  after(async () => {
    backend?.child.kill('SIGTERM');
    await new Promise((r) => backend?.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every row present once, valid CSV, and memory growth < 100 MB', async () => {
    const pid = backend.child.pid!;
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
    }, 25);
    const seen = new Map<string, number>();
    let rows = 0;
    let header: string[];
    try {
      const res = await fetch(
        `${backend.url}/api/flows/export?startTime=${Math.floor((now - 3_100_000) / 1000)}&endTime=${Math.ceil(now / 1000)}`,
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /^attachment; filename="interflow-flows-\d{8}T\d{6}Z\.csv"$/,
      );
      header = await parseCsv(Readable.fromWeb(res.body as never), (row) => {
        rows++;
        const h = rowHash(row);
        seen.set(h, (seen.get(h) ?? 0) + 1);
      });
    } finally {
      clearInterval(sampler);
    }
    assert.deepEqual(
      header,
      COLUMNS.map((c) => c.id),
      'header: every field',
    );
    assert.equal(rows, COUNT);
    let missing = 0;
    for (const r of gen()) {
      const h = rowHash(header.map((c) => expectedCell(r[c as keyof FlowRecord])));
      const n = seen.get(h) ?? 0;
      if (n === 0) missing++;
      else if (n === 1) seen.delete(h);
      else seen.set(h, n - 1);
    }
    assert.equal(missing, 0, 'rows missing from the export');
    assert.equal(seen.size, 0, 'rows exported twice or not generated');
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(
      `export of ${COUNT} rows: backend RSS ${Math.round(baseline / 2 ** 20)} MB → peak ${Math.round(peak / 2 ** 20)} MB (+${growthMb.toFixed(1)} MB)`,
    );
    assert.ok(growthMb < 100, `backend memory grew by ${growthMb.toFixed(1)} MB during the export`);
  });
});
