// The preview records on a real redis-server: put/update/remove, per PR and per repository, the index the
// sweeper walks, and records surviving a new client (worker restart).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisServer } from '../support/redis.ts';
import { createRedis, PreviewStore, type PreviewRecord } from '../../src/store/index.ts';

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

const record = (repo: string, pr: number, app: string): PreviewRecord => ({
  repo, installationId: 1, pr, app, namespace: `pr-${pr}-${app}`, cluster: 'previews', headSha: 'a'.repeat(40),
  lastPushAt: 1000, ttlMs: 3600_000, state: 'deploying', environment: `preview/${app}/pr-${pr}`, updatedAt: 1000,
});

test('preview records: per PR, per repository, updated in place, removed with their index entry', async () => {
  const store = new PreviewStore(redis);
  await store.put(record('Acme/Web', 1, 'web'));
  await store.put(record('Acme/Web', 1, 'api'));
  await store.put(record('Acme/Web', 2, 'web'));
  await store.put(record('acme/other', 1, 'web'));
  assert.deepEqual((await store.forPr('acme/web', 1)).map((r) => r.app), ['api', 'web'], 'repo names compare case-insensitively');
  assert.equal((await store.forRepo('Acme/Web')).length, 3);
  const updated = await store.update('Acme/Web', 1, 'web', { state: 'ready', deploymentId: 7, url: 'https://x' });
  assert.equal(updated?.state, 'ready');
  assert.equal(updated?.repo, 'Acme/Web', 'the repository keeps its spelling');
  assert.equal(await store.update('Acme/Web', 9, 'web', { state: 'ready' }), undefined, 'no record, nothing written');
  assert.equal(await store.get('Acme/Web', 9, 'web'), undefined);

  const restarted = createRedis(server.url);
  try {
    const again = new PreviewStore(restarted);
    assert.deepEqual(await again.get('acme/web', 1, 'web'), updated);
    await again.remove('Acme/Web', 1, 'web');
  } finally {
    restarted.disconnect();
  }
  assert.equal(await store.get('Acme/Web', 1, 'web'), undefined);
  assert.deepEqual((await store.all()).map((r) => `${r.repo}#${r.pr}/${r.app}`), ['acme/other#1/web', 'Acme/Web#1/api', 'Acme/Web#2/web']);
});
