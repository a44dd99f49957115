// Issue 10, failure 5, with real processes (see system.ts): DRIFTGUARD_SYNC_TIMEOUT_MS bounds the whole
// sync, watch-cache warm-up included; the failure names the kind whose reads failed; the app lease is freed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedis } from '../../src/store/redis.ts';
import { AppLocks } from '../../src/store/app-lease.ts';
import { helpers, useFaultSystem } from './system.ts';

const f = useFaultSystem();
const worker = f.worker;

test('(e) list/watch of one kind failing with 500: the sync ends at its timeout, names that kind, frees the app', async () => {
  const sys = f.sys();
  const { commitBoth } = helpers(sys);
  worker({ DRIFTGUARD_SYNC_TIMEOUT_MS: '3000' });
  const { before: b, sha } = await commitBoth(6);
  // Deployments cannot be read at all; everything else works.
  sys.kube.faults.error(500, { verb: ['list', 'watch'], resource: 'deployments' });
  await sys.deliver('push', undefined, { push: { before: b, after: sha } });
  // Three attempts of a 3 s sync and BullMQ's backoff: well within the wait; unbounded, it never ends.
  const runs = await sys.completed(sha, 2, 120_000);
  for (const c of runs) {
    assert.equal(c.conclusion, 'failure', `${c.name}: ${c.output.title}`);
    assert.match(c.output.summary ?? '', /sync timed out after 3000 ms: could not read the live state of Deployment \(apps\/v1\): \S/, c.output.summary ?? '');
  }
  await sys.drained(60_000);
  const redis = createRedis(sys.redisUrl);
  try {
    const locks = new AppLocks(redis);
    for (const app of ['web', 'api']) {
      const lease = await locks.acquire(`${sys.owner}/${sys.repo}`, app);
      assert.ok(lease, `the lease of ${app} was released`);
      await lease.release();
    }
  } finally {
    redis.disconnect();
  }
  for (const d of sys.gh.deployments(sys.owner, sys.repo).filter((x) => x.sha === sha)) assert.notEqual(d.statuses.at(-1)?.state, 'in_progress');
});
