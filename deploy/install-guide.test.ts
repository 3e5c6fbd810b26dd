// docs/install-openshift.md: what it tells an admin to type must match deploy/ (paths, object
// names, the Traffic Flows URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUSTOMIZATIONS, REPO_ROOT, render } from './test-support/render.ts';

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

test('the OpenShift version the guide requires is the console version the plugin declares', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'plugin-manifest.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const declared = /^>=\s*(\d+\.\d+)/.exec(manifest.dependencies?.['@console/pluginAPI'] ?? '')?.[1];
  assert.ok(declared, 'plugin-manifest.json declares no @console/pluginAPI minimum');
  assert.match(guide, new RegExp(`OpenShift ${declared.replace('.', '\\.')} or later`));
});
