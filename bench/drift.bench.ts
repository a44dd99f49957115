// Drift. (1) API requests for a drift check of an in-sync 200-resource app once the watch cache is warm.
// (2) The worker's drift scan (workers/drift.ts through BullMQ, as in production) of 1,000 in-sync apps
// × 20 resources: the wall time of one full round of scans, the process RSS at its end, and the
// Kubernetes and GitHub requests of that round (goal: none; every app reads the warm watch cache and
// its cached render). The Kubernetes emulator runs in its own process so the RSS is the worker's own
// (plus the small GitHub emulator and this driver).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { startKubeEmulator } from '../emulators/kube/index.ts';
import { startGitHubEmulator } from '../emulators/github/index.ts';
import { Cluster, loadKubeConfig } from '../src/kube/cluster.ts';
import { diffApp, syncApp } from '../src/sync/index.ts';
import { mapLimit } from '../src/sync/pool.ts';
import { parseRepoConfig } from '../src/core/config/repo-config.ts';
import { FIELD_MANAGER, withOwnership } from '../src/core/ownership.ts';
import type { KubeObject } from '../src/core/model/object.ts';
import { DURABLE_REDIS_ARGS, RedisServer } from '../src/devtools/redis-server.ts';
import { QUEUE_PREFIX, QUEUES, queueConnection, type DriftJob } from '../src/queue/index.ts';
import { startWorkers } from '../workers/start.ts';
import { startRemoteEmulator } from './support/remote-emulator.ts';
import type { BenchFigure } from './run.ts';

export function appObjects(n: number, namespace: string): KubeObject[] {
  const out: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }];
  for (let i = 0; out.length < n; i++) {
    const name = `svc-${i}`;
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { index: String(i) } });
    if (out.length < n) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } });
    if (out.length < n) {
      out.push({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
      });
    }
  }
  return out;
}

const APPS = 1000;
const PER_APP = 20;

/** One app's 20 resources: 2 Deployments, 4 Services, 14 ConfigMaps (its namespace is the platform's). */
function smallApp(namespace: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < 2; i++) {
    out.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `svc-${i}`, namespace }, spec: { replicas: 1, selector: { matchLabels: { app: `svc-${i}` } }, template: { metadata: { labels: { app: `svc-${i}` } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } } });
  }
  for (let i = 0; i < 4; i++) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace }, spec: { selector: { app: `svc-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } });
  for (let i = 0; out.length < PER_APP; i++) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `config-${i}`, namespace }, data: { index: String(i), release: '1' } });
  return out;
}

async function inSyncCheck(): Promise<BenchFigure[]> {
  const emu = await startKubeEmulator({ rollout: { readyDelayMs: 5 } });
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  const cluster = new Cluster('bench', loadKubeConfig({ kubeconfig: emu.writeKubeconfig(join(dir, 'kubeconfig')) }));
  try {
    const desired = appObjects(200, 'drift').map((object) => ({ object }));
    const r = await syncApp({ cluster, app: 'drift', desired, prune: true, dryRun: false, timeoutMs: 60_000 });
    if (r.phase !== 'Succeeded') throw new Error(`setup sync failed: ${r.message}`);
    await diffApp({ cluster, app: 'drift', desired, mode: 'local' }); // warm
    emu.counters.reset();
    const d = await diffApp({ cluster, app: 'drift', desired, mode: 'local' });
    const reads = emu.counters.total(['get', 'list']);
    const writes = emu.counters.writes();
    return [
      { name: 'drift check, in-sync 200-resource app: reads (warm cache)', value: reads, unit: 'req', goal: '0', ok: reads === 0 },
      { name: 'drift check, in-sync 200-resource app: writes', value: writes, unit: 'req', goal: '0', ok: writes === 0 },
      { name: 'drift check, in-sync 200-resource app: modified resources', value: d.summary.create + d.summary.update, unit: 'res', goal: '0', ok: d.summary.create + d.summary.update === 0 },
    ];
  } finally {
    await cluster.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function thousandApps(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-drift-bench-'));
  const emu = await startRemoteEmulator({ rollout: { readyDelayMs: 5 } }, join(dir, 'kubeconfig'));
  const redis = await RedisServer.start({ args: DURABLE_REDIS_ARGS });
  const gh = await startGitHubEmulator({ appId: 7117, validateResponses: false });
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const names = Array.from({ length: APPS }, (_, i) => `app-${i}`);
    const config = `apps:\n${names.map((n) => `  - {name: ${n}, path: deploy/${n}, cluster: bench, namespace: ${n}, syncPolicy: {automated: true}}`).join('\n')}\n`;
    await gh.addRepo({ owner: 'acme', name: 'fleet', files: { '.github/driftguard.yml': config } });
    const sha = 'f'.repeat(40);
    // What 1,000 syncs would have left: every object applied by Driftguard's field manager, with its app label.
    const setup = new Cluster('setup', loadKubeConfig({ kubeconfig: emu.kubeconfig }), { maxConcurrentRequests: 64 });
    try {
      await mapLimit(names, 32, (n) => setup.resources.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } }, { fieldManager: 'platform', force: true }));
      await mapLimit(names.flatMap((n) => smallApp(n).map((o) => withOwnership(o, n))), 64, (o) => setup.resources.apply(o, { fieldManager: FIELD_MANAGER, force: true }));
    } finally {
      await setup.close();
    }
    const operator = join(dir, 'operator.yml');
    writeFileSync(operator, `clusters:\n  - {name: bench, kubeconfig: ${emu.kubeconfig}, context: driftguard-dev}\nprojects:\n  - {name: default, repos: ["acme/*"], destinations: [{cluster: bench, namespaces: ["app-*"]}]}\ndrift:\n  interval: 24h\n`);
    const workers = await startWorkers({
      ...process.env, APP_ID: String(gh.appId), PRIVATE_KEY: gh.privateKey, GHE_HOST: gh.host, GHE_PROTOCOL: 'http', REDIS_URL: redis.url,
      DRIFTGUARD_CONFIG: operator, DRIFTGUARD_WORKDIR: dir, LOG_LEVEL: 'warn', DRIFTGUARD_GITHUB_THROTTLE: 'off',
    });
    stops.push(() => workers.close());
    const deps = workers.deps;
    const inst = gh.installationId('acme');
    // Each app's target and render, as the sync of `sha` records them.
    const apps = parseRepoConfig('.github/driftguard.yml', config).apps;
    for (const app of apps) {
      await deps.drift!.targets.set({ repo: 'acme/fleet', installationId: inst, app, sha, ref: 'refs/heads/main', headSha: sha, updatedAt: Date.now() });
      await deps.drift!.renders.put('acme/fleet', app, sha, { objects: smallApp(app.namespace).map((object) => ({ object, source: { file: `deploy/${app.name}/all.yaml`, line: 1 } })), complete: true });
    }
    const queue = new Queue<DriftJob>(QUEUES.drift, { connection: queueConnection(redis.url), prefix: QUEUE_PREFIX });
    const events = new QueueEvents(QUEUES.drift, { connection: queueConnection(redis.url), prefix: QUEUE_PREFIX });
    stops.push(() => queue.close(), () => events.close());
    await events.waitUntilReady();
    const round = async (tag: string) => {
      const outcomes = new Map<string, number>();
      let done = 0;
      const finished = new Promise<void>((resolve) => {
        const on = ({ returnvalue }: { returnvalue: unknown }) => {
          outcomes.set(String(returnvalue), (outcomes.get(String(returnvalue)) ?? 0) + 1);
          if (++done === APPS) { events.off('completed', on); resolve(); }
        };
        events.on('completed', on);
      });
      const t0 = performance.now();
      await queue.addBulk(names.map((app) => ({ name: QUEUES.drift, data: { kind: 'drift', repo: 'acme/fleet', installationId: inst, app, reason: 'interval' }, opts: { jobId: `bench-${tag}-${app}`, removeOnComplete: true } })));
      await finished;
      return { ms: performance.now() - t0, outcomes };
    };
    await round('warm'); // the first round starts the cluster's watches (one LIST+WATCH per kind)
    const cluster = deps.cluster('bench');
    const kube0 = cluster.http.stats.requests;
    const gh0 = gh.requests().length;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
    const r = await round('measured');
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const kube = cluster.http.stats.requests - kube0;
    const github = gh.requests().length - gh0;
    const inSync = r.outcomes.get('in-sync') ?? 0;
    const mib = Math.round(peak / 2 ** 20);
    return [
      { name: `drift scan, ${APPS} in-sync apps × ${PER_APP} resources (worker jobs)`, value: Math.round(r.ms), unit: 'ms', goal: '< 10000', ok: r.ms < 10_000 && inSync === APPS },
      { name: `drift scan, ${APPS} apps: peak RSS (worker + GitHub emulator)`, value: mib, unit: 'MiB', goal: '< 300', ok: mib < 300 },
      { name: 'drift scan of in-sync apps: Kubernetes requests per scan', value: kube / APPS, unit: 'req', goal: '0', ok: kube === 0 },
      { name: 'drift scan, nothing changed: GitHub requests per scan', value: github / APPS, unit: 'req', goal: '0', ok: github === 0 },
    ];
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await gh.close();
    await redis.stop();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<BenchFigure[]> {
  return [...(await inSyncCheck()), ...(await thousandApps())];
}
