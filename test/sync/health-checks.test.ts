// The operator config's CEL health checks reach the sync's health wait and the diff's live health, on
// both backends (test/support/cluster-backend.ts): the emulator and the real kube-apiserver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { parseOperatorConfig } from '../../src/core/config/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { src } from './emulator-cluster.ts';

function widgetCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${group}` },
    spec: {
      group, scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  };
}

forEachBackend((backend) => {
  test(`[${backend.name}] sync: a CEL rule from the operator config decides a custom kind in the health wait; diff reports it as live health`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    const group = `${t.unique('w')}.example.com`;
    try {
      const shop = await t.namespace('shop');
      const app = t.unique('shop');
      const crd = await syncApp({ cluster: t.cluster, app: t.unique('platform'), desired: src([widgetCrd(group)]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(crd.phase, 'Succeeded', crd.message);
      const widget = (name: string, size: number): KubeObject => ({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name, namespace: shop }, spec: { size } });
      const desired = src([widget('small', 3), widget('huge', 40)]);
      const operator = parseOperatorConfig('operator.yml', `clusters: [{name: prod}]
projects: []
healthCheckExprs:
  - apiVersion: ${group}/v1
    kind: Widget
    failed: spec.size > 10
    current: spec.size <= 10
`);

      // Without the rule a Widget (no status) is Healthy by the generic rule.
      const plain = await syncApp({ cluster: t.cluster, app, namespace: shop, desired, prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(plain.health, 'Healthy', plain.message);
      assert.match(plain.resources.find((r) => r.name === 'huge')!.health!.message, /^generic rule: no status/);

      const r = await syncApp({ cluster: t.cluster, app, namespace: shop, desired, prune: false, dryRun: false, timeoutMs: 60_000, degradedSettleMs: 0, healthChecks: operator.healthChecks });
      assert.equal(r.health, 'Degraded', r.message);
      assert.deepEqual(r.resources.filter((x) => x.kind === 'Widget').map((x) => [x.name, x.health?.status, x.health?.message]).sort(), [
        ['huge', 'Degraded', 'health check operator.yml:4: failed is true'],
        ['small', 'Healthy', 'health check operator.yml:4: current is true'],
      ]);

      const d = await diffApp({ cluster: t.cluster, app, namespace: shop, desired, mode: 'local', healthChecks: operator.healthChecks });
      assert.equal(d.health, 'Degraded');
      assert.deepEqual(d.resourceHealth.filter((h) => h.status !== 'Healthy').map((h) => h.name), ['huge']);
    } finally {
      // Cluster-scoped, so not removed with the test's namespace on the shared real cluster.
      await t.remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `widgets.${group}`).catch(() => undefined);
      await t.close();
    }
  });
});
