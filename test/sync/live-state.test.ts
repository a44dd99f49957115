// Live state, inventory, namespace-restricted mode and dry-run prunes of the sync engine, against the
// Kubernetes API emulator over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { Cluster, loadKubeConfig } from '../../src/kube/cluster.ts';
import { withOwnership } from '../../src/core/ownership.ts';
import { inventoryName, readInventory } from '../../src/sync/inventory.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { cm, deploy, ns, sa, src, startTestCluster, svc, type TestCluster } from './emulator-cluster.ts';

/** A second client, as a new CLI run or a restarted worker would be: no warm informers. */
function freshCluster(t: TestCluster): Cluster {
  return new Cluster('fresh', loadKubeConfig({ kubeconfig: t.kubeconfig }), { backoff: { retries: 6, baseMs: 10, maxMs: 300 } });
}

const widgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};
const widget = (name: string, namespace: string): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace }, spec: { size: 1 } });

test('inventory: a custom-resource kind removed from git is pruned by a later sync from a fresh client', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 5 } });
  const fresh: Cluster[] = [];
  try {
    // The CRD belongs to another app (a platform team's); ours only uses the kind.
    const p = await syncApp({ cluster: t.cluster, app: 'platform', desired: src([widgetCrd]), prune: false, dryRun: false, timeoutMs: 10_000 });
    assert.equal(p.phase, 'Succeeded', p.message);
    const v1 = [ns('shop'), cm('settings', 'shop'), sa('api', 'shop'), widget('w1', 'shop'), widget('w2', 'shop')];
    const r1 = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: src(v1), prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(r1.phase, 'Succeeded', r1.message);
    const inv = readInventory(t.emu.getObject('v1', 'ConfigMap', 'shop', inventoryName('shop')));
    assert.deepEqual(inv, {
      kinds: [{ group: 'example.com', version: 'v1', kind: 'Widget' }, { group: '', version: 'v1', kind: 'ConfigMap' }, { group: '', version: 'v1', kind: 'Namespace' }, { group: '', version: 'v1', kind: 'ServiceAccount' }],
      namespaces: ['shop'],
    });

    // Unchanged app: the inventory is not rewritten (zero writes).
    t.emu.counters.reset();
    const same = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: src(v1), prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(same.counts.unchanged, 5);
    assert.equal(t.emu.counters.writes(), 0, JSON.stringify(t.emu.counters.snapshot()));

    // Git drops every Widget. A fresh client only learns of the kind from the inventory.
    const c2 = freshCluster(t);
    fresh.push(c2);
    const r2 = await syncApp({ cluster: c2, app: 'shop', namespace: 'shop', desired: src(v1.slice(0, 3)), prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(r2.phase, 'Succeeded', r2.message);
    assert.deepEqual(r2.resources.filter((x) => x.outcome === 'pruned').map((x) => `${x.kind}/${x.name}`).sort(), ['Widget/w1', 'Widget/w2']);
    assert.equal(t.emu.getObject('example.com/v1', 'Widget', 'shop', 'w1'), undefined);
    assert.ok(!readInventory(t.emu.getObject('v1', 'ConfigMap', 'shop', inventoryName('shop')))!.kinds.some((k) => k.kind === 'Widget'), 'kind dropped once nothing of it is left');
    // The inventory itself is never one of the app's resources.
    assert.ok(!r2.resources.some((x) => x.name === inventoryName('shop')));
  } finally {
    for (const c of fresh) await c.close();
    await t.close();
  }
});

test('new objects: nothing read in a namespace created by the sync; one LIST for many objects of a kind in an existing one', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 5 } });
  try {
    const many = Array.from({ length: 12 }, (_, i) => cm(`c${i}`, 'fresh-ns'));
    t.emu.counters.reset();
    const r = await syncApp({ cluster: t.cluster, app: 'bulk', desired: src([ns('fresh-ns'), ...many]), prune: false, dryRun: false, timeoutMs: 10_000 });
    assert.equal(r.phase, 'Succeeded', r.message);
    assert.equal(t.emu.counters.get('get', 'configmaps'), 0);
    assert.equal(t.emu.counters.get('list', 'configmaps'), 1, 'only the owned-ConfigMap informer lists');

    // Pre-existing objects in "default": one unowned, one labelled for another app, the rest absent.
    t.emu.putObject({ ...cm('c0', 'default', { old: 'yes' }) });
    t.emu.putObject(withOwnership(cm('c1', 'default', { billing: 'yes' }), 'billing'));
    const c2 = freshCluster(t);
    try {
      t.emu.counters.reset();
      const desired = Array.from({ length: 12 }, (_, i) => cm(`c${i}`, 'default'));
      const r2 = await syncApp({ cluster: c2, app: 'bulk2', desired: src(desired), prune: false, dryRun: false, timeoutMs: 10_000 });
      assert.equal(r2.phase, 'Succeeded', r2.message);
      assert.equal(t.emu.counters.get('get', 'configmaps'), 0);
      assert.equal(t.emu.counters.get('list', 'configmaps'), 2, 'informer + one unfiltered LIST in default');
      const by = Object.fromEntries(r2.resources.map((x) => [x.name, x]));
      assert.equal(by.c0.action, 'update');
      assert.equal(by.c1.action, 'update');
      assert.match(by.c1.message ?? '', /labelled for app "billing"; this sync takes it over/);
      assert.equal(by.c5.action, 'create');
      // Server-side apply: our field is set, the field nobody manages stays (as on a real cluster).
      assert.deepEqual(t.emu.getObject('v1', 'ConfigMap', 'default', 'c1')?.data, { billing: 'yes', k: 'v' });
      assert.equal(t.emu.getObject('v1', 'ConfigMap', 'default', 'c1')?.metadata.labels?.['driftguard.dev/app'], 'bulk2');
    } finally {
      await c2.close();
    }
  } finally {
    await t.close();
  }
});

test('namespace-restricted mode: lists and watches only inside the namespace, refuses cluster-scoped objects, still prunes', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 5 } });
  try {
    t.emu.putObject(ns('team-a'));
    const paths: string[] = [];
    t.cluster.http.onRequest = (method, url) => { if (method === 'GET') paths.push(url); };
    const allowed = ['team-a'];
    const app = [cm('settings', 'team-a'), svc('api', 'team-a'), deploy('api', 'team-a', 'nginx:1.27', 1), cm('old', 'team-a')];
    const r = await syncApp({ cluster: t.cluster, app: 'team', namespace: 'team-a', desired: src(app), prune: true, dryRun: false, timeoutMs: 10_000, allowedNamespaces: allowed });
    assert.equal(r.phase, 'Succeeded', r.message);
    assert.equal(r.health, 'Healthy');
    const reads = paths.filter((p) => p.includes('labelSelector=') || p.includes('watch='));
    assert.ok(reads.length >= 6, `lists and watches seen: ${reads.join('\n')}`);
    for (const p of reads) assert.match(p, /\/namespaces\/team-a\//, p);
    assert.ok(!paths.some((p) => /\/api\/v1\/namespaces\/team-a(\?|$)/.test(p)), 'never reads the Namespace object');

    // Prune in the same mode, from a fresh client (inventory in team-a).
    const c2 = freshCluster(t);
    try {
      const seen: string[] = [];
      c2.http.onRequest = (method, url) => { if (method === 'GET' && (url.includes('labelSelector=') || url.includes('watch='))) seen.push(url); };
      const r2 = await syncApp({ cluster: c2, app: 'team', namespace: 'team-a', desired: src(app.slice(0, 3)), prune: true, dryRun: false, timeoutMs: 10_000, allowedNamespaces: allowed });
      assert.deepEqual(r2.resources.filter((x) => x.outcome === 'pruned').map((x) => x.name), ['old']);
      for (const p of seen) assert.match(p, /\/namespaces\/team-a\//, p);
    } finally {
      await c2.close();
    }

    // Cluster-scoped or other-namespace objects fail preflight; nothing is written.
    t.emu.counters.reset();
    const bad = await syncApp({ cluster: t.cluster, app: 'team', namespace: 'team-a', desired: src([...app.slice(0, 3), ns('team-b'), cm('x', 'team-b')]), prune: false, dryRun: false, timeoutMs: 10_000, allowedNamespaces: allowed });
    assert.equal(bad.phase, 'Failed');
    const by = Object.fromEntries(bad.resources.map((x) => [`${x.kind}/${x.name}`, x]));
    assert.match(by['Namespace/team-b'].message ?? '', /cluster-scoped, but access is restricted to namespace\(s\) team-a/);
    assert.match(by['ConfigMap/x'].message ?? '', /outside the namespace\(s\) this sync may write to \(team-a\)/);
    assert.equal(t.emu.counters.writes(), 0);

    // The first client learns of the prune from its watch (eventually): wait for the DELETED event.
    const cache = t.cluster.cacheFor('team');
    await new Promise<void>((resolve) => {
      const gone = () => !cache.get({ group: '', version: 'v1', kind: 'ConfigMap' }, 'team-a', 'old');
      if (gone()) return resolve();
      const off = cache.on(() => { if (gone()) { off(); resolve(); } });
    });
    const d = await diffApp({ cluster: t.cluster, app: 'team', namespace: 'team-a', desired: src(app.slice(0, 3)), allowedNamespaces: allowed });
    assert.deepEqual(d.errors, []);
    assert.equal(d.summary.create + d.summary.update + d.summary.delete, 0, d.resources.filter((x) => x.modified).map((x) => x.diff).join('\n'));
  } finally {
    await t.close();
  }
});

test('dry run: prunes are sent as server-side dry-run deletes and nothing is deleted', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 5 } });
  try {
    const full = [ns('shop'), cm('settings', 'shop'), cm('old-1', 'shop'), sa('api', 'shop'), svc('api', 'shop')];
    const r = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: src(full), prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(r.phase, 'Succeeded', r.message);
    t.emu.counters.reset();
    const dry = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: src(full.filter((o) => o.metadata.name !== 'old-1')), prune: true, dryRun: true, timeoutMs: 10_000 });
    assert.equal(dry.phase, 'Succeeded', dry.message);
    const pr = dry.resources.find((x) => x.name === 'old-1')!;
    assert.equal(pr.outcome, 'pruned');
    assert.equal(pr.message, 'dry run: the server accepted the delete');
    assert.equal(t.emu.counters.get('delete', 'configmaps'), 1, 'the delete went to the server');
    assert.ok(t.emu.getObject('v1', 'ConfigMap', 'shop', 'old-1'), 'still there');
    assert.equal(t.emu.counters.get('patch', 'configmaps'), 0, 'no inventory write in a dry run');

    // A server that refuses the delete: reported per resource.
    t.emu.faults.add({ verb: 'delete', resource: 'configmaps', status: 500 });
    const refused = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: src(full.filter((o) => o.metadata.name !== 'old-1')), prune: true, dryRun: true, timeoutMs: 10_000 });
    const f = refused.resources.find((x) => x.name === 'old-1')!;
    assert.equal(f.outcome, 'failed');
    assert.match(f.message ?? '', /dry run: the server rejected the delete: 500/);
  } finally {
    await t.close();
  }
});

test('dry run of a new app: objects in a namespace the sync creates are not sent (the server would answer 404)', async () => {
  const t = await startTestCluster();
  try {
    t.emu.counters.reset();
    const r = await syncApp({ cluster: t.cluster, app: 'shop', desired: src([ns('shop'), cm('settings', 'shop'), svc('api', 'shop')]), prune: true, dryRun: true, timeoutMs: 10_000 });
    assert.equal(r.phase, 'Succeeded', JSON.stringify(r.resources));
    assert.deepEqual(r.resources.map((x) => `${x.kind}: ${x.message}`), [
      'Namespace: dry run: accepted by the server',
      'ConfigMap: dry run: its namespace "shop" is created by this sync, so the server cannot validate it yet',
      'Service: dry run: its namespace "shop" is created by this sync, so the server cannot validate it yet',
    ]);
    assert.equal(t.emu.counters.get('patch', 'namespaces'), 1);
    assert.equal(t.emu.getObject('v1', 'Namespace', undefined, 'shop'), undefined);
  } finally {
    await t.close();
  }
});

test('a pruned object does not come back into the cache from its late "being deleted" watch event', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 5 } });
  try {
    const full = [ns('shop'), cm('settings', 'shop'), cm('old', 'shop'), sa('api', 'shop')];
    const without = src(full.filter((o) => o.metadata.name !== 'old'));
    await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: src(full), prune: true, dryRun: false, timeoutMs: 10_000 });
    const cache = t.cluster.cacheFor('shop');
    const nextEvent = (name: string) => new Promise<void>((resolve) => { const off = cache.on((_, o) => { if (o.metadata.name === name) { off(); resolve(); } }); });
    // A finalizer keeps it terminating, so the "deletionTimestamp set" event is all that arrives.
    const live = t.emu.getObject('v1', 'ConfigMap', 'shop', 'old')!;
    const held = nextEvent('old');
    t.emu.putObject({ ...live, metadata: { ...live.metadata, finalizers: ['example.com/hold'] } });
    await held;
    const r = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: without, prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(r.counts.pruned, 1, r.message);
    assert.ok(t.emu.getObject('v1', 'ConfigMap', 'shop', 'old')?.metadata.deletionTimestamp, 'terminating on the server');
    // Events of one watch arrive in order: once a later change to another ConfigMap is seen, so was that one.
    const marker = nextEvent('settings');
    const s2 = t.emu.getObject('v1', 'ConfigMap', 'shop', 'settings')!;
    t.emu.putObject({ ...s2, metadata: { ...s2.metadata, annotations: { ...s2.metadata.annotations, touched: 'yes' } } });
    await marker;
    assert.equal(cache.get({ group: '', version: 'v1', kind: 'ConfigMap' }, 'shop', 'old'), undefined);
    const again = await syncApp({ cluster: t.cluster, app: 'shop', namespace: 'shop', desired: without, prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(again.counts.pruned, 0, 'not pruned twice');
  } finally {
    await t.close();
  }
});
