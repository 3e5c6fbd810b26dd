// docs/install-openshift.md: what it tells an admin to type must match deploy/ (paths, object
// names, the Traffic Flows URL), every command that can run without a cluster runs here, and the
// facts it states about the builds, ports and sizes are those of the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { parseDocument } from 'yaml';
import { SubjectAccessReview } from 'kubernetes-models/authorization.k8s.io/v1';
import { KUSTOMIZATIONS, REPO_ROOT, find, render } from './test-support/render.ts';

const guide = readFileSync(join(REPO_ROOT, 'docs/install-openshift.md'), 'utf8');

test('every deploy/ path the guide names exists', () => {
  const paths = new Set(guide.match(/deploy\/(?:base|overlays|images|examples|schemas)[\w./-]*[\w/]/g) ?? []);
  assert.ok(paths.size >= 5);
  for (const p of paths) assert.ok(existsSync(join(REPO_ROOT, p)), p);
});

test('the guide applies every kustomization and names their objects as rendered', () => {
  for (const name of KUSTOMIZATIONS.filter((k) => k !== 'base')) {
    assert.ok(guide.includes(`oc apply -k deploy/${name}`), `no "oc apply -k deploy/${name}"`);
  }
  const names = new Set(KUSTOMIZATIONS.flatMap((k) => render(k).map((o) => o.metadata.name)));
  // object names the guide uses in commands
  let checked = 0;
  for (const m of guide.matchAll(
    /\b(?:ds|deploy|svc|rolebinding|clusterrolebinding|consoleplugin|configmap)\/?\s?([a-z][\w-]+)/g,
  )) {
    if (!m[1]!.startsWith('interflow') && !m[1]!.startsWith('loki')) continue;
    assert.ok(names.has(m[1]!), `${m[0]}: no object ${m[1]}`);
    checked++;
  }
  assert.ok(checked >= 5, `only ${checked} object names found in the guide's commands`);
});

test('the Traffic Flows links encode the filters as the page does', () => {
  const links = [...guide.matchAll(/\/traffic-flows\?(\S+)/g)].map((m) => new URLSearchParams(m[1]!));
  assert.ok(links.length >= 1);
  assert.equal(links[0]!.get('filters'), 'interfaces=net1');
  assert.ok(
    guide.includes(`/traffic-flows?${new URLSearchParams({ filters: 'interfaces=net1' }).toString()}`),
  );
  for (const l of links) assert.match(l.get('filters') ?? '', /^interfaces=net1(;namespace=sriov-test)?$/);
});

/** The guide's shell blocks, with the line each starts on (the fence's line) and its text. */
function shellBlocks(): Array<{ line: number; text: string }> {
  const blocks: Array<{ line: number; text: string }> = [];
  const lines = guide.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```sh$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    for (i++; !/^ *```$/.test(lines[i]!); i++) body.push(lines[i]!.slice(open[1]!.length));
    blocks.push({ line: i - body.length, text: body.join('\n') });
  }
  return blocks;
}

/** The build table of web/webpack.config.mjs (plain JavaScript: typed where it is read). */
const CONSOLE_LINES_MODULE: string = '../web/tools/console-lines.mjs';

const clusterOnly = (text: string) => /^# cluster-only\b/.test(text);

test('every shell block either runs here (and succeeds) or is marked cluster-only', () => {
  const blocks = shellBlocks();
  assert.ok(blocks.length >= 20, `only ${blocks.length} shell blocks found`);
  let ran = 0;
  for (const { line, text } of blocks.filter((b) => !clusterOnly(b.text))) {
    assert.doesNotMatch(
      text,
      /(^|\s)(oc|podman|curl)\s/m,
      `line ${line}: needs a cluster, mark it # cluster-only`,
    );
    // one command per logical line, each on its own, so `! cmd` (must fail) is checked as well
    for (const command of text
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))) {
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd: REPO_ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, `docs/install-openshift.md:${line}: ${command}\n${r.stderr}`);
      ran++;
    }
  }
  assert.ok(ran >= 6, `only ${ran} commands ran`);
});

test('the guide tests permissions with SubjectAccessReviews the gateway asks, allowed by the overlay roles', () => {
  for (const { line, text } of shellBlocks())
    assert.doesNotMatch(text, /oc auth can-i \w+ network\.loki\.grafana\.com/, `line ${line}`);
  const reviews = [...guide.matchAll(/<<'EOF'\n([\s\S]*?)\nEOF/g)]
    .map((m) => parseDocument(m[1]!).toJS() as { kind: string; spec: Record<string, unknown> })
    .filter((d) => d.kind === 'SubjectAccessReview');
  assert.equal(reviews.length, 2);
  const roles = render('overlays/openshift').filter((o) => o.kind === 'ClusterRole');
  for (const review of reviews) {
    new SubjectAccessReview(review as ConstructorParameters<typeof SubjectAccessReview>[0]).validate();
    const attrs = review.spec.resourceAttributes as Record<string, string>;
    assert.deepEqual(
      { group: attrs.group, resource: attrs.resource, name: attrs.name },
      { group: 'loki.grafana.com', resource: 'network', name: 'logs' },
    );
    const granted = roles.some((role) =>
      ((role.rules as Array<Record<string, string[]>>) ?? []).some(
        (r) =>
          r.apiGroups?.includes(attrs.group!) &&
          r.resources?.includes(attrs.resource!) &&
          r.resourceNames?.includes(attrs.name!) &&
          r.verbs?.includes(attrs.verb!),
      ),
    );
    assert.ok(granted, `no ClusterRole of the overlay grants ${attrs.verb} on network/logs`);
  }
});

test('the console lines in the guide are the builds the plugin is made as, chosen by plugin-build-for.sh', async () => {
  const { CONSOLE_LINES } = (await import(CONSOLE_LINES_MODULE)) as {
    CONSOLE_LINES: Array<{ line: string; pluginAPI: string; basePath: string; outDir: string }>;
  };
  const rows = [...guide.matchAll(/^ *\| (4\.\d+[^|]*?) \| [^|]+ \| `([^`]+)` \| `([^`]+)` \|$/gm)].map(
    (m) => ({
      versions: m[1]!,
      range: m[2]!,
      basePath: m[3]!,
    }),
  );
  assert.deepEqual(
    rows.map((r) => [r.range, r.basePath]),
    CONSOLE_LINES.map((l) => [l.pluginAPI, l.basePath]),
  );
  // the checked-in manifest is the build at / (consoles 4.22+)
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'plugin-manifest.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  assert.equal(
    manifest.dependencies['@console/pluginAPI'],
    CONSOLE_LINES.find((l) => l.basePath === '/')!.pluginAPI,
  );
  for (const version of [
    '4.19.0',
    '4.20.8',
    '4.21.14',
    '4.22.0-0.nightly-2026-05-01-000000',
    '4.22.3',
    '4.23.0',
  ]) {
    const r = spawnSync(join(REPO_ROOT, 'deploy/plugin-build-for.sh'), [version], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${version}: ${r.stderr}`);
    const line = CONSOLE_LINES.find((l) => l.basePath === r.stdout.trim());
    assert.ok(line, `${version}: basePath ${r.stdout}`);
    assert.ok(
      semver.satisfies(version, line.pluginAPI, { includePrerelease: true }),
      `${version} vs ${line.pluginAPI}`,
    );
    for (const other of CONSOLE_LINES.filter((l) => l !== line))
      assert.ok(
        !semver.satisfies(version, other.pluginAPI, { includePrerelease: true }),
        `${version} in two lines`,
      );
  }
  for (const version of ['4.18.9', '4.14.0']) {
    const r = spawnSync(join(REPO_ROOT, 'deploy/plugin-build-for.sh'), [version], { encoding: 'utf8' });
    assert.equal(r.status, 1, version);
    assert.match(r.stderr, /older than 4\.19/);
  }
  assert.match(guide, /OpenShift 4\.19 or later/);
});

test("the LokiStack size and the agent metrics port the guide names are the manifests'", () => {
  const lokistack = find(render('overlays/openshift'), 'LokiStack', 'loki') as unknown as {
    spec: { size: string };
  };
  assert.equal(lokistack.spec.size, '1x.demo');
  assert.match(guide, /`1x\.extra-small` \| 100 GB\/day \| 14 vCPU \| 31 GiB/);
  const ds = find(render('base'), 'DaemonSet', 'interflow-agent') as unknown as {
    spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } };
  };
  // The agent declares no container port (host network: it would become a host port).
  const port = Number(
    ds.spec.template.spec.containers[0]!.env.find((e) => e.name === 'INTERFLOW_AGENT_METRICS_PORT')?.value,
  );
  assert.equal(port, 9437);
  assert.match(guide, new RegExp(`port-forward [^\\n]* ${port} &`));
  assert.match(guide, new RegExp(`localhost:${port}/metrics`));
});
