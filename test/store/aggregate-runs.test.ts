// The aggregated run's state in a real Redis: jobs that run twice or in any order still leave exactly
// one row per app, and the run is done once, and only once, every app has reported.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisServer } from '../support/redis.ts';
import { createRedis } from '../../src/store/redis.ts';
import { AggregateRuns } from '../../src/store/aggregate-runs.ts';

let server: RedisServer;
let redis: Redis;
before(async () => {
  server = await RedisServer.start();
  redis = createRedis(server.url);
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

const row = (app: string, title = 'In sync') => ({ app, conclusion: 'success' as const, title, summary: '' });

test('aggregate runs: done only when every app reported; a job that runs twice overwrites its own row', async () => {
  const runs = new AggregateRuns(redis);
  await runs.begin('acme/gitops:sha:1', 77, ['a', 'b', 'c']);
  assert.equal((await runs.record('acme/gitops:sha:1', row('a')))?.done, false);
  assert.equal((await runs.record('acme/gitops:sha:1', row('a', 'again')))?.done, false, 'a second report of a is not b');
  assert.equal((await runs.record('acme/gitops:sha:1', row('b')))?.done, false);
  const last = await runs.record('acme/gitops:sha:1', row('c'));
  assert.equal(last?.done, true);
  assert.equal(last?.runId, 77);
  assert.deepEqual(last?.entries.map((e) => `${e.app}:${e.title}`).sort(), ['a:again', 'b:In sync', 'c:In sync']);
});

test('aggregate runs: a retried push keeps the first registration; concurrent last reports all see it done', async () => {
  const runs = new AggregateRuns(redis);
  await runs.begin('acme/gitops:sha:2', 1, ['a', 'b']);
  await runs.begin('acme/gitops:sha:2', 2, ['a', 'b', 'x']);
  assert.deepEqual((await runs.state('acme/gitops:sha:2'))?.apps, ['a', 'b']);
  assert.equal((await runs.state('acme/gitops:sha:2'))?.runId, 1);
  const [ra, rb] = await Promise.all([runs.record('acme/gitops:sha:2', row('a')), runs.record('acme/gitops:sha:2', row('b'))]);
  assert.ok(ra?.done || rb?.done, 'whoever wrote last sees every row');
  assert.equal(await runs.record('acme/gitops:other:3', row('a')), undefined, 'a run never begun is not invented');
});
