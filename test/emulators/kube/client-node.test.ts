// @kubernetes/client-node against the emulator: typed and generic clients, server-side apply,
// errors as ApiException with the Status body, watch, and the informer cache (list + watch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { withEmulator } from './helpers.ts';

function clients(kubeconfigText: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfigText);
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), objects: k8s.KubernetesObjectApi.makeApiClient(kc) };
}

test('client-node: CRUD, server-side apply, errors and watch', async () => {
  await withEmulator({ rollout: { readyDelayMs: 10 } }, async (e) => {
    const { kc, core, apps, objects } = clients(e.kubeconfig());
    assert.equal(kc.getCurrentContext(), 'driftguard-dev');
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    const cm = await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    assert.equal(cm.metadata?.name, 'cfg');

    await assert.rejects(core.readNamespacedConfigMap({ name: 'ghost', namespace: 'shop' }), (err: any) => {
      assert.equal(err.code, 404);
      assert.equal(JSON.parse(err.body).reason, 'NotFound');
      return true;
    });

    const applied = await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } } as k8s.KubernetesObject,
      undefined, undefined, 'driftguard', true, k8s.PatchStrategy.ServerSideApply,
    );
    assert.equal((applied as any).spec.strategy.type, 'RollingUpdate');
    const list = await apps.listNamespacedDeployment({ namespace: 'shop' });
    assert.deepEqual(list.items.map((d) => d.metadata?.name), ['web']);
    assert.ok(list.metadata?.resourceVersion);

    const seen: string[] = [];
    const watcher = new k8s.Watch(kc);
    let req: { abort(): void } | undefined;
    const got = new Promise<void>((res, rej) => {
      void watcher.watch('/api/v1/namespaces/shop/configmaps', { resourceVersion: list.metadata!.resourceVersion }, (type, obj) => {
        seen.push(`${type} ${obj.metadata?.name}`);
        if (type === 'DELETED') res();
      }, (err) => { if (err && seen.length === 0) rej(err); }).then((r) => { req = r; }, rej);
    });
    // The watch starts from the list's resourceVersion, so events written before it connects are replayed.
    await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'new' } } });
    await core.deleteNamespacedConfigMap({ name: 'new', namespace: 'shop' });
    await got;
    req?.abort();
    assert.deepEqual(seen, ['ADDED new', 'DELETED new']);
  });
});

test('client-node informer lists then follows changes', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    const { kc, core } = clients(e.kubeconfig());
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'before' } } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/shop/configmaps', () => core.listNamespacedConfigMap({ namespace: 'shop' }));
    const added: string[] = [];
    const after = new Promise<void>((res) => informer.on('add', (o) => { added.push(o.metadata!.name!); if (o.metadata?.name === 'after') res(); }));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'after' } } });
    await after;
    await informer.stop();
    assert.deepEqual(added, ['before', 'after']);
    assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['after', 'before']);
  });
});
