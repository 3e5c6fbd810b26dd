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
    'web/src/components/table/FlowsTable.bench.tsx',
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
// Figures for `npm run bench` (test/bench/run-all.ts): one machine-readable line.
console.log(
  `BENCH_RESULT ${JSON.stringify({
    part: 'web',
    pluginEntryGzipBytes: entry,
    pageChunkGzipBytes: page,
    tabChunkGzipBytes: tab,
    consolePageDownloadGzipBytes: entry + page,
    patternflyFallbackGzipBytes: fallback,
    standaloneGzipBytes: standaloneGzip,
    render1000RowsMs: Number.isFinite(table) ? table : null,
    render1000RowsBaselineMs: Number.isFinite(baseline) ? baseline : null,
  })}`,
);
process.exit(r.status ?? 1);
