#!/usr/bin/env node
// Runs every test suite of the repository and ends with one summary line:
//   "Tests: N passed, N failed, N skipped"
//
// Suites (by file name, so a new test file is picked up without registering it):
//   unit        **/*.test.ts (not the kinds below)     node:test via tsx, files in parallel
//   privileged  **/*.priv.test.ts                      node:test, one file at a time (netns, eBPF)
//   browser     **/*.browser.test.ts                   node:test, one file at a time (Chromium)
//   e2e         **/*.e2e.test.ts                       node:test, one file at a time (whole product)
//   web         web/**/*.test.ts(x)                    vitest + jsdom (React components)
//
// `node scripts/run-tests.mjs some/file.test.ts …` runs only the named files (any kind).
// `--suite unit|privileged|browser|e2e|web` runs one suite.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tmpdir, cpus } from 'node:os';

const root = resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'data', '.git', '.cache']);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, out);
    else out.push(relative(root, full));
  }
  return out;
}

function kindOf(file) {
  if (file.startsWith('web/') && /\.test\.tsx?$/.test(file)) return 'web';
  if (file.endsWith('.priv.test.ts')) return 'privileged';
  if (file.endsWith('.browser.test.ts')) return 'browser';
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  if (file.endsWith('.test.ts')) return 'unit';
  return null;
}

const args = process.argv.slice(2);
let onlySuite = null;
const named = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--suite') onlySuite = args[++i];
  else named.push(args[i]);
}

const files = named.length ? named.map((f) => relative(root, resolve(f))) : walk(root);
const bySuite = { unit: [], privileged: [], browser: [], e2e: [], web: [] };
for (const f of files) {
  const k = kindOf(f);
  if (k && (!onlySuite || onlySuite === k)) bySuite[k].push(f);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(cmd, argv, env = {}) {
  return new Promise((resolveRun) => {
    let out = '';
    const child = spawn(cmd, argv, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code) => resolveRun({ code, out }));
  });
}

// node:test's spec reporter ends with "ℹ pass N", "ℹ fail N", "ℹ skipped N", "ℹ todo N".
function countNodeTest(out) {
  const num = (label) => {
    const m = [...out.matchAll(new RegExp(`^\\S* ?${label} (\\d+)$`, 'gm'))].pop();
    return m ? Number(m[1]) : 0;
  };
  return {
    passed: num('pass'),
    failed: num('fail') + num('cancelled'),
    skipped: num('skipped') + num('todo'),
  };
}

async function nodeSuite(name, list, concurrency) {
  if (!list.length) return;
  console.log(`\n=== ${name}: ${list.length} file(s) ===`);
  const { code, out } = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...list,
  ]);
  const c = countNodeTest(out);
  if (code !== 0 && c.failed === 0) c.failed = 1; // a crash outside any test still fails the run
  add(name, c);
}

async function webSuite(list) {
  if (!list.length) return;
  console.log(`\n=== web: ${list.length} file(s) ===`);
  const dir = mkdtempSync(join(tmpdir(), 'interflow-vitest-'));
  const report = join(dir, 'report.json');
  const { code } = await run(process.execPath, [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--config',
    'web/vitest.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${report}`,
    ...list,
  ]);
  let c = { passed: 0, failed: 0, skipped: 0 };
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    c = { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
  } catch {
    /* no report: counted as a failure below */
  }
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && c.failed === 0) c.failed = 1;
  add('web', c);
}

function add(name, c) {
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
  if (c.failed) failures.push(`${name} (${c.failed} failed)`);
  console.log(`--- ${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
}

await nodeSuite('unit', bySuite.unit, Math.max(2, cpus().length));
await webSuite(bySuite.web);
await nodeSuite('privileged', bySuite.privileged, 1);
await nodeSuite('browser', bySuite.browser, 1);
await nodeSuite('e2e', bySuite.e2e, 1);

if (failures.length) console.log(`\nFailed suites: ${failures.join(', ')}`);
console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed || totals.passed === 0 ? 1 : 0);
