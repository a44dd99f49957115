// Misconfiguration rules, severities, waivers and schema validation on realistic manifests: each
// finding at the file:line of the offending field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import { parseRepoConfig } from '../../src/core/config/repo-config.ts';
import { effectiveSeverities, runChecks, CONFIGURABLE_RULES, type Finding } from '../../src/core/policy/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { bundledSchemaSet } from '../../src/kube/validation-schemas.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/policy/${name}`, import.meta.url), 'utf8');

/** 1-based line of the `nth` line containing `needle` (the test's own reading of the file). */
function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle) && ++seen === nth) return i + 1;
  throw new Error(`"${needle}" (#${nth}) not in the fixture`);
}

const brief = (fs: Finding[]) => fs.map((f) => `${f.rule}@${f.location?.line}${f.waiver !== undefined ? ' waived' : ''}`).sort();

function check(file: string, text: string, opts: Partial<Parameters<typeof runChecks>[1]> = {}) {
  const objects = parseManifestText(file, text);
  return runChecks(objects, { namespace: 'default', schemas: bundledSchemaSet(objects), ...opts });
}

test('every rule fires at the line of the offending field in a realistic manifest', () => {
  const text = fixture('risky.yaml');
  const r = check('deploy/ops/agent.yaml', text);
  const L = (needle: string, nth = 1) => lineOf(text, needle, nth);
  const expected = [
    `host-namespaces@${L('hostNetwork: true')}`,
    `host-namespaces@${L('hostPID: true')}`,
    `run-as-root@${L('runAsUser: 0')}`,
    `run-as-root@${L('- name: agent')}`, // neither it nor the pod sets runAsNonRoot
    `privileged@${L('privileged: true')}`,
    `privilege-escalation@${L('securityContext:', 2)}`, // allowPrivilegeEscalation: true in the agent's context
    `added-capabilities@${L('add: ["NET_ADMIN"')}`, // NET_BIND_SERVICE is allowed
    `resources@${L('resources:', 1)}`, // the agent has requests but no limits; the sidecar has both
    `image-tag@${L('image: ghcr.io/acme/agent:latest')}`,
    `image-tag@${L('image: busybox')}`,
    `probes@${L('- name: sidecar')}`,
    `host-path@${L('hostPath: {path: /proc}')}`,
    `service-allow-list@${L('type: LoadBalancer', 1)}`,
    `service-allow-list@${L('type: NodePort')}`,
    `network-policy@${L('metadata:', 1)}`,
  ].sort();
  assert.deepEqual(brief(r.findings), expected);
  // Columns too: the key of the field, not the start of the line.
  const priv = r.findings.find((f) => f.rule === 'privileged')!;
  assert.deepEqual(priv.location, { file: 'deploy/ops/agent.yaml', line: L('privileged: true'), column: 13 });
  assert.equal(priv.path, 'spec.template.spec.containers[0].securityContext.privileged');
  assert.equal(priv.severity, 'error');
  assert.match(r.findings.find((f) => f.rule === 'added-capabilities')!.message, /`NET_ADMIN` \(not even allowed by the Baseline/);
  assert.match(r.findings.find((f) => f.rule === 'network-policy')!.message, /namespace `ops` has no NetworkPolicy/);
  assert.deepEqual(r.counts, { errors: 5, warnings: 10, waived: 0 });
  assert.equal(r.schemaSource, 'bundled Kubernetes 1.27');
});

test('a hardened workload with a NetworkPolicy passes every rule and the schema', () => {
  const r = check('deploy/shop/all.yaml', fixture('hardened.yaml'));
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.unchecked, []);
});

test('schema: `ports` one level too far out and a missing selector, at their lines, with what was expected', () => {
  const text = fixture('misindented.yaml');
  const r = check('deploy/shop/deployment.yaml', text, { severities: Object.fromEntries(CONFIGURABLE_RULES.filter((x) => x !== 'schema').map((x) => [x, 'off'])) });
  const byPath = new Map(r.findings.map((f) => [f.path, f]));
  const ports = byPath.get('spec.template.spec.ports')!;
  assert.equal(ports.rule, 'schema');
  assert.equal(ports.severity, 'error');
  assert.deepEqual(ports.location, { file: 'deploy/shop/deployment.yaml', line: lineOf(text, '      ports:'), column: 7 });
  assert.equal(ports.message, '`ports` is not a field of a pod spec (`spec.template.spec`); did you mean it under `containers[0]`?');
  const selector = byPath.get('spec')!;
  assert.equal(selector.location?.line, lineOf(text, 'spec:'));
  assert.equal(selector.message, '`selector` is required in a deployment spec (`spec`) but is missing');
  const replicas = byPath.get('spec.replicas')!;
  assert.equal(replicas.location?.line, lineOf(text, 'replicas: "2"'));
  assert.match(replicas.message, /must be an integer, not a string/);
  const policy = byPath.get('spec.template.spec.containers[0].imagePullPolicy')!;
  assert.match(policy.message, /must be one of `Always`, `IfNotPresent`, `Never`; got `Sometimes`/);
  assert.equal(r.findings.length, 4);
});

const pod = (spec: string, annotations = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
${annotations}spec:
${spec}`;

test('schema: a field that belongs one level up, and a near-miss spelling', () => {
  const up = check('p.yaml', pod('  containers:\n    - name: a\n      image: nginx:1.27\n      serviceAccountName: builder\n'), { severities: { 'run-as-root': 'off', 'privilege-escalation': 'off', resources: 'off', probes: 'off', 'network-policy': 'off' } });
  assert.deepEqual(up.findings.map((f) => [f.path, f.location?.line, f.message]), [
    ['spec.containers[0].serviceAccountName', 9, '`serviceAccountName` is not a field of a container (`spec.containers[0]`); did you mean it one level up, in `spec`?'],
  ]);
  const typo = check('p.yaml', pod('  containers:\n    - name: a\n      image: nginx:1.27\n      imagePullPolicey: Always\n'), { severities: { 'run-as-root': 'off', 'privilege-escalation': 'off', resources: 'off', probes: 'off', 'network-policy': 'off' } });
  assert.match(typo.findings[0]!.message, /`imagePullPolicey` is not a field of a container .*did you mean `imagePullPolicy`\?/);
});

test('schema: custom resources against the openAPIV3Schema of a CRD in the render; no CRD → unchecked', () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.acme.dev}
spec:
  group: acme.dev
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                color: {type: string, enum: [red, blue]}
---
apiVersion: acme.dev/v1
kind: Widget
metadata: {name: w}
spec:
  size: large
  colour: red
---
apiVersion: other.dev/v1
kind: Gadget
metadata: {name: g}
spec: {anything: 1}
`;
  const r = check('w.yaml', crd, { severities: { 'network-policy': 'off' } });
  assert.deepEqual(r.findings.map((f) => [f.path, f.location?.line, f.message]), [
    ['spec.size', 27, '`spec.size` must be an integer, not a string'],
    ['spec.colour', 28, '`colour` is not a field of this object (`spec`); did you mean `color`?'],
  ]);
  assert.deepEqual(r.unchecked, ['other.dev/v1 Gadget']);
});

test('severities: operator overrides, repo tightens, a repo loosening is refused and the operator value stays', () => {
  const operator = parseOperatorConfig('operator.yml', 'clusters: [{name: c}]\nprojects: []\npolicy:\n  rules:\n    probes: error\n    privileged: warning\n    resources: "off"\n');
  const repo = parseRepoConfig('.github/driftguard.yml', 'policy:\n  rules:\n    image-tag: error\n    privileged: "off"\n    probes: warning\napps: []\n');
  assert.equal(repo.policy?.lines.privileged, 4);
  const eff = effectiveSeverities(operator.policy?.rules, repo.policy?.rules);
  assert.equal(eff.severities.probes, 'error'); // operator raised it; the repo cannot lower it back
  assert.equal(eff.severities.privileged, 'warning'); // operator lowered it; the repo cannot turn it off
  assert.equal(eff.severities['image-tag'], 'error'); // the repo tightened a warning
  assert.equal(eff.severities.resources, 'off');
  assert.equal(eff.severities['host-path'], 'error'); // untouched default
  assert.deepEqual(eff.refused, [
    { rule: 'privileged', operator: 'warning', requested: 'off' },
    { rule: 'probes', operator: 'error', requested: 'warning' },
  ]);
  const text = fixture('risky.yaml');
  const r = check('a.yaml', text, { severities: eff.severities });
  const sev = (rule: string) => [...new Set(r.findings.filter((f) => f.rule === rule).map((f) => f.severity))];
  assert.deepEqual(sev('probes'), ['error']);
  assert.deepEqual(sev('privileged'), ['warning']);
  assert.deepEqual(sev('image-tag'), ['error']);
  assert.deepEqual(sev('resources'), [], 'off: not reported at all');
});

test('config: unknown rule ids and severities are config errors at their line', () => {
  for (const [text, line, msg] of [
    ['clusters: []\nprojects: []\npolicy:\n  rules:\n    privilegd: error\n', 5, /policy\.rules: unknown field "privilegd"/],
    ['clusters: []\nprojects: []\npolicy:\n  rules:\n    privileged: fatal\n', 5, /policy\.rules\.privileged: must be one of "error", "warning", "off"/],
  ] as const) {
    try {
      parseOperatorConfig('operator.yml', text);
      assert.fail('accepted');
    } catch (e) {
      assert.ok(isDriftguardError(e), String(e));
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.location?.line, line, e.toString());
      assert.match(e.toString(), msg);
    }
  }
});

const waivedDeployment = (waive: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
  annotations:
    driftguard.dev/waive: ${waive}
spec:
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      hostNetwork: true
      containers:
        - name: legacy
          image: registry.acme.dev/legacy:7.1
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
`;

test('waivers: one per line with a reason; the finding stays visible with its reason and counts as waived', () => {
  const text = waivedDeployment('|\n      host-namespaces: binds the node\'s port 53 for DNS; reviewed by SRE (OPS-41)\n      probes: legacy binary has no health endpoint');
  const r = check('legacy.yaml', text);
  const waived = r.findings.filter((f) => f.waiver !== undefined);
  assert.deepEqual(waived.map((f) => [f.rule, f.waiver]), [
    ['host-namespaces', "binds the node's port 53 for DNS; reviewed by SRE (OPS-41)"],
    ['probes', 'legacy binary has no health endpoint'],
  ]);
  // host-namespaces was the only error: waived, nothing fails; the other rules still count.
  assert.equal(r.counts.errors, 0);
  assert.equal(r.counts.waived, 2);
  const at = lineOf(text, '- name: legacy');
  assert.deepEqual(brief(r.findings.filter((f) => f.waiver === undefined)), [`privilege-escalation@${at}`, `resources@${at}`, `run-as-root@${at}`]);
});

test('waivers: without a reason, for an unknown rule or for schema errors, a waiver is itself an error at the annotation', () => {
  for (const [waive, msg] of [
    ['"host-namespaces"', /waiver for `host-namespaces` has no reason/],
    ['"host-namespaces:   "', /waiver for `host-namespaces` has no reason/],
    ['"hostnet: needed"', /waiver for unknown rule `hostnet`/],
    ['"schema: the server accepts it"', /schema errors cannot be waived/],
  ] as const) {
    const r = check('legacy.yaml', waivedDeployment(waive));
    const w = r.findings.filter((f) => f.rule === 'waiver');
    assert.equal(w.length, 1, waive);
    assert.equal(w[0]!.severity, 'error');
    assert.equal(w[0]!.location?.line, 6);
    assert.match(w[0]!.message, msg);
    // The rule itself is not waived by a broken waiver.
    assert.equal(r.findings.find((f) => f.rule === 'host-namespaces')?.waiver, undefined);
  }
});

test('network-policy: a NetworkPolicy in the cluster counts; the message says what was checked', () => {
  const text = fixture('risky.yaml');
  const none = check('a.yaml', text, { liveNetworkPolicyNamespaces: new Set() });
  assert.match(none.findings.find((f) => f.rule === 'network-policy')!.message, /neither in this app nor in the cluster/);
  const live = check('a.yaml', text, { liveNetworkPolicyNamespaces: new Set(['ops']) });
  assert.equal(live.findings.filter((f) => f.rule === 'network-policy').length, 0);
  // The app's default namespace is used for objects that set none; the finding sits on the first
  // object that runs pods; namespaces with no pods (only config) need no NetworkPolicy.
  const quiet = { 'run-as-root': 'off', 'privilege-escalation': 'off', resources: 'off', probes: 'off' } as const;
  const ns = check('a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: "nginx:1.27"}]}\n', { namespace: 'team', severities: quiet });
  assert.deepEqual(ns.findings.map((f) => f.message), ['namespace `team` has no NetworkPolicy (in this app; the cluster was not checked): every pod in it accepts traffic from anywhere']);
  assert.equal(ns.findings[0]!.location?.line, 7);
  const configOnly = check('a.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', { namespace: 'team' });
  assert.deepEqual(configOnly.findings, []);
});

test('field locator: List items, flow mappings and absent fields resolve to the deepest written element', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a, labels: {x: y}}\n    data:\n      k: v\n';
  const [so] = parseManifestText('l.yaml', text);
  assert.deepEqual(so!.fields?.(['metadata', 'labels', 'x']), { file: 'l.yaml', line: 6, column: 34 });
  assert.deepEqual(so!.fields?.(['data', 'k']), { file: 'l.yaml', line: 8, column: 7 });
  assert.deepEqual(so!.fields?.(['data', 'missing', 'deeper']), { file: 'l.yaml', line: 7, column: 5 });
  assert.equal(so!.fields?.(['nothing']), undefined);
});

test('schema: sync option Validate=false leaves an object out of schema validation, not out of the rules', () => {
  const off = { 'run-as-root': 'off', 'privilege-escalation': 'off', resources: 'off', probes: 'off', 'network-policy': 'off' } as const;
  const body = '  containers:\n    - name: a\n      image: nginx:1.27\n      imagePullPolicey: Always\n';
  assert.equal(check('p.yaml', pod(body), { severities: off }).findings.length, 1);
  const text = pod(body).replace('metadata:\n', 'metadata:\n  annotations:\n    driftguard.dev/sync-options: Validate=false\n');
  assert.ok(text.includes('Validate=false'));
  assert.deepEqual(check('p.yaml', text, { severities: off }).findings, []);
  assert.ok(check('p.yaml', text, { severities: { ...off, 'run-as-root': 'error' } }).findings.some((f) => f.rule === 'run-as-root'));
});
