// An unauthenticated client must not make the web process buffer large bodies: a declared
// content-length over the limit is answered 413 before any byte of the body is read, and a chunked
// body is cut off as soon as it passes the limit. Bodies under the limit are still verified.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Queue } from 'bullmq';
import { startWeb, type WebProcess } from '../../src/web/start.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/web/server.ts';
import { payloadFor, signWebhook } from '../../emulators/github/webhooks.ts';
import { QUEUES, QUEUE_PREFIX, queueConnection } from '../../src/queue/index.ts';
import { RedisServer } from '../support/redis.ts';

const SECRET = 'webhook-limit-secret';
const SMALL_LIMIT = 64 * 1024;
let redis: RedisServer;
let web: WebProcess; // default limit
let small: WebProcess; // WEBHOOK_MAX_BYTES=64 KiB
let impatient: WebProcess; // WEBHOOK_REQUEST_TIMEOUT_MS=500
let queues: Queue[];

before(async () => {
  redis = await RedisServer.start();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const env: NodeJS.ProcessEnv = { APP_ID: '77', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal' };
  web = await startWeb(env, { defaultMetrics: false });
  small = await startWeb({ ...env, WEBHOOK_MAX_BYTES: String(SMALL_LIMIT) }, { defaultMetrics: false });
  impatient = await startWeb({ ...env, WEBHOOK_REQUEST_TIMEOUT_MS: '500' }, { defaultMetrics: false });
  queues = Object.values(QUEUES).map((n) => new Queue(n, { connection: queueConnection(redis.url), prefix: QUEUE_PREFIX }));
});
after(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await web.close();
  await small.close();
  await impatient.close();
  await redis.stop();
});

const queued = async () => {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')));
  return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
};
const drain = () => Promise.all(queues.map((q) => q.obliterate({ force: true })));
const hook = (w: WebProcess) => `${w.url}/api/github/webhooks`;
const headers = (body: string) => ({ 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signWebhook(SECRET, body) });

let prNumber = 100;
/** A well-formed, correctly signed pull_request.opened delivery whose PR body pads it to about `bytes`. */
function padded(bytes: number): string {
  const p = payloadFor('pull_request', 'opened', { installation: { id: 1 }, repository: { full_name: 'acme/gitops' } });
  p.pull_request.head.sha = randomUUID().replace(/-/g, '').padEnd(40, '0');
  p.number = p.pull_request.number = ++prNumber; // distinct PRs: one plan job each
  p.pull_request.body = 'x'.repeat(Math.max(0, bytes - JSON.stringify(p).length));
  return JSON.stringify(p);
}

/**
 * Sends the headers and only `sent` bytes of the body, never ending the request: the answer can only come
 * from a server that decides without waiting for the rest.
 */
function partial(url: string, hdrs: Record<string, string>, sent: Buffer, chunkedMore = 0): Promise<{ status: number; body: string; writable: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: hdrs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), writable: !req.destroyed }); req.destroy(); });
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(e));
    req.write(sent);
    for (let i = 0; i < chunkedMore; i++) req.write(Buffer.alloc(64 * 1024, 'a'));
  });
}

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: headers(body) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a declared content-length over the limit gets 413 before the body is sent', { timeout: 20_000 }, async () => {
  await drain();
  for (const [w, declared] of [[web, DEFAULT_MAX_BODY_BYTES + 1], [web, 25 * 1024 * 1024], [small, SMALL_LIMIT + 1]] as const) {
    const r = await partial(hook(w), { ...headers('{}'), 'content-length': String(declared) }, Buffer.from('{"action":"opened"'));
    assert.equal(r.status, 413, `${declared}: ${r.body}`);
    assert.match(r.body, /payload too large/);
  }
  assert.equal(await queued(), 0);
  assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
});

test('a chunked body is cut off with 413 as soon as it passes the limit', { timeout: 20_000 }, async () => {
  await drain();
  // 2 × 64 KiB chunks pass the 64 KiB limit; the request is never ended.
  const r = await partial(hook(small), { ...headers('{}'), 'transfer-encoding': 'chunked' }, Buffer.from('{"action":"opened","pad":"'), 2);
  assert.equal(r.status, 413, r.body);
  assert.equal(await queued(), 0);
});

test('bodies under the limit are still verified and queued; the limit comes from WEBHOOK_MAX_BYTES', { timeout: 20_000 }, async () => {
  await drain();
  const ok = padded(SMALL_LIMIT - 1024);
  assert.ok((await post(hook(small), ok)).status < 300);
  const bad = padded(SMALL_LIMIT - 1024);
  const forged = await new Promise<number>((resolve, reject) => {
    const req = request(hook(small), { method: 'POST', agent: false, headers: { ...headers(bad), 'x-hub-signature-256': signWebhook('not-the-secret', bad) } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end(bad);
  });
  assert.equal(forged, 401, 'a small body with a bad signature is still refused');
  assert.equal((await post(hook(small), padded(SMALL_LIMIT + 1024))).status, 413, 'the configured limit applies');
  assert.ok((await post(hook(web), padded(SMALL_LIMIT + 1024))).status < 300, 'the default limit is larger');
  assert.ok((await post(hook(web), padded(1024 * 1024))).status < 300, 'a 1 MB pull_request delivery is accepted');
  assert.equal(await queues.find((q) => q.name === QUEUES.plan)!.count(), 3);
});

test('a slow sender is cut off with 408 when WEBHOOK_REQUEST_TIMEOUT_MS runs out; the server stays up', { timeout: 20_000 }, async () => {
  await drain();
  // Headers and 18 bytes of a declared 1000-byte body, then nothing: only the request timeout can answer.
  const r = await partial(hook(impatient), { ...headers('{}'), 'content-length': '1000' }, Buffer.from('{"action":"opened"'));
  assert.equal(r.status, 408, r.body);
  assert.equal(await queued(), 0);
  assert.ok((await post(hook(impatient), padded(2048))).status < 300, 'a delivery sent at once is still accepted');
});

test('an invalid WEBHOOK_MAX_BYTES or WEBHOOK_REQUEST_TIMEOUT_MS stops the web process at start', async () => {
  for (const name of ['WEBHOOK_MAX_BYTES', 'WEBHOOK_REQUEST_TIMEOUT_MS']) {
    for (const v of ['0', '-5', 'lots', '1.5']) {
      await assert.rejects(startWeb({ APP_ID: '77', PRIVATE_KEY: 'x', WEBHOOK_SECRET: SECRET, REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', [name]: v }), new RegExp(name), `${name}=${v}`);
    }
  }
});
