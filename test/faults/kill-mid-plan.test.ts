// Issue 10, failure 4, with real processes (see system.ts): every report finishes. A check run a worker
// SIGKILLed mid-plan started is finished by whoever runs the job next (one run per app and commit, none
// left in progress).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../src/devtools/system.ts';
import { deployment } from '../workers/harness.ts';
import { helpers, useFaultSystem } from './system.ts';

const f = useFaultSystem();
const worker = f.worker;

test('(b) a worker SIGKILLed mid-plan: the next worker finishes the same check run', async () => {
  const sys = f.sys();
  const { runsOn, describe } = helpers(sys);
  const headSha = await sys.gh.commit(sys.owner, sys.repo, { branch: 'plan-kill', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 4) } });
  const pr = await sys.gh.addPullRequest({ owner: sys.owner, repo: sys.repo, head: 'plan-kill' });
  // Reading the live state is slow, so the plan is caught mid-way with its run in progress.
  const slow = sys.kube.faults.latency(60_000, { verb: ['list', 'get', 'patch'], resource: 'deployments' });
  const first = worker();
  await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
  await until('the plan run in progress', () => runsOn(headSha).find((c) => c.name === 'driftguard / web' && c.status === 'in_progress'), 60_000);
  await first.kill();
  slow();
  worker();
  await until('the plan run completed', () => runsOn(headSha).some((c) => c.name === 'driftguard / web') && runsOn(headSha).every((c) => c.status === 'completed'), 90_000);
  await sys.drained(90_000);
  const web = runsOn(headSha).filter((c) => c.name === 'driftguard / web');
  assert.equal(web.length, 1, `one plan run for web on ${headSha.slice(0, 7)}:\n${describe(headSha).join('\n')}`);
  // The plan ran to its end (neutral: the misconfiguration checks warn about the example Deployment).
  assert.ok(['success', 'neutral'].includes(web[0].conclusion ?? ''), `${web[0].conclusion}: ${web[0].output.title}`);
  assert.doesNotMatch(web[0].output.title ?? '', /failed|replaced/i);
  assert.deepEqual(runsOn(headSha).filter((c) => c.status !== 'completed'), []);
});

