// CRUD semantics over real HTTP: statuses, resourceVersion, generation, validation, subresources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, deployment, withEmulator } from './helpers.ts';

const DEPLOYS = '/apis/apps/v1/namespaces/shop/deployments';

test('create, get, conflict and not-found statuses match the API server', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const created = await call(e, 'POST', DEPLOYS, deployment('web'));
    assert.equal(created.status, 201);
    const meta = created.body.metadata;
    assert.match(meta.uid, /^[0-9a-f-]{36}$/);
    assert.equal(meta.generation, 1);
    assert.match(meta.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Number(meta.resourceVersion) > 0);

    const cases: Array<{ name: string; method: string; path: string; body?: unknown; code: number; reason: string; message: RegExp }> = [
      { name: 'duplicate', method: 'POST', path: DEPLOYS, body: deployment('web'), code: 409, reason: 'AlreadyExists', message: /^deployments\.apps "web" already exists$/ },
      { name: 'missing object', method: 'GET', path: `${DEPLOYS}/nope`, code: 404, reason: 'NotFound', message: /^deployments\.apps "nope" not found$/ },
      { name: 'missing namespace on create', method: 'POST', path: '/api/v1/namespaces/ghost/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, code: 404, reason: 'NotFound', message: /^namespaces "ghost" not found$/ },
      { name: 'invalid name', method: 'POST', path: '/api/v1/namespaces/shop/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }, code: 422, reason: 'Invalid', message: /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/ },
      { name: 'no name', method: 'POST', path: '/api/v1/namespaces/shop/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, code: 422, reason: 'Invalid', message: /metadata\.name: Required value: name or generateName is required/ },
      { name: 'namespace mismatch', method: 'POST', path: '/api/v1/namespaces/shop/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'other' } }, code: 400, reason: 'BadRequest', message: /does not match the namespace/ },
      { name: 'unsupported method', method: 'OPTIONS', path: `${DEPLOYS}/web`, code: 405, reason: 'MethodNotAllowed', message: /does not allow this method/ },
      { name: 'unknown resource', method: 'GET', path: '/apis/apps/v1/namespaces/shop/widgets', code: 404, reason: 'NotFound', message: /could not find the requested resource/ },
      { name: 'selector mismatch', method: 'POST', path: DEPLOYS, body: { ...deployment('bad'), spec: { ...deployment('bad').spec, selector: { matchLabels: { app: 'other' } } } }, code: 422, reason: 'Invalid', message: /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/ },
      { name: 'container without image', method: 'POST', path: DEPLOYS, body: { ...deployment('noimg'), spec: { ...deployment('noimg').spec, template: { metadata: { labels: { app: 'noimg' } }, spec: { containers: [{ name: 'app' }] } } } }, code: 422, reason: 'Invalid', message: /^Deployment\.apps "noimg" is invalid: spec\.template\.spec\.containers\[0\]\.image: Required value$/ },
      { name: 'service port out of range', method: 'POST', path: '/api/v1/namespaces/shop/services', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad' }, spec: { ports: [{ port: 70000 }] } }, code: 422, reason: 'Invalid', message: /spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/ },
      { name: 'job without restartPolicy', method: 'POST', path: '/apis/batch/v1/namespaces/shop/jobs', body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox' }] } } } }, code: 422, reason: 'Invalid', message: /spec\.template\.spec\.restartPolicy: Unsupported value: "Always"/ },
    ];
    for (const c of cases) {
      const r = await call(e, c.method, c.path, c.body);
      assert.equal(r.status, c.code, `${c.name}: ${r.text}`);
      assert.equal(r.body.kind, 'Status', c.name);
      assert.equal(r.body.status, 'Failure', c.name);
      assert.equal(r.body.reason, c.reason, c.name);
      assert.equal(r.body.code, c.code, c.name);
      assert.match(r.body.message, c.message, c.name);
    }

    // Stale resourceVersion on update: 409 Conflict.
    const stale = { ...created.body, spec: { ...created.body.spec, replicas: 5 } };
    const ok = await call(e, 'PUT', `${DEPLOYS}/web`, stale);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.metadata.generation, 2, 'spec change bumps generation');
    assert.ok(Number(ok.body.metadata.resourceVersion) > Number(meta.resourceVersion), 'resourceVersion grows');
    const conflict = await call(e, 'PUT', `${DEPLOYS}/web`, stale);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    assert.match(conflict.body.message, /^Operation cannot be fulfilled on deployments\.apps "web": the object has been modified/);
  });
});

test('immutable fields answer 422 Invalid', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'migrate:1' }] } } } };
    const cases: Array<{ name: string; path: string; create: any; mutate: (o: any) => void; field: string }> = [
      { name: 'Deployment selector', path: DEPLOYS, create: deployment('web'), mutate: (o) => { o.spec.selector.matchLabels.tier = 'x'; o.spec.template.metadata.labels.tier = 'x'; }, field: 'spec.selector' },
      { name: 'Service clusterIP', path: '/api/v1/namespaces/shop/services', create: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }, mutate: (o) => { o.spec.clusterIP = '10.96.200.200'; o.spec.clusterIPs = ['10.96.200.200']; }, field: 'spec.clusterIPs[0]' },
      { name: 'Job template', path: '/apis/batch/v1/namespaces/shop/jobs', create: job, mutate: (o) => { o.spec.template.spec.containers[0].image = 'migrate:2'; }, field: 'spec.template' },
      { name: 'immutable ConfigMap', path: '/api/v1/namespaces/shop/configmaps', create: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } }, mutate: (o) => { o.data.a = '2'; }, field: 'data' },
      { name: 'StatefulSet selector', path: '/apis/apps/v1/namespaces/shop/statefulsets', create: { ...deployment('db'), kind: 'StatefulSet' }, mutate: (o) => { o.spec.selector.matchLabels.x = 'y'; o.spec.template.metadata.labels.x = 'y'; }, field: 'spec.selector' },
      { name: 'PVC storage class', path: '/api/v1/namespaces/shop/persistentvolumeclaims', create: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, mutate: (o) => { o.spec.storageClassName = 'fast'; }, field: 'spec' },
    ];
    for (const c of cases) {
      const created = await call(e, 'POST', c.path, c.create);
      assert.equal(created.status, 201, `${c.name}: ${created.text}`);
      const next = structuredClone(created.body);
      c.mutate(next);
      const r = await call(e, 'PUT', `${c.path}/${c.create.metadata.name}`, next);
      assert.equal(r.status, 422, `${c.name}: ${r.text}`);
      assert.equal(r.body.reason, 'Invalid');
      assert.ok(r.body.details.causes.some((x: any) => x.field === c.field), `${c.name}: causes ${JSON.stringify(r.body.details.causes)}`);
    }
    // A PVC may grow its storage request.
    const pvc = (await call(e, 'GET', '/api/v1/namespaces/shop/persistentvolumeclaims/data')).body;
    pvc.spec.resources.requests.storage = '2Gi';
    assert.equal((await call(e, 'PUT', '/api/v1/namespaces/shop/persistentvolumeclaims/data', pvc)).status, 200);
  });
});

test('generation follows spec (and Deployment annotations), not labels or status', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    await call(e, 'POST', DEPLOYS, deployment('web'));
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    const steps: Array<[string, unknown, number]> = [
      ['label change', { metadata: { labels: { tier: 'web' } } }, 1],
      ['annotation change', { metadata: { annotations: { note: 'x' } } }, 2],
      ['replicas change', { spec: { replicas: 3 } }, 3],
      ['no-op', { spec: { replicas: 3 } }, 3],
    ];
    for (const [name, patch, gen] of steps) {
      const r = await call(e, 'PATCH', `${DEPLOYS}/web`, patch, merge);
      assert.equal(r.status, 200, name);
      assert.equal(r.body.metadata.generation, gen, name);
    }
    const cm = await call(e, 'POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    assert.equal(cm.body.metadata.generation, undefined, 'ConfigMaps carry no generation');
    const before = (await call(e, 'GET', `${DEPLOYS}/web`)).body.metadata.resourceVersion;
    const noop = await call(e, 'PATCH', `${DEPLOYS}/web`, { spec: { replicas: 3 } }, merge);
    assert.equal(noop.body.metadata.resourceVersion, before, 'a no-op write keeps the resourceVersion');
  });
});

test('generateName, dryRun and the status and scale subresources', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    const gen = await call(e, 'POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } });
    assert.equal(gen.status, 201);
    assert.match(gen.body.metadata.name, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);

    const dry = await call(e, 'POST', `${DEPLOYS}?dryRun=All`, deployment('web'));
    assert.equal(dry.status, 201);
    assert.equal(dry.body.spec.strategy.type, 'RollingUpdate', 'dry run returns the defaulted object');
    assert.equal((await call(e, 'GET', `${DEPLOYS}/web`)).status, 404, 'dry run stores nothing');

    await call(e, 'POST', DEPLOYS, deployment('web'));
    const live = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    // Writing status through the main resource is ignored; through /status only status changes.
    const viaMain = await call(e, 'PUT', `${DEPLOYS}/web`, { ...live, status: { replicas: 42 } });
    assert.notEqual(viaMain.body.status?.replicas, 42);
    const viaStatus = await call(e, 'PUT', `${DEPLOYS}/web/status`, { ...viaMain.body, spec: { ...viaMain.body.spec, replicas: 9 }, status: { replicas: 42 } });
    assert.equal(viaStatus.status, 200);
    assert.equal(viaStatus.body.status.replicas, 42);
    assert.equal(viaStatus.body.spec.replicas, 2, '/status ignores spec');
    assert.equal(viaStatus.body.metadata.generation, 1);

    const scale = await call(e, 'GET', `${DEPLOYS}/web/scale`);
    assert.deepEqual({ kind: scale.body.kind, apiVersion: scale.body.apiVersion, replicas: scale.body.spec.replicas, selector: scale.body.status.selector },
      { kind: 'Scale', apiVersion: 'autoscaling/v1', replicas: 2, selector: 'app=web' });
    const scaled = await call(e, 'PATCH', `${DEPLOYS}/web/scale`, { spec: { replicas: 4 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(scaled.status, 200);
    assert.equal(scaled.body.spec.replicas, 4);
    const after = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    assert.equal(after.spec.replicas, 4);
    assert.ok(after.metadata.managedFields.some((m: any) => m.subresource === 'scale' && m.manager === 'driftguard-test'), 'scale writes are tracked under the scale subresource');
    assert.equal((await call(e, 'GET', '/api/v1/namespaces/shop/configmaps/kube-root-ca.crt/scale')).status, 404);
  });
});

test('finalizers hold deletion until removed; ownerReferences are garbage-collected', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    const cm = '/api/v1/namespaces/shop/configmaps';
    await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const del = await call(e, 'DELETE', `${cm}/held`);
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.deletionTimestamp, 'pending deletion returns the object with deletionTimestamp');
    assert.equal((await call(e, 'GET', `${cm}/held`)).status, 200);
    const rm = await call(e, 'PATCH', `${cm}/held`, [{ op: 'remove', path: '/metadata/finalizers' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(rm.status, 200);
    assert.equal((await call(e, 'GET', `${cm}/held`)).status, 404, 'removing the last finalizer completes deletion');

    const owner = (await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } })).body;
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid };
    await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'child', ownerReferences: [ref] } });
    await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan-owner' } });
    const orphanOwner = (await call(e, 'GET', `${cm}/orphan-owner`)).body;
    await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', ownerReferences: [{ ...ref, name: 'orphan-owner', uid: orphanOwner.metadata.uid }] } });
    const gone = await call(e, 'DELETE', `${cm}/owner`, { propagationPolicy: 'Background' });
    assert.equal(gone.body.status, 'Success');
    assert.equal((await call(e, 'GET', `${cm}/child`)).status, 404, 'dependent collected');
    await call(e, 'DELETE', `${cm}/orphan-owner?propagationPolicy=Orphan`);
    await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'batch-1', labels: { batch: 'x' } } });
    await call(e, 'POST', cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'batch-2', labels: { batch: 'x' } } });
    const coll = await call(e, 'DELETE', `${cm}?labelSelector=batch%3Dx`);
    assert.equal(coll.status, 200);
    assert.deepEqual(coll.body.items.map((i: any) => i.metadata.name), ['batch-1', 'batch-2']);
    assert.deepEqual((await call(e, 'GET', `${cm}?labelSelector=batch`)).body.items, []);
    const kept = await call(e, 'GET', `${cm}/kept`);
    assert.equal(kept.status, 200, 'Orphan keeps dependents');
    assert.equal(kept.body.metadata.ownerReferences, undefined, 'and strips their owner reference');
  });
});

test('deleting a namespace terminates it, deletes its contents, then removes it', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    await call(e, 'POST', DEPLOYS, deployment('web'));
    await call(e, 'POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    await e.settle();
    assert.ok(e.listObjects('v1', 'Pod', 'shop').length > 0, 'the deployment made pods');
    const del = await call(e, 'DELETE', '/api/v1/namespaces/shop');
    assert.equal(del.status, 200);
    assert.equal(del.body.status.phase, 'Terminating');
    const create = await call(e, 'POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    assert.equal(create.status, 403);
    assert.match(create.body.message, /because it is being terminated/);
    await e.settle();
    assert.equal((await call(e, 'GET', '/api/v1/namespaces/shop')).status, 404);
    for (const [v, k] of [['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['v1', 'Pod'], ['v1', 'ConfigMap'], ['v1', 'ServiceAccount']] as const) {
      assert.deepEqual(e.listObjects(v, k, 'shop'), [], `${k} gone`);
    }
  });
});

test('custom resources are defaulted and pruned by their structural schema', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            replicas: { type: 'integer', default: 1 },
            image: { type: 'string' },
            tuning: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            ports: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } } },
          },
        },
        status: { type: 'object', properties: { ready: { type: 'boolean' } } },
      },
    };
    await call(e, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'apps.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'apps', kind: 'App' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
    });
    const path = '/apis/example.com/v1/namespaces/shop/apps';
    const body = { apiVersion: 'example.com/v1', kind: 'App', metadata: { name: 'a' }, spec: { image: 'x', imagee: 'typo', tuning: { anything: 1 }, labels: { a: 'b' }, ports: [{ port: 80, extra: true }] } };
    const r = await call(e, 'POST', path, body);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.spec, { image: 'x', tuning: { anything: 1 }, labels: { a: 'b' }, ports: [{ port: 80, protocol: 'TCP' }], replicas: 1 });
    assert.match(String(r.headers.warning), /unknown field \\"spec.imagee\\"/);
    const strict = await call(e, 'POST', `${path}?fieldValidation=Strict`, { ...body, metadata: { name: 'b' } });
    assert.equal(strict.status, 400);
    assert.match(strict.body.message, /strict decoding error: unknown field "spec.imagee", unknown field "spec.ports\[0\].extra"/);
    const ssa = await call(e, 'PATCH', `${path}/c?fieldManager=driftguard`, { ...body, metadata: { name: 'c' } }, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal(ssa.status, 500);
    assert.match(ssa.body.message, /\(shop\/c; example.com\/v1, Kind=App\): \.spec\.imagee: field not declared in schema$/);
  });
});

test('a CRD serves its kind until it is deleted', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }],
      },
    };
    assert.equal((await call(e, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    const disc = await call(e, 'GET', '/apis/example.com/v1');
    assert.equal(disc.status, 200);
    assert.deepEqual(disc.body.resources.map((r: any) => r.name), ['widgets', 'widgets/status']);
    assert.deepEqual(disc.body.resources[0].shortNames, ['wd']);
    const w = await call(e, 'POST', '/apis/example.com/v1/namespaces/shop/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } });
    assert.equal(w.status, 201);
    assert.equal(w.body.metadata.generation, 1);
    const upd = await call(e, 'PATCH', '/apis/example.com/v1/namespaces/shop/widgets/w1', { spec: { size: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(upd.body.metadata.generation, 2);
    const table = await call(e, 'GET', '/apis/example.com/v1/namespaces/shop/widgets', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(table.body.columnDefinitions.map((c: any) => c.name), ['Name', 'Size']);
    assert.deepEqual(table.body.rows[0].cells, ['w1', 2]);
    const crdLive = await call(e, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.ok(crdLive.body.status.conditions.some((c: any) => c.type === 'Established' && c.status === 'True'));
    await call(e, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal((await call(e, 'GET', '/apis/example.com/v1/namespaces/shop/widgets/w1')).status, 404);
    assert.equal((await call(e, 'GET', '/apis/example.com/v1')).status, 404);
  });
});

test('putObject simulates a change by hand; raw puts store as-is', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    await call(e, 'POST', DEPLOYS, deployment('web'));
    const live: any = e.getObject('apps/v1', 'Deployment', 'shop', 'web');
    const edited: any = e.putObject({ ...live, spec: { ...live.spec, replicas: 5 } });
    assert.equal(edited.spec.replicas, 5);
    assert.equal(edited.metadata.generation, 2);
    assert.ok(edited.metadata.managedFields.some((m: any) => m.manager === 'kubectl-edit'));
    assert.throws(() => e.putObject({ ...edited, spec: { ...edited.spec, selector: { matchLabels: { app: 'x' } } } }), (err: any) => err.code === 422);
    const created: any = e.putObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-hand', namespace: 'shop' }, data: { a: '1' } }, { manager: 'someone' });
    assert.equal((await call(e, 'GET', '/api/v1/namespaces/shop/configmaps/by-hand')).body.metadata.uid, created.metadata.uid);
    const raw: any = e.putObject({ ...edited, spec: { replicas: 1 } }, { raw: true });
    assert.deepEqual(raw.spec, { replicas: 1 }, 'raw puts skip defaulting and validation');
    assert.ok(Number(raw.metadata.resourceVersion) > Number(edited.metadata.resourceVersion));
  });
});

test('HorizontalPodAutoscalers convert between autoscaling/v1 and v2', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const v1 = '/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers';
    const v2 = '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers';
    const hpa = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } };
    const created = await call(e, 'POST', v1, hpa);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.apiVersion, 'autoscaling/v1');
    assert.equal(created.body.spec.targetCPUUtilizationPercentage, 50);
    const asV2 = (await call(e, 'GET', `${v2}/web`)).body;
    assert.equal(asV2.apiVersion, 'autoscaling/v2');
    assert.equal(asV2.spec.targetCPUUtilizationPercentage, undefined);
    assert.deepEqual(asV2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    const patched = await call(e, 'PATCH', `${v1}/web`, { spec: { targetCPUUtilizationPercentage: 70 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patched.body.spec.targetCPUUtilizationPercentage, 70);
    assert.equal((await call(e, 'GET', `${v2}/web`)).body.spec.metrics[0].resource.target.averageUtilization, 70);
    const apply = () => call(e, 'PATCH', `${v1}/web?fieldManager=driftguard&force=true`, JSON.stringify({ ...hpa, spec: { ...hpa.spec, targetCPUUtilizationPercentage: 60 } }), { 'Content-Type': 'application/apply-patch+yaml' });
    const first = await apply();
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.spec.targetCPUUtilizationPercentage, 60);
    const second = await apply();
    assert.equal(second.body.metadata.resourceVersion, first.body.metadata.resourceVersion, 'a repeated v1 apply is a no-op');
  });
});
