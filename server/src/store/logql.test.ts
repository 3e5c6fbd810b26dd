// Every LogQL construct of the supported subset, positive and negative, evaluated by the store
// over HTTP; everything outside the subset gets a 400 naming the unsupported part.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { embeddedStorePlugin } from './http/plugin.ts';
import { ago, queryRange, type LokiStreamsResponse } from '../../test/store-harness.ts';

const HOSTILE = 'weird "quoted" \\ `tick` ünï 🚀\nnewline\ttab';
const LINES = {
  L1: JSON.stringify({
    Interfaces: ['net1'],
    SrcK8S_Namespace: 'a',
    Bytes: 100,
    Proto: 6,
    Nested: { x: { y: 'deep' } },
    Flag: true,
    Nul: null,
    Name: 'pod-1',
    'we-ird.key': 'k',
  }),
  L2: JSON.stringify({
    Interfaces: ['net10'],
    SrcK8S_Namespace: 'b',
    Bytes: 5000,
    Proto: 17,
    Name: 'pod-2',
    FlowDirection: 1,
  }),
  L3: JSON.stringify({
    Interfaces: ['eth0', 'net1'],
    SrcK8S_Namespace: 'a',
    Bytes: 'notanumber',
    Name: HOSTILE,
  }),
  L4: 'hello world',
  O1: JSON.stringify({ Name: 'other-app' }),
};
type Id = keyof typeof LINES;
const idOf = new Map(Object.entries(LINES).map(([k, v]) => [v, k as Id]));

let app: FastifyInstance;
const dir = mkdtempSync(join(tmpdir(), 'interflow-store-logql-'));
before(async () => {
  app = Fastify();
  await app.register(embeddedStorePlugin, { dataDir: dir, retentionMs: 0, maxBytes: 0, allowRemote: false });
  const res = await app.inject({
    method: 'POST',
    url: '/loki/api/v1/push',
    payload: {
      streams: [
        {
          stream: { app: 'interflow', FlowDirection: '0', ns: 'a' },
          values: [
            [ago(40), LINES.L1],
            [ago(30), LINES.L3],
          ],
        },
        {
          stream: { app: 'interflow', FlowDirection: '1', ns: 'b' },
          values: [
            [ago(35), LINES.L2],
            [ago(20), LINES.L4],
          ],
        },
        { stream: { app: 'other' }, values: [[ago(25), LINES.O1]] },
      ],
    },
  });
  assert.equal(res.statusCode, 204);
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ids(query: string): Promise<Id[]> {
  const r = await queryRange(app, query);
  assert.equal(r.status, 200, `${query}: ${r.body}`);
  return r
    .json()
    .data.result.flatMap((s) => s.values.map((v) => idOf.get(v[1])!))
    .sort();
}
async function streams(query: string): Promise<LokiStreamsResponse['data']['result']> {
  const r = await queryRange(app, query);
  assert.equal(r.status, 200, `${query}: ${r.body}`);
  return r.json().data.result;
}

const I = '{app="interflow"}';
const CASES: [string, Id[]][] = [
  // stream selector matchers; regexes are fully anchored; a missing label reads as ""
  [I, ['L1', 'L2', 'L3', 'L4']],
  ['{app!="interflow", app=~".+"}', ['O1']],
  ['{app="interflow", FlowDirection="1"}', ['L2', 'L4']],
  ['{app="interflow", FlowDirection!="1"}', ['L1', 'L3']],
  ['{app=~"inter"}', []],
  ['{app=~"inter.*"}', ['L1', 'L2', 'L3', 'L4']],
  ['{app=~"interflow|other"}', ['L1', 'L2', 'L3', 'L4', 'O1']],
  ['{app!~"inter.*", app=~".+"}', ['O1']],
  ['{app="interflow", missing=""}', ['L1', 'L2', 'L3', 'L4']],
  ['{app="interflow", missing!=""}', []],
  ['{app="nope"}', []],
  // line filters (unanchored, several in a row)
  [`${I} |= "net1"`, ['L1', 'L2', 'L3']],
  [`${I} |= "\\"net1\\""`, ['L1', 'L3']],
  [`${I} |= \`"net1"\``, ['L1', 'L3']],
  [`${I} != "net1"`, ['L4']],
  [`${I} |~ "net1[0-9]"`, ['L2']],
  [`${I} !~ "^\\\\{"`, ['L4']],
  [`${I} |~ "^hello"`, ['L4']],
  [`${I} |~ "(?i)HELLO"`, ['L4']],
  [`${I} |~ "HELLO"`, []],
  [`${I} |= "net1" != "eth0"`, ['L1', 'L2']],
  [`${I} |= "net1" |= "net10"`, ['L2']],
  [`${I} |= ""`, ['L1', 'L2', 'L3', 'L4']],
  [`${I} |= "🚀"`, ['L3']],
  [`${I} |= "\\U0001F680"`, ['L3']],
  [`${I} |= "\\u00fc"`, ['L3']],
  [`${I} |= "\\xc3\\xbc"`, ['L3']],
  [`${I} |= "\\303\\274"`, ['L3']],
  [`${I} |~ "\\\\x{1F680}"`, ['L3']],
  [`${I} |~ "\\\\pL\\\\pL\\\\pL \\\\p{So}"`, ['L3']],
  // RE2 (Go regexp, as in Loki): nested repetition and inline flags are accepted; matching is
  // linear, so patterns that backtrack in V8 give their answer at once
  [`${I} |~ "(n(e)+t)+1[0-9]"`, ['L2']],
  [`${I} |~ "H(?i)ELLO"`, []],
  [`${I} |~ "h(?i:ELL)o"`, ['L4']],
  [`${I} |~ ".*.*.*net1[0-9]"`, ['L2']],
  [`${I} |~ "(.|.)*net1[0-9]"`, ['L2']],
  [`${I} | json | Name =~ "(p|o)*d-[2]"`, ['L2']],
  // | json without parameters: nested objects flattened with _, arrays skipped, keys sanitized
  [`${I} | json | Name="pod-1"`, ['L1']],
  [`${I} | json | Nested_x_y="deep"`, ['L1']],
  [`${I} | json | we_ird_key="k"`, ['L1']],
  [`${I} | json | Flag="true"`, ['L1']],
  [`${I} | json | Interfaces=""`, ['L1', 'L2', 'L3', 'L4']],
  [`${I} | json | Interfaces_0="net1"`, []],
  // | json with parameters, array index
  [`${I} | json iface="Interfaces[0]" | iface="net1"`, ['L1']],
  [`${I} | json iface="Interfaces[1]" | iface="net1"`, ['L3']],
  [`${I} | json iface="Interfaces[1]" | iface=""`, ['L1', 'L2', 'L4']],
  [`${I} | json deep="Nested.x.y", n="Name" | deep="deep", n="pod-1"`, ['L1']],
  [`${I} | json deep="Nested[\\"x\\"].y" | deep="deep"`, ['L1']],
  // a bracketed key is taken verbatim, as Loki's JSON expression lexer does (no escapes)
  [`${I} | json k=\`["we-ird.key"]\` | k="k"`, ['L1']],
  [`${I} | json k=\`Nested["\\q"]\` | k=""`, ['L1', 'L2', 'L3', 'L4']],
  [`${I} | json k="Nested[\\"\\t\\"]" | k=""`, ['L1', 'L2', 'L3', 'L4']],
  // string label filters (anchored regexes)
  [`${I} | json | SrcK8S_Namespace != "a"`, ['L2', 'L4']],
  [`${I} | json | Name =~ "pod-[12]"`, ['L1', 'L2']],
  [`${I} | json | Name =~ "pod"`, []],
  [`${I} | json | Name !~ "pod-1"`, ['L2', 'L3', 'L4']],
  [`${I} | json | Name =~ "(?s)weird.*tab"`, ['L3']],
  [`${I} | ns="b"`, ['L2', 'L4']],
  // numeric label filters; values that are not numbers pass with __error__ (drop them with __error__="")
  [`${I} | json | Bytes > 1000 | __error__=""`, ['L2']],
  [`${I} | json | Bytes > 1000`, ['L2', 'L3', 'L4']],
  [`${I} | json | Bytes >= 5000 | __error__=""`, ['L2']],
  [`${I} | json | Bytes < 100 | __error__=""`, []],
  [`${I} | json | Bytes <= 100 | __error__=""`, ['L1']],
  [`${I} | json | Bytes == 100 | __error__=""`, ['L1']],
  [`${I} | json | Bytes != 100 | __error__=""`, ['L2']],
  [`${I} | json | Proto > -1.5e1 | __error__=""`, ['L1', 'L2']],
  [`${I} | json | Missing > 0 | __error__=""`, []],
  [`${I} | json | __error__="JSONParserErr"`, ['L4']],
  // and, or, comma, parentheses; `and` binds tighter than `or`
  [`${I} | json | Name="pod-1" or Name="pod-2"`, ['L1', 'L2']],
  [`${I} | json | SrcK8S_Namespace="a", Name="pod-1"`, ['L1']],
  [`${I} | json | SrcK8S_Namespace="a" and Name="pod-1"`, ['L1']],
  [`${I} | json | (Name="pod-1" or Name="pod-2") and Proto==17`, ['L2']],
  [`${I} | json | Name="pod-1" or Name="pod-2" and Proto==17`, ['L1', 'L2']],
  [`${I} | json | Name="pod-1" or (Name="pod-2" and Proto==6)`, ['L1']],
  // hostile literals are decoded exactly like Loki (Go escapes; raw strings verbatim)
  [`${I} | json | Name=${JSON.stringify(HOSTILE)}`, ['L3']],
  [
    `${I} | json | Name="weird \\"quoted\\" \\\\ \`tick\` \\u00fcn\\u00ef \\U0001f680\\nnewline\\ttab"`,
    ['L3'],
  ],
  [`${I} | json | Name=\`weird "quoted" \\ \``, []],
  [`${I} |= \`\\\\ \``, ['L3']],
  [`${I} |= \`quoted"\``, []],
  [`${I} |= \`\\"quoted\\"\``, ['L3']],
];

describe('LogQL subset evaluated by the store', () => {
  for (const [query, expected] of CASES) {
    test(query, async () => {
      assert.deepEqual(await ids(query), expected);
    });
  }

  test('labels extracted by | json are in the result stream labels, as in Loki', async () => {
    const res = await streams(`${I} | json | Name="pod-2"`);
    assert.deepEqual(res[0]!.stream, {
      app: 'interflow',
      FlowDirection: '1',
      ns: 'b',
      SrcK8S_Namespace: 'b',
      Bytes: '5000',
      Proto: '17',
      Name: 'pod-2',
      FlowDirection_extracted: '1',
    });
    const err = await streams(`${I} | json | Bytes > 10 | Name=${JSON.stringify(HOSTILE)}`);
    assert.equal(err[0]!.stream.__error__, 'LabelFilterErr');
    const params = await streams(`${I} | json iface="Interfaces[0]", FlowDirection="Proto" | iface="net10"`);
    assert.deepEqual(params[0]!.stream, {
      app: 'interflow',
      FlowDirection: '1',
      ns: 'b',
      iface: 'net10',
      FlowDirection_extracted: '17',
    });
  });

  test('without a parser the result streams are the stored streams', async () => {
    const res = await streams(`${I} |= "o"`);
    assert.deepEqual(
      res.map((s) => s.stream).sort((a, b) => a.FlowDirection!.localeCompare(b.FlowDirection!)),
      [
        { app: 'interflow', FlowDirection: '0', ns: 'a' },
        { app: 'interflow', FlowDirection: '1', ns: 'b' },
      ],
    );
  });
});

const UNSUPPORTED: [string, RegExp][] = [
  [`${I} | logfmt`, /logfmt/],
  [`${I} | line_format "{{.a}}"`, /line_format/],
  [`${I} | label_format a=b`, /label_format/],
  [`${I} | regexp "(?P<a>.)"`, /regexp parser/],
  [`${I} | pattern "<a> <_>"`, /pattern parser/],
  [`${I} | unpack`, /unpack/],
  [`${I} | drop a`, /drop/],
  [`${I} | keep a`, /keep/],
  [`${I} | decolorize`, /decolorize/],
  // metric queries are answered (metric-query.test.ts), except these constructs
  [`avg_over_time(${I} | json | unwrap Bytes [1m])`, /avg_over_time/],
  [`sum by (a) (rate(${I}[5m])) / 2`, /BinOpExpr/],
  [`${I} |= "a" or "b"`, /"or"/],
  [`${I} | json | a > 5s`, /duration/],
  [`${I} | json | a > 5KB`, /bytes/],
  [`${I} |= ip("1.1.1.1")`, /ip\(\)/],
  [`${I} |> "<_> x"`, /pattern line filter/],
];
const BAD: [string, RegExp][] = [
  ['', /empty/],
  ['{app="interflow"', /syntax error/],
  [`${I} |=`, /syntax error/],
  ['{app=~".*"}', /at least one regexp or equality matcher that does not have an empty-compatible value/],
  ['{app=""}', /empty-compatible/],
  [`${I} |= "\\q"`, /unknown escape sequence \\q/],
  [`${I} |= "\\ud800"`, /invalid Unicode code point/],
  [`${I} |= "\\1"`, /octal/],
  [`${I} |~ "(?=x)"`, /lookahead/],
  [`${I} |~ "(a)\\\\1"`, /backreference/],
  [`${I} |~ "x{1001}"`, /repetition count/],
  [`${I} |~ "(?<=x)y"`, /lookbehind/],
  [`${I} |~ "\\\\Z"`, /invalid escape sequence/],
  [`${I} |~ "(unclosed"`, /missing closing \)/],
  [`${I} | json | a=~"[z-a]"`, /invalid regular expression/],
  [`${I} | json a="b[x]"`, /invalid JSON expression/],
  [`${I} |~ "${'a'.repeat(5000)}"`, /longer than/],
];

describe('queries outside the subset', () => {
  for (const [query, message] of [...UNSUPPORTED, ...BAD]) {
    test(`400: ${query.slice(0, 60)}`, async () => {
      const r = await queryRange(app, query);
      assert.equal(r.status, 400, r.body);
      assert.match(r.body, message);
    });
  }
  test('unsupported messages quote the part of the query and say so', async () => {
    const r = await queryRange(app, `${I} | line_format "x"`);
    assert.equal(
      r.body.trim(),
      'unsupported LogQL: line_format stage ("line_format \\"x\\"" at col 21) is not supported by the embedded store',
    );
  });
});
