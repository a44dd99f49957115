// Drift scans through the worker over the Kubernetes emulator and the GitHub emulator: a revision that
// does not render and a cluster that cannot be reached each end in a neutral drift check run (and a
// line in an open issue), the scan of the other apps goes on, a broken revision is not downloaded
// again on the next scan, and apps that leave the config stop being scanned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.ts';
import { startWorkers, type WorkerProcess } from '../../workers/start.ts';
import { runDriftScan } from '../../workers/drift.ts';
import { deployment, QUIET_CHECKS, service, startHarness, until, type Harness } from './harness.ts';

let h: Harness;
let kube: KubeEmulator;
let w: WorkerProcess;

const CONFIG = (withOffline: boolean) => `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    syncPolicy: {automated: true}
  - name: broken
    path: deploy/broken
    cluster: production
    namespace: api
    driftDetection: true
${withOffline ? `  - name: faraway
    path: deploy/faraway
    cluster: offline
    namespace: web
    driftDetection: true
` : ''}`;

before(async () => {
  h = await startHarness();
  kube = await startKubeEmulator();
  const kubeconfig = kube.writeKubeconfig(join(h.redis.dir, 'kubeconfig'));
  // A cluster nobody answers at: the same kubeconfig pointed at a closed port.
  const offline = join(h.redis.dir, 'kubeconfig-offline');
  writeFileSync(offline, readFileSync(kubeconfig, 'utf8').replace(/server: .*/, 'server: https://127.0.0.1:1'));
  const operator = join(h.redis.dir, 'operator.yml');
  writeFileSync(operator, `clusters:
  - {name: production, kubeconfig: ${kubeconfig}, context: driftguard-dev}
  - {name: offline, kubeconfig: ${offline}, context: driftguard-dev}
projects:
  - {name: default, repos: ["acme/*"], destinations: [{cluster: production, namespaces: [web, api]}, {cluster: offline, namespaces: [web]}]}
drift:
  interval: 1h
  debounce: 1s
${QUIET_CHECKS}`);
  for (const ns of ['web', 'api']) kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  w = await startWorkers({ DRIFTGUARD_CONFIG: operator, REDIS_URL: h.redis.url, LOG_LEVEL: 'silent', DRIFTGUARD_SYNC_TIMEOUT_MS: '20000' }, { github: h.deps.github, log: (await import('pino')).pino({ level: process.env.TEST_LOG ?? 'silent' }), producer: h.producer });
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: {
    '.github/driftguard.yml': CONFIG(true),
    'deploy/web/deployment.yaml': deployment('web'), 'deploy/web/service.yaml': service('web'),
    'deploy/broken/kustomization.yaml': 'resources:\n  - missing.yaml\n',
    'deploy/faraway/service.yaml': service('far'),
  } });
});
after(async () => {
  await w.close();
  await kube.close();
  await h.close();
});

const driftRun = (sha: string, app: string) => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: `driftguard / drift / ${app}` }).find((c) => c.status === 'completed');

test('a broken revision and an unreachable cluster are reported in the drift check run; the other apps are scanned; apps that leave the config stop', { timeout: 120_000 }, async () => {
  const inst = h.gh.installationId('acme');
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'README.md': 'x\n' } });
  await h.producer.push({ repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: 'd1', seq: await w.deps.latest.nextSeq() });
  const synced = await until('the web sync', () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' }).find((c) => c.status === 'completed'));
  assert.equal(synced.conclusion, 'success', synced.output.summary ?? '');

  const broken = await until('the broken app reported', () => driftRun(sha, 'broken'), 60_000);
  assert.equal(broken.conclusion, 'neutral');
  assert.match(broken.output.summary ?? '', new RegExp(`The target revision ${sha.slice(0, 7)} does not render: .*missing\\.yaml`));
  const far = await until('the unreachable cluster reported', () => driftRun(sha, 'faraway'), 90_000);
  assert.equal(far.conclusion, 'neutral');
  assert.match(far.output.summary ?? '', /Cluster offline could not be read during the last scan/);

  // The broken revision is not downloaded again, and the same problem is not written again.
  const tarballs = h.gh.requests({ operationId: 'repos/download-tarball-archive' }).length;
  const writes = h.gh.requests().length;
  assert.equal(await runDriftScan({ kind: 'drift', repo: 'acme/gitops', installationId: inst, app: 'broken', reason: 'interval' }, w.deps), 'render-failed');
  assert.equal(h.gh.requests({ operationId: 'repos/download-tarball-archive' }).length, tarballs);
  assert.equal(h.gh.requests().length, writes);

  // Meanwhile web, on the reachable cluster, is scanned as ever: a scale by hand opens its issue.
  const live = kube.getObject('apps/v1', 'Deployment', 'web', 'web')!;
  kube.putObject({ ...live, spec: { ...(live.spec as object), replicas: 4 } });
  const issue = await until('the web drift issue', () => h.gh.issues('acme', 'gitops').find((i) => i.title === 'Drift: web on production/web'), 60_000);
  assert.match(issue.body ?? '', /`\/spec\/replicas`/);
  const webRun = await until('the web drift check run', () => driftRun(sha, 'web'));
  assert.equal(webRun.conclusion, 'failure');

  // faraway leaves the config: its scheduler and target go.
  const before = await w.deps.drift!.scheduler.schedulers();
  const sha2 = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { '.github/driftguard.yml': CONFIG(false) } });
  await h.producer.push({ repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha: sha2, before: sha, defaultBranch: 'main', deliveryId: 'd2', seq: await w.deps.latest.nextSeq() });
  await until('faraway unregistered', async () => !(await w.deps.drift!.targets.apps('acme/gitops')).includes('faraway'), 30_000);
  assert.equal(await w.deps.drift!.scheduler.schedulers(), before - 1);
  assert.equal(await runDriftScan({ kind: 'drift', repo: 'acme/gitops', installationId: inst, app: 'faraway', reason: 'interval' }, w.deps), 'no-target');
});
