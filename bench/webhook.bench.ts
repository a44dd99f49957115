// Webhook acknowledgement latency at 200 deliveries/s for ~10 s: real @octokit/webhooks-examples
// payloads, signed with the webhook secret, POSTed over keep-alive HTTP to the real web process
// (`npm start` = src/web/main.ts → startWeb, in its own Node process as in production) backed by a
// private redis-server. Open loop: each delivery is sent at its scheduled time whether or not earlier
// ones were answered, and latency counts from the scheduled time (no coordinated omission). In-flight
// requests are bounded; a delivery that would exceed the bound counts as late instead of piling up.
// Afterwards: jobs in the queues must equal the distinct deliveries (5% are redeliveries of an
// earlier id, which the web process must drop).
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { payloadFor, signWebhook } from '../emulators/github/webhooks.ts';
import { DURABLE_REDIS_ARGS, RedisServer, freePort } from '../src/devtools/redis-server.ts';
import { JobProducer, QUEUES, queueConnection } from '../src/queue/index.ts';
import type { BenchFigure } from './run.ts';

const RATE = 200; // deliveries per second
const SECONDS = 10;
const MAX_IN_FLIGHT = 200;
const REDELIVERY_EVERY = 20; // every 20th delivery repeats an earlier delivery id
const SECRET = 'bench-webhook-secret';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Delivery {
  id: string;
  event: string;
  body: string;
  signature: string;
}

/** Distinct deliveries that each must become exactly one job: PR opened/synchronize (plan) and pushes (push). */
function deliveries(n: number): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; out.length < n; i++) {
    if (i > 0 && i % REDELIVERY_EVERY === 0) {
      out.push({ ...out[i - 7] }); // GitHub redelivery: same id, same body
      continue;
    }
    const sha = (i.toString(16).padStart(8, '0') + 'a'.repeat(32)).slice(0, 40);
    let event: string;
    let payload: Record<string, any>;
    if (i % 3 === 2) {
      event = 'push';
      payload = payloadFor('push', undefined, { ref: 'refs/heads/main', before: 'b'.repeat(40), after: sha, deleted: false });
    } else {
      event = 'pull_request';
      payload = payloadFor('pull_request', i % 3 === 0 ? 'opened' : 'synchronize');
      payload.number = 1000 + i;
      payload.pull_request.number = 1000 + i;
      payload.pull_request.head.sha = sha;
    }
    const body = JSON.stringify(payload);
    out.push({ id: randomUUID(), event, body, signature: signWebhook(SECRET, body) });
  }
  return out;
}

function post(agent: Agent, port: number, d: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path: '/api/github/webhooks', method: 'POST', agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(d.body),
        'user-agent': 'GitHub-Hookshot/bench',
        'x-github-event': d.event,
        'x-github-delivery': d.id,
        'x-hub-signature-256': d.signature,
      },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(d.body);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;

export default async function (): Promise<BenchFigure[]> {
  const redis = await RedisServer.start({ args: DURABLE_REDIS_ARGS });
  const port = await freePort();
  const web = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/web/main.ts')], {
    cwd: root,
    env: {
      ...process.env, APP_ID: '1', PRIVATE_KEY: testKey(), WEBHOOK_SECRET: SECRET, REDIS_URL: redis.url,
      PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const producer = new JobProducer(queueConnection(redis.url));
  try {
    await waitHealthy(port);
    const all = deliveries(RATE * SECONDS);
    // Warm-up (JIT, connections, Redis scripts) with deliveries that are not counted.
    await Promise.all(deliveries(100).map((d) => post(agent, port, { ...d, id: `warm-${d.id}` })));
    await drainQueues(producer);

    const latencies: number[] = [];
    let late = 0;
    let errors = 0;
    let inFlight = 0;
    const pending: Promise<void>[] = [];
    const t0 = performance.now() + 20;
    for (let i = 0; i < all.length; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (inFlight >= MAX_IN_FLIGHT) {
        late++;
        continue;
      }
      inFlight++;
      pending.push(post(agent, port, all[i]).then(
        (status) => {
          inFlight--;
          if (status !== 200) errors++;
          latencies.push(performance.now() - due);
        },
        () => { inFlight--; errors++; },
      ));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - t0) / 1000;
    const distinct = new Set(all.map((d) => d.id)).size;
    const jobs = (await producer.queue(QUEUES.plan).count()) + (await producer.queue(QUEUES.push).count());
    latencies.sort((a, b) => a - b);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    return [
      { name: `webhook ack p50 at ${RATE}/s for ${SECONDS} s (separate web process)`, value: Number(p50.toFixed(2)), unit: 'ms' },
      { name: `webhook ack p99 at ${RATE}/s`, value: Number(p99.toFixed(2)), unit: 'ms', goal: '< 20', ok: p99 < 20 },
      { name: '  max', value: Number((latencies.at(-1) ?? NaN).toFixed(2)), unit: 'ms' },
      { name: '  achieved rate', value: Number((latencies.length / elapsed).toFixed(1)), unit: 'req/s' },
      { name: '  non-200 answers or errors + late (in-flight bound hit)', value: errors + late, unit: 'req', goal: '0', ok: errors + late === 0 },
      { name: `  jobs enqueued (== ${distinct} distinct of ${all.length} deliveries)`, value: jobs, unit: 'jobs', goal: `${distinct}`, ok: jobs === distinct },
    ];
  } finally {
    agent.destroy();
    await producer.close();
    web.kill('SIGTERM');
    await new Promise((r) => web.once('exit', r));
    await redis.stop();
  }
}

async function waitHealthy(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('web process did not become healthy');
}

async function drainQueues(p: JobProducer): Promise<void> {
  for (const q of [QUEUES.plan, QUEUES.push]) await p.queue(q).obliterate({ force: true });
}

/** Probot needs an app key to start; the web process never uses it (it makes no API calls). */
function testKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}
