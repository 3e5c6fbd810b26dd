// Spawns and talks to the native helper (agent/build/interflow-agent-helper): the only part of
// the agent that touches the kernel. Events are delivered to one listener; drain() collects
// the flow frames received before the matching "drained" event.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Logger } from '../log.ts';
import { FLOW_RECORD_BYTES, FlowFrames } from './flow-frames.ts';
import { FRAME_FLOWS, HelperOutputReader } from './helper-output.ts';
import {
  commandLine,
  flowListOf,
  HELPER_PROTOCOL_VERSION,
  type DrainedEvent,
  type FlowList,
  type HelperEvent,
} from './helper-protocol.ts';

export interface DrainResult {
  flows: FlowList;
  meta: DrainedEvent;
}

/**
 * What a drain answers when the helper is gone (exited before or while the drain was asked):
 * nothing, marked with req -1 so the evictor skips it rather than taking its zero counters.
 */
function helperGone(): DrainResult {
  return {
    flows: flowListOf([]),
    meta: {
      ev: 'drained',
      req: -1,
      count: 0,
      monoNs: 0,
      realNs: 0,
      mapFull: 0,
      spilled: 0,
      ringbufDrops: 0,
      batch: true,
      drainUs: 0,
    },
  };
}

export interface HelperOptions {
  helperPath: string;
  bpfObjectPath: string;
  maxFlows: number;
  /** INTERFLOW_TC_ATTACH_MODE; the helper's own default (auto) when absent. */
  attachMode?: 'auto' | 'tcx' | 'tc';
  /** Where the node lock lives (created when missing); none: no lock (tools, benchmarks). */
  runDir?: string;
  /** How long to wait for the node lock (0: refuse at once). */
  lockWaitMs?: number;
  /** Who this agent is, written into the lock for a second agent to name. */
  owner?: string;
  log: Logger;
}

export class HelperStartError extends Error {
  override name = 'HelperStartError';
  constructor(
    message: string,
    /** Another agent holds the node lock. */
    readonly locked = false,
  ) {
    super(message);
  }
}

export class NativeHelper extends EventEmitter<{
  event: [HelperEvent];
  exit: [number | null, NodeJS.Signals | null];
}> {
  private child: ChildProcess | undefined;
  private pendingFlows = new FlowFrames();
  private badFramesLogged = false;
  private drains = new Map<number, (r: DrainResult) => void>();
  private nextReq = 1;
  private exited = false;

  constructor(private readonly opts: HelperOptions) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the helper and waits for it to load the eBPF object. */
  async start(): Promise<{ maxFlows: number; ncpus: number }> {
    const { runDir } = this.opts;
    if (runDir) {
      try {
        mkdirSync(runDir, { recursive: true, mode: 0o755 });
      } catch (e) {
        throw new HelperStartError(`cannot create the run directory ${runDir}: ${(e as Error).message}`);
      }
    }
    const child = spawn(
      this.opts.helperPath,
      [
        '--bpf-obj',
        this.opts.bpfObjectPath,
        '--max-flows',
        String(this.opts.maxFlows),
        ...(this.opts.attachMode ? ['--attach-mode', this.opts.attachMode] : []),
        ...(runDir
          ? [
              '--run-dir',
              runDir,
              '--lock-wait-ms',
              String(this.opts.lockWaitMs ?? 0),
              '--owner',
              this.opts.owner ?? `agent pid ${process.pid}`,
            ]
          : []),
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const lines = new EventEmitter<{ line: [string] }>();
    const output = new HelperOutputReader({
      line: (line) => lines.emit('line', line),
      frame: (type, recordBytes, records, count) => {
        if (type === FRAME_FLOWS && recordBytes === FLOW_RECORD_BYTES) {
          this.pendingFlows.add(records, count);
        } else if (!this.badFramesLogged) {
          // Only a helper of another version writes these; "ready" refuses it.
          this.badFramesLogged = true;
          this.opts.log.warn(
            { type, recordBytes, count },
            'native helper sent a frame this agent cannot read',
          );
        }
      },
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
    const stderr = createInterface({ input: child.stderr! });
    stderr.on('line', (line) => this.opts.log.warn({ helper: line }, 'native helper'));
    child.stdin!.on('error', () => {
      /* the helper exited; the exit handler reports it */
    });

    return new Promise((resolve, reject) => {
      let ready = false;
      lines.on('line', (line) => {
        if (!line) return;
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch {
          this.opts.log.warn({ line: line.slice(0, 200) }, 'unparsable line from native helper');
          return;
        }
        const ev = v as HelperEvent;
        if (ev.ev === 'ready' && !ready) {
          if (ev.version !== HELPER_PROTOCOL_VERSION) {
            // A helper left from an older build would send flows this agent no longer reads.
            reject(
              new HelperStartError(
                `native helper ${this.opts.helperPath} speaks protocol version ${ev.version}, this agent ${HELPER_PROTOCOL_VERSION}: rebuild it (make -C agent)`,
              ),
            );
            child.kill();
            return;
          }
          ready = true;
          resolve({ maxFlows: ev.maxFlows, ncpus: ev.ncpus });
        } else if (ev.ev === 'fatal' && !ready) {
          reject(new HelperStartError(ev.msg, ev.locked === true));
        } else if (ev.ev === 'drained') {
          const flows = this.pendingFlows;
          this.pendingFlows = new FlowFrames();
          const done = this.drains.get(ev.req);
          this.drains.delete(ev.req);
          done?.({ flows, meta: ev });
        }
        this.emit('event', ev);
      });
      child.on('error', (e) => {
        if (!ready) reject(new HelperStartError(`cannot run ${this.opts.helperPath}: ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        this.exited = true;
        if (!ready)
          reject(
            new HelperStartError(`native helper exited (code ${code}, signal ${signal}) before it was ready`),
          );
        for (const done of this.drains.values()) done(helperGone());
        this.drains.clear();
        this.emit('exit', code, signal);
      });
    });
  }

  private send(...fields: (string | number)[]): void {
    if (this.exited || !this.child?.stdin?.writable) return;
    this.child.stdin.write(commandLine(...fields));
  }

  watch(id: number, path: string): void {
    this.send('watch', id, path);
  }
  unwatch(id: number): void {
    this.send('unwatch', id);
  }
  attach(id: number, ifindex: number): void {
    this.send('attach', id, ifindex);
  }
  detach(id: number, ifindex: number): void {
    this.send('detach', id, ifindex);
  }
  /** Checks that every hook of the namespace is still in place ("hook_lost" for each that is not). */
  verify(id: number): void {
    this.send('verify', id);
  }

  /** Drains the flow map; also returns ring-buffer flows received since the last drain. */
  drain(): Promise<DrainResult> {
    const req = this.nextReq++;
    return new Promise((resolve) => {
      if (this.exited) {
        resolve(helperGone());
        return;
      }
      this.drains.set(req, resolve);
      this.send('drain', req);
    });
  }

  /** Asks the helper to detach everything and exit; waits up to timeoutMs, then kills it. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.send('quit');
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
