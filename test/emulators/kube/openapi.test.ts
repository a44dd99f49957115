// OpenAPI v3 documents: component schemas generated from kubernetes-models, read by real kubectl 1.34
// (`kubectl explain`, client-side apply's strategic-merge patch metadata); custom resources from their CRD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { call, withEmulator } from './helpers.ts';

const KUBECTL = resolve('.tools/bin/kubectl');

function kubectl(dir: string, kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(KUBECTL, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig }, cwd: dir }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout, stderr });
    });
  });
}

test('documents carry component schemas with group-version-kinds, types, enums, required and patch metadata', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    const root = await call(e, 'GET', '/openapi/v3');
    const url = root.body.paths['apis/apps/v1'].serverRelativeURL as string;
    assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = (await call(e, 'GET', url)).body;
    const s = doc.components.schemas;
    assert.deepEqual(s['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    const spec = s['io.k8s.api.apps.v1.DeploymentSpec'];
    assert.deepEqual(spec.required, ['selector', 'template']);
    assert.deepEqual(spec.properties.replicas.type, 'integer');
    assert.deepEqual(spec.properties.strategy.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
    assert.equal(spec.properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.deepEqual(s['io.k8s.api.apps.v1.DeploymentStrategy'].properties.type.enum, ['Recreate', 'RollingUpdate']);
    const podSpec = s['io.k8s.api.core.v1.PodSpec'].properties;
    assert.equal(podSpec.containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(podSpec.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
    assert.deepEqual(s['io.k8s.api.core.v1.Container'].properties.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    assert.ok(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'referenced schemas of other groups are included');
    for (const [name, schema] of Object.entries<any>(s)) {
      for (const ref of JSON.stringify(schema).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(s[ref[1]!], `${name} refers to ${ref[1]} which is in the document`);
    }
    // A second request is the same (cached) document.
    assert.deepEqual((await call(e, 'GET', url)).body, doc);
  });
});

test('kubectl explain works for built-in kinds and custom resources; client-side apply still merges lists by key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-openapi-'));
  try {
    await withEmulator({ rollout: { readyDelayMs: 10 } }, async (e) => {
      const kc = e.writeKubeconfig(join(dir, 'kubeconfig'));
      const k = (...args: string[]) => kubectl(dir, kc, args);
      const strategy = await k('explain', 'deployment.spec.strategy');
      assert.equal(strategy.code, 0, strategy.stderr);
      assert.match(strategy.stdout, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
      assert.match(strategy.stdout, /FIELD: strategy <DeploymentStrategy>/);
      assert.match(strategy.stdout, /rollingUpdate\t<RollingUpdateDeployment>/);
      assert.match(strategy.stdout, /type\t<string>\n\s+enum: Recreate, RollingUpdate/);
      const ports = await k('explain', 'pods.spec.containers.ports');
      assert.match(ports.stdout, /containerPort\t<integer> -required-/);
      const missing = await k('explain', 'deployment.spec.nope');
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /field "nope" does not exist/);

      writeFileSync(join(dir, 'crd.yaml'), JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', description: 'A widget of the shop.', properties: { spec: { type: 'object', properties: { size: { type: 'integer', description: 'How big the widget is.' } } } } } } }],
        },
      }));
      assert.equal((await k('apply', '--server-side', '-f', 'crd.yaml')).code, 0);
      const widget = await k('explain', 'widgets.spec');
      assert.equal(widget.code, 0, widget.stderr);
      assert.match(widget.stdout, /size\t<integer>\n\s+How big the widget is\./);

      // Client-side apply computes its strategic merge patch from these schemas: a sidecar added by
      // someone else survives a re-apply (containers merge by name), as on a real cluster.
      writeFileSync(join(dir, 'app.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: nginx:1.27}
`);
      assert.equal((await k('apply', '-f', 'app.yaml')).code, 0);
      const sidecar = await k('patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1"}]}}}}');
      assert.equal(sidecar.code, 0, sidecar.stderr);
      writeFileSync(join(dir, 'app.yaml'), (await import('node:fs')).readFileSync(join(dir, 'app.yaml'), 'utf8').replace('nginx:1.27', 'nginx:1.28'));
      const again = await k('apply', '-f', 'app.yaml');
      assert.equal(again.code, 0, again.stderr);
      const live = (await call(e, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')).body;
      // the patch put its new item first and the apply's $setElementOrder keeps the live relative
      // order (apimachinery normalizeElementOrder; kube-apiserver agrees: differential.test.ts)
      assert.deepEqual(live.spec.template.spec.containers.map((c: any) => [c.name, c.image]), [['proxy', 'envoy:1'], ['app', 'nginx:1.28']]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
