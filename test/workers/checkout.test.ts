// Checkouts are faithful or refused, end to end: real workers (render → kube adapter → Kubernetes
// emulator), the GitHub emulator serving real `git archive` tarballs. A manifest that is an in-repo
// symlink is planned and synced as the CLI sees it on a clone (it used to be dropped: the plan said
// "1 to delete" and the merge pruned the object); a link out of the repository is refused at its path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEmulator } from '../../emulators/kube/index.ts';
import { startWorkers, type WorkerProcess } from '../../workers/start.ts';
import { prScope } from '../../src/store/index.ts';
import { CONFIG, deployment, service, startHarness, startProductionCluster, until, type Harness } from './harness.ts';

let h: Harness;
let kube: KubeEmulator;
let w: WorkerProcess;
const REPO = 'gitops';

before(async () => {
  h = await startHarness();
  let operatorFile: string;
  ({ kube, operatorFile } = await startProductionCluster(h));
  await h.gh.addRepo({ owner: 'acme', name: REPO, files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web') } });
  w = await startWorkers({ DRIFTGUARD_CONFIG: operatorFile, REDIS_URL: h.redis.url, LOG_LEVEL: 'silent', DRIFTGUARD_SYNC_TIMEOUT_MS: '20000' }, { github: h.deps.github, log: h.deps.log, producer: h.producer });
});
after(async () => {
  await w.close();
  await kube.close();
  await h.close();
});

const inst = () => h.gh.installationId('acme');

async function pushAndSync(sha: string, id: string) {
  await h.producer.push({ repo: `acme/${REPO}`, installationId: inst(), ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: id, seq: await w.deps.latest.nextSeq() });
  return until(`sync of ${id}`, () => h.gh.checkRuns('acme', REPO, { headSha: sha, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
}

async function plan(branch: string, files: Parameters<Harness['gh']['commit']>[2]['files']) {
  await h.gh.commit('acme', REPO, { branch, from: 'main', files });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: REPO, head: branch });
  const info = await (await h.client()).pull(pr.number);
  const seq = await w.deps.latest.nextSeq();
  await w.deps.latest.offer(prScope(`acme/${REPO}`, pr.number), seq, info.headSha);
  await h.producer.plan({ repo: `acme/${REPO}`, installationId: inst(), pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: `plan-${branch}`, seq });
  const run = await until(`plan of ${branch}`, () => h.gh.checkRuns('acme', REPO, { headSha: info.headSha, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  return { pr, run };
}

test('an in-repo symlinked manifest: the plan shows no deletion and the merge prunes nothing', async () => {
  const first = await pushAndSync(await h.gh.commit('acme', REPO, { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2) } }), 'first');
  assert.equal(first.conclusion, 'success', `${first.output.title}\n${first.output.summary}`);
  assert.ok(kube.getObject('v1', 'Service', 'web', 'web'));

  // Refactor: the Service moves to a shared folder; the app keeps a relative symlink to it.
  const { pr, run } = await plan('share-service', { 'shared/web-service.yaml': service('web'), 'deploy/web/service.yaml': { symlink: '../../shared/web-service.yaml' } });
  assert.equal(run.conclusion, 'success', `${run.output.title}\n${run.output.summary}`);
  // Before the fix: "0 to create, 0 to update, 1 to delete".
  assert.equal(run.output.title, 'No changes', run.output.summary ?? '');

  const merged = await h.gh.mergePullRequest('acme', REPO, pr.number);
  const synced = await pushAndSync(merged, 'merge');
  assert.equal(synced.conclusion, 'success', `${synced.output.title}\n${synced.output.summary}`);
  assert.doesNotMatch(synced.output.title ?? '', /[1-9]\d* pruned/);
  assert.ok(kube.getObject('v1', 'Service', 'web', 'web'), 'the Service behind the symlink is still in the cluster');
});

test('a link out of the repository is refused at its path, in the plan and in the sync; nothing is applied', async () => {
  const { run } = await plan('escape', { 'deploy/web/extra.yaml': { symlink: '../../../../etc/passwd' }, 'deploy/web/deployment.yaml': deployment('web', 3) });
  assert.equal(run.conclusion, 'failure');
  assert.deepEqual(run.annotations.map((a) => [a.path, a.start_line]), [['deploy/web/extra.yaml', 1]]);
  assert.match(run.annotations[0].message, /symlink to "..\/..\/..\/..\/etc\/passwd" leaves the repository/);

  const sha = await h.gh.commit('acme', REPO, { branch: 'main', files: { 'deploy/web/abs.yaml': { symlink: '/etc/hostname' }, 'deploy/web/deployment.yaml': deployment('web', 4) } });
  const sync = await pushAndSync(sha, 'escape');
  assert.equal(sync.conclusion, 'failure');
  assert.match(sync.output.title ?? '', /nothing was applied/);
  assert.deepEqual(sync.annotations.map((a) => [a.path, a.start_line]), [['deploy/web/abs.yaml', 1]]);
  const live = kube.getObject('apps/v1', 'Deployment', 'web', 'web')!;
  assert.equal((live.spec as { replicas: number }).replicas, 2, 'the refused commit applied nothing');
});
