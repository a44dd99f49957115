// Sync hooks on both backends (emulator and the real kube-apiserver): a Helm chart's pre-upgrade
// migration Job runs and succeeds before the Deployment changes; a failing PreSync hook stops the sync
// before any other write and the result names the Job and why; SyncFail hooks run when the sync fails;
// delete policies are honoured; hooks are never pruned and never shown as drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffApp, syncApp } from '../../src/sync/index.ts';
import { renderApp } from '../../src/render/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { writeTree } from '../support/write-tree.ts';
import { src } from './emulator-cluster.ts';

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'chart/values.yaml': 'tag: "1"\n',
  'chart/templates/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:{{ .Values.tag }}"}]}
`,
  'chart/templates/migrate.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-1"
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:{{ .Values.tag }}"}]
`,
  'chart/templates/smoke.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: smoke
  annotations: {helm.sh/hook: test}
spec: {containers: [{name: t, image: busybox}]}
`,
};

function job(name: string, ns: string, image: string, annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns, annotations },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } } },
  };
}

function configMap(name: string, ns: string, data: Record<string, string> = { a: '1' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

forEachBackend((backend) => {
  test(`[${backend.name}] hooks: a Helm pre-upgrade migration Job runs and succeeds before the Deployment changes; never drift, never pruned; Helm tests set aside`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 300 } });
    try {
      const ns = await t.namespace('hooks');
      const app = t.unique('shop');
      const root = writeTree(t.dir, CHART);
      const render = async (tag: string) => {
        const r = await renderApp({ root, path: 'chart', namespace: ns, helm: { set: [`tag=${tag}`] } });
        return [...r.objects, ...r.hooks];
      };
      const install = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: await render('1'), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(install.phase, 'Succeeded', install.message);
      const hook1 = install.resources.find((r) => r.hook);
      assert.deepEqual([hook1?.kind, hook1?.name, hook1?.hook, hook1?.outcome], ['Job', 'migrate', 'PreSync', 'applied']);
      assert.equal(install.resources.some((r) => r.name === 'smoke'), false, 'a Helm test hook is not run');
      assert.equal(await t.get('v1', 'Pod', ns, 'smoke'), undefined);
      const firstJob = await t.get('batch/v1', 'Job', ns, 'migrate');
      assert.ok(firstJob, 'the hook Job is kept (default policy BeforeHookCreation)');

      // Upgrade: while the sync runs, the Deployment must never show the new image before the new Job completed.
      let violation: string | undefined;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const d = await t.get('apps/v1', 'Deployment', ns, 'web');
          const image = (d?.spec as any)?.template?.spec?.containers?.[0]?.image;
          if (image === 'nginx:2') {
            const j = await t.get('batch/v1', 'Job', ns, 'migrate');
            const done = ((j?.status as any)?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');
            if (!j || j.metadata.uid === firstJob.metadata.uid || !done) violation ??= `Deployment changed while the migration Job was ${j ? (done ? 'the old one' : 'not complete') : 'missing'}`;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const upgrade = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: await render('2'), prune: true, dryRun: false, timeoutMs: 60_000 });
      watching = false;
      await watcher;
      assert.equal(upgrade.phase, 'Succeeded', upgrade.message);
      assert.equal(violation, undefined);
      const newJob = await t.get('batch/v1', 'Job', ns, 'migrate');
      assert.notEqual(newJob?.metadata.uid, firstJob.metadata.uid, 'BeforeHookCreation recreated the Job');
      assert.equal((newJob?.spec as any).template.spec.containers[0].image, 'migrate:2');
      // In the result too, the hook comes before the Deployment's write.
      const order = upgrade.resources.map((r) => `${r.kind}/${r.name}`);
      assert.ok(order.indexOf('Job/migrate') < order.indexOf('Deployment/web'), order.join(' '));
      assert.equal(upgrade.resources.find((r) => r.kind === 'Deployment')?.outcome, 'applied');

      // Never drift: the diff of the same render shows no Job.
      const d = await diffApp({ cluster: t.cluster, app, namespace: ns, desired: await render('2'), mode: 'local' });
      assert.deepEqual(d.resources.filter((r) => r.kind === 'Job'), []);
      // Never pruned: with the hook gone from the chart and prune on, the live Job stays.
      const withoutHook = (await render('2')).filter((o) => o.object.kind !== 'Job');
      const pruneRun = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: withoutHook, prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(pruneRun.phase, 'Succeeded', pruneRun.message);
      assert.equal(pruneRun.counts.pruned, 0);
      assert.equal((await t.get('batch/v1', 'Job', ns, 'migrate'))?.metadata.uid, newJob?.metadata.uid);
      // An in-sync app runs no hook and writes nothing.
      t.resetWrites();
      const again = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: await render('2'), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(again.phase, 'Succeeded', again.message);
      assert.equal(t.writes(), 0);
    } finally {
      await t.close();
    }
  });

  test(`[${backend.name}] hooks: a failing PreSync Job stops the sync before any other write and is named with its reason; HookFailed deletes it`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
    try {
      const ns = await t.namespace('hooks');
      const app = t.unique('shop');
      // The real control plane's kubelet runs /crash/ images to exit 1, so the Job controller fails the
      // Job; the emulator's pods with a /broken/ image never start, and the sync timeout ends the hook.
      const image = backend.name === 'real' ? 'crash:1' : 'broken:1';
      const desired = src([
        configMap('settings', ns),
        job('migrate', ns, image, { 'driftguard.dev/hook': 'PreSync', 'driftguard.dev/hook-delete-policy': 'HookFailed' }),
      ]);
      const r = await syncApp({ cluster: t.cluster, app, namespace: ns, desired, prune: false, dryRun: false, timeoutMs: backend.name === 'real' ? 60_000 : 3000 });
      assert.equal(r.phase, 'Failed');
      const hook = r.resources.find((x) => x.hook === 'PreSync')!;
      assert.equal(hook.outcome, 'failed');
      assert.match(hook.message!, new RegExp(`^PreSync hook Job.batch ${ns}/migrate`));
      if (backend.name === 'real') assert.match(hook.message!, /Job failed: BackoffLimitExceeded .*container "main" terminated: Error, exit code 1.*\(deleted: HookFailed\)/);
      else assert.match(hook.message!, /did not finish before the sync timeout; pod migrate-\w+: container "main" waiting: ImagePullBackOff/);
      assert.match(r.message, /sync failed: PreSync hook/);
      assert.equal(r.resources.find((x) => x.kind === 'ConfigMap')?.outcome, 'skipped');
      assert.equal(await t.get('v1', 'ConfigMap', ns, 'settings'), undefined, 'nothing else was applied');
      if (backend.name === 'real') {
        // HookFailed: the failed Job is deleted once its reason was read.
        await t.waitGone('batch/v1', 'Job', ns, 'migrate');
      }
    } finally {
      await t.close();
    }
  });

  test(`[${backend.name}] hooks: SyncFail hooks run when the sync fails, PostSync hooks only after a healthy sync; HookSucceeded deletes`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      const ns = await t.namespace('hooks');
      const app = t.unique('shop');
      const post = job('notify', ns, 'notify:1', { 'driftguard.dev/hook': 'PostSync', 'driftguard.dev/hook-delete-policy': 'HookSucceeded' });
      const onFail = configMap('sync-failed', ns, { why: 'alert' });
      onFail.metadata.annotations = { 'driftguard.dev/hook': 'SyncFail' };
      // A Service the API server rejects (an unknown type) fails the main phase.
      const bad: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { type: 'Bogus', ports: [{ port: 80 }] } };
      const failed = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([configMap('settings', ns), bad, post, onFail]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(failed.phase, 'Failed');
      assert.equal(failed.resources.find((x) => x.hook === 'SyncFail')?.outcome, 'applied', failed.message);
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'sync-failed'), 'the SyncFail hook ran');
      assert.equal(failed.resources.find((x) => x.hook === 'PostSync')?.outcome, 'skipped');
      assert.equal(await t.get('batch/v1', 'Job', ns, 'notify'), undefined);

      await t.remove('v1', 'ConfigMap', ns, 'sync-failed');
      const ok = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([configMap('settings', ns, { a: '2' }), post, onFail]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(ok.phase, 'Succeeded', ok.message);
      const notify = ok.resources.find((x) => x.hook === 'PostSync')!;
      assert.equal(notify.outcome, 'applied');
      assert.match(notify.message!, /Job completed \(deleted: HookSucceeded\)/);
      await t.waitGone('batch/v1', 'Job', ns, 'notify');
      assert.equal(ok.resources.some((x) => x.hook === 'SyncFail'), false);
      assert.equal(await t.get('v1', 'ConfigMap', ns, 'sync-failed'), undefined, 'no SyncFail hook on success');

      // A dry run lists the hooks a sync would run, and runs none.
      const dry = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([configMap('settings', ns, { a: '3' }), post, onFail]), prune: false, dryRun: true, timeoutMs: 60_000 });
      assert.deepEqual(dry.resources.filter((x) => x.hook).map((x) => `${x.hook} ${x.kind}/${x.name}`).sort(), ['PostSync Job/notify', 'SyncFail ConfigMap/sync-failed']);
      assert.equal(await t.get('batch/v1', 'Job', ns, 'notify'), undefined);
    } finally {
      await t.close();
    }
  });
});
