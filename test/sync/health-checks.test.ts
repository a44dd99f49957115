// The operator config's CEL health checks reach the sync's health wait and the plan's live health,
// against the Kubernetes API emulator over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { parseOperatorConfig } from '../../src/core/config/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { ns, src, startTestCluster } from './emulator-cluster.ts';

const widgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};
const widget = (name: string, size: number): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'shop' }, spec: { size } });

const operator = parseOperatorConfig('operator.yml', `clusters: [{name: prod}]
projects: []
healthCheckExprs:
  - apiVersion: example.com/v1
    kind: Widget
    failed: spec.size > 10
    current: spec.size <= 10
`);

test('sync: a CEL rule from the operator config decides a custom kind in the health wait; diff reports it as live health', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 5 } });
  try {
    const crd = await syncApp({ cluster: t.cluster, app: 'platform', desired: src([widgetCrd]), prune: false, dryRun: false, timeoutMs: 10_000 });
    assert.equal(crd.phase, 'Succeeded', crd.message);
    const desired = src([ns('shop'), widget('small', 3), widget('huge', 40)]);
    // Without the rule a Widget (no status) is Healthy by the generic rule.
    const plain = await syncApp({ cluster: t.cluster, app: 'shop', desired, prune: false, dryRun: false, timeoutMs: 10_000 });
    assert.equal(plain.health, 'Healthy', plain.message);
    assert.match(plain.resources.find((r) => r.name === 'huge')!.health!.message, /^generic rule: no status/);

    const r = await syncApp({ cluster: t.cluster, app: 'shop', desired, prune: false, dryRun: false, timeoutMs: 10_000, degradedSettleMs: 0, healthChecks: operator.healthChecks });
    assert.equal(r.health, 'Degraded', r.message);
    assert.deepEqual(r.resources.filter((x) => x.kind === 'Widget').map((x) => [x.name, x.health?.status, x.health?.message]).sort(), [
      ['huge', 'Degraded', 'health check operator.yml:4: failed is true'],
      ['small', 'Healthy', 'health check operator.yml:4: current is true'],
    ]);

    const d = await diffApp({ cluster: t.cluster, app: 'shop', desired, mode: 'local', healthChecks: operator.healthChecks });
    assert.equal(d.health, 'Degraded');
    assert.deepEqual(d.resourceHealth.filter((h) => h.status !== 'Healthy').map((h) => h.name), ['huge']);
  } finally {
    await t.close();
  }
});
