// Web figures (`npm run bench:web`): gzip sizes of what the console downloads for the plugin
// (the entry, the page chunk, the tab chunk; PatternFly fallback chunks are not downloaded by
// a console that shares PatternFly) and of the standalone bundle, then the time to render
// 1 000 rows of the flows table in jsdom next to a plain-table baseline (vitest bench).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..', '..');
const dist = resolve(root, process.env.INTERFLOW_WEB_DIST ?? 'dist');

if (!existsSync(join(dist, 'plugin-manifest.json'))) {
  console.log('web bench: building the web bundle first (npm run build:web)');
  const r = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
function sizes(file: string) {
  const data = readFileSync(file);
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
}
function row(label: string, files: string[]) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const s = sizes(f);
    raw += s.raw;
    gzip += s.gzip;
  }
  console.log(
    `  ${label.padEnd(44)} ${kib(gzip).padStart(11)} gzip  ${kib(raw).padStart(11)} raw  (${files.length} file${files.length === 1 ? '' : 's'})`,
  );
  return gzip;
}

const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
const pick = (prefix: string) => files.filter((f) => f.startsWith(prefix)).map((f) => join(dist, f));
const standalone = readdirSync(join(dist, 'standalone'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => join(dist, 'standalone', f));

console.log('web bundle sizes');
const entry = row('plugin entry (plugin-entry.js)', [join(dist, 'plugin-entry.js')]);
const page = row('page chunk (exposed-TrafficFlowsPage)', pick('exposed-TrafficFlowsPage.'));
const tab = row('tab chunk (exposed-TrafficFlowsTab)', pick('exposed-TrafficFlowsTab.'));
console.log(
  `  ${'console download for the page (entry + chunk)'.padEnd(44)} ${kib(entry + page).padStart(11)} gzip`,
);
const fallback = row('PatternFly fallback chunks (not loaded in console)', pick('node_modules_'));
// The build for consoles 4.19-4.21 (dist/console-4.19/, SDK 4.19 packages): the same budget.
const dist419 = join(dist, 'console-4.19');
const files419 = existsSync(dist419) ? readdirSync(dist419).filter((f) => f.endsWith('.js')) : [];
const pick419 = (prefix: string) => files419.filter((f) => f.startsWith(prefix)).map((f) => join(dist419, f));
const entry419 = files419.length
  ? row('4.19-4.21 build: plugin entry', [join(dist419, 'plugin-entry.js')])
  : 0;
const page419 = row('4.19-4.21 build: page chunk', pick419('exposed-TrafficFlowsPage.'));
if (files419.length)
  console.log(
    `  ${'4.19-4.21 build: console download for the page'.padEnd(44)} ${kib(entry419 + page419).padStart(11)} gzip`,
  );
const standaloneGzip = row('standalone page (React + PatternFly + page)', standalone);

console.log('\nrender time (jsdom, vitest bench)');
const r = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'bench',
    '--run',
    '--config',
    'web/vitest.config.ts',
    'test/bench/web-flows-table.bench.tsx',
  ],
  { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
);
const out = stripVTControlCharacters(`${r.stdout}\n${r.stderr}`);
const lines = out.split('\n').filter((l) => /^\s+(·|name)/.test(l) || /faster than|slower than/.test(l));
console.log(lines.length ? lines.join('\n') : out);
const mean = (name: string) => {
  const line = out.split('\n').find((l) => l.includes(name));
  const cols = line?.trim().split(/\s{2,}/) ?? [];
  return Number((cols[4] ?? 'NaN').replace(/,/g, ''));
};
const table = mean('FlowsTable, 1 000 rows');
const baseline = mean('baseline: plain <table>');
if (Number.isFinite(table) && Number.isFinite(baseline)) {
  console.log(
    `\n  1 000 rows: ${table.toFixed(0)} ms mean (${(table / baseline).toFixed(1)}× a plain React <table> of the same cells, ${baseline.toFixed(0)} ms)`,
  );
}
const chromium = r.status === 0 ? await chromiumRender() : null;

// Figures for `npm run bench` (test/bench/run-all.ts): one machine-readable line.
console.log(
  `BENCH_RESULT ${JSON.stringify({
    part: 'web',
    pluginEntryGzipBytes: entry,
    pageChunkGzipBytes: page,
    tabChunkGzipBytes: tab,
    consolePageDownloadGzipBytes: entry + page,
    console419PageDownloadGzipBytes: files419.length ? entry419 + page419 : null,
    patternflyFallbackGzipBytes: fallback,
    standaloneGzipBytes: standaloneGzip,
    render1000RowsMs: Number.isFinite(table) ? table : null,
    render1000RowsBaselineMs: Number.isFinite(baseline) ? baseline : null,
    chromiumRender1000RowsMs: chromium?.ms ?? null,
    chromiumRender1000RowsBaselineMs: chromium?.baselineMs ?? null,
  })}`,
);
process.exit(r.status ?? 1);

/**
 * The same in Debian's Chromium against the real backend: the standalone page with 1 000
 * records fetched, time from choosing "1000 per page" until the 1 000 rows are in the DOM,
 * next to a plain DOM table of the same cell texts built in the same page (the baseline).
 */
async function chromiumRender(): Promise<{ ms: number; baselineMs: number } | null> {
  const { browserProblem, launchChromium } = await import('../support/browser.ts');
  const { startBackend } = await import('../support/processes.ts');
  const { generateFlows, pushRecords } = await import('../fixtures/flow-generator.ts');
  const problem = browserProblem();
  if (problem) {
    console.log(`\nrender time (Chromium): skipped, ${problem}`);
    return null;
  }
  const backend = await startBackend({ env: { INTERFLOW_WEB_DIST: dist, INTERFLOW_LOG_LEVEL: 'warn' } });
  const { browser, close } = await launchChromium();
  try {
    await pushRecords(backend.storeUrl, generateFlows({ count: 1000, seed: 3, endMs: Date.now() - 1000 }));
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const samples: number[] = [];
    const baselines: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600&limit=1000`);
      await page.locator('[data-testid="interflow-flow-row"]').first().waitFor();
      await page.getByRole('button', { name: 'Flows per page' }).first().click();
      const t0 = Date.now();
      await page.getByRole('menuitem', { name: /^1000 per page/ }).click();
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="interflow-flow-row"]').length === 1000,
      );
      samples.push(Date.now() - t0);
      baselines.push(
        await page.evaluate(() => {
          const cells = [...document.querySelectorAll('.interflow-flows-table tbody tr')].map((tr) =>
            [...tr.children].map((td) => td.textContent ?? ''),
          );
          const start = performance.now();
          const table = document.createElement('table');
          const body = table.createTBody();
          for (const row of cells) {
            const tr = body.insertRow();
            for (const c of row) tr.insertCell().textContent = c;
          }
          document.body.appendChild(table);
          void table.offsetHeight; // force layout, as the page's render does before the next frame
          const ms = performance.now() - start;
          table.remove();
          return ms;
        }),
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ms = median(samples);
    const baselineMs = median(baselines);
    console.log(
      `\nrender time (Chromium, real backend, 1 000 records fetched)` +
        `\n  "1000 per page" → 1 000 rows in the DOM: median ${ms} ms (${samples.join(', ')} ms)` +
        `\n  baseline, plain DOM table of the same cells: median ${baselineMs.toFixed(1)} ms (ratio ${(ms / Math.max(1, baselineMs)).toFixed(1)}×)`,
    );
    return { ms, baselineMs };
  } finally {
    await close();
    await backend.stop();
    backend.cleanup();
  }
}
