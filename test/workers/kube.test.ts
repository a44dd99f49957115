// Workers over the real engine: render → kube adapter → Kubernetes emulator, reported to the GitHub
// emulator. Drift made out of band shows in the next plan; a merge push syncs and prunes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEmulator } from '../../emulators/kube/index.ts';
import type { WorkerProcess } from '../../workers/start.ts';
import { prScope } from '../../src/store/index.ts';
import { CONFIG, deployment, service, startEmulatedWorkers, startHarness, until, type EmulatedWorkers, type Harness } from './harness.ts';

let h: Harness;
let kube: KubeEmulator;
let w: WorkerProcess;
let system: EmulatedWorkers;

before(async () => {
  h = await startHarness();
  system = await startEmulatedWorkers(h, { cluster: 'production', namespaces: ['web', 'api'] });
  ({ kube, workers: w } = system);
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web') } });
});
after(async () => {
  await system.close();
  await h.close();
});

test('merge push syncs to the cluster (check run success), then drift made by hand shows in a PR plan', async () => {
  const deps = w.deps;
  const inst = h.gh.installationId('acme');
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2) } });
  const seq = await deps.latest.nextSeq();
  await h.producer.push({ repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: 'k1', seq });
  const run = await until('sync check run', () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  assert.equal(run.conclusion, 'success', `${run.output.title}\n${run.output.summary}`);
  const live = kube.getObject('apps/v1', 'Deployment', 'web', 'web')!;
  assert.equal((live.spec as { replicas: number }).replicas, 2);
  assert.equal(live.metadata.labels?.['driftguard.dev/app'], 'web');
  assert.ok(kube.getObject('v1', 'Service', 'web', 'web'));

  // Someone scales by hand; a PR touching web shows that drift (live vs base) separately.
  kube.putObject({ ...live, spec: { ...(live.spec as object), replicas: 5 } });
  await h.gh.commit('acme', 'gitops', { branch: 'img', from: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', 2, 'nginx:1.28') } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'img' });
  const info = await (await h.client()).pull(pr.number);
  const s2 = await deps.latest.nextSeq();
  await deps.latest.offer(prScope('acme/gitops', pr.number), s2, info.headSha);
  await h.producer.plan({ repo: 'acme/gitops', installationId: inst, pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: 'k2', seq: s2 });
  const comment = await until('plan comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->')));
  assert.match(comment.body, /\| web \| production\/web \| \+0 ~1 −0 \|/);
  const drift = comment.body.slice(comment.body.indexOf('Drift already in the cluster'));
  assert.match(drift, /replicas: 5/);
  assert.match(comment.body, /nginx:1\.28/);
  // Health is the app's current health in the cluster: the emulator's Deployment has rolled out.
  assert.match(comment.body, /\| web \| production\/web \| \+0 ~1 −0 \| Healthy \| 1 \|/);
  assert.match(comment.body, /<summary><b>web<\/b> — production\/web: \+0 ~1 −0, drift 1, Healthy<\/summary>/);
  const planRun = h.gh.checkRuns('acme', 'gitops', { headSha: info.headSha, name: 'driftguard / web' }).find((c) => c.status === 'completed')!;
  assert.match(planRun.output.summary ?? '', /Health in the cluster now: \*\*Healthy\*\*/);

  // The Service is deleted by hand: the app's resource is not created, so the app is Missing (Argo CD).
  assert.ok(kube.deleteObject('v1', 'Service', 'web', 'web'));
  const s3 = await deps.latest.nextSeq();
  await deps.latest.offer(prScope('acme/gitops', pr.number), s3, info.headSha);
  await h.producer.plan({ repo: 'acme/gitops', installationId: inst, pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: 'k3', seq: s3 }, { rerunKey: 'missing-service' });
  const missing = await until('re-planned comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->') && c.body.includes('| Missing |')));
  assert.match(missing.body, /\| web \| production\/web \| \+0 ~1 −0 \| Missing \| 2 \|/);
  const runs = await until('second plan check run', () => {
    const rs = h.gh.checkRuns('acme', 'gitops', { headSha: info.headSha, name: 'driftguard / web' }).filter((c) => c.status === 'completed');
    return rs.length >= 2 && rs;
  });
  const summary = runs.map((r) => r.output.summary ?? '').find((t) => t.includes('**Missing**'));
  assert.ok(summary, runs.map((r) => r.output.summary).join('\n---\n'));
  assert.match(summary, /- Missing `Service web\/web`: not found in the cluster/);
});
