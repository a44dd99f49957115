import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { KubeObject } from '../../../src/core/model/object.ts';
import { strategicMergePatch, jsonMergePatch, jsonPatch, MergeError } from '../../../emulators/kube/merge/index.ts';

const live = parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: front}
  finalizers: [a.io/one, b.io/two]
spec:
  replicas: 2
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
        args: [--port=8080, --verbose]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{containerPort: 8080, protocol: TCP}]
      - name: proxy
        image: envoy:1
      volumes:
      - name: cache
        emptyDir: {}
`) as KubeObject;

const at = (o: KubeObject, path: string): unknown => path.split('.').reduce<any>((v, k) => (v == null ? v : v[/^\d+$/.test(k) ? Number(k) : k]), o);

test('strategic merge patch', async (t) => {
  const cases: Array<{ name: string; patch: unknown; expect: Record<string, unknown> }> = [
    {
      name: 'containers merge by name: image change keeps the rest',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } },
      expect: { 'spec.template.spec.containers.0.image': 'web:2', 'spec.template.spec.containers.0.args': ['--port=8080', '--verbose'], 'spec.template.spec.containers.1.name': 'proxy' },
    },
    {
      // items the patch names come first (apimachinery normalizeElementOrder; kube-apiserver 1.36 agrees, differential.test.ts)
      name: 'a new container comes first',
      patch: { spec: { template: { spec: { containers: [{ name: 'log', image: 'fluent:1' }] } } } },
      expect: { 'spec.template.spec.containers.0.name': 'log', 'spec.template.spec.containers.length': 3 },
    },
    {
      name: '$patch: delete removes a list item by merge key',
      patch: { spec: { template: { spec: { containers: [{ name: 'proxy', $patch: 'delete' }] } } } },
      expect: { 'spec.template.spec.containers.length': 1, 'spec.template.spec.containers.0.name': 'web' },
    },
    {
      name: 'env merges by name, null deletes a field inside an item',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], args: null }] } } } },
      expect: { 'spec.template.spec.containers.0.env': [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }], 'spec.template.spec.containers.0.args': undefined },
    },
    {
      name: 'ports merge on containerPort',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090 }] }] } } } },
      expect: { 'spec.template.spec.containers.0.ports': [{ containerPort: 8080, protocol: 'TCP', name: 'http' }, { containerPort: 9090 }] },
    },
    {
      name: 'lists without merge key are replaced',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', args: ['--quiet'] }] } } } },
      expect: { 'spec.template.spec.containers.0.args': ['--quiet'] },
    },
    {
      name: 'null deletes a map key; maps merge',
      patch: { metadata: { labels: { tier: null, team: 'shop' } } },
      expect: { 'metadata.labels': { app: 'web', team: 'shop' } },
    },
    {
      name: '$patch: replace on a map replaces it',
      patch: { metadata: { labels: { $patch: 'replace', only: 'this' } } },
      expect: { 'metadata.labels': { only: 'this' } },
    },
    {
      name: '$retainKeys clears fields not listed (kubectl switching to Recreate)',
      patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      expect: { 'spec.strategy': { type: 'Recreate' } },
    },
    {
      name: 'finalizers (patchStrategy merge) union; $deleteFromPrimitiveList removes',
      patch: { metadata: { finalizers: ['c.io/three'], '$deleteFromPrimitiveList/finalizers': ['a.io/one'] } },
      expect: { 'metadata.finalizers': ['c.io/three', 'b.io/two'] },
    },
    {
      name: '$setElementOrder orders the merged list',
      patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'proxy' }, { name: 'web' }], containers: [{ name: 'web', image: 'web:3' }] } } } },
      expect: { 'spec.template.spec.containers.0.name': 'proxy', 'spec.template.spec.containers.1.image': 'web:3' },
    },
    {
      name: 'a {$patch: replace} item replaces the whole list',
      patch: { spec: { template: { spec: { volumes: [{ $patch: 'replace' }, { name: 'tmp', emptyDir: {} }] } } } },
      expect: { 'spec.template.spec.volumes': [{ name: 'tmp', emptyDir: {} }] },
    },
    {
      name: 'volumes merge by name',
      patch: { spec: { template: { spec: { volumes: [{ name: 'data', configMap: { name: 'cfg' } }] } } } },
      expect: { 'spec.template.spec.volumes.length': 2, 'spec.template.spec.volumes.0.configMap': { name: 'cfg' } },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const before = structuredClone(live);
      const out = strategicMergePatch(live, c.patch);
      for (const [path, want] of Object.entries(c.expect)) assert.deepEqual(at(out, path), want, path);
      assert.deepEqual(live, before, 'live object is not mutated');
      assert.equal(JSON.stringify(out).includes('$'), false, 'no directive leaks into the result');
    });
  }
});

test('Service ports merge on port', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } } as KubeObject;
  const out = strategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
  assert.deepEqual((out.spec as any).ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);
});

test('SMP errors are typed', () => {
  assert.throws(() => strategicMergePatch(live, [1]), (e: unknown) => e instanceof MergeError && e.status === 400);
  // kube-apiserver 1.36 answers an unknown directive with a 500 (differential.test.ts)
  assert.throws(() => strategicMergePatch(live, { metadata: { $patch: 'explode' } }), (e: unknown) => e instanceof MergeError && e.status === 500 && e.message === 'unknown patch type: explode in map: map[$patch:explode]');
});

test('JSON merge patch follows RFC 7386 (appendix A cases)', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) {
    assert.deepEqual(jsonMergePatch(target as KubeObject, patch), want, JSON.stringify(patch));
  }
  assert.throws(() => jsonMergePatch(live, 'x'), (e: unknown) => e instanceof MergeError && e.status === 400);
});

test('JSON patch: ops apply; failed test is 422; malformed patch is 400', () => {
  const out = jsonPatch(live, [
    { op: 'test', path: '/spec/replicas', value: 2 },
    { op: 'replace', path: '/spec/replicas', value: 5 },
    { op: 'add', path: '/metadata/labels/new', value: 'x' },
    { op: 'remove', path: '/spec/template/spec/containers/1' },
  ]);
  assert.equal((out.spec as any).replicas, 5);
  assert.equal(out.metadata.labels?.new, 'x');
  assert.equal((out.spec as any).template.spec.containers.length, 1);
  assert.equal((live.spec as any).replicas, 2, 'live not mutated');
  // kube-apiserver 1.36 gives no detail of the failed operation (differential.test.ts)
  assert.throws(() => jsonPatch(live, [{ op: 'test', path: '/spec/replicas', value: 3 }]), (e: unknown) => e instanceof MergeError && e.status === 422 && e.message === 'the server rejected our request due to an error in our request');
  assert.throws(() => jsonPatch(live, [{ op: 'remove', path: '/spec/nope/x' }]), (e: unknown) => e instanceof MergeError && e.status === 422);
  assert.throws(() => jsonPatch(live, { op: 'add' }), (e: unknown) => e instanceof MergeError && e.status === 400);
  assert.throws(() => jsonPatch(live, [{ op: 'frobnicate', path: '/x' }]), (e: unknown) => e instanceof MergeError && e.status === 400);
});
