// A merge that deletes more than half of an app is refused before any write, once (no retries: the
// refusal is deterministic), and the check run and the merged PR say how to confirm from GitHub.
// `/driftguard sync <app> --allow-mass-prune` from a user with write access lifts the guard for that
// one sync and the check run records who confirmed; without the flag the app is re-synced (and
// refused again); a later mass prune at another commit is refused again. End to end: signed webhooks
// → web process → Redis/BullMQ → workers → real renderer and sync engine → Kubernetes emulator,
// reported to the GitHub emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.ts';
import { QUEUES } from '../../src/queue/index.ts';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { CONFIG, deployment, service, startHarness, startProcesses, until, type Harness, type Processes } from './harness.ts';

const SECRET = 'mass-prune-secret';
let h: Harness;
let kube: KubeEmulator;
let p: Processes;

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;
const APP_FILES = {
  'deploy/web/deployment.yaml': deployment('web'),
  'deploy/web/service.yaml': service('web'),
  'deploy/web/settings.yaml': configMap('settings'),
  'deploy/web/flags.yaml': configMap('flags'),
};

before(async () => {
  h = await startHarness();
  kube = await startKubeEmulator({ rollout: { readyDelayMs: 20 } });
  const kubeconfig = kube.writeKubeconfig(join(h.redis.dir, 'kubeconfig'));
  const operatorFile = join(h.redis.dir, 'operator.yml');
  writeFileSync(operatorFile, `clusters:\n  - {name: production, kubeconfig: ${kubeconfig}, context: driftguard-dev}\nprojects:\n  - {name: default, repos: ["acme/*"], destinations: [{cluster: production, namespaces: ["web", "api"]}]}\n`);
  for (const ns of ['web', 'api']) kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'README.md': '# gitops\n' } });
  p = await startProcesses(h, SECRET, { realCluster: true, env: { DRIFTGUARD_CONFIG: operatorFile, DRIFTGUARD_SYNC_TIMEOUT_MS: '20000' } });
});
after(async () => {
  await p.close();
  await kube.close();
  await h.close();
});



/** Commit to main (directly or through a merged PR) and deliver the push webhook; the new head. */
async function pushToMain(files: Record<string, string | null>, viaPr?: string): Promise<{ sha: string; pr?: number }> {
  const before = await (await h.client()).resolveRef('main');
  let sha: string;
  let pr: number | undefined;
  if (viaPr) {
    await h.gh.commit('acme', 'gitops', { branch: viaPr, from: 'main', files });
    pr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: viaPr })).number;
    sha = await h.gh.mergePullRequest('acme', 'gitops', pr);
  } else {
    sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files });
  }
  const payload = await emulatorPayload(h.gh, 'push', undefined, { owner: 'acme', repo: 'gitops', push: { before, after: sha } });
  assert.equal((await sendWebhook(p.hook, { event: 'push', payload, secret: SECRET })).status, 200);
  return { sha, ...(pr ? { pr } : {}) };
}

async function comment(pr: number, user: string, body: string): Promise<number> {
  const payload = await emulatorPayload(h.gh, 'issue_comment', 'created', { owner: 'acme', repo: 'gitops', pullNumber: pr, comment: { body, user } });
  assert.equal((await sendWebhook(p.hook, { event: 'issue_comment', payload, secret: SECRET })).status, 200);
  return payload.comment.id as number;
}

/** The n-th completed `driftguard / web` check run on sha (in creation order). */
const completedRun = (sha: string, n: number) =>
  until(`check run #${n} on ${sha.slice(0, 7)}`, () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' }).filter((c) => c.status === 'completed')[n - 1]);

const owned = () =>
  [
    ['apps/v1', 'Deployment', 'web'], ['v1', 'Service', 'web'], ['v1', 'ConfigMap', 'settings'], ['v1', 'ConfigMap', 'flags'],
  ].filter(([v, k, n]) => kube.getObject(v, k, 'web', n)).map(([, k, n]) => `${k}/${n}`);

test('a refused mass prune is reported once with the GitHub way to confirm; a writer confirms by comment, for that sync only', async () => {
  const first = await pushToMain(APP_FILES);
  assert.equal((await completedRun(first.sha, 1)).conclusion, 'success');
  assert.deepEqual(owned(), ['Deployment/web', 'Service/web', 'ConfigMap/settings', 'ConfigMap/flags']);

  // A PR deletes 3 of the 4 resources: the merge's sync is refused before any write.
  const merge = await pushToMain({ 'deploy/web/service.yaml': null, 'deploy/web/settings.yaml': null, 'deploy/web/flags.yaml': null }, 'retire');
  const refused = await completedRun(merge.sha, 1);
  assert.equal(refused.conclusion, 'failure');
  assert.match(refused.output.title ?? '', /^Mass prune refused: 3 of 4 resources would be deleted; nothing was applied/);
  assert.match(refused.output.summary ?? '', /\/driftguard sync web --allow-mass-prune/);
  assert.match(refused.output.summary ?? '', /- `ConfigMap web\/flags`/);
  assert.deepEqual(owned(), ['Deployment/web', 'Service/web', 'ConfigMap/settings', 'ConfigMap/flags'], 'nothing deleted');
  const told = await until('the merged PR to hear how to confirm', () => h.gh.comments('acme', 'gitops', merge.pr).find((c) => c.body.startsWith('Sync of ')));
  assert.match(told.body, /refused: it would delete 3 of the 4 live resources \*\*web\*\* owns in production\/web/);
  assert.match(told.body, /```\n\/driftguard sync web --allow-mass-prune\n```/);
  assert.doesNotMatch(told.body, /--allow-mass-prune`? flag|CLI/);

  // Not retried: one attempt, completed as refused; no second check run on the commit.
  const syncJobs = await until('the sync job to finish', async () => {
    const jobs = (await h.producer.queue(QUEUES.sync).getJobs(['completed', 'failed', 'delayed', 'waiting', 'active'])).filter((j) => j.data.sha === merge.sha);
    return jobs.every((j) => j.finishedOn) && jobs;
  });
  assert.deepEqual(syncJobs.map((j) => [j.returnvalue, j.attemptsMade, j.failedReason ?? null]), [['refused', 1, null]]);
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: merge.sha, name: 'driftguard / web' }).length, 1);
  const deployment = h.gh.deployments('acme', 'gitops').find((d) => d.sha === merge.sha)!;
  assert.equal(deployment.statuses.at(-1)?.state, 'failure');

  // Someone without write access cannot confirm.
  h.gh.setPermission('acme', 'gitops', 'rita', 'read');
  await comment(merge.pr!, 'rita', '/driftguard sync web --allow-mass-prune');
  const denied = await until('the refusal', () => h.gh.comments('acme', 'gitops', merge.pr).find((c) => c.body.startsWith('@rita')));
  assert.match(denied.body, /`\/driftguard sync web --allow-mass-prune` needs \*\*write\*\* access/);

  // A writer re-syncs without the flag: refused again, nothing deleted.
  h.gh.setPermission('acme', 'gitops', 'wendy', 'write');
  await comment(merge.pr!, 'wendy', '/driftguard sync web');
  const again = await completedRun(merge.sha, 2);
  assert.equal(again.conclusion, 'failure');
  assert.match(again.output.summary ?? '', /^Sync requested by @wendy on #\d+\./);
  assert.match(again.output.title ?? '', /^Mass prune refused/);
  assert.equal(owned().length, 4);

  // The writer confirms: the prune runs, and the check run says who confirmed it.
  const confirm = await comment(merge.pr!, 'wendy', '/driftguard sync web --allow-mass-prune');
  const synced = await completedRun(merge.sha, 3);
  assert.equal(synced.conclusion, 'success', `${synced.output.title}\n${synced.output.summary}`);
  assert.match(synced.output.summary ?? '', /^Sync requested by @wendy on #\d+; mass prune confirmed by @wendy for this sync only\./);
  assert.match(synced.output.title ?? '', /0 created, 0 updated, 3 pruned/);
  assert.deepEqual(owned(), ['Deployment/web']);
  const outcome = await until('the outcome on the PR', () => h.gh.comments('acme', 'gitops', merge.pr).find((c) => c.body.startsWith('@wendy Synced ')));
  assert.match(outcome.body, /3 pruned/);
  const ack = h.gh.comments('acme', 'gitops', merge.pr).find((c) => c.id === confirm)!;
  assert.deepEqual(ack.reactions.map((r) => r.content), ['rocket']);

  // The guard was lifted for that sync only: the next mass prune, at another commit, is refused again.
  const back = await pushToMain({ 'deploy/web/service.yaml': service('web'), 'deploy/web/settings.yaml': configMap('settings'), 'deploy/web/flags.yaml': configMap('flags') });
  assert.equal((await completedRun(back.sha, 1)).conclusion, 'success');
  assert.equal(owned().length, 4);
  const again2 = await pushToMain({ 'deploy/web/service.yaml': null, 'deploy/web/settings.yaml': null, 'deploy/web/flags.yaml': null });
  assert.match((await completedRun(again2.sha, 1)).output.title ?? '', /^Mass prune refused/);
  assert.equal(owned().length, 4);

  const pending = h.gh.checkRuns('acme', 'gitops').filter((c) => c.status !== 'completed');
  assert.deepEqual(pending.map((c) => `${c.name}@${c.headSha.slice(0, 7)}`), []);
  assert.deepEqual(h.gh.responseViolations(), []);
});
