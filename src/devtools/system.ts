// The whole Driftguard system on one machine, over real HTTP: a private redis-server (or REDIS_URL),
// the Kubernetes API emulator (or a running cluster: startSystemOnCluster), the GitHub emulator serving one repository, the web process and a
// worker. Used by `npm run demo`, the end-to-end tests and the benchmarks.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions } from '../../emulators/kube/index.ts';
import { startGitHubEmulator, type CheckRunRecord, type GitHubEmulator, type GitHubEmulatorOptions } from '../../emulators/github/index.ts';
import { emulatorPayload, sendWebhook, type EmulatorPayloadOptions } from '../../emulators/github/webhooks.ts';
import { DURABLE_REDIS_ARGS, RedisServer } from './redis-server.ts';
import { startWeb, type WebProcess } from '../web/start.ts';
import { startWorkers, type WorkerProcess } from '../../workers/start.ts';
import { findTool } from '../render/tools.ts';
import { loadKubeConfig } from '../kube/cluster.ts';
import { QUEUES, QUEUE_PREFIX, queueConnection } from '../queue/index.ts';

const run = promisify(execFile);

export interface SystemOptions {
  owner?: string;
  repo?: string;
  /** Files of the repository's initial commit on main. */
  files: Record<string, string>;
  /** Destination namespaces created up front (as a platform team would). */
  namespaces: string[];
  /** The GitHub emulator's rate limits (default: github.com's, 5,000 per hour and 80 writes per minute). */
  github?: Pick<GitHubEmulatorOptions, 'rateLimit' | 'rateWindowMs' | 'secondaryLimit'>;
  /** Namespace globs the operator config allows on the cluster (default: `namespaces`). */
  allowNamespaces?: string[];
  /** Cluster name the repo config uses; the operator config allows the namespaces on it. */
  cluster?: string;
  redisUrl?: string;
  rollout?: KubeEmulatorOptions['rollout'];
  env?: NodeJS.ProcessEnv;
  /** Start the worker in this process (default true); false: the caller runs worker processes with `env`. */
  workers?: boolean;
  /** More top-level sections of the operator config (YAML), e.g. `preview:`. */
  operatorExtra?: string;
}

/** On a running cluster (the real kube-apiserver): its kubeconfig; the caller has created the namespaces. */
export interface SystemOnClusterOptions extends Omit<SystemOptions, 'rollout'> {
  kubeconfig: string;
}

export interface System {
  owner: string;
  repo: string;
  kube: KubeEmulator;
  gh: GitHubEmulator;
  web: WebProcess;
  /** The in-process worker (none with `workers: false`). */
  workers?: WorkerProcess;
  /** The environment the web process and the worker get (for worker processes of your own). */
  env: NodeJS.ProcessEnv;
  kubeconfig: string;
  redisUrl: string;
  webhookUrl: string;
  /** Runs the real kubectl against the emulator. */
  kubectl(...args: string[]): Promise<string>;
  /** Signs and POSTs a real example payload adapted to the repository. */
  deliver(event: string, action: string | undefined, o?: Omit<EmulatorPayloadOptions, 'owner' | 'repo'>): Promise<void>;
  /** Resolves with the Driftguard check runs on `sha` once at least `n` exist and all are completed. */
  completed(sha: string, n: number, timeoutMs?: number): Promise<CheckRunRecord[]>;
  /** Resolves when no job is waiting, active or delayed in any queue. */
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const WEBHOOK_SECRET = 'driftguard-dev-webhook-secret';

/** A directory as the file map of a git commit. */
export function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) readTree(p, base, out);
    else out[relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

export async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function startSystem(opts: SystemOptions): Promise<System> {
  return start(opts, undefined) as Promise<System>;
}

/** The same system on an existing cluster instead of an emulator of its own (no `kube`). */
export function startSystemOnCluster(opts: SystemOnClusterOptions): Promise<Omit<System, 'kube'>> {
  return start(opts, opts.kubeconfig);
}

async function start(opts: SystemOptions, existingKubeconfig: string | undefined): Promise<Omit<System, 'kube'> & { kube?: KubeEmulator }> {
  const owner = opts.owner ?? 'acme';
  const repo = opts.repo ?? 'gitops';
  const cluster = opts.cluster ?? 'dev';
  const work = mkdtempSync(join(tmpdir(), 'driftguard-system-'));
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => rmSync(work, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
  };
  try {
    let redisUrl = opts.redisUrl;
    if (!redisUrl) {
      // Configured as production must be (README, Operations): persistent, never evicting.
      const redis = await RedisServer.start({ args: DURABLE_REDIS_ARGS });
      cleanups.push(() => redis.stop());
      redisUrl = redis.url;
    }
    const kube = existingKubeconfig ? undefined : await startKubeEmulator({ rollout: opts.rollout ?? { readyDelayMs: 300 } });
    if (kube) cleanups.push(() => kube.close());
    const kubeconfig = kube ? kube.writeKubeconfig(join(work, 'kubeconfig')) : existingKubeconfig!;
    const kubectlBin = findTool('kubectl');
    const kubectl = async (...args: string[]) => (await run(kubectlBin, ['--kubeconfig', kubeconfig, ...args])).stdout;
    if (kube) for (const ns of opts.namespaces) await kubectl('create', 'namespace', ns);

    const gh = await startGitHubEmulator({ appId: 4242, validateResponses: false, ...opts.github });
    cleanups.push(() => gh.close());
    await gh.addRepo({ owner, name: repo, files: opts.files });
    gh.setPermission(owner, repo, 'octocat', 'write');

    const operatorFile = join(work, 'operator.yml');
    writeFileSync(operatorFile, [
      'clusters:',
      `  - {name: ${cluster}, context: ${JSON.stringify(loadKubeConfig({ kubeconfig }).getCurrentContext())}, kubeconfig: ${JSON.stringify(kubeconfig)}}`,
      'projects:',
      `  - name: default`,
      `    repos: [${JSON.stringify(`${owner}/*`)}]`,
      `    destinations: [{cluster: ${cluster}, namespaces: ${JSON.stringify(opts.allowNamespaces ?? opts.namespaces)}}]`,
      opts.operatorExtra ?? '',
      '',
    ].join('\n'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      APP_ID: String(gh.appId),
      PRIVATE_KEY: gh.privateKey,
      WEBHOOK_SECRET,
      GHE_HOST: gh.host,
      GHE_PROTOCOL: 'http',
      REDIS_URL: redisUrl,
      DRIFTGUARD_CONFIG: operatorFile,
      DRIFTGUARD_WORKDIR: work,
      DRIFTGUARD_SYNC_TIMEOUT_MS: '30000',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Octokit's write pacing (1 s between writes) is for github.com's secondary limits, not an emulator.
      DRIFTGUARD_GITHUB_THROTTLE: 'off',
      ...opts.env,
    };
    const web = await startWeb(env, { defaultMetrics: false });
    cleanups.push(() => web.close());
    const workers = opts.workers === false ? undefined : await startWorkers(env);
    if (workers) cleanups.push(() => workers.close());
    const webhookUrl = `${web.url}/api/github/webhooks`;

    // The preview sweeper's schedule always holds its next run (delayed): it never counts as work left.
    const queues = Object.values(QUEUES).filter((name) => name !== QUEUES.previewSweep).map((name) => new Queue(name, { connection: queueConnection(redisUrl), prefix: QUEUE_PREFIX }));
    cleanups.push(() => Promise.all(queues.map((q) => q.close())));

    return {
      owner, repo, kube, gh, web, workers, env, kubeconfig, redisUrl, webhookUrl, kubectl, close,
      async deliver(event, action, o = {}) {
        const payload = await emulatorPayload(gh, event, action, { owner, repo, ...o });
        const r = await sendWebhook(webhookUrl, { event, payload, secret: WEBHOOK_SECRET });
        if (r.status >= 300) throw new Error(`webhook ${event} answered ${r.status}: ${r.body}`);
      },
      completed: (sha, n, timeoutMs) =>
        until(`${n} completed check run(s) on ${sha.slice(0, 7)}`, () => {
          const runs = gh.checkRuns(owner, repo, { headSha: sha }).filter((c) => c.name.startsWith('driftguard'));
          return runs.length >= n && runs.every((c) => c.status === 'completed') ? runs : undefined;
        }, timeoutMs),
      // A plan completes its check runs before it writes the comment: "done" is every queue drained.
      drained: async (timeoutMs) => {
        await until('the workers to finish', async () => {
          // Drift scans are always scheduled (delayed) while apps exist: only a running or due scan is work.
          const counts = await Promise.all(queues.map((q) => (q.name === QUEUES.drift ? q.getJobCounts('waiting', 'active') : q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children'))));
          return counts.every((c) => Object.values(c).every((n) => n === 0));
        }, timeoutMs);
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
