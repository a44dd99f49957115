// GitHub's limits end to end: the real web and worker processes (in-process) against the GitHub
// emulator enforcing the secondary limit (test-scaled: 40 writes per 1 s instead of 80 per 60 s) and
// the primary limit (a small budget per short window); the cluster is the harness's in-memory fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { deployment } from './harness.ts';
import { SECRET, until, configMap, monorepo, start, refused } from './github-limits-setup.ts';

test('a secondary-limit 403 with retry-after is honoured and the plan still finishes its check run and comment', async () => {
  const files = { '.github/driftguard.yml': 'apps:\n  - name: web\n    path: deploy/web\n    cluster: production\n    namespace: web\n', 'deploy/web/deployment.yaml': deployment('web') };
  const { h, p } = await start({}, files, {});
  await h.gh.commit('acme', 'gitops', { branch: 'scale', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3) } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'scale' });
  const head = (await (await h.client()).pull(pr.number)).headSha;
  // Every check-run update is refused twice, as GitHub does when a secondary limit trips.
  h.gh.injectFault({ operationId: 'checks/update', kind: 'secondary', retryAfter: 1, times: 2 });
  h.gh.injectFault({ operationId: 'issues/create-comment', kind: 'secondary', retryAfter: 1, times: 1 });
  const opened = await emulatorPayload(h.gh, 'pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: pr.number });
  assert.equal((await sendWebhook(p.hook, { event: 'pull_request', payload: opened, secret: SECRET })).status, 200);
  const run = await until('plan run completed', () => h.gh.checkRuns('acme', 'gitops', { headSha: head, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  assert.equal(run.conclusion, 'success');
  await until('sticky comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->')));
  const updates = h.gh.requests({ operationId: 'checks/update' });
  assert.deepEqual(updates.slice(0, 3).map((r) => r.status), [403, 403, 200], 'refused twice, then sent again');
  assert.ok(Date.parse(updates[2].at) - Date.parse(updates[1].at) >= 950, 'sent again only after retry-after');
  assert.equal(h.gh.comments('acme', 'gitops', pr.number).length, 1, 'the refused comment was not duplicated');
});

test('primary limit near zero: the plan waits for the reset and says so, instead of failing', async () => {
  const files = { '.github/driftguard.yml': 'apps:\n  - name: web\n    path: deploy/web\n    cluster: production\n    namespace: web\n', 'deploy/web/deployment.yaml': deployment('web') };
  // 6 requests per 6 s window, 2 kept in reserve: the plan needs more than 4 before it completes its run.
  const { h, p } = await start({ rateLimit: 6, rateWindowMs: 6_000 }, files, { DRIFTGUARD_GITHUB_RESERVE: '2' });
  const head = await h.gh.commit('acme', 'gitops', { branch: 'scale', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3) } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'scale' });
  const opened = await emulatorPayload(h.gh, 'pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: pr.number });
  assert.equal((await sendWebhook(p.hook, { event: 'pull_request', payload: opened, secret: SECRET })).status, 200);
  const run = await until('plan run completed', () => h.gh.checkRuns('acme', 'gitops', { headSha: head, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  assert.equal(run.conclusion, 'success');
  assert.match(run.output?.summary ?? '', /Driftguard waited \d+ s for GitHub's rate limit to reset/);
  await until('sticky comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->')));
  assert.deepEqual(refused(h).map((r) => `${r.method} ${r.path}`), [], 'the budget ran low but never out');
});

test('threshold: above github.aggregateAbove one aggregated run per push, at or below it one run per app', async () => {
  const { h, p } = await start({}, monorepo(4, true), {}, 'github: {aggregateAbove: 3}\n');
  const first = await (await h.client()).resolveRef('main');
  const push1 = await emulatorPayload(h.gh, 'push', undefined, { owner: 'acme', repo: 'gitops', push: { before: '0'.repeat(40), after: first } });
  assert.equal((await sendWebhook(p.hook, { event: 'push', payload: push1, secret: SECRET })).status, 200);
  const agg = await until('aggregated run', () => h.gh.checkRuns('acme', 'gitops', { headSha: first, name: 'driftguard' }).find((c) => c.status === 'completed'));
  assert.equal(agg.conclusion, 'success');
  assert.equal(h.gh.checkRuns('acme', 'gitops', { headSha: first }).length, 1);
  // Three apps changed: at the threshold, each gets its own run.
  const second = await h.gh.commit('acme', 'gitops', { message: 'v2', files: Object.fromEntries([0, 1, 2].map((i) => [`deploy/app-${i}/cm.yaml`, configMap(`cm-${i}`, 'v2')])) });
  const push2 = await emulatorPayload(h.gh, 'push', undefined, { owner: 'acme', repo: 'gitops', push: { before: first, after: second } });
  assert.equal((await sendWebhook(p.hook, { event: 'push', payload: push2, secret: SECRET })).status, 200);
  const runs = await until('three per-app runs', () => {
    const done = h.gh.checkRuns('acme', 'gitops', { headSha: second }).filter((c) => c.status === 'completed');
    return done.length >= 3 && done;
  });
  assert.deepEqual(runs.map((r) => r.name).sort(), ['driftguard / app-0', 'driftguard / app-1', 'driftguard / app-2']);
});
