// The drift queue over a real redis-server: one job scheduler per app however often it is registered,
// each app at its own offset within the interval; scans asked for now are one while one is pending.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { RedisServer } from '../support/redis.ts';
import { DriftScheduler, QUEUE_PREFIX, QUEUES, queueConnection } from '../../src/queue/index.ts';
import { scanOffset } from '../../src/queue/drift-scheduler.ts';

let server: RedisServer;
let scheduler: DriftScheduler;
let queue: Queue;
before(async () => {
  server = await RedisServer.start();
  scheduler = new DriftScheduler(queueConnection(server.url), 180_000, 60_000);
  queue = new Queue(QUEUES.drift, { connection: queueConnection(server.url), prefix: QUEUE_PREFIX });
});
after(async () => {
  await scheduler.close();
  await queue.close();
  await server.stop();
});

test('registering twice keeps one scheduler per app; unregistering removes it', async () => {
  await scheduler.register('Acme/GitOps', 1, 'web');
  await scheduler.register('acme/gitops', 1, 'web');
  await scheduler.register('acme/gitops', 1, 'api');
  assert.equal(await scheduler.schedulers(), 2);
  const [s] = (await queue.getJobSchedulers()).filter((x) => x.template?.data?.app === 'web');
  assert.equal(s.every, 180_000);
  assert.equal(await scheduler.unregister('acme/gitops', 'api'), true);
  assert.equal(await scheduler.schedulers(), 1);
  await scheduler.unregister('acme/gitops', 'web');
});

test('offsets spread apps over the interval, the same app always at the same one', () => {
  const offsets = Array.from({ length: 200 }, (_, i) => scanOffset('acme/gitops', `app-${i}`, 180_000));
  assert.ok(offsets.every((o) => o >= 0 && o < 180_000));
  assert.equal(scanOffset('acme/gitops', 'app-1', 180_000), scanOffset('ACME/gitops', 'app-1', 180_000));
  // 200 apps fall in at least 8 of 10 tenths of the interval (a constant offset would use one).
  assert.ok(new Set(offsets.map((o) => Math.floor(o / 18_000))).size >= 8);
});

test('scans asked for while one is pending are that one scan', async () => {
  const a = await scheduler.soon('acme/gitops', 1, 'web', 'watch');
  const b = await scheduler.soon('acme/gitops', 1, 'web', 'watch');
  const c = await scheduler.soon('acme/gitops', 1, 'api', 'synced');
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal((await queue.getJobs(['delayed'])).filter((j) => !j.repeatJobKey).length, 2);
});
