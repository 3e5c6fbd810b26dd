#!/usr/bin/env node
// Runs every test suite of the repository and ends with one summary line:
//   "Tests: N passed, N failed, N skipped"
// Counts come from the runners' structured results (node:test events through
// scripts/test-events-reporter.mjs, vitest's JSON report), never from their human-readable
// text; every skipped test or suite is listed with its reason above the summary.
//
// Suites (by file name, so a new test file is picked up without registering it):
//   unit        **/*.test.ts (not the kinds below)     node:test via tsx, files in parallel
//   privileged  **/*.priv.test.ts                      node:test, one file at a time (netns, eBPF)
//   browser     **/*.browser.test.ts                   node:test, one file at a time (Chromium)
//   e2e         **/*.e2e.test.ts                       node:test, one file at a time (whole product)
//   web         web/**/*.test.ts(x)                    vitest + jsdom (React components)
// The files are those git knows or would add (.gitignore'd ones are not the repository's).
// A file that looks like a test but fits no suite stops the run with its name.
//
// `node scripts/run-tests.mjs some/file.test.ts …` runs only the named files (any kind).
// `--suite unit|privileged|browser|e2e|web` runs one suite.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { cpus, tmpdir } from 'node:os';

const root = resolve(import.meta.dirname, '..');
const SUITES = ['unit', 'web', 'privileged', 'browser', 'e2e'];

/** Every file of the repository: tracked, or untracked but not ignored. */
function repositoryFiles() {
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (git.status === 0)
    return [...new Set(git.stdout.split('\0').filter((f) => f && existsSync(join(root, f))))];
  console.log('[run-tests] not a git checkout: walking the tree (skipping node_modules and .git only)');
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === '.git') continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full));
    }
  };
  walk(root);
  return out;
}

const looksLikeTest = (file) => /\.test\.[cm]?[jt]sx?$/.test(file);

/** The suite of a test file, or an error saying why it fits none. */
function kindOf(file) {
  const kindSuffix = /\.(priv|browser|e2e)\.test\.tsx?$/.exec(file)?.[1];
  if (file.startsWith('web/')) {
    if (kindSuffix)
      return { error: `${kindSuffix} tests run under node:test outside web/; move it to test/` };
    if (/\.test\.tsx?$/.test(file)) return { kind: 'web' };
  } else {
    if (kindSuffix === 'priv' && file.endsWith('.ts')) return { kind: 'privileged' };
    if (kindSuffix === 'browser' && file.endsWith('.ts')) return { kind: 'browser' };
    if (kindSuffix === 'e2e' && file.endsWith('.ts')) return { kind: 'e2e' };
    if (!kindSuffix && file.endsWith('.test.ts')) return { kind: 'unit' };
  }
  return { error: 'not a kind the runner knows (*.test.ts, *.priv|browser|e2e.test.ts, web/**/*.test.tsx)' };
}

const args = process.argv.slice(2);
let onlySuite = null;
const named = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--suite') onlySuite = args[++i];
  else named.push(args[i]);
}
if (onlySuite && !SUITES.includes(onlySuite)) {
  console.error(`[run-tests] unknown suite "${onlySuite}" (known: ${SUITES.join(', ')})`);
  process.exit(2);
}

const candidates = named.length
  ? named.map((f) => relative(root, resolve(f)))
  : repositoryFiles().filter(looksLikeTest);
const bySuite = Object.fromEntries(SUITES.map((s) => [s, []]));
const refused = [];
for (const f of candidates) {
  if (named.length && !existsSync(join(root, f))) {
    refused.push(`${f}: no such file`);
    continue;
  }
  const { kind, error } = kindOf(f);
  if (error) refused.push(`${f}: ${error}`);
  else if (!onlySuite || onlySuite === kind) bySuite[kind].push(f);
}
if (refused.length) {
  console.error(`[run-tests] these files are not run:\n  ${refused.join('\n  ')}`);
  process.exit(2);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const skips = [];

function run(cmd, argv, env = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

function readJsonLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

const where = (e) => `${e.file ? relative(root, e.file) : '?'}: ${e.name}`;

/** Counts node:test events: leaf tests, plus suites that were skipped whole or failed on their own (a hook). */
function countNodeEvents(events) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const e of events) {
    const skipReason = e.skip ?? e.todo;
    if (e.suite) {
      if (e.outcome === 'pass' && skipReason) {
        c.skipped++;
        skips.push(`${where(e)} (whole suite): ${skipReason === true ? 'skipped' : skipReason}`);
      } else if (e.outcome === 'fail' && e.failureType !== 'subtestsFailed') {
        c.failed++;
        failures.push(`${where(e)} (suite ${e.failureType}): ${e.message ?? ''}`);
      }
      continue;
    }
    if (skipReason) {
      c.skipped++;
      skips.push(`${where(e)}: ${skipReason === true ? 'skipped' : skipReason}`);
    } else if (e.outcome === 'pass') c.passed++;
    else {
      c.failed++;
      failures.push(`${where(e)}: ${e.failureType ?? ''} ${e.message ?? ''}`.trim());
    }
  }
  return c;
}

async function nodeSuite(name, list, concurrency) {
  if (!list.length) return;
  console.log(`\n=== ${name}: ${list.length} file(s) ===`);
  const dir = mkdtempSync(join(tmpdir(), 'interflow-node-test-'));
  const eventsFile = join(dir, 'events.jsonl');
  const code = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts', 'test-events-reporter.mjs')}`,
    `--test-reporter-destination=${eventsFile}`,
    ...list,
  ]);
  const c = countNodeEvents(readJsonLines(eventsFile));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && c.failed === 0) {
    c.failed = 1; // a crash outside any test still fails the run
    failures.push(`${name}: the test process exited with ${code} outside any test`);
  }
  add(name, c);
}

async function webSuite(list) {
  if (!list.length) return;
  console.log(`\n=== web: ${list.length} file(s) ===`);
  const dir = mkdtempSync(join(tmpdir(), 'interflow-vitest-'));
  const report = join(dir, 'report.json');
  const code = await run(process.execPath, [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--config',
    'web/vitest.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${report}`,
    ...list,
  ]);
  const c = { passed: 0, failed: 0, skipped: 0 };
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    for (const file of r.testResults) {
      const rel = relative(root, file.name);
      if (file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed')) {
        c.failed++; // the file did not load or a hook failed
        failures.push(`${rel}: ${String(file.message).slice(0, 500)}`);
      }
      for (const a of file.assertionResults) {
        if (a.status === 'passed') c.passed++;
        else if (a.status === 'failed') {
          c.failed++;
          failures.push(`${rel}: ${a.fullName}`);
        } else {
          c.skipped++;
          skips.push(`${rel}: ${a.fullName} (${a.status})`);
        }
      }
    }
  } catch (e) {
    failures.push(`web: no vitest report (${e.message})`);
  }
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && c.failed === 0) c.failed = 1;
  add('web', c);
}

function add(name, c) {
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
  console.log(`--- ${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
}

await nodeSuite('unit', bySuite.unit, Math.max(2, cpus().length));
await webSuite(bySuite.web);
await nodeSuite('privileged', bySuite.privileged, 1);
await nodeSuite('browser', bySuite.browser, 1);
await nodeSuite('e2e', bySuite.e2e, 1);

if (skips.length) console.log(`\nSkipped (${skips.length}):\n  ${skips.join('\n  ')}`);
if (failures.length) console.log(`\nFailed (${failures.length}):\n  ${failures.join('\n  ')}`);
console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed || totals.passed === 0 ? 1 : 0);
