import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { KubeObject, ManagedFieldsEntry } from '../../../src/core/model/object.ts';
import { FieldSet } from '../../../src/core/fields/fieldset.ts';
import { serverSideApply, trackUpdate, ApplyConflictError, MergeError } from '../../../emulators/kube/merge/index.ts';

const T0 = '2024-05-02T10:00:00Z';
const T1 = '2024-05-02T10:05:00Z';
const T2 = '2024-05-02T10:10:00Z';

function deployment(extra = ''): KubeObject {
  return parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: web
  labels: {app: nginx}
spec:
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
${extra}`) as KubeObject;
}

function entry(obj: KubeObject, manager: string, operation?: string): ManagedFieldsEntry | undefined {
  return obj.metadata.managedFields?.find((e) => e.manager === manager && (!operation || e.operation === operation));
}
function owns(obj: KubeObject, manager: string, path: string[], operation?: string): boolean {
  const e = entry(obj, manager, operation);
  return e ? FieldSet.fromFieldsV1(e.fieldsV1).has(path) : false;
}
function withReplicas(obj: KubeObject, n: number): KubeObject {
  const o = structuredClone(obj);
  (o.spec as { replicas: number }).replicas = n;
  return o;
}
function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, now = T1, force = false): KubeObject {
  return serverSideApply(live, applied, { manager, force, now });
}
const REPLICAS = ['f:spec', 'f:replicas'];
const spec = (o: KubeObject) => o.spec as Record<string, any>;
const containers = (o: KubeObject) => spec(o).template.spec.containers as Array<Record<string, any>>;

test('apply creates the object with an Apply entry exactly as the API server records it', () => {
  const out = apply(undefined, deployment(), 'kubectl', T0);
  assert.equal(out.spec && spec(out).replicas, 2);
  assert.deepEqual(out.metadata.managedFields?.map((e) => ({ ...e, fieldsV1: undefined })), [
    { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: undefined },
  ]);
  assert.equal(
    JSON.stringify(out.metadata.managedFields![0]!.fieldsV1),
    '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},' +
      '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":' +
      '{".":{},"f:containerPort":{}}}}}}}}}',
  );
});

test('re-applying the same config is a no-op: same object, manager time unchanged', () => {
  const first = apply(undefined, deployment(), 'driftguard', T0);
  const again = apply(first, deployment(), 'driftguard', T2);
  assert.deepEqual(again, first);
});

test('conflicts name the other manager; force moves ownership; equal values are shared', async (t) => {
  const live = apply(undefined, deployment(), 'driftguard', T0);
  const cases: Array<{ name: string; applied: KubeObject; force: boolean; conflicts?: Array<{ manager: string; path: string }>; message?: string; replicas?: number; driftguardOwns?: boolean; otherOwns?: boolean }> = [
    {
      name: 'different value, no force',
      applied: withReplicas(deployment(), 3),
      force: false,
      conflicts: [{ manager: 'driftguard', path: '.spec.replicas' }],
      // an Apply manager is named without its apiVersion (kube-apiserver 1.36: differential.test.ts)
      message: 'Apply failed with 1 conflict: conflict with "driftguard": .spec.replicas',
    },
    { name: 'different value, forced', applied: withReplicas(deployment(), 3), force: true, replicas: 3, driftguardOwns: false, otherOwns: true },
    { name: 'same value', applied: withReplicas(deployment(), 2), force: false, replicas: 2, driftguardOwns: true, otherOwns: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.conflicts) {
        assert.throws(() => apply(live, c.applied, 'other', T1, c.force), (e: unknown) => {
          assert.ok(e instanceof ApplyConflictError);
          assert.equal(e.status, 409);
          assert.deepEqual(e.conflicts.map(({ manager, path }) => ({ manager, path })), c.conflicts);
          assert.equal(e.message, c.message);
          return true;
        });
        return;
      }
      const out = apply(live, c.applied, 'other', T1, c.force);
      assert.equal(spec(out).replicas, c.replicas);
      assert.equal(owns(out, 'driftguard', REPLICAS), c.driftguardOwns);
      assert.equal(owns(out, 'other', REPLICAS), c.otherOwns);
    });
  }
});

test('multiple conflicts are listed per manager with keyed paths', () => {
  const live = apply(undefined, deployment(), 'driftguard', T0);
  const changed = withReplicas(deployment(), 4);
  containers(changed)[0]!.image = 'nginx:1.28';
  assert.throws(() => apply(live, changed, 'other'), (e: unknown) => {
    assert.ok(e instanceof ApplyConflictError);
    assert.deepEqual(e.conflicts.map((c) => c.path).sort(), ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
    // an Apply manager is named without its apiVersion (kube-apiserver 1.36, differential.test.ts)
    assert.match(e.message, /^Apply failed with 2 conflicts: conflicts with "driftguard":\n- /);
    assert.deepEqual(e.causes().map((c) => c.reason), ['FieldManagerConflict', 'FieldManagerConflict']);
    return true;
  });
});

test('fields a manager stops applying are removed, unless another manager owns them', async (t) => {
  const withTier = deployment();
  withTier.metadata.labels = { app: 'nginx', tier: 'web' };
  containers(withTier).push({ name: 'sidecar', image: 'envoy:1' });
  const live = apply(undefined, withTier, 'driftguard', T0);

  await t.test('sole owner: label and container disappear', () => {
    const out = apply(live, deployment(), 'driftguard', T1);
    assert.deepEqual(out.metadata.labels, { app: 'nginx' });
    assert.deepEqual(containers(out).map((c) => c.name), ['nginx']);
    assert.equal(owns(out, 'driftguard', ['f:metadata', 'f:labels', 'f:tier']), false);
  });

  await t.test('co-owned: kept, now owned by the other manager only', () => {
    const other = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx', namespace: 'web', labels: { tier: 'web' } } } as KubeObject;
    const shared = apply(live, other, 'ops', T1);
    const out = apply(shared, deployment(), 'driftguard', T2);
    assert.deepEqual(out.metadata.labels, { app: 'nginx', tier: 'web' });
    assert.equal(owns(out, 'ops', ['f:metadata', 'f:labels', 'f:tier']), true);
    assert.equal(owns(out, 'driftguard', ['f:metadata', 'f:labels', 'f:tier']), false);
  });

  await t.test('a field set by an Update manager is not removed by an applier that never owned it', () => {
    const edited = structuredClone(live);
    (edited.metadata.annotations ??= {})['note'] = 'by hand';
    const updated = trackUpdate(live, edited, 'kubectl-edit', T1);
    const out = apply(updated, withTier, 'driftguard', T2);
    assert.equal(out.metadata.annotations?.note, 'by hand');
  });
});

test('kubectl scale (Update on /scale) takes spec.replicas; re-apply then conflicts until forced', () => {
  const live = apply(undefined, deployment(), 'driftguard', T0);
  const scaled = trackUpdate(live, withReplicas(live, 5), 'kubectl', T1, 'scale');
  assert.equal(owns(scaled, 'driftguard', REPLICAS), false);
  assert.equal(owns(scaled, 'kubectl', REPLICAS, 'Update'), true);
  const e = entry(scaled, 'kubectl')!;
  // writes through /scale are recorded without a time (kube-apiserver 1.36: differential.test.ts)
  assert.deepEqual({ ...e, fieldsV1: undefined }, { manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: undefined, subresource: 'scale' });
  assert.deepEqual(e.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  // driftguard's other fields are untouched, its time too (its set changed only by losing a field)
  assert.equal(owns(scaled, 'driftguard', ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), true);
  assert.equal(entry(scaled, 'driftguard')!.time, T0);

  assert.throws(() => apply(scaled, deployment(), 'driftguard', T2), (err: unknown) =>
    err instanceof ApplyConflictError && err.message === 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');

  const forced = serverSideApply(scaled, deployment(), { manager: 'driftguard', force: true, now: T2 });
  assert.equal(spec(forced).replicas, 2);
  assert.equal(owns(forced, 'driftguard', REPLICAS), true);
  assert.equal(entry(forced, 'kubectl'), undefined, 'an entry whose set became empty is dropped');
  assert.equal(entry(forced, 'driftguard')!.time, T2);

  // A scale back to the applied value does not conflict: the values agree.
  const scaledBack = trackUpdate(forced, withReplicas(forced, 5), 'kubectl', T2, 'scale');
  const sameAsScale = apply(scaledBack, withReplicas(deployment(), 5), 'driftguard', T2);
  assert.equal(owns(sameAsScale, 'kubectl', REPLICAS), true);
  assert.equal(owns(sameAsScale, 'driftguard', REPLICAS), true);
});

test('keyed lists merge per item: containers by name, ports by (containerPort, protocol), env by name', () => {
  const base = deployment();
  containers(base)[0]!.env = [{ name: 'A', value: '1' }];
  const live = apply(undefined, base, 'driftguard', T0);
  const other = parse(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx, namespace: web}
spec:
  template:
    spec:
      containers:
      - name: nginx
        env: [{name: B, value: "2"}]
        ports: [{containerPort: 80, protocol: UDP}]
      - name: sidecar
        image: envoy:1
`) as KubeObject;
  const out = apply(live, other, 'mesh', T1);
  const cs = containers(out);
  assert.deepEqual(cs.map((c) => c.name), ['nginx', 'sidecar']);
  assert.equal(cs[0]!.image, 'nginx:1.27');
  assert.deepEqual(cs[0]!.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  assert.deepEqual(cs[0]!.ports, [{ containerPort: 80 }, { containerPort: 80, protocol: 'UDP' }]);
  assert.equal(owns(out, 'mesh', ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:ports', 'k:{"containerPort":80,"protocol":"UDP"}']), true);
  assert.equal(owns(out, 'mesh', ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), false);
  // protocol defaulted: applying port 80 with protocol TCP spelled out is the same item, no duplicate
  const explicit = deployment();
  containers(explicit)[0]!.ports = [{ containerPort: 80, protocol: 'TCP' }];
  containers(explicit)[0]!.env = [{ name: 'A', value: '1' }];
  const again = apply(out, explicit, 'driftguard', T2);
  assert.deepEqual(containers(again)[0]!.ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 80, protocol: 'UDP' }]);
});

test('atomic lists and atomic maps are replaced whole; set lists are unioned', () => {
  const base = deployment();
  containers(base)[0]!.args = ['--a', '--b'];
  base.metadata.finalizers = ['x.io/one'];
  const live = apply(undefined, base, 'driftguard', T0);
  const patch = parse(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx, namespace: web, finalizers: [y.io/two]}
spec:
  selector: {matchLabels: {app: nginx}}
  template: {spec: {containers: [{name: nginx, args: ['--c']}]}}
`) as KubeObject;
  const out = apply(live, patch, 'other', T1, true);
  assert.deepEqual(containers(out)[0]!.args, ['--c']);
  assert.deepEqual(out.metadata.finalizers, ['x.io/one', 'y.io/two']);
  assert.deepEqual(spec(out).selector, { matchLabels: { app: 'nginx' } });
  assert.equal(owns(out, 'other', ['f:spec', 'f:selector']), true);
  assert.equal(owns(out, 'driftguard', ['f:spec', 'f:selector']), true, 'same selector: shared');
});

test('trackUpdate on create owns every field, with "." on added maps and lists, not on structs', () => {
  const created = { ...deployment(), metadata: { ...deployment().metadata, uid: 'u1', resourceVersion: '7', creationTimestamp: T0 } } as KubeObject;
  const out = trackUpdate(undefined, created, 'kubectl-create', T0);
  const e = entry(out, 'kubectl-create')!;
  assert.equal(e.operation, 'Update');
  assert.deepEqual(e.fieldsV1, {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              // Container.resources is a value struct: the API server sees `resources: {}` in every new container
              'f:resources': {},
            },
          },
        },
      },
    },
  });
});

test('status is not owned through the main resource; /status updates own only status', () => {
  const withStatus = { ...deployment(), status: { replicas: 9 } } as KubeObject;
  const live = apply(undefined, withStatus, 'driftguard', T0);
  assert.equal(live.status, undefined);
  assert.equal(entry(live, 'driftguard')!.fieldsV1!['f:status'], undefined);
  const next = { ...structuredClone(live), status: { replicas: 2, readyReplicas: 2 } } as KubeObject;
  const out = trackUpdate(live, next, 'kube-controller-manager', T1, 'status');
  assert.deepEqual(entry(out, 'kube-controller-manager')!.fieldsV1, { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } });
  assert.equal(entry(out, 'kube-controller-manager')!.subresource, 'status');
});

test('Update entries of other managers are kept; entries are sorted Apply first', () => {
  const created = trackUpdate(undefined, deployment(), 'kubectl-create', T0);
  const applied = apply(created, withReplicas(deployment(), 2), 'driftguard', T1);
  assert.deepEqual(applied.metadata.managedFields!.map((e) => `${e.operation}:${e.manager}`), ['Apply:driftguard', 'Update:kubectl-create']);
  assert.equal(owns(applied, 'kubectl-create', REPLICAS), true);
  assert.equal(owns(applied, 'driftguard', REPLICAS), true);
});

test('invalid applied configurations are typed 400 errors', () => {
  const cases: Array<[string, unknown]> = [
    ['missing apiVersion', { kind: 'Deployment', metadata: { name: 'x' } }],
    ['missing kind', { apiVersion: 'apps/v1', metadata: { name: 'x' } }],
    ['managedFields set', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', managedFields: [{ manager: 'a' }] } }],
  ];
  for (const [name, obj] of cases) {
    assert.throws(() => apply(undefined, obj as KubeObject, 'm'), (e: unknown) => e instanceof MergeError && e.status === 400, name);
  }
});
