import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisServer } from '../support/redis.ts';
import { DeployHistory, createRedis, historyId, previousSyncedSha, type DeployEntry } from '../../src/store/index.ts';

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

const entry = (seq: number, over: Partial<DeployEntry> = {}): DeployEntry => {
  const sha = over.sha ?? String(seq).padStart(40, '0');
  return { id: historyId({ app: 'web', seq, sha }), sha, at: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(), trigger: 'push', result: 'synced', ...over };
};

test('deploy history: newest first, per repo (case-insensitive) and app, limit honoured', async () => {
  const h = new DeployHistory(redis);
  assert.deepEqual(await h.list('acme/one', 'web', 10), []);
  for (const seq of [1, 2, 3]) assert.equal(await h.record('Acme/One', 'web', entry(seq)), true);
  await h.record('acme/one', 'api', entry(9));
  assert.deepEqual((await h.list('acme/one', 'web', 10)).map((e) => e.sha.slice(-1)), ['3', '2', '1']);
  assert.deepEqual((await h.list('acme/one', 'web', 2)).map((e) => e.sha.slice(-1)), ['3', '2']);
  assert.deepEqual(await h.list('acme/one', 'web', 0), []);
  assert.deepEqual((await h.list('acme/one', 'api')).map((e) => e.sha.slice(-1)), ['9']);
  assert.deepEqual(await h.list('acme/two', 'web'), []);
  const apps = await h.apps();
  assert.ok(apps.some((a) => a.repo === 'Acme/One' && a.app === 'web'));
  assert.ok(apps.some((a) => a.app === 'api'));
});

test('deploy history: a job recorded twice (retried, or two workers at once) is one entry, the first kept', async () => {
  const h = new DeployHistory(redis);
  assert.equal(await h.record('acme/twice', 'web', entry(1, { result: 'synced' })), true);
  assert.equal(await h.record('acme/twice', 'web', entry(1, { result: 'failed' })), false);
  const racing = await Promise.all(Array.from({ length: 10 }, () => h.record('acme/twice', 'web', entry(2))));
  assert.equal(racing.filter(Boolean).length, 1);
  const list = await h.list('acme/twice', 'web');
  assert.equal(list.length, 2);
  assert.equal(list[1].result, 'synced');
  // The same commit synced again by another job (a new sequence) is a new entry.
  assert.equal(await h.record('acme/twice', 'web', entry(3, { sha: list[0].sha })), true);
});

test('deploy history: bounded per app; a trimmed job id is forgotten with its entry', async () => {
  const h = new DeployHistory(redis, 5);
  for (let seq = 1; seq <= 12; seq++) await h.record('acme/bounded', 'web', entry(seq));
  const list = await h.list('acme/bounded', 'web');
  assert.deepEqual(list.map((e) => Number(e.sha)), [12, 11, 10, 9, 8]);
  assert.equal(await redis.hlen('driftguard:history:acme/bounded:web:ids'), 5, 'the id set stays as bounded as the list');
  assert.equal(await h.record('acme/bounded', 'web', entry(12)), false, 'a kept job is still recorded once');
});

test('previous: the newest successful sync other than the current revision', () => {
  const e = (sha: string, result: DeployEntry['result'] = 'synced'): DeployEntry => ({ id: sha, sha, at: '', trigger: 'push', result });
  const cases: Array<[string, DeployEntry[], string | undefined]> = [
    ['empty history', [], undefined],
    ['one revision only', [e('c'), e('c')], undefined],
    ['plain', [e('c'), e('b'), e('a')], 'b'],
    ['failed and refused syncs are not revisions that ran', [e('d', 'failed'), e('c'), e('x', 'refused'), e('c'), e('b')], 'b'],
    ['the current one is the newest successful, not the newest attempt', [e('d', 'failed'), e('c'), e('b')], 'b'],
    ['skipped syncs do not count', [e('c'), e('z', 'skipped'), e('y', 'cancelled'), e('b')], 'b'],
  ];
  for (const [name, list, want] of cases) assert.equal(previousSyncedSha(list), want, name);
});
