// `/driftguard rollback` and `/driftguard resume` through the workers: the command (on the drift issue or a
// PR) queues a sync of the older revision that is applied at once, automated sync pauses, a revert PR
// restores the app's files (git data API of the GitHub emulator), pushes while paused get a "paused"
// check run, merging the revert PR resumes; without the opt-in the reply gives the git commands. Bad
// input gets a clear reply and queues nothing. GitHub emulator, real Redis and renderer; the cluster is
// the harness's in-memory fake (the real engine on both backends: test/e2e/rollback*.test.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type CommandJob, type SyncJob } from '../../src/queue/index.ts';
import type { RepoClient } from '../../src/github/client.ts';
import { runCommand } from '../../workers/command.ts';
import { runPush } from '../../workers/push.ts';
import { runSync } from '../../workers/sync.ts';
import { deployment, service, startHarness, type Harness } from './harness.ts';
import { runCli } from '../cli/support.ts';

const REPO = 'acme/rb';
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
  - name: jobs
    path: deploy/jobs
    cluster: production
    namespace: api
`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {mode: new}\n`;

let h: Harness;
let gh: RepoClient;
let issue: number;
const shas: Record<string, string> = {};

before(async () => {
  // Dozens of syncs, commands and replies within seconds, one installation: GitHub's secondary write
  // limit is not what these tests are about (it is tested with the pacer).
  h = await startHarness({ secondaryLimit: false });
  await h.gh.addRepo({ owner: 'acme', name: 'rb', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web', 1), 'deploy/web/service.yaml': service('web'), 'deploy/api/deployment.yaml': deployment('api') } });
  h.gh.setPermission('acme', 'rb', 'alice', 'write');
  h.gh.setPermission('acme', 'rb', 'reader', 'read');
  gh = await h.deps.github(REPO, h.gh.installationId('acme'));
  issue = (await gh.octokit.rest.issues.create({ owner: 'acme', repo: 'rb', title: 'Drift: web on production/web' })).data.number;
  // Revision A, then B (3 replicas and a new ConfigMap file): both pushed and synced.
  shas.a = await gh.resolveRef('main');
  await syncPushed(shas.a);
  shas.b = await h.gh.commit('acme', 'rb', { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3), 'deploy/web/settings.yaml': configMap('settings') } });
  await syncPushed(shas.b, shas.a);
});
after(async () => {
  await h.close();
});

const inst = () => h.gh.installationId('acme');
const live = (kind: string, name: string) => [...h.cluster.live.values()].find((o) => o.kind === kind && o.metadata.name === name);

async function syncPushed(sha: string, beforeSha?: string) {
  const seq = await h.deps.latest.nextSeq();
  const r = await runPush({ kind: 'push', repo: REPO, installationId: inst(), ref: 'refs/heads/main', sha, ...(beforeSha ? { before: beforeSha } : {}), forced: false, defaultBranch: 'main', deliveryId: `p${seq}`, seq }, h.deps);
  for (const job of await queuedSyncs((j) => j.sha === sha)) await runSync(job, h.deps);
  return r;
}

async function queuedSyncs(f: (j: SyncJob) => boolean): Promise<SyncJob[]> {
  const jobs = await h.producer.queue(QUEUES.sync).getJobs(['waiting']);
  const out = jobs.filter((j) => (j.data as SyncJob).repo === REPO && f(j.data as SyncJob));
  for (const j of out) await j.remove();
  return out.map((j) => j.data as SyncJob);
}

async function command(sender: string, body: string, extra: Partial<CommandJob>, on = issue) {
  const commentId = (await gh.octokit.rest.issues.createComment({ owner: 'acme', repo: 'rb', issue_number: on, body })).data.id;
  return runCommand({ kind: 'command', repo: REPO, installationId: inst(), pr: on, command: 'unknown', text: body, commentId, sender, deliveryId: `c${commentId}`, ...(on === issue ? { onIssue: true } : {}), ...extra }, h.deps);
}

const botComments = (n: number) => h.gh.comments('acme', 'rb', n).filter((c) => c.user.endsWith('[bot]')).map((c) => c.body);
const fileAt = async (path: string, ref: string) => gh.readFile(path, ref);

test('rollback to previous on the drift issue: old manifests live, revert PR with the right files, auto-sync paused until the revert PR merges', async () => {
  h.deps.operator = { ...h.deps.operator, rollback: { revertPullRequests: true } };
  assert.equal((live('Deployment', 'web')?.spec as { replicas: number }).replicas, 3);
  assert.ok(live('ConfigMap', 'settings'));

  assert.equal((await command('alice', '/driftguard rollback web previous', { command: 'rollback', app: 'web', target: 'previous' })).outcome, 'rollback-queued');
  const [job] = await queuedSyncs((j) => j.trigger === 'rollback');
  assert.deepEqual([job.sha, job.requestedBy, job.requestedOn], [shas.a, 'alice', issue]);
  assert.equal((await runSync(job, h.deps)).outcome, 'synced', 'the older revision is not dropped as superseded');
  // The cluster runs A again: 1 replica, the ConfigMap B added is pruned.
  assert.equal((live('Deployment', 'web')?.spec as { replicas: number }).replicas, 1);
  assert.equal(live('ConfigMap', 'settings'), undefined);

  const pause = await h.deps.pauses.get(REPO, 'web');
  assert.ok(pause?.revertPr, 'paused, with the revert PR');
  assert.deepEqual([pause.sha, pause.by], [shas.a, 'alice']);
  const pr = (await gh.octokit.rest.pulls.get({ owner: 'acme', repo: 'rb', pull_number: pause.revertPr })).data;
  assert.equal(pr.base.ref, 'main');
  assert.match(pr.body ?? '', new RegExp(`state of \`web\` at ${shas.a}`));
  const files = (await gh.octokit.rest.pulls.listFiles({ owner: 'acme', repo: 'rb', pull_number: pr.number })).data.map((f) => `${f.status} ${f.filename}`).sort();
  assert.deepEqual(files, ['modified deploy/web/deployment.yaml', 'removed deploy/web/settings.yaml']);
  assert.equal(await fileAt('deploy/web/deployment.yaml', pr.head.sha), deployment('web', 1));
  assert.equal(await fileAt('deploy/api/deployment.yaml', pr.head.sha), deployment('api'), 'other apps untouched');

  const reply = botComments(issue).at(-1)!;
  assert.match(reply, /^@alice \*\*Rolled back `web` to `[0-9a-f]{7}`\.\*\*/);
  assert.match(reply, new RegExp(`Revert PR #${pr.number} brings Git`));
  assert.match(reply, /Auto-sync paused since .* by @alice \(rollback to [0-9a-f]{7}\)/);

  // The same rollback job again (retried after it finished): no second PR, one history entry.
  await runSync(job, h.deps);
  assert.equal((await gh.octokit.rest.pulls.list({ owner: 'acme', repo: 'rb', state: 'all' })).data.filter((p) => p.title.startsWith('Roll back web')).length, 1);

  // A push changing only api: web stays at A; its check run says paused.
  const c = await h.gh.commit('acme', 'rb', { branch: 'main', files: { 'deploy/api/deployment.yaml': deployment('api', 2) } });
  const r = await syncPushed(c, shas.b);
  assert.deepEqual([r.apps, r.paused], [['api'], ['web']]);
  const run = h.gh.checkRuns('acme', 'rb', { headSha: c, name: 'driftguard / web' })[0];
  assert.equal(run.conclusion, 'neutral');
  assert.match(run.output.title ?? '', /^Auto-sync paused since .* by @alice \(rollback to [0-9a-f]{7}\)$/);
  assert.equal((live('Deployment', 'web')?.spec as { replicas: number }).replicas, 1);

  // Merging the revert PR is a push that changes web: the pause ends and Git (now = A's web) syncs.
  const merged = await h.gh.mergePullRequest('acme', 'rb', pr.number);
  const r2 = await syncPushed(merged, c);
  assert.deepEqual(r2.resumed, ['web']);
  assert.equal(await h.deps.pauses.get(REPO, 'web'), undefined);
  assert.equal(await fileAt('deploy/web/settings.yaml', 'main'), null);

  const history = await h.deps.history.list(REPO, 'web');
  assert.deepEqual(history.filter((e) => e.result === 'synced').map((e) => [e.trigger, e.sha.slice(0, 7)]), [['push', merged.slice(0, 7)], ['rollback', shas.a.slice(0, 7)], ['push', shas.b.slice(0, 7)], ['push', shas.a.slice(0, 7)]]);
  assert.equal(history.find((e) => e.trigger === 'rollback')?.by, 'alice');
  assert.equal(history.filter((e) => e.trigger === 'rollback').length, 1, 'the job run twice recorded once');
  // The CLI reads the same history from Redis.
  const cli = await runCli(['history', 'web', '--output', 'json'], { env: { PATH: process.env.PATH, REDIS_URL: h.redis.url } });
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual((JSON.parse(cli.stdout) as { entries: Array<{ trigger: string; sha: string }> }).entries.filter((e) => e.trigger === 'rollback').map((e) => e.sha), [shas.a]);
  assert.deepEqual(h.gh.responseViolations(), [], 'the git data and pull request answers match GitHub\'s OpenAPI description');
});

test('without the opt-in the reply gives the git commands; /driftguard resume on a PR ends the pause', async () => {
  h.deps.operator = { ...h.deps.operator, rollback: { revertPullRequests: false } };
  const prs = (await gh.octokit.rest.pulls.list({ owner: 'acme', repo: 'rb', state: 'all' })).data.length;
  assert.equal((await command('alice', `/driftguard rollback web ${shas.b.slice(0, 8)}`, { command: 'rollback', app: 'web', target: shas.b.slice(0, 8) })).outcome, 'rollback-queued');
  const [job] = await queuedSyncs((j) => j.trigger === 'rollback');
  assert.equal(job.sha, shas.b, 'a short SHA is resolved');
  assert.equal((await runSync(job, h.deps)).outcome, 'synced');
  assert.equal((live('Deployment', 'web')?.spec as { replicas: number }).replicas, 3);
  const reply = botComments(issue).at(-1)!;
  assert.match(reply, /rollback\.revertPullRequests` is off/);
  assert.ok(reply.includes(`git checkout ${shas.b} -- deploy/web`), reply);
  assert.equal((await gh.octokit.rest.pulls.list({ owner: 'acme', repo: 'rb', state: 'all' })).data.length, prs, 'no PR opened');
  const pause = await h.deps.pauses.get(REPO, 'web');
  assert.deepEqual([pause?.sha, pause?.revertPr], [shas.b, undefined]);

  // Resume from a pull request (any PR of the repository takes commands).
  await h.gh.commit('acme', 'rb', { branch: 'docs', from: 'main', files: { 'README.md': 'docs\n' } });
  const docsPr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'rb', head: 'docs' })).number;
  assert.equal((await command('alice', '/driftguard resume web', { command: 'resume', app: 'web' }, docsPr)).outcome, 'resumed');
  assert.equal(await h.deps.pauses.get(REPO, 'web'), undefined);
  assert.match(botComments(docsPr).at(-1)!, /automated sync of `web` resumed \(it was: Auto-sync paused since/);
  assert.equal((await command('alice', '/driftguard resume web', { command: 'resume', app: 'web' }, docsPr)).outcome, 'not-paused');
});

test('refusals: read-only users, unknown app, unknown SHA, a SHA the app never ran, no earlier revision, PR-only commands on an issue — nothing queued', async () => {
  const never = await h.gh.commit('acme', 'rb', { branch: 'side', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 9) } });
  const cases: Array<[string, string, Partial<CommandJob>, string, RegExp]> = [
    ['reader', '/driftguard rollback web previous', { command: 'rollback', app: 'web', target: 'previous' }, 'denied', /needs \*\*write\*\* access.*you have \*\*read\*\*/],
    ['alice', '/driftguard rollback nope previous', { command: 'rollback', app: 'nope', target: 'previous' }, 'no-app', /there is no app `nope` to roll back \(apps: `web`, `api`, `jobs`\)/],
    ['alice', '/driftguard rollback web deadbeef1', { command: 'rollback', app: 'web', target: 'deadbeef1' }, 'unknown-sha', /no commit `deadbeef1`/],
    ['alice', `/driftguard rollback web ${never}`, { command: 'rollback', app: 'web', target: never }, 'not-in-history', /is not a revision `web` was synced to \(its deploy history goes back to `[0-9a-f]{7}` at /],
    ['alice', '/driftguard resume api', { command: 'resume', app: 'api' }, 'not-paused', /is not paused/],
    ['alice', '/driftguard diff', { command: 'diff' }, 'not-pr', /works on pull requests only/],
  ];
  for (const [sender, body, extra, outcome, reply] of cases) {
    assert.equal((await command(sender, body, extra)).outcome, outcome, body);
    assert.match(botComments(issue).at(-1)!, reply, body);
  }
  // A manual app never synced: no earlier revision in its history.
  assert.equal((await command('alice', '/driftguard rollback jobs previous', { command: 'rollback', app: 'jobs', target: 'previous' })).outcome, 'no-target');
  assert.match(botComments(issue).at(-1)!, /the deploy history of `jobs` holds no successful sync of an earlier revision than the current one \(0 entries kept\)/);
  assert.deepEqual(await queuedSyncs(() => true), [], 'nothing queued by any refusal');
});

test('a rollback target that no longer renders: a clear reply, nothing applied, not paused', async () => {
  h.deps.operator = { ...h.deps.operator, rollback: { revertPullRequests: true } };
  const broken = await h.gh.commit('acme', 'rb', { branch: 'main', files: { 'deploy/web/deployment.yaml': 'kind: [' } });
  // As if it had once rendered and run (an older helm or kustomize): it is in the history, not current.
  await h.deps.history.record(REPO, 'web', { id: 'broken', sha: broken, at: new Date().toISOString(), trigger: 'push', result: 'synced' });
  await h.deps.history.record(REPO, 'web', { id: 'current', sha: shas.b, at: new Date().toISOString(), trigger: 'push', result: 'synced' });
  const syncs = h.cluster.syncCalls.length;
  assert.equal((await command('alice', `/driftguard rollback web ${broken}`, { command: 'rollback', app: 'web', target: broken })).outcome, 'rollback-queued');
  const [job] = await queuedSyncs((j) => j.trigger === 'rollback');
  assert.equal((await runSync(job, h.deps)).outcome, 'failed');
  assert.equal(h.cluster.syncCalls.length, syncs, 'nothing applied');
  assert.equal(await h.deps.pauses.get(REPO, 'web'), undefined);
  assert.match(botComments(issue).at(-1)!, /rollback of `web` to `[0-9a-f]{7}`: this revision no longer renders, so nothing was applied and automated sync was not paused/);
});
