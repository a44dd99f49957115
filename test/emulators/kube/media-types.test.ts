// Media types over real HTTP: custom resources refuse strategic merge patch (415, as the apiextensions
// handler does), protobuf bodies keep the decoder's status (400 malformed, 415 undecodable kind).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, createNamespace, withEmulator } from './helpers.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/protobuf');
const PB = { 'Content-Type': 'application/vnd.kubernetes.protobuf' };

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, subresources: { status: {} } }],
  },
};

test('custom resources take JSON, merge and apply patches but not strategic merge patch', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    assert.equal((await call(e, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    const W = '/apis/example.com/v1/namespaces/shop/widgets';
    assert.equal((await call(e, 'POST', W, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } })).status, 201);
    const cases: Array<[string, unknown, number]> = [
      ['application/strategic-merge-patch+json', { spec: { size: 2 } }, 415],
      ['application/merge-patch+json', { spec: { size: 3 } }, 200],
      ['application/json-patch+json', [{ op: 'replace', path: '/spec/size', value: 4 }], 200],
    ];
    for (const [ct, body, status] of cases) {
      const r = await call(e, 'PATCH', `${W}/w`, body, { 'Content-Type': ct });
      assert.equal(r.status, status, `${ct}: ${r.text}`);
    }
    const smp = await call(e, 'PATCH', `${W}/w`, { spec: { size: 2 } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(smp.body.reason, 'UnsupportedMediaType');
    assert.equal(smp.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    assert.equal((await call(e, 'GET', `${W}/w`)).body.spec.size, 4, 'the refused patch changed nothing');
    // Built-in kinds still take strategic merge patch, and list it as accepted.
    const cm = await call(e, 'POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    assert.equal(cm.status, 201);
    assert.equal((await call(e, 'PATCH', '/api/v1/namespaces/shop/configmaps/c', { data: { a: '1' } }, { 'Content-Type': 'application/strategic-merge-patch+json' })).status, 200);
    const bad = await call(e, 'PATCH', '/api/v1/namespaces/shop/configmaps/c', 'a: 1', { 'Content-Type': 'text/plain' });
    assert.equal(bad.status, 415);
    assert.match(bad.body.message, /application\/apply-patch\+yaml, application\/strategic-merge-patch\+json$/);
  });
});

test('protobuf bodies: kubectl autoscale creates an HPA; decoder errors keep 400 vs 415', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    const hpa = await call(e, 'POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', readFileSync(join(fixtures, 'autoscale.bin')), PB);
    assert.equal(hpa.status, 201, hpa.text);
    assert.deepEqual(hpa.body.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    const v1 = await call(e, 'POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', readFileSync(join(fixtures, 'autoscale-v1.bin')), PB);
    assert.equal(v1.status, 409, 'same name, already created through v2');
    const ns = readFileSync(join(fixtures, 'namespace.bin'));
    // An envelope naming a kind we have no table for: 415 (the client can retry with JSON).
    const widget = Buffer.from(ns);
    const kindAt = widget.indexOf(Buffer.from('Namespace'));
    Buffer.from('Nemespace').copy(widget, kindAt);
    const unknownKind = await call(e, 'POST', '/api/v1/namespaces', widget, PB);
    assert.equal(unknownKind.status, 415, unknownKind.text);
    assert.equal(unknownKind.body.reason, 'UnsupportedMediaType');
    const truncated = await call(e, 'POST', '/api/v1/namespaces', ns.subarray(0, ns.length - 3), PB);
    assert.equal(truncated.status, 400, truncated.text);
    assert.match(truncated.body.message, /^error decoding protobuf body: /);
  });
});
