// The watch cache (src/kube/watch-cache.ts) and the health wait on both backends (emulator and the real
// kube-apiserver with the stand-in kubelet): once an app's informers are warm, an in-sync app is synced and
// diffed without a single read, a change made by another writer arrives by watch, and a rollout that never
// becomes ready ends the sync at its deadline naming the object. Requests are counted on the client side,
// which works the same on both backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { gvkOf } from '../../src/kube/discovery.ts';
import { forEachBackend, type TestCluster } from '../support/cluster-backend.ts';
import { cm, deploy, src, svc } from './emulator-cluster.ts';

/** Counts the product client's GETs (lists, watches, gets) next to the backend's write counter. */
function countReads(t: TestCluster): { reads: string[] } {
  const seen = { reads: [] as string[] };
  const prev = t.cluster.http.onRequest;
  t.cluster.http.onRequest = (method, url) => {
    prev?.(method, url);
    if (method === 'GET') seen.reads.push(url);
  };
  return seen;
}

forEachBackend((backend) => {
  test(`[${backend.name}] warm watch cache: an in-sync app is synced and diffed with zero reads; another writer's change arrives by watch`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const n = await t.namespace('cache');
      const app = n;
      const desired = src([cm('settings', n, { mode: 'a' }), svc('api', n), deploy('api', n, 'nginx:1.27', 1)]);
      const opts = { cluster: t.cluster, app, namespace: n, desired, prune: true, dryRun: false, timeoutMs: 60_000 };
      const first = await syncApp(opts);
      assert.equal(first.phase, 'Succeeded', first.message);
      assert.equal(first.health, 'Healthy');

      const seen = countReads(t);
      t.resetWrites();
      const again = await syncApp(opts);
      assert.equal(again.counts.unchanged, 3, again.message);
      assert.equal(again.health, 'Healthy');
      // Not even the preflight's check that the app's namespace exists reads anything: the cluster's one
      // namespace watch answers it.
      assert.deepEqual(seen.reads, [], 'a warm cache answers every read of the app, its namespace included');
      assert.equal(t.writes(), 0);

      const local = await diffApp({ cluster: t.cluster, app, namespace: n, desired, mode: 'local' });
      assert.deepEqual(local.resources.filter((r) => r.modified).map((r) => r.name), []);
      t.cluster.dryRuns.clear(); // the dry runs are what is counted here (skipping known ones: dry-run-memo.test.ts)
      const server = await diffApp({ cluster: t.cluster, app, namespace: n, desired, mode: 'server' });
      assert.deepEqual(server.resources.filter((r) => r.modified).map((r) => r.name), []);
      assert.deepEqual(seen.reads, [], 'diffs read nothing of the app either (the server diff only dry-runs)');
      assert.equal(t.writes(), 3, 'one dry-run apply per existing object');

      // Another writer changes a field git sets: the watch delivers it, no read needed to see the drift.
      const changed = await t.put({ ...cm('settings', n, { mode: 'b' }) });
      const cache = t.cluster.cacheFor(app);
      for (let i = 0; cache.get(gvkOf('v1', 'ConfigMap'), n, 'settings')?.metadata.resourceVersion !== changed.metadata.resourceVersion; i++) {
        if (i > 200) assert.fail('the watch never delivered the change');
        await new Promise((r) => setTimeout(r, 25));
      }
      const drift = await diffApp({ cluster: t.cluster, app, namespace: n, desired, mode: 'local' });
      assert.deepEqual(drift.resources.filter((r) => r.modified).map((r) => `${r.kind}/${r.name} ${r.patch.map((p) => p.path).join(',')}`), ['ConfigMap/settings /data/mode']);
      assert.deepEqual(seen.reads, []);
    } finally {
      await t.close();
    }
  });

  test(`[${backend.name}] health wait: a rollout whose image never starts ends at the sync deadline, naming the Deployment`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
    try {
      const n = await t.namespace('stuck');
      // The default progressDeadlineSeconds (600) never strikes inside the sync's 4 s: only our deadline can end it.
      const r = await syncApp({ cluster: t.cluster, app: n, namespace: n, desired: src([cm('settings', n), deploy('web', n, 'registry.example/broken:1', 1)]), prune: true, dryRun: false, timeoutMs: 4_000 });
      assert.equal(r.healthTimedOut, true, r.message);
      assert.equal(r.health, 'Progressing', r.message);
      assert.match(r.message, new RegExp(`timed out waiting for health of Deployment ${n}/web \\(Progressing`), r.message);
      assert.doesNotMatch(r.message, /ConfigMap/, 'only what is not healthy is named');
      const web = r.resources.find((x) => x.kind === 'Deployment')!;
      assert.equal(web.health?.status, 'Progressing');
      assert.equal(r.resources.find((x) => x.kind === 'ConfigMap')!.health?.status, 'Healthy');
    } finally {
      await t.close();
    }
  });
});
