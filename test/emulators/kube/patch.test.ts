// PATCH over HTTP: server-side apply (create, no-op, conflicts, force, dry run), strategic merge,
// JSON merge and JSON patch, and the manager recorded for each write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { call, createNamespace, deployment, withEmulator } from './helpers.ts';

const WEB = '/apis/apps/v1/namespaces/shop/deployments/web';
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };

test('server-side apply creates, is idempotent, and reports conflicts naming the other manager', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const manifest = YAML.stringify(deployment('web', { replicas: 2 }));
    const created = await call(e, 'PATCH', `${WEB}?fieldManager=driftguard`, manifest, APPLY);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.spec.strategy.type, 'RollingUpdate', 'applied objects are defaulted');
    const entry = created.body.metadata.managedFields.find((m: any) => m.manager === 'driftguard');
    assert.equal(entry.operation, 'Apply');
    assert.ok(entry.fieldsV1['f:spec']['f:replicas'], 'the apply entry owns spec.replicas');

    const again = await call(e, 'PATCH', `${WEB}?fieldManager=driftguard`, manifest, APPLY);
    assert.equal(again.status, 200);
    assert.equal(again.body.metadata.resourceVersion, created.body.metadata.resourceVersion, 're-applying the same config writes nothing');

    // Someone else takes spec.replicas with a plain update (manager from ?fieldManager).
    const scaled = await call(e, 'PATCH', `${WEB}?fieldManager=kubectl-edit`, { spec: { replicas: 5 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(scaled.status, 200);

    const conflict = await call(e, 'PATCH', `${WEB}?fieldManager=driftguard`, YAML.stringify(deployment('web', { replicas: 3 })), APPLY);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    assert.match(conflict.body.message, /^Apply failed with 1 conflict: conflict with "kubectl-edit"( using apps\/v1)?: \.spec\.replicas$/);
    assert.deepEqual(conflict.body.details.causes.map((c: any) => [c.reason, c.field]), [['FieldManagerConflict', '.spec.replicas']]);

    const dry = await call(e, 'PATCH', `${WEB}?fieldManager=driftguard&force=true&dryRun=All`, YAML.stringify(deployment('web', { replicas: 3 })), APPLY);
    assert.equal(dry.status, 200);
    assert.equal(dry.body.spec.replicas, 3);
    assert.equal((await call(e, 'GET', WEB)).body.spec.replicas, 5, 'dry run changed nothing');

    const forced = await call(e, 'PATCH', `${WEB}?fieldManager=driftguard&force=true`, YAML.stringify(deployment('web', { replicas: 3 })), APPLY);
    assert.equal(forced.status, 200);
    assert.equal(forced.body.spec.replicas, 3);

    const noManager = await call(e, 'PATCH', WEB, manifest, APPLY);
    assert.equal(noManager.status, 422);
    assert.match(noManager.body.message, /fieldManager: Required value/);
  });
});

test('strategic merge, JSON merge and JSON patch', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const d = deployment('web');
    d.spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy:1.30', env: [{ name: 'A', value: '1' }] });
    await call(e, 'POST', '/apis/apps/v1/namespaces/shop/deployments', d);
    const smp = await call(e, 'PATCH', WEB, { spec: { template: { spec: { containers: [{ name: 'sidecar', env: [{ name: 'B', value: '2' }] }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 200, smp.text);
    const containers = smp.body.spec.template.spec.containers;
    assert.deepEqual(containers.map((c: any) => c.name), ['app', 'sidecar'], 'containers merge by name');
    // items the patch names come first (kube-apiserver 1.36 agrees: differential.test.ts)
    assert.deepEqual(containers[1].env, [{ name: 'B', value: '2' }, { name: 'A', value: '1' }], 'env merges by name');

    const merge = await call(e, 'PATCH', WEB, { spec: { template: { spec: { containers: [{ name: 'only', image: 'x:1' }] } } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.deepEqual(merge.body.spec.template.spec.containers.map((c: any) => c.name), ['only'], 'JSON merge patch replaces lists');

    const jp = await call(e, 'PATCH', WEB, [{ op: 'replace', path: '/spec/replicas', value: 7 }, { op: 'add', path: '/metadata/labels/tier', value: 'web' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(jp.body.spec.replicas, 7);
    assert.equal(jp.body.metadata.labels.tier, 'web');
    const failing = await call(e, 'PATCH', WEB, [{ op: 'test', path: '/spec/replicas', value: 1 }], { 'Content-Type': 'application/json-patch+json' });
    assert.ok(failing.status >= 400 && failing.status < 500, `failing test op: ${failing.status}`);
    const missing = await call(e, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/ghost', { spec: {} }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(missing.status, 404);
    const badType = await call(e, 'PATCH', WEB, { spec: {} }, { 'Content-Type': 'text/plain' });
    assert.equal(badType.status, 415);
  });
});

test('non-apply writes are tracked under fieldManager or the User-Agent product', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const cms = '/api/v1/namespaces/shop/configmaps';
    const cases: Array<{ ua: string; query: string; want: string }> = [
      { ua: 'kubectl/v1.34.5 (linux/amd64) kubernetes/ebfac05', query: '', want: 'kubectl' },
      { ua: 'kubectl/v1.34.5 (linux/amd64) kubernetes/ebfac05', query: '?fieldManager=kubectl-client-side-apply', want: 'kubectl-client-side-apply' },
      { ua: 'node-fetch', query: '', want: 'node-fetch' },
    ];
    for (const [i, c] of cases.entries()) {
      const r = await call(e, 'POST', `${cms}${c.query}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { k: 'v' } }, { 'User-Agent': c.ua });
      assert.equal(r.status, 201);
      assert.deepEqual(r.body.metadata.managedFields.map((m: any) => [m.manager, m.operation]), [[c.want, 'Update']], c.ua);
    }
  });
});

test('undeclared fields: Strict rejects, Warn drops with a warning, server-side apply fails', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const typo = deployment('web');
    typo.spec.replica = 3;
    typo.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const deploys = '/apis/apps/v1/namespaces/shop/deployments';
    const strict = await call(e, 'POST', `${deploys}?fieldValidation=Strict`, typo);
    assert.equal(strict.status, 400);
    assert.equal(strict.body.reason, 'BadRequest');
    assert.equal(strict.body.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagePullPolicyy"');

    const warned = await call(e, 'POST', deploys, typo);
    assert.equal(warned.status, 201);
    assert.equal(warned.body.spec.replica, undefined, 'undeclared fields are dropped');
    assert.equal(warned.body.spec.template.spec.containers[0].imagePullPolicyy, undefined);
    assert.deepEqual(warned.headers.warning, '299 - "unknown field \\"spec.replica\\"", 299 - "unknown field \\"spec.template.spec.containers[0].imagePullPolicyy\\""');

    const ssa = await call(e, 'PATCH', `${WEB}?fieldManager=driftguard`, YAML.stringify(typo), APPLY);
    assert.equal(ssa.status, 500);
    assert.equal(ssa.body.reason, undefined);
    assert.equal(ssa.body.message, 'failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema');

    const cm = await call(e, 'POST', '/api/v1/namespaces/shop/configmaps?fieldValidation=Strict', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labelz: {} }, spec: {} });
    assert.equal(cm.body.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec", unknown field "metadata.labelz"');
    const crd = await call(e, 'POST', '/api/v1/namespaces/shop/configmaps?fieldValidation=Strict', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' }, data: { a: '1' }, immutable: false });
    assert.equal(crd.status, 201, 'declared fields pass');
  });
});
