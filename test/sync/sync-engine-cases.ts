// The sync engine's tests, written once for both backends (test/support/cluster-backend.ts): the
// Kubernetes API emulator (sync-engine.test.ts) and the real kube-apiserver + controllers + stand-in
// kubelet (sync-engine.real.test.ts; two files so they run in parallel). Every test makes its own
// namespace and app name, so the real backend's one shared cluster never sees two tests collide.
// Faults (429, 5xx, dropped connections) can only be injected into the emulator: those tests run there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { APP_LABEL, TRACKING_ANNOTATION, SYNC_WAVE_ANNOTATION, withOwnership } from '../../src/core/ownership.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { liveClusterDiff } from '../../src/sync/cli-support.ts';
import type { ClusterBackend } from '../support/cluster-backend.ts';
import { cm, deploy, ns, sa, src, svc } from './emulator-cluster.ts';

const rv = (o: { metadata: { resourceVersion?: string } } | undefined) => Number(o?.metadata.resourceVersion);
type Conditions = { status?: { observedGeneration?: number; conditions?: Array<{ type: string; reason: string; status: string }> }; metadata: { generation?: number } };
const condition = (o: KubeObject | undefined, type: string) => (o as Conditions | undefined)?.status?.conditions?.find((c) => c.type === type);

function shop(namespace: string, data = 'v1') {
  return [deploy('api', namespace), svc('api', namespace), cm('settings', namespace, { version: data }), sa('api', namespace), ns(namespace)];
}
const inWave = (o: KubeObject, wave: number): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SYNC_WAVE_ANNOTATION]: String(wave) } } });

function widgetCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${group}` },
    spec: {
      group, scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
      }],
    },
  };
}

export function syncEngineTests(backend: ClusterBackend): void {
  const name = (s: string) => `[${backend.name}] ${s}`;

  test(name('sync creates in order, marks ownership, then a second sync makes zero writes'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 20 } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop', { create: false });
      const r = await syncApp({ cluster: t.cluster, app, desired: src(shop(n)), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      assert.equal(r.counts.applied, 5);
      assert.equal(r.health, 'Healthy');
      assert.deepEqual(r.resources.map((x) => x.kind), ['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment']);
      const nsObj = await t.get('v1', 'Namespace', undefined, n);
      const saObj = await t.get('v1', 'ServiceAccount', n, 'api');
      const cmObj = await t.get('v1', 'ConfigMap', n, 'settings');
      assert.ok(rv(nsObj) < rv(saObj) && rv(saObj) < rv(cmObj), 'created in kind order (global resourceVersions)');
      assert.equal(cmObj?.metadata.labels?.[APP_LABEL], app);
      assert.equal(cmObj?.metadata.annotations?.[TRACKING_ANNOTATION], `${app}:/ConfigMap:${n}/settings`);
      assert.ok(cmObj?.metadata.managedFields?.some((m) => m.manager === 'driftguard' && m.operation === 'Apply'));

      t.resetWrites();
      const again = await syncApp({ cluster: t.cluster, app, desired: src(shop(n)), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(again.phase, 'Succeeded', again.message);
      assert.equal(again.counts.unchanged, 5, again.message);
      assert.equal(t.writes(), 0);

      t.resetWrites();
      const upd = await syncApp({ cluster: t.cluster, app, desired: src(shop(n, 'v2')), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.deepEqual(upd.resources.filter((x) => x.outcome === 'applied').map((x) => `${x.action} ${x.kind}`), ['update ConfigMap']);
      assert.equal(t.writes(), 1);
      assert.deepEqual((await t.get('v1', 'ConfigMap', n, 'settings'))?.data, { version: 'v2' });
    } finally {
      await t.close();
    }
  });

  test(name('prune deletes only what the app owns and no longer renders; mass prune is refused'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop', { create: false });
      const extra = [cm('old-1', n), cm('old-2', n)];
      let r = await syncApp({ cluster: t.cluster, app, desired: src([...shop(n), ...extra]), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      await t.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hand-made', namespace: n }, data: {} });
      await t.put(withOwnership(cm('billing-cm', n), 'billing'));
      // A copy of an owned object under another name: labels copied, tracking id names the original.
      const original = (await t.get('v1', 'ConfigMap', n, 'old-1'))!;
      await t.put({ ...original, metadata: { name: 'old-1-copy', namespace: n, labels: original.metadata.labels, annotations: original.metadata.annotations } });

      r = await syncApp({ cluster: t.cluster, app, desired: src(shop(n)), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      assert.deepEqual(r.resources.filter((x) => x.outcome === 'pruned').map((x) => x.name).sort(), ['old-1', 'old-2']);
      for (const c of ['hand-made', 'billing-cm', 'old-1-copy', 'settings']) assert.ok(await t.get('v1', 'ConfigMap', n, c), `${c} kept`);
      for (const c of ['old-1', 'old-2']) await t.waitGone('v1', 'ConfigMap', n, c);

      t.resetWrites();
      await assert.rejects(
        syncApp({ cluster: t.cluster, app, desired: src([ns(n)]), prune: true, dryRun: false, timeoutMs: 5_000 }),
        (e: unknown) => isDriftguardError(e) && e.code === 'SYNC_REFUSED',
      );
      assert.equal(t.writes(), 0);
      const ok = await syncApp({ cluster: t.cluster, app, desired: src([ns(n)]), prune: true, dryRun: false, timeoutMs: 30_000, allowMassPrune: true });
      assert.equal(ok.counts.pruned, 4, ok.message);
      await t.waitGone('apps/v1', 'Deployment', n, 'api');
    } finally {
      await t.close();
    }
  });

  test(name('dry run: the server validates, nothing is written, prunes are only reported'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop');
      const r0 = await syncApp({ cluster: t.cluster, app, desired: src([cm('old', n), cm('kept', n)]), prune: true, dryRun: false, timeoutMs: 30_000 });
      assert.equal(r0.phase, 'Succeeded', r0.message);
      const desired = [cm('kept', n), cm('settings', n), svc('api', n)];
      const r = await syncApp({ cluster: t.cluster, app, desired: src(desired), prune: true, dryRun: true, timeoutMs: 30_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      assert.deepEqual(r.resources.map((x) => `${x.outcome} ${x.kind}/${x.name}`).sort(), ['applied ConfigMap/settings', 'applied Service/api', 'pruned ConfigMap/old', 'unchanged ConfigMap/kept']);
      assert.match(r.resources.find((x) => x.name === 'settings')?.message ?? '', /dry run: accepted by the server/);
      assert.equal(await t.get('v1', 'ConfigMap', n, 'settings'), undefined);
      assert.equal(await t.get('v1', 'Service', n, 'api'), undefined);
      assert.ok(await t.get('v1', 'ConfigMap', n, 'old'), 'a dry-run prune deletes nothing');

      // A value the server rejects fails the dry run for that object, still without writing anything.
      const bad = svc('api', n);
      (bad.spec as { ports: Array<{ port: number }> }).ports[0]!.port = 70_000;
      const rejected = await syncApp({ cluster: t.cluster, app, desired: src([cm('kept', n), cm('settings', n), bad]), prune: false, dryRun: true, timeoutMs: 30_000 });
      assert.equal(rejected.phase, 'Failed');
      const s = rejected.resources.find((x) => x.kind === 'Service')!;
      assert.equal(s.outcome, 'failed');
      assert.match(s.message ?? '', /422/);
      assert.match(s.message ?? '', /port/);
      assert.equal(await t.get('v1', 'ConfigMap', n, 'settings'), undefined);
    } finally {
      await t.close();
    }
  });

  test(name('a later wave waits for the earlier one to be healthy; an unhealthy wave stops the sync'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 20, failImagePattern: /broken/ } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop');
      const r = await syncApp({ cluster: t.cluster, app, desired: src([deploy('db', n, 'postgres:16', 1), inWave(cm('after-db', n), 1)]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      const db = await t.get('apps/v1', 'Deployment', n, 'db');
      const after = await t.get('v1', 'ConfigMap', n, 'after-db');
      assert.equal(condition(db, 'Available')?.status, 'True');
      assert.ok(rv(after) > rv(db), 'the wave-1 ConfigMap was written after the Deployment reached its final (available) state');

      const stuck = await syncApp({
        cluster: t.cluster, app: t.unique('stuck'), prune: false, dryRun: false, timeoutMs: 60_000, degradedSettleMs: 50,
        desired: src([deploy('bad', n, 'registry.example/broken:1', 1, { progressDeadlineSeconds: 1 }), inWave(cm('after-bad', n), 1)]),
      });
      assert.equal(stuck.phase, 'Failed', stuck.message);
      const skipped = stuck.resources.find((x) => x.name === 'after-bad')!;
      assert.equal(skipped.outcome, 'skipped');
      assert.match(skipped.message ?? '', /wave 0 is Degraded/);
      assert.equal(await t.get('v1', 'ConfigMap', n, 'after-bad'), undefined);
    } finally {
      await t.close();
    }
  });

  test(name('a CRD and its custom resources in one sync: the CRD first, the CR once the API serves it'), async () => {
    const t = await backend.start();
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop');
      const group = `${t.unique('w')}.example.com`;
      const widget: KubeObject = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace: n }, spec: { size: 3 } };
      try {
        // Listed CR first: the plan orders by kind, and the CR waits for its API to appear in discovery.
        const dry = await syncApp({ cluster: t.cluster, app, desired: src([widget, widgetCrd(group)]), prune: false, dryRun: true, timeoutMs: 30_000 });
        assert.equal(dry.phase, 'Succeeded', dry.message);
        assert.match(dry.resources.find((x) => x.kind === 'Widget')?.message ?? '', /its CRD is created by this sync/);
        assert.equal(await t.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `widgets.${group}`), undefined);

        const r = await syncApp({ cluster: t.cluster, app, desired: src([widget, widgetCrd(group)]), prune: false, dryRun: false, timeoutMs: 60_000 });
        assert.equal(r.phase, 'Succeeded', r.message);
        assert.deepEqual(r.resources.map((x) => x.kind), ['CustomResourceDefinition', 'Widget']);
        // The health wait sees the new kind (it was not served when the sync started).
        assert.equal(r.healthTimedOut, false, r.message);
        assert.equal(r.health, 'Healthy', r.message);
        const live = await t.get(`${group}/v1`, 'Widget', n, 'w1');
        assert.deepEqual(live?.spec, { size: 3 });
        const again = await syncApp({ cluster: t.cluster, app, desired: src([widget, widgetCrd(group)]), prune: false, dryRun: false, timeoutMs: 60_000 });
        assert.equal(again.counts.unchanged, 2, again.message);
      } finally {
        await t.remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `widgets.${group}`).catch(() => undefined);
      }
    } finally {
      await t.close();
    }
  });

  test(name('a field another manager set is taken over: the desired value wins and the other manager loses it'), async () => {
    const t = await backend.start();
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop');
      await t.put(cm('settings', n, { mode: 'by-hand', other: 'kept' }));
      const r = await syncApp({ cluster: t.cluster, app, desired: src([cm('settings', n, { mode: 'gitops' })]), prune: false, dryRun: false, timeoutMs: 30_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      assert.equal(r.resources[0]?.action, 'update');
      const live = await t.get('v1', 'ConfigMap', n, 'settings');
      assert.deepEqual(live?.data, { mode: 'gitops', other: 'kept' });
      const fields = (manager: string) => JSON.stringify(live?.metadata.managedFields?.find((m) => m.manager === manager)?.fieldsV1 ?? {});
      assert.match(fields('driftguard'), /"f:mode"/);
      assert.doesNotMatch(fields('test-setup'), /"f:mode"/);
      assert.match(fields('test-setup'), /"f:other"/);
    } finally {
      await t.close();
    }
  });

  test(name('unknown kinds and missing namespaces fail preflight: per-resource errors, zero writes'), async () => {
    const t = await backend.start();
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop');
      const nowhere = await t.namespace('nowhere', { create: false });
      t.resetWrites();
      const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: n } };
      const r = await syncApp({ cluster: t.cluster, app, desired: src([cm('a', n), widget, cm('b', nowhere)]), prune: false, dryRun: false, timeoutMs: 5_000 });
      assert.equal(r.phase, 'Failed');
      const w = r.resources.find((x) => x.kind === 'Widget')!;
      assert.equal(w.outcome, 'failed');
      assert.match(w.message ?? '', /unknown kind.*Widget/);
      assert.equal(w.source?.line, 11);
      assert.equal(r.resources.find((x) => x.name === 'a')?.outcome, 'skipped');
      assert.equal(t.writes(), 0);

      const r2 = await syncApp({ cluster: t.cluster, app, desired: src([cm('a', n), cm('b', nowhere)]), prune: false, dryRun: false, timeoutMs: 5_000 });
      assert.equal(r2.phase, 'Failed');
      assert.match(r2.resources.find((x) => x.name === 'b')?.message ?? '', new RegExp(`namespace "${nowhere}" does not exist`));
      assert.equal(r2.resources.find((x) => x.name === 'a')?.outcome, 'skipped');
      assert.equal(t.writes(), 0);
    } finally {
      await t.close();
    }
  });

  test(name('immutable field change: per-resource 422 with the API message and how to recover'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop', { create: false });
      await syncApp({ cluster: t.cluster, app, desired: src(shop(n)), prune: false, dryRun: false, timeoutMs: 60_000 });
      const changed = deploy('api', n);
      (changed.spec as { selector: unknown }).selector = { matchLabels: { app: 'api', tier: 'web' } };
      ((changed.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).tier = 'web';
      for (const dryRun of [true, false]) {
        const r = await syncApp({ cluster: t.cluster, app, desired: src([...shop(n).filter((o) => o.kind !== 'Deployment'), changed]), prune: false, dryRun, timeoutMs: 30_000 });
        const d = r.resources.find((x) => x.kind === 'Deployment')!;
        assert.equal(d.outcome, 'failed', `dryRun=${dryRun}`);
        assert.match(d.message ?? '', /422/);
        assert.match(d.message ?? '', /immutable/);
        assert.match(d.message ?? '', /delete the object and sync again/);
      }
    } finally {
      await t.close();
    }
  });

  test(name('wait for health: ProgressDeadlineExceeded makes the app Degraded'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop', { create: false });
      const bad = deploy('api', n, 'registry.example/broken:1', 1, { progressDeadlineSeconds: 1 });
      const r = await syncApp({ cluster: t.cluster, app, desired: src([ns(n), bad]), prune: false, dryRun: false, timeoutMs: 60_000, degradedSettleMs: 50 });
      assert.equal(r.health, 'Degraded', r.message);
      assert.equal(r.healthTimedOut, false);
      assert.match(r.resources.find((x) => x.kind === 'Deployment')?.health?.message ?? '', /deadline/i);
    } finally {
      await t.close();
    }
  });

  // A fixed rollout must not be judged by the ProgressDeadlineExceeded condition left by the broken one: the
  // controller keeps it until the new rollout makes progress, so the first Degraded seen after the write is stale.
  test(name('wait for health: a sync that fixes a rollout past its deadline ends Healthy; a bad image still ends Degraded'), { timeout: 150_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop', { create: false });
      const opts = { cluster: t.cluster, app, prune: false, dryRun: false, timeoutMs: 120_000, degradedSettleMs: 1_000 };
      const withImage = (image: string) => src([ns(n), deploy('api', n, image, 1, { progressDeadlineSeconds: 1 })]);
      const broken = await syncApp({ ...opts, desired: withImage('registry.example/broken:1') });
      assert.equal(broken.health, 'Degraded', broken.message);
      assert.equal(broken.healthTimedOut, false);
      assert.equal(condition(await t.get('apps/v1', 'Deployment', n, 'api'), 'Progressing')?.reason, 'ProgressDeadlineExceeded');

      // Same kinds as before: no inventory write, so the wait starts right after the Deployment write.
      const fixed = await syncApp({ ...opts, desired: withImage('nginx:1.27') });
      assert.equal(fixed.phase, 'Succeeded', fixed.message);
      assert.equal(fixed.counts.applied, 1, fixed.message);
      assert.equal(fixed.health, 'Healthy', fixed.message);
      const d = await t.get('apps/v1', 'Deployment', n, 'api') as (KubeObject & Conditions) | undefined;
      assert.equal(d?.status?.observedGeneration, d?.metadata.generation);
      assert.equal(condition(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');

      // Breaking it again is reported Degraded once the settle window passes, not when the 120 s run out.
      const again = await syncApp({ ...opts, desired: withImage('registry.example/broken:2') });
      assert.equal(again.health, 'Degraded', again.message);
      assert.equal(again.healthTimedOut, false);
      assert.match(again.resources.find((x) => x.kind === 'Deployment')?.health?.message ?? '', /deadline/i);
    } finally {
      await t.close();
    }
  });

  test(name('a kubectl scale by hand shows up as drift in the live diff'), async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
      const n = await t.namespace('shop', { create: false });
      await syncApp({ cluster: t.cluster, app, desired: src(shop(n)), prune: false, dryRun: false, timeoutMs: 60_000 });
      const before = await liveClusterDiff({ desired: src(shop(n)), app, context: t.context, kubeconfig: t.kubeconfig });
      assert.deepEqual(before.errors, []);
      assert.equal(before.summary.update, 0, before.resources.filter((d) => d.modified).map((d) => d.diff).join('\n'));
      await t.kubectl('-n', n, 'scale', 'deployment/api', '--replicas=5');
      for (const mode of ['server', 'local'] as const) {
        const after = await liveClusterDiff({ desired: src(shop(n)), app, context: t.context, kubeconfig: t.kubeconfig, mode });
        const d = after.resources.find((x) => x.kind === 'Deployment')!;
        assert.equal(d.action, 'update', mode);
        assert.match(d.diff, /-\s+replicas: 5/, mode);
        assert.match(d.diff, /\+\s+replicas: 2/, mode);
        assert.equal(after.summary.update, 1, `${mode}: only the Deployment changed:\n${after.resources.filter((x) => x.modified).map((x) => x.diff).join('\n')}`);
      }
      const local = await diffApp({ cluster: t.cluster, app, desired: src(shop(n)), mode: 'local' });
      assert.equal(local.summary.update, 1);
    } finally {
      await t.close();
    }
  });

  if (backend.caps.faults) {
    test(name('faults: 500s, 429 with Retry-After and dropped connections are retried'), async () => {
      const t = await backend.start({ rollout: { readyDelayMs: 10 } });
      try {
        const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
        const n = await t.namespace('shop', { create: false });
        // Scoped per resource so every rule takes effect (rules matching one request all count as fired).
        t.emu!.faults.add({ verb: 'patch', resource: 'configmaps', status: 500, count: 3 });
        t.emu!.faults.add({ verb: 'patch', resource: 'services', status: 429, retryAfterSeconds: 1, count: 2 });
        t.emu!.faults.add({ verb: 'patch', resource: 'deployments', drop: true, count: 2 });
        t.emu!.faults.add({ verb: 'get', status: 503, count: 1 });
        const r = await syncApp({ cluster: t.cluster, app, desired: src(shop(n)), prune: false, dryRun: false, timeoutMs: 30_000 });
        assert.equal(r.phase, 'Succeeded', JSON.stringify(r.resources.filter((x) => x.outcome === 'failed')));
        assert.equal(r.counts.applied, 5);
        assert.ok(t.cluster.http.stats.retries >= 8, `retries: ${t.cluster.http.stats.retries}`);
        assert.ok(await t.get('apps/v1', 'Deployment', n, 'api'));
      } finally {
        await t.close();
      }
    });

    test(name('persistent API errors are reported per resource and later waves are skipped'), async () => {
      const t = await backend.start();
      try {
        const app = t.unique('shop'); // app names are cluster-wide: unique on the shared cluster
        const n = await t.namespace('shop', { create: false });
        t.emu!.faults.add({ verb: 'patch', resource: 'configmaps', status: 500 });
        const r = await syncApp({ cluster: t.cluster, app, desired: src([ns(n), cm('settings', n), svc('api', n), inWave(cm('late', n), 5)]), prune: true, dryRun: false, timeoutMs: 10_000 });
        assert.equal(r.phase, 'Failed');
        const by = Object.fromEntries(r.resources.map((x) => [`${x.kind}/${x.name}`, x]));
        assert.equal(by['ConfigMap/settings']!.outcome, 'failed');
        assert.match(by['ConfigMap/settings']!.message ?? '', /500/);
        assert.equal(by['Service/api']!.outcome, 'skipped');
        assert.equal(by['ConfigMap/late']!.outcome, 'skipped');
        assert.equal(await t.get('v1', 'Service', n, 'api'), undefined);
      } finally {
        await t.close();
      }
    });
  }
}
