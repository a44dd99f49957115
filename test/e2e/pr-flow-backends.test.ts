// The pull-request and push flow end to end on both backends (emulator and the real kube-apiserver with
// its controllers and the stand-in kubelet): real redis-server, the GitHub emulator, Probot's web process
// and a worker over real HTTP (src/devtools/system.ts). First push syncs the app; drift made with the real
// kubectl shows in a PR's plan; the merge's push syncs the merge commit; afterwards the app has no diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystemOnCluster, until } from '../../src/devtools/system.ts';
import { MARKER } from '../../src/core/report/index.ts';
import { diffApp } from '../../src/sync/index.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { webDeployment as deployment, webService as service } from '../support/web-manifests.ts';

forEachBackend((backend) => {
  test(`[${backend.name}] e2e: push syncs, a PR plan shows its change and the hand-made drift, the merge's push syncs to zero diff`, { timeout: 170_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 50 } });
    // App names are cluster-wide: the app is named after its unique namespace on the shared cluster.
    const ns = await t.namespace('e2e');
    const config = `apps:\n  - name: ${ns}\n    path: deploy/web\n    cluster: dev\n    namespace: ${ns}\n    syncPolicy: {automated: true, prune: true}\n`;
    const sys = await startSystemOnCluster({
      kubeconfig: t.kubeconfig, namespaces: [ns],
      files: { '.github/driftguard.yml': config, 'deploy/web/deployment.yaml': deployment(2, 'nginx:1.27.2'), 'deploy/web/service.yaml': service },
    });
    const { gh, owner, repo } = sys;
    try {
      const first = await gh.commit(owner, repo, { branch: 'main', files: { 'README.md': '# gitops\n' }, message: 'README' });
      await sys.deliver('push', undefined, { push: { before: '0'.repeat(40), after: first } });
      const [synced] = await sys.completed(first, 1, 90_000);
      assert.equal(synced.conclusion, 'success', synced.output?.summary ?? '');
      await sys.drained();
      const live = await t.get('apps/v1', 'Deployment', ns, 'web');
      assert.equal((live?.spec as { replicas: number }).replicas, 2);
      assert.equal(live?.metadata.labels?.['driftguard.dev/app'], ns);

      await sys.kubectl('-n', ns, 'scale', 'deployment/web', '--replicas=5');
      await gh.commit(owner, repo, { branch: 'bump', from: 'main', files: { 'deploy/web/deployment.yaml': deployment(2, 'nginx:1.27.3') }, message: 'web: nginx 1.27.3' });
      const pr = await gh.addPullRequest({ owner, repo, head: 'bump', title: 'web: nginx 1.27.3', user: 'octocat' });
      await gh.state.freeze(pr); // resolves its head and base commits
      await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
      const [plan] = await sys.completed(pr.headSha!, 1, 90_000);
      // Neutral: the plan is fine, only the default policy's warnings (no probes, no resources, ...).
      assert.equal(plan.conclusion, 'neutral', plan.output?.summary ?? '');
      await sys.drained();
      const comment = await until('the sticky plan comment', () => gh.comments(owner, repo, pr.number).find((c) => c.body.startsWith(MARKER)));
      // One update from the PR (the image), one object drifted by hand (the scale), in the check run and the comment.
      assert.match(plan.output?.summary ?? '', /\| What this PR changes \| 0 \| 1 \| 0 \|/);
      assert.match(plan.output?.summary ?? '', /\| Drift merging will overwrite \| 0 \| 1 \| 0 \|/);
      assert.ok(comment.body.includes(`| ${ns} | dev/${ns} | +0 ~1 −0 | Healthy | 1 |`), comment.body);

      const merge = await gh.mergePullRequest(owner, repo, pr.number);
      await sys.deliver('pull_request', 'closed', { pullNumber: pr.number });
      await sys.deliver('push', undefined, { push: { before: pr.baseSha!, after: merge } });
      const [run] = await sys.completed(merge, 1, 90_000);
      assert.equal(run.conclusion, 'success', run.output?.summary ?? '');
      await sys.drained();
      const note = await until('the merged-PR comment', () => gh.comments(owner, repo, pr.number).find((c) => c.body.startsWith('Synced ')));
      assert.match(note.body, new RegExp(`^Synced ${merge.slice(0, 7)} to dev/${ns}: 0 created, 1 updated, 0 pruned — Healthy`), note.body);
      const after = await t.get('apps/v1', 'Deployment', ns, 'web');
      const spec = after?.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
      assert.equal(spec.replicas, 2, 'the merge took the hand-made scale back');
      assert.equal(spec.template.spec.containers[0].image, 'nginx:1.27.3');

      const files = [deployment(2, 'nginx:1.27.3'), service];
      const { parseAllDocuments } = await import('yaml');
      const desired = files.flatMap((f, i) => parseAllDocuments(f).map((d) => ({ object: d.toJS(), source: { file: `deploy/web/${i}.yaml`, line: 1 } })));
      const d = await diffApp({ cluster: t.cluster, app: ns, namespace: ns, desired });
      assert.deepEqual(d.resources.filter((r) => r.modified).map((r) => `${r.kind}/${r.name}`), [], 'in sync after the merge');
    } finally {
      await sys.close();
      await t.close();
    }
  });
});
