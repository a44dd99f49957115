// The per-repository preview limit on a real redis-server: oldest first, idempotent claims, a slot
// freed by a deleted preview goes to the oldest waiting one, and the state survives a Redis client
// (worker) restart; preview approvals of forks are their own kind.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisServer } from '../support/redis.ts';
import { createRedis, ForkApprovals, PreviewSlots, slotMember } from '../../src/store/index.ts';

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

test('over the limit previews wait oldest first; a freed slot goes to the oldest; claims are idempotent', async () => {
  const slots = new PreviewSlots(redis);
  const repo = 'Acme/Limits';
  const job = (pr: number) => ({ pr, headSha: `sha${pr}` });
  assert.deepEqual(await slots.claim(repo, slotMember(1, 'web'), 2, job(1), 100), { admitted: true });
  assert.deepEqual(await slots.claim(repo, slotMember(2, 'web'), 2, job(2), 200), { admitted: true });
  assert.deepEqual(await slots.claim(repo, slotMember(3, 'web'), 2, job(3), 300), { admitted: false, position: 1 });
  assert.deepEqual(await slots.claim(repo, slotMember(4, 'web'), 2, job(4), 400), { admitted: false, position: 2 });
  // A retried job (or a push to a waiting PR) keeps its place and updates the job to queue again.
  assert.deepEqual(await slots.claim(repo, slotMember(3, 'web'), 2, { pr: 3, headSha: 'newer' }, 900), { admitted: false, position: 1 });
  assert.deepEqual(await slots.claim(repo, slotMember(1, 'web'), 2, job(1), 950), { admitted: true }, 'a holder is admitted again');
  assert.deepEqual(await slots.promotable(repo), [], 'no free slot');
  assert.deepEqual(await slots.reposWithWaiting(), ['acme/limits']);

  // A worker restart: a new client over the same Redis sees the same queue.
  const restarted = createRedis(server.url);
  try {
    const again = new PreviewSlots(restarted);
    assert.equal(await again.release(repo, slotMember(1, 'web')), true);
    assert.equal(await again.release(repo, slotMember(1, 'web')), false, 'releasing twice frees one slot');
    const next = await again.promotable<{ pr: number; headSha: string }>(repo);
    assert.deepEqual(next.map((w) => [w.member, w.since, w.job]), [['3/web', 300, { pr: 3, headSha: 'newer' }]]);
    // The newer waiting PR cannot take the slot ahead of the older one.
    assert.deepEqual(await again.claim(repo, slotMember(4, 'web'), 2, job(4), 1000), { admitted: false, position: 2 });
    // A new PR arriving now queues behind both.
    assert.deepEqual(await again.claim(repo, slotMember(5, 'web'), 2, job(5), 1100), { admitted: false, position: 3 });
    assert.deepEqual(await again.claim(repo, slotMember(3, 'web'), 2, job(3), 1200), { admitted: true });
    assert.deepEqual(await again.claim(repo, slotMember(4, 'web'), 2, job(4), 1300), { admitted: false, position: 1 });
    // PR 4 closes while waiting: its place goes, PR 5 is next.
    assert.equal(await again.release(repo, slotMember(4, 'web')), false, 'a waiting preview holds no slot');
    assert.deepEqual((await again.waiting(repo)).map((w) => w.member), ['5/web']);
    assert.equal(await again.holds(repo, slotMember(3, 'web')), true);
  } finally {
    restarted.disconnect();
  }
});

test('a raised limit or none admits waiting previews; concurrent claims never exceed the limit', async () => {
  const slots = new PreviewSlots(redis);
  const repo = 'acme/race';
  const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => slots.claim(repo, slotMember(i + 1), 5, { pr: i + 1 }, 1000 + i)));
  assert.equal(claims.filter((c) => c.admitted).length, 5);
  const positions = claims.flatMap((c) => (c.admitted ? [] : [c.position])).sort((a, b) => a - b);
  assert.deepEqual(positions, Array.from({ length: 25 }, (_, i) => i + 1), 'every waiting preview has its own place');
  // Raising the limit to 7 frees two slots for the two oldest waiting: the second oldest takes one, the
  // third cannot take the other ahead of the oldest, which is the one to queue again.
  const waiting = await slots.waiting<{ pr: number }>(repo);
  assert.deepEqual(await slots.claim(repo, waiting[1].member, 7, waiting[1].job, 5000), { admitted: true });
  assert.deepEqual(await slots.claim(repo, waiting[2].member, 7, waiting[2].job, 5000), { admitted: false, position: 2 });
  assert.deepEqual((await slots.promotable(repo)).map((w) => w.member), [waiting[0].member]);
  // No limit: admitted at once, and every waiting one is promotable.
  assert.deepEqual(await slots.claim(repo, waiting[3].member, undefined, waiting[3].job, 6000), { admitted: true });
  assert.equal((await slots.promotable(repo)).length, 23, "25 waited, 2 were admitted");
});

test('releasePr frees every slot and place of one PR, and nothing of another PR whose number starts the same', async () => {
  const slots = new PreviewSlots(redis);
  const repo = 'acme/close';
  for (const [m, at] of [['1/web', 1], ['1/api', 2], ['12/web', 3], ['1/db', 4], ['13/web', 5]] as const) await slots.claim(repo, m, 3, { m }, at);
  assert.deepEqual((await slots.waiting(repo)).map((w) => w.member), ['1/db', '13/web']);
  assert.equal(await slots.releasePr(repo, 1), 2);
  assert.deepEqual((await slots.waiting(repo)).map((w) => w.member), ['13/web']);
  assert.equal(await slots.holds(repo, '12/web'), true);
  assert.equal(await slots.releasePr(repo, 1), 0, 'idempotent');
  assert.equal(await slots.releasePr(repo, 13), 0);
  assert.deepEqual(await slots.reposWithWaiting().then((r) => r.includes('acme/close')), false, 'no one waits any more');
});

test('fork approvals: a preview approval and a plan approval are separate', async () => {
  const approvals = new ForkApprovals(redis);
  const a = { sha: 'c'.repeat(40), by: 'wendy', at: '2026-01-01T00:00:00.000Z' };
  await approvals.approve('acme/kinds', 7, a);
  assert.equal(await approvals.get('acme/kinds', 7, a.sha, 'preview'), undefined, 'a plan approval does not let the code run');
  assert.equal(await approvals.latest('acme/kinds', 7, 'preview'), undefined);
  const b = { sha: 'd'.repeat(40), by: 'pat', at: '2026-01-02T00:00:00.000Z' };
  assert.deepEqual(await approvals.approve('acme/kinds', 8, b, 'preview'), { approval: b, created: true });
  assert.deepEqual(await approvals.approve('acme/kinds', 8, { ...b, by: 'later' }, 'preview'), { approval: b, created: false }, 'the first approval of a SHA is kept');
  assert.equal(await approvals.get('acme/kinds', 8, b.sha), undefined, 'a preview approval is not a plan approval');
  assert.deepEqual(await approvals.latest('acme/kinds', 8, 'preview'), b);
});
