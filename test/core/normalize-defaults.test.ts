// Server defaults inside atomic lists/maps (src/core/normalize/atomic-defaults.ts), on objects as
// the API server returns them, and keyed lists from src/core/schema/list-keys.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource } from '../../src/core/diff/index.ts';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';

const so = (yaml: string): SourcedObject => parseManifestText('d.yaml', yaml)[0]!;
const obj = (yaml: string): KubeObject => parseManifestText('l.yaml', yaml)[0]!.object;

const limitRange = `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
  - type: Container
    max: {cpu: "2", memory: 2Gi}
    min: {cpu: 50m, memory: 64Mi}
`;
const limitRangeLive = (maxCpu = '"2"') => `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop, uid: 3c1, resourceVersion: "812", creationTimestamp: "2026-01-10T08:00:00Z"}
spec:
  limits:
  - type: Container
    default: {cpu: "2", memory: 2Gi}
    defaultRequest: {cpu: 50m, memory: 64Mi}
    max: {cpu: ${maxCpu}, memory: 2Gi}
    min: {cpu: 50m, memory: 64Mi}
`;

const job = (status: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  backoffLimit: 3
  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions:
      - type: DisruptionTarget${status}
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [42]}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: ghcr.io/acme/migrate:1.0}]
`;
const jobLive = (status: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  uid: 7d2e
  generation: 1
  labels: {batch.kubernetes.io/controller-uid: 7d2e, batch.kubernetes.io/job-name: migrate, controller-uid: 7d2e, job-name: migrate}
spec:
  backoffLimit: 3
  completionMode: NonIndexed
  completions: 1
  manualSelector: false
  parallelism: 1
  podReplacementPolicy: Failed
  suspend: false
  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions:
      - {status: "${status}", type: DisruptionTarget}
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [42]}
  selector:
    matchLabels: {batch.kubernetes.io/controller-uid: 7d2e}
  template:
    metadata:
      labels: {batch.kubernetes.io/controller-uid: 7d2e, batch.kubernetes.io/job-name: migrate, controller-uid: 7d2e, job-name: migrate}
    spec:
      containers:
      - image: ghcr.io/acme/migrate:1.0
        imagePullPolicy: IfNotPresent
        name: main
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Never
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status: {active: 1, ready: 0, startTime: "2026-01-10T08:00:00Z"}
`;

const vap = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-limit}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  variables:
  - {name: replicas, expression: "object.spec.replicas"}
  - {name: limit, expression: "5"}
  validations:
  - expression: "variables.replicas <= variables.limit"
`;
const vapLive = (scope: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-limit, uid: 91f, generation: 1, resourceVersion: "77"}
spec:
  failurePolicy: Fail
  matchConstraints:
    matchPolicy: Equivalent
    namespaceSelector: {}
    objectSelector: {}
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
      scope: "${scope}"
  variables:
  - {name: limit, expression: "5"}
  - {name: replicas, expression: "object.spec.replicas"}
  validations:
  - expression: "variables.replicas <= variables.limit"
status: {observedGeneration: 1, typeChecking: {}}
`;

const mwc = (webhooks: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: cert-manager-webhook, annotations: {cert-manager.io/inject-ca-from-secret: cert-manager/cert-manager-webhook-ca}}
webhooks:
${webhooks}`;
const hook = (name: string, extra = '') => `- name: ${name}
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {name: cert-manager-webhook, namespace: cert-manager, path: /mutate}${extra}
  rules:
  - {apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: ["*/*"]}
`;
const hookLive = (name: string) => `- name: ${name}
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  matchPolicy: Equivalent
  namespaceSelector: {}
  objectSelector: {}
  reinvocationPolicy: Never
  timeoutSeconds: 10
  clientConfig:
    caBundle: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t
    service: {name: cert-manager-webhook, namespace: cert-manager, path: /mutate, port: 443}
  rules:
  - {apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: ["*/*"], scope: "*"}
`;
const mwcLive = (webhooks: string, owned: string[]) => `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
  uid: 55a
  annotations: {cert-manager.io/inject-ca-from-secret: cert-manager/cert-manager-webhook-ca}
  managedFields:
  - manager: driftguard
    operation: Apply
    apiVersion: admissionregistration.k8s.io/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata: {f:annotations: {f:cert-manager.io/inject-ca-from-secret: {}}}
      f:webhooks:
${owned.map((n) => `        k:{"name":"${n}"}: {.: {}, f:admissionReviewVersions: {}, f:clientConfig: {f:service: {f:name: {}, f:namespace: {}, f:path: {}}}, f:name: {}, f:rules: {}, f:sideEffects: {}}`).join('\n')}
  - manager: cainjector
    operation: Update
    apiVersion: admissionregistration.k8s.io/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:webhooks:
${owned.map((n) => `        k:{"name":"${n}"}: {f:clientConfig: {f:caBundle: {}}}`).join('\n')}
webhooks:
${webhooks}`;

const cases: Array<{ name: string; desired: string; live: string; action: 'none' | 'update'; diffIncludes?: string[] }> = [
  { name: 'LimitRange: default/defaultRequest filled from max/min', desired: limitRange, live: limitRangeLive(), action: 'none' },
  {
    name: 'LimitRange: a partial default is completed from max',
    desired: limitRange.replace('    max:', '    default: {cpu: "2"}\n    max:'), live: limitRangeLive(), action: 'none',
  },
  { name: 'LimitRange: max changed in the cluster', desired: limitRange, live: limitRangeLive('"4"'), action: 'update', diffIncludes: ['-        cpu: "4"', '+        cpu: "2"'] },
  { name: 'Job: podFailurePolicy onPodConditions status defaulted to True', desired: job(''), live: jobLive('True'), action: 'none' },
  { name: 'Job: onPodConditions status False in the cluster is drift', desired: job(''), live: jobLive('False'), action: 'update' },
  { name: 'Job: status set in Git as the default', desired: job('\n        status: "True"'), live: jobLive('True'), action: 'none' },
  { name: 'ValidatingAdmissionPolicy: defaults, resourceRules scope "*", variables keyed by name', desired: vap, live: vapLive('*'), action: 'none' },
  { name: 'ValidatingAdmissionPolicy: resourceRules scope Namespaced is not the default', desired: vap, live: vapLive('Namespaced'), action: 'update' },
  {
    name: 'MutatingWebhookConfiguration: cainjector caBundle and defaults in webhooks keyed by name (order differs)',
    desired: mwc(hook('a.webhook.cert-manager.io') + hook('b.webhook.cert-manager.io')),
    live: mwcLive(hookLive('b.webhook.cert-manager.io') + hookLive('a.webhook.cert-manager.io'), ['a.webhook.cert-manager.io', 'b.webhook.cert-manager.io']),
    action: 'none',
  },
  {
    name: 'MutatingWebhookConfiguration: a webhook we applied and removed from Git is drift',
    desired: mwc(hook('a.webhook.cert-manager.io')),
    live: mwcLive(hookLive('a.webhook.cert-manager.io') + hookLive('b.webhook.cert-manager.io'), ['a.webhook.cert-manager.io', 'b.webhook.cert-manager.io']),
    action: 'update',
    diffIncludes: ['-    name: b.webhook.cert-manager.io'],
  },
  {
    name: 'MutatingWebhookConfiguration: a webhook another manager added is not ours to remove',
    desired: mwc(hook('a.webhook.cert-manager.io')),
    live: mwcLive(hookLive('a.webhook.cert-manager.io') + hookLive('b.webhook.cert-manager.io'), ['a.webhook.cert-manager.io']),
    action: 'none',
  },
  {
    name: 'MutatingWebhookConfiguration: a changed path inside a webhook is drift',
    desired: mwc(hook('a.webhook.cert-manager.io').replace('/mutate', '/mutate-v2')),
    live: mwcLive(hookLive('a.webhook.cert-manager.io'), ['a.webhook.cert-manager.io']),
    action: 'update',
  },
];

for (const c of cases) {
  test(`normalize defaults: ${c.name} → ${c.action}`, () => {
    const r = diffResource(so(c.desired), obj(c.live));
    assert.equal(r.action, c.action, r.diff);
    for (const s of c.diffIncludes ?? []) assert.ok(r.diff.includes(`\n${s}\n`), `diff lacks ${JSON.stringify(s)}:\n${r.diff}`);
  });
}

// Typed map[string][]byte / map[string]string: Go decodes a null value as the empty value.
const emptyValueCases: Array<{ name: string; desired: string; live: string; action: 'none' | 'update' }> = [
  {
    name: 'Secret data: "" in Git, null live',
    desired: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\ntype: Opaque\ndata: {token: "", user: YWRtaW4=}\n',
    live: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\ntype: Opaque\ndata: {token: null, user: YWRtaW4=}\n',
    action: 'none',
  },
  {
    name: 'Secret data: "" in Git, key absent live',
    desired: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\ntype: Opaque\ndata: {token: "", user: YWRtaW4=}\n',
    live: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\ntype: Opaque\ndata: {user: YWRtaW4=}\n',
    action: 'update',
  },
  {
    name: 'ConfigMap binaryData and data: "" in Git, null live',
    desired: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {empty.conf: ""}\nbinaryData: {blob: ""}\n',
    live: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata: {empty.conf: null}\nbinaryData: {blob: null}\n',
    action: 'none',
  },
  {
    name: 'custom resource: "" vs null are different JSON values',
    desired: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: a}\nspec: {data: {k: ""}}\n',
    live: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: a}\nspec: {data: {k: null}}\n',
    action: 'update',
  },
];
for (const c of emptyValueCases) {
  test(`normalize empty values: ${c.name} → ${c.action}`, () => {
    const r = diffResource(so(c.desired), obj(c.live));
    assert.equal(r.action, c.action, r.diff);
  });
}

test('normalize defaults: EndpointSlice ports get name "" and protocol TCP; another port name is drift', () => {
  const desired = 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: legacy-db-1, namespace: shop, labels: {kubernetes.io/service-name: legacy-db}}\naddressType: IPv4\nports:\n- port: 5432\nendpoints:\n- addresses: [10.20.0.15]\n';
  const live = (name: string) => `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: legacy-db-1, namespace: shop, uid: e1, generation: 1, labels: {kubernetes.io/service-name: legacy-db}}\naddressType: IPv4\nports:\n- {name: "${name}", port: 5432, protocol: TCP}\nendpoints:\n- addresses: [10.20.0.15]\n`;
  assert.equal(diffResource(so(desired), obj(live(''))).action, 'none');
  assert.equal(diffResource(so(desired), obj(live('pg'))).action, 'update');
});

test('normalize byte maps: base64 wrapped over lines equals the one-line value the API server stores', () => {
  const cert = Buffer.from('-----BEGIN CERTIFICATE-----\n' + 'MIIB'.repeat(40) + '\n-----END CERTIFICATE-----\n').toString('base64');
  const wrapped = cert.match(/.{1,76}/g)!.join('\n');
  const secret = (v: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: shop}\ntype: Opaque\ndata:\n  ca.crt: |\n${v.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  const live = `apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: shop, uid: s1}\ntype: Opaque\ndata:\n  ca.crt: ${cert}\n`;
  assert.ok(wrapped.includes('\n'));
  assert.equal(diffResource(so(secret(wrapped)), obj(live)).action, 'none');
  const other = Buffer.from('something else entirely').toString('base64');
  const r = diffResource(so(secret(other)), obj(live));
  assert.equal(r.action, 'update');
  assert.ok(!r.diff.includes(other) && !r.diff.includes(cert.slice(0, 20)), 'no Secret value in the diff');
  const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blobs, namespace: shop}\nbinaryData:\n  ca.der: ${v}\n`;
  assert.equal(diffResource(so(cm(JSON.stringify(wrapped))), obj(cm(cert))).action, 'none');
  // ConfigMap `data` is map[string]string: line breaks are content there.
  const data = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: text, namespace: shop}\ndata:\n  note: ${v}\n`;
  assert.equal(diffResource(so(data('"a\\nb"')), obj(data('ab'))).action, 'update');
});
