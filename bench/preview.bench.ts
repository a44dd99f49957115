// Preview environments (issue 12) through the whole path: a signed pull_request.opened webhook → the web
// process (in this process) → BullMQ (private Redis) → a worker PROCESS (compiled JavaScript) → tarball
// from the GitHub emulator → render → namespace and guard rails → server-side apply to the Kubernetes
// emulator → wait for health → the GitHub Deployment's success status. The app has 20 resources (4
// Deployments, 4 Services, 12 ConfigMaps). The emulator makes each rollout ready ROLLOUT_DELAY_MS after
// it is applied: a real cluster's pull-and-start time, reported apart from Driftguard's own time.
// Figures: one PR (median of 3, each a new PR), and 50 PRs opened at once until all 50 previews are
// healthy, with the worker's peak RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem, until, type System } from '../src/devtools/system.ts';
import type { ManagedProcess } from '../src/devtools/process-group.ts';
import { peakRssMiB, resetPeakRss, startWorkerProcess } from './support/worker-process.ts';
import type { BenchFigure } from './run.ts';
import { twentyResources } from './twenty-resources.ts';

const ROLLOUT_DELAY_MS = 50;
const SINGLE_RUNS = 3;
const AT_ONCE = Number(process.env.PREVIEW_BENCH_PRS ?? 50);
const TIMEOUT_MS = 600_000;

const CONFIG = `apps:
  - name: shop
    path: deploy/shop
    cluster: dev
    namespace: shop
    preview:
      url: "https://pr-{{number}}.preview.example.com"
      images:
        - {name: "ghcr.io/acme/svc-0", newTag: "pr-{{number}}"}
`;
const OPERATOR_PREVIEW = `preview:
  clusters: [dev]
  resourceQuota: {hard: {pods: "20"}}
  limitRange: {limits: [{type: Container, default: {cpu: 200m, memory: 128Mi}, defaultRequest: {cpu: 10m, memory: 32Mi}}]}
  networkPolicy: {ingressFromNamespaces: [ingress-nginx]}
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The deployment status of PR `pr`'s preview once final: success, or an error naming why. */
function finalStatus(sys: System, pr: number): 'success' | undefined {
  const d = sys.gh.deployments(sys.owner, sys.repo).find((x) => x.environment === `preview/shop/pr-${pr}`);
  const state = d?.statuses.at(-1)?.state;
  if (state === 'failure' || state === 'error') throw new Error(`the preview of #${pr} failed: ${d!.statuses.at(-1)!.description}`);
  return state === 'success' ? 'success' : undefined;
}

async function openPr(sys: System, name: string): Promise<number> {
  await sys.gh.commit(sys.owner, sys.repo, { branch: name, from: 'main', files: { 'deploy/shop/config-0.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-0}\ndata:\n  branch: ${name}\n` } });
  return (await sys.gh.addPullRequest({ owner: sys.owner, repo: sys.repo, head: name })).number;
}

export default async function (): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-preview-bench-'));
  const sys = await startSystem({
    files: { '.github/driftguard.yml': CONFIG, ...twentyResources('deploy/shop', 0) }, namespaces: ['shop', 'ingress-nginx'], rollout: { readyDelayMs: ROLLOUT_DELAY_MS },
    workers: false, operatorExtra: OPERATOR_PREVIEW, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  let worker: ManagedProcess | undefined;
  try {
    worker = startWorkerProcess({ ...sys.env, LOG_LEVEL: 'info' }, dir);
    await until('the worker to start', () => worker!.exitStatus() !== undefined || /Driftguard workers started/.test(worker!.logTail(1_000_000)), 120_000);
    if (worker.exitStatus()) throw new Error(`the worker exited (${worker.exitStatus()}): ${worker.logTail()}`);

    // One PR at a time: webhook → preview healthy (deployment success).
    const single: number[] = [];
    for (let i = 0; i < SINGLE_RUNS; i++) {
      const pr = await openPr(sys, `single-${i}`);
      const t0 = performance.now();
      await sys.deliver('pull_request', 'opened', { pullNumber: pr });
      await until(`the preview of #${pr}`, () => finalStatus(sys, pr), TIMEOUT_MS);
      single.push(performance.now() - t0);
    }
    const one = median(single);

    // AT_ONCE PRs opened together.
    const prs: number[] = [];
    for (let i = 0; i < AT_ONCE; i++) prs.push(await openPr(sys, `many-${i}`));
    resetPeakRss(worker.pid);
    const t1 = performance.now();
    await Promise.all(prs.map((pr) => sys.deliver('pull_request', 'opened', { pullNumber: pr })));
    await until(`${AT_ONCE} previews healthy`, () => prs.every((pr) => finalStatus(sys, pr)), TIMEOUT_MS);
    const many = performance.now() - t1;
    const rss = peakRssMiB(worker.pid);
    const namespaces = sys.kube.listObjects('v1', 'Namespace').filter((n) => /^pr-\d+-shop$/.test(n.metadata.name ?? '')).length;
    if (namespaces !== AT_ONCE + SINGLE_RUNS) throw new Error(`${namespaces} preview namespaces, expected ${AT_ONCE + SINGLE_RUNS}`);
    return [
      { name: 'PR opened → preview healthy, 20 resources (median of 3)', value: Math.round(one), unit: 'ms', goal: '< 10 s', ok: one < 10_000 },
      { name: '  of which the emulated rollout delay (pods ready after)', value: ROLLOUT_DELAY_MS, unit: 'ms' },
      { name: `${AT_ONCE} PRs opened at once → all previews healthy`, value: Math.round(many / 100) / 10, unit: 's' },
      { name: '  worker peak RSS', value: rss, unit: 'MiB' },
    ];
  } catch (e) {
    if (worker) console.error(`worker log (end):\n${worker.logTail()}`);
    throw e;
  } finally {
    await worker?.stop();
    await sys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
