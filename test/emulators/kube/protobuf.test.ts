import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeKubeProtobuf, readEnvelope } from '../../../emulators/kube/protobuf/index.ts';
import { MergeError } from '../../../emulators/kube/merge/index.ts';
import { captureAll, COMMANDS } from '../../fixtures/protobuf/capture.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/protobuf');
const fixture = (name: string): Buffer => readFileSync(join(dir, `${name}.bin`));
const b64 = (s: string): string => Buffer.from(s).toString('base64');

// What the API server sees for each captured `kubectl create ...` (see capture.ts for the commands).
const expected: Record<string, unknown> = {
  namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { LOG_LEVEL: 'debug', mode: 'fast' } },
  'secret-generic': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: b64('s3cret'), user: b64('app') } },
  'secret-docker-registry': {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { 'registry.example.com': { username: 'ci', password: 'hunter2', email: 'ci@example.com', auth: b64('ci:hunter2') } } })) },
  },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } },
  deployment: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 3, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
    },
  },
  'service-clusterip': {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'web' }, type: 'ClusterIP' },
  },
  'service-nodeport': {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', labels: { app: 'np' } },
    spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }], selector: { app: 'np' }, type: 'NodePort' },
  },
  'service-loadbalancer': {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', labels: { app: 'lb' } },
    spec: { ports: [{ name: '443-8443', protocol: 'TCP', port: 443, targetPort: 8443 }], selector: { app: 'lb' }, type: 'LoadBalancer' },
  },
  'service-externalname': {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', labels: { app: 'ext' } },
    spec: { selector: { app: 'ext' }, type: 'ExternalName', externalName: 'db.example.com' },
  },
  job: {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' },
    spec: { template: { spec: { containers: [{ name: 'once', image: 'busybox:1.36', command: ['echo', 'hi'] }], restartPolicy: 'Never' } } },
  },
  cronjob: {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' },
    spec: {
      schedule: '0 2 * * *',
      jobTemplate: { metadata: { name: 'nightly' }, spec: { template: { spec: { containers: [{ name: 'nightly', image: 'busybox:1.36', command: ['echo', 'hi'] }], restartPolicy: 'OnFailure' } } } },
    },
  },
  role: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' },
    rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'configmaps'] }],
  },
  rolebinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'reader-binding' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, { kind: 'ServiceAccount', name: 'bot', namespace: 'default' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  },
  clusterrole: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'node-reader' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }],
  },
  clusterrolebinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'node-reader-binding' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' },
  },
  quota: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { cpu: '2', memory: '1Gi', pods: '10' } } },
  poddisruptionbudget: {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
  },
  priorityclass: {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' },
    value: 1000, description: 'high priority', preemptionPolicy: 'PreemptLowerPriority',
  },
  ingress: {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } }],
    },
  },
  // kubectl autoscale: autoscaling/v2 when served, else autoscaling/v1 (which carries no CPU target).
  autoscale: {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
  },
  'autoscale-v1': {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 4 },
  },
};

test('captured kubectl create bodies decode to the objects kubectl meant', async (t) => {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, { contentType: string }>;
  for (const [name, want] of Object.entries(expected)) {
    await t.test(name, () => {
      assert.equal(index[name]?.contentType, 'application/vnd.kubernetes.protobuf');
      assert.deepEqual(decodeKubeProtobuf(fixture(name)), want);
    });
  }
  await t.test('secret-tls (values checked by shape only)', () => {
    const s = decodeKubeProtobuf(fixture('secret-tls')) as unknown as { type: string; data: Record<string, string> };
    assert.equal(s.type, 'kubernetes.io/tls');
    assert.deepEqual(Object.keys(s.data).sort(), ['tls.crt', 'tls.key']);
    assert.match(Buffer.from(s.data['tls.crt']!, 'base64').toString(), /^-----BEGIN CERTIFICATE-----\n/);
    assert.match(Buffer.from(s.data['tls.key']!, 'base64').toString(), /^-----BEGIN PRIVATE KEY-----\n/);
  });
});

test('the committed fixtures are what this kubectl sends today', async () => {
  const work = mkdtempSync(join(tmpdir(), 'pb-live-'));
  try {
    const names = ['namespace', 'configmap', 'deployment', 'service-nodeport'];
    const caps = await captureAll(Object.fromEntries(names.map((n) => [n, COMMANDS[n]!])), work);
    for (const n of names) {
      assert.equal(caps[n]!.contentType, 'application/vnd.kubernetes.protobuf', n);
      assert.deepEqual(caps[n]!.body, fixture(n), n);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

// --- a tiny encoder, to build envelopes the captures do not cover ---
function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const ld = (field: number, bytes: number[] | string): number[] => {
  const b = typeof bytes === 'string' ? [...Buffer.from(bytes)] : bytes;
  return [...varint(field * 8 + 2), ...varint(b.length), ...b];
};
const vi = (field: number, n: number): number[] => [...varint(field * 8), ...varint(n)];
const envelope = (apiVersion: string, kind: string, raw: number[], extra: number[] = []): Buffer =>
  Buffer.from([0x6b, 0x38, 0x73, 0x00, ...ld(1, [...ld(1, apiVersion), ...ld(2, kind)]), ...ld(2, raw), ...extra]);

test('pointer zeros are kept, plain zeros dropped, unknown fields skipped', () => {
  const raw = [
    ...ld(1, [...ld(1, 'zero'), ...vi(7, 0), ...ld(99, 'future field')]), // metadata: name, generation 0, unknown #99
    ...ld(2, [...vi(1, 0), ...vi(5, 0), ...vi(7, 0), ...vi(42, 7), ...ld(4, [...ld(2, [...ld(1, [...vi(1, 0), ...vi(2, 0)]), ...ld(2, [...vi(1, 0), ...vi(2, -1)])])])]), // replicas 0 (ptr), minReadySeconds 0, paused false, unknown #42, strategy.rollingUpdate (IntOrStrings 0 and -1)
    ...[0x1d, 1, 2, 3, 4], // unknown fixed32 field 3 at the top level
  ];
  const obj = decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw));
  assert.deepEqual(obj, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'zero' },
    spec: { replicas: 0, strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: -1 } } },
  });
});

test('IntOrString strings, Quantity maps and Time', () => {
  const pdb = decodeKubeProtobuf(envelope('policy/v1', 'PodDisruptionBudget', [...ld(2, [...ld(3, [...vi(1, 1), ...ld(3, '25%')])])]));
  assert.deepEqual(pdb.spec, { maxUnavailable: '25%' });
  const ns = decodeKubeProtobuf(envelope('v1', 'Namespace', [...ld(1, [...ld(1, 'n'), ...ld(8, [...vi(1, 1714644000)])])]));
  assert.deepEqual(ns.metadata, { name: 'n', creationTimestamp: '2024-05-02T10:00:00Z' });
});

test('bad bodies are typed errors, never crashes', async (t) => {
  const ns = fixture('namespace');
  const cases: Array<[string, Buffer, number]> = [
    ['no magic', Buffer.from('{"kind":"Namespace"}'), 400],
    ['empty', Buffer.alloc(0), 400],
    ['truncated', ns.subarray(0, ns.length - 5), 400],
    ['unsupported kind', envelope('example.com/v1', 'Widget', []), 415],
    ['content encoding', envelope('v1', 'Namespace', [], ld(3, 'gzip')), 415],
  ];
  for (const [name, body, status] of cases) {
    await t.test(name, () => {
      assert.throws(() => decodeKubeProtobuf(body), (e: unknown) => e instanceof MergeError && e.status === status);
    });
  }
  // random garbage after the magic: either decodes or fails with a typed error
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    const junk = Buffer.from(Array.from({ length: 40 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff));
    try {
      decodeKubeProtobuf(Buffer.concat([ns.subarray(0, 4), junk]));
    } catch (e) {
      assert.ok(e instanceof MergeError, String(e));
    }
  }
});

test('readEnvelope exposes type meta', () => {
  const env = readEnvelope(fixture('deployment'));
  assert.equal(env.apiVersion, 'apps/v1');
  assert.equal(env.kind, 'Deployment');
  assert.ok(env.raw.length > 100);
});
