// The monorepo at scale (issue 16): N apps, each a kustomize overlay (its own namespace) of one shared
// 20-resource base (4 Deployments, 4 Services, 12 ConfigMaps), through the real web process (in this
// process), a real worker PROCESS (compiled JavaScript, as `npm run worker` runs it), a private Redis and
// the Kubernetes and GitHub emulators (src/devtools/system.ts). For each N:
//   first push    a push of the whole repository: from the webhook until every app is synced (every
//                 queue drained, every Driftguard check run on the commit completed, 4·N Deployments live);
//   PR plan       a pull request changing the shared base (so it touches every app): until the plan's
//                 comment exists, and until every check run on the head is completed.
// Printed per phase: wall time, the worker's peak RSS (VmHWM, reset between phases), GitHub requests,
// content writes (non-GET requests other than token creation) and their peak in any 60 s window, checkout
// downloads (tarballs), Kubernetes requests (as the emulator counts them, discovery excluded).
// N is MONOREPO_BENCH_APPS (comma-separated, default 10,100,500): CI runs a small N only.
// GitHub's limits are on (the emulator enforces 5,000 requests per hour and 80 writes per minute, the
// worker's pacer keeps within them) unless MONOREPO_BENCH_GITHUB_LIMITS=off: then neither enforces nor
// paces, which measures everything but the waiting for GitHub (figures marked "limits off").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystem, until, WEBHOOK_SECRET, type System } from '../src/devtools/system.ts';
import { emulatorPayload, sendWebhook } from '../emulators/github/webhooks.ts';
import { startManagedProcess, type ManagedProcess } from '../src/devtools/process-group.ts';
import type { BenchFigure } from './run.ts';
import { twentyResources } from './twenty-resources.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SIZES = (process.env.MONOREPO_BENCH_APPS ?? '10,100,500').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
/** Bound of each phase (a phase that misses its goal by far still finishes and is reported). */
const PHASE_TIMEOUT_MS = Number(process.env.MONOREPO_BENCH_TIMEOUT_S ?? 1800) * 1000;
const LIMITS_OFF = process.env.MONOREPO_BENCH_GITHUB_LIMITS === 'off';

/** The shared base: the 20-resource app of the push bench, as a kustomization. */
function baseFiles(release: number): Record<string, string> {
  const files = twentyResources('base', release);
  files['base/kustomization.yaml'] = `resources:\n${Object.keys(files).map((f) => `  - ${f.slice('base/'.length)}\n`).join('')}`;
  return files;
}

function repoFiles(n: number): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# monorepo\n', ...baseFiles(1) };
  let config = 'apps:\n';
  for (let i = 0; i < n; i++) {
    files[`apps/app-${i}/kustomization.yaml`] = `namespace: bench-${i}\nresources:\n  - ../../base\n`;
    config += `  - {name: app-${i}, path: apps/app-${i}, cluster: dev, namespace: bench-${i}, syncPolicy: {automated: true, prune: true}}\n`;
  }
  files['.github/driftguard.yml'] = config;
  return files;
}

/** Peak resident memory of a process since the last reset (kernel's VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM). */
function resetPeakRss(pid: number): void {
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch { /* not Linux or not allowed: the peak is since start */ }
}

interface GitHubFigures { requests: number; writes: number; peakWritesPerMinute: number; tarballs: number }

function githubFigures(sys: System, from: number, to: number): GitHubFigures {
  const reqs = sys.gh.requests().filter((r) => { const t = Date.parse(r.at); return t >= from && t <= to; });
  const writes = reqs.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.operationId !== 'apps/create-installation-access-token').map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < writes.length; i++) {
    while (writes[i] - writes[j] >= 60_000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return { requests: reqs.length, writes: writes.length, peakWritesPerMinute: peak, tarballs: reqs.filter((r) => r.operationId === 'repos/download-tarball-archive').length };
}

/** Every queue drained and every Driftguard check run on `sha` completed (at least one). */
async function settled(sys: System, sha: string, started: number): Promise<void> {
  const left = () => Math.max(1000, PHASE_TIMEOUT_MS - (performance.now() - started));
  await until('check runs on the commit', () => {
    const runs = sys.gh.checkRuns(sys.owner, sys.repo, { headSha: sha }).filter((c) => c.name.startsWith('driftguard'));
    return runs.length > 0 && runs.every((c) => c.status === 'completed');
  }, left());
  await sys.drained(left());
  // A job may have added a run after the first look: all completed once the queues are empty.
  await until('every check run completed', () => sys.gh.checkRuns(sys.owner, sys.repo, { headSha: sha }).filter((c) => c.name.startsWith('driftguard')).every((c) => c.status === 'completed'), left());
}

interface Phase { ms: number; rssMiB: number; gh: GitHubFigures; kube: number }

/** One measured phase: wall time, the worker's peak RSS, GitHub and Kubernetes requests during `work`. */
async function phase(sys: System, workerPid: number, work: (started: number) => Promise<void>): Promise<Phase> {
  resetPeakRss(workerPid);
  const kube0 = sys.kube.counters.total();
  const t0 = Date.now();
  const started = performance.now();
  await work(started);
  const ms = performance.now() - started;
  return { ms, rssMiB: peakRssMiB(workerPid), gh: githubFigures(sys, t0, Date.now()), kube: sys.kube.counters.total() - kube0 };
}

function phaseFigures(label: (s: string) => string, p: Phase, tarballs: number, commits: string): BenchFigure[] {
  return [
    { name: label('  worker peak RSS'), value: p.rssMiB, unit: 'MiB', goal: '< 500', ok: p.rssMiB < 500 },
    { name: label('  GitHub requests'), value: p.gh.requests, unit: 'req' },
    { name: label('  GitHub content writes'), value: p.gh.writes, unit: 'req' },
    { name: label('  GitHub content writes, peak 60 s'), value: p.gh.peakWritesPerMinute, unit: '/min', goal: '≤ 80', ok: p.gh.peakWritesPerMinute <= 80 },
    { name: label('  checkout downloads (tarballs)'), value: p.gh.tarballs, unit: 'req', goal: `≤ ${tarballs} (${commits})`, ok: p.gh.tarballs <= tarballs },
    { name: label('  Kubernetes requests'), value: p.kube, unit: 'req' },
  ];
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function startWorkerProcess(env: NodeJS.ProcessEnv, dir: string): ManagedProcess {
  // The production worker runs compiled JavaScript (dist/): build it when stale, then start it directly so
  // its pid is the worker's own.
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'ignore' });
  // MONOREPO_BENCH_WORKER_NODE_ARGS: node flags for the worker alone (e.g. a heap bound, --cpu-prof).
  const nodeArgs = (process.env.MONOREPO_BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startManagedProcess('worker', process.execPath, [...nodeArgs, 'dist/workers/main.js'], { logFile: join(dir, 'worker.log'), env, cwd: ROOT, removeWhenOrphaned: dir });
}

async function measure(n: number): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-monorepo-bench-'));
  const sys = await startSystem({
    files: repoFiles(n), namespaces: [], allowNamespaces: ['bench-*'], rollout: { readyDelayMs: 50 }, workers: false,
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...(LIMITS_OFF ? { DRIFTGUARD_GITHUB_PACER: 'off', DRIFTGUARD_GITHUB_THROTTLE: 'off' } : {}) },
    ...(LIMITS_OFF ? { github: { secondaryLimit: false, rateLimit: 1_000_000 } } : {}),
  });
  let worker: ManagedProcess | undefined;
  try {
    for (let i = 0; i < n; i++) sys.kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${i}` } });
    // Info level for the start-up line only matters once; per-job lines are a few per app.
    worker = startWorkerProcess({ ...sys.env, LOG_LEVEL: 'info' }, dir);
    await until('the worker to start', () => worker!.exitStatus() !== undefined || /Driftguard workers started/.test(worker!.logTail(1_000_000)), 120_000);
    if (worker.exitStatus()) throw new Error(`the worker exited (${worker.exitStatus()}): ${worker.logTail()}`);
    const figures: BenchFigure[] = [];
    const label = (s: string) => `N=${n}${LIMITS_OFF ? ' (limits off)' : ''} ${s}`;

    // First push: every app created and synced.
    const push = await emulatorPayload(sys.gh, 'push', undefined, { owner: sys.owner, repo: sys.repo, push: { before: '0'.repeat(40) } }) as { after: string };
    const first = await phase(sys, worker.pid, async (started) => {
      const sent = await sendWebhook(sys.webhookUrl, { event: 'push', payload: push, secret: WEBHOOK_SECRET });
      if (sent.status >= 300) throw new Error(`push webhook answered ${sent.status}`);
      await settled(sys, push.after, started);
    });
    const deployments = sys.kube.listObjects('apps/v1', 'Deployment').filter((d) => d.metadata.namespace?.startsWith('bench-')).length;
    const failed = sys.gh.checkRuns(sys.owner, sys.repo, { headSha: push.after }).filter((c) => c.name.startsWith('driftguard') && c.conclusion !== 'success');
    if (deployments !== 4 * n || failed.length > 0) {
      throw new Error(`first push of ${n} apps: ${deployments}/${4 * n} Deployments live; not successful: ${failed.slice(0, 3).map((c) => `${c.name}: ${c.conclusion} ${c.output.title}`).join('; ')}`);
    }
    figures.push(
      { name: label('first push: all synced'), value: seconds(first.ms), unit: 's', ...(n === 500 ? { goal: '< 60', ok: first.ms < 60_000 } : {}) },
      ...phaseFigures(label, first, 1, 'one commit'),
    );

    // A PR changing the shared base: every app's plan changes.
    const branchSha = await sys.gh.commit(sys.owner, sys.repo, { branch: 'bump-base', from: 'main', files: baseFiles(2), message: 'bump the shared base' });
    const pr = await sys.gh.addPullRequest({ owner: sys.owner, repo: sys.repo, head: 'bump-base' });
    let commentMs = 0;
    const plan = await phase(sys, worker.pid, async (started) => {
      await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
      await until('the plan comment', () => sys.gh.comments(sys.owner, sys.repo, pr.number).some((c) => c.body.startsWith('<!-- driftguard:plan -->')), PHASE_TIMEOUT_MS);
      commentMs = performance.now() - started;
      await settled(sys, branchSha, started);
    });
    figures.push(
      { name: label('PR plan (shared base): comment'), value: seconds(commentMs), unit: 's', ...(n === 500 ? { goal: '< 10', ok: commentMs < 10_000 } : {}) },
      { name: label('  comment + all checks done'), value: seconds(plan.ms), unit: 's' },
      ...phaseFigures(label, plan, 2, 'head, base'),
    );
    return figures;
  } catch (e) {
    if (worker) console.error(`worker log (end):\n${worker.logTail()}`);
    throw e;
  } finally {
    await worker?.stop();
    await sys.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<BenchFigure[]> {
  const out: BenchFigure[] = [];
  for (const n of SIZES) out.push(...(await measure(n)));
  return out;
}
