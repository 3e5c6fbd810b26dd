// The HTTP API through app.inject / a real listening server: shapes of /api/config,
// /api/resources, health, metrics; bad input → 400 {error, param}, never 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

describe('API', () => {
  let t: TestApp;
  const now = Date.now();
  const window = `startTime=${Math.floor(now / 1000) - 600}&endTime=${Math.ceil(now / 1000) + 1}`;
  before(async () => {
    t = await startTestApp();
    await pushRecords(t.storeUrl, generateFlows({ count: 500, seed: 7, startMs: now - 300_000, endMs: now }));
  });
  after(() => t.close());

  test('GET /api/config has columns, filters, defaults and the store', async () => {
    const res = await t.app.inject('/api/config');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.ok(body.columns.some((c: { id: string }) => c.id === 'Interfaces'));
    // docs/design.md, "Filters": every id of its table, in its order (each pair: src_, dst_, either).
    assert.deepEqual(
      body.filters.map((f: { id: string }) => f.id),
      [
        'interfaces',
        'ifdirections',
        'netns',
        'if_owner_namespace',
        'if_owner',
        'if_network',
        'pod_namespace',
        'pod',
        'src_namespace',
        'dst_namespace',
        'namespace',
        'src_name',
        'dst_name',
        'name',
        'src_kind',
        'dst_kind',
        'kind',
        'src_owner_name',
        'dst_owner_name',
        'owner_name',
        'src_address',
        'dst_address',
        'address',
        'src_port',
        'dst_port',
        'port',
        'src_mac',
        'dst_mac',
        'mac',
        'src_network',
        'dst_network',
        'network',
        'protocol',
        'node_direction',
        'host_name',
      ],
    );
    assert.equal(
      body.filters.find((f: { id: string }) => f.id === 'interfaces').name,
      'Network interface name',
    );
    assert.deepEqual(body.defaults.match, 'all');
    assert.equal(body.defaults.timeRange, 300);
    assert.equal(body.defaults.limit, 100);
    assert.equal(body.defaults.sort, 'TimeFlowEndMs:desc');
    assert.equal(body.store.kind, 'embedded');
    assert.equal(body.store.url, t.storeUrl);
    assert.notEqual(t.storeUrl, t.url, 'the store has its own port');
  });

  test('GET /api/flows returns records newest first with stats', async () => {
    const res = await t.app.inject(`/api/flows?${window}&limit=50`);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.records.length, 50);
    assert.deepEqual(Object.keys(body.stats).sort(), [
      'durationMs',
      'endMs',
      'limit',
      'limitReached',
      'queries',
      'startMs',
      'unreadable',
    ]);
    assert.equal(body.stats.unreadable, 0);
    assert.equal(body.stats.limit, 50);
    assert.equal(body.stats.limitReached, true);
    assert.equal(body.stats.queries, 1);
    for (let i = 1; i < body.records.length; i++)
      assert.ok(body.records[i - 1].TimeFlowEndMs >= body.records[i].TimeFlowEndMs);
    assert.ok(Array.isArray(body.records[0].Interfaces));
    const all = (await t.app.inject(`/api/flows?${window}&limit=10000`)).json();
    assert.equal(all.records.length, 500);
    assert.equal(all.stats.limitReached, false);
  });

  test('GET /api/flows says which window it queried: the given one, or a relative range resolved by the backend', async () => {
    const given = (await t.app.inject(`/api/flows?${window}&limit=1`)).json();
    assert.equal(given.stats.startMs, (Math.floor(now / 1000) - 600) * 1000);
    assert.equal(given.stats.endMs, (Math.ceil(now / 1000) + 1) * 1000);
    const before = Date.now();
    const relative = (await t.app.inject('/api/flows?timeRange=900&limit=1')).json();
    const after = Date.now();
    assert.equal(relative.stats.endMs - relative.stats.startMs, 900_000);
    assert.ok(
      relative.stats.endMs >= before && relative.stats.endMs <= after,
      'the end is the time of the query',
    );
  });

  test('GET /api/flows/export writes readable headers and values by default, raw on request, in the asked order', async () => {
    const query = `${window}&filters=${encodeURIComponent('host_name=worker-0')}&columns=TimeFlowEndMs,IfDirections,Proto,Bytes`;
    const rows = async (extra: string) => {
      const res = await t.app.inject(`/api/flows/export?${query}${extra}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.body.trim().split('\r\n');
    };
    const api = (await t.app.inject(`/api/flows?${window}&limit=10000&filters=host_name%3Dworker-0`)).json();
    const records = api.records as Array<{ Bytes: number }>;
    assert.ok(records.length > 10);

    const readable = await rows('');
    const raw = await rows('&values=raw');
    assert.equal(readable[0], 'End time,Interface directions,Protocol,Bytes');
    assert.equal(raw[0], 'TimeFlowEndMs,IfDirections,Proto,Bytes');
    assert.equal(readable.length - 1, records.length);
    assert.equal(raw.length, readable.length);
    const protocols: Record<string, string> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP', 58: 'ICMPv6', 132: 'SCTP' };
    let compared = 0;
    for (let i = 1; i < raw.length; i++) {
      if (raw[i]!.includes('"')) continue; // several interfaces: a quoted cell
      const [time, direction, proto, bytes] = raw[i]!.split(',');
      const expected = [
        new Date(Number(time)).toISOString(),
        ['ingress', 'egress'][Number(direction)],
        protocols[proto!],
        bytes,
      ];
      assert.deepEqual(readable[i]!.split(','), expected);
      compared++;
    }
    assert.ok(compared > 10);

    // the table's sort: bytes ascending, whatever order the store streams in
    const byBytes = (await rows('&values=raw&sort=Bytes:asc'))
      .slice(1)
      .map((l) => Number(l.split(',').at(-1)));
    assert.deepEqual(
      byBytes,
      records.map((r) => r.Bytes).sort((a, b) => a - b),
    );
    const newest = await rows('&values=raw&sort=TimeFlowEndMs:desc');
    assert.deepEqual(newest, raw);
  });

  test('GET /api/resources/:kind gives sorted unique values', async () => {
    for (const [kind, expected] of [
      ['nodes', ['master-0', 'worker-0', 'worker-1']],
      ['interfaces', ['br-ex', 'ens1f0v3', 'eth0', 'net1', 'net1.100', 'net10', 'xnet1']],
      ['netns', ['', 'cni-1f2e3d4c', 'cni-aa11bb22', 'ns with space']],
      ['namespaces', ['default', 'openshift-dns', 'sriov-test', 'team-a', 'team.b']],
    ] as const) {
      const res = await t.app.inject(`/api/resources/${kind}?timeRange=3600`);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { values: expected }, kind);
    }
  });

  const badRequests: Array<[string, string]> = [
    ['/api/flows?filters=color%3Dred', 'filters'],
    ['/api/flows?filters=interfaces%3Enet1', 'filters'],
    ['/api/flows?filters=port%3Dhttp', 'filters'],
    [
      `/api/flows?filters=${encodeURIComponent(Array.from({ length: 21 }, () => 'name=a').join(';'))}`,
      'filters',
    ],
    [`/api/flows?filters=${encodeURIComponent(`name=${'x'.repeat(300)}`)}`, 'filters'],
    ['/api/flows?match=some', 'match'],
    ['/api/flows?limit=0', 'limit'],
    ['/api/flows?limit=10001', 'limit'],
    ['/api/flows?limit=ten', 'limit'],
    ['/api/flows?limit=1&limit=2', 'limit'],
    ['/api/flows?timeRange=-5', 'timeRange'],
    ['/api/flows?timeRange=1e9', 'timeRange'],
    ['/api/flows?startTime=yesterday', 'startTime'],
    ['/api/flows?startTime=200&endTime=100', 'endTime'],
    ['/api/flows?endTime=100', 'startTime'],
    ['/api/flows?startTime=99999999999&endTime=100000000000', 'startTime'],
    ['/api/flows?startTime=9223372000&endTime=9223372100', 'endTime'],
    ['/api/flows?filters=a&filters=b', 'filters'],
    ['/api/flows/export?format=xlsx', 'format'],
    ['/api/flows/export?columns=Interfaces,Nope', 'columns'],
    ['/api/flows/export?columns=Bytes,Bytes', 'columns'],
    ['/api/flows/export?filters=nope%3D1', 'filters'],
    ['/api/flows/export?values=pretty', 'values'],
    ['/api/flows/export?sort=Bogus:asc', 'sort'],
    ['/api/flows/export?sort=Bytes', 'sort'],
    ['/api/resources/services', 'kind'],
    ['/api/resources/nodes?timeRange=x', 'timeRange'],
  ];
  for (const [url, param] of badRequests) {
    test(`bad input ${decodeURIComponent(url).slice(0, 70)} → 400 naming ${param}`, async () => {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.equal(body.param, param);
      assert.equal(typeof body.error, 'string');
      assert.ok(body.error.length > 5);
    });
  }

  test('health, readiness and metrics', async () => {
    assert.deepEqual((await t.app.inject('/healthz')).json(), { status: 'ok' });
    const ready = await t.app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().status, 'ready');
    const metrics = await fetch(t.metricsUrl);
    assert.equal(metrics.status, 200);
    const metricsText = await metrics.text();
    assert.equal((await t.app.inject('/metrics')).statusCode, 404, 'not on the port the console proxies');
    assert.match(metricsText, /interflow_server_loki_queries_total\{result="ok"\} \d+/);
    assert.match(metricsText, /interflow_server_http_request_duration_seconds_count\{route="\/api\/flows"/);
    // what the embedded store holds (store-metrics.ts)
    assert.match(metricsText, /interflow_server_store_entries [1-9]\d*/);
    assert.match(metricsText, /interflow_server_store_column_index_bytes [1-9]\d*/);
  });

  test('JSON objects are shown whatever they hold; other lines are counted, never dropped silently', async () => {
    const ts = `${BigInt(now - 5000) * 1_000_000n}`;
    const push = await fetch(`${t.storeUrl}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        streams: [
          {
            stream: { app: 'interflow', K8S_HostName: 'odd-writer' },
            values: [
              [ts, 'not json at all'],
              [ts, '{"msg":"hello"}'],
              [ts, '{"TimeFlowStartMs":"x","TimeFlowEndMs":"y","SrcAddr":1,"DstAddr":2}'],
              [ts, '[1,2,3]'],
            ],
          },
        ],
      }),
    });
    assert.equal(push.status, 204);
    const res = await t.app.inject(`/api/flows?${window}&limit=10000&filters=host_name%3Dodd-writer`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    // Fields of another shape are kept as they came; the stream label the line lacks is added.
    assert.deepEqual(body.records.map((r: Record<string, unknown>) => JSON.stringify(r)).sort(), [
      '{"TimeFlowStartMs":"x","TimeFlowEndMs":"y","SrcAddr":1,"DstAddr":2,"K8S_HostName":"odd-writer"}',
      '{"msg":"hello","K8S_HostName":"odd-writer"}',
    ]);
    assert.equal(body.stats.unreadable, 2);
    const all = await t.app.inject(`/api/flows?${window}&limit=10000`);
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().records.length, 502);
    assert.equal(all.json().stats.unreadable, 2);
    const csv = await t.app.inject(
      `/api/flows/export?${window}&filters=host_name%3Dodd-writer&columns=K8S_HostName,SrcAddr&values=raw`,
    );
    assert.equal(csv.statusCode, 200);
    // JSON objects become rows (whatever they hold); text and arrays are counted in the metric.
    assert.deepEqual(csv.body.split('\r\n').sort(), [
      '',
      'K8S_HostName,SrcAddr',
      'odd-writer,',
      'odd-writer,1',
    ]);
    assert.match(await (await fetch(t.metricsUrl)).text(), /interflow_server_unparsable_lines_total [1-9]/);
  });

  test('answers carry nosniff and a referrer policy; unknown routes are a JSON 404', async () => {
    const res = await t.app.inject('/api/nope');
    assert.equal(res.statusCode, 404);
    assert.match(res.json().error, /no such route/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    // The embedded store's Loki API is not on the port the console proxies.
    for (const path of [
      '/loki/api/v1/query_range?query=%7Bapp%3D%22interflow%22%7D',
      '/loki/api/v1/push',
      '/ready',
    ]) {
      const res = await t.app.inject({ method: path.endsWith('push') ? 'POST' : 'GET', url: path });
      assert.equal(res.statusCode, 404, path);
      assert.match(res.json().error, /no such route/);
    }
    // On its own port its plain-text errors cover its routes.
    const storeBad = await fetch(`${t.storeUrl}/loki/api/v1/query_range?query=nope`);
    assert.equal(storeBad.status, 400);
    assert.match(String(storeBad.headers.get('content-type')), /^text\/plain/);
  });
});

describe('API without a reachable store', () => {
  let t: TestApp;
  before(async () => {
    // A port nothing listens on: bind one, note it, close it.
    const probe = await startTestApp();
    const deadUrl = probe.storeUrl;
    await probe.close();
    t = await startTestApp({ INTERFLOW_LOKI_URL: deadUrl, INTERFLOW_LOKI_TIMEOUT: '2s' });
  });
  after(() => t.close());

  test('flows, export and resources answer 503 naming the store URL; readyz says not ready', async () => {
    for (const url of [
      '/api/flows',
      '/api/flows/export',
      '/api/resources/namespaces',
      '/api/resources/interfaces',
    ]) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 503, url);
      assert.match(
        res.json().error,
        new RegExp(`^Loki is unreachable at ${t.config.lokiUrl}: .*ECONNREFUSED`),
      );
    }
    const ready = await t.app.inject('/readyz');
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().status, 'not ready');
  });

  test('bad input is still a 400, checked before the store is asked', async () => {
    const res = await t.app.inject('/api/flows?limit=0');
    assert.equal(res.statusCode, 400);
  });
});
