// The overview's array filters (interfaces, netns, ifdirections: line filter regexes over the
// record's JSON arrays) answered from the column index (query/array-line-filter.ts) against the
// pipeline, which runs the regex over every line: the answers (or errors) must be identical.
// Records are randomised (seeded) with hostile names (`net10` beside `net1`, regex syntax,
// quotes, backslashes, unicode, commas and brackets, a name that is itself `"Interfaces":[…]`,
// the searched name in IfNetns but not in Interfaces) and lines the index cannot vouch for (the
// key twice, nested, spaced or Go-escaped JSON, the singular `Interface`, text that is not JSON),
// which make the query take the pipeline.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Filter, FilterOperator, MatchMode } from '@interflow/contract';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { prng } from '../../../test/fixtures/flow-generator.ts';
import { both, openLoaded, serviceCases } from '../../test/metric-compare.ts';
import type { EmbeddedStore, PushStream } from './sqlite/sqlite-store.ts';
import { arrayElementRegex } from '../logql/array-element-regex.ts';
import { quoteString } from '../logql/literals.ts';

const S = 1_000_000_000n;
const T0 = (BigInt(Date.now()) / 1000n + 86_400n) * S;
const SPAN_S = 600;

const NAMES = [
  'net1',
  'net10',
  'xnet1',
  'eth0',
  'ne.t1',
  'net[1]',
  'a|b',
  'a"b',
  'a\\b',
  'nét1',
  '网卡1',
  '😀net1',
  'a,b',
  'a]b',
  '"Interfaces":["net1"]',
  '',
  ' net1',
];

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** A flow record whose arrays the index can vouch for (written by JSON.stringify). */
function record(rnd: Rnd): Record<string, unknown> {
  const r: Record<string, unknown> = {
    Bytes: Math.floor(rnd() * 10_000),
    Packets: 1 + Math.floor(rnd() * 9),
  };
  const u = rnd();
  if (u < 0.85) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 5 : 2));
    const ifs: unknown[] = Array.from({ length: n }, () => pick(rnd, NAMES));
    if (rnd() < 0.05) ifs.splice(Math.floor(rnd() * n), 0, pick(rnd, [7, null, { a: 'net1' }, ['net1']]));
    r.Interfaces = ifs;
    // names in IfNetns too: a filter on one array must not see the other
    r.IfNetns = ifs.map(() => pick(rnd, ['', 'cni-1', 'net1', 'a"b']));
    r.IfDirections = ifs.map(() => pick(rnd, [0, 1, '0', '1']));
  } else if (u < 0.92) r.Interfaces = pick(rnd, ['net1', 3, null]); // not an array
  r.SrcAddr = `10.0.0.${Math.floor(rnd() * 9)}`;
  r.DstAddr = `10.0.1.${Math.floor(rnd() * 9)}`;
  if (rnd() < 0.5) r.SrcK8S_Name = `pod-${Math.floor(rnd() * 3)}`;
  return r;
}

/** A line the index cannot vouch for: the regex may answer otherwise than the record's arrays. */
function oddLine(rnd: Rnd): string {
  const r = record(rnd);
  const ifs = JSON.stringify(['net1']);
  switch (Math.floor(rnd() * 9)) {
    case 0: // nested: the key belongs to another object
      return JSON.stringify({ ...r, Interfaces: undefined, Inner: { Interfaces: ['net1'] } });
    case 1: // the key twice (JSON.parse keeps the last)
      return `{"Interfaces":${ifs},${JSON.stringify(r).slice(1)}`;
    case 2: // spaces
      return JSON.stringify({ ...r, Interfaces: ['net1'] }, null, 1);
    case 3: // an escape JSON.stringify does not write (Go's encoding/json escapes < > &)
      return JSON.stringify({ ...r, Interfaces: ['a<b'] }).replace('a<b', 'a\\u003cb');
    case 4: // older NetObserv: one interface
      return JSON.stringify({ ...r, Interfaces: undefined, Interface: 'net1' });
    case 7: // older NetObserv: one direction
      return JSON.stringify({ ...r, IfDirections: undefined, IfDirection: pick(rnd, [1, '1', 0]) });
    case 8: // singular keys spelt with escapes: the line holds no `"Interface":` nor `"IfDirection":`
      return JSON.stringify({ ...r, Interface: 'net1', IfDirection: 1 })
        .replace('"Interface"', '"Interf\\u0061ce"')
        .replace('"IfDirection"', '"IfDirecti\\u006fn"');
    case 5: // a key ending in the field's name
      return JSON.stringify({ ...r, 'a"Interfaces': ['net1'] });
    default: // not JSON
      return `not json "Interfaces":${ifs}`;
  }
}

function push(store: EmbeddedStore, rnd: Rnd, count: number, odd: boolean): void {
  const byLabels = new Map<string, PushStream>();
  for (let i = 0; i < count; i++) {
    const labels = { app: 'interflow', kind: 'flow', SrcK8S_Namespace: pick(rnd, ['a', 'b']) };
    const k = JSON.stringify(labels);
    if (!byLabels.has(k)) byLabels.set(k, { labels, entries: [] });
    // odd lines in the second half of the span only: a window before it is answered by the index
    const late = rnd() < 0.5;
    const ts =
      T0 + BigInt(Math.floor(rnd() * (SPAN_S / 2) * 1e6)) * 1000n + (late ? BigInt(SPAN_S / 2) * S : 0n);
    const line = odd && late && rnd() < 0.05 ? oddLine(rnd) : JSON.stringify(record(rnd));
    byLabels.get(k)!.entries.push({ ts, line });
  }
  store.push([...byLabels.values()]);
}

const f = (id: string, operator: FilterOperator, ...values: string[]): Filter => ({ id, operator, values });

/** Filter sets of the page's array filters, with hostile values. */
function filterSets(rnd: Rnd): { filters: Filter[]; match: MatchMode }[] {
  const out: { filters: Filter[]; match: MatchMode }[] = [];
  for (const op of ['=', '!=', '~', '!~'] as const) {
    for (const v of ['net1', 'a"b', 'a\\b', 'ne.t1', 'a]b', '"Interfaces":["net1"]'])
      out.push({ filters: [f('interfaces', op, v)], match: 'all' });
    out.push({ filters: [f('netns', op, '')], match: 'all' });
    out.push({ filters: [f('netns', op, 'net1', 'a"b')], match: 'all' });
    out.push({ filters: [f('ifdirections', op, '1')], match: 'all' });
  }
  out.push({ filters: [f('interfaces', '=', 'net1', 'net10', 'eth0')], match: 'all' });
  out.push({ filters: [f('interfaces', '=', 'net1')], match: 'any' });
  out.push({ filters: [f('interfaces', '=', 'net1'), f('ifdirections', '=', '1')], match: 'all' });
  out.push({ filters: [f('interfaces', '~', 'net'), f('ifdirections', '!=', '0')], match: 'all' });
  // paired on one element (logql/element-pairs.ts): several values, two filters of a kind, a regex
  out.push({ filters: [f('interfaces', '=', 'net1', 'a"b'), f('ifdirections', '=', '0')], match: 'all' });
  out.push({
    filters: [f('interfaces', '~', 'net'), f('interfaces', '!=', 'net10'), f('ifdirections', '=', '1', '0')],
    match: 'all',
  });
  out.push({ filters: [f('interfaces', '~', 'et'), f('ifdirections', '~', '1')], match: 'all' });
  out.push({
    filters: [f('interfaces', '=', 'net1'), f('netns', '!=', 'cni-1'), f('src_name', '=', 'pod-1')],
    match: 'all',
  });
  for (let i = 0; i < 4; i++) {
    const v = pick(rnd, NAMES);
    out.push({ filters: [f('interfaces', pick(rnd, ['=', '!=', '~', '!~'] as const), v)], match: 'all' });
  }
  return out;
}

describe('array line filters from the column index equal the pipeline’s answers', () => {
  test('records the index can vouch for: every query of the overview is answered by the index', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    const rnd = prng(81);
    for (let i = 0; i < 3; i++) push(store, rnd, 500, false);
    let answered = 0;
    for (const { filters, match } of filterSets(rnd)) {
      for (const c of serviceCases(filters, undefined, T0, T0 + BigInt(SPAN_S) * S, undefined, match)) {
        const r = await both(store, c);
        assert.equal(r.fast, r.slow, c.query);
        assert.equal(r.answeredBy, 'columns', c.query);
        if (r.fast.length > 20) answered++;
      }
    }
    assert.ok(answered > 300, `${answered} non-empty answers`);
  });

  test('lines the index cannot vouch for make the query take the pipeline, with the same answer', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    const rnd = prng(82);
    for (let i = 0; i < 3; i++) push(store, rnd, 500, true);
    const byWindow = { columns: 0, pipeline: 0 };
    // every other filter set: the first test covers them all
    for (const { filters, match } of filterSets(rnd).filter((_, i) => i % 2 === 0)) {
      for (const [from, to] of [
        [0, SPAN_S / 2 - 1], // before the odd lines: the index
        [0, SPAN_S],
      ]) {
        for (const c of serviceCases(
          filters,
          undefined,
          T0 + BigInt(from!) * S,
          T0 + BigInt(to!) * S,
          undefined,
          match,
        )) {
          const r = await both(store, c);
          assert.equal(r.fast, r.slow, c.query);
          if (to === SPAN_S) assert.notEqual(r.answeredBy, 'columns', `${c.query} ${r.fast.slice(0, 200)}`);
          byWindow[r.answeredBy === 'columns' ? 'columns' : 'pipeline']++;
        }
      }
    }
    assert.ok(byWindow.columns > 150 && byWindow.pipeline > 150, JSON.stringify(byWindow));
  });

  test('a singular key spelt with an escape is read by the pipeline: the paired filter counts its record', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    const plain = { Interfaces: ['net1', 'eth0'], IfNetns: ['', ''], IfDirections: [0, 1], Bytes: 5 };
    // `| json` reads `"Interf\u0061ce"` as Interface: net1 in egress, on this record only
    const escaped = JSON.stringify({ ...plain, Interface: 'net1', IfDirection: 1 })
      .replace('"Interface"', '"Interf\\u0061ce"')
      .replace('"IfDirection"', '"IfDirecti\\u006fn"');
    store.push([
      {
        labels: { app: 'interflow', kind: 'flow' },
        entries: [
          { ts: T0 + S, line: JSON.stringify(plain) },
          { ts: T0 + 2n * S, line: escaped },
        ],
      },
    ]);
    const at = T0 + BigInt(SPAN_S) * S;
    const paired = [f('interfaces', '=', 'net1'), f('ifdirections', '=', '1')];
    for (const c of serviceCases(paired, undefined, T0, at, undefined, 'all')) {
      const r = await both(store, c);
      assert.equal(r.fast, r.slow, c.query);
      assert.notEqual(r.answeredBy, 'columns', c.query);
    }
    const count = `sum(count_over_time({kind="flow"} | json i="Interface", d="IfDirection" | i="net1" and d="1" [${SPAN_S}s]))`;
    const r = await both(store, { query: count, start: at, end: at, stepNs: S });
    assert.equal(r.fast, r.slow);
    assert.match(r.fast, /"1"\]/, r.fast);
  });

  test('line filters of other shapes take the pipeline', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    push(store, prng(83), 1000, false);
    const at = T0 + BigInt(SPAN_S) * S;
    const array = (values: string[], numeric = false): string =>
      arrayElementRegex({ field: numeric ? 'IfDirections' : 'Interfaces', numeric, contains: false, values });
    for (const line of [
      '|= "net1"',
      '|~ "net1"',
      '!= "net10"',
      // the array regex without the singular alternative: not what the backend writes
      `|~ ${quoteString(array(['net1']).slice(3).split('|"Interface"')[0]!)}`,
      // the numeric form with a value holding `]`: a match could pass the array's end
      `|~ ${quoteString(array(['1]'], true))}`,
      `!~ ${quoteString(array(['1]', '0'], true))}`,
    ]) {
      const q = `sum(count_over_time({kind="flow"} ${line} [${SPAN_S}s]))`;
      const r = await both(store, { query: q, start: at, end: at, stepNs: S });
      assert.equal(r.fast, r.slow, q);
      assert.equal(r.answeredBy, 'pipeline', q);
    }
  });
});
