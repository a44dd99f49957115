// Issue 10, failure 3, with real processes (see system.ts): a push fan-out that fails half way and is
// retried by BullMQ resumes where its first attempt stopped. "Superseded" means a newer commit, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helpers, useFaultSystem } from './system.ts';

const f = useFaultSystem();
const worker = f.worker;

test('(a) a push fan-out failing half way is retried: every app is synced, none reported superseded', async () => {
  const sys = f.sys();
  const { runsOn, describe, replicas, commitBoth } = helpers(sys);
  worker();
  const { before: b, sha } = await commitBoth(2);
  // The second check-run creation of the fan-out fails; BullMQ retries the push job.
  sys.gh.injectFault({ operationId: 'checks/create', status: 422, skip: 1, times: 1 });
  await sys.deliver('push', undefined, { push: { before: b, after: sha } });
  await sys.completed(sha, 2, 90_000);
  await sys.drained(90_000);
  assert.equal(sys.gh.requests({ operationId: 'checks/create' }).filter((r) => r.status === 422).length, 1, 'the fault fired');
  assert.deepEqual(runsOn(sha).map((c) => c.name).sort(), ['driftguard / api', 'driftguard / web'], `one run per app:\n${describe(sha).join('\n')}`);
  for (const c of runsOn(sha)) {
    assert.equal(c.conclusion, 'success', `${c.name}: ${c.output.title}`);
    assert.doesNotMatch(c.output.title ?? '', /superseded/i);
  }
  assert.equal(replicas('web', 'web'), 2);
  assert.equal(replicas('api', 'api'), 2);
});
