// Start the web process in-process (used by main.ts, the demo and tests): Probot configured from the
// environment exactly like `probot run` (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
// GHE_HOST/GHE_PROTOCOL, WEBHOOK_PATH, LOG_LEVEL), plus REDIS_URL, PORT, HOST, WEBHOOK_MAX_BYTES and
// WEBHOOK_REQUEST_TIMEOUT_MS.
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { createProbot, type Probot } from 'probot';
import { JobProducer } from '../queue/producer.ts';
import { probotEnv } from '../github/octokit.ts';
import { queueConnection } from '../queue/connection.ts';
import { createRedis } from '../store/redis.ts';
import { DeliveryStore } from '../store/delivery-store.ts';
import { warnIfRedisNotDurable, type DurabilityReport } from '../store/redis-durability.ts';
import { driftguardApp, handleDelivery, type WebDeps } from './app.ts';
import { WebMetrics } from './metrics.ts';
import { createWebServer } from './server.ts';

export interface WebProcess {
  url: string;
  port: number;
  probot: Probot;
  /** The start-up check of Redis persistence and eviction (logged; resolves once logged). */
  redisCheck: Promise<DurabilityReport>;
  close(): Promise<void>;
}

export async function startWeb(env: NodeJS.ProcessEnv = process.env, opts: { defaultMetrics?: boolean } = {}): Promise<WebProcess> {
  if (!env.WEBHOOK_SECRET) throw new Error('WEBHOOK_SECRET is required: the secret set on the GitHub App, used to verify webhook signatures');
  if (!env.APP_ID) throw new Error('APP_ID is required (the GitHub App id)');
  const maxBodyBytes = positiveInteger(env, 'WEBHOOK_MAX_BYTES', 'bytes');
  const requestTimeoutMs = positiveInteger(env, 'WEBHOOK_REQUEST_TIMEOUT_MS', 'milliseconds');
  const probot = createProbot({ env: probotEnv(env) }); // throws when no private key is found
  // Fail fast while Redis is down: the webhook gets a 500 and GitHub can redeliver it later,
  // instead of the request hanging in ioredis's offline queue.
  const redis = createRedis(env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }, (e) => probot.log.debug({ err: e }, 'redis'));
  const producer = new JobProducer(queueConnection(env.REDIS_URL), undefined, (e) => probot.log.debug({ err: e }, 'queue redis'));
  const metrics = new WebMetrics(opts.defaultMetrics ?? true);
  const deps: WebDeps = { producer, deliveries: new DeliveryStore(redis), metrics, appId: Number(env.APP_ID) };
  const appFn = driftguardApp(deps);
  // Give Redis a moment to connect so the first deliveries are not refused; without it the
  // server still starts (healthz says 503) and webhooks get 500 until Redis is back.
  await Promise.race([once(redis, 'ready'), new Promise((r) => setTimeout(r, 3000).unref())]);
  const redisCheck = warnIfRedisNotDurable(redis, probot.log, 'the web process');
  const server = await createWebServer({
    probot, appFn, metrics,
    webhookPath: env.WEBHOOK_PATH || undefined,
    maxBodyBytes,
    requestTimeoutMs,
    ready: async () => { await redis.ping(); },
    deliver: (d) => handleDelivery(deps, d, probot.log),
  });
  server.listen(Number(env.PORT ?? 3000), env.HOST ?? '0.0.0.0');
  await once(server, 'listening');
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  probot.log.info(`Driftguard web listening on http://${host}:${port}`);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    probot,
    redisCheck,
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await producer.close();
      redis.disconnect();
    },
  };
}

/** An optional positive integer setting; anything else stops the process at start with the setting's name. */
function positiveInteger(env: NodeJS.ProcessEnv, name: string, unit: string): number | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const n = Number(raw);
  if (!(Number.isSafeInteger(n) && n > 0)) throw new Error(`${name} must be a positive number of ${unit}, got ${JSON.stringify(raw)}`);
  return n;
}
