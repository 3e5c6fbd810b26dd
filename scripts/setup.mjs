#!/usr/bin/env node
// Idempotent setup shared by `npm start` and `npm test`:
//   1. Debian packages the project uses, installed only when missing (needs root);
//   2. `npm ci` only when node_modules is missing or package-lock.json changed since the last run;
//   3. builds that are out of date: eBPF objects + native helper (`make -C agent`), web bundle.
// A second run with nothing changed does nothing but say so, and works offline.
//
//   node scripts/setup.mjs               everything
//   node scripts/setup.mjs --build-only  skip package installs (3 only)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { missingWorkspaceNodeModules } from './locked-node-modules.mjs';

const root = resolve(import.meta.dirname, '..');
const buildOnly = process.argv.includes('--build-only');
const isRoot = process.getuid?.() === 0;

const say = (msg) => console.log(`[setup] ${msg}`);

// Debian packages: what the build, the agent and the tests use.
const DEBIAN_PACKAGES = [
  'clang', // eBPF programs
  'llvm', // llvm-strip for eBPF objects
  'libbpf-dev', // native helper links libbpf; BPF headers
  'libelf-dev',
  'zlib1g-dev',
  'bpftool', // vmlinux.h from kernel BTF
  'make',
  'pkg-config',
  'iproute2', // ip netns, tc in tests
  'iperf3', // traffic in tests and benchmarks
  'chromium', // browser tests (never downloaded by npm)
  'openssl', // test certificates
];

function run(cmd, args, opts = {}) {
  say(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
}

function debianInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function ensureDebianPackages() {
  if (!hasCommand('dpkg-query')) {
    say(
      'not a Debian system: skipping system packages (install clang, libbpf-dev, bpftool, iproute2, iperf3, chromium yourself)',
    );
    return;
  }
  const missing = DEBIAN_PACKAGES.filter((p) => !debianInstalled(p));
  // kubectl renders the deploy/ overlays in tests; any kubectl will do, Debian's comes from kubernetes-client.
  if (!hasCommand('kubectl')) missing.push('kubernetes-client');
  if (!missing.length) {
    say('system packages: all present');
    return;
  }
  if (!isRoot) {
    say(
      `system packages missing: ${missing.join(' ')} — run as root to install them; tests needing them will skip`,
    );
    return;
  }
  say(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.interflow-lock-sha256');
  const want = createHash('sha256').update(readFileSync(lock)).update(process.version).digest('hex');
  const missing = missingWorkspaceNodeModules(root, JSON.parse(readFileSync(lock, 'utf8')));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want && missing.length === 0) {
    say('npm packages: up to date');
    return;
  }
  if (missing.length) say(`npm packages: ${missing.join(', ')} missing`);
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, `${want}\n`);
}

function ensureBpffs() {
  if (!isRoot || !existsSync('/sys/fs/bpf')) return;
  const mounts = readFileSync('/proc/mounts', 'utf8');
  if (!/ \/sys\/fs\/bpf bpf /.test(mounts)) run('mount', ['-t', 'bpf', 'bpf', '/sys/fs/bpf']);
}

function buildAgent() {
  if (!existsSync(join(root, 'agent', 'Makefile'))) return;
  if (!hasCommand('clang') || !hasCommand('bpftool')) {
    say('agent: clang/bpftool missing, eBPF objects not built (the agent will not start)');
    return;
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    say('agent: kernel has no BTF (/sys/kernel/btf/vmlinux), eBPF objects not built');
    return;
  }
  const q = spawnSync('make', ['-q', '-C', 'agent'], { cwd: root, stdio: 'ignore' });
  if (q.status === 0) {
    say('agent: eBPF objects and native helper up to date');
    return;
  }
  try {
    run('make', ['-C', 'agent']);
  } catch (e) {
    // The backend and the page work without the agent; its tests report the build problem.
    say(`agent: build failed (${e.message}); the agent will not start`);
  }
}

function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules') visit(join(p, name));
    } else if (!/\.test\.tsx?$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

function buildWeb() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (!pkg.scripts?.['build:web']) return;
  // Our own stamp, written after a successful build: webpack leaves unchanged outputs
  // untouched (compareBeforeEmit), so their mtimes say nothing about the last build.
  const stamp = join(root, 'dist', '.interflow-build-stamp');
  const inputs = ['web', 'i18n', 'console-extensions.json', 'package.json', 'package-lock.json'].map((p) =>
    join(root, p),
  );
  const complete = [
    'plugin-manifest.json',
    'plugin-entry.js',
    'console-4.19/plugin-manifest.json',
    'console-4.19/plugin-entry.js',
    'standalone/index.html',
  ].every((f) => existsSync(join(root, 'dist', f)));
  if (complete && existsSync(stamp) && statSync(stamp).mtimeMs >= newestMtime(inputs)) {
    say('web: bundle up to date');
    return;
  }
  const began = Date.now();
  run('npm', ['run', '--silent', 'build:web']);
  writeFileSync(stamp, `${new Date(began).toISOString()}\n`);
  // Date the stamp to when the build started, so an edit made during the build still counts.
  utimesSync(stamp, began / 1000, began / 1000);
}

const started = Date.now();
try {
  if (!buildOnly) {
    ensureDebianPackages();
    ensureNodeModules();
    ensureBpffs();
  }
  buildAgent();
  buildWeb();
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`[setup] FAILED: ${e.message}`);
  process.exit(1);
}
