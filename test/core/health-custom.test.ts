// User-defined health checks: CEL expressions from the operator config's healthCheckExprs (Flux's
// shape), compiled when the config is read and evaluated by assessHealth before any built-in rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig } from '../../src/core/config/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { assessHealth, objectHealth } from '../../src/core/health/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { liveHealth } from '../../src/sync/live-health.ts';

const FILE = 'operator.yml';
const HEAD = `clusters:
  - name: prod
projects:
  - name: web
    repos: ["acme/*"]
    destinations: [{cluster: prod, namespaces: ["*"]}]
`;

// Line 7 onwards; every entry below is written where a person would write it.
const CONFIG = `${HEAD}healthCheckExprs:
  - apiVersion: db.example.com/v1
    kind: Database
    inProgress: "status.?phase.orValue('') in ['Creating', 'Upgrading']"
    failed: "status.?phase.orValue('') == 'Failed'"
    current: >-
      status.?phase.orValue('') == 'Ready' &&
      status.replicas + 1 > spec.replicas
  - apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    failed: status.conditions.filter(e, e.type == 'Synced').all(e, e.status == 'False')
    current: status.conditions.filter(e, e.type == 'Synced').all(e, e.status == 'True')
  - group: apps
    kind: Deployment
    current: "metadata.?labels.tier.orValue('') == 'frozen'"
`;

const db = (phase: string | undefined, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'db.example.com/v1', kind: 'Database', metadata: { name: 'orders', namespace: 'shop', generation: 2 },
  spec: { replicas: 3 }, status: { ...(phase ? { phase } : {}), replicas: 3, observedGeneration: 2, ...extra },
});

test('healthCheckExprs: a CEL rule from the operator config decides a custom kind, Flux order', () => {
  const checks = parseOperatorConfig(FILE, CONFIG).healthChecks!;
  assert.deepEqual([...checks.keys()], ['db.example.com/Database', 'bitnami.com/SealedSecret', 'apps/Deployment']);
  const cases: Array<[KubeObject, string, RegExp]> = [
    [db('Ready'), 'Healthy', /^health check operator\.yml:8: current is true$/],
    [db('Failed'), 'Degraded', /operator\.yml:8: failed is true/],
    [db('Upgrading'), 'Progressing', /inProgress is true/],
    [db('Pending'), 'Progressing', /no expression is true yet/],
    // JSON integers are CEL ints: `status.replicas + 1 > spec.replicas` is int arithmetic (false for 1+1 > 3).
    [db('Ready', { replicas: 1 }), 'Progressing', /no expression is true yet/],
    // Flux: a status of an older generation is not evaluated at all.
    [db('Ready', { observedGeneration: 1 }), 'Progressing', /generation 2 not yet observed/],
  ];
  for (const [obj, want, msg] of cases) {
    const h = assessHealth(obj, checks);
    assert.equal(h?.status, want, JSON.stringify(obj.status));
    assert.match(h!.message, msg);
  }
  // Without the config only the generic rule speaks: the controller observed generation 2 and wrote no
  // conditions, which kstatus calls current. The operator's rule knows better.
  assert.match(assessHealth(db('Failed'))!.message, /^generic rule: generation 2 observed/);
});

test('healthCheckExprs: an expression that cannot be evaluated yet keeps the object Progressing (as Flux waits)', () => {
  const checks = parseOperatorConfig(FILE, CONFIG).healthChecks!;
  const fresh: KubeObject = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's', generation: 1 }, spec: {} };
  const h = assessHealth(fresh, checks);
  assert.equal(h?.status, 'Progressing');
  assert.match(h!.message, /operator\.yml:15: failed could not be evaluated: Unknown variable: status/);
  const synced = { ...fresh, status: { observedGeneration: 1, conditions: [{ type: 'Synced', status: 'False', message: 'no key could decrypt secret' }] } };
  assert.equal(assessHealth(synced, checks)?.status, 'Degraded');
});

test('healthCheckExprs take precedence over the built-in rule of their kind', () => {
  const checks = parseOperatorConfig(FILE, CONFIG).healthChecks!;
  // A rolled-out Deployment the built-in rule calls Healthy; the operator's rule wants tier=frozen.
  const dep: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', generation: 1, labels: { tier: 'hot' } },
    spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
  };
  assert.equal(assessHealth(dep)?.status, 'Healthy');
  assert.equal(assessHealth(dep, checks)?.status, 'Progressing');
  const frozen = { ...dep, metadata: { ...dep.metadata, labels: { tier: 'frozen' } } };
  assert.deepEqual(objectHealth(frozen, checks), { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web', status: 'Healthy', message: 'health check operator.yml:19: current is true' });
  // Deletion still comes first: the object is going away whatever the expressions say.
  const going = { ...frozen, metadata: { ...frozen.metadata, deletionTimestamp: '2024-05-01T10:00:00Z' } };
  assert.equal(assessHealth(going, checks)?.status, 'Progressing');
});

test('healthCheckExprs feed the plan\'s live health', () => {
  const checks = parseOperatorConfig(FILE, CONFIG).healthChecks!;
  const live = db('Failed');
  const diff = [{ group: 'db.example.com', version: 'v1', kind: 'Database', namespace: 'shop', name: 'orders', action: 'none' }] as unknown as Parameters<typeof liveHealth>[0];
  assert.equal(liveHealth(diff, [live]).health, 'Healthy');
  const h = liveHealth(diff, [live], checks);
  assert.equal(h.health, 'Degraded');
  assert.match(h.resources[0]!.message, /operator\.yml:8: failed is true/);
});

function configError(text: string): DriftguardError {
  try {
    parseOperatorConfig(FILE, text);
  } catch (e) {
    assert.ok(e instanceof DriftguardError, String(e));
    assert.equal(e.code, 'CONFIG_INVALID');
    return e;
  }
  assert.fail('expected a config error');
}

test('healthCheckExprs: invalid entries are config errors at the file:line of the expression', () => {
  const cases: Array<{ name: string; entries: string; line: number; message: RegExp }> = [
    { name: 'syntax error', entries: '  - apiVersion: example.com/v1\n    kind: Widget\n    current: "status.ready =="\n', line: 10, message: /healthCheckExprs\[0\]\.current: Unexpected token: EOF/ },
    { name: 'single = in a macro', entries: '  - apiVersion: example.com/v1\n    kind: Widget\n    current: "true"\n    failed: status.conditions.exists(c, c.type = \'Failed\')\n', line: 11, message: /healthCheckExprs\[0\]\.failed: Unexpected character: =/ },
    { name: 'unknown function', entries: '  - group: example.com\n    kind: Widget\n    current: isReady(status)\n', line: 10, message: /current: found no matching overload for 'isReady\(dyn\)'/ },
    { name: 'not a boolean', entries: '  - group: example.com\n    kind: Widget\n    current: status.conditions.map(c, c.type)\n', line: 10, message: /current: must be a boolean expression, this one gives list/ },
    { name: 'type error', entries: '  - group: example.com\n    kind: Widget\n    current: "true"\n    inProgress: "1 + \'a\' == 2"\n', line: 11, message: /inProgress: no such overload: int \+ string/ },
    { name: 'neither apiVersion nor group', entries: '  - kind: Widget\n    current: "true"\n', line: 8, message: /healthCheckExprs\[0\]: give either apiVersion or group/ },
    { name: 'both apiVersion and group', entries: '  - apiVersion: example.com/v1\n    group: example.com\n    kind: Widget\n    current: "true"\n', line: 8, message: /give either apiVersion or group/ },
    { name: 'duplicate kind', entries: '  - group: example.com\n    kind: Widget\n    current: "true"\n  - apiVersion: example.com/v2\n    kind: Widget\n    current: "false"\n', line: 12, message: /healthCheckExprs\[1\]: example\.com\/Widget already has a health check at healthCheckExprs\[0\]/ },
    { name: 'current is required', entries: '  - group: example.com\n    kind: Widget\n    failed: "true"\n', line: 8, message: /healthCheckExprs\[0\]: missing required field "current"/ },
    { name: 'unknown field', entries: '  - group: example.com\n    kind: Widget\n    current: "true"\n    healthy: "true"\n', line: 11, message: /unknown field "healthy"/ },
  ];
  for (const c of cases) {
    const e = configError(`${HEAD}healthCheckExprs:\n${c.entries}`);
    assert.match(e.message, c.message, c.name);
    assert.equal(e.location?.file, FILE, c.name);
    assert.equal(e.location?.line, c.line, `${c.name}: ${e.message}`);
  }
  // Every bad expression is reported, not only the first.
  const many = configError(`${HEAD}healthCheckExprs:\n  - group: a.io\n    kind: A\n    current: "x =="\n    failed: "y =="\n`);
  assert.match(many.message, /\(and 1 more problem\)/);
  assert.deepEqual([many.location?.line, ...(many.related ?? []).map((l) => l.line)], [11, 10]);
});

test('an operator config without healthCheckExprs has no custom checks', () => {
  assert.equal(parseOperatorConfig(FILE, HEAD).healthChecks, undefined);
});

test('healthCheckExprs: an evaluation error on a Secret gives no details (CEL errors may quote values)', () => {
  const checks = parseOperatorConfig(FILE, `${HEAD}healthCheckExprs:\n  - group: ""\n    kind: Secret\n    current: int(data.port) > 0\n`).healthChecks!;
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { port: 'hunter2' } };
  const h = assessHealth(secret, checks)!;
  assert.equal(h.status, 'Progressing');
  assert.ok(!h.message.includes('hunter2'), h.message);
  assert.match(h.message, /current could not be evaluated: error details withheld for Secrets/);
  // The same expression on another kind explains the error.
  const cm = parseOperatorConfig(FILE, `${HEAD}healthCheckExprs:\n  - group: ""\n    kind: ConfigMap\n    current: int(data.port) > 0\n`).healthChecks!;
  assert.match(assessHealth({ ...secret, kind: 'ConfigMap' }, cm)!.message, /current could not be evaluated: int\(\) type error/);
});
