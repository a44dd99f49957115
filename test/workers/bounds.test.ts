// Issue 10 failure 1 and the unknown kind of failure 8, through the real worker process: queues on a
// real redis-server, real render, the kube adapter against the Kubernetes emulator, reports to the
// GitHub emulator. A project that allows only dev/shop: a PR that writes to kube-system, another
// namespace and a ClusterRoleBinding to cluster-admin fails its check naming each object at its
// file:line; merged anyway, the sync refuses before any write; the revert syncs. Objects that escaped
// before the bounds were enforced are neither pruned nor touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEmulator } from '../../emulators/kube/index.ts';
import type { CheckRunRecord } from '../../emulators/github/state.ts';
import { withOwnership } from '../../src/core/ownership.ts';
import { prScope } from '../../src/store/index.ts';
import type { WorkerProcess } from '../../workers/start.ts';
import { deployment, service, startEmulatedWorkers, startHarness, until, type EmulatedWorkers, type Harness } from './harness.ts';

const CONFIG = `apps:
  - name: shop
    path: deploy/shop
    cluster: dev
    namespace: shop
    syncPolicy: {automated: true, prune: true}
`;

// Line numbers matter: the check must annotate each object's own document.
const ESCAPE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: sneaky
  namespace: kube-system
data: {a: b}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: elsewhere
  namespace: other
spec:
  selector: {matchLabels: {app: elsewhere}}
  template:
    metadata: {labels: {app: elsewhere}}
    spec: {containers: [{name: c, image: "nginx:1.27"}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: shop-admin
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
`;

const MONITOR = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: shop
spec:
  selector: {matchLabels: {app: shop}}
  endpoints: [{port: web}]
`;

let h: Harness;
let kube: KubeEmulator;
let w: WorkerProcess;
let system: EmulatedWorkers;
let inst: number;

before(async () => {
  h = await startHarness();
  inst = h.gh.installationId('acme');
  // A project that allows only dev/shop. `other` exists, so nothing but the bounds stops a write there.
  system = await startEmulatedWorkers(h, {
    cluster: 'dev', namespaces: ['shop', 'other'],
    projects: '  - {name: dev, repos: ["acme/*"], destinations: [{cluster: dev, namespaces: ["shop"]}]}\n',
  });
  ({ kube, workers: w } = system);
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/shop/deployment.yaml': deployment('shop'), 'deploy/shop/service.yaml': service('shop') } });
});
after(async () => {
  await system.close();
  await h.close();
});

async function push(files: Record<string, string | null>): Promise<CheckRunRecord> {
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files });
  const seq = await w.deps.latest.nextSeq();
  await h.producer.push({ repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: `push-${seq}`, seq });
  return until(`sync of ${sha.slice(0, 7)}`, () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / shop' }).find((c) => c.status === 'completed'));
}

async function plan(branch: string, files: Record<string, string | null>, fork = false): Promise<{ run: CheckRunRecord; comment: string }> {
  await h.gh.commit('acme', 'gitops', { branch, from: 'main', files });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch });
  const info = await (await h.client()).pull(pr.number);
  const seq = await w.deps.latest.nextSeq();
  await w.deps.latest.offer(prScope('acme/gitops', pr.number), seq, info.headSha);
  await h.producer.plan({ repo: 'acme/gitops', installationId: inst, pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork, deliveryId: `plan-${seq}`, seq });
  const comment = await until('plan comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->')));
  const run = h.gh.checkRuns('acme', 'gitops', { headSha: info.headSha, name: 'driftguard / shop' }).find((c) => c.status === 'completed')!;
  return { run, comment: comment.body };
}

const escaped = () => ({
  configMap: kube.getObject('v1', 'ConfigMap', 'kube-system', 'sneaky'),
  deployment: kube.getObject('apps/v1', 'Deployment', 'other', 'elsewhere'),
  binding: kube.getObject('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, 'shop-admin'),
});
const replicas = () => (kube.getObject('apps/v1', 'Deployment', 'shop', 'shop')?.spec as { replicas?: number } | undefined)?.replicas;

test('escape: the PR check fails naming each object; the merged change is refused before any write; the revert syncs', async () => {
  const first = await push({ 'deploy/shop/deployment.yaml': deployment('shop', 2) });
  assert.equal(first.conclusion, 'success', `${first.output.title}\n${first.output.summary}`);
  assert.equal(replicas(), 2);

  // The PR: the escape, plus a harmless change inside the bounds.
  const files = { 'deploy/shop/escape.yaml': ESCAPE, 'deploy/shop/deployment.yaml': deployment('shop', 3) };
  const { run, comment } = await plan('escape', files);
  assert.equal(run.conclusion, 'failure', run.output.summary ?? '');
  const notes = run.annotations.filter((a) => a.path === 'deploy/shop/escape.yaml').map((a) => [a.start_line, a.message]);
  assert.deepEqual(notes.map(([line]) => line), [1, 8, 19], JSON.stringify(run.annotations));
  assert.match(String(notes[0][1]), /^ConfigMap kube-system\/sneaky: namespace "kube-system" is not a destination of the project .*\(project "dev", rule destinations\)$/);
  assert.match(String(notes[1][1]), /^Deployment\.apps other\/elsewhere: namespace "other" is not a destination/);
  assert.match(String(notes[2][1]), /^ClusterRoleBinding\.rbac\.authorization\.k8s\.io shop-admin: cluster-scoped kind rbac\.authorization\.k8s\.io\/ClusterRoleBinding is not allowed \(allowed: none\) \(project "dev", rule allowedClusterKinds\)$/);
  assert.match(comment, /\| shop \(3 errors\) \|/);
  for (const name of ['kube-system/sneaky', 'other/elsewhere', 'shop-admin']) assert.ok(comment.includes(name), `${name} in the comment:\n${comment}`);
  assert.match(comment, /`deploy\/shop\/escape\.yaml:19`: ClusterRoleBinding/);

  // Merged anyway: the sync refuses before its first write, in bounds or not.
  kube.counters.reset();
  const refused = await push(files);
  assert.equal(refused.conclusion, 'failure');
  assert.match(refused.output.title ?? '', /3 resource\(s\) outside the bounds of project "dev"; nothing was written/);
  assert.equal(kube.counters.writes(), 0, JSON.stringify(kube.counters.snapshot()));
  assert.deepEqual(escaped(), { configMap: undefined, deployment: undefined, binding: undefined });
  assert.equal(replicas(), 2, 'the in-bounds change was not applied either');
  assert.deepEqual(refused.annotations.map((a) => [a.path, a.start_line]), [['deploy/shop/escape.yaml', 1], ['deploy/shop/escape.yaml', 8], ['deploy/shop/escape.yaml', 19]]);

  // The revert of the refused change syncs: the app is not wedged.
  const reverted = await push({ 'deploy/shop/escape.yaml': null, 'deploy/shop/deployment.yaml': deployment('shop', 2) });
  assert.equal(reverted.conclusion, 'success', `${reverted.output.title}\n${reverted.output.summary}\n${reverted.output.text}`);
  // And the next change inside the bounds syncs too.
  const next = await push({ 'deploy/shop/deployment.yaml': deployment('shop', 3) });
  assert.equal(next.conclusion, 'success', `${next.output.title}\n${next.output.text}`);
  assert.equal(replicas(), 3);
});

test('escaped before the bounds: owned objects outside them are neither pruned nor written, and do not block the sync', async () => {
  // As an unbounded sync left them: labelled and tracked as the app's own.
  for (const o of [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sneaky', namespace: 'kube-system' }, data: { a: 'b' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'other' }, data: { a: 'b' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'shop-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }] },
  ]) kube.putObject(withOwnership(o, 'shop'), { manager: 'driftguard' });
  const before = kube.getObject('v1', 'ConfigMap', 'kube-system', 'sneaky')!.metadata.resourceVersion;

  // Three prunes of five owned objects would be a refused mass prune; outside the bounds they are no prunes at all.
  const run = await push({ 'deploy/shop/deployment.yaml': deployment('shop', 4) });
  assert.equal(run.conclusion, 'success', `${run.output.title}\n${run.output.text}`);
  assert.equal(replicas(), 4);
  assert.equal(kube.getObject('v1', 'ConfigMap', 'kube-system', 'sneaky')!.metadata.resourceVersion, before, 'not touched');
  assert.ok(kube.getObject('v1', 'ConfigMap', 'other', 'elsewhere'));
  assert.ok(kube.getObject('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, 'shop-admin'));
  for (const name of ['kube-system/sneaky', 'other/elsewhere', 'shop-admin']) {
    assert.match(run.output.text ?? '', new RegExp(`\\| skipped \\| [^|]+ \\| \`${name}\` \\| delete \\|\\s+\\| outside the bounds: .*never prunes or writes it`), name);
  }

  // A PR's drift section does not promise deletes the sync will never do.
  const { comment } = await plan('after-escape', { 'deploy/shop/deployment.yaml': deployment('shop', 5) });
  assert.match(comment, /\| shop \| dev\/shop \| \+0 ~1 −0 \|/);
  for (const name of ['sneaky', 'elsewhere', 'shop-admin']) assert.ok(!comment.includes(name), `${name} is not drift:\n${comment}`);
});

test('unknown kind (CRD not installed): the PR check fails; an unapproved fork is planned without any request and waits for approval', async () => {
  const own = await plan('monitor', { 'deploy/shop/monitor.yaml': MONITOR });
  assert.equal(own.run.conclusion, 'failure');
  const [a] = own.run.annotations;
  assert.deepEqual([a.path, a.start_line, a.title], ['deploy/shop/monitor.yaml', 1, 'Unknown kind']);
  assert.match(a.message, /^ServiceMonitor\.monitoring\.coreos\.com shop: unknown kind: the cluster does not serve ServiceMonitor in monitoring\.coreos\.com\/v1 and no CRD in the render defines it/);

  // Without asking the cluster an unknown kind cannot be told from an installed CRD: the approved plan decides.
  kube.counters.reset();
  const fork = await plan('monitor-fork', { 'deploy/shop/monitor.yaml': MONITOR }, true);
  assert.equal(fork.run.conclusion, 'action_required');
  assert.deepEqual(fork.run.annotations.filter((a) => a.title === 'Unknown kind'), []);
  assert.deepEqual(kube.counters.snapshot(), {}, 'not even discovery for a fork');

  // With its CRD in the render, the kind is known (its scope from the CRD); the CRD itself is cluster-scoped.
  const crd = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: servicemonitors.monitoring.coreos.com}\nspec:\n  group: monitoring.coreos.com\n  scope: Namespaced\n  names: {kind: ServiceMonitor, plural: servicemonitors}\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]\n`;
  const withCrd = await plan('monitor-crd', { 'deploy/shop/monitor.yaml': MONITOR, 'deploy/shop/crd.yaml': crd });
  assert.deepEqual(withCrd.run.annotations.map((x) => [x.path, x.title]), [['deploy/shop/crd.yaml', 'Outside project "dev"']]);
});
