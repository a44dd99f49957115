import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryObject, inventoryOf, readInventory, sameInventory, isInventory } from '../../src/sync/inventory.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { startTestCluster, cm, src } from './emulator-cluster.ts';
import { syncApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';

const objs: KubeObject[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'tools' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker', namespace: 'shop' } },
];

test('inventory round-trips through its ConfigMap, sorted and deduplicated', () => {
  const inv = inventoryOf(objs);
  assert.deepEqual(inv, {
    kinds: [{ group: 'apps', version: 'v1', kind: 'Deployment' }, { group: 'example.com', version: 'v1', kind: 'Widget' }, { group: '', version: 'v1', kind: 'Namespace' }],
    namespaces: ['shop', 'tools'],
  });
  const cmObj = inventoryObject('shop', 'shop', inv);
  assert.equal(cmObj.metadata.name, 'driftguard-inventory-shop');
  assert.deepEqual(cmObj.data, { kinds: 'apps/v1 Deployment\nexample.com/v1 Widget\nv1 Namespace', namespaces: 'shop\ntools' });
  assert.ok(isInventory(cmObj));
  assert.deepEqual(readInventory(cmObj), inv);
  assert.ok(sameInventory(readInventory(cmObj), inventoryOf([...objs].reverse())));
});

for (const [name, a, b, same] of [
  ['no stored inventory', undefined, inventoryOf(objs), false],
  ['a kind more', inventoryOf(objs.slice(0, 2)), inventoryOf(objs), false],
  ['a namespace more', inventoryOf(objs.slice(0, 2)), inventoryOf([...objs.slice(0, 2), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'other' } }]), false],
  ['same sets', inventoryOf(objs), inventoryOf(objs), true],
] as const) {
  test(`sameInventory: ${name} -> ${same}`, () => assert.equal(sameInventory(a, b), same));
}

test('readInventory ignores a ConfigMap that is not an inventory, and junk lines', () => {
  assert.equal(readInventory({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'driftguard-inventory-x' }, data: { kinds: 'v1 ConfigMap' } }), undefined);
  const o = inventoryObject('x', 'default', { kinds: [], namespaces: [] });
  o.data = { kinds: 'v1 ConfigMap\n\n  garbage\napps/v1 Deployment  \n' };
  assert.deepEqual(readInventory(o), { kinds: [{ group: '', version: 'v1', kind: 'ConfigMap' }, { group: 'apps', version: 'v1', kind: 'Deployment' }], namespaces: [] });
});

test('cluster-wide list refused (403): one clear error naming --namespaced', async () => {
  const t = await startTestCluster();
  try {
    t.emu.faults.add({ verb: 'list', resource: 'configmaps', status: 403 });
    await assert.rejects(
      syncApp({ cluster: t.cluster, app: 'shop', desired: src([cm('a', 'default')]), prune: false, dryRun: false, timeoutMs: 5_000 }),
      (e: unknown) => isDriftguardError(e) && /not allowed to list\/watch the app's objects cluster-wide: 403 .*use --namespaced/.test(e.message),
    );
    assert.equal(t.emu.counters.writes(), 0);
  } finally {
    await t.close();
  }
});
