// Buffers flow records and pushes them to Loki in order, one push at a time, in batches cut
// by count, bytes and age. The buffer is bounded: a record is dropped only when it is full
// (or is left in it at shutdown, or the store refuses it for good, or it cannot be
// serialised), and every drop is counted by reason (DropReason) in
// interflow_agent_records_dropped_total and stats().
//
// Delivery is at-least-once: a push that timed out may have been stored and is sent again.
import type { FlowRecord, InterfaceRecord } from '@interflow/contract';
import type { AgentConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import type { AgentMetrics } from '../metrics.ts';
import { backoffDelay } from '../retry/backoff.ts';
import { EntryQueue, type HeldEntry } from './entry-queue.ts';
import {
  buildPushBodyBytes,
  encodeEntry,
  encodeInterfaceEntry,
  nextBatchSize,
  streamKey,
} from './push-body.ts';
import { writeRecordValue } from './record-bytes.ts';
import { createPushClient, type PushClient, type PushOutcome } from './push-client.ts';

export interface RecordExporter {
  /** Never throws; when the bounded buffer is full the overflow is dropped and counted. */
  enqueue(records: FlowRecord[]): void;
  /** Interface inventory records, into the same ordered, bounded buffer (their own stream). */
  enqueueInterfaces(records: InterfaceRecord[]): void;
  /** Try to push everything buffered now (bounded by the timeout); never rejects. */
  flush(timeoutMs?: number): Promise<void>;
  /** Flush (bounded by the timeout), then stop timers and connections. Records still held are counted as dropped ("shutdown"). */
  close(timeoutMs?: number): Promise<void>;
  /**
   * buffered: records held (waiting or in the push in flight); exported: acknowledged by the
   * store; dropped: all reasons; pushes: push attempts; failedPushes: attempts that failed.
   */
  stats(): { buffered: number; exported: number; dropped: number; pushes: number; failedPushes: number };
}

/** Label values of interflow_agent_records_dropped_total{reason}. */
export type DropReason =
  | 'buffer_full' // enqueued while the buffer held bufferMaxRecords
  | 'rejected' // the store answered a 4xx that retrying cannot fix
  | 'shutdown' // still buffered when close() gave up, or enqueued after close()
  | 'invalid'; // the record could not be serialised

const DEFAULT_FLUSH_TIMEOUT_MS = 30_000;
const LOGGED_BODY_CHARS = 2000;

export function createLokiExporter(cfg: AgentConfig, metrics: AgentMetrics, log: Logger): RecordExporter {
  return new LokiExporter(cfg, metrics, log.child({ component: 'export' }), createPushClient(cfg, log));
}

/**
 * Loki answers 400 for a push of which only some entries were refused (too old, out of
 * order) after storing the others, ending each stream's message with
 * "total ignored: N out of M". Sending the batch again would duplicate the stored part, so
 * the batch is settled and only the ignored entries count as dropped. Without that phrase
 * nothing is known to be stored and the whole batch counts.
 */
export function countIgnored(body: string, batchSize: number): number {
  let ignored = 0;
  let found = false;
  for (const m of body.matchAll(/total ignored: (\d+) out of \d+/g)) {
    ignored += Number(m[1]);
    found = true;
  }
  return found ? Math.min(ignored, batchSize) : batchSize;
}

class LokiExporter implements RecordExporter {
  private readonly queue = new EntryQueue();
  private nextSeq = 1;
  /** Every entry with seq ≤ settledSeq is exported, rejected or dropped. */
  private settledSeq = 0;
  /** Entries with seq ≤ this are pushed without waiting for the batch to fill or age. */
  private urgentSeq = 0;
  private readonly settleWaiters: { seq: number; resolve: () => void }[] = [];
  private wakePump: ((urgent: boolean) => void) | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly stop = new AbortController();
  private readonly pumpDone: Promise<void>;
  /** Records per push; halved after a 413 until a push gets through. */
  private batchLimit: number;
  private overflowing = 0;
  private readonly counts = { exported: 0, dropped: 0, pushes: 0, failedPushes: 0 };

  constructor(
    private readonly cfg: AgentConfig,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
    private readonly client: PushClient,
  ) {
    this.batchLimit = cfg.batchMaxRecords;
    metrics.recordsBufferCapacity.set(cfg.bufferMaxRecords);
    metrics.recordsBuffered.set(0);
    this.pumpDone = this.pump().catch((e: Error) => {
      // Not expected: the loop catches what a push can throw. Say so loudly.
      this.log.error({ err: e.message, stack: e.stack }, 'export loop stopped');
    });
  }

  enqueue(records: FlowRecord[]): void {
    this.enqueueEach(records, (record, seq, now) => {
      // Bytes written in place; the text way for what that writer declines.
      if (!this.queue.pushWritten(seq, now, streamKey(record), record, writeRecordValue)) {
        this.queue.push(encodeEntry(record, seq, now));
      }
    });
  }

  enqueueInterfaces(records: InterfaceRecord[]): void {
    this.enqueueEach(records, (record, seq, now) => this.queue.push(encodeInterfaceEntry(record, seq, now)));
  }

  /** Queues each record with `add` (which throws for a record that cannot be serialised). */
  private enqueueEach<R>(records: R[], add: (r: R, seq: number, now: number) => void): void {
    try {
      const now = performance.now();
      let full = 0;
      let invalid = 0;
      let shutdown = 0;
      for (const record of records) {
        if (this.closing) {
          shutdown++;
          continue;
        }
        if (this.queue.length >= this.cfg.bufferMaxRecords) {
          full++;
          continue;
        }
        try {
          add(record, this.nextSeq, now);
        } catch (e) {
          invalid++;
          this.log.warn({ err: (e as Error).message }, 'flow record cannot be serialised; dropped');
          continue;
        }
        this.nextSeq++;
      }
      if (full > 0) this.noteOverflow(full);
      else if (this.overflowing > 0 && records.length > 0) this.endOverflow();
      if (invalid > 0) this.drop('invalid', invalid);
      if (shutdown > 0) this.drop('shutdown', shutdown);
      this.metrics.recordsBuffered.set(this.queue.length);
      this.wakePump?.(false);
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'enqueue failed');
    }
  }

  async flush(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<void> {
    const target = this.nextSeq - 1;
    if (target <= this.settledSeq) return;
    this.urgentSeq = Math.max(this.urgentSeq, target);
    this.wakePump?.(true);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.settleWaiters.push({ seq: target, resolve })),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  close(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<void> {
    this.closed ??= this.shutdown(timeoutMs);
    return this.closed;
  }

  stats() {
    return { buffered: this.queue.length, ...this.counts };
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.closing = true;
    await this.flush(timeoutMs);
    this.stop.abort();
    this.wakePump?.(true);
    await this.pumpDone;
    const left = this.queue.clear();
    if (left.length > 0) {
      this.log.warn(
        { records: left.length },
        'store did not take every record before shutdown; they are dropped',
      );
      this.drop('shutdown', left.length);
      this.settle(left[left.length - 1]!.seq);
    }
    if (this.overflowing > 0) this.endOverflow();
    this.metrics.recordsBuffered.set(0);
    await this.client.close().catch(() => {});
  }

  /** The only place pushes happen, so there is never more than one in flight and order holds. */
  private async pump(): Promise<void> {
    let failures = 0;
    while (!this.stop.signal.aborted) {
      const head = this.queue.peek();
      if (!head) {
        await this.wait(undefined, false);
        continue;
      }
      const urgent =
        this.closing ||
        head.seq <= this.urgentSeq ||
        this.queue.length >= this.batchLimit ||
        this.queue.bytes >= this.cfg.batchMaxBytes;
      const due = head.enqueuedAt + this.cfg.batchMaxWaitMs - performance.now();
      if (!urgent && due > 0) {
        await this.wait(due, false);
        continue;
      }

      const n = nextBatchSize(this.queue, this.batchLimit, this.cfg.batchMaxBytes);
      const batch: HeldEntry[] = [];
      for (let i = 0; i < n; i++) batch.push(this.queue.at(i)!);
      const outcome = await this.pushBatch(batch);
      if (this.stop.signal.aborted) return;

      switch (outcome.kind) {
        case 'ok':
          failures = 0;
          this.batchLimit = this.cfg.batchMaxRecords;
          this.finishBatch(n, 0);
          break;
        case 'rejected': {
          failures = 0;
          const dropped = countIgnored(outcome.body, n);
          this.log.error(
            { status: outcome.status, body: outcome.body.slice(0, LOGGED_BODY_CHARS), records: n, dropped },
            'store rejected a push; not retrying it',
          );
          this.finishBatch(n, dropped);
          break;
        }
        case 'too_large':
          if (n > 1) {
            this.batchLimit = Math.max(1, Math.floor(n / 2));
            this.log.warn(
              { status: outcome.status, records: n, next: this.batchLimit },
              'push too large for the store; splitting',
            );
          } else {
            this.log.error(
              { status: outcome.status, body: outcome.body.slice(0, LOGGED_BODY_CHARS) },
              'store refused a single record as too large',
            );
            this.finishBatch(1, 1);
          }
          break;
        case 'retry': {
          failures++;
          const backoff = backoffDelay(failures, this.cfg.backoffMinMs, this.cfg.backoffMaxMs);
          const delay = Math.min(this.cfg.backoffMaxMs, Math.max(backoff, outcome.retryAfterMs ?? 0));
          this.log.warn(
            {
              kind: outcome.error,
              status: outcome.status,
              err: outcome.message,
              attempt: failures,
              retryInMs: delay,
              buffered: this.queue.length,
            },
            'push to Loki failed; will retry',
          );
          await this.wait(delay, true);
          break;
        }
      }
    }
  }

  private async pushBatch(batch: HeldEntry[]): Promise<PushOutcome> {
    const started = performance.now();
    let outcome: PushOutcome;
    try {
      outcome = await this.client.push(buildPushBodyBytes(batch), this.stop.signal);
    } catch (e) {
      outcome = { kind: 'retry', error: 'network', message: (e as Error).message };
    }
    this.metrics.pushLatency.observe((performance.now() - started) / 1000);
    this.counts.pushes++;
    if (outcome.kind === 'ok') {
      this.metrics.pushes.inc({ result: 'ok' });
    } else {
      this.counts.failedPushes++;
      const kind = outcome.kind === 'retry' ? outcome.error : outcome.kind;
      this.metrics.pushErrors.inc({ kind });
      this.metrics.pushes.inc({ result: outcome.kind === 'rejected' ? 'rejected' : 'retry' });
    }
    return outcome;
  }

  /** The first `n` entries are done: `dropped` of them refused by the store, the rest stored. */
  private finishBatch(n: number, dropped: number): void {
    const done = this.queue.shift(n);
    const exported = n - dropped;
    this.counts.exported += exported;
    this.metrics.recordsExported.inc(exported);
    if (dropped > 0) this.drop('rejected', dropped);
    this.metrics.recordsBuffered.set(this.queue.length);
    this.settle(done[done.length - 1]!.seq);
  }

  private settle(seq: number): void {
    this.settledSeq = Math.max(this.settledSeq, seq);
    for (let i = this.settleWaiters.length - 1; i >= 0; i--) {
      const w = this.settleWaiters[i]!;
      if (w.seq <= this.settledSeq) {
        this.settleWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private drop(reason: DropReason, n: number): void {
    this.counts.dropped += n;
    this.metrics.recordsDropped.inc({ reason }, n);
  }

  private noteOverflow(n: number): void {
    if (this.overflowing === 0) {
      this.log.warn(
        { capacity: this.cfg.bufferMaxRecords },
        'export buffer full; dropping new records until the store catches up',
      );
    }
    this.overflowing += n;
    this.drop('buffer_full', n);
  }

  private endOverflow(): void {
    this.log.warn(
      { dropped: this.overflowing },
      'export buffer has room again; records were dropped while it was full',
    );
    this.overflowing = 0;
  }

  /**
   * Sleeps until `ms` pass (forever when undefined) or the pump is woken: by anything when
   * waiting for work or for a batch to age; only by flush()/close() when backing off.
   */
  private wait(ms: number | undefined, onlyUrgent: boolean): Promise<void> {
    if (this.stop.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakePump = undefined;
        resolve();
      };
      if (ms !== undefined) {
        timer = setTimeout(done, ms);
        timer.unref(); // the process's own handles (servers, close()) decide when it may exit
      }
      this.wakePump = (urgent) => {
        if (urgent || !onlyUrgent) done();
      };
    });
  }
}
