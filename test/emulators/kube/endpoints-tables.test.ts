// Endpoints/EndpointSlices follow the pods a Service selects; quota and disruption-budget status are
// computed; Role, RoleBinding, ResourceQuota, PodDisruptionBudget, Endpoints and EndpointSlice
// tables carry the columns of kube-apiserver's printers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, deployment, withEmulator } from './helpers.ts';
import type { KubeEmulator } from '../../../emulators/kube/index.ts';

const TABLE = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
const table = async (e: KubeEmulator, path: string) => {
  const r = await call(e, 'GET', path, undefined, TABLE);
  assert.equal(r.status, 200, r.text);
  return { columns: r.body.columnDefinitions.map((c: any) => c.name), rows: r.body.rows.map((x: any) => x.cells) };
};

test('a Service gets Endpoints and an EndpointSlice of its ready pods, kept up to date', async () => {
  await withEmulator({ rollout: { readyDelayMs: 0 } }, async (e) => {
    await createNamespace(e, 'shop');
    const web = deployment('web', { replicas: 2 });
    web.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
    assert.equal((await call(e, 'POST', '/apis/apps/v1/namespaces/shop/deployments', web)).status, 201);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
    assert.equal((await call(e, 'POST', '/api/v1/namespaces/shop/services', svc)).status, 201);
    e.tick();
    await e.settle();
    const pods = (await call(e, 'GET', '/api/v1/namespaces/shop/pods')).body.items;
    const ips = pods.map((p: any) => p.status.podIP).sort();
    assert.equal(ips.length, 2);
    const ep = (await call(e, 'GET', '/api/v1/namespaces/shop/endpoints/web')).body;
    assert.deepEqual(ep.subsets[0].addresses.map((a: any) => a.ip).sort(), ips);
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }], 'the named target port resolved to the container port');
    assert.equal(ep.metadata.labels.tier, 'front');
    assert.equal(ep.subsets[0].addresses[0].targetRef.kind, 'Pod');
    const slices = (await call(e, 'GET', '/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=kubernetes.io/service-name=web')).body.items;
    assert.equal(slices.length, 1);
    assert.match(slices[0].metadata.name, /^web-[a-z0-9]{5}$/);
    assert.equal(slices[0].addressType, 'IPv4');
    assert.deepEqual(slices[0].endpoints.map((x: any) => x.addresses[0]).sort(), ips);
    assert.ok(slices[0].endpoints.every((x: any) => x.conditions.ready === true));
    assert.equal(slices[0].metadata.ownerReferences[0].kind, 'Service');

    const t = await table(e, '/api/v1/namespaces/shop/endpoints');
    assert.deepEqual(t.columns, ['Name', 'Endpoints', 'Age']);
    assert.deepEqual(t.rows[0].slice(0, 2), ['web', ips.map((ip: string) => `${ip}:8080`).join(',')]);
    const ts = await table(e, '/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices');
    assert.deepEqual(ts.columns, ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    assert.deepEqual(ts.rows[0].slice(1, 3), ['IPv4', '8080']);

    // Scale to zero: the endpoints empty out; delete the Service: its Endpoints and slice go.
    await call(e, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/web', { spec: { replicas: 0 } }, { 'Content-Type': 'application/merge-patch+json' });
    e.tick();
    await e.settle();
    e.tick();
    await e.settle();
    assert.equal((await call(e, 'GET', '/api/v1/namespaces/shop/endpoints/web')).body.subsets, undefined);
    assert.equal((await table(e, '/api/v1/namespaces/shop/endpoints')).rows[0][1], '<none>');
    await call(e, 'DELETE', '/api/v1/namespaces/shop/services/web');
    await e.settle();
    assert.equal((await call(e, 'GET', '/api/v1/namespaces/shop/endpoints/web')).status, 404);
    assert.equal((await call(e, 'GET', '/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices')).body.items.length, 0);
  });
});

test('quota and disruption budget status, and the RBAC, quota and budget tables', async () => {
  await withEmulator({ rollout: { readyDelayMs: 0 } }, async (e) => {
    await createNamespace(e, 'shop');
    const web = deployment('web', { replicas: 3 });
    web.spec.template.spec.containers[0].resources = { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m' } };
    assert.equal((await call(e, 'POST', '/apis/apps/v1/namespaces/shop/deployments', web)).status, 201);
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '1Gi', 'limits.cpu': '4', 'count/deployments.apps': '5' } } };
    assert.equal((await call(e, 'POST', '/api/v1/namespaces/shop/resourcequotas', quota)).status, 201);
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } } };
    assert.equal((await call(e, 'POST', '/apis/policy/v1/namespaces/shop/poddisruptionbudgets', pdb)).status, 201);
    const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/shop';
    assert.equal((await call(e, 'POST', `${rbac}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })).status, 201);
    assert.equal((await call(e, 'POST', `${rbac}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'readers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'bot', namespace: 'shop' }],
    })).status, 201);
    e.tick();
    await e.settle();

    const q = (await call(e, 'GET', '/api/v1/namespaces/shop/resourcequotas/compute')).body;
    assert.deepEqual(q.status.hard, quota.spec.hard);
    assert.deepEqual(q.status.used, { pods: '3', 'requests.cpu': '750m', 'requests.memory': '192Mi', 'limits.cpu': '1500m', 'count/deployments.apps': '1' });
    const tq = await table(e, '/api/v1/namespaces/shop/resourcequotas');
    assert.deepEqual(tq.columns, ['Name', 'Age', 'Request', 'Limit']);
    assert.equal(tq.rows[0][2], 'count/deployments.apps: 1/5, pods: 3/10, requests.cpu: 750m/2, requests.memory: 192Mi/1Gi');
    assert.equal(tq.rows[0][3], 'limits.cpu: 1500m/4');

    const b = (await call(e, 'GET', '/apis/policy/v1/namespaces/shop/poddisruptionbudgets/web')).body;
    assert.deepEqual([b.status.expectedPods, b.status.currentHealthy, b.status.desiredHealthy, b.status.disruptionsAllowed], [3, 3, 2, 1]);
    assert.equal(b.status.conditions[0].reason, 'SufficientPods');
    const tb = await table(e, '/apis/policy/v1/namespaces/shop/poddisruptionbudgets');
    assert.deepEqual(tb.columns, ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    assert.deepEqual(tb.rows[0].slice(0, 4), ['web', '50%', 'N/A', 1]);

    const tr = await table(e, `${rbac}/roles`);
    assert.deepEqual(tr.columns, ['Name', 'Created At']);
    assert.match(tr.rows[0][1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const trb = await table(e, `${rbac}/rolebindings`);
    assert.deepEqual(trb.columns, ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
    assert.deepEqual([trb.rows[0][0], trb.rows[0][1], ...trb.rows[0].slice(3)], ['readers', 'Role/reader', 'alice', 'devs', 'shop/bot']);
  });
});
