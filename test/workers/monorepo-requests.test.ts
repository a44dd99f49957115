// A monorepo of kustomize overlays of one shared base: which apps a push or a PR changed comes from one
// compare (or PR-files) read and the commit's checkout, never a contents-API read per app, and every
// job of the commit shares that one checkout (one tarball download per SHA). Requests are counted on
// the GitHub emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type SyncJob } from '../../src/queue/index.ts';
import { prScope } from '../../src/store/index.ts';
import { runPush } from '../../workers/push.ts';
import { runSync } from '../../workers/sync.ts';
import { runPlan } from '../../workers/plan.ts';
import { renderAppAtSha } from '../../workers/checkout.ts';
import { parseRepoConfig } from '../../src/core/config/index.ts';
import { deployment, startHarness, type Harness } from './harness.ts';

// Few enough that the writes stay within the emulator's secondary limit (the harness does not pace); the reads are what is counted.
const APPS = 6;
const REPO = 'acme/mono';
const names = Array.from({ length: APPS }, (_, i) => `app${i}`);
const CONFIG = `apps:\n${names.map((n) => `  - {name: ${n}, path: apps/${n}, cluster: production, namespace: web, syncPolicy: {automated: true, prune: true}}`).join('\n')}\n`;
const overlay = (n: string) => `resources: [../../base]\nnamePrefix: ${n}-\n`;

let h: Harness;

before(async () => {
  h = await startHarness();
  const files: Record<string, string> = {
    '.github/driftguard.yml': CONFIG,
    'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
    'base/deployment.yaml': deployment('svc'),
    'README.md': '# mono\n',
  };
  for (const n of names) files[`apps/${n}/kustomization.yaml`] = overlay(n);
  await h.gh.addRepo({ owner: 'acme', name: 'mono', files });
});
after(async () => {
  await h.close();
});

const inst = () => h.gh.installationId('acme');
/** Requests made while `f` runs, by operation. */
async function counting<T>(f: () => Promise<T>): Promise<{ result: T; count: (op: string) => number }> {
  const from = h.gh.requests().length;
  const result = await f();
  const reqs = h.gh.requests().slice(from);
  return { result, count: (op) => reqs.filter((r) => r.operationId === op).length };
}

test('a push changing the shared base: one compare, one config read, one tarball for the fan-out and every sync', async () => {
  const client = await h.deps.github(REPO, inst());
  const beforeSha = (await client.octokit.rest.repos.getBranch({ owner: 'acme', repo: 'mono', branch: 'main' })).data.commit.sha;
  const sha = await h.gh.commit('acme', 'mono', { branch: 'main', files: { 'base/deployment.yaml': deployment('svc', 2) } });
  const seq = await h.deps.latest.nextSeq();
  const push = await counting(() => runPush({ kind: 'push', repo: REPO, installationId: inst(), ref: 'refs/heads/main', sha, before: beforeSha, forced: false, defaultBranch: 'main', deliveryId: 'mono-1', seq }, h.deps));
  assert.deepEqual(push.result.apps, names, 'every overlay of the base changed');
  assert.equal(push.count('repos/compare-commits-with-basehead'), 1);
  assert.equal(push.count('repos/get-content'), 1, 'the config only: no kustomization read per app');
  assert.equal(push.count('repos/download-tarball-archive'), 1);

  const jobs = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).filter((j) => j.repo === REPO && j.sha === sha);
  assert.equal(jobs.length, APPS);
  // One after another, as push-fanout.test.ts does: the harness's 2 s app leases are not renewed in time
  // when six renders compete for a loaded machine (concurrent jobs sharing a tree: test/github/checkout-cache.test.ts).
  const syncs = await counting(async () => {
    const out = [];
    for (const j of jobs) out.push(await runSync(j, h.deps));
    return out;
  });
  assert.deepEqual(syncs.result.map((r) => r.outcome), jobs.map(() => 'synced'), JSON.stringify(h.gh.checkRuns('acme', 'mono', { headSha: sha }).map((c) => [c.output.title, c.output.summary]).slice(0, 2)));
  assert.equal(syncs.count('repos/download-tarball-archive'), 0, 'the syncs use the fan-out\'s checkout');
  assert.ok(h.cluster.syncCalls.some((c) => c.app === 'app3' && c.desired.some((o) => o.object.metadata.name === 'app3-svc')));

  // The drift detector's read of an app at the commit: no download either.
  const config = parseRepoConfig('.github/driftguard.yml', CONFIG);
  const drift = await counting(() => renderAppAtSha(h.deps, client, sha, config.apps[3]));
  assert.equal(drift.count('repos/download-tarball-archive'), 0);
  assert.ok(drift.result.ok === true && drift.result.complete && drift.result.objects.some((o) => o.object.metadata.name === 'app3-svc'));
});

test('a PR touching the shared base: the changed apps from the PR files and the head checkout', async () => {
  await h.gh.commit('acme', 'mono', { branch: 'base-change', from: 'main', files: { 'base/deployment.yaml': deployment('svc', 5) } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'mono', head: 'base-change' });
  const info = await (await h.deps.github(REPO, inst())).pull(pr.number);
  const seq = await h.deps.latest.nextSeq();
  await h.deps.latest.offer(prScope(REPO, pr.number), seq, info.headSha);
  const plan = await counting(() => runPlan({ kind: 'plan', repo: REPO, installationId: inst(), pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: 'mono-pr', seq }, h.deps));
  assert.deepEqual(plan.result, { outcome: 'planned', apps: names });
  assert.equal(plan.count('repos/get-content'), 1, 'the config only');
  assert.equal(plan.count('pulls/list-files'), 1);
  assert.ok(plan.count('repos/download-tarball-archive') <= 2, 'head and base, once each');
  const run = h.gh.checkRuns('acme', 'mono', { headSha: info.headSha, name: 'driftguard / app5' })[0];
  assert.equal(run.conclusion, 'success', run.output.summary ?? '');

  // A PR touching one overlay selects that app only, still without a read per app.
  await h.gh.commit('acme', 'mono', { branch: 'one-app', from: 'main', files: { 'apps/app4/kustomization.yaml': `${overlay('app4')}commonLabels: {tier: web}\n` } });
  const pr2 = await h.gh.addPullRequest({ owner: 'acme', repo: 'mono', head: 'one-app' });
  const info2 = await (await h.deps.github(REPO, inst())).pull(pr2.number);
  const seq2 = await h.deps.latest.nextSeq();
  await h.deps.latest.offer(prScope(REPO, pr2.number), seq2, info2.headSha);
  const plan2 = await counting(() => runPlan({ kind: 'plan', repo: REPO, installationId: inst(), pr: pr2.number, headSha: info2.headSha, baseSha: info2.baseSha, fork: false, deliveryId: 'mono-pr2', seq: seq2 }, h.deps));
  assert.deepEqual(plan2.result, { outcome: 'planned', apps: ['app4'] });
  assert.equal(plan2.count('repos/get-content'), 1);
});
