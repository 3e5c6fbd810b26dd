// Rendered LogQL parses with @grafana/lezer-logql, and every value — random or hostile — stays
// inside its literal and keeps its meaning ("this field equals / contains this value").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import type { LabelMatcher } from './ast.ts';
import { buildLogQueries } from './build.ts';
import {
  FILTER_OPERATORS,
  FILTER_SPECS,
  filterSpec,
  isNumericSpec,
  type Filter,
  type FilterOperator,
} from '@interflow/contract';
import { inspectLogQL, type InspectedQuery } from './inspect.ts';

const BASE: LabelMatcher[] = [{ label: 'app', op: '=', value: 'interflow' }];

const HOSTILE = [
  '"',
  '\\',
  '\\"',
  '`',
  '"} |= "x',
  '`} or `',
  '\n',
  '\r\n',
  '\t',
  '\u0000',
  '\u007f',
  '\u2028',
  '.*',
  '(a|b)',
  '[^]',
  '{1,2}',
  '$^',
  '?+*',
  '\\u0041',
  '\\x41',
  '%22',
  'ünïcödé 名前 🙂',
  '',
  ' ',
  ',',
  'net1',
];

const stringValue = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom(
      '"',
      '\\',
      '`',
      '\n',
      '.',
      '*',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '|',
      '^',
      '$',
      '?',
      '+',
      'a',
      '1',
      ',',
    ),
    maxLength: 30,
  }),
);

function render(filters: Filter[], match: 'all' | 'any' = 'all'): string[] {
  return buildLogQueries({ filters, match }, BASE);
}

function parsed(query: string): InspectedQuery {
  const q = inspectLogQL(query);
  assert.deepEqual(q.errors, [], `syntax errors in ${query}`);
  return q;
}

/** Label matchers compile as ^(?s:re)$ in Loki (Prometheus matchers). */
function labelRegex(re: string): RegExp[] {
  return [new RegExp(`^(?:${re})$`, 's'), new RegExp(`^(?:${re})$`, 'su')];
}

function lineRegex(re: string): RegExp[] {
  return [new RegExp(re), new RegExp(re, 'u')];
}

/** Would the matcher accept the field value `v`? */
function matcherAccepts(m: { op: string; value: string }, v: string): boolean {
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
    case '!~': {
      const results = labelRegex(m.value).map((r) => r.test(v));
      assert.equal(
        new Set(results).size,
        1,
        `regex ${m.value} disagrees between u and non-u modes on ${JSON.stringify(v)}`,
      );
      return m.op === '=~' ? results[0]! : !results[0]!;
    }
  }
  throw new Error(`unexpected op ${m.op}`);
}

function lineAccepts(f: { op: string; value: string }, line: string): boolean {
  const results = lineRegex(f.value).map((r) => r.test(line));
  assert.equal(new Set(results).size, 1, `regex ${f.value} disagrees between u and non-u modes`);
  return f.op === '|~' ? results[0]! : !results[0]!;
}

const differentFrom = (v: string): string => (v === 'x' ? 'y' : 'x');

describe('LogQL rendering', () => {
  test('a query without filters is the configured selector', () => {
    assert.deepEqual(render([]), ['{app="interflow"}']);
  });

  test('a single-field label filter goes into the stream selector, exactly', () => {
    const [q] = render([{ id: 'src_namespace', operator: '=', values: ['team-a'] }]);
    assert.equal(q, '{app="interflow", SrcK8S_Namespace="team-a"}');
    parsed(q!);
  });

  test('unprefixed ids mean source or destination; negated means neither', () => {
    const pos = parsed(render([{ id: 'namespace', operator: '=', values: ['a'] }])[0]!);
    assert.deepEqual(pos.keywords, ['or']);
    assert.deepEqual(
      pos.matchers.filter((m) => m.where === 'filter').map((m) => `${m.label}${m.op}${m.value}`),
      ['SrcK8S_Namespace=a', 'DstK8S_Namespace=a'],
    );
    const neg = parsed(render([{ id: 'namespace', operator: '!=', values: ['a'] }])[0]!);
    assert.deepEqual(neg.keywords, ['and']);
  });

  test('scalar JSON fields use | json and a label filter', () => {
    const q = parsed(render([{ id: 'dst_port', operator: '=', values: ['443'] }])[0]!);
    assert.deepEqual(q.parsers, ['json']);
    assert.deepEqual(q.matchers.at(-1), { where: 'filter', label: 'DstPort', op: '=', value: '443' });
  });

  test('interfaces=net1 matches an element exactly, never net10, also among several interfaces', () => {
    const q = parsed(render([{ id: 'interfaces', operator: '=', values: ['net1'] }])[0]!);
    assert.equal(q.lineFilters.length, 1);
    const f = q.lineFilters[0]!;
    const line = (ifs: string[]): string =>
      JSON.stringify({ TimeFlowEndMs: 1, Interfaces: ifs, IfNetns: ifs.map(() => 'net1') });
    assert.ok(lineAccepts(f, line(['net1'])));
    assert.ok(lineAccepts(f, line(['eth0', 'net1'])));
    assert.ok(lineAccepts(f, line(['net1', 'eth0'])));
    assert.ok(lineAccepts(f, line(['a"b', 'x\\', 'net1'])));
    assert.ok(!lineAccepts(f, line(['net10'])));
    assert.ok(!lineAccepts(f, line(['xnet1'])));
    assert.ok(!lineAccepts(f, line(['net1.100', 'eth0'])));
    assert.ok(!lineAccepts(f, line(['net10', 'eth0'])));
    assert.ok(!lineAccepts(f, line(['"net1"'])));
    assert.ok(!lineAccepts(f, line([])));
    // A value elsewhere in the line that looks like the array does not count.
    assert.ok(
      !lineAccepts(f, JSON.stringify({ SrcK8S_Name: '"Interfaces":["net1"]', Interfaces: ['eth0'] })),
    );
  });

  // NetObserv's ways of writing the arrays (network-observability-console-plugin
  // mocks/loki/flow_records.json): directions as strings, and singular fields in older releases.
  test('arrays are read as NetObserv writes them: string directions, singular Interface / IfDirection', () => {
    const iface = parsed(render([{ id: 'interfaces', operator: '=', values: ['net1'] }])[0]!).lineFilters[0]!;
    assert.ok(lineAccepts(iface, '{"Interface":"net1","IfDirection":1}'));
    assert.ok(!lineAccepts(iface, '{"Interface":"net10","IfDirection":1}'));
    assert.ok(!lineAccepts(iface, '{"Interface":"NET1","IfDirection":1}'));
    const egress = parsed(render([{ id: 'ifdirections', operator: '=', values: ['1'] }])[0]!).lineFilters[0]!;
    assert.ok(lineAccepts(egress, '{"Interfaces":["br-ex","test"],"IfDirections":["1","0"]}'));
    assert.ok(lineAccepts(egress, '{"Interfaces":["br-ex","test"],"IfDirections":["0","1"]}'));
    assert.ok(!lineAccepts(egress, '{"Interfaces":["br-ex","test"],"IfDirections":["0","0"]}'));
    assert.ok(lineAccepts(egress, '{"IfDirections":[0,1]}'));
    assert.ok(!lineAccepts(egress, '{"IfDirections":[0,10]}'));
    assert.ok(!lineAccepts(egress, '{"IfDirections":["0","10"]}'));
    assert.ok(lineAccepts(egress, '{"Interface":"eth0","IfDirection":1,"Bytes":66}'));
    assert.ok(lineAccepts(egress, '{"Interface":"eth0","IfDirection":1}'));
    assert.ok(!lineAccepts(egress, '{"Interface":"eth0","IfDirection":0,"Bytes":1}'));
  });

  test('interfaces with ifdirections (match=all) compare the same element: | json by index, ORed', () => {
    const [q] = render([
      { id: 'interfaces', operator: '=', values: ['net1'] },
      { id: 'ifdirections', operator: '=', values: ['1'] },
    ]);
    const i = parsed(q!);
    assert.equal(i.parsers.length, 1);
    assert.match(i.parsers[0]!, /^json interflow_pair_if_0=/);
    assert.match(
      q!,
      /\| json interflow_pair_if_0="Interfaces\[0\]", interflow_pair_dir_0="IfDirections\[0\]", /,
    );
    assert.match(q!, /\(interflow_pair_if_0="net1" and interflow_pair_dir_0="1"\) or /);
    assert.match(
      q!,
      / or \(interflow_pair_if="net1" and interflow_pair_dir="1"\) or interflow_pair_if_16!=""$/,
    );
    // Nothing pairs with match=any, or with a negated filter.
    const any = render(
      [
        { id: 'interfaces', operator: '=', values: ['net1'] },
        { id: 'ifdirections', operator: '=', values: ['1'] },
      ],
      'any',
    );
    for (const one of any) assert.doesNotMatch(one, /interflow_pair/);
    const [neg] = render([
      { id: 'interfaces', operator: '!=', values: ['net1'] },
      { id: 'ifdirections', operator: '=', values: ['1'] },
    ]);
    assert.doesNotMatch(neg!, /interflow_pair/);
  });

  test('match=any renders one query per filter', () => {
    const qs = render(
      [
        { id: 'interfaces', operator: '=', values: ['net1'] },
        { id: 'src_namespace', operator: '=', values: ['a'] },
      ],
      'any',
    );
    assert.equal(qs.length, 2);
    for (const q of qs) parsed(q);
  });

  test('every filter id renders a query that parses, for every operator', () => {
    for (const spec of FILTER_SPECS) {
      for (const op of FILTER_OPERATORS) {
        const values = isNumericSpec(spec) ? ['1', '0'] : ['net1', 'a"b\\c`d'];
        for (const q of render([{ id: spec.id, operator: op, values }])) parsed(q);
      }
    }
  });

  // Loki compiles regexes with Go's regexp (RE2), which refuses what JavaScript accepts (e.g.
  // bounded counts nested past 1000 copies); re2js is a port of it, used here directly.
  test('every regex a query holds compiles under RE2, as Loki compiles it', () => {
    let regexes = 0;
    for (const spec of FILTER_SPECS) {
      for (const op of FILTER_OPERATORS) {
        const values = isNumericSpec(spec) ? ['1', '0', '65535'] : ['net1', 'a"b\\c`d', '(x|y)*+?{2}'];
        for (const q of render([{ id: spec.id, operator: op, values }])) {
          const { matchers, lineFilters } = parsed(q);
          const sources = [
            ...matchers.filter((m) => m.op === '=~' || m.op === '!~').map((m) => `^(?s:${m.value})$`),
            ...lineFilters.filter((f) => f.op === '|~' || f.op === '!~').map((f) => f.value),
          ];
          for (const source of sources) {
            assert.doesNotThrow(() => RE2JS.compile(source), `${spec.id}${op}: ${source}`);
            regexes++;
          }
        }
      }
    }
    const paired = render([
      { id: 'interfaces', operator: '~', values: ['net1', 'a"b\\c`d', '(x|y)*+?{2}'] },
      { id: 'ifdirections', operator: '=', values: ['0', '1'] },
    ]);
    for (const m of parsed(paired[0]!).matchers.filter((x) => x.op === '=~' || x.op === '!~')) {
      assert.doesNotThrow(() => RE2JS.compile(`^(?s:${m.value})$`), m.value);
      regexes++;
    }
    assert.ok(regexes > 20, `only ${regexes} regexes were checked`);
  });
});

describe('LogQL rendering with random and hostile values (property)', () => {
  const stringSpecs = FILTER_SPECS.filter((s) => !isNumericSpec(s));
  const numericSpecs = FILTER_SPECS.filter((s) => isNumericSpec(s));
  const arbFilter = fc.oneof(
    fc.record({
      id: fc.constantFrom(...stringSpecs.map((s) => s.id)),
      operator: fc.constantFrom<FilterOperator>(...FILTER_OPERATORS),
      values: fc.uniqueArray(stringValue, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      id: fc.constantFrom(...numericSpecs.map((s) => s.id)),
      operator: fc.constantFrom<FilterOperator>(...FILTER_OPERATORS),
      values: fc.uniqueArray(fc.nat({ max: 255 }).map(String), { minLength: 1, maxLength: 3 }),
    }),
  );

  test('each value stays inside its literal and the query keeps its meaning', () => {
    fc.assert(
      fc.property(arbFilter, (filter) => {
        const spec = filterSpec(filter.id)!;
        const [query] = render([filter]);
        const q = parsed(query!);
        const negated = filter.operator === '!=' || filter.operator === '!~';
        const contains = filter.operator === '~' || filter.operator === '!~';
        const fieldMatchers = q.matchers.filter((m) => m.label !== 'app');
        if (spec.kind === 'stringArray' || spec.kind === 'numberArray') {
          // Exactly one line filter and nothing else: no value escaped into the structure.
          assert.equal(q.lineFilters.length, 1);
          assert.equal(fieldMatchers.length, 0);
          assert.equal(q.strings.length, 2);
          const f = q.lineFilters[0]!;
          const field = spec.fields[0]!;
          const numeric = spec.kind === 'numberArray';
          const enc = (v: string): unknown => (numeric ? Number(v) : v);
          for (const v of filter.values) {
            const other = numeric ? 9 : `${v}~other`;
            const withV = JSON.stringify({ [field]: [other, enc(v), other], Bytes: 1 });
            assert.equal(lineAccepts(f, withV), !negated, `${JSON.stringify(v)} in ${withV}`);
            if (contains && !numeric) {
              const around = JSON.stringify({ [field]: [`<${v}>`] });
              assert.equal(lineAccepts(f, around), !negated, `contains ${JSON.stringify(v)} in ${around}`);
            }
            if (!contains) {
              const longer = numeric ? `${v}7` : `${v}x`;
              // Compared as encoded: for v = "0" the longer number is 7, which may be a value itself.
              if (!filter.values.some((x) => enc(x) === enc(longer))) {
                const l = JSON.stringify({ [field]: [enc(longer)] });
                assert.equal(lineAccepts(f, l), negated, `exact ${JSON.stringify(v)} must not match ${l}`);
              }
            }
          }
          const noneElement = '\u0001none\u0001';
          if (!filter.values.some((v) => (contains ? noneElement.includes(v) : noneElement === v))) {
            const none = JSON.stringify({ [field]: numeric ? [] : [noneElement] });
            assert.equal(lineAccepts(f, none), negated);
          }
          return;
        }
        // Scalar fields: one matcher per field, every string literal is the label's value or regex.
        assert.equal(fieldMatchers.length, spec.fields.length);
        assert.equal(q.strings.length, 1 + spec.fields.length);
        assert.deepEqual(
          fieldMatchers.map((m) => m.label),
          spec.fields,
        );
        for (const m of fieldMatchers) {
          assert.equal(m.where, spec.kind === 'label' && spec.fields.length === 1 ? 'selector' : 'filter');
          for (const v of filter.values) {
            assert.equal(
              matcherAccepts(m, v),
              !negated,
              `${m.label}${m.op}${JSON.stringify(m.value)} on ${JSON.stringify(v)}`,
            );
            if (contains) assert.equal(matcherAccepts(m, `<${v}>`), !negated);
          }
          const other = differentFrom(filter.values[0]!);
          if (!contains && !filter.values.includes(other)) assert.equal(matcherAccepts(m, other), negated);
          if (!contains) {
            const longer = `${filter.values[0]}z`;
            if (!filter.values.includes(longer)) assert.equal(matcherAccepts(m, longer), negated);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('several filters together still parse, with one literal per condition', () => {
    fc.assert(
      fc.property(
        fc.array(arbFilter, { minLength: 1, maxLength: 6 }),
        fc.constantFrom<'all' | 'any'>('all', 'any'),
        (filters, match) => {
          for (const query of render(filters, match)) {
            const q = parsed(query);
            assert.ok(q.strings.length >= 2);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('a namespace scope', () => {
  const scopeOf = (q: string) =>
    inspectLogQL(q).matchers.filter((m) => /K8S_Namespace$/.test(m.label) && m.op === '=~');

  test('is a stream selector matcher per namespace label, one query each, never a filter after the fact', () => {
    const base = buildLogQueries(
      { filters: [{ id: 'interfaces', operator: '=', values: ['net1'] }], match: 'all' },
      BASE,
    );
    const qs = buildLogQueries(
      { filters: [{ id: 'interfaces', operator: '=', values: ['net1'] }], match: 'all' },
      BASE,
      ['team.b', 'team-a'],
    );
    assert.equal(qs.length, 3);
    assert.deepEqual(
      qs.map((q) => scopeOf(q).map((m) => [m.label, m.where])),
      [
        [['SrcK8S_Namespace', 'selector']],
        [['DstK8S_Namespace', 'selector']],
        [['IfK8S_Namespace', 'selector']],
      ],
    );
    for (const q of qs) {
      const inspected = inspectLogQL(q);
      assert.deepEqual(inspected.errors, []);
      // The rest of the query is the unrestricted one.
      assert.deepEqual(inspected.lineFilters, inspectLogQL(base[0]!).lineFilters);
      // Whole namespaces only: team.b never matches teamxb.
      const re = RE2JS.compile(`^(?:${scopeOf(q)[0]!.value})$`);
      assert.ok(re.matches('team.b') && re.matches('team-a'));
      assert.ok(!re.matches('teamxb') && !re.matches('team-a2'));
    }
  });

  test('multiplies match=any queries and keeps each filter', () => {
    const filters: Filter[] = [
      { id: 'src_namespace', operator: '=', values: ['x'] },
      { id: 'host_name', operator: '=', values: ['n'] },
    ];
    const qs = buildLogQueries({ filters, match: 'any' }, BASE, ['team-a']);
    assert.equal(qs.length, 6);
    for (const q of qs)
      assert.deepEqual(
        scopeOf(q).map((m) => m.value),
        ['team-a'],
      );
    assert.throws(() => buildLogQueries({ filters, match: 'all' }, BASE, []), /at least one namespace/);
    assert.equal(buildLogQueries({ filters, match: 'all' }, BASE, undefined).length, 1);
  });
});
