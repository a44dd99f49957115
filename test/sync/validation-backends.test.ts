// Validation against a cluster's own schemas, on both backends (the emulator and the real
// kube-apiserver): `driftguard validate --context` reads /openapi/v3 (built-in kinds and installed
// CRDs) and the namespace's NetworkPolicies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/support.ts';
import { EXIT } from '../../src/cli/command.ts';
import { forEachBackend, type TestCluster } from '../support/cluster-backend.ts';

interface JsonOut {
  schemas: string | null;
  unchecked: string[];
  findings: Array<{ rule: string; message: string; path?: string; location?: { file: string; line: number } }>;
}

const misindented = readFileSync(new URL('../fixtures/policy/misindented.yaml', import.meta.url), 'utf8');

/** Poll (bounded) until the API server publishes the group-version in /openapi/v3: CRDs appear asynchronously. */
async function published(t: TestCluster, path: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const root = await t.cluster.http.request<{ paths?: Record<string, unknown> }>('GET', '/openapi/v3');
    if (root.paths?.[path]) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} never appeared in /openapi/v3`);
}

forEachBackend((backend) => {
  test(`[${backend.name}] validate --context: the cluster's schemas, its CRDs and its NetworkPolicies`, async () => {
    const t = await backend.start();
    const dir = mkdtempSync(join(tmpdir(), 'dg-validate-ctx-'));
    const group = `${t.unique('acme')}.example.com`;
    try {
      const ns = await t.namespace('shop');
      await t.put({
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widgets.${group}` },
        spec: {
          group, scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
        },
      });
      await published(t, `apis/${group}/v1`);
      writeFileSync(join(dir, 'deployment.yaml'), misindented);
      writeFileSync(join(dir, 'widget.yaml'), `apiVersion: ${group}/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: large\n`);
      const run = () => runCli(['validate', dir, '--root', dir, '--context', t.context, '--kubeconfig', t.kubeconfig, '-n', ns, '-o', 'json'], { cwd: dir });

      const r = await run();
      assert.equal(r.code, EXIT.FAILED, r.stderr);
      const j = JSON.parse(r.stdout) as JsonOut;
      assert.equal(j.schemas, 'cluster');
      assert.deepEqual(j.unchecked, []);
      const schema = j.findings.filter((f) => f.rule === 'schema').map((f) => [f.location?.file, f.location?.line, f.path] as const)
        .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! - b[1]!));
      assert.deepEqual(schema, [
        ['deployment.yaml', 7, 'spec'], // selector is required
        ['deployment.yaml', 8, 'spec.replicas'],
        ['deployment.yaml', 17, 'spec.template.spec.containers[0].imagePullPolicy'],
        ['deployment.yaml', 18, 'spec.template.spec.ports'],
        ['widget.yaml', 5, 'spec.size'], // against the installed CRD's schema
      ]);
      assert.match(j.findings.find((f) => f.path === 'spec.template.spec.ports')!.message, /did you mean it under `containers\[0\]`\?/);
      assert.match(j.findings.find((f) => f.rule === 'network-policy')!.message, /neither in this app nor in the cluster/);

      // A NetworkPolicy in the namespace, made outside the app, counts.
      await t.put({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: ns }, spec: { podSelector: {} } });
      const again = JSON.parse((await run()).stdout) as JsonOut;
      assert.equal(again.findings.filter((f) => f.rule === 'network-policy').length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await t.remove('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, `widgets.${group}`).catch(() => undefined);
      await t.close();
    }
  });
});
