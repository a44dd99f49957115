// Issue 10, failure 4, with real processes (see system.ts): every report finishes. The GitHub Deployment
// and check run of a worker SIGKILLed mid-sync are resumed by whoever runs the job next and end with a
// final status (one deployment and one run per app and commit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, type System } from '../../src/devtools/system.ts';
import { helpers, useFaultSystem } from './system.ts';

const f = useFaultSystem();
const worker = f.worker;

test('(c) a worker SIGKILLed mid-sync: the deployment it started gets a final status', async () => {
  const sys = f.sys();
  const { runsOn, describe, replicas, commitBoth } = helpers(sys);
  const { before: b, sha } = await commitBoth(5);
  // Applying is slow, so the sync is caught with its deployment in progress.
  const slow = sys.kube.faults.latency(60_000, { verb: 'patch', resource: 'deployments' });
  const first = worker();
  await sys.deliver('push', undefined, { push: { before: b, after: sha } });
  const inProgress = (d: ReturnType<System['gh']['deployments']>[number]) => d.sha === sha && d.statuses.at(-1)?.state === 'in_progress';
  await until('a deployment in progress', () => sys.gh.deployments(sys.owner, sys.repo).find(inProgress), 60_000);
  await first.kill();
  slow();
  worker();
  await sys.completed(sha, 2, 120_000);
  await sys.drained(120_000);
  const deploys = sys.gh.deployments(sys.owner, sys.repo).filter((d) => d.sha === sha);
  assert.ok(deploys.length >= 2, 'both apps deployed');
  for (const d of deploys) {
    const last = d.statuses.at(-1)?.state;
    assert.ok(last && !['in_progress', 'queued', 'pending'].includes(last), `deployment ${d.id} (${d.environment}) ended ${last}`);
  }
  assert.deepEqual(deploys.map((d) => d.environment).sort(), ['api', 'web'], 'the retry resumed the deployment instead of starting a second one');
  for (const c of runsOn(sha)) assert.equal(c.conclusion, 'success', `${c.name}: ${c.output.title}`);
  assert.equal(runsOn(sha).length, 2, describe(sha).join('\n'));
  assert.equal(replicas('web', 'web'), 5);
});

