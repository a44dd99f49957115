// The chart that deploys Driftguard itself, checked with the real helm binary and validated against
// the Kubernetes schemas (kubernetes-models).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..');
const helm = join(root, '.tools', 'bin', 'helm');
const chart = join(root, 'helm', 'driftguard');

interface Obj { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any }

function run(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(helm, args, { encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: '/tmp/dg-helm-cache', HELM_CONFIG_HOME: '/tmp/dg-helm-config' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function template(...set: string[]): Obj[] {
  const r = run(['template', 'dg', chart, '--namespace', 'driftguard', ...set.flatMap((s) => ['--set', s])]);
  assert.equal(r.code, 0, r.err);
  return parseAllDocuments(r.out).map((d) => d.toJS()).filter(Boolean) as Obj[];
}

async function validate(o: Obj): Promise<void> {
  // kubernetes-models is laid out by apiVersion: `v1`, `apps/v1`, `rbac.authorization.k8s.io/v1`.
  const ns = await import(`kubernetes-models/${o.apiVersion}`);
  const Model = ns[o.kind];
  assert.ok(Model, `no model for ${o.apiVersion} ${o.kind}`);
  new Model(o).validate();
}

const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} not rendered`);
  return o;
};

test('helm lint passes', () => {
  const r = run(['lint', chart]);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

test('default render: every object is schema-valid and wired together', async () => {
  const objs = template();
  for (const o of objs) await validate(o);
  const kinds = objs.map((o) => o.kind).sort();
  assert.deepEqual(kinds, ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'Deployment', 'Secret', 'Service', 'ServiceAccount']);

  const web = find(objs, 'Deployment', 'dg-driftguard-web').spec.template.spec;
  const worker = find(objs, 'Deployment', 'dg-driftguard-worker');
  assert.equal(worker.spec.replicas, 2);
  // The image runs compiled JavaScript (dist/, built by `npm ci`'s prepare, see the Dockerfile) with node
  // itself as the container's process; the entry points exist in a build (npm test builds dist/ first).
  assert.deepEqual(worker.spec.template.spec.containers[0].command, ['node', 'dist/workers/main.js']);
  const c = web.containers[0];
  assert.deepEqual(c.command, ['node', 'dist/src/web/main.js']);
  for (const entry of [c.command[1], worker.spec.template.spec.containers[0].command[1]]) assert.ok(existsSync(join(root, entry)), `${entry} is not built`);
  assert.equal(c.ports[0].containerPort, 3000);
  assert.equal(c.readinessProbe.httpGet.path, '/healthz');

  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
  for (const k of ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET']) {
    assert.deepEqual(env[k].valueFrom.secretKeyRef, { name: 'dg-driftguard-github', key: k });
  }
  assert.ok(env.REDIS_URL.value.startsWith('redis://'));
  // DRIFTGUARD_CONFIG names a file that the ConfigMap mount really provides.
  const path: string = env.DRIFTGUARD_CONFIG.value;
  const mount = c.volumeMounts.find((m: any) => m.name === 'config');
  const cm = find(objs, 'ConfigMap', 'dg-driftguard-config');
  assert.equal(`${mount.mountPath}/${Object.keys(cm.data)[0]}`, path);
  assert.match(cm.data['config.yaml'], /clusters:\n- inCluster: true\n  name: in-cluster/);

  const svc = find(objs, 'Service', 'dg-driftguard');
  assert.equal(svc.spec.ports[0].targetPort, 'http');
  assert.deepEqual(svc.spec.selector, find(objs, 'Deployment', 'dg-driftguard-web').spec.selector.matchLabels);

  const role = find(objs, 'ClusterRole', 'dg-driftguard');
  for (const v of ['get', 'list', 'watch', 'create', 'patch', 'delete']) assert.ok(role.rules[0].verbs.includes(v), v);
  const binding = find(objs, 'ClusterRoleBinding', 'dg-driftguard');
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'dg-driftguard', namespace: 'driftguard' }]);
});

test('namespaced RBAC: a Role per namespace plus read-only discovery', async () => {
  const objs = template('rbac.scope=namespaced', 'rbac.namespaces={web,api}', 'github.existingSecret=gh-app', 'redis.existingSecret=redis');
  for (const o of objs) await validate(o);
  const roles = objs.filter((o) => o.kind === 'Role').map((o) => o.metadata.namespace).sort();
  assert.deepEqual(roles, ['api', 'web']);
  assert.ok(!objs.some((o) => o.kind === 'Secret'), 'an existing Secret is referenced, not created');
  const discovery = find(objs, 'ClusterRole', 'dg-driftguard-discovery');
  assert.ok(discovery.rules.every((r: any) => !r.verbs.some((v: string) => ['create', 'patch', 'delete'].includes(v))));
  const env = find(objs, 'Deployment', 'dg-driftguard-worker').spec.template.spec.containers[0].env;
  assert.deepEqual(env.find((e: any) => e.name === 'APP_ID').valueFrom.secretKeyRef, { name: 'gh-app', key: 'APP_ID' });
  assert.deepEqual(env.find((e: any) => e.name === 'REDIS_URL').valueFrom.secretKeyRef, { name: 'redis', key: 'REDIS_URL' });
});

test('namespaced RBAC without namespaces fails with a clear message', () => {
  const r = run(['template', 'dg', chart, '--set', 'rbac.scope=namespaced']);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /rbac\.scope=namespaced needs rbac\.namespaces/);
});

test('bundled Redis persists (AOF on a PVC), never evicts, is reachable only by Driftguard, and is what both processes use', async () => {
  const objs = template('redis.bundled.enabled=true', 'redis.bundled.maxmemory=512mb', 'redis.bundled.persistence.storageClass=fast');
  for (const o of objs) await validate(o);
  const sts = find(objs, 'StatefulSet', 'dg-driftguard-redis');
  const c = sts.spec.template.spec.containers[0];
  const args: string[] = c.args;
  const arg = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(arg('--appendonly'), 'yes');
  assert.equal(arg('--maxmemory-policy'), 'noeviction');
  assert.equal(arg('--maxmemory'), '512mb');
  assert.equal(arg('--dir'), '/data');
  const claim = sts.spec.volumeClaimTemplates[0];
  assert.equal(c.volumeMounts.find((m: any) => m.mountPath === '/data').name, claim.metadata.name);
  assert.equal(claim.spec.storageClassName, 'fast');

  const svc = find(objs, 'Service', 'dg-driftguard-redis');
  assert.deepEqual(svc.spec.selector, sts.spec.selector.matchLabels);
  for (const name of ['dg-driftguard-web', 'dg-driftguard-worker']) {
    const env = find(objs, 'Deployment', name).spec.template.spec.containers[0].env;
    assert.equal(env.find((e: any) => e.name === 'REDIS_URL').value, 'redis://dg-driftguard-redis:6379', name);
  }
  const policy = find(objs, 'NetworkPolicy', 'dg-driftguard-redis');
  assert.deepEqual(policy.spec.podSelector.matchLabels, sts.spec.selector.matchLabels);
  const allowed = policy.spec.ingress[0].from[0].podSelector.matchLabels;
  for (const name of ['dg-driftguard-web', 'dg-driftguard-worker']) {
    const labels = find(objs, 'Deployment', name).spec.template.metadata.labels;
    for (const [k, v] of Object.entries(allowed)) assert.equal(labels[k], v, `${name} is admitted by the NetworkPolicy`);
  }
});
