// Rollback end to end on both backends (emulator and the real kube-apiserver): real redis-server, the
// GitHub emulator, Probot's web process and a worker over real HTTP (src/devtools/system.ts). Two pushes
// sync revisions A and B; `/driftguard rollback <app> previous` on a PR puts A's manifests live (B's
// ConfigMap pruned), opens the revert PR with A's files and pauses automated sync; a README push gets a
// "paused" check run and changes nothing; merging the revert PR resumes; the CLI shows the history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystemOnCluster, until } from '../../src/devtools/system.ts';
import { entryAt, readBlob, resolveCommit } from '../../emulators/github/git.ts';
import { AutoSyncPauses, createRedis } from '../../src/store/index.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { runCli } from '../cli/support.ts';
import { webDeployment as deployment } from '../support/web-manifests.ts';

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: new\n';

forEachBackend((backend) => {
  test(`[${backend.name}] e2e: rollback to previous puts the old manifests live, opens the revert PR, pauses auto-sync until it merges`, { timeout: 240_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 50 } });
    const ns = await t.namespace('rb');
    const config = `apps:\n  - name: ${ns}\n    path: deploy/web\n    cluster: dev\n    namespace: ${ns}\n    syncPolicy: {automated: true, prune: true}\n`;
    const sys = await startSystemOnCluster({
      kubeconfig: t.kubeconfig, namespaces: [ns], operatorExtra: 'rollback: {revertPullRequests: true}\n',
      files: { '.github/driftguard.yml': config, 'deploy/web/deployment.yaml': deployment(2) },
    });
    const { gh, owner, repo } = sys;
    const redis = createRedis(sys.redisUrl);
    const dir = gh.state.repo(owner, repo)!.dir;
    const fileAt = async (ref: string, path: string) => {
      const sha = await resolveCommit(dir, ref);
      const e = sha ? await entryAt(dir, sha, path) : undefined;
      return e ? (await readBlob(dir, e.sha)).toString('utf8') : undefined;
    };
    try {
      // A, then B (3 replicas, a ConfigMap): both synced by their pushes.
      const a = (await resolveCommit(dir, 'refs/heads/main'))!;
      await sys.deliver('push', undefined, { push: { before: '0'.repeat(40), after: a } });
      assert.equal((await sys.completed(a, 1, 90_000))[0].conclusion, 'success');
      const b = await gh.commit(owner, repo, { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment(3), 'deploy/web/settings.yaml': configMap }, message: 'web: 3 replicas, settings' });
      await sys.deliver('push', undefined, { push: { before: a, after: b } });
      assert.equal((await sys.completed(b, 1, 90_000))[0].conclusion, 'success');
      await sys.drained();
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'settings'));

      // The rollback, asked on a pull request by a writer.
      await gh.commit(owner, repo, { branch: 'ops', from: 'main', files: { 'NOTES.md': 'ops\n' } });
      const ops = await gh.addPullRequest({ owner, repo, head: 'ops', title: 'ops notes', user: 'octocat' });
      await sys.deliver('issue_comment', 'created', { pullNumber: ops.number, comment: { body: `/driftguard rollback ${ns} previous`, user: 'octocat' } });
      const reply = await until('the rollback reply', () => gh.comments(owner, repo, ops.number).find((c) => c.body.startsWith('@octocat **Rolled back')), 120_000);
      await sys.drained();
      assert.match(reply.body, /Revert PR #\d+ brings Git on `main` back to this revision/);
      assert.match(reply.body, /Auto-sync paused since .* by @octocat \(rollback to [0-9a-f]{7}\)/);
      const live = await t.get('apps/v1', 'Deployment', ns, 'web');
      assert.equal((live?.spec as { replicas: number }).replicas, 2, 'A is live again');
      await t.waitGone('v1', 'ConfigMap', ns, 'settings');

      const revert = [...gh.state.pulls.values()].find((p) => p.title === `Roll back ${ns} to ${a.slice(0, 7)}`);
      assert.ok(revert, 'the revert PR is open');
      assert.equal(await fileAt(`refs/heads/${revert.head}`, 'deploy/web/deployment.yaml'), deployment(2));
      assert.equal(await fileAt(`refs/heads/${revert.head}`, 'deploy/web/settings.yaml'), undefined);
      assert.equal(await fileAt(`refs/heads/${revert.head}`, 'NOTES.md'), undefined, 'only the app\'s files: the branch starts from main');

      // While paused a push does not sync the app: its check run says so.
      const c = await gh.commit(owner, repo, { branch: 'main', files: { 'README.md': '# gitops\n' }, message: 'README' });
      await sys.deliver('push', undefined, { push: { before: b, after: c } });
      const [paused] = await sys.completed(c, 1, 60_000);
      assert.equal(paused.conclusion, 'neutral');
      assert.match(paused.output?.title ?? '', /^Auto-sync paused since .* by @octocat \(rollback to [0-9a-f]{7}\)$/);

      // Merging the revert PR resumes automated sync; Git and the cluster agree on A.
      const merged = await gh.mergePullRequest(owner, repo, revert.number);
      await sys.deliver('push', undefined, { push: { before: c, after: merged } });
      assert.equal((await sys.completed(merged, 1, 90_000))[0].conclusion, 'success');
      await sys.drained();
      assert.equal(await new AutoSyncPauses(redis).get(`${owner}/${repo}`, ns), undefined);
      assert.equal(((await t.get('apps/v1', 'Deployment', ns, 'web'))?.spec as { replicas: number }).replicas, 2);

      const cli = await runCli(['history', ns, '--output', 'json'], { env: { PATH: process.env.PATH, REDIS_URL: sys.redisUrl } });
      assert.equal(cli.code, 0, cli.stderr);
      const entries = (JSON.parse(cli.stdout) as { entries: Array<{ trigger: string; sha: string; result: string }> }).entries;
      assert.deepEqual(entries.map((e) => [e.trigger, e.sha, e.result]), [['push', merged, 'synced'], ['rollback', a, 'synced'], ['push', b, 'synced'], ['push', a, 'synced']]);
    } finally {
      redis.disconnect();
      await sys.close();
      await t.close();
    }
  });
});
