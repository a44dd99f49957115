// Anyone who can comment on a public repository can send `/driftguard ...` commands. A flood of
// refused commands must not make the app post without limit: per user and PR one reply, then only a
// reaction (which notifies nobody); a cap per PR for many accounts; bots get nothing at all; replies
// never quote the comment. Real web process (signed webhooks over HTTP) → Redis/BullMQ → workers →
// the GitHub emulator (every request validated against GitHub's OpenAPI description).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../src/queue/index.ts';
import { DEFAULT_REPLIES_PER_PR } from '../../src/store/index.ts';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { CONFIG, deployment, startHarness, startProcesses, type Harness, type Processes } from '../workers/harness.ts';

const SECRET = 'command-flood-secret';
let h: Harness;
let p: Processes;

before(async () => {
  h = await startHarness();
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web') } });
  p = await startProcesses(h, SECRET);
});
after(async () => {
  await p.close();
  await h.close();
});

async function openPr(branch: string): Promise<number> {
  await h.gh.commit('acme', 'gitops', { branch, from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2) } });
  return (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch })).number;
}

/** Post a comment as `user` and deliver its signed issue_comment webhook; the comment id. */
async function say(pr: number, user: string, body: string): Promise<number> {
  const payload = await emulatorPayload(h.gh, 'issue_comment', 'created', { owner: 'acme', repo: 'gitops', pullNumber: pr, comment: { body, user } });
  const r = await sendWebhook(p.hook, { event: 'issue_comment', payload, secret: SECRET });
  assert.equal(r.status, 200, r.body);
  return payload.comment.id as number;
}

/** Wait until every command job has run (completed or failed), then a little state to assert on. */
async function settled(): Promise<void> {
  const q = h.producer.queue(QUEUES.command);
  for (let i = 0; i < 1200; i++) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(c).every((n) => n === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('command jobs did not finish');
}

const bot = () => `${h.gh.state.app.slug}[bot]`;
const botComments = (pr: number) => h.gh.comments('acme', 'gitops', pr).filter((c) => c.user === bot());
const reactionsOn = (ids: number[]) => h.gh.comments('acme', 'gitops').filter((c) => ids.includes(c.id)).flatMap((c) => c.reactions.filter((r) => r.user === bot()).map((r) => ({ id: c.id, content: r.content })));

test('20 refused commands from a user without access: 1 reply, then 19 reactions; nothing quoted', async () => {
  const pr = await openPr('flood');
  const commands = [
    '/driftguard diff @acme/everyone <img src=x onerror=alert(1)> [click](https://evil.example)',
    '/driftguard sync web --allow-mass-prune',
    '/driftguard apply',
    '/driftguard help',
  ];
  const ids: number[] = [];
  for (let i = 0; i < 20; i++) ids.push(await say(pr, 'mallory', commands[i % commands.length]));
  await settled();

  const replies = botComments(pr);
  assert.equal(replies.length, 1, replies.map((c) => c.body).join('\n---\n'));
  assert.match(replies[0].body, /^@mallory `\/driftguard diff` needs \*\*write\*\* access to this repository \(you have no access\)/);
  for (const echoed of ['@acme/everyone', '<img', 'evil.example']) assert.ok(!replies[0].body.includes(echoed), `reply quotes ${echoed}`);

  const reactions = reactionsOn(ids);
  assert.equal(reactions.length, 19);
  assert.deepEqual(new Set(reactions.map((r) => r.content)), new Set(['-1']));
  assert.equal(new Set(reactions.map((r) => r.id)).size, 19, 'one reaction on each later comment');
  assert.ok(!reactions.some((r) => r.id === ids[0]), 'the first comment got the reply, not a reaction');
  assert.deepEqual(h.gh.responseViolations(), []);

  // Per user and PR: someone else gets their own one reply; mallory on another PR too.
  h.gh.setPermission('acme', 'gitops', 'rita', 'read');
  for (let i = 0; i < 3; i++) await say(pr, 'rita', '/driftguard diff');
  const other = await openPr('flood-2');
  for (let i = 0; i < 3; i++) await say(other, 'mallory', '/driftguard diff');
  await settled();
  assert.equal(botComments(pr).length, 2);
  assert.match(botComments(pr)[1].body, /^@rita .* \(you have \*\*read\*\*\)/);
  assert.equal(botComments(other).length, 1);
});

test('many accounts on one PR: replies stop at the per-PR cap, the rest get reactions', async () => {
  const pr = await openPr('sockpuppets');
  const n = DEFAULT_REPLIES_PER_PR + 5;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await say(pr, `puppet${i}`, '/driftguard diff'));
  await settled();
  assert.equal(botComments(pr).length, DEFAULT_REPLIES_PER_PR);
  assert.equal(reactionsOn(ids).length, 5);
});

test('writers too: help and unknown commands are answered once per window, then with a reaction', async () => {
  const pr = await openPr('writer-help');
  h.gh.setPermission('acme', 'gitops', 'wendy', 'write');
  const ids: number[] = [];
  for (let i = 0; i < 4; i++) ids.push(await say(pr, 'wendy', '/driftguard help'));
  for (let i = 0; i < 3; i++) ids.push(await say(pr, 'wendy', '/driftguard frobnicate'));
  await settled();
  const replies = botComments(pr);
  assert.equal(replies.length, 2, replies.map((c) => c.body).join('\n---\n'));
  assert.match(replies[0].body, /^\*\*Driftguard commands\*\*/);
  assert.match(replies[1].body, /^@wendy Driftguard does not know this command\./);
  assert.ok(!replies[1].body.includes('frobnicate'), 'the unknown command is not quoted back');
  assert.deepEqual(reactionsOn(ids).map((r) => r.content).sort(), ['confused', 'confused', 'eyes', 'eyes', 'eyes']);
});

test('comments by bots start no job: no reply, no reaction', async () => {
  const pr = await openPr('bots');
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push(await say(pr, 'renovate[bot]', '/driftguard diff'));
  await settled();
  assert.equal(botComments(pr).length, 0);
  assert.equal(reactionsOn(ids).length, 0);
  assert.equal((await h.producer.queue(QUEUES.command).getJobs(['completed', 'failed'])).filter((j) => (j.data as { pr: number }).pr === pr).length, 0);
});
