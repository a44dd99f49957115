import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RedisServer } from '../support/redis.ts';
import { startWeb, type WebProcess } from '../../src/web/start.ts';
import { JobProducer, QUEUES, queueConnection, type PlanJob, type PushJob, type CommandJob, type PreviewJob } from '../../src/queue/index.ts';
import { payloadFor, sendWebhook } from '../support/webhooks.ts';
import { generateAppPrivateKey } from '../../emulators/github/jwt.ts';
import { LatestShaRegister, createRedis, prScope } from '../../src/store/index.ts';

const SECRET = 'It\'s a Secret to Everybody';
let redis: RedisServer;
let web: WebProcess;
let queues: JobProducer;
let hook: string;

before(async () => {
  redis = await RedisServer.start();
  web = await startWeb({
    APP_ID: '123', PRIVATE_KEY: generateAppPrivateKey(), WEBHOOK_SECRET: SECRET, REDIS_URL: redis.url,
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal',
  }, { defaultMetrics: false });
  hook = `${web.url}/api/github/webhooks`;
  queues = new JobProducer(queueConnection(redis.url));
});
after(async () => {
  await queues.close();
  await web.close();
  await redis.stop();
});

const jobsIn = async (q: keyof typeof QUEUES) => queues.queue(QUEUES[q]).getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);

test('pull_request.opened → one plan job; the same delivery again → still one job', async () => {
  const payload = payloadFor('pull_request', 'opened');
  const deliveryId = randomUUID();
  const r1 = await sendWebhook(hook, { event: 'pull_request', payload, secret: SECRET, deliveryId });
  assert.equal(r1.status, 200);
  const r2 = await sendWebhook(hook, { event: 'pull_request', payload, secret: SECRET, deliveryId });
  assert.equal(r2.status, 200);
  const jobs = await jobsIn('plan');
  assert.equal(jobs.length, 1);
  const data = jobs[0].data as PlanJob;
  assert.equal(data.kind, 'plan');
  assert.equal(data.repo, payload.repository.full_name);
  assert.equal(data.pr, payload.pull_request.number);
  assert.equal(data.headSha, payload.pull_request.head.sha);
  assert.equal(data.baseSha, payload.pull_request.base.sha);
  assert.equal(data.installationId, payload.installation.id);
  assert.equal(data.deliveryId, deliveryId);
  assert.equal(typeof data.seq, 'number');
});

test('bad signature → 401 and nothing queued', async () => {
  const before = (await jobsIn('plan')).length;
  const payload = payloadFor('pull_request', 'synchronize');
  for (const signature of ['sha256=' + '0'.repeat(64), 'garbage']) {
    const r = await sendWebhook(hook, { event: 'pull_request', payload, secret: SECRET, signature });
    assert.equal(r.status, 401);
  }
  const wrongSecret = await sendWebhook(hook, { event: 'pull_request', payload, secret: 'not the secret' });
  assert.equal(wrongSecret.status, 401);
  assert.equal((await jobsIn('plan')).length, before);
});

test('events are routed to the right queue or ignored quietly', async () => {
  const cases: Array<{ event: string; payload: Record<string, any>; queue?: keyof typeof QUEUES }> = [
    { event: 'push', payload: payloadFor('push', undefined, { ref: 'refs/heads/master', deleted: false, after: 'e'.repeat(40) }), queue: 'push' },
    { event: 'push', payload: payloadFor('push', undefined, { ref: 'refs/tags/v1.0.0' }) },
    { event: 'push', payload: payloadFor('push', undefined, { ref: 'refs/heads/gone', deleted: true, after: '0'.repeat(40) }) },
    { event: 'star', payload: { action: 'created', repository: { full_name: 'acme/web' }, installation: { id: 1 } } },
    { event: 'pull_request', payload: payloadFor('pull_request', 'labeled') },
    { event: 'issue_comment', payload: commentPayload('LGTM') },
    { event: 'issue_comment', payload: commentPayload('/driftguard diff'), queue: 'command' },
  ];
  for (const c of cases) {
    const counts: Record<keyof typeof QUEUES, number> = { plan: 0, push: 0, sync: 0, command: 0, preview: 0, previewSweep: 0, drift: 0 };
    for (const q of Object.keys(counts) as Array<keyof typeof QUEUES>) counts[q] = (await jobsIn(q)).length;
    const r = await sendWebhook(hook, { event: c.event, payload: c.payload, secret: SECRET });
    assert.equal(r.status, 200, `${c.event}.${c.payload.action}`);
    for (const q of Object.keys(counts) as Array<keyof typeof QUEUES>) {
      assert.equal((await jobsIn(q)).length, counts[q] + (q === c.queue ? 1 : 0), `${c.event} ${c.payload.ref ?? c.payload.action} → ${q}`);
    }
  }
  const push = (await jobsIn('push'))[0].data as PushJob;
  assert.equal(push.ref, 'refs/heads/master');
  assert.equal(push.defaultBranch, 'master');
  const cmd = (await jobsIn('command'))[0].data as CommandJob;
  assert.equal(cmd.command, 'diff');
  assert.equal(cmd.text, '/driftguard diff');
});

test('health and metrics endpoints', async () => {
  const h = await fetch(`${web.url}/healthz`);
  assert.equal(h.status, 200);
  assert.deepEqual(await h.json(), { status: 'ok' });
  const m = await (await fetch(`${web.url}/metrics`)).text();
  assert.match(m, /driftguard_webhooks_total\{event="pull_request",outcome="enqueued"\} 1/);
  assert.match(m, /driftguard_webhooks_total\{event="pull_request",outcome="duplicate"\} 1/);
  assert.match(m, /driftguard_webhooks_total\{event="pull_request",outcome="rejected"\} 3/);
});

test('pull_request.closed → the queued plan of that PR is removed and any plan still running is superseded', async () => {
  const redisClient = createRedis(redis.url);
  try {
    const latest = new LatestShaRegister(redisClient);
    const opened = payloadFor('pull_request', 'synchronize', { number: 77, pull_request: { number: 77, head: { sha: 'c'.repeat(40) } } });
    const other = payloadFor('pull_request', 'opened', { number: 78, pull_request: { number: 78, head: { sha: 'd'.repeat(40) } } });
    for (const p of [opened, other]) assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: p, secret: SECRET })).status, 200);
    const plans = async () => (await jobsIn('plan')).map((j) => j.data as PlanJob).filter((j) => j.pr === 77 || j.pr === 78).map((j) => j.pr).sort();
    assert.deepEqual(await plans(), [77, 78]);
    const queued = (await jobsIn('plan')).map((j) => j.data as PlanJob).find((j) => j.pr === 77)!;
    assert.equal(await latest.isCurrent(prScope(queued.repo, 77), queued.seq), true);

    const closed = payloadFor('pull_request', 'closed', { number: 77, pull_request: { number: 77, head: { sha: 'c'.repeat(40) }, merged: false } });
    assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: closed, secret: SECRET })).status, 200);
    assert.deepEqual(await plans(), [78], 'the closed PR\'s plan is gone, the other PR\'s stays');
    assert.equal(await latest.isCurrent(prScope(queued.repo, 77), queued.seq), false, 'a plan that already started sees it is superseded');
    for (const q of ['push', 'sync', 'command'] as const) assert.equal((await jobsIn(q)).filter((j) => (j.data as { pr?: number }).pr === 77).length, 0);
  } finally {
    redisClient.disconnect();
  }
});

test('previews: a PR queues an up job beside its plan (same seq), a fork PR too (the worker gates it), a close a down job', async () => {
  const previews = async (pr: number) => (await jobsIn('preview')).map((j) => j.data as PreviewJob).filter((j) => j.pr === pr);
  const sameRepo = payloadFor('pull_request', 'opened', { number: 90, pull_request: { number: 90, head: { sha: 'e'.repeat(40) } } });
  assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: sameRepo, secret: SECRET })).status, 200);
  const [up] = await previews(90);
  const plan = (await jobsIn('plan')).map((j) => j.data as PlanJob).find((j) => j.pr === 90)!;
  assert.deepEqual({ action: up.action, headSha: up.headSha, seq: up.seq, repo: up.repo }, { action: 'up', headSha: 'e'.repeat(40), seq: plan.seq, repo: plan.repo });

  const fork = payloadFor('pull_request', 'opened', { number: 91, pull_request: { number: 91, head: { sha: 'f'.repeat(40), repo: { full_name: 'someone/fork' } } } });
  assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: fork, secret: SECRET })).status, 200);
  assert.equal((await jobsIn('plan')).map((j) => j.data as PlanJob).find((j) => j.pr === 91)?.fork, true);
  // Queued like any PR's: the worker renders nothing of a fork's head until a writer approved that SHA
  // with /driftguard preview, and otherwise says so in the comment (test/e2e/preview-ops-cases.ts).
  assert.deepEqual((await previews(91)).map((j) => [j.action, j.headSha]), [['up', 'f'.repeat(40)]]);

  const merged = payloadFor('pull_request', 'closed', { number: 90, pull_request: { number: 90, head: { sha: 'e'.repeat(40) }, merged: true } });
  assert.equal((await sendWebhook(hook, { event: 'pull_request', payload: merged, secret: SECRET })).status, 200);
  const down = (await previews(90)).find((j) => j.action === 'down');
  assert.ok(down && down.reason === 'merged' && down.seq > up.seq, JSON.stringify(down));
});

test('a verified delivery without event/delivery headers or a JSON object body → 400, nothing queued', async () => {
  const before = (await jobsIn('plan')).length;
  const body = 'not json';
  const { signWebhook } = await import('../support/webhooks.ts');
  const r = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'x1', 'x-hub-signature-256': signWebhook(SECRET, body) }, body });
  assert.equal(r.status, 400);
  const noId = JSON.stringify(payloadFor('pull_request', 'opened'));
  const r2 = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-hub-signature-256': signWebhook(SECRET, noId) }, body: noId });
  assert.equal(r2.status, 400);
  assert.equal((await jobsIn('plan')).length, before);
});

test('Redis down → /healthz 503 and webhooks 500 (GitHub may redeliver); recovers after restart', async () => {
  await redis.stop();
  const h = await fetch(`${web.url}/healthz`);
  assert.equal(h.status, 503);
  const down = await sendWebhook(hook, { event: 'pull_request', payload: payloadFor('pull_request', 'reopened'), secret: SECRET });
  assert.equal(down.status, 500);
  await redis.startProcess();
  await waitFor(async () => (await fetch(`${web.url}/healthz`)).status === 200);
  const payload = payloadFor('pull_request', 'reopened');
  const r = await sendWebhook(hook, { event: 'pull_request', payload, secret: SECRET });
  assert.equal(r.status, 200);
  assert.equal((await jobsIn('plan')).length, 1, 'the restarted Redis is empty; the new job is there');
});

function commentPayload(body: string) {
  const p = payloadFor('issue_comment', 'created');
  p.issue.pull_request = { url: `https://api.github.com/repos/${p.repository.full_name}/pulls/${p.issue.number}` };
  p.comment.body = body;
  p.sender.type = 'User';
  return p;
}

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
