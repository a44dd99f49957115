// A PR plan works on its apps side by side (workers/plan.ts, bounded by deps.planConcurrency): the same
// PR planned one app at a time and several at once gives the same comment and the same check run per
// app, and no more apps than the bound are ever in flight. Real render, Kubernetes emulator, GitHub
// emulator: six kustomize overlays of one shared base, a PR changing the base and breaking one overlay,
// one app already synced and drifted by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { prScope } from '../../src/store/index.ts';
import { runPlan } from '../../workers/plan.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import type { PlanJob } from '../../src/queue/index.ts';
import { deployment, startEmulatedWorkers, startHarness, type EmulatedWorkers, type Harness } from './harness.ts';

const APPS = Array.from({ length: 6 }, (_, i) => `app-${i}`);
const BOUND = 3;

const base = (value: string) => ({
  'base/kustomization.yaml': 'resources: [configmap.yaml, deployment.yaml]\n',
  'base/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {value: "${value}"}\n`,
  'base/deployment.yaml': deployment('web'),
});
const overlay = (i: number) => `namespace: team-${i}\nresources: [../../base]\n`;
const config = `apps:\n${APPS.map((a, i) => `  - {name: ${a}, path: apps/${a}, cluster: production, namespace: team-${i}}\n`).join('')}`;

let h: Harness;
let system: EmulatedWorkers;

before(async () => {
  h = await startHarness();
  system = await startEmulatedWorkers(h, { cluster: 'production', namespaces: APPS.map((_, i) => `team-${i}`) });
  await h.gh.addRepo({
    owner: 'acme', name: 'gitops',
    files: { '.github/driftguard.yml': config, ...base('a'), ...Object.fromEntries(APPS.map((a, i) => [`apps/${a}/kustomization.yaml`, overlay(i)])) },
  });
});
after(async () => {
  await system.close();
  await h.close();
});

/** Counts apps whose live diff is in flight; the first `gather` callers wait for each other (proof they overlap). */
function countingDiff(deps: WorkerDeps, gather: number): { diffLive: WorkerDeps['diffLive']; peak: () => number; gathered: () => boolean } {
  let inFlight = 0;
  let peak = 0;
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => { release = r; });
  return {
    peak: () => peak,
    gathered: () => arrived >= gather,
    diffLive: async (opts) => {
      peak = Math.max(peak, ++inFlight);
      try {
        if (++arrived <= gather) {
          if (arrived === gather) release();
          // Never a deadlock: a plan that does not overlap its apps gets through, and fails below.
          await Promise.race([all, new Promise((r) => setTimeout(r, 20_000))]);
        }
        return await deps.diffLive(opts);
      } finally {
        inFlight--;
      }
    },
  };
}

test('a PR planned with apps side by side: same comment and check runs as one at a time, never more apps in flight than the bound', async () => {
  const deps = system.workers.deps;
  const inst = h.gh.installationId('acme');
  // app-1 is live and drifted by hand (the others are not deployed yet).
  const synced = await deps.sync({ cluster: deps.cluster('production'), app: 'app-1', namespace: 'team-1', desired: [
    { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team-1' }, data: { value: 'a' } } },
  ], prune: false, dryRun: false, timeoutMs: 20_000 });
  assert.equal(synced.phase, 'Succeeded', synced.message);
  const live = system.kube.getObject('v1', 'ConfigMap', 'team-1', 'settings')!;
  system.kube.putObject({ ...live, data: { value: 'by-hand' } });

  await h.gh.commit('acme', 'gitops', { branch: 'base-b', from: 'main', files: { ...base('b'), 'apps/app-4/kustomization.yaml': 'namespace: team-4\nresources: [../../base, missing.yaml]\n' } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'base-b' });
  const info = await (await h.client()).pull(pr.number);

  const planWith = async (planConcurrency: number) => {
    const seq = await deps.latest.nextSeq();
    await deps.latest.offer(prScope('acme/gitops', pr.number), seq, info.headSha);
    const job: PlanJob = { kind: 'plan', repo: 'acme/gitops', installationId: inst, pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: `c-${seq}`, seq };
    const counting = countingDiff(deps, Math.min(planConcurrency, APPS.length));
    const r = await runPlan(job, { ...deps, planConcurrency, diffLive: counting.diffLive });
    assert.equal(r.outcome, 'planned');
    assert.deepEqual(r.apps, APPS, 'reports in the order of the config');
    const runs = h.gh.checkRuns('acme', 'gitops', { headSha: info.headSha }).filter((c) => c.externalId?.endsWith(`:${seq}`));
    const comment = h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->'))!;
    // Check run links differ between the two plans (new runs), and so do the temporary checkout
    // directories a render error quotes; everything else must not.
    const urls = new Map(runs.map((c) => [String(c.id), 'RUN']));
    const tmp = (text: string | null) => text?.replace(/driftguard-checkout-[A-Za-z0-9]+/g, 'CHECKOUT') ?? null;
    return {
      peak: counting.peak(), gathered: counting.gathered(),
      comment: tmp(comment.body)!.replace(/check-runs\/(\d+)|runs\/(\d+)/g, (m, a, b) => m.replace(a ?? b, urls.get(a ?? b) ?? 'OTHER')),
      runs: runs.map((c) => ({ name: c.name, status: c.status, conclusion: c.conclusion, title: c.output.title, summary: tmp(c.output.summary), text: tmp(c.output.text), annotations: c.annotations.length })).sort((x, y) => x.name.localeCompare(y.name)),
    };
  };

  const serial = await planWith(1);
  const parallel = await planWith(BOUND);
  assert.equal(serial.peak, 1);
  assert.ok(parallel.gathered, `${BOUND} apps were in flight together`);
  assert.equal(parallel.peak, BOUND, 'never more apps in flight than the bound');
  assert.equal(parallel.runs.length, APPS.length);
  assert.deepEqual(parallel.runs, serial.runs);
  assert.equal(parallel.comment, serial.comment);
  // The plan is about something: the base change on every app, app-4's broken overlay, app-1's drift.
  assert.match(serial.comment, /app-4/);
  assert.deepEqual(serial.runs.map((r) => `${r.name}: ${r.conclusion}`).filter((x) => /app-4/.test(x)), ['driftguard / app-4: failure']);
  assert.match(serial.comment, /by-hand/);
});
