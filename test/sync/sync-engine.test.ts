// The sync engine against the Kubernetes API emulator over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { APP_LABEL, TRACKING_ANNOTATION, SYNC_WAVE_ANNOTATION, withOwnership } from '../../src/core/ownership.ts';
import { liveClusterDiff } from '../../src/sync/cli-support.ts';
import { cm, deploy, ns, sa, src, startTestCluster, svc } from './emulator-cluster.ts';

const KUBECTL = new URL('../../.tools/bin/kubectl', import.meta.url).pathname;
const app = 'shop';
const rv = (o: { metadata: { resourceVersion?: string } } | undefined) => Number(o?.metadata.resourceVersion);

function shop(data = 'v1') {
  return [deploy('api', 'shop'), svc('api', 'shop'), cm('settings', 'shop', { version: data }), sa('api', 'shop'), ns('shop')];
}

test('sync creates in order, marks ownership, then a second sync makes zero writes', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 20 } });
  try {
    const r = await syncApp({ cluster: t.cluster, app, desired: src(shop()), prune: true, dryRun: false, timeoutMs: 20_000 });
    assert.equal(r.phase, 'Succeeded', r.message);
    assert.equal(r.counts.applied, 5);
    assert.equal(r.health, 'Healthy');
    assert.deepEqual(r.resources.map((x) => x.kind), ['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment']);
    const nsObj = t.emu.getObject('v1', 'Namespace', undefined, 'shop');
    const saObj = t.emu.getObject('v1', 'ServiceAccount', 'shop', 'api');
    const cmObj = t.emu.getObject('v1', 'ConfigMap', 'shop', 'settings');
    assert.ok(rv(nsObj) < rv(saObj) && rv(saObj) < rv(cmObj), 'created in kind order (global resourceVersions)');
    assert.equal(cmObj?.metadata.labels?.[APP_LABEL], app);
    assert.equal(cmObj?.metadata.annotations?.[TRACKING_ANNOTATION], 'shop:/ConfigMap:shop/settings');
    assert.ok(cmObj?.metadata.managedFields?.some((m) => m.manager === 'driftguard' && m.operation === 'Apply'));

    t.emu.counters.reset();
    const again = await syncApp({ cluster: t.cluster, app, desired: src(shop()), prune: true, dryRun: false, timeoutMs: 20_000 });
    assert.equal(again.phase, 'Succeeded', again.message);
    assert.equal(again.counts.unchanged, 5);
    assert.equal(t.emu.counters.writes(), 0, JSON.stringify(t.emu.counters.snapshot()));

    t.emu.counters.reset();
    const upd = await syncApp({ cluster: t.cluster, app, desired: src(shop('v2')), prune: true, dryRun: false, timeoutMs: 20_000 });
    assert.deepEqual(upd.resources.filter((x) => x.outcome === 'applied').map((x) => `${x.action} ${x.kind}`), ['update ConfigMap']);
    assert.equal(t.emu.counters.writes(), 1);
    assert.deepEqual(t.emu.getObject('v1', 'ConfigMap', 'shop', 'settings')?.data, { version: 'v2' });
  } finally {
    await t.close();
  }
});

test('prune deletes only what the app owns and no longer renders; mass prune is refused', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    const extra = [cm('old-1', 'shop'), cm('old-2', 'shop')];
    let r = await syncApp({ cluster: t.cluster, app, desired: src([...shop(), ...extra]), prune: true, dryRun: false, timeoutMs: 20_000 });
    assert.equal(r.phase, 'Succeeded', r.message);
    t.emu.putObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hand-made', namespace: 'shop' }, data: {} });
    t.emu.putObject(withOwnership(cm('billing-cm', 'shop'), 'billing'));
    // A copy of an owned object under another name: labels copied, tracking id names the original.
    const copy = structuredClone(t.emu.getObject('v1', 'ConfigMap', 'shop', 'old-1')!);
    copy.metadata = { name: 'old-1-copy', namespace: 'shop', labels: copy.metadata.labels, annotations: copy.metadata.annotations };
    t.emu.putObject(copy);

    r = await syncApp({ cluster: t.cluster, app, desired: src(shop()), prune: true, dryRun: false, timeoutMs: 20_000 });
    assert.equal(r.phase, 'Succeeded', r.message);
    assert.deepEqual(r.resources.filter((x) => x.outcome === 'pruned').map((x) => x.name).sort(), ['old-1', 'old-2']);
    for (const name of ['hand-made', 'billing-cm', 'old-1-copy', 'settings']) assert.ok(t.emu.getObject('v1', 'ConfigMap', 'shop', name), `${name} kept`);
    for (const name of ['old-1', 'old-2']) assert.equal(t.emu.getObject('v1', 'ConfigMap', 'shop', name), undefined);

    t.emu.counters.reset();
    await assert.rejects(
      syncApp({ cluster: t.cluster, app, desired: src([ns('shop')]), prune: true, dryRun: false, timeoutMs: 5_000 }),
      (e: unknown) => isDriftguardError(e) && e.code === 'SYNC_REFUSED',
    );
    assert.equal(t.emu.counters.writes(), 0);
    const ok = await syncApp({ cluster: t.cluster, app, desired: src([ns('shop')]), prune: true, dryRun: false, timeoutMs: 10_000, allowMassPrune: true });
    assert.equal(ok.counts.pruned, 4, ok.message);
  } finally {
    await t.close();
  }
});

test('faults: 500s, 429 with Retry-After and dropped connections are retried', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    // Scoped per resource so every rule takes effect (rules matching one request all count as fired).
    t.emu.faults.add({ verb: 'patch', resource: 'configmaps', status: 500, count: 3 });
    t.emu.faults.add({ verb: 'patch', resource: 'services', status: 429, retryAfterSeconds: 1, count: 2 });
    t.emu.faults.add({ verb: 'patch', resource: 'deployments', drop: true, count: 2 });
    t.emu.faults.add({ verb: 'get', status: 503, count: 1 });
    const r = await syncApp({ cluster: t.cluster, app, desired: src(shop()), prune: false, dryRun: false, timeoutMs: 30_000 });
    assert.equal(r.phase, 'Succeeded', JSON.stringify(r.resources.filter((x) => x.outcome === 'failed')));
    assert.equal(r.counts.applied, 5);
    assert.ok(t.cluster.http.stats.retries >= 8, `retries: ${t.cluster.http.stats.retries}`);
    assert.ok(t.emu.getObject('apps/v1', 'Deployment', 'shop', 'api'));
  } finally {
    await t.close();
  }
});

test('persistent API errors are reported per resource and later waves are skipped', async () => {
  const t = await startTestCluster();
  try {
    t.emu.faults.add({ verb: 'patch', resource: 'configmaps', status: 500 });
    const late = { ...cm('late', 'shop'), metadata: { name: 'late', namespace: 'shop', annotations: { [SYNC_WAVE_ANNOTATION]: '5' } } };
    const r = await syncApp({ cluster: t.cluster, app, desired: src([ns('shop'), cm('settings', 'shop'), svc('api', 'shop'), late]), prune: true, dryRun: false, timeoutMs: 10_000 });
    assert.equal(r.phase, 'Failed');
    const by = Object.fromEntries(r.resources.map((x) => [`${x.kind}/${x.name}`, x]));
    assert.equal(by['ConfigMap/settings'].outcome, 'failed');
    assert.match(by['ConfigMap/settings'].message ?? '', /500/);
    assert.equal(by['Service/api'].outcome, 'skipped');
    assert.equal(by['ConfigMap/late'].outcome, 'skipped');
    assert.equal(t.emu.getObject('v1', 'Service', 'shop', 'api'), undefined);
  } finally {
    await t.close();
  }
});

test('unknown kinds and missing namespaces fail preflight: per-resource errors, zero writes', async () => {
  const t = await startTestCluster();
  try {
    t.emu.counters.reset();
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } };
    const r = await syncApp({ cluster: t.cluster, app, desired: src([cm('a', 'default'), widget, cm('b', 'nowhere')]), prune: false, dryRun: false, timeoutMs: 5_000 });
    assert.equal(r.phase, 'Failed');
    const w = r.resources.find((x) => x.kind === 'Widget')!;
    assert.equal(w.outcome, 'failed');
    assert.match(w.message ?? '', /unknown kind.*Widget/);
    assert.equal(w.source?.line, 11);
    assert.equal(r.resources.find((x) => x.name === 'a')?.outcome, 'skipped');
    assert.equal(t.emu.counters.writes(), 0);

    const r2 = await syncApp({ cluster: t.cluster, app, desired: src([cm('a', 'default'), cm('b', 'nowhere')]), prune: false, dryRun: false, timeoutMs: 5_000 });
    assert.equal(r2.phase, 'Failed');
    assert.match(r2.resources.find((x) => x.name === 'b')?.message ?? '', /namespace "nowhere" does not exist/);
    assert.equal(r2.resources.find((x) => x.name === 'a')?.outcome, 'skipped');
    assert.equal(t.emu.counters.writes(), 0);
  } finally {
    await t.close();
  }
});

test('immutable field change: per-resource 422 with the API message and how to recover', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    await syncApp({ cluster: t.cluster, app, desired: src(shop()), prune: false, dryRun: false, timeoutMs: 10_000 });
    const changed = deploy('api', 'shop');
    (changed.spec as { selector: unknown }).selector = { matchLabels: { app: 'api', tier: 'web' } };
    ((changed.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).tier = 'web';
    for (const dryRun of [true, false]) {
      const r = await syncApp({ cluster: t.cluster, app, desired: src([...shop().filter((o) => o.kind !== 'Deployment'), changed]), prune: false, dryRun, timeoutMs: 10_000 });
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

test('wait for health: ProgressDeadlineExceeded makes the app Degraded', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
  try {
    const bad = deploy('api', 'shop', 'registry.example/broken:1', 1, { progressDeadlineSeconds: 1 });
    const r = await syncApp({ cluster: t.cluster, app, desired: src([ns('shop'), bad]), prune: false, dryRun: false, timeoutMs: 15_000, degradedSettleMs: 50 });
    assert.equal(r.health, 'Degraded', r.message);
    assert.match(r.resources.find((x) => x.kind === 'Deployment')?.health?.message ?? '', /deadline/i);
  } finally {
    await t.close();
  }
});

// A fixed rollout must not be judged by the ProgressDeadlineExceeded condition left by the broken one: the
// controller keeps it until the new rollout makes progress, so the first Degraded seen after the write is stale.
test('wait for health: a sync that fixes a rollout past its deadline ends Healthy; a bad image still ends Degraded', { timeout: 60_000 }, async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
  try {
    const opts = { cluster: t.cluster, app, prune: false, dryRun: false, timeoutMs: 120_000, degradedSettleMs: 1_000 };
    const withImage = (image: string) => src([ns('shop'), deploy('api', 'shop', image, 1, { progressDeadlineSeconds: 1 })]);
    const broken = await syncApp({ ...opts, desired: withImage('registry.example/broken:1') });
    assert.equal(broken.health, 'Degraded', broken.message);
    assert.equal(broken.healthTimedOut, false);
    const stale = t.emu.getObject('apps/v1', 'Deployment', 'shop', 'api') as { status?: { conditions?: Array<{ type: string; reason: string }> } };
    assert.equal(stale.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ProgressDeadlineExceeded');

    // Same kinds as before: no inventory write, so the wait starts right after the Deployment write.
    const fixed = await syncApp({ ...opts, desired: withImage('nginx:1.27') });
    assert.equal(fixed.phase, 'Succeeded', fixed.message);
    assert.equal(fixed.counts.applied, 1, fixed.message);
    assert.equal(fixed.health, 'Healthy', fixed.message);
    const d = t.emu.getObject('apps/v1', 'Deployment', 'shop', 'api') as { metadata: { generation?: number }; status?: { observedGeneration?: number; conditions?: Array<{ type: string; reason: string }> } };
    assert.equal(d.status?.observedGeneration, d.metadata.generation);
    assert.equal(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');

    // Breaking it again is reported Degraded once the settle window passes, long before the 120 s timeout
    // (the test's own 60 s limit fails it otherwise).
    const again = await syncApp({ ...opts, desired: withImage('registry.example/broken:2') });
    assert.equal(again.health, 'Degraded', again.message);
    assert.equal(again.healthTimedOut, false);
    assert.match(again.resources.find((x) => x.kind === 'Deployment')?.health?.message ?? '', /deadline/i);
  } finally {
    await t.close();
  }
});

test('a kubectl scale by hand shows up as drift in the live diff', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    await syncApp({ cluster: t.cluster, app, desired: src(shop()), prune: false, dryRun: false, timeoutMs: 10_000 });
    const before = await liveClusterDiff({ desired: src(shop()), app, context: t.context, kubeconfig: t.kubeconfig });
    assert.deepEqual(before.errors, []);
    assert.equal(before.summary.update, 0, before.resources.filter((d) => d.modified).map((d) => d.diff).join('\n'));
    // Async: the emulator runs in this process, a blocking exec would starve it.
    await promisify(execFile)(KUBECTL, ['--kubeconfig', t.kubeconfig, '-n', 'shop', 'scale', 'deployment/api', '--replicas=5']);
    for (const mode of ['server', 'local'] as const) {
      const after = await liveClusterDiff({ desired: src(shop()), app, context: t.context, kubeconfig: t.kubeconfig, mode });
      const d = after.resources.find((x) => x.kind === 'Deployment')!;
      assert.equal(d.action, 'update', mode);
      assert.match(d.diff, /-\s+replicas: 5/, mode);
      assert.match(d.diff, /\+\s+replicas: 2/, mode);
    }
    const local = await diffApp({ cluster: t.cluster, app, desired: src(shop()), mode: 'local' });
    assert.equal(local.summary.update, 1);
  } finally {
    await t.close();
  }
});
