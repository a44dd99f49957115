import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type SyncJob, type PlanJob } from '../../src/queue/index.ts';
import { appScope, prScope } from '../../src/store/index.ts';
import { runPlan, touchedApps } from '../../workers/plan.ts';
import { runPush } from '../../workers/push.ts';
import { runSync } from '../../workers/sync.ts';
import { runCommand } from '../../workers/command.ts';
import { parseRepoConfig } from '../../src/core/config/index.ts';
import { CONFIG, deployment, service, startHarness, type Harness } from './harness.ts';

let h: Harness;
let seq = 0;
const next = async () => (seq = await h.deps.latest.nextSeq());

before(async () => {
  h = await startHarness();
  await h.gh.addRepo({
    owner: 'acme', name: 'gitops',
    files: {
      '.github/driftguard.yml': CONFIG,
      'deploy/web/deployment.yaml': deployment('web'),
      'deploy/web/service.yaml': service('web'),
      'deploy/api/deployment.yaml': deployment('api'),
      'README.md': '# gitops\n',
    },
  });
});
after(async () => {
  await h.close();
});

async function openPr(branch: string, files: Record<string, string | null>, opts: { fork?: boolean } = {}): Promise<PlanJob> {
  await h.gh.commit('acme', 'gitops', { branch, from: 'main', files });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch });
  return planJobFor(pr.number, opts.fork ?? false);
}

async function planJobFor(number: number, fork = false): Promise<PlanJob> {
  const info = await (await h.client()).pull(number);
  const s = await next();
  await h.deps.latest.offer(prScope('acme/gitops', number), s, info.headSha);
  return { kind: 'plan', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), pr: number, headSha: info.headSha, baseSha: info.baseSha, fork, deliveryId: `d-${s}`, seq: s };
}

const botComments = (pr: number) => h.gh.comments('acme', 'gitops', pr).filter((c) => c.user.endsWith('[bot]'));
const neverPending = () => {
  const pending = h.gh.checkRuns('acme', 'gitops').filter((c) => c.status !== 'completed');
  assert.deepEqual(pending.map((c) => `${c.name}@${c.headSha.slice(0, 7)}: ${c.status}`), []);
};

test('touched apps: files under the app path, helm value files, or the config itself', () => {
  const cfg = parseRepoConfig('.github/driftguard.yml', `${CONFIG}  - name: chart\n    path: charts/x\n    cluster: production\n    namespace: web\n    helm: {valueFiles: [../../env/prod.yaml]}\n`);
  const cases: Array<[string[], string[]]> = [
    [['deploy/web/deployment.yaml'], ['web']],
    [['deploy/webx/a.yaml', 'README.md'], []],
    [['env/prod.yaml'], ['chart']],
    [['.github/driftguard.yml'], ['web', 'api', 'chart']],
  ];
  for (const [files, apps] of cases) assert.deepEqual(touchedApps(cfg, files).map((a) => a.name), apps, files.join(','));
});

test('plan: a check run per touched app and one sticky comment, edited in place on the next push', async () => {
  const job = await openPr('scale-web', { 'deploy/web/deployment.yaml': deployment('web', 3) });
  const r = await runPlan(job, h.deps);
  assert.deepEqual(r, { outcome: 'planned', apps: ['web'] });
  const runs = h.gh.checkRuns('acme', 'gitops', { headSha: job.headSha });
  assert.deepEqual(runs.map((c) => [c.name, c.status, c.conclusion]), [['driftguard / web', 'completed', 'success']]);
  const [comment] = botComments(job.pr);
  assert.match(comment.body, /^<!-- driftguard:plan -->/);
  assert.match(comment.body, /\| web \| production\/web \| \+0 ~1 −0 \|/);
  assert.match(comment.body, /replicas/);
  assert.equal(h.cluster.syncCalls.length, 0, 'a plan never syncs');

  // Drift: the live cluster differs from base; it shows in the drift section.
  h.cluster.live.clear();
  await h.gh.commit('acme', 'gitops', { branch: 'scale-web', files: { 'deploy/web/service.yaml': service('web').replace('port: 80', 'port: 8080') } });
  const job2 = await planJobFor(job.pr);
  assert.notEqual(job2.headSha, job.headSha);
  await runPlan(job2, h.deps);
  const comments = botComments(job.pr);
  assert.equal(comments.length, 1, 'edited, not duplicated');
  assert.match(comments[0].body, /\+0 ~2 −0/);
  assert.match(comments[0].body, /Drift already in the cluster/);
  assert.equal(h.cluster.diffCalls.at(-1)?.mode, 'server');
  neverPending();
});

test('plan: an older head is dropped once a newer one is registered', async () => {
  const job = await openPr('stale', { 'deploy/api/deployment.yaml': deployment('api', 2) });
  await h.deps.latest.offer(prScope('acme/gitops', job.pr), await next(), 'f'.repeat(40));
  assert.equal((await runPlan(job, h.deps)).outcome, 'superseded');
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: job.headSha }).length, 0);
});

test('plan: render errors fail the check run with an annotation at file:line; no comment spam when nothing changes', async () => {
  const job = await openPr('broken', { 'deploy/api/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {a: [\n' });
  await runPlan(job, h.deps);
  const [run] = h.gh.checkRuns('acme', 'gitops', { headSha: job.headSha });
  assert.equal(run.name, 'driftguard / api');
  assert.equal(run.conclusion, 'failure');
  assert.ok(run.annotations.length >= 1);
  assert.equal(run.annotations[0].path, 'deploy/api/deployment.yaml');
  assert.ok(run.annotations[0].start_line >= 4, `line ${run.annotations[0].start_line}`);
  assert.equal(botComments(job.pr).length, 1, 'errors are worth a comment');

  // The live cluster matches base for api: no drift either.
  const { parseManifests } = await import('./manifest.ts');
  await h.cluster.sync({ cluster: undefined as never, app: 'api', namespace: 'api', desired: parseManifests(deployment('api')), prune: true, dryRun: false, timeoutMs: 0 });
  const quiet = await openPr('comment-only', { 'deploy/api/deployment.yaml': `# just a comment\n${deployment('api')}` });
  await runPlan(quiet, h.deps);
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: quiet.headSha })[0].conclusion, 'success');
  assert.equal(botComments(quiet.pr).length, 0, 'nothing changes → no new comment');

  const readme = await openPr('docs', { 'README.md': '# docs\n' });
  assert.equal((await runPlan(readme, h.deps)).outcome, 'no-apps');
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: readme.headSha }).length, 0);
  neverPending();
});

test('plan: an unapproved fork PR reads nothing live, waits for approval, and an approved SHA is planned with a server dry run', async () => {
  const job = await openPr('from-fork', { 'deploy/web/deployment.yaml': deployment('web', 5) }, { fork: true });
  const calls = h.cluster.diffCalls.length;
  await runPlan(job, h.deps);
  assert.equal(h.cluster.diffCalls.length, calls, 'no live read for an unapproved fork');
  assert.match(botComments(job.pr)[0].body, /\*\*Fork pull request, waiting for approval\*\*/);
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: job.headSha, name: 'driftguard / web' })[0].conclusion, 'action_required');

  await h.deps.approvals.approve('acme/gitops', job.pr, { sha: job.headSha, by: 'wendy', at: '2026-01-02T03:04:05.000Z' });
  await runPlan(await planJobFor(job.pr, true), h.deps);
  assert.equal(h.cluster.diffCalls.at(-1)?.mode, 'server');
  assert.match(botComments(job.pr)[0].body, /\*\*Fork pull request, approved\*\* by @wendy for `[0-9a-f]{7}` at 2026-01-02T03:04:05.000Z/);
});

test('plan: a PR that breaks the config gets a failing config check at the line', async () => {
  const job = await openPr('bad-config', { '.github/driftguard.yml': CONFIG.replace('namespace: api', 'namespace: api\n    colour: blue') });
  await runPlan(job, h.deps);
  const cfg = h.gh.checkRuns('acme', 'gitops', { headSha: job.headSha, name: 'driftguard / config' })[0];
  assert.equal(cfg.conclusion, 'failure');
  assert.equal(cfg.annotations[0].path, '.github/driftguard.yml');
  assert.equal(cfg.annotations[0].start_line, 11);
  assert.match(cfg.annotations[0].message, /unknown field "colour"/);
  // Policy still comes from the default branch: both apps planned with the valid config.
  assert.deepEqual(h.gh.checkRuns('acme', 'gitops', { headSha: job.headSha }).map((c) => c.name).sort(), ['driftguard / api', 'driftguard / config', 'driftguard / web']);
});

test('push after merge: queued check run → sync → success, deployment statuses, comment on the merged PR', async () => {
  await h.gh.commit('acme', 'gitops', { branch: 'ship', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2), 'deploy/web/service.yaml': null } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'ship' });
  const sha = await h.gh.mergePullRequest('acme', 'gitops', pr.number);
  h.cluster.live.clear();
  await h.cluster.sync({ cluster: undefined as never, app: 'web', namespace: 'web', desired: [{ object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } } }], prune: false, dryRun: false, timeoutMs: 0 });

  const push = await runPush({ kind: 'push', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: 'push-1', seq: await next() }, h.deps);
  assert.deepEqual(push.apps, ['web'], 'api is not automated');
  const [queued] = h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' });
  assert.equal(queued.status, 'queued');
  const jobs = await h.producer.queue(QUEUES.sync).getJobs(['waiting']);
  const job = jobs.map((j) => j.data as SyncJob).find((j) => j.sha === sha)!;
  assert.equal(job.checkRunId, queued.id);

  const r = await runSync(job, h.deps);
  assert.equal(r.outcome, 'synced');
  const run = h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' })[0];
  assert.deepEqual(run.history.map((x) => x.status), ['queued', 'in_progress', 'completed']);
  assert.equal(run.conclusion, 'success');
  assert.match(run.output.title ?? '', /1 created, 0 updated, 1 pruned/);
  const dep = h.gh.deployments('acme', 'gitops').find((d) => d.sha === sha)!;
  assert.equal(dep.environment, 'web');
  assert.deepEqual(dep.statuses.map((s) => s.state).sort(), ['in_progress', 'success']);
  const synced = botComments(pr.number).map((c) => c.body).join('\n');
  assert.match(synced, new RegExp(`Synced ${sha.slice(0, 7)} to production/web: 1 created, 0 updated, 1 pruned — Healthy`));
  assert.equal(h.cluster.syncCalls.at(-1)?.prune, true);
  neverPending();
});

test('rapid pushes coalesce: the newest SHA syncs, the older ends skipped; a locked app waits', async () => {
  const inst = h.gh.installationId('acme');
  const a = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 4) } });
  const b = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 5) } });
  const seqA = await next();
  const seqB = await next();
  // Fan-outs run out of order: B first, then the late A.
  await runPush({ kind: 'push', repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha: b, defaultBranch: 'main', deliveryId: 'b', seq: seqB }, h.deps);
  const lateA = await runPush({ kind: 'push', repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha: a, defaultBranch: 'main', deliveryId: 'a', seq: seqA }, h.deps);
  assert.deepEqual(lateA.superseded, ['web']);
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: a, name: 'driftguard / web' })[0].conclusion, 'skipped');

  const jobB = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).find((j) => j.sha === b)!;
  // A job for a superseded SHA that is already queued ends as skipped.
  const runA = await (await h.client()).createCheckRun({ name: 'driftguard / web', headSha: a, status: 'queued' });
  assert.equal((await runSync({ ...jobB, sha: a, seq: seqA, checkRunId: runA.id }, h.deps)).outcome, 'skipped');

  const lease = (await h.deps.locks.acquire('acme/gitops', 'web'))!;
  assert.equal((await runSync(jobB, h.deps)).outcome, 'locked');
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: b, name: 'driftguard / web' })[0].status, 'queued');
  await lease.release();
  assert.equal((await runSync(jobB, h.deps)).outcome, 'synced');
  assert.deepEqual(await h.deps.latest.latest(appScope('acme/gitops', 'web')), { seq: seqB, sha: b });
  neverPending();
});

test('sync: a render error fails the check run with annotations and applies nothing', async () => {
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/deployment.yaml': 'kind: Deployment\nmetadata: {name: web}\n' } });
  const calls = h.cluster.syncCalls.length;
  await runPush({ kind: 'push', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: 'bad', seq: await next() }, h.deps);
  const job = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).find((j) => j.sha === sha)!;
  assert.equal((await runSync(job, h.deps)).outcome, 'failed');
  const run = h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' })[0];
  assert.equal(run.conclusion, 'failure');
  assert.equal(run.annotations[0]?.path, 'deploy/web/deployment.yaml');
  assert.equal(h.cluster.syncCalls.length, calls, 'nothing applied');
  neverPending();
});

test('commands: permission checked through the API; help; diff re-plans', async () => {
  const inst = h.gh.installationId('acme');
  const job = await openPr('cmd', { 'deploy/web/deployment.yaml': deployment('web', 7) });
  const cmd = (sender: string, command: 'diff' | 'help' | 'unknown', text: string, commentId: number) =>
    runCommand({ kind: 'command', repo: 'acme/gitops', installationId: inst, pr: job.pr, command, text, commentId, sender, deliveryId: `c${commentId}` }, h.deps);
  h.gh.setPermission('acme', 'gitops', 'reader', 'read');
  h.gh.setPermission('acme', 'gitops', 'writer', 'write');
  assert.deepEqual(await cmd('reader', 'diff', '/driftguard diff', 1), { outcome: 'denied' });
  assert.match(botComments(job.pr).at(-1)!.body, /@reader `\/driftguard diff` needs \*\*write\*\* access to this repository \(you have \*\*read\*\*\)/);
  assert.deepEqual(await cmd('stranger', 'help', '/driftguard help', 2), { outcome: 'denied' });
  assert.deepEqual(await cmd('writer', 'help', '/driftguard help', 3), { outcome: 'helped' });
  assert.match(botComments(job.pr).at(-1)!.body, /\/driftguard diff/);
  assert.deepEqual(await cmd('writer', 'unknown', '/driftguard apply', 4), { outcome: 'unknown' });
  const before = (await h.producer.queue(QUEUES.plan).getJobs(['waiting'])).length;
  assert.deepEqual(await cmd('writer', 'diff', '/driftguard diff', 5), { outcome: 'replanned' });
  await cmd('writer', 'diff', '/driftguard diff', 6);
  const plans = (await h.producer.queue(QUEUES.plan).getJobs(['waiting'])).map((j) => j.data as PlanJob);
  assert.equal(plans.length, before + 2, 'each command re-plans, even the same head');
  assert.equal(plans.find((p) => p.requestedBy === 'writer')?.headSha, job.headSha);
});

test('commands: sync queues a check run and a sync job at the head of the app\'s branch (manual apps too); unknown apps and branches are answered', async () => {
  const inst = h.gh.installationId('acme');
  const job = await openPr('cmd-sync', { 'README.md': '# sync\n' });
  h.gh.setPermission('acme', 'gitops', 'writer', 'write');
  const cmd = (text: string, commentId: number, extra: { app?: string; allowMassPrune?: boolean }) =>
    runCommand({ kind: 'command', repo: 'acme/gitops', installationId: inst, pr: job.pr, command: 'sync', text, commentId, sender: 'writer', deliveryId: `s${commentId}`, ...extra }, h.deps);
  const head = await (await h.client()).resolveRef('main');

  // api has no automated policy: a writer's command syncs it all the same.
  assert.deepEqual(await cmd('/driftguard sync api', 101, { app: 'api' }), { outcome: 'sync-queued' });
  const queued = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).find((j) => j.app === 'api' && j.requestedBy === 'writer')!;
  assert.equal(queued.sha, head);
  assert.equal(queued.requestedOn, job.pr);
  assert.equal(queued.allowMassPrune, undefined, 'the guard stays on without the flag');
  const run = h.gh.checkRuns('acme', 'gitops', { headSha: head, name: 'driftguard / api' }).find((c) => c.id === queued.checkRunId)!;
  assert.equal(run.status, 'queued');
  assert.equal((await runSync(queued, h.deps)).outcome, 'synced');
  assert.equal(h.cluster.syncCalls.at(-1)?.app, 'api');
  assert.equal(h.cluster.syncCalls.at(-1)?.allowMassPrune, false);
  const done = h.gh.checkRuns('acme', 'gitops', { headSha: head, name: 'driftguard / api' }).find((c) => c.id === queued.checkRunId)!;
  assert.match(done.output.summary ?? '', /^Sync requested by @writer on #\d+\./);
  assert.match(botComments(job.pr).at(-1)!.body, /^@writer Synced /);

  assert.deepEqual(await cmd('/driftguard sync nope', 102, { app: 'nope' }), { outcome: 'no-app' });
  assert.match(botComments(job.pr).at(-1)!.body, /there is no app `nope` to sync \(apps: `web`, `api`\)/);

  await h.gh.commit('acme', 'gitops', { branch: 'main', files: { '.github/driftguard.yml': CONFIG.replace('namespace: web\n', 'namespace: web\n    targetRevision: gone\n') } });
  assert.deepEqual(await cmd('/driftguard sync web', 103, { app: 'web' }), { outcome: 'no-branch' });
  assert.match(botComments(job.pr).at(-1)!.body, /app `web` targets branch `gone`, which does not exist/);
  await h.gh.commit('acme', 'gitops', { branch: 'main', files: { '.github/driftguard.yml': CONFIG } });
  // The same answer again within the hour: a reaction, not a second comment.
  const before = botComments(job.pr).length;
  assert.deepEqual(await cmd('/driftguard sync nope', 104, { app: 'nope' }), { outcome: 'reacted' });
  assert.equal(botComments(job.pr).length, before);
  neverPending();
});
