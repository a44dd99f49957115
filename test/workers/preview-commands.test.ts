// `/driftguard preview [<sha>]` and `/driftguard preview delete` in the worker, against the GitHub
// emulator and a real Redis: permission checked through the API; on a fork the command is the
// approval of exactly the head it runs on (pinned SHAs that moved on are refused, approving nothing);
// a preview approval is not a plan approval; the jobs queued are the preview queue's up and down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type CommandJob, type PreviewJob } from '../../src/queue/index.ts';
import { runCommand } from '../../workers/command.ts';
import { deployment, startHarness, type Harness } from './harness.ts';

const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    preview: {enabled: true}
`;

let h: Harness;
let inst: number;
before(async () => {
  h = await startHarness();
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web') } });
  await h.gh.addRepo({ owner: 'acme', name: 'plain', files: { '.github/driftguard.yml': CONFIG.replace('    preview: {enabled: true}\n', ''), 'deploy/web/deployment.yaml': deployment('web') } });
  inst = h.gh.installationId('acme');
  h.gh.setPermission('acme', 'gitops', 'wendy', 'write');
  h.gh.setPermission('acme', 'gitops', 'mallory', 'read');
  h.gh.setPermission('acme', 'plain', 'wendy', 'write');
});
after(() => h.close());

/** The command comment is posted (so reactions land on it), then the command job runs. */
async function cmd(pr: number, sender: string, command: CommandJob['command'], extra: Partial<CommandJob> = {}, repo = 'acme/gitops') {
  const commentId = await (await h.client()).octokit.rest.issues.createComment({ owner: 'acme', repo: repo.split('/')[1], issue_number: pr, body: '/driftguard preview' }).then((r) => r.data.id);
  return runCommand({ kind: 'command', repo, installationId: inst, pr, command, text: '/driftguard preview', commentId, sender, deliveryId: `d${commentId}`, ...extra }, h.deps);
}
const previewJobs = async (pr: number) => (await h.producer.queue(QUEUES.preview).getJobs(['waiting', 'delayed'])).map((j) => j.data as PreviewJob).filter((j) => j.pr === pr);
const lastReply = (pr: number, repo = 'gitops') => h.gh.comments('acme', repo, pr).filter((c) => c.body.startsWith('@')).at(-1)?.body ?? '';

test('preview on a same-repository PR queues an up job at its head; delete queues a down job; readers are refused', async () => {
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'feature', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2) } });
  const pr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'feature' })).number;

  assert.deepEqual(await cmd(pr, 'mallory', 'preview'), { outcome: 'denied' });
  assert.match(lastReply(pr), /@mallory `\/driftguard preview` needs \*\*write\*\* access/);
  assert.deepEqual(await cmd(pr, 'mallory', 'preview-delete'), { outcome: 'reacted' }, 'a second refusal: a reaction only');
  assert.deepEqual(await previewJobs(pr), [], 'nothing queued for a reader');

  assert.deepEqual(await cmd(pr, 'wendy', 'preview'), { outcome: 'preview-queued' });
  const [up] = await previewJobs(pr);
  assert.deepEqual([up.action, up.headSha, up.requestedBy, up.app], ['up', sha, 'wendy', undefined]);
  assert.equal((await h.deps.latest.latest(`pr:acme/gitops:${pr}`))?.sha, sha, 'registered as the PR\'s newest head');
  assert.equal(await h.deps.approvals.get('acme/gitops', pr, sha, 'preview'), undefined, 'a same-repository PR needs no approval');

  assert.deepEqual(await cmd(pr, 'wendy', 'preview-delete'), { outcome: 'preview-delete-queued' });
  const down = (await previewJobs(pr)).find((j) => j.action === 'down')!;
  assert.deepEqual([down.reason, down.requestedBy], ['command', 'wendy']);
  assert.deepEqual(h.gh.comments('acme', 'gitops', pr).flatMap((c) => c.reactions.map((r) => r.content)), ['-1', 'rocket', 'rocket']);
});

test('on a fork the command approves exactly the head it runs on; a pinned SHA that moved on approves nothing', async () => {
  const first = await h.gh.commit('acme', 'gitops', { branch: 'contrib', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3) } });
  const pr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'contrib', headRepo: 'mallory/gitops', user: 'mallory' })).number;

  assert.deepEqual(await cmd(pr, 'mallory', 'preview'), { outcome: 'denied' }, 'the fork\'s author cannot approve their own code');
  assert.equal(await h.deps.approvals.latest('acme/gitops', pr, 'preview'), undefined);

  const second = await h.gh.commit('acme', 'gitops', { branch: 'contrib', files: { 'deploy/web/deployment.yaml': deployment('web', 4) } });
  assert.deepEqual(await cmd(pr, 'wendy', 'preview', { sha: first }), { outcome: 'stale-sha' });
  assert.ok(lastReply(pr).includes(`names a commit that is not the head of this pull request any more (the head is now \`${second.slice(0, 7)}\`): nothing was approved or deployed`), lastReply(pr));
  assert.equal(await h.deps.approvals.latest('acme/gitops', pr, 'preview'), undefined);
  assert.deepEqual(await previewJobs(pr), []);

  assert.deepEqual(await cmd(pr, 'wendy', 'preview', { sha: second }), { outcome: 'preview-queued' });
  const approval = await h.deps.approvals.get('acme/gitops', pr, second, 'preview');
  assert.equal(approval?.by, 'wendy');
  assert.equal(await h.deps.approvals.get('acme/gitops', pr, second), undefined, 'not a plan approval');
  assert.equal(await h.deps.approvals.get('acme/gitops', pr, first, 'preview'), undefined);
  assert.deepEqual((await previewJobs(pr)).map((j) => [j.action, j.headSha]), [['up', second]]);
});

test('no preview for a closed PR or a repository without previews', async () => {
  await h.gh.commit('acme', 'plain', { branch: 'f', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2) } });
  const plain = (await h.gh.addPullRequest({ owner: 'acme', repo: 'plain', head: 'f' })).number;
  assert.deepEqual(await cmd(plain, 'wendy', 'preview', {}, 'acme/plain'), { outcome: 'no-preview' });
  assert.match(lastReply(plain, 'plain'), /this repository has no previews \(no app in \.github\/driftguard\.yml on main has `preview:` enabled\)/);

  await h.gh.commit('acme', 'gitops', { branch: 'done', from: 'main', files: { 'README.md': 'x\n' } });
  const closed = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'done', state: 'closed' })).number;
  assert.deepEqual(await cmd(closed, 'wendy', 'preview'), { outcome: 'closed' });
  assert.deepEqual(await previewJobs(closed), []);
  // Deleting is always allowed: a closed PR's leftovers can be taken down by hand.
  assert.deepEqual(await cmd(closed, 'wendy', 'preview-delete'), { outcome: 'preview-delete-queued' });
  assert.deepEqual((await previewJobs(closed)).map((j) => j.action), ['down']);
});
