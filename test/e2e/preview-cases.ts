// Preview environments end to end on both backends (the emulator, and the real kube-apiserver whose
// controllers and stand-in kubelet really run pods and really finalize namespaces): real redis-server,
// the GitHub emulator, Probot's web process and a worker over real HTTP (src/devtools/system.ts).
// Open → a namespace with quota, limits and a default-deny policy, the app healthy in it, a transient
// deployment with its URL and the comment's preview section; push → updated in place, what the head
// removed pruned; close → namespace really gone, deployment inactive, the comment says so. And bad input:
// a cluster-scoped object and an invalid namespace template fail the preview with nothing applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystemOnCluster, until } from '../../src/devtools/system.ts';
import { MARKER, PREVIEW_START } from '../../src/core/report/index.ts';
import type { ClusterBackend, TestCluster } from '../support/cluster-backend.ts';
import type { DeploymentRecord, GitHubEmulator } from '../../emulators/github/index.ts';
import { deployment as workload, service as serviceOf } from '../workers/harness.ts';

const deployment = (replicas: number) => workload('web', replicas, 'nginx:1.27.2');
const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-extra
data:
  greeting: hello
`;

const OPERATOR_PREVIEW = `preview:
  clusters: [dev]
  resourceQuota: {hard: {pods: "20", configmaps: "30"}}
  limitRange: {limits: [{type: Container, default: {cpu: 200m, memory: 128Mi}, defaultRequest: {cpu: 50m, memory: 64Mi}}]}
  networkPolicy: {ingressFromNamespaces: [ingress-nginx]}
`;

const latestStatus = (d: DeploymentRecord) => d.statuses[d.statuses.length - 1];
const previewDeployments = (gh: GitHubEmulator, owner: string, repo: string, env: string) => gh.deployments(owner, repo).filter((d) => d.environment === env).sort((a, b) => a.id - b.id);
const previewComment = (gh: GitHubEmulator, owner: string, repo: string, pr: number) => gh.comments(owner, repo, pr).find((c) => c.body.startsWith(MARKER) && c.body.includes(PREVIEW_START));

/** On the shared real cluster a failed test must not leave a preview namespace behind. */
async function cleanup(t: TestCluster, namespaces: string[]): Promise<void> {
  for (const ns of namespaces) await t.kubectl('delete', 'namespace', ns, '--ignore-not-found', '--wait=false').catch(() => undefined);
}

/** The cases, on one backend (a file per backend: together they outlast the per-file test timeout). */
export function previewE2eTests(backend: ClusterBackend): void {
  test(`[${backend.name}] e2e preview: open creates a guarded namespace and a deployment with its URL, push updates and prunes, close deletes it`, { timeout: 240_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 50 } });
    const app = t.unique('pv');
    const prod = await t.namespace('pvprod');
    const config = `apps:\n  - name: ${app}\n    path: deploy/web\n    cluster: dev\n    namespace: ${prod}\n    preview:\n      url: "https://pr-{{number}}-${app}.preview.example.com"\n      ttl: 48h\n      images:\n        - {name: nginx, newTag: "1.27.{{number}}"}\n`;
    const sys = await startSystemOnCluster({
      kubeconfig: t.kubeconfig, namespaces: [prod], operatorExtra: OPERATOR_PREVIEW,
      files: { '.github/driftguard.yml': config, 'deploy/web/deployment.yaml': deployment(1), 'deploy/web/service.yaml': serviceOf('web'), 'deploy/web/configmap.yaml': configMap },
    });
    const { gh, owner, repo } = sys;
    const ns = `pr-1-${app}`;
    try {
      await gh.commit(owner, repo, { branch: 'feature', from: 'main', files: { 'deploy/web/deployment.yaml': deployment(2) }, message: 'two replicas' });
      const pr = await gh.addPullRequest({ owner, repo, head: 'feature', title: 'two replicas', user: 'octocat' });
      assert.equal(pr.number, 1);
      await gh.state.freeze(pr);
      const opened = Date.now();
      await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
      await sys.drained(180_000);

      // The namespace, marked as this preview's, with its guard rails.
      const namespace = await t.get('v1', 'Namespace', undefined, ns);
      assert.ok(namespace, `namespace ${ns} exists`);
      const labels = namespace.metadata.labels ?? {};
      assert.equal(labels['app.kubernetes.io/managed-by'], 'driftguard');
      assert.equal(labels['driftguard.dev/preview'], 'true');
      assert.equal(labels['driftguard.dev/preview-repo'], `${owner}_${repo}`);
      assert.equal(labels['driftguard.dev/preview-pr'], '1');
      assert.equal(labels['driftguard.dev/preview-app'], app);
      assert.equal(labels['driftguard.dev/preview-sha'], pr.headSha);
      const quota = await t.get('v1', 'ResourceQuota', ns, 'driftguard-preview-quota');
      assert.deepEqual((quota?.spec as { hard: unknown }).hard, { pods: '20', configmaps: '30' });
      assert.ok(await t.get('v1', 'LimitRange', ns, 'driftguard-preview-limits'));
      const policy = await t.get('networking.k8s.io/v1', 'NetworkPolicy', ns, 'driftguard-preview-default-deny');
      const np = policy?.spec as { policyTypes: string[]; ingress: Array<{ from: unknown[] }> };
      assert.deepEqual(np.policyTypes, ['Ingress', 'Egress']);
      assert.deepEqual(np.ingress[0].from, [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);

      // The PR head, moved into the preview namespace, with the preview's image; production untouched.
      const web = await t.get('apps/v1', 'Deployment', ns, 'web');
      const spec = web?.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
      assert.equal(spec.replicas, 2);
      assert.equal(spec.template.spec.containers[0].image, 'nginx:1.27.1');
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'web-extra'));
      assert.ok(await t.get('v1', 'Service', ns, 'web'));
      assert.equal(await t.get('apps/v1', 'Deployment', prod, 'web'), undefined, 'nothing is written to the app namespace');

      const env = `preview/${app}/pr-1`;
      const [first] = previewDeployments(gh, owner, repo, env);
      assert.ok(first, 'a deployment of the preview environment');
      assert.equal(first.sha, pr.headSha);
      assert.equal(first.transient, true);
      assert.equal(first.production, false);
      assert.equal(latestStatus(first).state, 'success', latestStatus(first).description);
      assert.equal(latestStatus(first).environmentUrl, `https://pr-1-${app}.preview.example.com/`);
      assert.ok(first.statuses.some((s) => s.state === 'in_progress'));

      let comment = await until('the preview section', () => previewComment(gh, owner, repo, pr.number));
      assert.ok(comment.body.includes(`| ${app} | ✅ Ready (Healthy) | <https://pr-1-${app}.preview.example.com/> | \`${pr.headSha!.slice(0, 7)}\` | \`${ns}\` |`), comment.body);
      const expires = /\| (\d{4}-\d\d-\d\d \d\d:\d\d) UTC \|/.exec(comment.body)?.[1];
      assert.ok(expires, comment.body);
      const expiresAt = Date.parse(`${expires.replace(' ', 'T')}:00Z`);
      assert.ok(expiresAt >= Math.floor(opened / 60_000) * 60_000 + 48 * 3600_000 - 60_000 && expiresAt <= Date.now() + 48 * 3600_000, `expires 48h after the push: ${expires}`);

      // A push: the head no longer has the ConfigMap and scales back to one.
      const head2 = await gh.commit(owner, repo, { branch: 'feature', files: { 'deploy/web/deployment.yaml': deployment(1), 'deploy/web/configmap.yaml': null }, message: 'drop the configmap' });
      pr.headSha = head2; // the PR's head moves with its branch
      await sys.deliver('pull_request', 'synchronize', { pullNumber: pr.number });
      await sys.drained(180_000);
      await t.waitGone('v1', 'ConfigMap', ns, 'web-extra', 60_000);
      const web2 = await t.get('apps/v1', 'Deployment', ns, 'web');
      assert.equal((web2?.spec as { replicas: number }).replicas, 1);
      const deployments = previewDeployments(gh, owner, repo, env);
      assert.equal(deployments.length, 2);
      assert.equal(deployments[1].sha, head2);
      assert.equal(latestStatus(deployments[1]).state, 'success', latestStatus(deployments[1]).description);
      assert.equal(latestStatus(deployments[0]).state, 'inactive', 'the earlier deployment is replaced');
      comment = previewComment(gh, owner, repo, pr.number)!;
      assert.ok(comment.body.includes(`\`${head2.slice(0, 7)}\``), comment.body);

      // Close: the namespace and everything in it is deleted, and really gone.
      await gh.closePullRequest(owner, repo, pr.number);
      await sys.deliver('pull_request', 'closed', { pullNumber: pr.number });
      await sys.drained(180_000);
      assert.equal(await t.get('v1', 'Namespace', undefined, ns), undefined, 'the namespace is gone, not Terminating');
      assert.equal(await t.get('apps/v1', 'Deployment', ns, 'web'), undefined);
      for (const d of previewDeployments(gh, owner, repo, env)) assert.equal(latestStatus(d).state, 'inactive');
      comment = previewComment(gh, owner, repo, pr.number)!;
      assert.ok(comment.body.includes(`| ${app} | 🗑️ Deleted |`), comment.body);
      assert.match(comment.body, /the preview was deleted: the pull request was closed/);
    } finally {
      await sys.close();
      await cleanup(t, [ns]);
      await t.close();
    }
  });

  test(`[${backend.name}] e2e preview: a cluster-scoped object and an invalid namespace template fail the preview, nothing applied, reported at file:line`, { timeout: 180_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 50 } });
    const rbac = t.unique('pvrbac');
    const bad = t.unique('pvbad');
    const prod = await t.namespace('pvprod');
    const config = [
      'apps:',
      `  - name: ${rbac}`, '    path: deploy/rbac', '    cluster: dev', `    namespace: ${prod}`, '    preview: {}',
      `  - name: ${bad}`, '    path: deploy/web', '    cluster: dev', `    namespace: ${prod}`, '    preview:', '      namespace: "Preview_{{number}}"',
      '',
    ].join('\n');
    const clusterRole = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${rbac}-reader\nrules: []\n`;
    const otherNs = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: kube-system\ndata: {}\n`;
    const sys = await startSystemOnCluster({
      kubeconfig: t.kubeconfig, namespaces: [prod], operatorExtra: OPERATOR_PREVIEW,
      files: { '.github/driftguard.yml': config, 'deploy/rbac/configmap.yaml': configMap, 'deploy/web/deployment.yaml': deployment(1) },
    });
    const { gh, owner, repo } = sys;
    try {
      await gh.commit(owner, repo, { branch: 'feature', from: 'main', files: { 'deploy/rbac/clusterrole.yaml': clusterRole, 'deploy/rbac/other.yaml': otherNs }, message: 'rbac' });
      const pr = await gh.addPullRequest({ owner, repo, head: 'feature', title: 'rbac', user: 'octocat' });
      await gh.state.freeze(pr);
      await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
      await sys.drained(120_000);

      const refused = previewDeployments(gh, owner, repo, `preview/${rbac}/pr-${pr.number}`);
      assert.equal(refused.length, 1);
      assert.equal(latestStatus(refused[0]).state, 'failure');
      assert.match(latestStatus(refused[0]).description, /2 objects refused, nothing was applied: ClusterRole/);
      assert.equal(await t.get('v1', 'Namespace', undefined, `pr-${pr.number}-${rbac}`), undefined, 'nothing applied, not even the namespace');
      assert.equal(await t.get('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, `${rbac}-reader`), undefined);

      const invalid = previewDeployments(gh, owner, repo, `preview/${bad}/pr-${pr.number}`);
      assert.equal(invalid.length, 1);
      assert.equal(latestStatus(invalid[0]).state, 'failure');
      assert.match(latestStatus(invalid[0]).description, /namespace template renders "Preview_/);

      const comment = await until('the preview section', () => previewComment(gh, owner, repo, pr.number));
      assert.ok(comment.body.includes(`| ${rbac} | ❌ Failed |`), comment.body);
      assert.ok(comment.body.includes('`deploy/rbac/clusterrole.yaml:1`: ClusterRole.rbac.authorization.k8s.io'), comment.body);
      assert.match(comment.body, /cluster-scoped: previews are namespace-scoped/);
      assert.ok(comment.body.includes('`deploy/rbac/other.yaml:1`: ConfigMap kube-system/elsewhere names namespace "kube-system"'), comment.body);
      assert.ok(comment.body.includes(`**${bad}**: \`.github/driftguard.yml:12\`: apps[1].preview.namespace: the namespace template renders "Preview_`), comment.body);

      // Closing still cleans up what was recorded, and ends every deployment.
      await gh.closePullRequest(owner, repo, pr.number);
      await sys.deliver('pull_request', 'closed', { pullNumber: pr.number });
      await sys.drained(120_000);
      for (const d of [...refused, ...invalid]) assert.ok(['inactive', 'failure'].includes(latestStatus(previewDeployments(gh, owner, repo, d.environment).find((x) => x.id === d.id)!).state));
      assert.equal(latestStatus(previewDeployments(gh, owner, repo, `preview/${rbac}/pr-${pr.number}`)[0]).state, 'inactive');
    } finally {
      await sys.close();
      await cleanup(t, [`pr-1-${rbac}`]);
      await t.close();
    }
  });

  // The emulator counts quota usage but does not refuse over it; the real API server does.
  if (backend.caps.realControllers) {
    test(`[${backend.name}] e2e preview: an app that does not fit in the preview quota fails, saying the quota is used up`, { timeout: 180_000 }, async () => {
      const t = await backend.start();
      const app = t.unique('pvquota');
      const prod = await t.namespace('pvprod');
      const config = `apps:\n  - name: ${app}\n    path: deploy/web\n    cluster: dev\n    namespace: ${prod}\n    preview: {}\n`;
      const sys = await startSystemOnCluster({
        kubeconfig: t.kubeconfig, namespaces: [prod], operatorExtra: 'preview:\n  clusters: [dev]\n  resourceQuota: {hard: {pods: "1"}}\n',
        env: { DRIFTGUARD_SYNC_TIMEOUT_MS: '8000' },
        files: { '.github/driftguard.yml': config, 'deploy/web/deployment.yaml': deployment(2) },
      });
      const { gh, owner, repo } = sys;
      const ns = `pr-1-${app}`;
      try {
        await gh.commit(owner, repo, { branch: 'feature', from: 'main', files: { 'README.md': 'x\n' }, message: 'x' });
        const pr = await gh.addPullRequest({ owner, repo, head: 'feature', title: 'x', user: 'octocat' });
        await gh.state.freeze(pr);
        await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
        await sys.drained(120_000);
        const [d] = previewDeployments(gh, owner, repo, `preview/${app}/pr-1`);
        assert.equal(latestStatus(d).state, 'failure');
        const comment = await until('the preview section', () => previewComment(gh, owner, repo, pr.number));
        assert.ok(comment.body.includes(`| ${app} | ❌ Failed |`), comment.body);
        assert.match(comment.body, /Deployment\.apps [^ ]+\/web: .*the preview's ResourceQuota driftguard-preview-quota is used up \(operator config preview\.resourceQuota\): pods 1\/1/);
        await gh.closePullRequest(owner, repo, pr.number);
        await sys.deliver('pull_request', 'closed', { pullNumber: pr.number });
        await sys.drained(120_000);
        assert.equal(await t.get('v1', 'Namespace', undefined, ns), undefined, 'a failed preview is still deleted on close');
      } finally {
        await sys.close();
        await cleanup(t, [ns]);
        await t.close();
      }
    });
  }
}
