// The two processes wired for real: web (Probot, signed webhooks over HTTP) → Redis/BullMQ →
// workers (startWorkers) → GitHub emulator. Only the cluster is the in-memory fake.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { CONFIG, deployment, service, startHarness, startProcesses, type Harness, type Processes } from './harness.ts';

const SECRET = 'process-test-secret';
let h: Harness;
let p: Processes;

before(async () => {
  h = await startHarness();
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web') } });
  p = await startProcesses(h, SECRET);
});
after(async () => {
  await p.close();
  await h.close();
});

async function until<T>(what: string, f: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('PR opened → plan check run + sticky comment; merge pushed → sync check run success and PR comment', async () => {
  const hook = p.hook;
  await h.gh.commit('acme', 'gitops', { branch: 'scale', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3) } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'scale' });
  const info = await (await h.client()).pull(pr.number);
  const mainBefore = info.baseSha;

  const opened = await emulatorPayload(h.gh, 'pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: pr.number });
  assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: opened, secret: SECRET })).status, 200);

  const plan = await until('plan check run', () => h.gh.checkRuns('acme', 'gitops', { headSha: info.headSha, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  assert.equal(plan.conclusion, 'success');
  const comment = await until('sticky comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->')));
  assert.match(comment.body, /\+0 ~1 −0/);

  const sha = await h.gh.mergePullRequest('acme', 'gitops', pr.number);
  const closed = await emulatorPayload(h.gh, 'pull_request', 'closed', { owner: 'acme', repo: 'gitops', pullNumber: pr.number });
  assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: closed, secret: SECRET })).status, 200);
  const push = await emulatorPayload(h.gh, 'push', undefined, { owner: 'acme', repo: 'gitops', push: { before: mainBefore, after: sha } });
  assert.equal((await sendWebhook(hook, { event: 'push', payload: push, secret: SECRET })).status, 200);

  const synced = await until('sync check run', () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  assert.equal(synced.conclusion, 'success');
  assert.deepEqual(synced.history.map((x) => x.status), ['queued', 'in_progress', 'completed']);
  const note = await until('merged-PR comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('Synced ')));
  assert.match(note.body, new RegExp(`^Synced ${sha.slice(0, 7)} to production/web: 2 created, 0 updated, 0 pruned — Healthy`));
  assert.equal(h.cluster.live.size, 2);
  assert.deepEqual(h.gh.responseViolations(), []);
});
