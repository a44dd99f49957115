import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource } from '../../src/core/diff/index.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import { FieldsV1Paths } from '../../src/core/normalize/fieldsv1-paths.ts';

const so = (yaml: string): SourcedObject => parseManifestText('d.yaml', yaml)[0]!;
const live = (yaml: string): KubeObject => parseManifestText('l.yaml', yaml)[0]!.object;

test('FieldsV1Paths: membership, prefixes, and non-canonical k: spellings', () => {
  const p = new FieldsV1Paths([
    {
      'f:spec': {
        'f:ports': { 'k:{"protocol":"TCP", "port":80}': { '.': {}, 'f:port': {}, 'f:name': {} } },
        'f:selector': {},
      },
    },
  ]);
  assert.equal(p.hasPrefix(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), true);
  assert.equal(p.has(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), true);
  assert.equal(p.has(['f:spec', 'f:ports']), false);
  assert.equal(p.hasPrefix(['f:spec', 'f:ports']), true);
  assert.equal(p.has(['f:spec', 'f:selector']), true);
  assert.equal(p.hasPrefix(['f:spec', 'f:type']), false);
  assert.equal(p.hasPrefix(['f:spec', 'f:ports', 'k:{"port":81,"protocol":"TCP"}']), false);
});

const cases: Array<{ name: string; desired: string; live: string; action: 'none' | 'update'; diffIncludes?: string }> = [
  {
    name: 'RoleBinding subjects: apiGroup defaulted inside an atomic list',
    desired: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: a}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- kind: User\n  name: jane\n',
    live: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: a, uid: x, resourceVersion: "1"}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: jane\n',
    action: 'none',
  },
  {
    name: 'RoleBinding subjects: an extra subject added in the cluster is drift',
    desired: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: a}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- kind: User\n  name: jane\n',
    live: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: a}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}\n- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}\n',
    action: 'update',
    diffIncludes: '-    name: mallory',
  },
  {
    name: 'webhook configuration: server defaults inside webhooks',
    desired: 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: v}\nwebhooks:\n- name: v.example.com\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  clientConfig:\n    service: {name: svc, namespace: sys, path: /validate}\n  rules:\n  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}\n',
    live: 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: v, generation: 1}\nwebhooks:\n- admissionReviewVersions: [v1]\n  clientConfig:\n    service: {name: svc, namespace: sys, path: /validate, port: 443}\n  failurePolicy: Fail\n  matchPolicy: Equivalent\n  name: v.example.com\n  namespaceSelector: {}\n  objectSelector: {}\n  rules:\n  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods], scope: "*"}\n  sideEffects: None\n  timeoutSeconds: 10\n',
    action: 'none',
  },
  {
    // PodSpec.nodeSelector is +mapType=atomic: applying {disktype: ssd} replaces the whole map, so a
    // key added in the cluster (kubectl edit) goes away on sync and is drift, whoever owns it.
    name: 'nodeSelector is an atomic map: a key added in the cluster is drift',
    desired: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers: [{name: c, image: busybox}]\n  nodeSelector: {disktype: ssd}\n',
    live: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\n  managedFields:\n  - manager: kubectl-edit\n    operation: Update\n    apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1: {"f:spec": {"f:nodeSelector": {}}}\nspec:\n  containers: [{name: c, image: busybox, imagePullPolicy: Always}]\n  nodeSelector: {disktype: ssd, zone: a}\n',
    action: 'update',
    diffIncludes: '-    zone: a',
  },
  {
    name: 'stale last-applied annotation is ignored once our Apply entry exists',
    desired: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {a: "1"}\n',
    live: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: \'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"a"},"data":{"a":"1","b":"2"}}\'\n  managedFields:\n  - manager: driftguard\n    operation: Apply\n    apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1: {"f:data": {"f:a": {}}}\n  - manager: kubectl-edit\n    operation: Update\n    apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1: {"f:data": {"f:b": {}}}\ndata: {a: "1", b: "2"}\n',
    action: 'none',
  },
  {
    name: 'strings YAML 1.1 would read as booleans are quoted in the diff',
    desired: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {enabled: "yes"}\n',
    live: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {enabled: "no"}\n',
    action: 'update',
    diffIncludes: '+  enabled: "yes"',
  },
  {
    name: 'custom resource: live-only fields inside list items are tolerated (unknown defaults)',
    desired: 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m, namespace: a}\nspec:\n  endpoints:\n  - port: http\n',
    live: 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m, namespace: a}\nspec:\n  endpoints:\n  - port: http\n    interval: 30s\n',
    action: 'none',
  },
  {
    name: 'an annotation with an empty value missing from live is drift (maps keep "" values)',
    desired: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\n  annotations: {note: ""}\n',
    live: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n',
    action: 'update',
    diffIncludes: '+    note: ""',
  },
  {
    name: 'emptyDir {} vs live emptyDir {} and a sizeLimit quantity',
    desired: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers: [{name: c, image: busybox}]\n  volumes:\n  - name: tmp\n    emptyDir: {sizeLimit: 0.5Gi}\n  - name: cache\n    emptyDir: {}\n',
    live: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers: [{name: c, image: busybox, imagePullPolicy: Always}]\n  volumes:\n  - name: cache\n    emptyDir: {}\n  - name: tmp\n    emptyDir: {sizeLimit: 512Mi}\n  - name: kube-api-access-x\n    projected: {defaultMode: 420}\n',
    action: 'none',
  },
];
for (const c of cases) {
  test(`normalize: ${c.name} → ${c.action}`, () => {
    const r = diffResource(so(c.desired), live(c.live));
    assert.equal(r.action, c.action, r.diff);
    if (c.diffIncludes) assert.ok(r.diff.includes(`\n${c.diffIncludes}\n`), r.diff);
  });
}
