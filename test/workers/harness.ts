// Worker test harness: GitHub emulator + real Redis + real renderer; the cluster is an in-memory
// fake behind the same functions the workers call (diffLive, sync), so these tests exercise the
// worker logic. End-to-end against the Kubernetes emulator lives with the demo/e2e tests.
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { startGitHubEmulator, type GitHubEmulator, type GitHubEmulatorOptions } from '../../emulators/github/index.ts';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import { diffObjects } from '../../src/core/diff/index.ts';
import { keyOf, keyString, type KubeObject } from '../../src/core/model/object.ts';
import { withOwnership } from '../../src/core/ownership.ts';
import { probotOctokitFactory, RepoClient } from '../../src/github/index.ts';
import { CheckoutCache } from '../../src/github/checkout-cache.ts';
import type { Cluster } from '../../src/kube/cluster.ts';
import { renderApp } from '../../src/render/render.ts';
import { JobProducer, queueConnection } from '../../src/queue/index.ts';
import { AppLocks, ForkApprovals, LatestShaRegister, PreviewSlots, PreviewStore, ReplyLimiter, AutoSyncPauses, DeployHistory, createRedis } from '../../src/store/index.ts';
import type { DiffAppOptions, DiffAppResult, SyncOptions, SyncResult, ResourceResult } from '../../src/sync/types.ts';
import { liveHealth } from '../../src/sync/live-health.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import { startWeb, type WebProcess } from '../../src/web/start.ts';
import { startWorkers, type WorkerProcess } from '../../workers/start.ts';
import { RedisServer } from '../support/redis.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions } from '../../emulators/kube/index.ts';

/**
 * Operator `policy:` for worker tests that are about planning and syncing, not about checks: the
 * minimal fixtures (no probes, limits or securityContext) would otherwise turn every plan neutral.
 * The checks themselves are tested in test/workers/checks.test.ts and test/core/policy.test.ts.
 */
export const QUIET_CHECKS = `policy:
  rules: {privilege-escalation: "off", run-as-root: "off", resources: "off", probes: "off", network-policy: "off"}
`;

export const OPERATOR = `
clusters:
  - {name: production, context: prod}
projects:
  - name: default
    repos: ["acme/*"]
    destinations: [{cluster: production, namespaces: ["web", "api"]}]
${QUIET_CHECKS}`;

export const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    syncPolicy: {automated: true, prune: true}
  - name: api
    path: deploy/api
    cluster: production
    namespace: api
`;

export const deployment = (name: string, replicas = 1, image = 'nginx:1.27') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - {name: ${name}, image: "${image}"}
`;

export const service = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports: [{port: 80}]
`;

/** In-memory cluster: applied objects by key, per app. */
export class FakeCluster {
  readonly live = new Map<string, KubeObject>();
  syncCalls: SyncOptions[] = [];
  diffCalls: DiffAppOptions[] = [];

  diffLive = async (opts: DiffAppOptions): Promise<DiffAppResult> => {
    this.diffCalls.push(opts);
    const desired = opts.desired.map((d) => ({ ...d, object: withOwnership(nsd(d.object, opts.namespace), opts.app) }));
    const live = [...this.live.values()];
    const r = diffObjects(desired, live, { defaultNamespace: opts.namespace, appName: opts.app, ignore: opts.ignore });
    const h = liveHealth(r.resources, live);
    return { ...r, errors: [], health: h.health, resourceHealth: h.resources };
  };

  sync = async (opts: SyncOptions): Promise<SyncResult> => {
    this.syncCalls.push(opts);
    const resources: ResourceResult[] = [];
    const wanted = new Set<string>();
    for (const d of opts.desired) {
      const obj = withOwnership(nsd(d.object, opts.namespace), opts.app);
      const k = keyString(keyOf(obj));
      wanted.add(k);
      const before = this.live.get(k);
      this.live.set(k, obj);
      const gv = obj.apiVersion.split('/');
      // Like the real engine: an object that is already as desired is reported unchanged.
      const same = before !== undefined && JSON.stringify(before) === JSON.stringify(obj);
      resources.push({ ...keyOf(obj), version: gv[gv.length - 1], action: same ? 'none' : before ? 'update' : 'create', outcome: same ? 'unchanged' : 'applied', health: { status: 'Healthy', message: '' } });
    }
    if (opts.prune) {
      for (const [k, o] of this.live) {
        if (!wanted.has(k) && o.metadata.labels?.['driftguard.dev/app'] === opts.app) {
          this.live.delete(k);
          resources.push({ ...keyOf(o), version: 'v1', action: 'prune', outcome: 'pruned' });
        }
      }
    }
    const counts = { applied: 0, pruned: 0, unchanged: 0, failed: 0, skipped: 0 };
    for (const r of resources) counts[r.outcome]++;
    return { app: opts.app, cluster: 'production', dryRun: false, phase: 'Succeeded', health: 'Healthy', message: 'synced', resources, counts, durationMs: 1 };
  };
}

function nsd(o: KubeObject, ns?: string): KubeObject {
  if (o.kind === 'Namespace' || o.metadata.namespace) return o;
  return { ...o, metadata: { ...o.metadata, namespace: ns ?? 'default' } };
}

export interface Harness {
  gh: GitHubEmulator;
  redis: RedisServer;
  redisClient: Redis;
  cluster: FakeCluster;
  deps: WorkerDeps;
  producer: JobProducer;
  client(): Promise<RepoClient>;
  close(): Promise<void>;
}

/**
 * `secondaryLimit: false`: for tests that write more than GitHub's 80 content requests a minute on purpose.
 * `github`: other emulator options (rate limits scaled down for a test).
 */
export async function startHarness(opts: { secondaryLimit?: false; github?: Partial<GitHubEmulatorOptions> } = {}): Promise<Harness> {
  const gh = await startGitHubEmulator({ appId: 2002, ...(opts.secondaryLimit === false ? { secondaryLimit: false as const } : {}), ...opts.github });
  const redis = await RedisServer.start();
  const redisClient = createRedis(redis.url);
  const producer = new JobProducer(queueConnection(redis.url));
  const cluster = new FakeCluster();
  const cacheRoot = mkdtempSync(join(tmpdir(), 'driftguard-harness-checkouts-'));
  const factory = probotOctokitFactory({ APP_ID: '2002', PRIVATE_KEY: gh.privateKey, GHE_HOST: gh.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal', DRIFTGUARD_GITHUB_THROTTLE: 'off' });
  const deps: WorkerDeps = {
    github: async (repo, inst) => new RepoClient(await factory.forInstallation(inst), repo),
    operator: parseOperatorConfig('operator.yml', OPERATOR),
    cluster: () => ({ name: 'production' }) as unknown as Cluster,
    render: renderApp,
    diffLive: cluster.diffLive,
    sync: cluster.sync,
    producer,
    locks: new AppLocks(redisClient, 2000),
    latest: new LatestShaRegister(redisClient),
    replies: new ReplyLimiter(redisClient),
    approvals: new ForkApprovals(redisClient),
    previews: new PreviewStore(redisClient),
    previewSlots: new PreviewSlots(redisClient),
    pauses: new AutoSyncPauses(redisClient),
    history: new DeployHistory(redisClient),
    log: pino({ level: 'silent' }),
    // The worker's shared checkout cache, private to this harness.
    checkouts: new CheckoutCache({ root: cacheRoot }),
  };
  return {
    gh, redis, redisClient, cluster, deps, producer,
    client: async () => new RepoClient(await factory.forInstallation(gh.installationId('acme')), 'acme/gitops'),
    async close() {
      await producer.close();
      redisClient.disconnect();
      await redis.stop();
      await gh.close();
      deps.checkouts?.close();
      rmSync(cacheRoot, { recursive: true, force: true });
    },
  };
}

export interface Processes {
  web: WebProcess;
  workers: WorkerProcess;
  /** The web process's webhook URL. */
  hook: string;
  close(): Promise<void>;
}

/**
 * The real web process and workers (in-process) over this harness's GitHub emulator and Redis. The
 * cluster is the harness's in-memory fake unless `realCluster` (then DRIFTGUARD_CONFIG in `env` names it).
 */
export async function startProcesses(h: Harness, webhookSecret: string, opts: { env?: NodeJS.ProcessEnv; realCluster?: boolean } = {}): Promise<Processes> {
  const env: NodeJS.ProcessEnv = {
    APP_ID: String(h.gh.appId), PRIVATE_KEY: h.gh.privateKey, WEBHOOK_SECRET: webhookSecret, GHE_HOST: h.gh.host, GHE_PROTOCOL: 'http',
    REDIS_URL: h.redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', DRIFTGUARD_GITHUB_THROTTLE: 'off', ...opts.env,
  };
  const web = await startWeb(env, { defaultMetrics: false });
  const { operator, cluster, diffLive, sync, log } = h.deps;
  const workers = await startWorkers(env, opts.realCluster ? { log } : { operator, cluster, diffLive, sync, log });
  return {
    web, workers, hook: `${web.url}/api/github/webhooks`,
    async close() {
      await workers.close();
      await web.close();
    },
  };
}

/** Polls `f` (sync or async) every 50 ms until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  for (let i = 0; i * 50 < timeoutMs; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface EmulatedWorkers {
  kube: KubeEmulator;
  workers: WorkerProcess;
  close(): Promise<void>;
}

/**
 * The workers over the real engine (render → kube adapter → Kubernetes emulator), reporting to this
 * harness's GitHub emulator: operator cluster `cluster` is the emulator, `projects` the YAML list of
 * projects (default: acme/* may deploy to the namespaces), and the namespaces exist up front.
 */
export async function startEmulatedWorkers(h: Harness, opts: { cluster: string; namespaces: string[]; projects?: string }): Promise<EmulatedWorkers> {
  const kube = await startKubeEmulator();
  const kubeconfig = kube.writeKubeconfig(join(h.redis.dir, `kubeconfig-${kube.port}`));
  const operatorFile = join(h.redis.dir, `operator-${kube.port}.yml`);
  const projects = opts.projects ?? `  - {name: default, repos: ["acme/*"], destinations: [{cluster: ${opts.cluster}, namespaces: ${JSON.stringify(opts.namespaces)}}]}\n`;
  writeFileSync(operatorFile, `clusters:\n  - {name: ${opts.cluster}, kubeconfig: ${kubeconfig}, context: driftguard-dev}\nprojects:\n${projects}${QUIET_CHECKS}`);
  for (const ns of opts.namespaces) kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  // Real cluster, real renderer; only GitHub auth comes from the harness.
  const workers = await startWorkers(
    { DRIFTGUARD_CONFIG: operatorFile, REDIS_URL: h.redis.url, LOG_LEVEL: 'silent', DRIFTGUARD_SYNC_TIMEOUT_MS: '20000' },
    { github: h.deps.github, log: h.deps.log, producer: h.producer },
  );
  return {
    kube, workers,
    async close() {
      await workers.close();
      await kube.close();
    },
  };
}

/**
 * A Kubernetes emulator as operator cluster `production` (namespaces web and api exist, project
 * `default` lets acme/* deploy there) and the operator config file naming it, for workers started
 * with DRIFTGUARD_CONFIG. `policy` is the operator's policy block (default: QUIET_CHECKS).
 */
export async function startProductionCluster(h: Harness, opts: { kube?: KubeEmulatorOptions; policy?: string } = {}): Promise<{ kube: KubeEmulator; operatorFile: string }> {
  const kube = await startKubeEmulator(opts.kube);
  const kubeconfig = kube.writeKubeconfig(join(h.redis.dir, `kubeconfig-${kube.port}`));
  const operatorFile = join(h.redis.dir, `operator-${kube.port}.yml`);
  writeFileSync(operatorFile, `clusters:\n  - {name: production, kubeconfig: ${kubeconfig}, context: driftguard-dev}\nprojects:\n  - {name: default, repos: ["acme/*"], destinations: [{cluster: production, namespaces: ["web", "api"]}]}\n${opts.policy ?? QUIET_CHECKS}`);
  for (const ns of ['web', 'api']) kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  return { kube, operatorFile };
}
