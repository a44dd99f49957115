import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisServer } from '../support/redis.ts';
import { AutoSyncPauses, createRedis } from '../../src/store/index.ts';

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

test('auto-sync pause: per repo (case-insensitive) and app, replaced by a later pause, ended by resume', async () => {
  const pauses = new AutoSyncPauses(redis);
  assert.equal(await pauses.get('acme/gitops', 'web'), undefined);
  await pauses.pause('Acme/GitOps', 'web', { sha: 'a'.repeat(40), since: '2026-01-01T00:00:00.000Z', by: 'alice' });
  assert.deepEqual(await pauses.get('acme/gitops', 'web'), { sha: 'a'.repeat(40), since: '2026-01-01T00:00:00.000Z', by: 'alice' });
  assert.equal(await pauses.get('acme/gitops', 'api'), undefined, 'another app is not paused');
  assert.equal(await pauses.get('acme/other', 'web'), undefined, 'another repo is not paused');
  // The revert PR is attached once it is open.
  await pauses.pause('acme/gitops', 'web', { sha: 'a'.repeat(40), since: '2026-01-01T00:00:00.000Z', by: 'alice', revertPr: 7 });
  assert.equal((await pauses.get('acme/gitops', 'web'))?.revertPr, 7);
  assert.deepEqual(await pauses.resume('acme/gitops', 'web'), { sha: 'a'.repeat(40), since: '2026-01-01T00:00:00.000Z', by: 'alice', revertPr: 7 });
  assert.equal(await pauses.get('acme/gitops', 'web'), undefined);
  assert.equal(await pauses.resume('acme/gitops', 'web'), undefined, 'resuming an app that is not paused is a no-op');
});

test('auto-sync pause: a pause has no TTL (it lasts until resumed)', async () => {
  const pauses = new AutoSyncPauses(redis);
  await pauses.pause('acme/gitops', 'ttl', { sha: 'b'.repeat(40), since: '2026-01-01T00:00:00.000Z', by: 'bob' });
  assert.equal(await redis.ttl('driftguard:pause:acme/gitops:ttl'), -1);
});
