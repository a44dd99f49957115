import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { FieldSet, getAtPath, listItemElement } from '../../src/core/fields/fieldset.ts';
import { compareElements, pathString } from '../../src/core/fields/element.ts';

// managedFields of a Deployment applied with `kubectl apply --server-side` and then reconciled by
// the deployment controller, as `kubectl get deploy nginx -o yaml --show-managed-fields` prints them.
const managedFieldsYaml = `
- apiVersion: apps/v1
  fieldsType: FieldsV1
  fieldsV1:
    f:metadata:
      f:labels:
        f:app: {}
    f:spec:
      f:replicas: {}
      f:selector: {}
      f:template:
        f:metadata:
          f:labels:
            f:app: {}
        f:spec:
          f:containers:
            k:{"name":"nginx"}:
              .: {}
              f:image: {}
              f:name: {}
              f:ports:
                k:{"containerPort":80,"protocol":"TCP"}:
                  .: {}
                  f:containerPort: {}
  manager: kubectl
  operation: Apply
  time: "2024-05-02T10:00:00Z"
- apiVersion: apps/v1
  fieldsType: FieldsV1
  fieldsV1:
    f:metadata:
      f:annotations:
        .: {}
        f:deployment.kubernetes.io/revision: {}
    f:status:
      f:availableReplicas: {}
      f:conditions:
        .: {}
        k:{"type":"Available"}:
          .: {}
          f:lastTransitionTime: {}
          f:lastUpdateTime: {}
          f:message: {}
          f:reason: {}
          f:status: {}
          f:type: {}
      f:observedGeneration: {}
      f:readyReplicas: {}
      f:replicas: {}
      f:updatedReplicas: {}
  manager: kube-controller-manager
  operation: Update
  subresource: status
  time: "2024-05-02T10:00:05Z"
`;
const managedFields = parse(managedFieldsYaml) as Array<{ fieldsV1: Record<string, unknown> }>;
const applyV1 = managedFields[0]!.fieldsV1;
const statusV1 = managedFields[1]!.fieldsV1;

// The same status entry as the API server stores it (JSON, as `-o json` prints it byte for byte).
const statusJson =
  '{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:availableReplicas":{},' +
  '"f:conditions":{".":{},"k:{\\"type\\":\\"Available\\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},' +
  '"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},"f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}}';

const deployment = parse(`
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
`);

const C = 'k:{"name":"nginx"}';
const P = 'k:{"containerPort":80,"protocol":"TCP"}';
const tmplSpec = ['f:spec', 'f:template', 'f:spec'];

test('fromFieldsV1 reads members, "." markers and k: keys', () => {
  const s = FieldSet.fromFieldsV1(applyV1);
  const cases: Array<[string[], boolean, boolean]> = [
    // path, has, hasPrefix
    [['f:spec', 'f:replicas'], true, true],
    [['f:spec', 'f:selector'], true, true],
    [['f:spec'], false, true],
    [['f:metadata', 'f:labels'], false, true],
    [['f:metadata', 'f:labels', 'f:app'], true, true],
    [[...tmplSpec, 'f:containers', C], true, true],
    [[...tmplSpec, 'f:containers'], false, true],
    [[...tmplSpec, 'f:containers', C, 'f:ports'], false, true],
    [[...tmplSpec, 'f:containers', C, 'f:ports', P], true, true],
    [[...tmplSpec, 'f:containers', C, 'f:ports', P, 'f:containerPort'], true, true],
    // keys in another order name the same item
    [[...tmplSpec, 'f:containers', C, 'f:ports', 'k:{"protocol":"TCP","containerPort":80}'], true, true],
    [[...tmplSpec, 'f:containers', C, 'f:ports', P, 'f:protocol'], false, false],
    [['f:status'], false, false],
  ];
  for (const [path, has, hasPrefix] of cases) {
    assert.equal(s.has(path), has, `has ${path.join(' ')}`);
    assert.equal(s.hasPrefix(path), hasPrefix, `hasPrefix ${path.join(' ')}`);
  }
  assert.equal(s.size, 9);
});

test('toFieldsV1 round-trips what the API server wrote, key order included', () => {
  for (const v1 of [applyV1, statusV1]) {
    const out = FieldSet.fromFieldsV1(v1).toFieldsV1();
    assert.equal(JSON.stringify(out), JSON.stringify(v1));
  }
  assert.equal(JSON.stringify(FieldSet.fromFieldsV1(JSON.parse(statusJson)).toFieldsV1()), statusJson);
});

test('toFieldsV1 sorts fields before keys before values, "." first', () => {
  const s = FieldSet.empty();
  s.add(['f:metadata', 'f:finalizers', 'v:"b"']);
  s.add(['f:metadata', 'f:finalizers', 'v:"a"']);
  s.add(['f:metadata', 'f:finalizers']);
  s.add(['f:spec', 'f:ports', 'k:{"port":443,"protocol":"TCP"}', 'f:port']);
  s.add(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']);
  s.add(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:port']);
  s.add(['f:spec', 'f:type']);
  s.add(['f:apiVersion']);
  assert.equal(
    JSON.stringify(s.toFieldsV1()),
    '{"f:apiVersion":{},"f:metadata":{"f:finalizers":{".":{},"v:\\"a\\"":{},"v:\\"b\\"":{}}},' +
      '"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}},' +
      '"k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}":{"f:port":{}}},"f:type":{}}}',
  );
  assert.ok(compareElements('f:z', 'k:{"a":1}') < 0);
  assert.ok(compareElements('k:{"a":1}', 'v:1') < 0);
  assert.ok(compareElements('v:1', 'v:"1"') < 0, 'numbers sort before strings');
  assert.ok(compareElements('v:"x"', 'i:0') < 0);
});

test('unknown element types are dropped, never crash', () => {
  const s = FieldSet.fromFieldsV1({ 'f:spec': { 'x:future': {}, 'f:replicas': {} }, 'bogus': {}, 'k:{notjson': {} });
  assert.deepEqual(s.paths(), [['f:spec', 'f:replicas']]);
  assert.equal(FieldSet.fromFieldsV1(null).size, 0);
  assert.equal(FieldSet.fromFieldsV1('x').size, 0);
});

test('fromObject yields exactly what SSA records for kubectl apply --server-side', () => {
  const s = FieldSet.fromObject(deployment, 'Deployment');
  assert.equal(JSON.stringify(s.toFieldsV1()), JSON.stringify(applyV1));
});

test('fromObject: set lists as v:, atomic lists as one leaf, env by name, stripped metadata', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', finalizers: ['a/b'], annotations: { 'x/y': 'z' } },
    spec: {
      tolerations: [{ key: 'k', operator: 'Exists' }],
      containers: [{ name: 'app', args: ['--v=2'], env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 53, protocol: 'UDP' }] }],
    },
  };
  const s = FieldSet.fromObject(obj, 'Pod');
  assert.deepEqual(s.toFieldsV1(), {
    'f:metadata': { 'f:annotations': { 'f:x/y': {} }, 'f:finalizers': { 'v:"a/b"': {} } },
    'f:spec': {
      'f:containers': {
        'k:{"name":"app"}': {
          '.': {},
          'f:args': {},
          'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
          'f:name': {},
          'f:ports': { 'k:{"containerPort":53,"protocol":"UDP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
        },
      },
      'f:tolerations': {},
    },
  });
});

test('set algebra', () => {
  const a = FieldSet.fromFieldsV1(applyV1);
  const b = FieldSet.empty();
  b.add(['f:spec', 'f:replicas']);
  b.add(['f:status', 'f:replicas']);
  assert.deepEqual(a.intersection(b).paths(), [['f:spec', 'f:replicas']]);
  assert.equal(a.difference(b).size, a.size - 1);
  assert.equal(a.union(b).size, a.size + 1);
  assert.equal(a.difference(b).has(['f:spec', 'f:replicas']), false);
  const c = FieldSet.empty();
  c.add([...tmplSpec, 'f:containers', C]);
  // recursive difference removes the item and everything under it
  assert.equal(a.recursiveDifference(c).hasPrefix([...tmplSpec, 'f:containers']), false);
  assert.equal(a.recursiveDifference(c).size, a.size - 5);
  const d = a.clone();
  d.remove(['f:spec', 'f:replicas']);
  assert.equal(d.size, a.size - 1);
  assert.equal(a.has(['f:spec', 'f:replicas']), true, 'clone is independent');
});

test('listItemElement and getAtPath', () => {
  const c = (deployment.spec.template.spec.containers as unknown[])[0];
  assert.equal(listItemElement('Deployment', ['spec', 'template', 'spec', 'containers'], c, 0), C);
  assert.equal(listItemElement('Deployment', ['spec', 'template', 'spec', 'containers', 'ports'], { containerPort: 80 }, 0), P);
  assert.equal(listItemElement('Deployment', ['metadata', 'finalizers'], 'x', 2), 'v:"x"');
  assert.equal(listItemElement('Deployment', ['spec', 'template', 'spec', 'tolerations'], {}, 3), 'i:3');
  const cases: Array<[string[], unknown]> = [
    [['f:spec', 'f:replicas'], 2],
    [[...tmplSpec, 'f:containers', C, 'f:image'], 'nginx:1.27'],
    [[...tmplSpec, 'f:containers', C, 'f:ports', P, 'f:containerPort'], 80],
    [[...tmplSpec, 'f:containers', 'k:{"name":"other"}'], undefined],
    [[...tmplSpec, 'f:containers', 'i:0', 'f:name'], 'nginx'],
    [['f:spec', 'f:paused'], undefined],
  ];
  for (const [path, want] of cases) assert.deepEqual(getAtPath(deployment, path), want, pathString(path));
  assert.equal(pathString([...tmplSpec, 'f:containers', C, 'f:image']), '.spec.template.spec.containers[name="nginx"].image');
});
