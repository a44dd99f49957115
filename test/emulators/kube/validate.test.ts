// Built-in validation over real HTTP: 422 Invalid with the API server's message, field path and causes
// (pkg/apis/core/validation, pkg/apis/apps/validation), and Service type changes (dropTypeDependentFields).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, deployment, withEmulator } from './helpers.ts';

const DEPLOYS = '/apis/apps/v1/namespaces/shop/deployments';
const SERVICES = '/api/v1/namespaces/shop/services';

type Obj = Record<string, any>;
/** A Deployment whose first container is changed by `edit`. */
function withContainer(name: string, edit: (c: Obj, d: Obj) => void): Obj {
  const d = deployment(name);
  edit(d.spec.template.spec.containers[0], d);
  return d;
}
const service = (name: string, spec: Obj): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ...spec } });

const CASES: Array<{ name: string; path: string; body: Obj; field: string; reason: string; message: string }> = [
  {
    name: 'env var with value and valueFrom', path: DEPLOYS,
    body: withContainer('env1', (c) => { c.env = [{ name: 'GREETING', value: 'hi', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } }]; }),
    field: 'spec.template.spec.containers[0].env[0].valueFrom', reason: 'FieldValueInvalid',
    message: 'Deployment.apps "env1" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
  },
  {
    name: 'env var with two sources', path: DEPLOYS,
    body: withContainer('env2', (c) => { c.env = [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' }, secretKeyRef: { name: 's', key: 'k' } } }]; }),
    field: 'spec.template.spec.containers[0].env[0].valueFrom', reason: 'FieldValueInvalid',
    message: 'Deployment.apps "env2" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time',
  },
  {
    name: 'env var with an empty valueFrom', path: DEPLOYS,
    body: withContainer('env3', (c) => { c.env = [{ name: 'A', valueFrom: {} }]; }),
    field: 'spec.template.spec.containers[0].env[0].valueFrom', reason: 'FieldValueInvalid',
    message: 'Deployment.apps "env3" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
  },
  {
    name: 'env var without a name', path: DEPLOYS,
    body: withContainer('env4', (c) => { c.env = [{ value: 'x' }]; }),
    field: 'spec.template.spec.containers[0].env[0].name', reason: 'FieldValueRequired',
    message: 'Deployment.apps "env4" is invalid: spec.template.spec.containers[0].env[0].name: Required value',
  },
  {
    name: 'duplicate container names', path: DEPLOYS,
    body: withContainer('dup', (c, d) => { d.spec.template.spec.containers.push({ ...c, ports: [] }); }),
    field: 'spec.template.spec.containers[1].name', reason: 'FieldValueDuplicate',
    message: 'Deployment.apps "dup" is invalid: spec.template.spec.containers[1].name: Duplicate value: "app"',
  },
  {
    name: 'container without name', path: DEPLOYS,
    body: withContainer('noname', (c) => { delete c.name; }),
    field: 'spec.template.spec.containers[0].name', reason: 'FieldValueRequired',
    message: 'Deployment.apps "noname" is invalid: spec.template.spec.containers[0].name: Required value',
  },
  {
    name: 'containerPort out of range', path: DEPLOYS,
    body: withContainer('port', (c) => { c.ports = [{ containerPort: 70000 }]; }),
    field: 'spec.template.spec.containers[0].ports[0].containerPort', reason: 'FieldValueInvalid',
    message: 'Deployment.apps "port" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  },
  {
    name: 'container port name too long', path: DEPLOYS,
    body: withContainer('pname', (c) => { c.ports = [{ name: 'metrics-endpoint-http', containerPort: 9090 }]; }),
    field: 'spec.template.spec.containers[0].ports[0].name', reason: 'FieldValueInvalid',
    message: 'Deployment.apps "pname" is invalid: spec.template.spec.containers[0].ports[0].name: Invalid value: "metrics-endpoint-http": must be no more than 15 characters',
  },
  {
    name: 'selector does not match template labels', path: DEPLOYS,
    body: withContainer('sel', (_c, d) => { d.spec.selector = { matchLabels: { app: 'other' } }; }),
    field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid',
    message: 'Deployment.apps "sel" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"sel"}: `selector` does not match template `labels`',
  },
  {
    name: 'StatefulSet selector does not match', path: '/apis/apps/v1/namespaces/shop/statefulsets',
    body: { ...withContainer('db', (_c, d) => { d.spec.selector = { matchLabels: { app: 'x' } }; }), kind: 'StatefulSet' },
    field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid',
    message: 'StatefulSet.apps "db" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`',
  },
  {
    name: 'DaemonSet with an empty selector', path: '/apis/apps/v1/namespaces/shop/daemonsets',
    body: { ...withContainer('agent', (_c, d) => { d.spec.selector = {}; }), kind: 'DaemonSet' },
    field: 'spec.selector', reason: 'FieldValueInvalid',
    message: 'DaemonSet.apps "agent" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
  },
  {
    name: 'Deployment template with restartPolicy Never', path: DEPLOYS,
    body: withContainer('never', (_c, d) => { d.spec.template.spec.restartPolicy = 'Never'; }),
    field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported',
    message: 'Deployment.apps "never" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  },
  {
    name: 'label key with two slashes', path: '/api/v1/namespaces/shop/configmaps',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { 'a/b/c': 'x' } } },
    field: 'metadata.labels', reason: 'FieldValueInvalid',
    message: 'ConfigMap "cm" is invalid: metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')',
  },
  {
    name: 'label key with an upper-case prefix', path: '/api/v1/namespaces/shop/configmaps',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2', labels: { 'Example.com/team': 'x' } } },
    field: 'metadata.labels', reason: 'FieldValueInvalid',
    message: 'ConfigMap "cm2" is invalid: metadata.labels: Invalid value: "Example.com/team": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
  },
  {
    name: 'label value too long', path: '/api/v1/namespaces/shop/configmaps',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm3', labels: { app: 'a'.repeat(64) } } },
    field: 'metadata.labels', reason: 'FieldValueInvalid',
    message: `ConfigMap "cm3" is invalid: metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
  },
  {
    name: 'Service nodePort on a ClusterIP Service', path: SERVICES,
    body: service('np', { ports: [{ port: 80, nodePort: 30080 }] }),
    field: 'spec.ports[0].nodePort', reason: 'FieldValueForbidden',
    message: 'Service "np" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
  },
  {
    name: 'Service nodePort out of range', path: SERVICES,
    body: service('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }),
    field: 'spec.ports[0].nodePort', reason: 'FieldValueInvalid',
    message: 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
  },
  {
    name: 'Service named targetPort with a bad name', path: SERVICES,
    body: service('tp', { ports: [{ port: 80, targetPort: 'HTTP' }] }),
    field: 'spec.ports[0].targetPort', reason: 'FieldValueInvalid',
    message: 'Service "tp" is invalid: [spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)]',
  },
  {
    name: 'Service externalTrafficPolicy on ClusterIP', path: SERVICES,
    body: service('etp', { ports: [{ port: 80 }], externalTrafficPolicy: 'Local' }),
    field: 'spec.externalTrafficPolicy', reason: 'FieldValueInvalid',
    message: 'Service "etp" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
  },
];

test('built-in validation answers 422 Invalid with the API server\'s wording, field path and causes', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    for (const c of CASES) {
      const r = await call(e, 'POST', c.path, c.body);
      assert.equal(r.status, 422, `${c.name}: ${r.text}`);
      assert.equal(r.body.reason, 'Invalid', c.name);
      assert.equal(r.body.message, c.message, c.name);
      assert.equal(r.body.details.causes[0].field, c.field, c.name);
      assert.equal(r.body.details.causes[0].reason, c.reason, c.name);
    }
    // Valid neighbours of the cases above are accepted.
    const ok: Array<[string, Obj]> = [
      [DEPLOYS, withContainer('env-ok', (c) => { c.env = [{ name: 'A', value: '' , valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'my.var-1', value: 'x' }, { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }]; })],
      [SERVICES, service('np-ok', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP' }] })],
      ['/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', labels: { 'app.kubernetes.io/name': 'My_App.v1', empty: '' } } }],
    ];
    for (const [path, body] of ok) {
      const r = await call(e, 'POST', path, body);
      assert.equal(r.status, 201, r.text);
    }
  });
});

test('server-side apply that merges value into a valueFrom env var is refused (kubectl set env, then a GitOps apply)', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const applied = withContainer('web', (c) => { c.env = [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } }]; });
    const ssa = (body: Obj, manager: string, force = false) => call(e, 'PATCH', `${DEPLOYS}/web?fieldManager=${manager}${force ? '&force=true' : ''}`, body, { 'Content-Type': 'application/apply-patch+yaml' });
    assert.equal((await ssa(applied, 'driftguard')).status, 201);
    // What `kubectl set env GREETING=hi` sends: the env item replaced (valueFrom removed, value set).
    const setEnv = await call(e, 'PATCH', `${DEPLOYS}/web?fieldManager=kubectl-set`, { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'GREETING', value: 'hi', valueFrom: null }] }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(setEnv.status, 200, setEnv.text);
    const again = await ssa(applied, 'driftguard', true);
    assert.equal(again.status, 422, again.text);
    assert.equal(again.body.message, 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty');
  });
});

test('changing a Service type drops the fields the old type needed (dropTypeDependentFields)', async () => {
  await withEmulator({ rollout: { readyDelayMs: 0 } }, async (e) => {
    await createNamespace(e, 'shop');
    const created = await call(e, 'POST', SERVICES, service('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80 }] }));
    assert.equal(created.status, 201, created.text);
    assert.ok(created.body.spec.ports[0].nodePort >= 30000);
    assert.ok(created.body.spec.healthCheckNodePort === undefined || created.body.spec.healthCheckNodePort >= 30000);
    await e.settle();
    const lb = await call(e, 'GET', `${SERVICES}/lb`);
    assert.ok(lb.body.status.loadBalancer.ingress?.length, 'the cloud controller gave it an address');

    const merge = (name: string, patch: Obj) => call(e, 'PATCH', `${SERVICES}/${name}`, patch, { 'Content-Type': 'application/merge-patch+json' });
    const toCluster = await merge('lb', { spec: { type: 'ClusterIP' } });
    assert.equal(toCluster.status, 200, toCluster.text);
    const s = toCluster.body.spec;
    assert.equal(s.type, 'ClusterIP');
    assert.equal(s.ports[0].nodePort, undefined);
    assert.equal(s.allocateLoadBalancerNodePorts, undefined);
    assert.equal(s.externalTrafficPolicy, undefined);
    assert.equal(s.healthCheckNodePort, undefined);
    assert.equal(s.clusterIP, created.body.spec.clusterIP, 'the cluster IP stays');
    assert.deepEqual(toCluster.body.status, { loadBalancer: {} });

    // A node port the user adds while switching away from NodePort is not wiped: validation refuses it.
    assert.equal((await call(e, 'POST', SERVICES, service('np', { type: 'NodePort', ports: [{ port: 80 }] }))).status, 201);
    const sneaky = await merge('np', { spec: { type: 'ClusterIP', ports: [{ port: 80, nodePort: 31999 }] } });
    assert.equal(sneaky.status, 422, sneaky.text);
    assert.equal(sneaky.body.details.causes[0].field, 'spec.ports[0].nodePort');

    // ClusterIP → headless is an immutable change.
    const headless = await merge('lb', { spec: { clusterIP: 'None', clusterIPs: ['None'] } });
    assert.equal(headless.status, 422, headless.text);
    // the value shown is the new clusterIPs list (kube-apiserver 1.36: differential.test.ts)
    assert.match(headless.body.message, /spec\.clusterIPs\[0\]: Invalid value: \["None"\]: may not change once set/);

    // Back to NodePort: a fresh node port is allocated.
    const back = await merge('lb', { spec: { type: 'NodePort' } });
    assert.equal(back.status, 200, back.text);
    assert.ok(back.body.spec.ports[0].nodePort >= 30000);
    assert.equal(back.body.spec.externalTrafficPolicy, 'Cluster');
  });
});
