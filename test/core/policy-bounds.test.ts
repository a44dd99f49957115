import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig, parseRepoConfig } from '../../src/core/config/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import { withOwnership } from '../../src/core/ownership.ts';
import { planSync } from '../../src/core/plan/index.ts';
import { checkBounds, liveOutOfBounds, projectBounds, type BoundsRule } from '../../src/core/policy/bounds.ts';
import { crdScopes, offlineScope } from '../../src/core/policy/kind-scopes.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const OPERATOR = `clusters:
  - {name: dev}
  - {name: prod}
projects:
  - name: team-a
    repos: ["acme/*"]
    destinations:
      - {cluster: dev, namespaces: ["team-a", "team-a-*"]}
      - {cluster: prod, namespaces: ["*"]}
    allowedClusterKinds:
      - {group: "", kind: Namespace}
      - {group: example.com, kind: "Cluster*"}
    deniedKinds:
      - {group: "", kind: Secret}
      - {group: "*.istio.io", kind: "*"}
  - name: apps-only
    repos: ["acme/*"]
    destinations: [{cluster: dev, namespaces: ["shop"]}]
    allowedNamespacedKinds:
      - {group: apps, kind: "*"}
      - {group: "", kind: ConfigMap}
`;
const operator = parseOperatorConfig('operator.yml', OPERATOR);
const teamA = projectBounds(operator, 'team-a', 'dev')!;
const appsOnly = projectBounds(operator, 'apps-only', 'dev')!;

const doc = (apiVersion: string, kind: string, name: string, namespace?: string, extra = '') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}${extra}`;

const CRDS = `${doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', undefined, 'spec:\n  group: example.com\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n')}---
${doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'clusterwidgets.example.com', undefined, 'spec:\n  group: example.com\n  scope: Cluster\n  names: {kind: ClusterWidget, plural: clusterwidgets}\n')}---
${doc('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gadgets.example.com', undefined, 'spec:\n  group: example.com\n  scope: Cluster\n  names: {kind: Gadget, plural: gadgets}\n')}`;

const CRB = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: escalate
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: default, namespace: team-a}]
`;

interface Case {
  name: string;
  yaml: string;
  bounds?: typeof teamA;
  /** `rule Kind namespace/name @line` per violation; [] = inside the bounds. */
  want: string[];
}

const cases: Case[] = [
  { name: 'a namespaced object without namespace lands in the app namespace', yaml: doc('apps/v1', 'Deployment', 'web'), want: [] },
  { name: 'a namespace matching a destination glob', yaml: doc('v1', 'ConfigMap', 'cfg', 'team-a-staging'), want: [] },
  { name: 'kube-system is not a destination', yaml: `# leading comment\n${doc('v1', 'ConfigMap', 'x', 'kube-system')}`, want: ['destinations ConfigMap kube-system/x @2'] },
  { name: 'another team namespace', yaml: doc('apps/v1', 'Deployment', 'web', 'team-b'), want: ['destinations Deployment team-b/web @1'] },
  { name: 'a ClusterRoleBinding to cluster-admin (cluster kinds default to none)', yaml: CRB, want: ['allowedClusterKinds ClusterRoleBinding /escalate @1'] },
  { name: 'a namespace written on a cluster-scoped object changes nothing', yaml: doc('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', 'team-a'), want: ['allowedClusterKinds ClusterRole /r @1'] },
  { name: 'a listed cluster kind: Namespace named as a destination', yaml: doc('v1', 'Namespace', 'team-a-dev'), want: [] },
  { name: 'a listed cluster kind: Namespace outside the destinations', yaml: doc('v1', 'Namespace', 'kube-public'), want: ['destinations Namespace /kube-public @1'] },
  { name: 'denied kind, even in an allowed namespace', yaml: doc('v1', 'Secret', 's', 'team-a'), want: ['deniedKinds Secret team-a/s @1'] },
  { name: 'denied by group glob', yaml: doc('networking.istio.io/v1', 'VirtualService', 'vs', 'team-a'), want: ['deniedKinds VirtualService team-a/vs @1', 'unknownKind VirtualService team-a/vs @1'] },
  { name: 'unknown kind: no CRD, not built in', yaml: doc('monitoring.coreos.com/v1', 'ServiceMonitor', 'sm'), want: ['unknownKind ServiceMonitor /sm @1'] },
  { name: 'CRDs themselves are cluster-scoped', yaml: CRDS, want: ['allowedClusterKinds CustomResourceDefinition /widgets.example.com @1', 'allowedClusterKinds CustomResourceDefinition /clusterwidgets.example.com @10', 'allowedClusterKinds CustomResourceDefinition /gadgets.example.com @19'] },
  {
    name: 'CRs take their scope from the CRD in the render',
    yaml: `${doc('example.com/v1', 'Widget', 'w')}---\n${doc('example.com/v1', 'ClusterWidget', 'cw')}---\n${doc('example.com/v1', 'Gadget', 'g')}`,
    want: ['allowedClusterKinds Gadget /g @11'],
  },
  { name: 'allowedNamespacedKinds: listed kinds pass', yaml: `${doc('apps/v1', 'StatefulSet', 'db')}---\n${doc('v1', 'ConfigMap', 'c')}`, bounds: appsOnly, want: [] },
  { name: 'allowedNamespacedKinds: others are refused', yaml: `${doc('v1', 'Service', 'web')}---\n${doc('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'kube-system')}`, bounds: appsOnly, want: ['allowedNamespacedKinds Service shop/web @1', 'allowedNamespacedKinds RoleBinding kube-system/rb @6', 'destinations RoleBinding kube-system/rb @6'] },
];

const WITH_CRDS = parseManifestText('crds.yaml', CRDS);

for (const c of cases) {
  test(`bounds: ${c.name}`, () => {
    const bounds = c.bounds ?? teamA;
    const objects = parseManifestText('deploy/app.yaml', c.yaml);
    const crds = crdScopes([...objects, ...WITH_CRDS]);
    const subjects = objects.map((o) => ({ ...o, scope: offlineScope(crds, o.object.apiVersion, o.object.kind, `${o.object.kind} is unknown`) }));
    const got = checkBounds(subjects, bounds, bounds === appsOnly ? 'shop' : 'team-a');
    assert.deepEqual(got.map((v) => `${v.rule} ${v.key.kind} ${v.key.namespace}/${v.key.name} @${v.source?.line}`), c.want);
    for (const v of got) {
      assert.equal(v.source?.file, 'deploy/app.yaml');
      assert.equal(v.project, bounds.project);
      assert.ok(v.message.includes(v.key.name) && v.message.includes(`project "${bounds.project}"`) && v.message.includes(`rule ${v.rule}`), v.message);
    }
  });
}

test('bounds: messages say what is allowed', () => {
  const [crb] = checkBounds(parseManifestText('a.yaml', CRB).map((o) => ({ ...o, scope: { scope: 'cluster' as const } })), teamA, 'team-a');
  assert.equal(crb.message, 'ClusterRoleBinding.rbac.authorization.k8s.io escalate: cluster-scoped kind rbac.authorization.k8s.io/ClusterRoleBinding is not allowed (allowed: Namespace, example.com/Cluster*) (project "team-a", rule allowedClusterKinds)');
  const [ns] = checkBounds(parseManifestText('a.yaml', doc('v1', 'ConfigMap', 'x', 'kube-system')).map((o) => ({ ...o, scope: { scope: 'namespaced' as const } })), teamA, 'team-a');
  assert.equal(ns.message, 'ConfigMap kube-system/x: namespace "kube-system" is not a destination of the project (allowed on cluster "dev": team-a, team-a-*) (project "team-a", rule destinations)');
});

test('bounds: only the destinations on the app\'s cluster count', () => {
  assert.deepEqual(teamA.namespaces, ['team-a', 'team-a-*']);
  assert.deepEqual(projectBounds(operator, 'team-a', 'prod')!.namespaces, ['*']);
  assert.deepEqual(projectBounds(operator, 'apps-only', 'prod')!.namespaces, []);
  assert.equal(projectBounds(operator, 'nope', 'dev'), undefined);
  const cm = parseManifestText('a.yaml', doc('v1', 'ConfigMap', 'x', 'kube-system')).map((o) => ({ ...o, scope: { scope: 'namespaced' as const } }));
  assert.deepEqual(checkBounds(cm, projectBounds(operator, 'team-a', 'prod')!, 'x'), []);
  assert.deepEqual(checkBounds(cm, projectBounds(operator, 'apps-only', 'prod')!, 'x').map((v) => v.rule), ['destinations']);
});

const live = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject =>
  withOwnership({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }, 'web');

test('bounds: owned live objects outside the bounds are never pruned, and do not make a prune "mass"', () => {
  const inside = live('v1', 'ConfigMap', 'keep', 'team-a');
  const gone = live('v1', 'ConfigMap', 'old', 'team-a');
  const escaped = [live('v1', 'ConfigMap', 'x', 'kube-system'), live('apps/v1', 'Deployment', 'y', 'team-b'), live('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'escalate')];
  assert.equal(liveOutOfBounds(inside, teamA), undefined);
  assert.deepEqual(escaped.map((o) => liveOutOfBounds(o, teamA)?.rule), ['destinations', 'destinations', 'allowedClusterKinds']);
  const keep = (o: KubeObject) => liveOutOfBounds(o, teamA)?.why;
  const input = { app: 'web', desired: [{ object: inside }], live: [inside, gone, ...escaped], diffs: [], prune: true };
  // Without bounds these four prunes of five owned objects are a refused mass prune (the wedge of issue 10).
  assert.throws(() => planSync(input), (e: unknown) => e instanceof DriftguardError && e.code === 'SYNC_REFUSED');
  const plan = planSync({ ...input, keep });
  assert.deepEqual(plan.prunes.map((t) => t.key.name), ['old']);
  assert.deepEqual(plan.orphans.map((t) => [t.key.name, t.reason.includes('project "team-a"')]).sort(), [['escalate', true], ['x', true], ['y', true]]);
});

const badOperator: Array<{ name: string; lists: string; line: number; message: RegExp }> = [
  { name: 'a group that is an apiVersion', lists: '    deniedKinds:\n      - {group: apps/v1, kind: Deployment}\n', line: 6, message: /deniedKinds\[0\]\.group: "apps\/v1" looks like an apiVersion; give the API group only \("apps"/ },
  { name: 'a cluster-scoped kind under allowedNamespacedKinds', lists: '    allowedNamespacedKinds:\n      - {group: apps, kind: "*"}\n      - {group: rbac.authorization.k8s.io, kind: ClusterRole}\n', line: 7, message: /allowedNamespacedKinds\[1\]: ClusterRole is cluster-scoped; list it under allowedClusterKinds/ },
  { name: 'a namespaced kind under allowedClusterKinds', lists: '    allowedClusterKinds:\n      - {group: "", kind: ConfigMap}\n', line: 6, message: /ConfigMap is namespaced; list it under allowedNamespacedKinds/ },
  { name: 'a rule without group', lists: '    deniedKinds:\n      - {kind: ClusterRoleBinding}\n', line: 6, message: /deniedKinds\[0\]: missing required field "group"/ },
  { name: 'an unknown field', lists: '    allowedClusterKinds:\n      - {group: "", kind: Namespace, names: [x]}\n', line: 6, message: /unknown field "names"/ },
];
for (const c of badOperator) {
  test(`operator config: project kinds rejected: ${c.name}`, () => {
    const text = `clusters: [{name: dev}]\nprojects:\n  - name: p\n    repos: ["*/*"]\n${c.lists}    destinations: [{cluster: dev, namespaces: ["*"]}]\n`;
    assert.throws(() => parseOperatorConfig('operator.yml', text), (e: unknown) => {
      assert.ok(e instanceof DriftguardError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, c.message);
      assert.equal(e.location?.line, c.line, e.message);
      return true;
    });
  });
}

test('operator config: kind lists default to all namespaced, no cluster-scoped, none denied', () => {
  const op = parseOperatorConfig('operator.yml', 'clusters: [{name: dev}]\nprojects:\n  - {name: p, repos: ["*/*"], destinations: [{cluster: dev, namespaces: [web]}]}\n');
  assert.deepEqual(projectBounds(op, 'p', 'dev'), { project: 'p', cluster: 'dev', namespaces: ['web'], allowedClusterKinds: [], deniedKinds: [] });
});

test('repo config: no field can widen a project (kind lists are the operator\'s alone)', () => {
  for (const field of ['allowedClusterKinds', 'allowedNamespacedKinds', 'deniedKinds', 'destinations']) {
    const text = `apps:\n  - name: web\n    path: deploy/web\n    cluster: dev\n    namespace: web\n    ${field}: [{group: "*", kind: "*"}]\n`;
    assert.throws(() => parseRepoConfig('.github/driftguard.yml', text), (e: unknown) => {
      assert.ok(e instanceof DriftguardError);
      assert.equal(e.location?.line, 6);
      assert.match(e.message, new RegExp(`unknown field "${field}"`));
      return true;
    }, field);
  }
});
