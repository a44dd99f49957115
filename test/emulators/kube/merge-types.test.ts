// Server-side apply typed by the emulator's own OpenAPI schemas: list types, keys and atomic maps come
// from x-kubernetes-list-type / list-map-keys / map-type (built-ins) or the CRD's structural schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/core/model/object.ts';
import { builtinResources, apiVersionOf } from '../../../emulators/kube/resources.ts';
import { FieldSet, builtinType, customResourceType, serverSideApply, type Type } from '../../../emulators/kube/merge/index.ts';

const T0 = '2024-05-02T10:00:00Z';
const T1 = '2024-05-02T10:05:00Z';

function at(t: Type, ...names: string[]): Type {
  let cur = t;
  for (const n of names) {
    if (n === '*') { assert.equal(cur.t, 'list', `list before ${n}`); cur = (cur as Extract<Type, { t: 'list' }>).elem; continue; }
    assert.equal(cur.t, 'map', `map before ${n}`);
    const m = cur as Extract<Type, { t: 'map' }>;
    cur = m.field(n) ?? m.elem;
  }
  return cur;
}

test('every built-in kind the emulator serves has a schema type', () => {
  for (const r of builtinResources()) {
    if (r.review) continue;
    for (const v of r.versions) assert.equal(builtinType(apiVersionOf(r.group, v), r.kind).t, 'map', `${r.kind} ${v}`);
  }
});

test('list and map types are read from the schemas', () => {
  const dep = builtinType('apps/v1', 'Deployment');
  const pod = ['spec', 'template', 'spec'];
  const cases: Array<[string[], Partial<Record<'t' | 'rel' | 'atomic', unknown>> & { keys?: string[] }]> = [
    [[...pod, 'containers'], { t: 'list', rel: 'map', keys: ['name'] }],
    [[...pod, 'containers', '*', 'ports'], { t: 'list', rel: 'map', keys: ['containerPort', 'protocol'] }],
    [[...pod, 'containers', '*', 'args'], { t: 'list', rel: 'atomic' }],
    [[...pod, 'tolerations'], { t: 'list', rel: 'atomic' }],
    [[...pod, 'nodeSelector'], { t: 'map', atomic: true }],
    [['spec', 'selector'], { t: 'map', atomic: true }],
    [['spec', 'template', 'metadata', 'labels'], { t: 'map', atomic: false }],
    [['metadata', 'finalizers'], { t: 'list', rel: 'set' }],
    [['metadata', 'ownerReferences'], { t: 'list', rel: 'map', keys: ['uid'] }],
    [['status', 'conditions'], { t: 'list', rel: 'map', keys: ['type'] }],
  ];
  for (const [path, want] of cases) {
    const got = at(dep, ...path) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${path.join('.')}: ${k}`);
  }
});

const deployment = (nodeSelector: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'a' },
  spec: { template: { spec: { nodeSelector, containers: [{ name: 'c', image: 'i' }] } } },
}) as unknown as KubeObject;

test('an atomic map (nodeSelector) is replaced whole and owned as one field', () => {
  const first = serverSideApply(undefined, deployment({ disktype: 'ssd' }), { manager: 'a', force: false, now: T0 });
  const path = ['f:spec', 'f:template', 'f:spec', 'f:nodeSelector'];
  const set = (o: KubeObject, m: string) => FieldSet.fromFieldsV1(o.metadata.managedFields!.find((e) => e.manager === m)?.fieldsV1);
  assert.equal(set(first, 'a').has(path), true);
  assert.equal(set(first, 'a').hasPrefix([...path, 'f:disktype']), false);
  assert.throws(() => serverSideApply(first, deployment({ zone: 'z' }), { manager: 'b', force: false, now: T1 }), /conflict with "a".*\.spec\.template\.spec\.nodeSelector/s);
  const second = serverSideApply(first, deployment({ zone: 'z' }), { manager: 'b', force: true, now: T1 });
  assert.deepEqual((second.spec as any).template.spec.nodeSelector, { zone: 'z' });
  assert.equal(set(second, 'a').has(path), false);
  assert.equal(set(second, 'b').has(path), true);
});

test('custom resources: list types from the CRD schema, lists without one are atomic', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          keyed: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'string' } } } },
          plain: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        },
      },
    },
  };
  const types = () => customResourceType(schema);
  const cr = (keyed: unknown[], plain: unknown[]) => ({ apiVersion: 'x.io/v1', kind: 'W', metadata: { name: 'w' }, spec: { keyed, plain } }) as unknown as KubeObject;
  const a = serverSideApply(undefined, cr([{ name: 'one', v: '1' }], [{ name: 'p1' }]), { manager: 'a', force: false, now: T0, types });
  const b = serverSideApply(a, cr([{ name: 'two', v: '2' }], [{ name: 'p2' }]), { manager: 'b', force: true, now: T1, types });
  assert.deepEqual((b.spec as any).keyed, [{ name: 'one', v: '1' }, { name: 'two', v: '2' }], 'map list: items of both managers');
  assert.deepEqual((b.spec as any).plain, [{ name: 'p2' }], 'atomic list: replaced');
  const fv = b.metadata.managedFields!.find((e) => e.manager === 'a')!.fieldsV1 as any;
  assert.deepEqual(Object.keys(fv['f:spec']['f:keyed']), ['k:{"name":"one"}']);
  assert.equal(fv['f:spec']['f:plain'], undefined);
});
