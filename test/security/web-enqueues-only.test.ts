// The web process only verifies, dedupes and enqueues: however many webhooks arrive, it makes no
// GitHub request of its own (no token exchange, no comment, no reaction), so a flood of comments can
// only become queued jobs, which the workers answer within their limits (command-flood.test.ts).
// Real web process, signed deliveries over HTTP, GitHub emulator as its GHE_HOST, no workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWeb, type WebProcess } from '../../src/web/start.ts';
import { QUEUES } from '../../src/queue/index.ts';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { CONFIG, deployment, startHarness, type Harness } from '../workers/harness.ts';

const SECRET = 'web-only-secret';
let h: Harness;
let web: WebProcess;

before(async () => {
  h = await startHarness();
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web') } });
  web = await startWeb({
    APP_ID: String(h.gh.appId), PRIVATE_KEY: h.gh.privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: h.gh.host, GHE_PROTOCOL: 'http',
    REDIS_URL: h.redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal',
  }, { defaultMetrics: false });
});
after(async () => {
  await web.close();
  await h.close();
});

test('a flood of comment commands and PR events makes no GitHub request from the web process, only jobs', async () => {
  await h.gh.commit('acme', 'gitops', { branch: 'flood', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 3) } });
  const pr = (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'flood' })).number;
  const hook = `${web.url}/api/github/webhooks`;
  const before = h.gh.requests().length;
  const bodies = ['/driftguard diff', '/driftguard sync web --allow-mass-prune', '/driftguard nonsense', 'LGTM'];
  for (let i = 0; i < 40; i++) {
    const payload = await emulatorPayload(h.gh, 'issue_comment', 'created', { owner: 'acme', repo: 'gitops', pullNumber: pr, comment: { body: bodies[i % bodies.length], user: `user${i % 3}` } });
    assert.equal((await sendWebhook(hook, { event: 'issue_comment', payload, secret: SECRET })).status, 200);
  }
  const opened = await emulatorPayload(h.gh, 'pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: pr });
  for (let i = 0; i < 5; i++) assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: opened, secret: SECRET })).status, 200);

  assert.deepEqual(h.gh.requests().slice(before).map((r) => `${r.method} ${r.path}`), [], 'the web process called GitHub');
  const commands = await h.producer.queue(QUEUES.command).getJobs(['waiting']);
  assert.equal(commands.length, 30, 'one job per command comment ("LGTM" is not one)');
  assert.equal((await h.producer.queue(QUEUES.plan).getJobs(['waiting'])).length, 1, 'the same head is planned once');
});
