// The embedded store behind its own door: clients not on loopback push and query only with a
// bearer token — the content of INTERFLOW_STORE_TOKEN_FILE, or a token a stand-in Kubernetes
// API server (real HTTP, fixed tokens) authenticates and whose user may create (push) or get
// (query) loki.grafana.com network logs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StandInKubeApiServer } from '../../../test/support/stand-in-kube-api.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { storeApp } from '../../test/store-harness.ts';
import { ClientNodeKubeReviews, loadKubeConfig } from '../auth/kube-reviews.ts';
import { TokenFile } from '../loki/token.ts';
import { storeAuthorizer } from './store-access.ts';

const REMOTE = '10.1.2.3';
const PUSH = { streams: [{ stream: { app: 'interflow' }, values: [[`${Date.now()}000000`, '{"a":1}']] }] };
const QUERY = `/loki/api/v1/query_range?query=${encodeURIComponent('{app="interflow"}')}`;

describe('remote clients of the embedded store (stand-in Kubernetes API server)', () => {
  let kube: StandInKubeApiServer;
  before(async () => {
    kube = await StandInKubeApiServer.start();
    kube.addUser('agent-token', { username: 'system:serviceaccount:interflow-agent:interflow-agent' });
    kube.addUser('reader-token', { username: 'reader' });
    kube.grant('system:serviceaccount:interflow-agent:interflow-agent', {
      verb: 'create',
      group: 'loki.grafana.com',
      resource: 'network',
      name: 'logs',
    });
    kube.grant('reader', { verb: 'get', group: 'loki.grafana.com', resource: 'network', name: 'logs' });
  });
  after(() => kube.close());

  async function store(t: Parameters<typeof storeApp>[0], withKube: boolean) {
    const dir = tempDir(t);
    const tokenPath = join(dir, 'store-token');
    writeFileSync(tokenPath, 'file-token\n');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeConfigYaml());
    const reviews = withKube
      ? new ClientNodeKubeReviews(loadKubeConfig({ kind: 'kubeconfig', path: kubeconfig }))
      : undefined;
    const { app } = await storeApp(t, {
      allowRemote: true,
      authorizeRemote: storeAuthorizer({ tokenFile: new TokenFile(tokenPath), reviews }),
    });
    const push = (headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/loki/api/v1/push', remoteAddress: REMOTE, payload: PUSH, headers });
    const query = (headers: Record<string, string> = {}) =>
      app.inject({ url: QUERY, remoteAddress: REMOTE, headers });
    return { app, push, query };
  }

  test('remote push or query without a token is refused (401); loopback needs none', async (t) => {
    const { app, push, query } = await store(t, true);
    const p = await push();
    assert.equal(p.statusCode, 401);
    assert.match(p.body, /bearer token/);
    assert.equal((await query()).statusCode, 401);
    assert.equal((await push({ authorization: 'Bearer not-a-known-token' })).statusCode, 401);
    const local = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      remoteAddress: '127.0.0.1',
      payload: PUSH,
    });
    assert.equal(local.statusCode, 204);
  });

  test('the token file content lets a remote client push and query', async (t) => {
    const { push, query } = await store(t, false);
    assert.equal((await push({ authorization: 'Bearer file-token' })).statusCode, 204);
    assert.equal((await query({ authorization: 'Bearer file-token' })).statusCode, 200);
    assert.equal((await push({ authorization: 'Bearer file-token-not' })).statusCode, 401);
  });

  test('with a Kubernetes API: create lets push, get lets query, and nothing more', async (t) => {
    const { push, query } = await store(t, true);
    kube.reviews.length = 0;
    assert.equal((await push({ authorization: 'Bearer agent-token' })).statusCode, 204);
    const q = await query({ authorization: 'Bearer agent-token' });
    assert.equal(q.statusCode, 403);
    assert.match(q.body, /may not query flows: that needs get on loki.grafana.com network "logs"/);
    assert.equal((await query({ authorization: 'Bearer reader-token' })).statusCode, 200);
    assert.equal((await push({ authorization: 'Bearer reader-token' })).statusCode, 403);
    // Cached per token: a second push asks nothing more.
    const asked = kube.reviews.length;
    assert.equal((await push({ authorization: 'Bearer agent-token' })).statusCode, 204);
    assert.equal(kube.reviews.length, asked);
    const sar = kube.reviews.find((r) => r.kind === 'SubjectAccessReview');
    assert.deepEqual(sar?.kind === 'SubjectAccessReview' && sar.attrs, {
      verb: 'create',
      group: 'loki.grafana.com',
      resource: 'network',
      name: 'logs',
    });
  });
});
