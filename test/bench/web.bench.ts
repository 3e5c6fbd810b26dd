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
const ROW = '[data-testid="interflow-flow-row"]';
// Code run in the page is given as strings: tsx keeps function names by wrapping named
// functions in a helper that exists in Node, not in the page.
const AFTER_PAINT =
  'new Promise((r) => requestAnimationFrame(() => { const ch = new MessageChannel(); ' +
  'window.__interflowBenchChannel = ch; ch.port1.onmessage = () => r(performance.now()); ch.port2.postMessage(0); }))';
/** Arms a timer for the next click: resolves `window.__interflowRendered` with ms to painted rows. */
const ARM_CLICK_TIMER = `window.__interflowRendered = new Promise((done) => {
  document.addEventListener('click', () => {
    const start = performance.now();
    const tick = () => document.querySelectorAll('${ROW}').length === 1000
      ? ${AFTER_PAINT}.then((t) => done(t - start)) : requestAnimationFrame(tick);
    requestAnimationFrame(tick);
  }, { capture: true, once: true });
}); 0`;
const PLAIN_TABLE = (cells: string[][]) => `(() => {
  const cells = ${JSON.stringify(cells)};
  const anchor = document.querySelector('.interflow-flows-table');
  const start = performance.now();
  const table = document.createElement('table');
  const body = table.createTBody();
  for (const row of cells) { const tr = body.insertRow(); for (const c of row) tr.insertCell().textContent = c; }
  anchor.parentElement.insertBefore(table, anchor);
  return ${AFTER_PAINT}.then((t) => { table.remove(); return t - start; });
})()`;
const CELL_TEXTS = `[...document.querySelectorAll('.interflow-flows-table tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent ?? ''))`;

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
    chromiumRender1000RowsDriverMs: chromium?.driverMs ?? null,
  })}`,
);
process.exit(r.status ?? 1);

/**
 * The same in Debian's Chromium against the real backend: the standalone page with 1 000
 * records fetched; per round, first a plain DOM table of the same 1 000 rows of cell texts (no
 * classes, no CSS of its own) inserted where the page's table is, then "1000 per page" chosen.
 * Both are timed inside the page, from the start (the click event for the page) until the frame
 * showing the rows has been painted: the same clock, the same end point, the same place in the
 * document. The time Playwright takes to see the rows from Node (click, then polling) is printed
 * too, but it adds the round trips of the test driver, which the baseline does not have.
 */
async function chromiumRender(): Promise<{ ms: number; baselineMs: number; driverMs: number } | null> {
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
    const driver: number[] = [];
    let cells: string[][] = [];
    const rounds = Math.max(3, Number(process.env.BENCH_RENDER_ROUNDS ?? 7));
    // round 0 renders once to learn the cell texts (and warms up); it is not counted
    for (let i = 0; i <= rounds; i++) {
      await page.goto(`${backend.url}/traffic-flows?timeRange=3600&limit=1000`);
      await page.locator(ROW).first().waitFor();
      await page.getByRole('button', { name: 'Flows per page' }).first().click();
      const item = page.getByRole('menuitem', { name: /^1000 per page/ });
      await item.waitFor();
      if (i > 0) {
        baselines.push((await page.evaluate(PLAIN_TABLE(cells))) as number);
        await page.waitForTimeout(100);
      }
      await page.evaluate(ARM_CLICK_TIMER);
      const t0 = Date.now();
      await item.click();
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="interflow-flow-row"]').length === 1000,
      );
      const seen = Date.now() - t0;
      const rendered = (await page.evaluate('window.__interflowRendered')) as number;
      if (i === 0) cells = (await page.evaluate(CELL_TEXTS)) as string[][];
      else {
        samples.push(rendered);
        driver.push(seen);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    const ms = median(samples);
    const baselineMs = median(baselines);
    const driverMs = median(driver);
    console.log(
      `\nrender time (Chromium, real backend, 1 000 records fetched, ${rounds} rounds, timed in the page until painted)` +
        `\n  "1000 per page" → 1 000 rows painted: median ${ms.toFixed(0)} ms (${list(samples)})` +
        `\n  baseline, plain DOM table of the same cells, same place: median ${baselineMs.toFixed(0)} ms (${list(baselines)})` +
        `\n  ratio of medians ${(ms / Math.max(1, baselineMs)).toFixed(2)}×` +
        `\n  (seen from Node through Playwright, click → rows in the DOM: median ${driverMs} ms (${list(driver)}))`,
    );
    return { ms, baselineMs, driverMs };
  } finally {
    await close();
    await backend.stop();
    backend.cleanup();
  }
}
