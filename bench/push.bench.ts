// Push → check run success for a 20-resource app, through the whole path: a signed push webhook →
// the web process → BullMQ (private redis-server) → a worker → tarball from the GitHub emulator →
// render → server-side apply to the Kubernetes emulator → wait for health (rollouts become ready
// after 50 ms) → check run completed in the GitHub emulator. Each run changes a ConfigMap and the
// Deployments' image, so every run applies and rolls out. Octokit's write pacing is turned off
// (DRIFTGUARD_GITHUB_THROTTLE=off): it exists for github.com's secondary rate limits and would add
// ≥ 1 s per write here. Figures: the first sync (creates everything) and the median of 5 updates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeEmulator } from '../emulators/kube/index.ts';
import { startGitHubEmulator } from '../emulators/github/index.ts';
import { emulatorPayload, sendWebhook } from '../emulators/github/webhooks.ts';
import { DURABLE_REDIS_ARGS, RedisServer } from '../src/devtools/redis-server.ts';
import { startWeb } from '../src/web/start.ts';
import { startWorkers } from '../workers/start.ts';
import type { BenchFigure } from './run.ts';
import { twentyResources } from './twenty-resources.ts';

const RUNS = 5;
const SECRET = 'bench-push-secret';
const CONFIG = 'apps:\n  - {name: shop, path: deploy/shop, cluster: bench, namespace: shop, syncPolicy: {automated: true, prune: true}}\n';

/** 20 resources: 4 Deployments, 4 Services, 12 ConfigMaps. */
const appFiles = (version: number) => twentyResources('deploy/shop', version);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function (): Promise<BenchFigure[]> {
  const work = mkdtempSync(join(tmpdir(), 'dg-push-bench-'));
  const redis = await RedisServer.start({ args: DURABLE_REDIS_ARGS });
  const kube = await startKubeEmulator({ rollout: { readyDelayMs: 50 } });
  const gh = await startGitHubEmulator({ appId: 7007, validateResponses: false });
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const kubeconfig = kube.writeKubeconfig(join(work, 'kubeconfig'));
    kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const operator = join(work, 'operator.yml');
    writeFileSync(operator, `clusters:\n  - {name: bench, kubeconfig: ${kubeconfig}, context: driftguard-dev}\nprojects:\n  - {name: default, repos: ["acme/*"], destinations: [{cluster: bench, namespaces: [shop]}]}\n`);
    await gh.addRepo({ owner: 'acme', name: 'shop', files: { '.github/driftguard.yml': CONFIG, 'README.md': '# shop\n' } });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      APP_ID: String(gh.appId), PRIVATE_KEY: gh.privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: gh.host, GHE_PROTOCOL: 'http',
      REDIS_URL: redis.url, DRIFTGUARD_CONFIG: operator, DRIFTGUARD_WORKDIR: work, DRIFTGUARD_SYNC_TIMEOUT_MS: '30000',
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', DRIFTGUARD_GITHUB_THROTTLE: 'off',
    };
    const web = await startWeb(env, { defaultMetrics: false });
    stops.push(() => web.close());
    const workers = await startWorkers(env);
    stops.push(() => workers.close());
    const hook = `${web.url}/api/github/webhooks`;

    // The head of main before the first release (the repository's initial commit).
    let before: string = (await emulatorPayload(gh, 'push', undefined, { owner: 'acme', repo: 'shop', push: { before: '0'.repeat(40) } })).after;
    const once = async (version: number): Promise<number> => {
      const sha = await gh.commit('acme', 'shop', { branch: 'main', files: appFiles(version), message: `release ${version}` });
      const payload = await emulatorPayload(gh, 'push', undefined, { owner: 'acme', repo: 'shop', push: { before, after: sha } });
      const t0 = performance.now();
      const r = await sendWebhook(hook, { event: 'push', payload, secret: SECRET });
      if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
      for (;;) {
        const run = gh.checkRuns('acme', 'shop', { headSha: sha, name: 'driftguard / shop' })[0];
        if (run?.status === 'completed') {
          if (run.conclusion !== 'success') throw new Error(`sync ${version}: ${run.conclusion}: ${run.output.title}\n${run.output.summary}`);
          before = sha;
          return performance.now() - t0;
        }
        if (performance.now() - t0 > 60_000) throw new Error(`sync ${version} did not finish within 60 s`);
        await new Promise((res) => setTimeout(res, 5));
      }
    };
    const first = await once(0);
    const times: number[] = [];
    for (let v = 1; v <= RUNS; v++) times.push(await once(v));
    const m = median(times);
    return [
      { name: 'push → check run success, 20 resources, first sync (creates)', value: Math.round(first), unit: 'ms' },
      { name: `push → check run success, 20 resources, median of ${RUNS} updates`, value: Math.round(m), unit: 'ms', goal: '< 3000', ok: m < 3000 },
      { name: '  fastest update', value: Math.round(Math.min(...times)), unit: 'ms' },
      { name: '  slowest update', value: Math.round(Math.max(...times)), unit: 'ms' },
    ];
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await gh.close();
    await kube.close();
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
