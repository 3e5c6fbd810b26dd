// The LogQL the backend builds for interface / direction filters, evaluated by the embedded store
// over records written exactly as NetObserv writes them (test/fixtures/netobserv-records.ts says
// where each shape comes from): several interfaces per record with string directions, the
// singular fields of older releases, unknown extra fields. Every query must also parse with the
// @grafana/lezer-logql grammar (the one Loki's own editor uses), and its regexes compile with
// re2js (the store compiles them so, or answers 400).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilters } from '@interflow/contract';
import {
  netobservEntries,
  netobservPushBody,
  NETOBSERV_SELECTOR,
} from '../../../test/fixtures/netobserv-records.ts';
import { buildLogQueries, type MatchMode } from '../logql/build.ts';
import { PAIRED_ELEMENTS } from '../logql/element-pairs.ts';
import { inspectLogQL } from '../logql/inspect.ts';
import { parseStreamSelector } from '../logql/selector.ts';
import { queryRange, storeApp } from '../../test/store-harness.ts';

const nowMs = Date.now();
const entries = netobservEntries(nowMs);
const nameOf = new Map(entries.map((e) => [e.line, e.name]));
const ALL = entries.map((e) => e.name);

async function namesFound(
  app: Awaited<ReturnType<typeof storeApp>>['app'],
  filters: string,
  match: MatchMode = 'all',
): Promise<string[]> {
  const queries = buildLogQueries(
    { filters: parseFilters(filters), match },
    parseStreamSelector(NETOBSERV_SELECTOR),
  );
  const found = new Set<string>();
  for (const q of queries) {
    assert.deepEqual(inspectLogQL(q).errors, [], `lezer-logql parses ${q}`);
    const res = await queryRange(app, q, {
      start: `${BigInt(nowMs - 60_000) * 1_000_000n}`,
      end: `${BigInt(nowMs + 1000) * 1_000_000n}`,
      limit: '1000',
    });
    assert.equal(res.status, 200, `${q}\n${res.body}`);
    for (const s of res.json().data.result) for (const [, line] of s.values) found.add(nameOf.get(line)!);
  }
  return [...found].sort();
}

const sorted = (names: string[]): string[] => [...names].sort();

test('the store answers NetObserv-format records as the filters mean (stand-in for Loki: the embedded store)', async (t) => {
  const { app } = await storeApp(t);
  const push = await app.inject({
    method: 'POST',
    url: '/loki/api/v1/push',
    headers: { 'content-type': 'application/json' },
    payload: netobservPushBody(entries),
  });
  assert.equal(push.statusCode, 204, push.body);
  assert.ok(PAIRED_ELEMENTS < 17, 'the long fixtures reach past what the query compares');

  await t.test(
    'interfaces=net1: an element equal to net1 — not net10, not NET1; singular Interface too',
    async () => {
      assert.deepEqual(
        await namesFound(app, 'interfaces=net1'),
        sorted([
          'net1-egress',
          'net1-ingress',
          'singular-net1-egress',
          'numbers-net1-egress',
          'long-net1-egress-at-17',
          'long-net1-ingress-at-17',
        ]),
      );
      assert.deepEqual(await namesFound(app, 'interfaces=NET1'), ['NET1']);
      assert.deepEqual(
        await namesFound(app, 'interfaces~net1'),
        sorted([...ALL.filter((n) => n !== 'NET1')]),
      );
    },
  );

  await t.test('ifdirections reads string and number directions and the singular IfDirection', async () => {
    assert.deepEqual(await namesFound(app, 'ifdirections=egress'), sorted(ALL));
    assert.deepEqual(
      await namesFound(app, 'ifdirections=ingress'),
      sorted([
        'net1-egress',
        'net1-ingress',
        'numbers-net1-egress',
        'long-net1-egress-at-17',
        'long-net1-ingress-at-17',
      ]),
    );
  });

  await t.test('interfaces + ifdirections (match=all): the same element', async () => {
    // Up to PAIRED_ELEMENTS elements the query decides; a longer record passes when it has more
    // (long-net1-ingress-at-17) and the backend decides it (pair-check.ts, tested via the API).
    assert.deepEqual(
      await namesFound(app, 'interfaces=net1;ifdirections=egress'),
      sorted([
        'net1-egress',
        'singular-net1-egress',
        'numbers-net1-egress',
        'long-net1-egress-at-17',
        'long-net1-ingress-at-17',
      ]),
    );
    assert.deepEqual(
      await namesFound(app, 'interfaces=net1;ifdirections=ingress'),
      sorted(['net1-ingress', 'long-net1-egress-at-17', 'long-net1-ingress-at-17']),
    );
    assert.deepEqual(await namesFound(app, 'interfaces=eth0;ifdirections=ingress'), sorted(['net1-egress']));
    // Several values: either interface, in egress, on one element.
    assert.deepEqual(
      await namesFound(app, 'interfaces=eth0,genev_sys_6081;ifdirections=egress'),
      sorted(['net1-ingress']),
    );
  });

  await t.test('match=any: alternatives, nothing paired', async () => {
    assert.deepEqual(
      await namesFound(app, 'interfaces=NET1;ifdirections=ingress', 'any'),
      sorted([
        'NET1',
        'net1-egress',
        'net1-ingress',
        'numbers-net1-egress',
        'long-net1-egress-at-17',
        'long-net1-ingress-at-17',
      ]),
    );
  });

  await t.test('negated filters keep their record-wide meaning: no element matches', async () => {
    assert.deepEqual(
      await namesFound(app, 'interfaces!=net1;ifdirections=egress'),
      sorted(['net10', 'NET1']),
    );
    assert.deepEqual(
      await namesFound(app, 'interfaces=net1;ifdirections!=ingress'),
      sorted(['singular-net1-egress']),
    );
  });
});
