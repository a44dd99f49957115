import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RedisServer } from '../support/redis.ts';
import { AppLocks, DeliveryStore, LatestShaRegister, appScope, createRedis } from '../../src/store/index.ts';

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

test('delivery ids are claimed once; release allows a redelivery', async () => {
  const d = new DeliveryStore(redis, 60);
  assert.equal(await d.claim('72d3162e-cc78-11e3-81ab-4c9367dc0958'), true);
  assert.equal(await d.claim('72d3162e-cc78-11e3-81ab-4c9367dc0958'), false);
  assert.equal(await d.claim('another'), true);
  await d.release('another');
  assert.equal(await d.claim('another'), true);
  assert.ok((await redis.ttl('driftguard:delivery:another')) > 0, 'claims expire');
});

test('concurrent claims of one delivery: exactly one wins', async () => {
  const stores = Array.from({ length: 20 }, () => new DeliveryStore(redis));
  const wins = await Promise.all(stores.map((s) => s.claim('race-1')));
  assert.equal(wins.filter(Boolean).length, 1);
});

test('app lease: exclusive, released only by its holder, expires when not renewed', async () => {
  const locks = new AppLocks(redis, 300);
  const a = await locks.acquire('Acme/Web', 'web');
  assert.ok(a);
  assert.equal(await locks.acquire('acme/web', 'web'), null, 'same app (repo case-insensitive) is locked');
  assert.ok(await locks.acquire('acme/web', 'api'), 'another app is independent');
  // A stale holder cannot release someone else's lease.
  await sleep(400);
  const b = await locks.acquire('acme/web', 'web');
  assert.ok(b, 'expired lease can be taken');
  await a.release();
  assert.equal(await locks.acquire('acme/web', 'web'), null, 'old token did not release the new lease');
  assert.equal(await a.renew(), false);
  assert.equal(a.isLost, true);
  await b.release();
  assert.ok(await locks.acquire('acme/web', 'web'));
});

test('app lease: keepAlive holds it past its TTL', async () => {
  const locks = new AppLocks(redis, 300);
  const l = (await locks.acquire('acme/keep', 'web'))!;
  l.keepAlive();
  await sleep(800);
  assert.equal(await locks.acquire('acme/keep', 'web'), null);
  await l.release();
  assert.ok(await locks.acquire('acme/keep', 'web'));
});

test('latest-SHA register: the newest sequence wins regardless of offer order', async () => {
  const reg = new LatestShaRegister(redis);
  const scope = appScope('acme/web', 'web');
  const s1 = await reg.nextSeq();
  const s2 = await reg.nextSeq();
  const s3 = await reg.nextSeq();
  assert.ok(s1 < s2 && s2 < s3);
  const cases: Array<[number, string, boolean]> = [
    [s2, 'bbbb', true],
    [s1, 'aaaa', false], // arrived first, processed late: stale
    [s3, 'cccc', true],
    // The same offer again is a retry of the same job (issue 10): still current, or its work is never done.
    [s3, 'cccc', true],
    [s3, 'dddd', false], // another commit cannot claim a sequence already taken
    [s1, 'cccc', true], // an older push of the commit that is the latest: nothing newer to sync
  ];
  for (const [seq, sha, current] of cases) assert.equal(await reg.offer(scope, seq, sha), current, `${sha}@${seq}`);
  assert.deepEqual(await reg.latest(scope), { seq: s3, sha: 'cccc' });
  assert.equal(await reg.isCurrent(scope, s2), false);
  assert.equal(await reg.isCurrent(scope, s3), true);
  assert.equal(await reg.isCurrent(appScope('acme/web', 'other'), s1), true, 'unknown scope: nothing newer');
  // Superseded means a newer commit, nothing else.
  assert.deepEqual(await reg.newerCommit(scope, s2, 'bbbb'), { seq: s3, sha: 'cccc' });
  assert.equal(await reg.newerCommit(scope, s3, 'cccc'), null, 'a retry of the latest');
  assert.equal(await reg.newerCommit(scope, s1, 'cccc'), null, 'the same commit pushed again later');
});

test('clients survive a Redis restart', async () => {
  const d = new DeliveryStore(redis);
  assert.equal(await d.claim('before-restart'), true);
  await server.restart();
  // The server lost its data (no persistence); the client reconnects and commands work again.
  assert.equal(await d.claim('before-restart'), true);
  assert.equal(await d.claim('before-restart'), false);
});

test('claimWithSeq: one round trip claims, numbers and registers a PR head; duplicates get null', async () => {
  const d = new DeliveryStore(redis, 60);
  const latest = new LatestShaRegister(redis);
  const scope = 'pr:acme/web:12';
  const s1 = await d.claimWithSeq('dlv-1', { scope, sha: 'a'.repeat(40) });
  assert.ok(typeof s1 === 'number' && s1 > 0);
  assert.equal(await d.claimWithSeq('dlv-1', { scope, sha: 'f'.repeat(40) }), null, 'a redelivery is not numbered and changes nothing');
  assert.deepEqual(await latest.latest(scope), { seq: s1, sha: 'a'.repeat(40) });
  const s2 = await d.claimWithSeq('dlv-2');
  assert.ok(s2! > s1!, 'sequence shared with LatestShaRegister.nextSeq');
  assert.ok((await latest.nextSeq()) > s2!);
  // An older sequence never overwrites a newer head (same rule as offer()).
  await latest.offer(scope, 10_000_000, 'b'.repeat(40));
  await d.claimWithSeq('dlv-3', { scope, sha: 'c'.repeat(40) });
  assert.equal((await latest.latest(scope))?.sha, 'b'.repeat(40));
});
