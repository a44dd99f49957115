// Real kubectl 1.34 (.tools/bin/kubectl) against the emulator: apply --server-side, get (table and
// YAML), scale, diff (exit codes), patch (three types), create (protobuf bodies), edit, rollout
// status, auth can-i, delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { withEmulator } from './helpers.ts';
import type { KubeEmulator } from '../../../emulators/kube/index.ts';

const KUBECTL = resolve('.tools/bin/kubectl');

interface Run { code: number; stdout: string; stderr: string }

function kubectlIn(dir: string, kubeconfig: string) {
  return (args: string[], env: Record<string, string> = {}): Promise<Run> => new Promise((res) => {
    // Async on purpose: the emulator serves from this same process.
    execFile(KUBECTL, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig, ...env }, cwd: dir }, (err, stdout, stderr) => {
      res({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout, stderr });
    });
  });
}

async function withKubectl(fn: (k: ReturnType<typeof kubectlIn>, e: KubeEmulator, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-kubectl-'));
  try {
    await withEmulator({ rollout: { readyDelayMs: 20 } }, async (e) => {
      await fn(kubectlIn(dir, e.writeKubeconfig(join(dir, 'kubeconfig'))), e, dir);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const APP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 1024Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - port: 80
`;

const ok = (r: Run, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);

test('kubectl apply --server-side, get, scale, diff, rollout status and delete', async () => {
  await withKubectl(async (k, e, dir) => {
    writeFileSync(join(dir, 'app.yaml'), APP);
    const applied = await k(['apply', '--server-side', '-f', 'app.yaml']);
    ok(applied, 'apply');
    assert.deepEqual(applied.stdout.trim().split('\n'), ['namespace/shop serverside-applied', 'deployment.apps/web serverside-applied', 'service/web serverside-applied']);

    ok(await k(['-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=20s']), 'rollout status');
    const table = await k(['-n', 'shop', 'get', 'deployments']);
    ok(table, 'get table');
    const [header, row] = table.stdout.trim().split('\n');
    assert.deepEqual(header!.split(/\s+/), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    assert.deepEqual(row!.split(/\s+/).slice(0, 4), ['web', '2/2', '2', '2']);

    const yaml = await k(['-n', 'shop', 'get', 'deployment', 'web', '-o', 'yaml']);
    ok(yaml, 'get yaml');
    const live = YAML.parse(yaml.stdout);
    assert.equal(live.spec.template.spec.containers[0].resources.requests.memory, '1Gi', 'quantities canonicalized');
    assert.equal(live.spec.strategy.type, 'RollingUpdate');

    assert.equal((await k(['diff', '-f', 'app.yaml'])).code, 0, 'in sync: diff exits 0');
    ok(await k(['-n', 'shop', 'scale', 'deployment/web', '--replicas=4']), 'scale');
    assert.equal((e.getObject('apps/v1', 'Deployment', 'shop', 'web')!.spec as any).replicas, 4);
    const drift = await k(['diff', '-f', 'app.yaml']);
    assert.equal(drift.code, 1, `drift: diff exits 1 (${drift.stderr})`);
    assert.match(drift.stdout, /^-\s+replicas: 4$/m);
    assert.match(drift.stdout, /^\+\s+replicas: 2$/m);

    const conflict = await k(['apply', '--server-side', '-f', 'app.yaml']);
    assert.notEqual(conflict.code, 0, 'the scale took ownership of spec.replicas');
    assert.match(conflict.stderr, /conflict with "kubectl[^"]*".*\.spec\.replicas/);
    ok(await k(['apply', '--server-side', '--force-conflicts', '-f', 'app.yaml']), 'forced apply');
    assert.equal((await k(['diff', '--server-side', '--force-conflicts', '-f', 'app.yaml'])).code, 0);

    // Roll forward and back: undo re-adopts the first ReplicaSet under a new revision.
    ok(await k(['-n', 'shop', 'set', 'image', 'deployment/web', 'nginx=nginx:1.28']), 'set image');
    ok(await k(['-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=20s']), 'rollout status 2');
    ok(await k(['-n', 'shop', 'rollout', 'undo', 'deployment/web']), 'undo');
    ok(await k(['-n', 'shop', 'rollout', 'status', 'deployment/web', '--timeout=20s']), 'rollout status 3');
    assert.equal((e.getObject('apps/v1', 'Deployment', 'shop', 'web')!.spec as any).template.spec.containers[0].image, 'nginx:1.27');
    const revisions = e.listObjects('apps/v1', 'ReplicaSet', 'shop').map((rs: any) => `${rs.metadata.annotations['deployment.kubernetes.io/revision']}:${rs.spec.replicas}`).sort();
    assert.deepEqual(revisions, ['2:0', '3:2']);

    const del = await k(['-n', 'shop', 'delete', 'deployment', 'web']);
    ok(del, 'delete');
    assert.match(del.stdout, /deployment\.apps "web" deleted/);
    const missing = await k(['-n', 'shop', 'get', 'deployment', 'web']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): deployments\.apps "web" not found/);
    ok(await k(['delete', 'namespace', 'shop', '--wait=true', '--timeout=20s']), 'delete namespace');
    assert.equal(e.getObject('v1', 'Namespace', undefined, 'shop'), undefined);
  });
});

test('kubectl patch, create (protobuf), edit and get -o json', async () => {
  await withKubectl(async (k, e, dir) => {
    ok(await k(['create', 'namespace', 'team']), 'create namespace (protobuf body)');
    ok(await k(['-n', 'team', 'create', 'configmap', 'cfg', '--from-literal=color=blue']), 'create configmap');
    ok(await k(['-n', 'team', 'create', 'deployment', 'api', '--image=busybox:1.36', '--replicas=2']), 'create deployment');
    const ns: any = e.getObject('v1', 'Namespace', undefined, 'team');
    assert.equal(ns.metadata.labels['kubernetes.io/metadata.name'], 'team');

    const patches: Array<[string, string, (d: any) => unknown, unknown]> = [
      ['strategic', '{"spec":{"template":{"spec":{"containers":[{"name":"busybox","image":"busybox:1.37"}]}}}}', (d) => d.spec.template.spec.containers.map((c: any) => c.image), ['busybox:1.37']],
      ['merge', '{"metadata":{"labels":{"tier":"api"}}}', (d) => d.metadata.labels.tier, 'api'],
      ['json', '[{"op":"replace","path":"/spec/replicas","value":3}]', (d) => d.spec.replicas, 3],
    ];
    for (const [type, body, pick, want] of patches) {
      ok(await k(['-n', 'team', 'patch', 'deployment', 'api', '--type', type, '-p', body]), `patch ${type}`);
      assert.deepEqual(pick(e.getObject('apps/v1', 'Deployment', 'team', 'api')), want, type);
    }

    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/color: blue/color: green/" "$1"\n');
    chmodSync(editor, 0o755);
    ok(await k(['-n', 'team', 'edit', 'configmap', 'cfg'], { EDITOR: editor, KUBE_EDITOR: editor }), 'edit');
    const cfg: any = e.getObject('v1', 'ConfigMap', 'team', 'cfg');
    assert.equal(cfg.data.color, 'green');
    assert.ok(cfg.metadata.managedFields.some((m: any) => m.manager === 'kubectl-edit'), 'edit is recorded as kubectl-edit');

    const json = await k(['-n', 'team', 'get', 'configmaps', '-o', 'json']);
    ok(json, 'get -o json');
    assert.deepEqual(JSON.parse(json.stdout).items.map((i: any) => i.metadata.name), ['cfg', 'kube-root-ca.crt']);
    writeFileSync(join(dir, 'typo.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: team\ndata: {a: "1"}\nspec: {}\n');
    const typo = await k(['apply', '-f', 'typo.yaml']);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /strict decoding error: unknown field "spec"/);
    ok(await k(['-n', 'team', 'rollout', 'status', 'deployment/api', '--timeout=20s']), 'rollout status');
    const logs = await k(['-n', 'team', 'logs', 'deployment/api']);
    ok(logs, 'logs');
    assert.match(logs.stdout, /runs no process/);
    const canI = await k(['auth', 'can-i', 'create', 'deployments', '-n', 'team']);
    ok(canI, 'auth can-i');
    assert.equal(canI.stdout.trim(), 'yes');
    const resources = await k(['api-resources', '--api-group=apps', '-o', 'name']);
    ok(resources, 'api-resources');
    assert.deepEqual(resources.stdout.trim().split('\n').sort(), ['controllerrevisions.apps', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps']);
  });
});
