// Hostile webhook traffic against the real web process (Probot + our server) and real Redis: what is
// refused, what is deduplicated, and that nothing is queued for any of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Queue } from 'bullmq';
import { startWeb, type WebProcess } from '../../src/web/start.ts';
import { payloadFor, sendWebhook, signWebhook } from '../../emulators/github/webhooks.ts';
import { QUEUES, QUEUE_PREFIX, queueConnection } from '../../src/queue/index.ts';
import { RedisServer } from '../support/redis.ts';

const SECRET = 'webhook-test-secret';
let redis: RedisServer;
let web: WebProcess;
let hook: string;
let queues: Queue[];

before(async () => {
  redis = await RedisServer.start();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  web = await startWeb({ APP_ID: '77', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal' }, { defaultMetrics: false });
  hook = `${web.url}/api/github/webhooks`;
  queues = Object.values(QUEUES).map((n) => new Queue(n, { connection: queueConnection(redis.url), prefix: QUEUE_PREFIX }));
});
after(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await web.close();
  await redis.stop();
});

const queued = async () => {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')));
  return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
};
const drain = () => Promise.all(queues.map((q) => q.obliterate({ force: true })));

const opened = () => payloadFor('pull_request', 'opened', { installation: { id: 1 }, repository: { full_name: 'acme/gitops' } });

/** Raw POST (the signature and body exactly as given). */
function post(body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(hook, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const healthy = async () => (await fetch(`${web.url}/healthz`)).status === 200;

test('bad, missing or foreign signatures → 401 and nothing queued', async () => {
  await drain();
  const payload = opened();
  const body = JSON.stringify(payload);
  const cases: Array<[string, Record<string, string>]> = [
    ['signed with another secret', { 'x-hub-signature-256': signWebhook('not-the-secret', body) }],
    ['missing signature', {}],
    ['sha1 only (legacy header)', { 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}` }],
    ['signature of another body', { 'x-hub-signature-256': signWebhook(SECRET, `${body} `) }],
    ['garbage', { 'x-hub-signature-256': 'sha256=zz' }],
  ];
  for (const [name, headers] of cases) {
    const r = await post(body, { 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), ...headers });
    assert.equal(r.status, 401, name);
  }
  assert.equal(await queued(), 0);
});

test('a replayed delivery (same X-GitHub-Delivery) makes one job', async () => {
  await drain();
  const payload = opened();
  const deliveryId = randomUUID();
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await sendWebhook(hook, { event: 'pull_request', payload, secret: SECRET, deliveryId })).status);
  // and concurrently, as GitHub's redelivery racing the original would
  const other = opened();
  other.pull_request.head.sha = 'f'.repeat(40);
  const racing = await Promise.all([1, 2, 3].map(() => sendWebhook(hook, { event: 'pull_request', payload: other, secret: SECRET, deliveryId: 'race-1' })));
  assert.deepEqual([...statuses, ...racing.map((r) => r.status)].every((s) => s >= 200 && s < 300), true);
  assert.equal(await queues.find((q) => q.name === QUEUES.plan)!.count(), 2, 'one job per delivery id');
});

test('a payload over the size bound is refused without reading it all, and the server stays up', async () => {
  await drain();
  const big = Buffer.alloc(26 * 1024 * 1024, 'a');
  const r = await post(big, { 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(SECRET, 'x') }).catch((e: NodeJS.ErrnoException) => ({ status: -1, body: e.code ?? '' }));
  assert.ok(r.status === 413 || (r.status === -1 && /ECONNRESET|EPIPE/.test(r.body)), `got ${r.status} ${r.body}`);
  assert.ok(await healthy());
  assert.equal(await queued(), 0);
});

test('malformed JSON with a valid signature → 400, no crash, nothing queued', async () => {
  await drain();
  for (const body of ['{"action": "opened", ', 'null', '"just a string"', '', '\u0000\u0001binary']) {
    const r = await post(body, { 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(SECRET, body) });
    assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)} → ${r.status} ${r.body}`);
  }
  assert.ok(await healthy());
  assert.equal(await queued(), 0);
});

test('well-signed but odd payloads: unknown events and shapes are ignored, never crash', async () => {
  await drain();
  const cases: Array<[string, unknown]> = [
    ['star', payloadFor('star', 'created')],
    ['ping', payloadFor('ping', undefined)],
    ['pull_request', []],
    ['pull_request', { action: 'opened' }],
    ['pull_request', { action: 'opened', repository: { full_name: 'acme/gitops' }, installation: { id: 1 }, pull_request: null }],
    ['push', { ref: 42, repository: { full_name: 'acme/gitops' }, installation: { id: 1 } }],
    ['issue_comment', { action: 'created', repository: { full_name: 'acme/gitops' }, installation: { id: 1 }, issue: { pull_request: {} }, comment: { body: 7 } }],
    ['check_run', { action: 'rerequested', repository: { full_name: 'acme/gitops' }, installation: { id: 1 }, check_run: null }],
  ];
  for (const [event, payload] of cases) {
    const body = JSON.stringify(payload);
    const r = await post(body, { 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(SECRET, body) });
    assert.ok(r.status < 500, `${event} → ${r.status} ${r.body}`);
    assert.ok(await healthy(), `${event}: server still healthy`);
  }
  assert.equal(await queued(), 0);
});
