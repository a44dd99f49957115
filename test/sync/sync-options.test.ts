// Per-resource sync options (driftguard.dev/sync-options) on both backends: the emulator and the real
// kube-apiserver. Replace/Force re-create what SSA cannot update; ServerSideApply=fail names the other
// field manager; Delete=false survives prunes and the app's removal; Validate=false lets unknown fields
// through; an unknown option fails the sync before any write, at file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp } from '../../src/sync/index.ts';
import { SYNC_OPTIONS_ANNOTATION } from '../../src/core/ownership.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { cm, deploy, src } from './emulator-cluster.ts';

function withOptions(obj: KubeObject, options: string): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...(obj.metadata.annotations ?? {}), [SYNC_OPTIONS_ANNOTATION]: options } } };
}

function reselected(name: string, ns: string): KubeObject {
  const d = deploy(name, ns, 'nginx:1.27', 1);
  (d.spec as any).selector = { matchLabels: { app: name, tier: 'web' } };
  (d.spec as any).template.metadata.labels.tier = 'web';
  return d;
}

forEachBackend((backend) => {
  test(`[${backend.name}] sync options: Replace=true and Force=true re-create an object whose immutable field changed (only with the option)`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const ns = await t.namespace('opts');
      const app = t.unique('shop');
      const first = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([deploy('api', ns, 'nginx:1.27', 1), deploy('worker', ns, 'nginx:1.27', 1)]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(first.phase, 'Succeeded', first.message);
      const before = await t.get('apps/v1', 'Deployment', ns, 'api');

      const dry = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([withOptions(reselected('api', ns), 'Replace=true'), deploy('worker', ns, 'nginx:1.27', 1)]), prune: false, dryRun: true, timeoutMs: 60_000 });
      assert.match(dry.resources.find((r) => r.name === 'api')!.message!, /^dry run: would be replaced .*immutable/);

      const r = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([withOptions(reselected('api', ns), 'Replace=true'), withOptions(reselected('worker', ns), 'Force=true')]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      assert.match(r.resources.find((x) => x.name === 'api')!.message!, /^replaced \(deleted and re-created, sync option Replace=true\): .*immutable/);
      assert.match(r.resources.find((x) => x.name === 'worker')!.message!, /^replaced \(deleted and re-created, sync option Force=true\)/);
      const after = await t.get('apps/v1', 'Deployment', ns, 'api');
      assert.notEqual(after?.metadata.uid, before?.metadata.uid);
      assert.deepEqual((after?.spec as any).selector.matchLabels, { app: 'api', tier: 'web' });

      // Without the option the same change still fails, and nothing is deleted.
      const d2 = reselected('api', ns);
      (d2.spec as any).selector.matchLabels.tier = 'api';
      (d2.spec as any).template.metadata.labels.tier = 'api';
      const refused = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([d2, withOptions(reselected('worker', ns), 'Force=true')]), prune: false, dryRun: false, timeoutMs: 30_000 });
      assert.equal(refused.resources.find((x) => x.name === 'api')!.outcome, 'failed');
      assert.equal((await t.get('apps/v1', 'Deployment', ns, 'api'))?.metadata.uid, after?.metadata.uid);
    } finally {
      await t.close();
    }
  });

  test(`[${backend.name}] sync options: ServerSideApply=fail names the other field manager; default and Force=true take the field over`, async () => {
    const t = await backend.start();
    try {
      const ns = await t.namespace('opts');
      const app = t.unique('shop');
      await t.put(cm('settings', ns, { level: 'debug' }));
      const failed = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([withOptions(cm('settings', ns, { level: 'info' }), 'ServerSideApply=fail')]), prune: false, dryRun: false, timeoutMs: 30_000 });
      const res = failed.resources.find((x) => x.name === 'settings')!;
      assert.equal(res.outcome, 'failed');
      assert.match(res.message!, /conflict with "test-setup".*\.data\.level.*ServerSideApply=fail/s);
      assert.equal(((await t.get('v1', 'ConfigMap', ns, 'settings'))?.data as any).level, 'debug');

      const forced = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([withOptions(cm('settings', ns, { level: 'info' }), 'ServerSideApply=fail,Force=true')]), prune: false, dryRun: false, timeoutMs: 30_000 });
      assert.equal(forced.phase, 'Succeeded', forced.message);
      assert.equal(((await t.get('v1', 'ConfigMap', ns, 'settings'))?.data as any).level, 'info');
    } finally {
      await t.close();
    }
  });

  test(`[${backend.name}] sync options: Delete=false survives prune and the app's removal; PruneLast objects are pruned`, async () => {
    const t = await backend.start();
    try {
      const ns = await t.namespace('opts');
      const app = t.unique('shop');
      const all = [withOptions(cm('keep', ns), 'Delete=false'), withOptions(cm('last', ns), 'PruneLast=true'), cm('plain', ns), cm('stays', ns)];
      assert.equal((await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src(all), prune: true, dryRun: false, timeoutMs: 30_000 })).phase, 'Succeeded');
      const pruned = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([cm('stays', ns)]), prune: true, dryRun: false, timeoutMs: 30_000, allowMassPrune: true });
      assert.equal(pruned.phase, 'Succeeded', pruned.message);
      assert.deepEqual(pruned.resources.filter((r) => r.outcome === 'pruned').map((r) => r.name), ['plain', 'last'], 'PruneLast after the others');
      assert.match(pruned.resources.find((r) => r.name === 'keep')!.message!, /kept by sync option Delete=false/);
      // The app removed: nothing desired, every owned object pruned but the Delete=false one.
      const removed = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: [], prune: true, dryRun: false, timeoutMs: 30_000, allowMassPrune: true });
      assert.equal(removed.phase, 'Succeeded', removed.message);
      await t.waitGone('v1', 'ConfigMap', ns, 'stays');
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'keep'));
    } finally {
      await t.close();
    }
  });

  test(`[${backend.name}] sync options: an unknown option fails before any write at file:line`, async () => {
    const t = await backend.start();
    try {
      const ns = await t.namespace('opts');
      const app = t.unique('shop');
      // Validate=false turns the server's field validation off (fieldValidation=Ignore); server-side apply
      // still refuses a field its schema does not declare, so the write fails either way on both backends.
      const odd = withOptions({ ...cm('odd', ns), bogus: 1 } as KubeObject, 'Validate=false');
      const strict = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([odd]), prune: false, dryRun: false, timeoutMs: 30_000 });
      assert.equal(strict.phase, 'Failed');
      assert.match(strict.resources[0]!.message!, /bogus: field not declared in schema/);

      const bad = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([cm('fine', ns), withOptions(cm('typo', ns), 'Prune=flase')]), prune: false, dryRun: false, timeoutMs: 30_000 });
      assert.equal(bad.phase, 'Failed');
      const typo = bad.resources.find((r) => r.name === 'typo')!;
      assert.deepEqual(typo.source, { file: 'app.yaml', line: 11 });
      assert.match(typo.message!, /"Prune=flase" is not a sync option/);
      assert.equal(await t.get('v1', 'ConfigMap', ns, 'fine'), undefined);
    } finally {
      await t.close();
    }
  });
});
