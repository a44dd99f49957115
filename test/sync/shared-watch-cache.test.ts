// One watch cache per cluster, shared by all its apps (src/kube/watch-cache.ts), and the bound on requests
// in flight per cluster (src/kube/http.ts). The worker's connections must not grow with its apps: 5 apps
// and 50 apps hold the same watch streams (counted by the client, by the emulator's server, and as the
// client's open sockets on the real kube-apiserver), each app still sees only its own objects, and an
// in-sync app then costs no read at all. The request bound is counted where the server sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { Cluster, loadKubeConfig } from '../../src/kube/cluster.ts';
import { APP_LABEL } from '../../src/core/ownership.ts';
import { emulatorBackend, forEachBackend, type TestCluster } from '../support/cluster-backend.ts';
import { cm, src, svc } from './emulator-cluster.ts';

const appDesired = (app: string, ns: string) => src([cm(`${app}-settings`, ns, { app }), svc(`${app}-api`, ns)]);

async function syncAll(cluster: Cluster, apps: string[], ns: string): Promise<void> {
  const results = await Promise.all(apps.map((app) => syncApp({ cluster, app, namespace: ns, desired: appDesired(app, ns), prune: true, dryRun: false, timeoutMs: 120_000 })));
  for (const r of results) assert.equal(r.phase, 'Succeeded', r.message);
}

/** Watch streams as the server counts them (emulator), or the client's open sockets (real server). */
function serverSide(t: TestCluster, cluster: Cluster): number | undefined {
  return t.emu ? t.emu.openWatches() : cluster.http.openSockets();
}

/** Every informer's watch stream is open (they open just after their first list). */
async function watchesOpen(cluster: Cluster): Promise<number> {
  for (let i = 0; cluster.cache.stats.openWatches !== cluster.cache.size; i++) {
    if (i > 400) assert.fail(`${cluster.cache.stats.openWatches} watch streams open for ${cluster.cache.size} informers`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return cluster.cache.size;
}

const BOUND = 4;

forEachBackend((backend) => {
  test(`[${backend.name}] one watch per kind for all apps: 5 apps and 50 apps hold the same watch connections; each app sees only its own objects`, async () => {
    const t = await backend.start();
    const cluster = new Cluster('shared', loadKubeConfig({ kubeconfig: t.kubeconfig }), { maxConcurrentRequests: BOUND });
    try {
      const ns = await t.namespace('many');
      const apps = Array.from({ length: 50 }, (_, i) => `${ns}-${i}`);
      await syncAll(cluster, apps.slice(0, 5), ns);
      const at5 = { watches: await watchesOpen(cluster), lists: cluster.cache.stats.lists, server: serverSide(t, cluster) };
      assert.ok(at5.watches > 0, 'the apps are served from watches');

      await syncAll(cluster, apps.slice(5), ns);
      const at50 = { watches: await watchesOpen(cluster), lists: cluster.cache.stats.lists, server: serverSide(t, cluster) };
      assert.equal(at50.watches, at5.watches, '45 more apps open no watch');
      assert.equal(at50.lists, at5.lists, '45 more apps list nothing again');
      if (t.emu) assert.equal(at50.server, at5.server, 'the server holds the same watch streams');
      else {
        // The client's sockets: the shared watches plus pooled ones for requests, which the bound keeps few
        // (undici may open one for the next request before it marks the last one free). Watches per app
        // would add one socket per app and kind; here 45 more apps add at most a few pooled ones.
        assert.ok(at5.server !== undefined && at50.server !== undefined && at50.server <= at5.server + 2 * BOUND, `open sockets: ${at5.server} at 5 apps, ${at50.server} at 50 apps (${at50.watches} watches)`);
      }

      for (const app of [apps[0], apps[49]]) {
        const mine = cluster.cacheFor(app).objects();
        assert.ok(mine.length >= 2);
        assert.deepEqual(mine.filter((o) => o.metadata.labels?.[APP_LABEL] !== app), [], 'a view holds only its app\'s objects');
      }

      // Warm: an in-sync app of the fifty is diffed without a single read, its namespace included.
      const reads: string[] = [];
      cluster.http.onRequest = (method, url) => { if (method === 'GET') reads.push(url); };
      const diff = await diffApp({ cluster, app: apps[7], namespace: ns, desired: appDesired(apps[7], ns), mode: 'local' });
      assert.deepEqual(diff.resources.filter((r) => r.modified).map((r) => r.name), []);
      assert.deepEqual(reads, []);
    } finally {
      await cluster.close();
      await t.close();
    }
  });
});

// Latency injection (to make requests overlap) exists on the emulator only.
test('[emulator] requests in flight to one cluster stay within its bound however many apps sync at once', async () => {
  const t = await emulatorBackend.start();
  const bounded = new Cluster('bounded', loadKubeConfig({ kubeconfig: t.kubeconfig }), { maxConcurrentRequests: 3 });
  try {
    const ns = await t.namespace('bound');
    t.emu!.faults.latency(30, { verb: ['get', 'list', 'create', 'patch', 'update', 'delete'] });
    t.emu!.counters.reset();
    await syncAll(bounded, Array.from({ length: 12 }, (_, i) => `${ns}-${i}`), ns);
    assert.equal(t.emu!.counters.peakInFlight, 3, 'twelve syncs at once fill the bound and never pass it (server side)');
    assert.equal(bounded.http.stats.peakInFlight, 3, 'the client agrees');
    assert.equal(bounded.http.stats.inFlight, 0);
  } finally {
    await bounded.close();
    await t.close();
  }
});
