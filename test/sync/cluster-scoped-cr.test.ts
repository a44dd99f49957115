// Cluster-scoped custom resources with a namespace in the desired copy: matched by name, the namespace
// ignored with a warning — from discovery on both backends (emulator, real kube-apiserver), and from
// the live object offline (`driftguard diff --live`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncApp } from '../../src/sync/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { writeTree } from '../support/write-tree.ts';
import { runCli } from '../cli/support.ts';
import { src } from './emulator-cluster.ts';

function clusterCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `tenants.${group}` },
    spec: {
      group, scope: 'Cluster', names: { plural: 'tenants', singular: 'tenant', kind: 'Tenant', listKind: 'TenantList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  };
}

forEachBackend((backend) => {
  test(`[${backend.name}] a cluster-scoped custom resource with a namespace in git is applied by name, with a warning, and is then in sync`, async () => {
    const t = await backend.start();
    const group = `${t.unique('t')}.example.com`;
    try {
      const ns = await t.namespace('tenants');
      const crd = await syncApp({ cluster: t.cluster, app: t.unique('platform'), desired: src([clusterCrd(group)]), prune: false, dryRun: false, timeoutMs: 60_000 });
      assert.equal(crd.phase, 'Succeeded', crd.message);
      const name = t.unique('acme');
      const tenant: KubeObject = { apiVersion: `${group}/v1`, kind: 'Tenant', metadata: { name, namespace: ns }, spec: { size: 1 } };
      const app = t.unique('tenants');
      const r = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([tenant]), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(r.phase, 'Succeeded', r.message);
      const res = r.resources.find((x) => x.kind === 'Tenant')!;
      assert.equal(res.namespace, '');
      assert.equal(res.message, `Tenant ${name} is cluster-scoped; its namespace "${ns}" in the desired copy is ignored`);
      assert.ok(await t.get(`${group}/v1`, 'Tenant', undefined, name));
      const again = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([tenant]), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(again.counts.unchanged, 1, again.message);
      assert.equal(again.counts.pruned, 0);
      await t.remove(`${group}/v1`, 'Tenant', undefined, name);
    } finally {
      await t.remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `tenants.${group}`).catch(() => undefined);
      await t.close();
    }
  });
});

test('diff --live: the live object decides that a custom kind is cluster-scoped; the desired namespace is ignored with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-cluster-cr-'));
  try {
    writeTree(dir, {
      'app/tenant.yaml': 'apiVersion: example.com/v1\nkind: Tenant\nmetadata: {name: acme, namespace: shop}\nspec: {size: 1}\n',
      'live.yaml': 'apiVersion: example.com/v1\nkind: Tenant\nmetadata: {name: acme}\nspec: {size: 1}\n',
    });
    const r = await runCli(['diff', 'app', '--live', 'live.yaml', '-o', 'json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { summary: Record<string, number> };
    assert.deepEqual([out.summary.create, out.summary.update, out.summary.delete], [0, 0, 0]);
    assert.match(r.stderr, /^warning: Tenant acme is cluster-scoped \(live object\); its namespace "shop" in the desired copy is ignored \(app\/tenant.yaml:1\)$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
