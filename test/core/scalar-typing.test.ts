// Int-vs-string and other scalar typing: strict, as the API server is (see
// src/core/normalize/scalar-equality.ts); only resource.Quantity fields of built-in kinds coerce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import { diffResource } from '../../src/core/diff/index.ts';
import { scalarsEqual } from '../../src/core/normalize/scalar-equality.ts';

const svc = (targetPort: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: ${targetPort}}
`;
const svcLive = (targetPort: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, uid: u1, resourceVersion: "9"}
spec:
  clusterIP: 10.96.0.12
  clusterIPs: [10.96.0.12]
  internalTrafficPolicy: Cluster
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  selector: {app: web}
  sessionAffinity: None
  type: ClusterIP
  ports:
  - {name: http, port: 80, protocol: TCP, targetPort: ${targetPort}}
status: {loadBalancer: {}}
`;
const deploy = (rolling: string, port: string, cpu: string, replicas = '2') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: api}}
  strategy: {type: RollingUpdate, rollingUpdate: ${rolling}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:2.0.1
        ports: [{containerPort: ${port}}]
        readinessProbe: {httpGet: {path: /ready, port: ${port}}}
        resources: {requests: {cpu: ${cpu}}}
`;
const liveDeploy = deploy('{maxSurge: 25%, maxUnavailable: 1}', '8080', '"1"');
const cm = (v: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop, annotations: {enabled: ${v}}}
data: {port: ${v}}
`;
const cr = (port: string, cpu: string) => `apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec:
  port: ${port}
  resources: {requests: {cpu: ${cpu}}}
`;

const hpa = (averageValue: string, env: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop, annotations: {threshold: ${env}}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Pods
    pods:
      metric: {name: http_requests_per_second}
      target: {type: AverageValue, averageValue: ${averageValue}}
`;

const cases: Array<{ name: string; desired: string; live: string; action: 'none' | 'update'; diffIncludes?: string[] }> = [
  { name: 'IntOrString targetPort: same name', desired: svc('http'), live: svcLive('http'), action: 'none' },
  { name: 'IntOrString targetPort: same int', desired: svc('8080'), live: svcLive('8080'), action: 'none' },
  {
    name: 'IntOrString targetPort: 8080 vs "8080" are different values (Type=Int vs Type=String)',
    desired: svc('"8080"'), live: svcLive('8080'), action: 'update',
    diffIncludes: ['-      targetPort: 8080', '+      targetPort: "8080"'],
  },
  { name: 'IntOrString targetPort: int in Git, name live', desired: svc('8080'), live: svcLive('http'), action: 'update' },
  { name: 'IntOrString maxSurge/maxUnavailable spelled as live has them', desired: deploy('{maxSurge: 25%, maxUnavailable: 1}', '8080', '"1"'), live: liveDeploy, action: 'none' },
  {
    name: 'IntOrString maxUnavailable "1" (string) vs 1 (int)',
    desired: deploy('{maxSurge: 25%, maxUnavailable: "1"}', '8080', '"1"'), live: liveDeploy, action: 'update',
    diffIncludes: ['-      maxUnavailable: 1', '+      maxUnavailable: "1"'],
  },
  { name: 'IntOrString probe port: "8080" vs 8080', desired: deploy('{maxSurge: 25%, maxUnavailable: 1}', '8080', '"1"').replace('port: 8080}', 'port: "8080"}'), live: liveDeploy, action: 'update' },
  {
    name: 'int containerPort given as a string: same item, value changed',
    desired: deploy('{maxSurge: 25%, maxUnavailable: 1}', '"8080"', '"1"').replace('port: "8080"}}', 'port: 8080}}'), live: liveDeploy, action: 'update',
    diffIncludes: ['-            - containerPort: 8080', '+            - containerPort: "8080"'],
  },
  { name: 'int replicas given as a string', desired: deploy('{maxSurge: 25%, maxUnavailable: 1}', '8080', '"1"', '"2"'), live: liveDeploy, action: 'update' },
  { name: 'quantity: cpu 1 (number) vs "1" coerces', desired: deploy('{maxSurge: 25%, maxUnavailable: 1}', '8080', '1'), live: liveDeploy, action: 'none' },
  { name: 'quantity: cpu 1000m vs "1" (canonical form) coerces', desired: deploy('{maxSurge: 25%, maxUnavailable: 1}', '8080', '1000m'), live: liveDeploy, action: 'none' },
  { name: 'ConfigMap data and annotation: "80" both sides', desired: cm('"80"'), live: cm('"80"'), action: 'none' },
  { name: 'ConfigMap data and annotation: unquoted 80 in Git vs "80" live', desired: cm('80'), live: cm('"80"'), action: 'update' },
  { name: 'annotation: unquoted true in Git vs "true" live', desired: cm('true'), live: cm('"true"'), action: 'update' },
  { name: 'HPA v2 metric target averageValue is a quantity: 0.5 vs 500m', desired: hpa('0.5', '"1k"'), live: hpa('500m', '"1k"'), action: 'none' },
  { name: 'HPA v2 metric target averageValue changed', desired: hpa('0.5', '"1k"'), live: hpa('600m', '"1k"'), action: 'update' },
  { name: 'a string that looks like a quantity elsewhere compares as a string', desired: hpa('0.5', '"1k"'), live: hpa('500m', '"1000"'), action: 'update' },
  { name: 'custom resource: 80 vs "80" differ', desired: cr('80', '"1"'), live: cr('"80"', '"1"'), action: 'update' },
  { name: 'custom resource: quantities are stored as sent, 1000m vs 1 differ', desired: cr('80', '1000m'), live: cr('80', '"1"'), action: 'update' },
  { name: 'custom resource: identical values', desired: cr('80', '1000m'), live: cr('80', '1000m'), action: 'none' },
];

for (const c of cases) {
  test(`scalar typing: ${c.name} → ${c.action}`, () => {
    const d = parseManifestText('desired.yaml', c.desired)[0]!;
    const l = parseManifestText('live.yaml', c.live)[0]!.object;
    const r = diffResource(d, l);
    assert.equal(r.action, c.action, r.diff);
    for (const s of c.diffIncludes ?? []) assert.ok(r.diff.includes(`\n${s}\n`), `diff lacks ${JSON.stringify(s)}:\n${r.diff}`);
  });
}

test('scalarsEqual: strict by JSON type, quantities by value only on quantity paths', () => {
  const table: Array<[unknown, unknown, string[] | undefined, boolean]> = [
    [80, 80, ['spec', 'ports', 'port'], true],
    [80, '80', ['spec', 'ports', 'targetPort'], false],
    [true, 'true', ['metadata', 'annotations', 'x'], false],
    ['1', 1, ['spec', 'resources', 'requests', 'cpu'], true],
    ['1Gi', '1073741824', ['spec', 'resources', 'requests', 'storage'], true],
    ['0.5Gi', '512Mi', ['spec', 'volumes', 'emptyDir', 'sizeLimit'], true],
    ['1Gi', '1073741824', ['spec', 'data', 'size'], false],
    ['1000m', '1', undefined, false],
    ['0.5', '500m', ['spec', 'metrics', 'pods', 'target', 'averageValue'], true],
    ['1k', '1000', ['spec', 'metrics', 'object', 'target', 'value'], true],
    ['1k', '1000', ['spec', 'template', 'spec', 'containers', 'env', 'value'], false],
    ['250m', '0.25', ['overhead', 'podFixed', 'cpu'], true],
  ];
  for (const [a, b, path, want] of table) assert.equal(scalarsEqual(a, b, path), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)} at ${path?.join('.')}`);
});
