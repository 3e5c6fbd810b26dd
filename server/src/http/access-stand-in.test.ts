// INTERFLOW_AUTH_CHECK against a stand-in Kubernetes API server (a real HTTP server answering
// TokenReview and SubjectAccessReview for fixed tokens; no cluster runs here): 401/403/200 per
// mode on /api/flows, the export, resources and config; a restricted user sees exactly the
// flows of their namespaces even when a limit would have hidden a filter applied after it;
// decisions cached per token; 503 when the API server is gone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { generateFlows, pushRecords, type FlowRecord } from '../../../test/fixtures/flow-generator.ts';
import { StandInKubeApiServer } from '../../../test/support/stand-in-kube-api.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

const ADMIN = 'token-admin-alice';
const TEAM_A = 'token-team-a-bob';
const NOBODY = 'token-nobody-carol';
const UNKNOWN = 'token-nobody-knows';
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function standInUsers(kube: StandInKubeApiServer): void {
  kube.addUser(ADMIN, { username: 'alice', groups: ['system:authenticated'] });
  kube.addUser(TEAM_A, { username: 'bob', groups: ['system:authenticated', 'team-a-devs'] });
  kube.addUser(NOBODY, { username: 'carol', groups: ['system:authenticated'] });
  kube.grant('alice', { verb: 'get', group: 'loki.grafana.com', resource: 'network', name: 'logs' });
  // bob may read pods of team-a through his group, and may list (not get) pods of default.
  kube.grant('group:team-a-devs', { verb: 'get', group: '', resource: 'pods', namespace: 'team-a' });
  kube.grant('bob', { verb: 'list', group: '', resource: 'pods', namespace: 'default' });
}

function kubeconfigFile(dir: string, kube: StandInKubeApiServer): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, kube.kubeConfigYaml());
  return path;
}

const touches = (r: FlowRecord, ns: string): boolean =>
  r.SrcK8S_Namespace === ns || r.DstK8S_Namespace === ns || r.IfK8S_Namespace === ns;

/**
 * 300 flows of other teams, newest; before them 40 flows of team-a (as source, destination or
 * interface owner only). A limit of 40 applied before a namespace filter would return none.
 */
function scenario(now: number): { records: FlowRecord[]; teamA: FlowRecord[] } {
  const others = [...generateFlows({ count: 300, seed: 3, startMs: now - 60_000, endMs: now })].map((r) => ({
    ...r,
    SrcK8S_Namespace: 'secret-ns',
    DstK8S_Namespace: 'default',
    IfK8S_Namespace: 'openshift-dns',
  }));
  const teamA = [...generateFlows({ count: 40, seed: 4, startMs: now - 240_000, endMs: now - 120_000 })].map(
    (r, i) => ({
      ...r,
      SrcK8S_Namespace: i % 3 === 0 ? 'team-a' : 'secret-ns',
      DstK8S_Namespace: i % 3 === 1 ? 'team-a' : 'default',
      IfK8S_Namespace: i % 3 === 2 ? 'team-a' : 'openshift-dns',
    }),
  );
  return { records: [...others, ...teamA], teamA };
}

describe('access checks against a stand-in Kubernetes API server', () => {
  let kube: StandInKubeApiServer;
  let t: TestApp;
  let teamA: FlowRecord[];
  let total = 0;
  const now = Date.now();
  const window = `startTime=${Math.floor(now / 1000) - 600}&endTime=${Math.ceil(now / 1000) + 1}`;

  let dir: string;
  before(async () => {
    kube = await StandInKubeApiServer.start();
    standInUsers(kube);
    dir = mkdtempSync(join(tmpdir(), 'interflow-access-'));
    t = await startTestApp({ KUBECONFIG: kubeconfigFile(dir, kube), INTERFLOW_LOG_LEVEL: 'silent' });
    const s = scenario(now);
    teamA = s.teamA;
    total = s.records.length;
    await pushRecords(t.storeUrl, s.records);
  });
  after(async () => {
    await t.close();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('auto with a Kubernetes API resolves to namespaced', () => {
    assert.equal(t.config.authCheck, 'namespaced');
  });

  test('no token or an unknown one: 401 on every /api route', async () => {
    for (const path of [
      `/api/flows?${window}`,
      `/api/flows/export?${window}&format=csv`,
      `/api/resources/namespaces?${window}`,
      '/api/config',
    ]) {
      for (const headers of [{}, bearer(UNKNOWN), { authorization: 'Basic YWxpY2U6eA==' }]) {
        const res = await t.app.inject({ url: path, headers });
        assert.equal(res.statusCode, 401, `${path} ${JSON.stringify(headers)}`);
        assert.match(res.json().error, /token/);
      }
    }
  });

  test('a user allowed no namespace with flows: 403 with a message naming them', async () => {
    for (const path of [
      `/api/flows?${window}`,
      `/api/flows/export?${window}&format=csv`,
      `/api/resources/nodes?${window}`,
    ]) {
      const res = await t.app.inject({ url: path, headers: bearer(NOBODY) });
      assert.equal(res.statusCode, 403, path);
      assert.match(res.json().error, /carol may read flows only of namespaces where they may get pods/);
    }
    // Authenticated callers may read the page's configuration.
    assert.equal((await t.app.inject({ url: '/api/config', headers: bearer(NOBODY) })).statusCode, 200);
  });

  test('an admin (get loki.grafana.com network logs) sees every flow', async () => {
    const res = await t.app.inject({ url: `/api/flows?${window}&limit=10000`, headers: bearer(ADMIN) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().records.length, total);
  });

  test('a restricted user sees exactly the flows of their namespaces, before the limit', async () => {
    const res = await t.app.inject({ url: `/api/flows?${window}&limit=40`, headers: bearer(TEAM_A) });
    assert.equal(res.statusCode, 200);
    const got: FlowRecord[] = res.json().records;
    assert.equal(got.length, 40, 'a filter after the limit of 40 would have kept none of them');
    assert.ok(got.every((r) => touches(r, 'team-a')));
    const key = (r: FlowRecord): string => `${r.TimeFlowEndMs}|${r.SrcAddr}|${r.SrcPort}|${r.DstAddr}`;
    assert.deepEqual(got.map(key).sort(), teamA.map(key).sort());
    // A filter of their own cannot widen the scope.
    const other = await t.app.inject({
      url: `/api/flows?${window}&limit=1000&filters=${encodeURIComponent('src_namespace=secret-ns')}`,
      headers: bearer(TEAM_A),
    });
    assert.ok(other.json().records.every((r: FlowRecord) => touches(r, 'team-a')));
    assert.equal(other.json().records.length, teamA.filter((r) => r.SrcK8S_Namespace === 'secret-ns').length);
  });

  test('the export and autocomplete of a restricted user hold only their flows', async () => {
    const res = await t.app.inject({
      url: `/api/flows/export?${window}&format=csv&columns=SrcK8S_Namespace,DstK8S_Namespace,IfK8S_Namespace`,
      headers: bearer(TEAM_A),
    });
    assert.equal(res.statusCode, 200);
    const rows = parse(res.body, { from_line: 2 }) as string[][];
    assert.equal(rows.length, teamA.length);
    assert.ok(rows.every((row) => row.includes('team-a')));
    const ns = await t.app.inject({ url: `/api/resources/namespaces?${window}`, headers: bearer(TEAM_A) });
    assert.equal(ns.statusCode, 200);
    // The peers of team-a's flows, never a namespace only other teams' flows name.
    assert.deepEqual(ns.json().values, ['default', 'secret-ns', 'team-a']);
    const admin = await t.app.inject({ url: `/api/resources/namespaces?${window}`, headers: bearer(ADMIN) });
    assert.deepEqual(admin.json().values, ['default', 'secret-ns', 'team-a']);
  });

  test('decisions are cached per token: one TokenReview per token, never shared', async () => {
    kube.reviews.length = 0;
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await t.app.inject({ url: `/api/flows?${window}`, headers: bearer(TEAM_A) })).statusCode,
        200,
      );
      assert.equal(
        (await t.app.inject({ url: `/api/flows?${window}`, headers: bearer(NOBODY) })).statusCode,
        403,
      );
    }
    const tokenReviews = kube.reviews.filter((r) => r.kind === 'TokenReview');
    assert.deepEqual(
      tokenReviews.map((r) => (r.kind === 'TokenReview' ? r.token : '')),
      [],
      'both decisions were made by earlier tests and are still fresh',
    );
    const fresh = 'token-team-a-bob-second-session';
    kube.addUser(fresh, { username: 'bob', groups: ['system:authenticated', 'team-a-devs'] });
    await t.app.inject({ url: `/api/flows?${window}`, headers: bearer(fresh) });
    await t.app.inject({ url: `/api/flows?${window}`, headers: bearer(fresh) });
    const asked = kube.reviews.filter((r) => r.kind === 'TokenReview');
    assert.equal(asked.length, 1, 'a new token is reviewed once, then its decision is reused');
    const sars = kube.reviews.filter((r) => r.kind === 'SubjectAccessReview');
    assert.ok(sars.length > 0 && sars.every((r) => r.kind === 'SubjectAccessReview' && r.user === 'bob'));
    assert.deepEqual(
      sars.find((r) => r.kind === 'SubjectAccessReview' && r.attrs.namespace === 'team-a')?.attrs,
      { verb: 'get', group: '', resource: 'pods', namespace: 'team-a' },
    );
  });
});

describe('INTERFLOW_AUTH_CHECK modes against a stand-in Kubernetes API server', () => {
  const now = Date.now();
  const window = `startTime=${Math.floor(now / 1000) - 600}&endTime=${Math.ceil(now / 1000) + 1}`;

  async function withApp(
    ctx: { after(fn: () => void | Promise<void>): void },
    env: Record<string, string>,
  ): Promise<{ kube: StandInKubeApiServer; t: TestApp }> {
    const kube = await StandInKubeApiServer.start();
    standInUsers(kube);
    const dir = tempDir(ctx);
    const t = await startTestApp({
      KUBECONFIG: kubeconfigFile(dir, kube),
      INTERFLOW_LOG_LEVEL: 'silent',
      ...env,
    });
    ctx.after(async () => {
      await t.close();
      await kube.close();
    });
    await pushRecords(t.storeUrl, scenario(now).records);
    return { kube, t };
  }

  test('admin: admins 200, anyone else 403, no token 401', async (ctx) => {
    const { t, kube } = await withApp(ctx, { INTERFLOW_AUTH_CHECK: 'admin' });
    const get = (token?: string) =>
      t.app.inject({ url: `/api/flows?${window}&limit=5`, headers: token ? bearer(token) : {} });
    assert.equal((await get(ADMIN)).statusCode, 200);
    const denied = await get(TEAM_A);
    assert.equal(denied.statusCode, 403);
    assert.match(denied.json().error, /bob may not read flows: this backend serves cluster admins only/);
    assert.equal((await get()).statusCode, 401);
    const sar = kube.reviews.find((r) => r.kind === 'SubjectAccessReview' && r.user === 'alice');
    assert.deepEqual(sar?.kind === 'SubjectAccessReview' && sar.attrs, {
      verb: 'get',
      group: 'loki.grafana.com',
      resource: 'network',
      name: 'logs',
    });
  });

  test('authenticated (with forward): any reviewed token 200, others 401', async (ctx) => {
    const { t } = await withApp(ctx, { INTERFLOW_LOKI_AUTH: 'forward' });
    assert.equal(t.config.authCheck, 'authenticated');
    const get = (token?: string) =>
      t.app.inject({ url: `/api/flows?${window}&limit=5`, headers: token ? bearer(token) : {} });
    assert.equal((await get(NOBODY)).statusCode, 200);
    assert.equal((await get(UNKNOWN)).statusCode, 401);
    assert.equal((await get()).statusCode, 401);
  });

  test('503 when the Kubernetes API server is gone, and 200 again once it answers', async (ctx) => {
    const { t, kube } = await withApp(ctx, { INTERFLOW_AUTH_CHECK: 'namespaced' });
    await kube.close();
    const res = await t.app.inject({ url: `/api/flows?${window}`, headers: bearer(ADMIN) });
    assert.equal(res.statusCode, 503);
    assert.match(res.json().error, /the Kubernetes API cannot check access/);
    // The same API server back on its address: an unreachable server was no decision.
    const back = await StandInKubeApiServer.start({
      port: Number(new URL(kube.url).port),
      token: kube.token,
    });
    ctx.after(() => back.close());
    standInUsers(back);
    const again = await t.app.inject({ url: `/api/flows?${window}`, headers: bearer(ADMIN) });
    assert.equal(again.statusCode, 200, again.body);
  });
});
