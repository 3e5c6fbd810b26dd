// Benchmark of the store's regex engine (re2js through compileRe2) against V8's RegExp, which
// the store used before (through an RE2 → JavaScript translation; the patterns below need none).
// Prints figures; asserts nothing.
//   npx tsx test/bench/store-regex.bench.ts
// benchRegex() is exported so `npm run bench` (test/bench/run-all.ts) can include these figures.
//  - per match: typical patterns (the backend's own queries and a few a user might type) on
//    generated flow-record lines (test/fixtures/flow-generator.ts) or their label values;
//  - pathological patterns: one V8 run on a short input against re2js on a 256 KiB line (even
//    one literal between two `.*` is quadratic in V8 as an unanchored line filter);
//  - whole store: query_range over the same stored records with a regex line filter and with a
//    substring line filter (same rows scanned), so the regex's share of a query shows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { generateFlows, pushBody } from '../fixtures/flow-generator.ts';
import { embeddedStorePlugin } from '../../server/src/store/http/plugin.ts';
import { buildLogQueries } from '../../server/src/logql/build.ts';
import type { FilterOperator } from '@interflow/contract';
import { inspectLogQL } from '../../server/src/logql/inspect.ts';
import { compileRe2 } from '../../server/src/store/query/re2.ts';

/** The line-filter regex the backend sends today for `interfaces<op>value` (rendered, not copied). */
function backendArrayRegex(op: FilterOperator, value: string): string {
  const [query] = buildLogQueries(
    { filters: [{ id: 'interfaces', operator: op, values: [value] }], match: 'all' },
    [{ label: 'app', op: '=', value: 'interflow' }],
  );
  const filter = inspectLogQL(query!).lineFilters.find((f) => f.op === '|~');
  if (!filter) throw new Error(`no regex line filter in ${query}`);
  return filter.value;
}
const ARRAY_EQ = backendArrayRegex('=', 'net1');
const ARRAY_CONTAINS = backendArrayRegex('~', 'net');

interface Case {
  name: string;
  re2: string;
  anchored: boolean;
  /** the same pattern as a V8 RegExp (the engine the store used before) */
  v8: RegExp;
  input: 'line' | 'namespace' | 'address';
}

const CASES: Case[] = [
  {
    name: 'interfaces=net1 (backend array regex, line filter)',
    re2: ARRAY_EQ,
    anchored: false,
    v8: new RegExp(ARRAY_EQ, 'u'),
    input: 'line',
  },
  {
    name: 'interfaces~net (backend array regex, line filter)',
    re2: ARRAY_CONTAINS,
    anchored: false,
    v8: new RegExp(ARRAY_CONTAINS, 'u'),
    input: 'line',
  },
  {
    name: 'namespace~team (backend label regex .*team.*)',
    re2: '.*team.*',
    anchored: true,
    v8: /^(?:[\s\S]*team[\s\S]*)$/u,
    input: 'namespace',
  },
  {
    name: 'namespace=default,sriov-test (backend label regex)',
    re2: '(?:default|sriov-test)',
    anchored: true,
    v8: /^(?:(?:default|sriov-test))$/u,
    input: 'namespace',
  },
  {
    name: 'address~10.1 (backend label regex .*10\\.1.*)',
    re2: '.*10\\.1.*',
    anchored: true,
    v8: /^(?:[\s\S]*10\.1[\s\S]*)$/u,
    input: 'address',
  },
  {
    name: 'user line filter |~ ".*\\"Interfaces\\":\\[\\"net1\\".*"',
    re2: '.*"Interfaces":\\["net1".*',
    anchored: false,
    v8: /[^\n]*"Interfaces":\["net1"[^\n]*/u,
    input: 'line',
  },
  {
    name: 'user line filter |~ "net1[0-9]"',
    re2: 'net1[0-9]',
    anchored: false,
    v8: /net1[0-9]/u,
    input: 'line',
  },
  {
    name: 'user line filter |~ "(?i)WORKER-1"',
    re2: '(?i)WORKER-1',
    anchored: false,
    v8: /WORKER-1/iu,
    input: 'line',
  },
];

/** µs per call of `f` over `inputs`, repeated for at least `minMs`; also the share of true answers. */
function perCall(f: (s: string) => boolean, inputs: string[], minMs = 250): { us: number; hits: number } {
  let calls = 0;
  let hits = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (const s of inputs) if (f(s)) hits++;
    calls += inputs.length;
    t = performance.now();
  }
  return { us: ((t - t0) * 1000) / calls, hits: hits / calls };
}

function once(f: () => boolean): { ms: number; result: boolean } {
  const t0 = performance.now();
  const result = f();
  return { ms: performance.now() - t0, result };
}

export type RegexFigures = Record<string, number | string>;

export async function benchRegex(records = 20_000): Promise<RegexFigures> {
  const figures: RegexFigures = { part: 'regex' };
  const flows = [...generateFlows({ count: 2000, seed: 7, endMs: 1_700_000_000_000 })];
  const inputs = {
    line: flows.map((r) => JSON.stringify(r)),
    namespace: flows.map((r) => r.DstK8S_Namespace ?? ''),
    address: flows.map((r) => r.DstAddr),
  };
  figures.meanLineChars = Math.round(inputs.line.reduce((n, l) => n + l.length, 0) / inputs.line.length);

  console.log(`per match (${inputs.line.length} flow lines, mean ${figures.meanLineChars} chars):`);
  for (const [i, c] of CASES.entries()) {
    const re2 = compileRe2(c.re2, { anchored: c.anchored });
    const r = perCall(re2, inputs[c.input]);
    const v = perCall((s) => c.v8.test(s), inputs[c.input]);
    if (r.hits !== v.hits) throw new Error(`${c.name}: re2js and V8 disagree (${r.hits} vs ${v.hits})`);
    figures[`case${i}.name`] = c.name;
    figures[`case${i}.re2jsUs`] = r.us;
    figures[`case${i}.v8Us`] = v.us;
    console.log(
      `  ${c.name.padEnd(58)} re2js ${r.us.toFixed(2).padStart(7)} µs  V8 ${v.us.toFixed(3).padStart(8)} µs  ×${(r.us / v.us).toFixed(1)}  (matches ${(r.hits * 100).toFixed(1)} %)`,
    );
  }

  // Pathological: V8 on a short input (it grows as n², n³ resp. 2ⁿ), re2js on the longest line.
  // The `x[^a]` forms run on "xaxa…", so re2js's required-literal prefilter (x) cannot skip the
  // line and its automaton does the work; the plain forms run on "aaa…", which has no x at all.
  const patho: [string, string, string, number][] = [
    ['.*x[^a].*', 'quadratic', 'xa', 16_384],
    ['.*.*.*x[^a]', 'cubic', 'xa', 200],
    ['(.|.)*x[^a]', 'exponential', 'xa', 24],
    ['.*.*.*x', 'cubic', 'a', 200],
    ['(.|.)*x', 'exponential', 'a', 24],
  ];
  const longLineOf = (unit: string) => unit.repeat(Math.floor((256 * 1024 - 1) / unit.length));
  console.log('pathological (no match; V8 on a short line, re2js on a 256 KiB line):');
  for (const [i, [re, kind, unit, n]] of patho.entries()) {
    const short = longLineOf(unit).slice(0, n);
    const long = longLineOf(unit);
    const v8 = new RegExp(re.replace(/\./g, '[^\\n]'), 'u');
    const v = once(() => v8.test(short));
    const test = compileRe2(re, { anchored: false });
    const rs = once(() => test(short));
    const rl = once(() => test(long));
    if (v.result || rs.result || rl.result) throw new Error(`${re}: unexpected match`);
    figures[`patho${i}.pattern`] = re;
    figures[`patho${i}.v8Chars`] = n;
    figures[`patho${i}.v8Ms`] = v.ms;
    figures[`patho${i}.re2jsSameMs`] = rs.ms;
    figures[`patho${i}.re2js256KiBMs`] = rl.ms;
    console.log(
      `  ${re.padEnd(12)} on "${unit}${unit}…" (${kind} in V8): V8 ${v.ms.toFixed(0)} ms on ${n} chars; re2js ${rs.ms.toFixed(2)} ms on the same, ${rl.ms.toFixed(2)} ms on ${long.length} chars`,
    );
  }

  // Linear is not free: a large program whose DFA states explode falls back to the NFA, which
  // costs about (line length × program size). The worst case found: a 1000-fold repetition of
  // a big Unicode class. Two calls, the slower counts (the DFA's cache state differs).
  {
    const re = '(?:\\pL|\\pN){1000}[zZ]';
    const test = compileRe2(re, { anchored: false });
    const perLine = perCall(test, inputs.line, 500);
    const longLine = longLineOf('xa');
    const worst = Math.max(once(() => test(longLine)).ms, once(() => test(longLine)).ms);
    figures.heavyPattern = re;
    figures.heavyPerFlowLineUs = perLine.us;
    figures.heavy256KiBMs = worst;
    console.log(
      `large program ${re}: re2js ${perLine.us.toFixed(1)} µs per flow line, ${worst.toFixed(0)} ms on one 256 KiB line`,
    );
  }

  // Whole store: the same rows scanned with a regex line filter and with a substring filter.
  const dir = mkdtempSync(join(tmpdir(), 'interflow-regex-bench-'));
  const app = Fastify({ bodyLimit: 256 * 1024 * 1024 });
  try {
    await app.register(embeddedStorePlugin, {
      dataDir: dir,
      retentionMs: 0,
      maxBytes: 0,
      allowRemote: false,
    });
    const endMs = Date.now() - 1000;
    const all = [...generateFlows({ count: records, seed: 11, startMs: endMs - 3_600_000, endMs })];
    for (let i = 0; i < all.length; i += 5000) {
      const res = await app.inject({
        method: 'POST',
        url: '/loki/api/v1/push',
        headers: { 'content-type': 'application/json' },
        payload: pushBody(all.slice(i, i + 5000)),
      });
      if (res.statusCode !== 204) throw new Error(`push: ${res.statusCode} ${res.body}`);
    }
    const sel = '{app="interflow"}';
    const queryMs = async (query: string): Promise<{ ms: number; n: number }> => {
      const qs = new URLSearchParams({
        query,
        limit: '5000',
        start: String(endMs - 3_700_000) + '000000',
        end: String(endMs + 1000) + '000000',
      });
      const t0 = performance.now();
      const res = await app.inject(`/loki/api/v1/query_range?${qs}`);
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
      const body = res.json() as { data: { result: { values: unknown[] }[] } };
      return { ms, n: body.data.result.reduce((s, r) => s + r.values.length, 0) };
    };
    // Both filters keep the same lines (the array holds "net1"), so both scan every row.
    const queries = { regex: `${sel} |~ ${JSON.stringify(ARRAY_EQ)}`, substring: `${sel} |= "\\"net1\\""` };
    const times = { regex: [] as number[], substring: [] as number[] };
    const found = { regex: 0, substring: 0 };
    for (let round = 0; round < 6; round++) {
      for (const k of ['regex', 'substring'] as const) {
        const r = await queryMs(queries[k]);
        if (round > 0) times[k].push(r.ms); // round 0 warms up
        found[k] = r.n;
      }
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const regex = { ms: median(times.regex), n: found.regex };
    const substring = { ms: median(times.substring), n: found.substring };
    figures.storeRecords = records;
    figures.storeSubstringMs = substring.ms;
    figures.storeRegexMs = regex.ms;
    figures.storeRegexMatches = regex.n;
    console.log(
      `whole store (${records} records, all scanned, median of 5 alternating runs): |~ interfaces=net1 regex ${regex.ms.toFixed(0)} ms (${regex.n} matches); |= substring ${substring.ms.toFixed(0)} ms (${substring.n} matches)`,
    );
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchRegex(Number(process.argv[2] ?? 20_000));
  console.log('BENCH_RESULT ' + JSON.stringify(figures));
}
