// The sync side of a project's bounds (issue 10 failure 1) on both backends: a change that writes to
// kube-system, to another namespace and a ClusterRoleBinding to cluster-admin is refused before any
// write; its revert syncs; owned objects already outside the bounds are neither pruned nor written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';
import { withOwnership } from '../../src/core/ownership.ts';
import { projectBounds } from '../../src/core/policy/bounds.ts';
import { syncApp } from '../../src/sync/sync-app.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { cm, deploy } from './emulator-cluster.ts';

const binding = (name: string, ns: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
});
const sourced = (objects: KubeObject[]): SourcedObject[] => objects.map((object, i) => ({ object, source: { file: 'app.yaml', line: 1 + i * 20 } }));

forEachBackend((backend) => {
  test(`[${backend.name}] bounds: an escaping change is refused before any write, its revert syncs, escaped objects are left alone`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    const app = t.unique('shop');
    const shop = await t.namespace('shop');
    const other = await t.namespace('other');
    const sneaky = t.unique('sneaky');
    const admin = t.unique('shop-admin');
    const bounds = projectBounds(parseOperatorConfig('operator.yml', `clusters: [{name: dev}]\nprojects:\n  - {name: dev, repos: ["*/*"], destinations: [{cluster: dev, namespaces: [${shop}]}]}\n`), 'dev', 'dev')!;
    const sync = (objects: KubeObject[]) => syncApp({ cluster: t.cluster, app, namespace: shop, desired: sourced(objects), prune: true, dryRun: false, timeoutMs: 60_000, bounds });
    const good = [cm('settings', shop, { v: '1' }), deploy('api', shop, 'nginx:1.27', 1)];
    try {
      const first = await sync(good);
      assert.equal(first.phase, 'Succeeded', first.message);

      t.resetWrites();
      const refused = await sync([cm('settings', shop, { v: '2' }), deploy('api', shop, 'nginx:1.27', 1), cm(sneaky, 'kube-system'), deploy('elsewhere', other), binding(admin, shop)]);
      assert.equal(refused.phase, 'Failed');
      assert.equal(refused.message, '3 resource(s) outside the bounds of project "dev"; nothing was written');
      assert.deepEqual(refused.resources.filter((r) => r.outcome === 'failed').map((r) => [r.kind, r.name, r.source?.line, /\(project "dev", rule (destinations|allowedClusterKinds)\)/.test(r.message ?? '')]), [
        ['ConfigMap', sneaky, 41, true], ['Deployment', 'elsewhere', 61, true], ['ClusterRoleBinding', admin, 81, true],
      ]);
      assert.equal(t.writes(), 0, 'not one mutating request');
      assert.equal(await t.get('v1', 'ConfigMap', 'kube-system', sneaky), undefined);
      assert.equal(await t.get('apps/v1', 'Deployment', other, 'elsewhere'), undefined);
      assert.equal(await t.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, admin), undefined);
      assert.deepEqual((await t.get('v1', 'ConfigMap', shop, 'settings'))?.data, { v: '1' });

      const reverted = await sync(good);
      assert.equal(reverted.phase, 'Succeeded', reverted.message);

      // Left by an unbounded sync: labelled and tracked as the app's own. Three prunes of five owned
      // objects would be a refused mass prune; outside the bounds they are no prunes at all.
      for (const o of [cm(sneaky, 'kube-system'), cm('elsewhere', other), binding(admin, shop)]) await t.put(withOwnership(o, app));
      const before = (await t.get('v1', 'ConfigMap', 'kube-system', sneaky))!.metadata.resourceVersion;
      const kept = await sync([cm('settings', shop, { v: '3' }), deploy('api', shop, 'nginx:1.27', 1)]);
      assert.equal(kept.phase, 'Succeeded', kept.message);
      assert.deepEqual(kept.resources.filter((r) => r.outcome === 'skipped').map((r) => `${r.kind} ${r.name}`).sort(), [`ClusterRoleBinding ${admin}`, `ConfigMap ${sneaky}`, 'ConfigMap elsewhere'].sort());
      assert.ok(kept.resources.filter((r) => r.outcome === 'skipped').every((r) => /^outside the bounds: .*never prunes or writes it/.test(r.message ?? '')));
      assert.equal((await t.get('v1', 'ConfigMap', 'kube-system', sneaky))!.metadata.resourceVersion, before);
      assert.ok(await t.get('v1', 'ConfigMap', other, 'elsewhere'));
      assert.ok(await t.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, admin));
      assert.deepEqual((await t.get('v1', 'ConfigMap', shop, 'settings'))?.data, { v: '3' });
    } finally {
      await t.remove('v1', 'ConfigMap', 'kube-system', sneaky).catch(() => false);
      await t.remove('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, admin).catch(() => false);
      await t.close();
    }
  });
});
