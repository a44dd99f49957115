import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import { diffObjects, diffResource, type DiffOptions } from '../../src/core/diff/index.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';
import { withOwnership } from '../../src/core/ownership.ts';

const dir = new URL('../fixtures/core/diff/', import.meta.url);
function load(name: string): { desired: SourcedObject; live: KubeObject } {
  const read = (f: string) => parseManifestText(f, readFileSync(new URL(f, dir), 'utf8'));
  return { desired: read(`${name}.desired.yaml`)[0]!, live: read(`${name}.live.yaml`)[0]!.object };
}
const obj = (so: SourcedObject) => so.object as any;

test('fixtures in sync: server defaults, status, managedFields and foreign fields are not drift', () => {
  for (const name of ['deployment', 'statefulset', 'ingress', 'certificate']) {
    const { desired, live } = load(name);
    const r = diffResource(desired, live);
    assert.equal(r.action, 'none', `${name}: ${r.diff}`);
    assert.equal(r.modified, false);
    assert.deepEqual(r.patch, []);
    assert.equal(r.diff, '');
    assert.equal(r.source?.file, `${name}.desired.yaml`);
  }
});

type Case = {
  name: string;
  fixture: string;
  desired?: (d: any) => void;
  live?: (l: any) => void;
  opts?: DiffOptions;
  action: 'none' | 'update';
  patch?: unknown[];
  diffIncludes?: string[];
};

const cases: Case[] = [
  // --- real drift -------------------------------------------------------------------------------
  {
    name: 'image changed in Git', fixture: 'deployment',
    desired: (d) => { d.spec.template.spec.containers[0].image = 'ghcr.io/acme/web:1.5.0'; },
    action: 'update',
    patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/web:1.5.0' }],
    diffIncludes: ['-          image: ghcr.io/acme/web:1.4.2', '+          image: ghcr.io/acme/web:1.5.0'],
  },
  {
    name: 'someone scaled the Deployment by hand', fixture: 'deployment',
    live: (l) => { l.spec.replicas = 5; },
    action: 'update',
    patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
  },
  {
    name: 'env var deleted from Git, recorded as ours in managedFields', fixture: 'deployment',
    desired: (d) => { d.spec.template.spec.containers[0].env.splice(0, 1); },
    action: 'update',
    patch: [{ op: 'remove', path: '/spec/template/spec/containers/0/env/1' }],
    diffIncludes: ['-            - name: LOG_LEVEL', '-              value: info'],
  },
  {
    name: 'memory limit deleted from Git (owned leaf removed)', fixture: 'deployment',
    desired: (d) => { delete d.spec.template.spec.containers[0].resources.limits.memory; },
    action: 'update',
    patch: [{ op: 'remove', path: '/spec/template/spec/containers/0/resources/limits/memory' }],
  },
  {
    name: 'ConfigMap key deleted from Git (managedFields)', fixture: 'configmap',
    action: 'update',
    patch: [{ op: 'remove', path: '/data/legacy.conf' }],
    diffIncludes: ['-  legacy.conf: old=1'],
  },
  {
    name: 'Service port deleted from Git (kubectl last-applied annotation)', fixture: 'service',
    action: 'update',
    patch: [{ op: 'remove', path: '/spec/ports/1' }],
    diffIncludes: ['-    - name: metrics'],
  },
  {
    name: 'StatefulSet volumeClaimTemplates storage changed (atomic list)', fixture: 'statefulset',
    desired: (d) => { d.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '20Gi'; },
    action: 'update',
    patch: [{ op: 'replace', path: '/spec/volumeClaimTemplates/0/spec/resources/requests/storage', value: '20Gi' }],
  },
  {
    name: 'StatefulSet volumeClaimTemplates: a field added in the cluster is drift (atomic list)', fixture: 'statefulset',
    live: (l) => { l.spec.volumeClaimTemplates[0].spec.storageClassName = 'fast'; },
    action: 'update',
    patch: [{ op: 'remove', path: '/spec/volumeClaimTemplates/0/spec/storageClassName' }],
  },
  {
    name: 'Ingress rule path changed in the cluster (atomic list)', fixture: 'ingress',
    live: (l) => { l.spec.rules[0].http.paths[0].path = '/shop'; },
    action: 'update',
    patch: [{ op: 'replace', path: '/spec/rules/0/http/paths/0/path', value: '/' }],
  },
  {
    name: 'Service selector edited in the cluster (atomic map)', fixture: 'service',
    desired: (d) => { d.spec.ports.push({ name: 'metrics', port: 9090, targetPort: 9090 }); },
    live: (l) => { l.spec.selector.tier = 'frontend'; },
    action: 'update',
    patch: [{ op: 'remove', path: '/spec/selector/tier' }],
  },
  {
    name: 'label changed and a label we applied is gone from Git', fixture: 'deployment',
    desired: (d) => { delete d.metadata.labels.app; d.metadata.labels.team = 'payments'; },
    action: 'update',
    patch: [{ op: 'remove', path: '/metadata/labels/app' }, { op: 'add', path: '/metadata/labels/team', value: 'payments' }],
  },
  {
    name: 'custom resource field changed', fixture: 'certificate',
    live: (l) => { l.spec.dnsNames = ['shop.example.com', 'www.example.com']; },
    action: 'update',
    patch: [{ op: 'remove', path: '/spec/dnsNames/1' }],
  },
  // --- not drift ----------------------------------------------------------------------------------
  {
    name: 'Service: clusterIP, ipFamilies, protocol, sessionAffinity defaults', fixture: 'service',
    desired: (d) => { d.spec.ports.push({ name: 'metrics', port: 9090, targetPort: 9090 }); },
    action: 'none',
  },
  {
    name: 'keyed lists: container and env order differ, defaults inside items', fixture: 'deployment',
    desired: (d) => { d.spec.template.spec.containers[0].env.reverse(); },
    action: 'none',
  },
  {
    name: 'a live field we never owned, absent from Git (kubectl rollout restart annotation)', fixture: 'deployment',
    live: (l) => { l.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] = '2026-03-05T00:00:00Z'; },
    action: 'none',
  },
  {
    name: 'empty vs absent: resources {}, annotations {}, env [], helm null, false/0 zero values', fixture: 'statefulset',
    desired: (d) => {
      const c = d.spec.template.spec.containers[0];
      c.resources = {};
      c.env = [];
      c.args = null;
      c.stdin = false;
      d.metadata.annotations = {};
      d.spec.template.metadata.annotations = null;
      d.spec.minReadySeconds = 0;
      d.spec.template.spec.hostNetwork = false;
    },
    action: 'none',
  },
  {
    name: 'a quoted number in an int field is drift (the API server rejects it; nothing coerces)', fixture: 'deployment',
    desired: (d) => { d.spec.replicas = '3'; },
    action: 'update',
    patch: [{ op: 'replace', path: '/spec/replicas', value: '3' }],
  },
  {
    name: 'ConfigMap with every key still in Git', fixture: 'configmap',
    desired: (d) => { d.data['legacy.conf'] = 'old=1'; },
    action: 'none',
  },
  {
    name: 'CRD: fields a webhook defaulted (issuerRef.group) are not drift', fixture: 'certificate',
    action: 'none',
  },
  // --- ignore rules ---------------------------------------------------------------------------------
  {
    name: 'ignore rule: JSON pointer /spec/replicas', fixture: 'deployment',
    live: (l) => { l.spec.replicas = 7; },
    opts: { ignore: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] },
    action: 'none',
  },
  {
    name: 'ignore rule for another kind does not apply', fixture: 'deployment',
    live: (l) => { l.spec.replicas = 7; },
    opts: { ignore: [{ kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }] },
    action: 'update',
  },
  {
    name: 'ignore rule: JSON pointer with ~1 escaping into an annotation', fixture: 'ingress',
    live: (l) => { l.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = '16m'; },
    opts: { ignore: [{ jsonPointers: ['/metadata/annotations/nginx.ingress.kubernetes.io~1proxy-body-size'] }] },
    action: 'none',
  },
  {
    name: 'ignore rule: managedFieldsManagers trusts the HPA for spec.replicas', fixture: 'deployment',
    live: (l) => {
      l.spec.replicas = 9;
      l.metadata.managedFields.push({ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    },
    opts: { ignore: [{ managedFieldsManagers: ['kube-controller-manager'] }] },
    action: 'none',
  },
  {
    name: 'managedFieldsManagers only covers that manager\'s fields', fixture: 'deployment',
    live: (l) => {
      l.spec.replicas = 9;
      l.spec.template.spec.containers[0].image = 'evil:latest';
      l.metadata.managedFields.push({ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    },
    opts: { ignore: [{ managedFieldsManagers: ['kube-controller-manager'] }] },
    action: 'update',
    patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/web:1.4.2' }],
  },
];

for (const c of cases) {
  test(`diff: ${c.name} → ${c.action}`, () => {
    const { desired, live } = load(c.fixture);
    c.desired?.(obj(desired));
    c.live?.(live);
    const r = diffResource(desired, live, c.opts);
    assert.equal(r.action, c.action, r.diff || JSON.stringify(r.patch));
    assert.equal(r.modified, c.action !== 'none');
    if (c.patch) assert.deepEqual(r.patch, c.patch);
    if (c.action === 'none') assert.equal(r.diff, '');
    else assert.match(r.diff, /^--- live\n\+\+\+ desired\n@@ /);
    for (const s of c.diffIncludes ?? []) assert.ok(r.diff.includes(`\n${s}\n`), `diff lacks ${JSON.stringify(s)}:\n${r.diff}`);
  });
}

const quantityCases: Array<[string, unknown, string, 'none' | 'update']> = [
  ['cpu', '1000m', '1', 'none'],
  ['cpu', 0.5, '500m', 'none'],
  ['cpu', '0.25', '250m', 'none'],
  ['cpu', 2, '2', 'none'],
  ['memory', '1Gi', '1073741824', 'none'],
  ['memory', '1e3', '1k', 'none'],
  ['memory', '1024Mi', '1Gi', 'none'],
  ['memory', '1G', '1Gi', 'update'],
  ['cpu', '1001m', '1', 'update'],
];
for (const [res, want, have, action] of quantityCases) {
  test(`quantities: desired ${res} ${JSON.stringify(want)} vs live ${JSON.stringify(have)} → ${action}`, () => {
    const { desired, live } = load('deployment');
    obj(desired).spec.template.spec.containers[0].resources.limits[res] = want;
    (live as any).spec.template.spec.containers[0].resources.limits[res] = have;
    assert.equal(diffResource(desired, live).action, action);
  });
}

test('Secret: stringData is compared as base64 data; values never printed', () => {
  const { desired, live } = load('secret');
  const r = diffResource(desired, live);
  assert.equal(r.action, 'update');
  const out = JSON.stringify(r);
  for (const secret of ['hunter2', 'aHVudGVyMg', 'c2hvcA', 'LS0tLS1CRUdJTi0tLS0t', 'aHVudGVyMi1yb3RhdGVk']) {
    assert.ok(!out.includes(secret), `output leaks ${secret}`);
  }
  // Keys stay visible; equal values share a placeholder, distinct values never do.
  assert.deepEqual(r.patch, [
    { op: 'remove', path: '/data/token' },
    { op: 'replace', path: '/data/password', value: '++++++++ (value 4)' },
  ]);
  assert.ok(r.diff.includes('\n-  password: ++++++++ (value 2)\n'));
  assert.ok(r.diff.includes('\n+  password: ++++++++ (value 4)\n'));
  assert.ok(r.diff.includes('\n-  token: ++++++++ (value 3)\n'));
  assert.ok(r.diff.includes('\n   username: ++++++++ (value 3)\n'), 'token and username hold the same value');
});

test('Secret: stringData equal to live data is in sync', () => {
  const { desired, live } = load('secret');
  obj(desired).stringData.password = 'hunter2';
  obj(desired).stringData.token = 'shop';
  assert.equal(diffResource(desired, live).action, 'none');
});

test('Secret create and delete are masked too', () => {
  const { desired, live } = load('secret');
  const c = diffResource(desired, undefined);
  const d = diffResource(undefined, live);
  assert.equal(c.action, 'create');
  assert.equal(d.action, 'delete');
  for (const r of [c, d]) {
    const out = JSON.stringify(r);
    assert.ok(!out.includes('hunter2') && !out.includes('aHVudGVyMg') && !out.includes('c2hvcA'), out);
    assert.ok(!out.includes('last-applied-configuration'), 'the annotation holds a full copy of the Secret');
  }
  assert.ok(c.diff.includes('+  password: ++++++++ (value'));
});

test('create: whole normalized desired object, namespace defaulted, --- live empty', () => {
  const { desired } = load('statefulset');
  delete obj(desired).metadata.namespace;
  const r = diffResource(desired, undefined, { defaultNamespace: 'team-a' });
  assert.equal(r.action, 'create');
  assert.equal(r.namespace, 'team-a');
  assert.deepEqual(r.patch.map((p) => p.path), ['/apiVersion', '/kind', '/metadata', '/spec']);
  assert.match(r.diff, /^--- live\n\+\+\+ desired\n@@ -0,0 \+1,\d+ @@\n\+apiVersion: apps\/v1\n/);
  assert.ok(r.diff.includes('+  namespace: team-a\n'));
});

test('diff output is deterministic: sorted keys, same text for the same input', () => {
  const { desired, live } = load('deployment');
  obj(desired).spec.template.spec.containers[0].image = 'x:2';
  const a = diffResource(desired, live);
  const b = diffResource(load('deployment').desired, live);
  assert.notEqual(a.diff, b.diff);
  const again = diffResource(desired, structuredClone(live));
  assert.equal(a.diff, again.diff);
  const keys = a.diff.split('\n').filter((l) => /^ [a-z]+:/.test(l)).map((l) => l.trim());
  assert.deepEqual(keys, [...keys].sort());
});

test('diffObjects: create, update, none, and deletes only for objects the app owns', () => {
  const dep = load('deployment');
  const svc = load('service');
  const cmap = load('configmap');
  obj(dep.desired).spec.replicas = 4;
  const ownedOrphan = withOwnership({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'shop' }, data: { a: 'b' } }, 'shop');
  const otherApp = withOwnership({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'theirs', namespace: 'shop' } }, 'billing');
  const copied = { ...withOwnership({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orig', namespace: 'shop' } }, 'shop') };
  copied.metadata = { ...copied.metadata, name: 'copy' }; // label copied, tracking id names another object
  const unowned: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'shop' } };
  const ns = { object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', namespace: 'ignored' } } } as SourcedObject;
  const liveNs: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' }, spec: { finalizers: ['kubernetes'] } };
  const all = [dep.desired, svc.desired, cmap.desired, ns];
  const liveAll = [unowned, otherApp, ownedOrphan, copied, dep.live, liveNs, svc.live];
  const byName = (r: ReturnType<typeof diffObjects>) => r.resources.map((x) => `${x.kind}/${x.name}:${x.action}`);

  const r = diffObjects(all, liveAll, { appName: 'shop' });
  assert.deepEqual(byName(r), ['Deployment/web:update', 'Service/web:update', 'ConfigMap/web-config:create', 'Namespace/shop:none', 'ConfigMap/old:delete']);
  assert.deepEqual(r.summary, { create: 1, update: 2, delete: 1, none: 1, total: 5 });
  assert.equal(r.resources[3]!.namespace, '');

  const noApp = diffObjects(all, liveAll);
  assert.deepEqual(byName(noApp).filter((s) => s.endsWith(':delete')), ['ConfigMap/old:delete', 'ConfigMap/theirs:delete']);
});

test('diffObjects: isNamespaced from discovery wins over the built-in table', () => {
  const cr = { object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } } } as SourcedObject;
  const live: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } };
  assert.equal(diffObjects([cr], [live]).resources[0]!.namespace, 'default');
  const r = diffObjects([cr], [live], { isNamespaced: (g) => (g === 'example.com' ? false : undefined) });
  assert.deepEqual([r.resources[0]!.namespace, r.resources[0]!.action], ['', 'none']);
});
