// Issue 10, failure 4, with real processes (see system.ts): a plan that fails before it reaches any app
// (here every tarball download fails, on every attempt) still gives the PR a failing check run saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../src/devtools/system.ts';
import { deployment } from '../workers/harness.ts';
import { helpers, useFaultSystem } from './system.ts';

const f = useFaultSystem();
const worker = f.worker;

test('(d) a plan failing before any app still fails a check on the PR, saying why', async () => {
  const sys = f.sys();
  const { runsOn } = helpers(sys);
  worker();
  const headSha = await sys.gh.commit(sys.owner, sys.repo, { branch: 'plan-fail', from: 'main', files: { 'deploy/api/deployment.yaml': deployment('api', 7) } });
  const pr = await sys.gh.addPullRequest({ owner: sys.owner, repo: sys.repo, head: 'plan-fail' });
  // Every tarball download fails, on every attempt of the job.
  sys.gh.injectFault({ operationId: 'repos/download-tarball-archive', status: 404, times: 1000 });
  await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
  const run = await until('a failing check run on the PR head', () => runsOn(headSha).find((c) => c.status === 'completed' && c.conclusion === 'failure'), 90_000);
  assert.equal(run.name, 'driftguard');
  assert.match(run.output.summary ?? '', /failed: cannot download acme\/gitops at [0-9a-f]{7} from GitHub: /);
  await sys.drained(60_000);
  assert.deepEqual(runsOn(headSha).filter((c) => c.status !== 'completed'), [], 'nothing left in progress');
});
