// The column index on records as the agent writes them (test/fixtures/flow-generator.ts, grouped
// into streams by agent/src/export/push-body.ts's labels: the namespaces are stream labels, so a
// stream's records all name their pods or none does): what the index keeps as rows are appended
// for the overview's pair queries — address-pair ids (query/pair-column.ts) and, per stream,
// whether its rows hold "" or other texts (entry-columns.ts streamTexts, which decide filters such
// as `SrcK8S_Name != ""` once per stream and let chunks holding no counting stream be passed
// over) — must give the pipeline's answers: as pushed, once a stream holding only "" gets a
// named row, after retention deletes rows, after compaction and after a reopen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeEntry } from '../../../agent/src/export/push-body.ts';
import { generateFlows, type FlowRecord } from '../../../test/fixtures/flow-generator.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { both, openLoaded, serviceCases, type Case } from '../../test/metric-compare.ts';
import type { LabelMatcher } from '../logql/ast.ts';
import type { EmbeddedStore, PushStream } from './sqlite/sqlite-store.ts';

const S = 1_000_000_000n;
// a day ahead (whole seconds): background retention never reaches the fixtures
const T0 = (BigInt(Date.now()) / 1000n + 86_400n) * S;
const SPAN_S = 900n;
const SELECTOR: LabelMatcher[] = [{ label: 'app', op: '=', value: 'interflow' }];

/** Records in pushes of 2 000, each grouped by stream as the agent's push body is. */
function agentPushes(records: Iterable<FlowRecord>): PushStream[][] {
  const pushes: PushStream[][] = [];
  let streams = new Map<string, PushStream>();
  let n = 0;
  let seq = 0;
  for (const r of records) {
    const e = encodeEntry(r, seq++, 0);
    let s = streams.get(e.streamKey);
    if (!s) streams.set(e.streamKey, (s = { labels: JSON.parse(e.streamKey), entries: [] }));
    const [ts, line] = JSON.parse(e.value) as [string, string];
    s.entries.push({ ts: BigInt(ts), line });
    if (++n % 2000 === 0) {
      pushes.push([...streams.values()]);
      streams = new Map();
    }
  }
  if (streams.size > 0) pushes.push([...streams.values()]);
  return pushes;
}

function records(count: number, seed: number, fromS: bigint, toS: bigint): FlowRecord[] {
  const startMs = Number((T0 + fromS * S) / 1_000_000n);
  const endMs = Number((T0 + toS * S) / 1_000_000n);
  return [...generateFlows({ count, seed, startMs, endMs })].map((r, i) => {
    // nodes named without a namespace, on one host only: those streams (no namespace label) hold
    // both "" and other texts in SrcK8S_Name, the other unenriched streams only ""
    if (r.SrcK8S_Namespace === undefined && r.K8S_HostName === 'master-0' && i % 3 === 0)
      return { ...r, SrcK8S_Name: `node-${i % 4}` };
    return r;
  });
}

const whole = (query: string, startNs: bigint, endNs: bigint): Case => ({
  query,
  start: endNs,
  end: endNs,
  stepNs: endNs - startNs,
});

/** The overview's queries over two windows, and pair groupings around them. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const [a, b] of [
    [0n, SPAN_S],
    [200n, 500n],
  ] as const) {
    const startNs = T0 + a * S;
    const endNs = T0 + b * S;
    out.push(...serviceCases('', undefined, startNs, endNs, SELECTOR));
    if (a === 0n) {
      out.push(...serviceCases('src_namespace=team-a', undefined, startNs, endNs, SELECTOR));
      out.push(...serviceCases('protocol=udp', ['team-a', 'default'], startNs, endNs, SELECTOR));
    }
    const r = `${(b - a) * 1000n}ms`;
    const pairs = '{app="interflow"} | json SrcAddr="SrcAddr", DstAddr="DstAddr"';
    for (const q of [
      // a class per stream: hundreds of classes × the pairs, past a dense table: led by the pair id
      `topk(7, sum without (app) (count_over_time(${pairs} [${r}])))`,
      `topk(4, sum by (DstAddr, SrcAddr) (count_over_time(${pairs} | SrcAddr=~"10[.]128.*" [${r}])))`,
      `topk(5, sum by (SrcAddr, DstAddr, SrcK8S_Name, FlowDirection) (sum_over_time(${pairs}, SrcK8S_Name="SrcK8S_Name", Bytes="Bytes" | SrcK8S_Name="" | unwrap Bytes | __error__="" [${r}])))`,
      `bottomk(3, sum by (SrcAddr) (count_over_time(${pairs} | DstAddr!="" [${r}])))`,
      `sum by (SrcK8S_Name) (count_over_time({app="interflow"} | json SrcK8S_Name="SrcK8S_Name" | SrcK8S_Name!="" [${r}]))`,
      // one series, the filter decided per stream: chunks whose streams all count are added up
      `sum(sum_over_time({app="interflow"} | json DstK8S_Name="DstK8S_Name", Bytes="Bytes" | DstK8S_Name!="" | unwrap Bytes | __error__="" [${r}]))`,
    ])
      out.push(whole(q, startNs, endNs));
    out.push({
      query: `sum(count_over_time({app="interflow"} | json SrcK8S_Name="SrcK8S_Name" | SrcK8S_Name="" [30s]))`,
      start: startNs + 30n * S,
      end: endNs,
      stepNs: 30n * S,
    });
  }
  return out;
}

async function assertSame(store: EmbeddedStore, label: string): Promise<{ skipped: number; led: number }> {
  assert.equal(store.columnIndex.columns.live, store.entryCount(), `${label}: rows in the index`);
  let skipped = 0;
  let led = 0;
  for (const c of cases()) {
    const r = await both(store, c);
    assert.equal(r.answeredBy, 'columns', `${label}: ${c.query}`);
    assert.equal(r.fast, r.slow, `${label}: ${c.query} ${c.start}..${c.end}`);
    skipped += r.chunksSkipped;
    if (r.seriesTables.includes('led')) led++;
  }
  return { skipped, led };
}

test('agent streams: pair ids and per-stream texts give the pipeline’s answers (appends, deletes, compaction, reopen)', async (t) => {
  const dir = tempDir(t);
  let store = openLoaded(dir, { retentionMs: 600_000 });
  t.after(() => store.close());
  for (const p of agentPushes(records(16_000, 3, 0n, SPAN_S))) store.push(p);

  const first = await assertSame(store, 'as pushed');
  // the named-to-address pairs: no stream holds such records, every chunk is passed over
  assert.ok(first.skipped > 50, `${first.skipped} chunks passed over`);
  assert.ok(first.led >= 2, `${first.led} queries keyed by pair id past a dense table`);

  // a stream that held only "" in SrcK8S_Name gets a named row (and one of another stream none)
  const more = records(2000, 4, 100n, 800n).map((r, i) =>
    i % 50 === 0 && r.SrcK8S_Namespace === undefined ? { ...r, SrcK8S_Name: 'late-name' } : r,
  );
  for (const p of agentPushes(more)) store.push(p);
  await assertSame(store, 'a stream of "" only gets a named row');

  // retention by age: rows deleted (marked dead), the stream bits and pair ids left as they were
  store.enforceRetention(T0 + 800n * S);
  assert.ok(store.columnIndex.columns.dead > 0, 'rows deleted, not compacted');
  await assertSame(store, 'after deleting the oldest rows');

  // past half the rows dead: compaction renumbers rows, pairs and recomputes the stream bits
  const rows = store.columnIndex.columns.count;
  store.enforceRetention(T0 + 1200n * S);
  assert.ok(store.columnIndex.columns.count < rows - 4096, 'compacted');
  await assertSame(store, 'after compaction');

  // a restart: the index is loaded from the table again
  store.close();
  store = openLoaded(dir, { retentionMs: 600_000 });
  await assertSame(store, 'after a reopen');
});
