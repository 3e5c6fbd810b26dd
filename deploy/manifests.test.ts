// deploy/: every kustomization renders with the real kubectl (old embedded kustomize on Debian's
// kubernetes-client included) and every rendered object validates against its kind's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KUSTOMIZATIONS,
  find,
  kubectlCommands,
  kubectlVersion,
  objectKey,
  render,
  type K8sObject,
} from './test-support/render.ts';
import { validateObject } from './test-support/validate.ts';

type Container = { name: string; env?: { name: string; value?: string }[] };
function containerOf(o: K8sObject, name: string): Container {
  const spec = (o.spec as { template: { spec: { containers: Container[] } } }).template.spec;
  const c = spec.containers.find((x) => x.name === name);
  assert.ok(c, `${objectKey(o)} has no container ${name}`);
  return c;
}
function envOf(c: Container, name: string): string | undefined {
  return c.env?.find((e) => e.name === name)?.value;
}

for (const kubectl of kubectlCommands()) {
  const version = kubectlVersion(kubectl);
  for (const name of KUSTOMIZATIONS) {
    test(`deploy/${name} renders with kubectl ${version}`, () => {
      const objects = render(name, kubectl);
      assert.ok(objects.length > 0, 'rendered nothing');
      const keys = objects.map(objectKey);
      assert.equal(new Set(keys).size, keys.length, `duplicate objects: ${keys.join(', ')}`);
      for (const o of objects) {
        assert.ok(
          o.apiVersion && o.kind && o.metadata?.name,
          `incomplete object ${JSON.stringify(o).slice(0, 200)}`,
        );
      }
    });
  }

  // Old kustomize ignores fields it does not know (`patches`, a directory under `resources`
  // fails, …): check the overlays' patches really landed.
  test(`overlay patches are applied by kubectl ${version}`, () => {
    const os = render('overlays/openshift', kubectl);
    const osAgent = containerOf(find(os, 'DaemonSet', 'interflow-agent'), 'agent');
    const osBackend = containerOf(find(os, 'Deployment', 'interflow-plugin'), 'backend');
    assert.match(
      envOf(osAgent, 'INTERFLOW_LOKI_URL') ?? '',
      /^https:\/\/loki-gateway-http\.interflow\.svc:8080\/api\/logs\/v1\/network$/,
    );
    assert.equal(envOf(osBackend, 'INTERFLOW_LOKI_AUTH'), 'forward');
    // the patch merges into the base env instead of replacing it
    assert.equal(envOf(osAgent, 'INTERFLOW_NETNS_DIRS'), '/var/run/netns');
    assert.equal(envOf(osBackend, 'INTERFLOW_PORT'), '9001');

    const dev = render('overlays/dev', kubectl);
    assert.equal(
      envOf(containerOf(find(dev, 'DaemonSet', 'interflow-agent'), 'agent'), 'INTERFLOW_LOKI_URL'),
      'http://interflow-loki.interflow.svc:3100',
    );
    const devBackend = containerOf(find(dev, 'Deployment', 'interflow-plugin'), 'backend');
    assert.equal(envOf(devBackend, 'INTERFLOW_LOKI_URL'), 'http://interflow-loki.interflow.svc:3100');
    assert.equal(envOf(devBackend, 'INTERFLOW_LOKI_AUTH'), 'disabled');
  });
}

// With INTERFLOW_KUBECTL naming several binaries (an old and a new kustomize).
const [firstKubectl, ...otherKubectls] = kubectlCommands();
if (otherKubectls.length)
  test('every kubectl renders the same objects', () => {
    const first = firstKubectl!;
    const others = otherKubectls;
    const sorted = (objs: K8sObject[]) => objs.sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
    for (const name of KUSTOMIZATIONS) {
      for (const other of others) {
        assert.deepEqual(
          sorted(render(name, other)),
          sorted(render(name, first)),
          `deploy/${name}: ${other} vs ${first}`,
        );
      }
    }
  });

for (const name of KUSTOMIZATIONS) {
  test(`deploy/${name}: every object validates against its kind's schema`, () => {
    const errors = render(name).flatMap(validateObject);
    assert.deepEqual(errors, []);
  });
}

// The validator must be able to fail, or the test above proves nothing.
test('the validator rejects a bad enum, a misspelt field, a bad CRD value and an unknown kind', () => {
  const os = render('overlays/openshift');

  const firstMount = (o: K8sObject): Record<string, unknown> =>
    (o.spec as { template: { spec: { containers: { volumeMounts: Record<string, unknown>[] }[] } } }).template
      .spec.containers[0]!.volumeMounts[0]!;

  const badEnum = find(os, 'DaemonSet', 'interflow-agent');
  firstMount(badEnum).mountPropagation = 'HostToContainr';
  assert.match(
    validateObject(badEnum).join('\n'),
    /mountPropagation must be equal to one of the allowed values/,
  );

  const misspelt = find(os, 'DaemonSet', 'interflow-agent');
  const mount = firstMount(misspelt);
  mount.mountPropogation = mount.mountPropagation;
  delete mount.mountPropagation;
  assert.match(
    validateObject(misspelt).join('\n'),
    /unknown field: .*volumeMounts\/0 must NOT have additional properties \(mountPropogation\)/,
  );

  const plugin = find(os, 'ConsolePlugin', 'interflow-plugin');
  (plugin.spec as { i18n: { loadType: string } }).i18n.loadType = 'Eager';
  assert.match(
    validateObject(plugin).join('\n'),
    /\/spec\/i18n\/loadType must be equal to one of the allowed values/,
  );

  const stack = find(os, 'LokiStack', 'loki');
  (stack.spec as { tenants: { mode: string } }).tenants.mode = 'openshift-networking';
  assert.match(validateObject(stack).join('\n'), /\/spec\/tenants\/mode/);

  const unknown: K8sObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
  assert.match(validateObject(unknown).join('\n'), /no schema for example\.com\/v1\/Widget/);
});
