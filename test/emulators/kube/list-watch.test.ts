// Lists (selectors, pagination), watches (events, bookmarks, 410 Gone) and server-side tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, deployment, watch, withEmulator } from './helpers.ts';

const CMS = '/api/v1/namespaces/shop/configmaps';
const cm = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: name } });

test('label and field selectors filter lists', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    await createNamespace(e, 'other');
    const objs: Array<[string, Record<string, string>]> = [
      ['a', { app: 'web', tier: 'front' }], ['b', { app: 'web', tier: 'back' }], ['c', { app: 'db' }], ['d', {}],
    ];
    for (const [n, l] of objs) await call(e, 'POST', CMS, cm(n, l));
    await call(e, 'POST', '/api/v1/namespaces/other/configmaps', cm('a', { app: 'web' }));
    const cases: Array<[string, string[]]> = [
      ['labelSelector=app%3Dweb', ['a', 'b']],
      ['labelSelector=app%3D%3Dweb', ['a', 'b']],
      ['labelSelector=app!%3Dweb', ['c', 'd']],
      ['labelSelector=tier', ['a', 'b']],
      ['labelSelector=!tier', ['c', 'd']],
      ['labelSelector=app%20in%20(web,db)', ['a', 'b', 'c']],
      ['labelSelector=app%20notin%20(web)', ['c', 'd']],
      ['labelSelector=app%3Dweb,tier%3Dback', ['b']],
      ['fieldSelector=metadata.name%3Dc', ['c']],
      ['fieldSelector=metadata.name!%3Dc', ['a', 'b', 'd']],
      ['fieldSelector=metadata.namespace%3Dshop&labelSelector=app%3Ddb', ['c']],
    ];
    for (const [q, want] of cases) {
      const r = await call(e, 'GET', `${CMS}?${q}`);
      assert.equal(r.status, 200, q);
      assert.equal(r.body.kind, 'ConfigMapList');
      assert.deepEqual(r.body.items.map((i: any) => i.metadata.name), want, q);
    }
    const all = await call(e, 'GET', '/api/v1/configmaps?labelSelector=app%3Dweb');
    assert.deepEqual(all.body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`), ['other/a', 'shop/a', 'shop/b']);
    const bad = await call(e, 'GET', `${CMS}?fieldSelector=spec.foo%3Dbar`);
    assert.equal(bad.status, 400);
    const missingNs = await call(e, 'GET', '/api/v1/namespaces/ghost/configmaps');
    assert.equal(missingNs.status, 200, 'listing in a missing namespace is an empty list');
    assert.deepEqual(missingNs.body.items, []);
  });
});

test('limit and continue page through a list', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    for (let i = 0; i < 7; i++) await call(e, 'POST', CMS, cm(`c${i}`, {}));
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await call(e, 'GET', `${CMS}?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200);
      assert.ok(r.body.metadata.resourceVersion);
      seen.push(...r.body.items.map((i: any) => i.metadata.name));
      cont = r.body.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });
});

test('watch streams ADDED/MODIFIED/DELETED from a resourceVersion, with bookmarks', async () => {
  await withEmulator({ controllers: false, bookmarkIntervalMs: 20 }, async (e) => {
    await createNamespace(e, 'shop');
    const first = await call(e, 'POST', CMS, cm('a', { app: 'web' }));
    const rv = first.body.metadata.resourceVersion;
    const events = await watch(e, `${CMS}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&labelSelector=app%3Dweb`,
      (evs) => evs.some((x) => x.type === 'DELETED') && evs.some((x) => x.type === 'BOOKMARK'),
      async () => {
        await call(e, 'POST', CMS, cm('b', { app: 'web' }));
        await call(e, 'POST', CMS, cm('ignored', { app: 'db' }));
        await call(e, 'PATCH', `${CMS}/a`, { data: { k: 'changed' } }, { 'Content-Type': 'application/merge-patch+json' });
        await call(e, 'DELETE', `${CMS}/b`);
      });
    const changes = events.filter((x) => x.type !== 'BOOKMARK').map((x) => `${x.type} ${x.object.metadata.name}`);
    assert.deepEqual(changes, ['ADDED b', 'MODIFIED a', 'DELETED b']);
    const bm = events.find((x) => x.type === 'BOOKMARK');
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.ok(Number(bm.object.metadata.resourceVersion) >= Number(rv));
    const rvs = events.filter((x) => x.type !== 'BOOKMARK').map((x) => Number(x.object.metadata.resourceVersion));
    assert.deepEqual(rvs, [...rvs].sort((x, y) => x - y), 'events arrive in resourceVersion order');

    // Without a resourceVersion, a watch starts with the current state as ADDED events.
    const initial = await watch(e, `${CMS}?watch=true&labelSelector=app%3Dweb`, (evs) => evs.length >= 1);
    assert.deepEqual(initial.map((x) => `${x.type} ${x.object.metadata.name}`), ['ADDED a']);
  });
});

test('objects entering or leaving a label-selected watch arrive as ADDED and DELETED', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const start = await call(e, 'POST', CMS, cm('a', { owner: 'driftguard' }));
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    const events = await watch(e, `${CMS}?watch=true&resourceVersion=${start.body.metadata.resourceVersion}&labelSelector=owner%3Ddriftguard`,
      (evs) => evs.length >= 3,
      async () => {
        await call(e, 'PATCH', `${CMS}/a`, { metadata: { labels: { owner: null } } }, merge);
        await call(e, 'PATCH', `${CMS}/a`, { data: { x: 'unseen' } }, merge);
        await call(e, 'PATCH', `${CMS}/a`, { metadata: { labels: { owner: 'driftguard' } } }, merge);
        await call(e, 'PATCH', `${CMS}/a`, { data: { x: 'seen' } }, merge);
      });
    assert.deepEqual(events.map((x) => `${x.type} ${x.object.data?.x ?? '-'}`), ['DELETED -', 'ADDED unseen', 'MODIFIED seen']);
  });
});

test('a watch from a compacted resourceVersion gets an ERROR event with 410 Expired', async () => {
  await withEmulator({ controllers: false, historyLimit: 5 }, async (e) => {
    await createNamespace(e, 'shop');
    const first = await call(e, 'POST', CMS, cm('a', {}));
    for (let i = 0; i < 10; i++) await call(e, 'PATCH', `${CMS}/a`, { data: { n: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
    const events = await watch(e, `${CMS}?watch=true&resourceVersion=${first.body.metadata.resourceVersion}`, (evs) => evs.length >= 1);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'ERROR');
    assert.deepEqual({ kind: events[0].object.kind, code: events[0].object.code, reason: events[0].object.reason },
      { kind: 'Status', code: 410, reason: 'Expired' });
    assert.match(events[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
    // A recent resourceVersion still works.
    const recent = (await call(e, 'GET', CMS)).body.metadata.resourceVersion;
    const ok = await watch(e, `${CMS}?watch=true&resourceVersion=${recent}`, (evs) => evs.length >= 1,
      async () => { await call(e, 'POST', CMS, cm('b', {})); });
    assert.equal(ok[0].type, 'ADDED');
  });
});

test('tables for kubectl get: columns per kind, PartialObjectMetadata rows', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    await call(e, 'POST', '/apis/apps/v1/namespaces/shop/deployments', deployment('web'));
    await call(e, 'POST', '/api/v1/namespaces/shop/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    await e.settle();
    e.tick();
    await e.settle();
    const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' };
    const cases: Array<{ path: string; columns: string[]; row: unknown[] }> = [
      { path: '/apis/apps/v1/namespaces/shop/deployments', columns: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'], row: ['web', '2/2', 2, 2] },
      { path: '/api/v1/namespaces/shop/services/web', columns: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'], row: ['web', 'ClusterIP'] },
      { path: '/api/v1/namespaces', columns: ['Name', 'Status', 'Age'], row: ['default', 'Active'] },
      { path: '/api/v1/namespaces/shop/serviceaccounts', columns: ['Name', 'Secrets', 'Age'], row: ['default', 0] },
      { path: '/apis/coordination.k8s.io/v1/namespaces/shop/leases', columns: ['Name', 'Age'], row: [] },
    ];
    for (const c of cases) {
      const r = await call(e, 'GET', c.path, undefined, accept);
      assert.equal(r.status, 200, c.path);
      assert.equal(r.body.kind, 'Table');
      assert.equal(r.body.apiVersion, 'meta.k8s.io/v1');
      assert.deepEqual(r.body.columnDefinitions.map((d: any) => d.name), c.columns, c.path);
      if (c.row.length) {
        assert.deepEqual(r.body.rows[0].cells.slice(0, c.row.length), c.row, c.path);
        assert.equal(r.body.rows[0].object.kind, 'PartialObjectMetadata');
      }
    }
  });
});
