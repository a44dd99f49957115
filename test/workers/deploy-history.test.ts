// Deploy history and auto-sync pauses in the workers: every sync job records one history entry (a job
// run twice records once), its Deployment says why it ran and for whom, and while an app is paused a
// push that does not change it gets a "paused" check run instead of a sync; a push that changes it
// resumes it. GitHub emulator, real Redis and renderer; the cluster is the harness's in-memory fake.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type SyncJob } from '../../src/queue/index.ts';
import { runPush } from '../../workers/push.ts';
import { runSync } from '../../workers/sync.ts';
import { deployment, service, startHarness, type Harness } from './harness.ts';

const REPO = 'acme/history';
const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    syncPolicy: {automated: true, prune: true}
  - name: api
    path: deploy/api
    cluster: production
    namespace: api
    syncPolicy: {automated: true, prune: true}
`;

let h: Harness;
before(async () => {
  // Dozens of syncs, commands and replies within seconds, one installation: GitHub's secondary write
  // limit is not what these tests are about (it is tested with the pacer).
  h = await startHarness({ secondaryLimit: false });
  await h.gh.addRepo({ owner: 'acme', name: 'history', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web'), 'deploy/api/deployment.yaml': deployment('api') } });
});
after(async () => {
  await h.close();
});

const inst = () => h.gh.installationId('acme');
const commit = (files: Record<string, string>) => h.gh.commit('acme', 'history', { branch: 'main', files });
async function syncJob(sha: string, extra: Partial<SyncJob> = {}): Promise<SyncJob> {
  return { kind: 'sync', repo: REPO, installationId: inst(), app: 'web', sha, ref: 'refs/heads/main', seq: await h.deps.latest.nextSeq(), deliveryId: 'h', ...extra };
}

test('every sync records one history entry: push, command (who), a job run twice records once; deployments carry trigger and who', async () => {
  const a = await commit({ 'deploy/web/deployment.yaml': deployment('web', 2) });
  const push = await syncJob(a);
  assert.equal((await runSync(push, h.deps)).outcome, 'synced');
  // The same job again (a stalled job taken over after it finished): still one entry.
  await runSync(push, h.deps);
  const issue = (await (await h.deps.github(REPO, inst())).octokit.rest.issues.create({ owner: 'acme', repo: 'history', title: 'ops' })).data.number;
  const cmd = await syncJob(a, { requestedBy: 'alice', requestedOn: issue });
  assert.equal((await runSync(cmd, h.deps)).outcome, 'synced');

  const list = await h.deps.history.list(REPO, 'web');
  assert.deepEqual(list.map((e) => [e.trigger, e.by, e.result, e.sha]), [['command', 'alice', 'synced', a], ['push', undefined, 'synced', a]]);
  assert.deepEqual(list[1].counts, { created: 2, updated: 0, pruned: 0, failed: 0 });
  assert.equal(list[1].health, 'Healthy');
  assert.ok(list[1].checkRunId && list[1].deploymentId, 'the entry links its check run and deployment');
  const deployments = h.gh.deployments('acme', 'history').filter((d) => d.sha === a && d.environment === 'web');
  const payloads = new Set(deployments.map((d) => d.payload as { trigger?: string; requestedBy?: string }).map((p) => `${p.trigger} ${p.requestedBy}`));
  assert.deepEqual([...payloads].sort(), ['command alice', 'push undefined']);
  assert.ok(deployments.some((d) => /command sync of web .* by @alice/.test(d.description ?? '')), deployments.map((d) => d.description).join('\n'));

  // A revision that does not render: recorded as failed, nothing applied.
  const bad = await commit({ 'deploy/web/deployment.yaml': 'kind: [' });
  assert.equal((await runSync(await syncJob(bad), h.deps)).outcome, 'failed');
  assert.deepEqual((await h.deps.history.list(REPO, 'web', 1)).map((e) => [e.result, e.message]), [['failed', 'Render failed: nothing was applied']]);
});

test('paused: a push that does not change the app gets a paused check run; one that changes it resumes and syncs', async () => {
  await commit({ 'deploy/web/deployment.yaml': deployment('web', 2) });
  const since = '2026-12-08T01:02:03.000Z';
  await h.deps.pauses.pause(REPO, 'web', { sha: 'f'.repeat(40), since, by: 'bob', revertPr: 9 });
  const before = await head();
  // A config change would sync every app; the paused one is reported paused instead.
  const b = await commit({ '.github/driftguard.yml': `${CONFIG}# touched\n`, 'deploy/api/deployment.yaml': deployment('api', 2) });
  const r = await pushOf(before, b);
  assert.deepEqual([r.apps, r.paused], [['api'], ['web']]);
  const run = h.gh.checkRuns('acme', 'history', { headSha: b, name: 'driftguard / web' });
  assert.equal(run.length, 1);
  assert.equal(run[0].conclusion, 'neutral');
  assert.equal(run[0].output.title, `Auto-sync paused since ${since} by @bob (rollback to fffffff)`);
  assert.match(run[0].output.summary ?? '', /revert PR #9 merges.*\/driftguard resume web/s);
  assert.ok(await h.deps.pauses.get(REPO, 'web'), 'still paused');
  // A push sync job of the paused app queued before the pause (or a self-heal) does not sync either.
  const syncs = h.cluster.syncCalls.length;
  const stale = await syncJob(b, { seq: await h.deps.latest.nextSeq() });
  assert.equal((await runSync(stale, h.deps)).outcome, 'paused');
  assert.equal(h.cluster.syncCalls.length, syncs, 'nothing applied while paused');
  assert.equal((await h.deps.history.list(REPO, 'web', 1))[0].result, 'paused');

  // A push that changes web ends the pause and syncs it.
  const c = await commit({ 'deploy/web/deployment.yaml': deployment('web', 4) });
  const r2 = await pushOf(b, c);
  assert.deepEqual([r2.apps, r2.resumed], [['web'], ['web']]);
  assert.equal(await h.deps.pauses.get(REPO, 'web'), undefined);
  const job = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).find((j) => j.repo === REPO && j.sha === c && j.app === 'web');
  assert.ok(job);
  assert.equal((await runSync(job, h.deps)).outcome, 'synced');
});

async function head(): Promise<string> {
  return (await (await h.deps.github(REPO, inst())).resolveRef('main'));
}

async function pushOf(beforeSha: string, sha: string) {
  const seq = await h.deps.latest.nextSeq();
  return runPush({ kind: 'push', repo: REPO, installationId: inst(), ref: 'refs/heads/main', sha, before: beforeSha, forced: false, defaultBranch: 'main', deliveryId: `p${seq}`, seq }, h.deps);
}
