// Round trips that once failed because the emulator differed from a real API server (findings F1–F4):
// real kubectl and our sync against the emulator, checking it now answers as kube-apiserver 1.34 does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster } from '../sync/emulator-cluster.ts';
import { diffBoth, kubectl, render, sync } from './support.ts';

const hello = { repo: 'kubernetes-sigs-kustomize', path: 'examples/helloWorld/overlays/dev', namespace: 'hello' };

async function synced() {
  const desired = await render(hello);
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  await kubectl(t, ['create', 'namespace', hello.namespace]);
  const r = await sync(t, hello.namespace, hello.namespace, desired);
  assert.equal(r.phase, 'Succeeded', r.message);
  return { t, desired };
}

// F1: a real API server rejects an EnvVar with both value and valueFrom (core validation, validateEnvVarValueFrom).
test('F1 kubectl set env on a valueFrom variable, then sync: the server rejects the merged env var (422)', async () => {
  const { t, desired } = await synced();
  try {
    await kubectl(t, ['-n', 'hello', 'set', 'env', 'deployment/dev-the-deployment', 'ALT_GREETING=hi']);
    const d = await diffBoth(t, 'hello', 'hello', desired);
    assert.match(d.server.errors.map((e) => e.message).join('\n'), /valueFrom: Invalid value: "": may not be specified when `value` is not empty/);
    const r = await sync(t, 'hello', 'hello', desired);
    assert.equal(r.phase, 'Failed');
    const dep = r.resources.find((x) => x.kind === 'Deployment')!;
    assert.equal(dep.outcome, 'failed');
    assert.match(dep.message ?? '', /may not be specified when `value` is not empty/);
  } finally {
    await t.close();
  }
});

// F2: pkg/registry/core/service/storage/storage.go dropTypeDependentFields: switching type away from
// LoadBalancer wipes the auto-allocated nodePorts, allocateLoadBalancerNodePorts, externalTrafficPolicy
// and the load-balancer status.
test('F2 kubectl patch Service type LoadBalancer → ClusterIP drops type-dependent fields', async () => {
  const { t } = await synced();
  try {
    await kubectl(t, ['-n', 'hello', 'patch', 'service/dev-the-service', '-p', '{"spec":{"type":"ClusterIP"}}']);
    const svc = t.emu.getObject('v1', 'Service', 'hello', 'dev-the-service')!;
    const spec = svc.spec as Record<string, any>;
    assert.equal(spec.type, 'ClusterIP');
    assert.equal(spec.ports[0].nodePort, undefined, 'nodePort released');
    assert.equal(spec.allocateLoadBalancerNodePorts, undefined);
    assert.equal(spec.externalTrafficPolicy, undefined);
    assert.deepEqual(svc.status, { loadBalancer: {} });
  } finally {
    await t.close();
  }
});

// F3: kubectl autoscale (1.34 and 1.32) sends the HPA as protobuf; a real server accepts it.
test('F3 kubectl autoscale creates an HPA (protobuf body)', async () => {
  const { t } = await synced();
  try {
    await kubectl(t, ['-n', 'hello', 'autoscale', 'deployment/dev-the-deployment', '--min=2', '--max=4', '--cpu=80%']);
    assert.ok(t.emu.getObject('autoscaling/v2', 'HorizontalPodAutoscaler', 'hello', 'dev-the-deployment'));
  } finally {
    await t.close();
  }
});

// F4: kubectl explain reads components.schemas (with x-kubernetes-group-version-kind) from /openapi/v3.
test('F4 kubectl explain deployment.spec.strategy', async () => {
  const t = await startTestCluster();
  try {
    const out = await kubectl(t, ['explain', 'deployment.spec.strategy']);
    assert.match(out, /FIELD: strategy/);
    assert.match(out, /rollingUpdate/);
  } finally {
    await t.close();
  }
});
