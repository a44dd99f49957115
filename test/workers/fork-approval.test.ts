// Fork pull requests end to end: signed @octokit/webhooks-examples payloads (head.repo another
// repository) → web process → Redis/BullMQ → workers → real renderer, kube adapter against the
// Kubernetes emulator, reported to the GitHub emulator. A fork's head is planned without a single
// request to the Kubernetes API and its check run ends action_required; a reader's and a bot's
// `/driftguard approve` are refused with a reply and change nothing; a writer's approval re-plans that
// SHA with a server-side dry run and the comment records who, which SHA and when; a new push is
// blocked again until a new approval; a retried approval job posts nothing twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEmulator } from '../../emulators/kube/index.ts';
import { QUEUES, type CommandJob } from '../../src/queue/index.ts';
import { runCommand } from '../../workers/command.ts';
import { withOwnership } from '../../src/core/ownership.ts';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { CONFIG, deployment, service, startHarness, startProcesses, startProductionCluster, until, type Harness, type Processes } from './harness.ts';

const SECRET = 'fork-secret';
let h: Harness;
let kube: KubeEmulator;
let p: Processes;

before(async () => {
  h = await startHarness();
  let operatorFile: string;
  ({ kube, operatorFile } = await startProductionCluster(h));
  // Live drift (2 replicas where main says 1): an approved plan's server-side dry run has something to patch.
  kube.putObject(withOwnership({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
  }, 'web'));
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web') } });
  p = await startProcesses(h, SECRET, { realCluster: true, env: { DRIFTGUARD_CONFIG: operatorFile } });
});
after(async () => {
  await p.close();
  await kube.close();
  await h.close();
});

async function pullEvent(pr: number, action: 'opened' | 'synchronize'): Promise<void> {
  const payload = await emulatorPayload(h.gh, 'pull_request', action, { owner: 'acme', repo: 'gitops', pullNumber: pr, sender: 'mallory' });
  assert.equal(payload.pull_request.head.repo.full_name, 'mallory/gitops');
  assert.notEqual(payload.pull_request.head.repo.id, payload.pull_request.base.repo.id);
  assert.equal((await sendWebhook(p.hook, { event: 'pull_request', payload, secret: SECRET })).status, 200);
}

async function comment(pr: number, user: string, body: string, overrides?: Record<string, unknown>): Promise<number> {
  const payload = await emulatorPayload(h.gh, 'issue_comment', 'created', { owner: 'acme', repo: 'gitops', pullNumber: pr, comment: { body, user }, ...(overrides ? { overrides } : {}) });
  assert.equal((await sendWebhook(p.hook, { event: 'issue_comment', payload, secret: SECRET })).status, 200);
  return payload.comment.id as number;
}

/** The n-th completed `driftguard / web` run on sha, in creation order. */
const completedRun = (sha: string, n: number) =>
  until(`check run #${n} on ${sha.slice(0, 7)}`, () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' }).filter((c) => c.status === 'completed')[n - 1]);
const sticky = (pr: number) => h.gh.comments('acme', 'gitops', pr).find((c) => c.body.startsWith('<!-- driftguard:plan -->'));
const planJobs = async (pr: number) => (await h.producer.queue(QUEUES.plan).getJobs(['completed', 'failed', 'delayed', 'waiting', 'active'])).filter((j) => j.data.pr === pr);


test('a fork PR waits for a writer to approve its head SHA; readers and bots are refused; a new push needs a new approval', async () => {
  await h.gh.commit('acme', 'gitops', { branch: 'contrib', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3) } });
  const pr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'contrib', headRepo: 'mallory/gitops', user: 'mallory' })).number;
  const first = (await (await h.client()).pull(pr)).headSha;

  // Opened: planned offline, not one request to the Kubernetes API (not even discovery).
  kube.counters.reset();
  await pullEvent(pr, 'opened');
  const blocked = await completedRun(first, 1);
  assert.equal(blocked.conclusion, 'action_required');
  assert.match(blocked.output.title ?? '', /^Approval needed \(fork\): /);
  assert.match(blocked.output.summary ?? '', /comment `\/driftguard approve`/);
  const waiting = await until('the plan comment', () => sticky(pr));
  assert.match(waiting.body, /\*\*Fork pull request, waiting for approval\*\*: `[0-9a-f]{7}` was planned without any request to the cluster/);
  assert.match(waiting.body, /replicas: 3/, 'the plan still shows what the fork changes');
  assert.ok(waiting.body.includes(`\`/driftguard approve ${first}\``), 'the comment offers the SHA-pinned command');
  assert.deepEqual(kube.counters.snapshot(), {}, 'no request to the Kubernetes API for a fork plan');

  // A reader and a bot are told what is needed; nothing is approved, re-planned or sent to the cluster.
  h.gh.setPermission('acme', 'gitops', 'mallory', 'read');
  await comment(pr, 'mallory', '/driftguard approve');
  const refused = await until('the refusal', () => h.gh.comments('acme', 'gitops', pr).find((c) => c.body.startsWith('@mallory')));
  assert.match(refused.body, /`\/driftguard approve` needs \*\*write\*\*, \*\*maintain\*\* or \*\*admin\*\* permission on this repository \(you have \*\*read\*\*\)/);
  await comment(pr, 'helper[bot]', '/driftguard approve', { sender: { type: 'Bot' } });
  const bot = await until('the bot refusal', () => h.gh.comments('acme', 'gitops', pr).find((c) => c.body.startsWith('@helper[bot]')));
  assert.match(bot.body, /is not taken from bots: a person with \*\*write\*\*, \*\*maintain\*\* or \*\*admin\*\* permission/);
  assert.equal((await planJobs(pr)).length, 1, 'no re-plan');
  assert.deepEqual(h.gh.checkRuns('acme', 'gitops', { headSha: first, name: 'driftguard / web' }).map((c) => c.conclusion), ['action_required']);
  assert.deepEqual(kube.counters.snapshot(), {});
  assert.equal(await h.deps.approvals.get('acme/gitops', pr, first), undefined);

  // A writer approves: that SHA is planned against the cluster with a server-side dry run, nothing applied.
  h.gh.setPermission('acme', 'gitops', 'wendy', 'write');
  const approveId = await comment(pr, 'wendy', '/driftguard approve');
  const planned = await completedRun(first, 2);
  assert.equal(planned.conclusion, 'success', `${planned.output.title}\n${planned.output.summary}`);
  assert.ok(kube.counters.get('patch', 'deployments') > 0, `server-side dry run: ${JSON.stringify(kube.counters.snapshot())}`);
  assert.equal((kube.getObject('apps/v1', 'Deployment', 'web', 'web')?.spec as { replicas: number }).replicas, 2, 'a dry run only');
  const approval = (await h.deps.approvals.get('acme/gitops', pr, first))!;
  assert.equal(approval.by, 'wendy');
  const approved = await until('the approval in the comment', () => sticky(pr)?.body.includes('approved**') && sticky(pr));
  assert.ok(approved.body.includes(`**Fork pull request, approved** by @wendy for \`${first.slice(0, 7)}\` at ${approval.at}`), approved.body);
  assert.match(approved.body, /A new push needs a new approval\./);
  assert.deepEqual(h.gh.comments('acme', 'gitops', pr).find((c) => c.id === approveId)?.reactions.map((r) => r.content), ['rocket']);

  // A new push: blocked again, offline, and the comment says the earlier approval does not carry over.
  const second = await h.gh.commit('acme', 'gitops', { branch: 'contrib', files: { 'deploy/web/deployment.yaml': deployment('web', 4) } });
  kube.counters.reset();
  await pullEvent(pr, 'synchronize');
  const again = await completedRun(second, 1);
  assert.equal(again.conclusion, 'action_required');
  const reblocked = await until('the re-blocked comment', () => sticky(pr)?.body.includes('waiting for approval') && sticky(pr));
  assert.ok(reblocked.body.includes(`@wendy approved \`${first.slice(0, 7)}\` at ${approval.at}; the push of \`${second.slice(0, 7)}\` needs a new approval.`), reblocked.body);
  assert.deepEqual(kube.counters.snapshot(), {});
  assert.equal(await h.deps.approvals.get('acme/gitops', pr, second), undefined);

  // An approval pinned to the commit the approver reviewed does not carry over to the new head either.
  await comment(pr, 'wendy', `/driftguard approve ${first}`);
  const stale = await until('the stale-SHA reply', () => h.gh.comments('acme', 'gitops', pr).find((c) => c.body.startsWith('@wendy')));
  assert.ok(stale.body.includes(`names a commit that is not the head of this pull request any more (the head is now \`${second.slice(0, 7)}\`): nothing was approved`), stale.body);
  assert.equal(await h.deps.approvals.get('acme/gitops', pr, second), undefined);
  assert.deepEqual(h.gh.checkRuns('acme', 'gitops', { headSha: second, name: 'driftguard / web' }).map((c) => c.conclusion), ['action_required']);
  // Pinned to the current head: approved.
  await comment(pr, 'wendy', `/driftguard approve ${second.slice(0, 12)}`);
  assert.equal((await completedRun(second, 2)).conclusion, 'success');
  assert.equal((await h.deps.approvals.get('acme/gitops', pr, second))?.by, 'wendy');
  assert.deepEqual(h.gh.responseViolations(), []);
});

test('a retried approval job records the first approval and posts nothing twice', async () => {
  await h.gh.commit('acme', 'gitops', { branch: 'contrib2', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 6) } });
  const pr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'contrib2', headRepo: 'mallory/gitops', user: 'mallory' })).number;
  const sha = (await (await h.client()).pull(pr)).headSha;
  await pullEvent(pr, 'opened');
  assert.equal((await completedRun(sha, 1)).conclusion, 'action_required');
  await until('the plan comment', () => sticky(pr));

  // The same command job run twice (a worker died after approving), through the worker's own function.
  h.gh.setPermission('acme', 'gitops', 'wendy', 'write');
  const commentId = 987654;
  const job: CommandJob = { kind: 'command', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), pr, command: 'approve', text: '/driftguard approve', commentId, sender: 'wendy', deliveryId: 'retry' };
  h.gh.state.comments.push({ repoKey: 'acme/gitops', issueNumber: pr, id: commentId, body: '/driftguard approve', user: 'wendy', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', reactions: [] });
  const deps = p.workers.deps;
  assert.equal((await runCommand(job, deps)).outcome, 'approved');
  const firstApproval = await deps.approvals.get('acme/gitops', pr, sha);
  assert.equal((await runCommand(job, deps)).outcome, 'approved');
  assert.deepEqual(await deps.approvals.get('acme/gitops', pr, sha), firstApproval, 'the first who and when are kept');

  await completedRun(sha, 2);
  await until('the approval in the comment', () => sticky(pr)?.body.includes('approved**'));
  assert.equal((await planJobs(pr)).length, 2, 'the opened plan and one approved re-plan');
  const bot = h.gh.comments('acme', 'gitops', pr).filter((c) => c.user.endsWith('[bot]'));
  assert.equal(bot.length, 1, bot.map((c) => c.body.slice(0, 80)).join('\n'));
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' }).length, 2);
});
