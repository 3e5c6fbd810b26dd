#!/usr/bin/env node
// `npm start`: the backend with its embedded store, the standalone page it serves, and the
// agent when this machine can run it (root, BPF, BTF, objects built). Ctrl-C stops everything;
// the agent removes every hook it added before it exits. A child that dies is started again
// (after 1 s, doubling up to 30 s while it keeps dying); the other keeps running: while the
// backend restarts, the agent holds its records in its export buffer and delivers them after.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const port = process.env.INTERFLOW_PORT ?? '9001';
const backendUrl = `http://127.0.0.1:${port}`;
// The embedded store's Loki API has its own port (Loki's 3100), not the page's.
const storePort = process.env.INTERFLOW_STORE_PORT ?? '3100';
const storeUrl = `http://127.0.0.1:${storePort}`;
const STOP_GRACE_MS = 15_000;
const AGENT_CANNOT_RUN = 3; // exit code the agent uses for "cannot run here", with its reason on stderr
// Exit code of both processes for a setting that must change (a bad variable, a port another
// process holds), with the variable named on stderr: starting it again would fail the same way.
const NEEDS_SETTING = 2;

const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;
const STEADY_MS = 60_000; // a child that ran this long starts again after RESTART_MIN_MS

const say = (msg) => console.log(`[start] ${msg}`);
const children = new Map(); // name → ChildProcess
const restarts = new Map(); // name → { delayMs, timer }
let stopping = false;
let backendHealthy = false;

// The backend's node flags are those of `npm run server` (package.json), read from there so they
// are set in one place (the V8 heap and young-generation limits, docs in server/README.md).
const serverScript = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.server;
const NODE_FLAGS = {
  backend: serverScript.split(/\s+/).filter((a) => /^--max-[\w-]+=\d+$/.test(a)),
  agent: [],
};

function launch(name, script, env = {}) {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...NODE_FLAGS[name], '--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only this script, which stops the children in order.
    detached: true,
  });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    if (name === 'agent' && (code === AGENT_CANNOT_RUN || code === NEEDS_SETTING)) {
      say('agent is not running (reason above); the backend and the page keep working');
      return;
    }
    // Not healthy yet: it never ran, so trying again would only repeat the failure; the start-up
    // below reports it and stops.
    if (name === 'backend' && !backendHealthy) return;
    // Restart it; the other child keeps running (the agent buffers while the backend is away).
    const r = restarts.get(name) ?? { delayMs: RESTART_MIN_MS, timer: undefined };
    if (Date.now() - startedAt >= STEADY_MS) r.delayMs = RESTART_MIN_MS;
    say(
      `${name} exited (${signal ?? `code ${code}`}); starting it again in ${(r.delayMs / 1000).toFixed(0)} s`,
    );
    r.timer = setTimeout(() => {
      r.timer = undefined;
      if (!stopping) launch(name, script, env);
    }, r.delayMs);
    r.delayMs = Math.min(r.delayMs * 2, RESTART_MAX_MS);
    restarts.set(name, r);
  });
  return child;
}

async function waitForHealth(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!children.has('backend')) return false;
    try {
      const r = await fetch(`${backendUrl}/healthz`);
      if (r.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function stopChild(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', done);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
  });
}

// The agent goes first, so its last records still reach the backend's store.
async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const r of restarts.values()) if (r.timer) clearTimeout(r.timer);
  for (const name of ['agent', 'backend']) {
    const child = children.get(name);
    if (child) await stopChild(child);
  }
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

/** Whether something already accepts connections on the page's port (say, another npm start). */
function portAnswers() {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('timeout', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(false));
  });
}

// Checked first because its /healthz would answer for our backend, which would then fail to
// listen while start-up took the other process's answer for its own.
if (port !== '0' && (await portAnswers())) {
  say(
    `INTERFLOW_PORT: 127.0.0.1:${port} is already in use by another process (another npm start?); set INTERFLOW_PORT to a free port`,
  );
  process.exit(1);
}

const t0 = Date.now();
launch('backend', 'server/src/main.ts', { INTERFLOW_PORT: port, INTERFLOW_STORE_PORT: storePort });
if (!(await waitForHealth(60_000))) {
  const backend = children.get('backend');
  if (backend) say(`backend did not answer ${backendUrl}/healthz within 60 s`);
  else say('backend exited during start-up (its reason is above)');
  await stop(1);
}
backendHealthy = true;
say(`backend healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// The agent checks for itself whether it can run here (root, BTF, built objects); when it
// cannot, it prints one line saying why and exits with AGENT_CANNOT_RUN.
launch('agent', 'agent/src/main.ts', { INTERFLOW_LOKI_URL: process.env.INTERFLOW_LOKI_URL ?? storeUrl });

say(`Traffic Flows: http://localhost:${port}/traffic-flows   (Ctrl-C to stop)`);
