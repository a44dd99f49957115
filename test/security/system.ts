// The whole product as it is deployed, for adversarial tests: the web process and a worker run as
// real child processes (`npm start` / `npm run worker` entry points) at LOG_LEVEL=debug with their
// stdout/stderr captured, against real Redis, the Kubernetes API emulator and the GitHub emulator
// over real HTTP. The worker's cluster is reached through a small proxy that can act as a hostile
// API server (or admission webhook) echoing the submitted object in its error message, which real
// servers do in some paths (typed SSA errors, admission denials).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { emulatorPayload, sendWebhook, type EmulatorPayloadOptions } from '../../emulators/github/webhooks.ts';
import { QUEUES, QUEUE_PREFIX, queueConnection } from '../../src/queue/index.ts';
import { RedisServer } from '../support/redis.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEBHOOK_SECRET = 'security-webhook-secret-value';
/** Planted in the worker's environment: no template, tool or message may ever show them. */
export const FAKE_ENV_SECRETS = { GITHUB_TOKEN: 'ghp_FAKEENVTOKEN0123456789abcdefXYZ', AWS_SECRET_ACCESS_KEY: 'FAKEAWSSECRETwJalrXUtnFEMIK7MDENG' };

export interface HostileRule {
  /** Secret names whose writes the "API server" rejects with a 422 that quotes the request body. */
  match: (method: string, path: string, query: URLSearchParams) => boolean;
  status: number;
  reason: string;
}

export interface System {
  kube: KubeEmulator;
  gh: GitHubEmulator;
  redis: RedisServer;
  kubeconfig: string;
  hookUrl: string;
  hostile: HostileRule[];
  /** Everything the web and worker processes printed so far. */
  logs(): string;
  deliver(event: string, action: string | undefined, o: EmulatorPayloadOptions, mutate?: (p: Record<string, any>) => void): Promise<{ status: number; body: string; deliveryId: string }>;
  drained(): Promise<void>;
  until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A pass-through proxy to the emulator that answers matching requests with an echoing error. */
async function hostileProxy(target: string, rules: HostileRule[]): Promise<{ url: string; server: Server }> {
  const t = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const u = new URL(req.url ?? '/', 'http://x');
      const rule = rules.find((r) => r.match(req.method ?? 'GET', u.pathname, u.searchParams));
      if (rule) {
        const name = u.pathname.split('/').pop();
        const status = {
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: rule.reason, code: rule.status,
          message: `admission webhook "policy.example.com" denied the request: Secret "${name}" is invalid: submitted object: ${body.toString('utf8')}`,
        };
        res.writeHead(rule.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status));
        return;
      }
      const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

function spawnProcess(entry: string, env: NodeJS.ProcessEnv, sink: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => sink.push(b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => sink.push(b.toString('utf8')));
  return child;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

export interface SystemOptions {
  repo: Record<string, string>;
  operatorConfig: (kubeconfig: string) => string;
  namespaces: string[];
}

export async function startSystem(opts: SystemOptions): Promise<System> {
  const work = mkdtempSync(join(tmpdir(), 'driftguard-security-'));
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => rmSync(work, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
  };
  const logs: string[] = [];
  try {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const kube = await startKubeEmulator({ rollout: { readyDelayMs: 50 } });
    cleanups.push(() => kube.close());
    const hostile: HostileRule[] = [];
    const proxy = await hostileProxy(kube.url, hostile);
    cleanups.push(() => new Promise((r) => { proxy.server.closeAllConnections(); proxy.server.close(r); }));
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfig().replace(kube.url, proxy.url), { mode: 0o600 });
    for (const ns of opts.namespaces) kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

    const gh = await startGitHubEmulator({ appId: 3131 });
    cleanups.push(() => gh.close());
    await gh.addRepo({ owner: 'acme', name: 'gitops', files: opts.repo });
    gh.setPermission('acme', 'gitops', 'octocat', 'write');

    const operatorFile = join(work, 'operator.yml');
    writeFileSync(operatorFile, opts.operatorConfig(kubeconfig));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: work,
      APP_ID: String(gh.appId), PRIVATE_KEY: gh.privateKey, WEBHOOK_SECRET,
      GHE_HOST: gh.host, GHE_PROTOCOL: 'http', REDIS_URL: redis.url,
      DRIFTGUARD_CONFIG: operatorFile, DRIFTGUARD_WORKDIR: work, DRIFTGUARD_SYNC_TIMEOUT_MS: '30000',
      DRIFTGUARD_GITHUB_THROTTLE: 'off', PORT: '0', HOST: '127.0.0.1',
      LOG_LEVEL: 'debug', LOG_FORMAT: 'json',
      ...FAKE_ENV_SECRETS,
    };
    const web = spawnProcess('src/web/main.ts', env, logs);
    cleanups.push(() => stopProcess(web));
    const worker = spawnProcess('workers/main.ts', env, logs);
    cleanups.push(() => stopProcess(worker));
    const hookUrl = await until('the web process to listen', () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(logs.join(''));
      if (web.exitCode !== null) throw new Error(`web exited: ${logs.join('')}`);
      return m ? `${m[1]}/api/github/webhooks` : undefined;
    }, 30_000);
    await until('the worker to start', () => {
      if (worker.exitCode !== null) throw new Error(`worker exited: ${logs.join('')}`);
      return logs.join('').includes('Driftguard workers started');
    }, 30_000);

    const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection: queueConnection(redis.url), prefix: QUEUE_PREFIX }));
    cleanups.push(() => Promise.all(queues.map((q) => q.close())));
    const drained = async () => {
      await until('the queues to drain', async () => {
        // Drift scans are always scheduled (delayed) while apps exist: only a running or due scan is work.
          const counts = await Promise.all(queues.map((q) => (q.name === QUEUES.drift ? q.getJobCounts('waiting', 'active') : q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children'))));
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      });
    };
    return {
      kube, gh, redis, kubeconfig, hookUrl, hostile,
      logs: () => logs.join(''),
      async deliver(event, action, o, mutate) {
        const payload = await emulatorPayload(gh, event, action, o);
        mutate?.(payload);
        return sendWebhook(hookUrl, { event, payload, secret: WEBHOOK_SECRET });
      },
      drained,
      until,
      close,
    };
  } catch (e) {
    await close();
    throw new Error(`${(e as Error).message}\n--- process output ---\n${logs.join('').slice(-4000)}`);
  }
}

/** Every form in which a secret value could leak: raw, base64 (padded and not), and JSON-escaped. */
export function leakForms(value: string): string[] {
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  return [...new Set([value, b64, b64.replace(/=+$/, ''), JSON.stringify(value).slice(1, -1)])];
}

/** The (value, where) pairs of every secret found in `text`, for one readable assertion message. */
export function findLeaks(text: string, secrets: string[]): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    for (const f of leakForms(s)) {
      const i = text.indexOf(f);
      if (i >= 0) found.push(`${s} (as ${f === s ? 'raw' : f}) …${text.slice(Math.max(0, i - 120), i + f.length + 40)}…`);
    }
  }
  return found;
}
