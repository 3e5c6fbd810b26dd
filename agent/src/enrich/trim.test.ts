// Objects are trimmed before the informers cache them: the trimmed object must convert to
// exactly the same model as the full one, while the bulky fields are gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Node, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { node, pod, replicaSet, service } from '../../test/enrich-harness.ts';
import { controllerOwnerFromKube, nodeFromKube, podFromKube, serviceFromKube } from './kube-models.ts';
import { trimController, trimNode, trimPod, trimService } from './trim.ts';

type Json = Record<string, unknown>;

test('trimmed pods, nodes, services and ReplicaSets give the same models as the full objects', () => {
  const fullPod = pod({
    uid: 'uid-client-abc-1', // without a uid podFromKube gives undefined for both and proves nothing
    namespace: 'test',
    name: 'client-abc-1',
    ips: ['10.128.0.5', 'fd00::5'],
    owner: { kind: 'ReplicaSet', name: 'client-abc' },
    labels: { 'pod-template-hash': 'abc', app: 'client', 'team.example.com/owner': 'x'.repeat(50) },
    deleting: true,
    networkStatus: [
      {
        name: 'ovn-kubernetes',
        interface: 'eth0',
        ips: ['10.128.0.5'],
        mac: '0a:58:0a:80:00:05',
        default: true,
      },
      { name: 'test/sriov-test', interface: 'net1', ips: ['192.168.122.71'], mac: '02:11:22:33:44:71' },
    ],
  });
  (fullPod.metadata.annotations as Json)['kubectl.kubernetes.io/last-applied-configuration'] = 'y'.repeat(
    5000,
  );
  (fullPod.metadata as Json).managedFields = [{ manager: 'kubelet', fieldsV1: { big: 'z'.repeat(5000) } }];
  const trimmed = trimPod(fullPod);
  const fullModel = podFromKube(fullPod as V1Pod)?.model;
  assert.deepEqual(
    [fullModel?.uid, fullModel?.podTemplateHash, fullModel?.live, fullModel?.interfaces.map((i) => i.ifname)],
    ['uid-client-abc-1', 'abc', false, ['eth0', 'net1']],
    'the full pod converts to a model that uses the kept fields',
  );
  assert.deepEqual(podFromKube(trimmed as V1Pod), podFromKube(fullPod as V1Pod));
  assert.ok(JSON.stringify(trimmed).length < 1000, 'bulky fields dropped');
  assert.equal(JSON.stringify(trimmed).includes('last-applied'), false);

  const fullNode = node('worker-0', '192.0.2.10');
  (fullNode.status as Json).images = Array.from({ length: 100 }, (_, i) => ({
    names: [`registry/image-${i}@sha256:${'a'.repeat(64)}`],
    sizeBytes: i,
  }));
  assert.deepEqual(nodeFromKube(trimNode(fullNode) as V1Node), nodeFromKube(fullNode as V1Node));
  assert.ok(JSON.stringify(trimNode(fullNode)).length < 500);

  const svc = service('default', 'kubernetes', ['172.30.0.1', 'fd02::1']);
  assert.deepEqual(serviceFromKube(trimService(svc) as V1Service), serviceFromKube(svc as V1Service));

  const rs = replicaSet('test', 'client-abc', { kind: 'Deployment', name: 'client' });
  assert.deepEqual(
    controllerOwnerFromKube(trimController(rs) as V1ReplicaSet, 'Deployment'),
    controllerOwnerFromKube(rs as V1ReplicaSet, 'Deployment'),
  );
  assert.equal((trimController(rs) as Json).spec, undefined);
  // The informer needs name, namespace, uid and resourceVersion to track objects and versions.
  const withVersion = { ...fullPod, metadata: { ...fullPod.metadata, uid: 'u-1', resourceVersion: '42' } };
  assert.deepEqual(
    [trimPod(withVersion).metadata].map((m) => {
      const md = m as Json;
      return [md.name, md.namespace, md.uid, md.resourceVersion];
    }),
    [['client-abc-1', 'test', 'u-1', '42']],
  );
});
