// Push fan-out selects only the apps a push changed (compare API between before and after), and merged
// PRs hear only about apps they changed and syncs that did something. Against the GitHub emulator
// with the real renderer; the cluster is the in-memory fake of the harness.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type PushJob, type SyncJob } from '../../src/queue/index.ts';
import { parseRepoConfig } from '../../src/core/config/index.ts';
import type { CompareResult, RepoClient } from '../../src/github/client.ts';
import { appsChangedBy, kustomizationRefs, kustomizeSources, pushChanges, touchedApps, type ChangeSet } from '../../workers/changed-apps.ts';
import { runPush } from '../../workers/push.ts';
import { runSync } from '../../workers/sync.ts';
import { deployment, service, startHarness, type Harness } from './harness.ts';

const REPO = 'acme/fanout';
const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    syncPolicy: {automated: true, prune: true}
  - name: api
    path: deploy/api/overlays/prod
    cluster: production
    namespace: api
    syncPolicy: {automated: true, prune: true}
  - name: api-staging
    path: deploy/api/overlays/staging
    cluster: production
    namespace: api
    targetRevision: staging
    syncPolicy: {automated: true}
`;
const overlay = (replicas: number) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
patches:
  - target: {kind: Deployment, name: api}
    patch: |-
      - op: add
        path: /spec/replicas
        value: ${replicas}
configMapGenerator:
  - name: api-settings
    envs: [settings.env]
`;

let h: Harness;
let gh: RepoClient;
let seq = 0;

before(async () => {
  h = await startHarness();
  await h.gh.addRepo({
    owner: 'acme', name: 'fanout',
    files: {
      '.github/driftguard.yml': CONFIG,
      'deploy/web/deployment.yaml': deployment('web'),
      'deploy/web/service.yaml': service('web'),
      'deploy/api/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'deploy/api/base/deployment.yaml': deployment('api'),
      'deploy/api/overlays/prod/kustomization.yaml': overlay(3),
      'deploy/api/overlays/staging/kustomization.yaml': 'resources: [../../base]\ncomponents: [../../components/probes]\n',
      'deploy/api/overlays/prod/settings.env': 'MODE=prod\n',
      'deploy/api/components/probes/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
      'README.md': '# fanout\n',
    },
  });
  gh = await h.deps.github(REPO, h.gh.installationId('acme'));
});
after(async () => {
  await h.close();
});

const inst = () => h.gh.installationId('acme');

async function push(beforeSha: string | undefined, after: string, extra: Partial<PushJob> = {}) {
  seq = await h.deps.latest.nextSeq();
  return runPush({ kind: 'push', repo: REPO, installationId: inst(), ref: 'refs/heads/main', sha: after, ...(beforeSha ? { before: beforeSha } : {}), forced: false, defaultBranch: 'main', deliveryId: `d${seq}`, seq, ...extra }, h.deps);
}

async function syncAll(sha: string): Promise<string[]> {
  const jobs = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).filter((j) => j.repo === REPO && j.sha === sha);
  for (const j of jobs) await runSync(j, h.deps);
  return jobs.map((j) => j.app).sort();
}

async function head(branch: string): Promise<string> {
  return (await gh.octokit.rest.repos.getBranch({ owner: 'acme', repo: 'fanout', branch })).data.commit.sha;
}

async function mergePr(branch: string, files: Record<string, string | null>): Promise<{ pr: number; before: string; sha: string }> {
  const beforeSha = await head('main');
  await h.gh.commit('acme', 'fanout', { branch, from: 'main', files });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'fanout', head: branch });
  const sha = await h.gh.mergePullRequest('acme', 'fanout', pr.number);
  return { pr: pr.number, before: beforeSha, sha };
}

const prComments = (pr: number) => h.gh.comments('acme', 'fanout', pr).filter((c) => c.user.endsWith('[bot]')).map((c) => c.body);
const runsOn = (sha: string) => h.gh.checkRuns('acme', 'fanout', { headSha: sha }).map((c) => c.name).sort();

test('pushChanges: all apps on first push, force-push, unknown or non-ancestor before, too many files', async () => {
  const fake = (r: CompareResult | null) => ({ compare: async () => r });
  const ahead = (files: string[], complete = true): CompareResult => ({ status: 'ahead', files, complete });
  const cases: Array<[string, Partial<PushJob>, CompareResult | null, ChangeSet['all'], string[]?]> = [
    ['first push (before all zeros)', { before: '0'.repeat(40) }, ahead(['x']), true],
    ['job without before (queued by an older version)', {}, ahead(['x']), true],
    ['force-push', { before: 'a'.repeat(40), forced: true }, ahead(['x']), true],
    ['before unknown to GitHub', { before: 'a'.repeat(40) }, null, true],
    ['before not an ancestor (diverged)', { before: 'a'.repeat(40) }, { status: 'diverged', files: ['x'], complete: true }, true],
    ['before ahead of after (behind)', { before: 'a'.repeat(40) }, { status: 'behind', files: [], complete: true }, true],
    ['300 files or more', { before: 'a'.repeat(40) }, ahead(['x'], false), true],
    ['fast-forward', { before: 'a'.repeat(40) }, ahead(['deploy/web/a.yaml', 'README.md']), false, ['deploy/web/a.yaml', 'README.md']],
    ['same commit', { before: 'a'.repeat(40) }, { status: 'identical', files: [], complete: true }, false, []],
  ];
  for (const [name, job, cmp, all, files] of cases) {
    const r = await pushChanges(fake(cmp), { sha: 'b'.repeat(40), ...job });
    assert.equal(r.all, all, name);
    if (!r.all) assert.deepEqual(r.files, files, name);
  }
});

test('selection by path: app path, helm value files outside it, the config; kustomization references', () => {
  const cfg = parseRepoConfig('.github/driftguard.yml', `${CONFIG}  - name: chart\n    path: charts/x\n    cluster: production\n    namespace: web\n    helm: {valueFiles: [../../env/prod.yaml]}\n`);
  const cases: Array<[string[], string[]]> = [
    [['deploy/web/deployment.yaml'], ['web']],
    [['deploy/web'], ['web']],
    [['deploy/webapp/deployment.yaml', 'README.md'], []],
    [['deploy/api/overlays/prod/kustomization.yaml'], ['api']],
    [['env/prod.yaml'], ['chart']],
    [['env/staging.yaml'], []],
    [['charts/x/values.yaml', 'deploy/web/service.yaml'], ['web', 'chart']],
    [['.github/driftguard.yml'], ['web', 'api', 'api-staging', 'chart']],
  ];
  for (const [files, apps] of cases) assert.deepEqual(touchedApps(cfg, files).map((a) => a.name), apps, files.join(','));

  const refs: Array<[unknown, string[]]> = [
    [{ resources: ['../../base', 'extra.yaml', 'https://github.com/x/y//z?ref=v1'] }, ['../../base', 'extra.yaml', 'https://github.com/x/y//z?ref=v1']],
    [{ bases: ['../b'], components: ['../c'], patchesStrategicMerge: ['p.yaml', 'apiVersion: v1\nkind: X\n'] }, ['../b', '../c', 'p.yaml']],
    [{ patches: [{ path: 'a.yaml' }, { patch: 'inline' }], patchesJson6902: [{ path: 'j.yaml' }], replacements: [{ path: 'r.yaml' }] }, ['a.yaml', 'j.yaml', 'r.yaml']],
    [{ configMapGenerator: [{ name: 'c', files: ['k=../conf/a.txt', 'b.txt'], envs: ['x.env'] }], secretGenerator: [{ env: 's.env' }] }, ['../conf/a.txt', 'b.txt', 'x.env', 's.env']],
    [{ helmGlobals: { chartHome: '../charts' } }, ['../charts']],
    ['not a map', []],
  ];
  for (const [doc, want] of refs) assert.deepEqual(kustomizationRefs(doc), want, JSON.stringify(doc));
});

test('kustomize references outside the app path are followed through the contents API', async () => {
  assert.deepEqual(await kustomizeSources(gh, 'deploy/api/overlays/prod', 'main'), ['deploy/api/base']);
  assert.deepEqual(await kustomizeSources(gh, 'deploy/api/overlays/staging', 'main'), ['deploy/api/base', 'deploy/api/components/probes']);
  assert.deepEqual(await kustomizeSources(gh, 'deploy/web', 'main'), []);
  const cfg = parseRepoConfig('.github/driftguard.yml', CONFIG);
  const cases: Array<[string[], string[]]> = [
    [['deploy/api/base/deployment.yaml'], ['api', 'api-staging']],
    [['deploy/api/overlays/prod/settings.env'], ['api']],
    [['deploy/api/components/probes/kustomization.yaml'], ['api-staging']],
    [['deploy/api/components/other/kustomization.yaml'], []],
    [['deploy/web/service.yaml'], ['web']],
    [['README.md'], []],
  ];
  for (const [files, apps] of cases) {
    assert.deepEqual((await appsChangedBy(gh, cfg, { all: false, files }, 'main')).map((a) => a.name), apps, files.join(','));
  }
});

test('push: first push syncs every automated app of the branch; later pushes only the changed ones', async () => {
  const first = await head('main');
  const r0 = await push('0'.repeat(40), first);
  assert.deepEqual(r0.apps, ['web', 'api']);
  assert.deepEqual(await syncAll(first), ['api', 'web']);

  // A PR that only touches web: only web syncs; api gets no check run, no sync, no comment.
  const webPr = await mergePr('web-3', { 'deploy/web/deployment.yaml': deployment('web', 3) });
  const syncsBefore = h.cluster.syncCalls.length;
  const r1 = await push(webPr.before, webPr.sha);
  assert.deepEqual([r1.apps, r1.unchanged], [['web'], ['api']]);
  assert.deepEqual(runsOn(webPr.sha), ['driftguard / web']);
  assert.deepEqual(await syncAll(webPr.sha), ['web']);
  assert.deepEqual(h.cluster.syncCalls.slice(syncsBefore).map((c) => c.app), ['web']);
  assert.equal(h.gh.checkRuns('acme', 'fanout', { headSha: webPr.sha })[0].conclusion, 'success');
  assert.deepEqual(prComments(webPr.pr).map((b) => b.split('\n')[0]), [`Synced ${webPr.sha.slice(0, 7)} to production/web: 0 created, 1 updated, 0 pruned — Healthy`]);
  assert.ok(h.gh.deployments('acme', 'fanout').some((d) => d.sha === webPr.sha && d.environment === 'web'));
  assert.ok(!h.gh.deployments('acme', 'fanout').some((d) => d.sha === webPr.sha && d.environment === 'api'));

  // A PR that changes the shared kustomize base: api (prod overlay on main) syncs, web does not.
  const basePr = await mergePr('api-base', { 'deploy/api/base/deployment.yaml': deployment('api', 1, 'nginx:1.28') });
  const r2 = await push(basePr.before, basePr.sha);
  assert.deepEqual([r2.apps, r2.unchanged], [['api'], ['web']]);
  await syncAll(basePr.sha);
  assert.deepEqual(prComments(basePr.pr).map((b) => b.split(':')[0]), [`Synced ${basePr.sha.slice(0, 7)} to production/api`]);

  // A README-only push syncs nothing and creates no check run.
  const docs = await mergePr('docs', { 'README.md': '# fanout, documented\n' });
  const r3 = await push(docs.before, docs.sha);
  assert.deepEqual([r3.apps, r3.unchanged], [[], ['web', 'api']]);
  assert.deepEqual(runsOn(docs.sha), []);
});

test('merged PR comments: only for apps the PR changed, and only when the sync changed something', async () => {
  // One push carries a direct commit to api and a merged PR that touches only web: both sync,
  // the PR hears about web only.
  const beforeSha = await head('main');
  await h.gh.commit('acme', 'fanout', { branch: 'main', files: { 'deploy/api/overlays/prod/kustomization.yaml': overlay(4) } });
  const webPr = await mergePr('web-4', { 'deploy/web/deployment.yaml': deployment('web', 4) });
  const r = await push(beforeSha, webPr.sha);
  assert.deepEqual(r.apps, ['web', 'api']);
  assert.deepEqual(await syncAll(webPr.sha), ['api', 'web']);
  assert.deepEqual(h.gh.checkRuns('acme', 'fanout', { headSha: webPr.sha }).map((c) => [c.name, c.conclusion]).sort(), [['driftguard / api', 'success'], ['driftguard / web', 'success']]);
  assert.deepEqual(prComments(webPr.pr).map((b) => b.split(':')[0]), [`Synced ${webPr.sha.slice(0, 7)} to production/web`]);

  // A PR whose change renders to the same objects (a YAML comment): the sync runs and its check
  // run reports success, but the PR gets no "0 created, 0 updated, 0 pruned" comment.
  const quiet = await mergePr('web-comment', { 'deploy/web/deployment.yaml': `# scaled to 4 for the launch\n${deployment('web', 4)}` });
  assert.deepEqual((await push(quiet.before, quiet.sha)).apps, ['web']);
  assert.deepEqual(await syncAll(quiet.sha), ['web']);
  const run = h.gh.checkRuns('acme', 'fanout', { headSha: quiet.sha, name: 'driftguard / web' })[0];
  assert.equal(run.conclusion, 'success');
  assert.match(run.output.title ?? '', /0 created, 0 updated, 0 pruned/);
  assert.deepEqual(prComments(quiet.pr), []);
});

test('push: a config change, a force-push or an unknown before syncs every app of the branch', async () => {
  const cfg = await mergePr('cfg', { '.github/driftguard.yml': `${CONFIG}# reviewed\n` });
  assert.deepEqual(await push(cfg.before, cfg.sha), { outcome: 'fanned-out', apps: ['web', 'api'], superseded: [], unchanged: [] });

  // History rewritten: `after` does not descend from `before`.
  const base = await head('main');
  const parent = (await gh.octokit.rest.repos.getCommit({ owner: 'acme', repo: 'fanout', ref: base })).data.parents[0].sha;
  const rewritten = await h.gh.commit('acme', 'fanout', { branch: 'rewrite', from: parent, files: { 'README.md': '# rewritten\n' } });
  assert.equal((await gh.compare(base, rewritten))?.status, 'diverged');
  assert.deepEqual((await push(base, rewritten)).apps, ['web', 'api']);
  assert.deepEqual((await push(base, rewritten, { forced: true })).apps, ['web', 'api']);
  assert.deepEqual((await push('1234567'.repeat(5) + '12345', base)).apps, ['web', 'api']);
  assert.deepEqual(h.gh.responseViolations(), []);
});
