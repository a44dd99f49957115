// The preview job's promises about its reports, with the real engine (renderer, kube adapter, sync) on
// the Kubernetes emulator and the GitHub emulator: an attempt that dies mid-way (here: the apply fails
// transiently) leaves its deployment in progress only for the retry, which resumes that same deployment
// and ends it; a final attempt that fails ends it in error, never in progress; a push that lands while
// a preview is queued wins (the older job does nothing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { ClusterRegistry } from '../../src/kube/cluster.ts';
import { syncApp } from '../../src/sync/sync-app.ts';
import type { PreviewJob } from '../../src/queue/jobs.ts';
import { prScope } from '../../src/store/latest-sha.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import { runPreview } from '../../workers/preview.ts';
import { runPlan } from '../../workers/plan.ts';
import { MARKER, PREVIEW_START } from '../../src/core/report/index.ts';
import { deployment, service, startHarness, startProductionCluster, type Harness } from './harness.ts';
import type { KubeEmulator } from '../../emulators/kube/index.ts';

let h: Harness;
let kube: KubeEmulator;
let registry: ClusterRegistry;
let deps: WorkerDeps;
let failNext = 0;

const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    preview:
      url: "https://pr-{{number}}.preview.example.com"
`;

before(async () => {
  h = await startHarness();
  const prod = await startProductionCluster(h, { kube: { rollout: { readyDelayMs: 20 } } });
  kube = prod.kube;
  const operator = parseOperatorConfig(prod.operatorFile, `${readFileSync(prod.operatorFile, 'utf8')}preview:\n  clusters: [production]\n`);
  registry = new ClusterRegistry(operator.clusters);
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web') } });
  deps = {
    ...h.deps, operator, cluster: (name) => registry.get(name), log: pino({ level: 'silent' }), syncTimeoutMs: 20_000,
    // The apply fails the way a lost connection does (a transient KUBE_API error), `failNext` times.
    sync: async (opts) => {
      if (failNext > 0) {
        failNext--;
        throw new DriftguardError('KUBE_API', 'connection reset by peer');
      }
      return syncApp(opts);
    },
  };
});
after(async () => {
  await registry.close();
  await kube.close();
  await h.close();
});

async function openPr(branch: string, replicas: number): Promise<PreviewJob> {
  await h.gh.commit('acme', 'gitops', { branch, from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', replicas) } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch });
  await h.gh.state.freeze(pr);
  const seq = await deps.latest.nextSeq();
  await deps.latest.offer(prScope('acme/gitops', pr.number), seq, pr.headSha!);
  return { kind: 'preview', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), pr: pr.number, headSha: pr.headSha!, action: 'up', seq, deliveryId: `d-${seq}` };
}

const envDeployments = (pr: number) => h.gh.deployments('acme', 'gitops').filter((d) => d.environment === `preview/web/pr-${pr}`);
const states = (pr: number) => envDeployments(pr).map((d) => d.statuses.map((s) => s.state));

test('an attempt that dies mid-way leaves its deployment to the retry, which resumes and finishes that one; the plan keeps the comment section', async () => {
  const job = await openPr('resume', 2);
  failNext = 1;
  await assert.rejects(runPreview(job, deps, { finalAttempt: false }), /connection reset/);
  assert.deepEqual(states(job.pr), [['in_progress']], 'left in progress for the retry');
  assert.equal((await deps.previews.get('acme/gitops', job.pr, 'web'))?.state, 'deploying');

  const r = await runPreview(job, deps, { finalAttempt: true });
  assert.equal(r.outcome, 'done');
  assert.equal(r.entries[0].state, 'ready', r.entries[0].message ?? '');
  assert.deepEqual(states(job.pr), [['in_progress', 'in_progress', 'success']], 'the same deployment, resumed and ended');
  const live = kube.getObject('apps/v1', 'Deployment', `pr-${job.pr}-web`, 'web');
  assert.equal((live?.spec as { replicas: number }).replicas, 2);

  // The plan job rewrites the sticky comment and keeps the preview job's section.
  const sticky = () => h.gh.comments('acme', 'gitops', job.pr).filter((c) => c.body.startsWith(MARKER));
  assert.equal(sticky().length, 1);
  assert.ok(sticky()[0].body.includes(PREVIEW_START));
  const info = await (await h.client()).pull(job.pr);
  const plan = await runPlan({ kind: 'plan', repo: job.repo, installationId: job.installationId, pr: job.pr, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: 'plan', seq: job.seq }, deps);
  assert.equal(plan.outcome, 'planned');
  const [comment] = sticky();
  assert.match(comment.body, /### Driftguard plan for/);
  assert.ok(comment.body.includes(`| web | ✅ Ready (Healthy) | <https://pr-${job.pr}.preview.example.com/> |`), comment.body);
  assert.equal(sticky().length, 1, 'one sticky comment');
});

test('a final attempt that fails ends the deployment in error and says so on the PR', async () => {
  const job = await openPr('final', 1);
  failNext = 1;
  await assert.rejects(runPreview(job, deps, { finalAttempt: true }), /connection reset/);
  assert.deepEqual(states(job.pr), [['in_progress', 'error']]);
  const record = await deps.previews.get('acme/gitops', job.pr, 'web');
  assert.equal(record?.state, 'failed');
  assert.match(record?.message ?? '', /connection reset/);
});

test('a preview job older than the PR head registered since does nothing', async () => {
  const job = await openPr('coalesce', 1);
  const newer = await deps.latest.nextSeq();
  await deps.latest.offer(prScope('acme/gitops', job.pr), newer, 'b'.repeat(40));
  const r = await runPreview(job, deps, { finalAttempt: true });
  assert.equal(r.outcome, 'superseded');
  assert.deepEqual(envDeployments(job.pr), []);
  assert.equal(await deps.previews.get('acme/gitops', job.pr, 'web'), undefined);
});
