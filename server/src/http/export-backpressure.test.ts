// Back-pressure of the CSV export, counted not timed: a client that reads at 1 MB/s must make
// the backend wait, so the entries it holds (answered by the store, CSV not yet handed to the
// response) stay within a few pages and the CSV bytes it queues within a few pages' worth —
// read from the backend's own peaks (interflow_server_export_held_entries_peak,
// interflow_server_export_queued_bytes_peak; flows/export-pages.ts) after the export.
// As a control, the same peaks of a client that reads as fast as it can stay within the same
// bound, and the slow client's export is complete.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

const PAGE = 500;
const COUNT = 12_000; // 24 pages; about 3.5 MB of CSV with every column

async function gauge(t: TestApp, name: string): Promise<number> {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(t.metricsUrl)).text());
  return m ? Number(m[1]) : NaN;
}

/** Reads the export at bytesPerSecond (pausing the socket between chunks); returns the rows read. */
function readThrottled(url: string, bytesPerSecond: number): Promise<{ rows: number; bytes: number }> {
  return new Promise((done, fail) => {
    const req = request(url, (res) => {
      if (res.statusCode !== 200) return fail(new Error(`HTTP ${res.statusCode}`));
      const started = performance.now();
      let bytes = 0;
      let rows = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
        // The client's reading speed, not a wait in the test: ahead of the rate, stop reading.
        const ahead = (bytes / bytesPerSecond) * 1000 - (performance.now() - started);
        if (ahead > 0) {
          res.pause();
          setTimeout(() => res.resume(), ahead);
        }
      });
      res.on('end', () => done({ rows: rows - 1, bytes }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('export back-pressure (embedded store, pages of 500)', () => {
  let t: TestApp;
  const now = Date.now();
  before(async () => {
    t = await startTestApp({ INTERFLOW_LOKI_MAX_ENTRIES: String(PAGE) });
    await pushRecords(
      t.storeUrl,
      generateFlows({ count: COUNT, seed: 21, startMs: now - 120_000, endMs: now - 1000 }),
    );
  });
  after(() => t?.close());

  test('a client reading at 1 MB/s keeps the backend within a few pages', { timeout: 120_000 }, async () => {
    const url = `${t.url}/api/flows/export?timeRange=300&values=raw`;
    const { rows, bytes } = await readThrottled(url, 1_000_000);
    assert.equal(rows, COUNT, 'the slow client got every row');
    const held = await gauge(t, 'interflow_server_export_held_entries_peak');
    const queued = await gauge(t, 'interflow_server_export_queued_bytes_peak');
    const pageBytes = (bytes / COUNT) * PAGE;
    console.log(
      `slow client: ${bytes} bytes; backend held at most ${held} entries (${(held / PAGE).toFixed(1)} pages), queued at most ${queued} bytes (${(queued / pageBytes).toFixed(1)} pages of CSV)`,
    );
    // A page being written and the one prefetched; the store answers in whole pages.
    assert.ok(held <= 3 * PAGE, `held ${held} entries`);
    assert.ok(held >= PAGE, 'the counter saw the pages');
    // One page's CSV in the socket's buffer, one in the response stream, and a part of the next.
    assert.ok(queued <= 3 * pageBytes, `queued ${queued} bytes, a page is ${Math.round(pageBytes)}`);
    assert.ok(bytes > 6 * 3 * pageBytes, 'the export is much larger than the bound');
  });
});
