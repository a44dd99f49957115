// Start the worker process in-process (workers/main.ts, the demo, end-to-end tests): consumers for
// the plan, push, sync, command and preview queues over real dependencies, any of which can be overridden.
import { readFileSync } from 'node:fs';
import { DelayedError, type Job, type Worker } from 'bullmq';
import { scrubbedLogger } from '../src/process/scrubbed-logger.ts';
import { parseOperatorConfig } from '../src/core/config/operator-config.ts';
import type { OperatorConfig } from '../src/core/config/types.ts';
import { probotOctokitFactory } from '../src/github/octokit.ts';
import { GitHubPacer, githubLimitsFromEnv } from '../src/github/pacer.ts';
import { RepoClient } from '../src/github/client.ts';
import { checkoutCacheFromEnv } from '../src/github/checkout-cache.ts';
import { ClusterRegistry } from '../src/kube/cluster.ts';
import { renderApp } from '../src/render/render.ts';
import { diffApp } from '../src/sync/diff-app.ts';
import { syncApp } from '../src/sync/sync-app.ts';
import { JobProducer } from '../src/queue/producer.ts';
import { queueConnection } from '../src/queue/connection.ts';
import { closeConsumers, createConsumer } from '../src/queue/consumer.ts';
import { QUEUES } from '../src/queue/names.ts';
import type { CommandJob, PlanJob, PreviewJob, PushJob, SyncJob, DriftJob } from '../src/queue/jobs.ts';
import { DriftScheduler } from '../src/queue/drift-scheduler.ts';
import { DriftTargets } from '../src/store/drift-targets.ts';
import { DriftReports } from '../src/store/drift-reports.ts';
import { RenderCache } from '../src/store/render-cache.ts';
import { DEFAULT_DRIFT } from '../src/core/config/drift-config.ts';
import { runDriftScan } from './drift.ts';
import { createRedis } from '../src/store/redis.ts';
import { AppLocks } from '../src/store/app-lease.ts';
import { LatestShaRegister } from '../src/store/latest-sha.ts';
import { ReplyLimiter } from '../src/store/reply-limiter.ts';
import { ForkApprovals } from '../src/store/fork-approvals.ts';
import { PreviewStore } from '../src/store/previews.ts';
import { PreviewSlots } from '../src/store/preview-slots.ts';
import { AutoSyncPauses } from '../src/store/auto-sync-pause.ts';
import { DeployHistory } from '../src/store/deploy-history.ts';
import { AggregateRuns } from '../src/store/aggregate-runs.ts';
import { warnIfRedisNotDurable, type DurabilityReport } from '../src/store/redis-durability.ts';
import type { WorkerDeps } from './deps.ts';
import { DEFAULT_RENDER_MEMO_BYTES, RenderMemo } from './render-memo.ts';
import { reportPlanFailure, runPlan } from './plan.ts';
import { attemptOf } from './attempt.ts';
import { runPush } from './push.ts';
import { failSyncCheckRun, runSync } from './sync.ts';
import { runCommand } from './command.ts';
import { previewSweepDeps, runSweep } from './preview-sweep.ts';
import { isPreviewNamespaceOf } from '../src/core/preview/guard-rails.ts';
import { concurrencyFrom, defaultPlanConcurrency, DEFAULT_SYNC_CONCURRENCY } from './concurrency.ts';
import { failPreviewJob, runPreview } from './preview.ts';

export interface WorkerProcess {
  deps: WorkerDeps;
  workers: Worker[];
  /** The start-up check of Redis persistence and eviction (logged; resolves once logged). */
  redisCheck: Promise<DurabilityReport>;
  close(): Promise<void>;
}

/** Delay before a sync whose app is locked by another worker is tried again. */
const LOCKED_RETRY_MS = 1000;

export function loadOperatorConfig(env: NodeJS.ProcessEnv): OperatorConfig {
  const file = env.DRIFTGUARD_CONFIG;
  if (!file) throw new Error('DRIFTGUARD_CONFIG is required: the path of the operator config (clusters and projects)');
  return parseOperatorConfig(file, readFileSync(file, 'utf8'));
}

export async function startWorkers(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkerDeps> = {}): Promise<WorkerProcess> {
  const log = overrides.log ?? scrubbedLogger('driftguard-worker', env.LOG_LEVEL ?? 'info');
  const operator = overrides.operator ?? loadOperatorConfig(env);
  const registry = new ClusterRegistry(operator.clusters);
  const redis = createRedis(env.REDIS_URL, {}, (e) => log.debug({ err: e.message }, 'redis'));
  // Every GitHub request of every worker process goes through one pacer per installation (in Redis).
  const limits = githubLimitsFromEnv(env);
  const pacer = limits ? new GitHubPacer(redis, limits, log) : undefined;
  const factory = overrides.github ? undefined : probotOctokitFactory(env, { ...(pacer ? { pacer } : {}) });
  // How long a dead worker's job stays locked before another worker runs it again (BullMQ lock and
  // stalled check; default 30 s); its app lease lasts twice that (default 60 s).
  const lockDuration = env.DRIFTGUARD_JOB_LOCK_MS ? Number(env.DRIFTGUARD_JOB_LOCK_MS) : undefined;
  const timing = lockDuration ? { lockDuration, stalledInterval: lockDuration } : {};
  const redisCheck = warnIfRedisNotDurable(redis, log, 'the worker');
  const producer = overrides.producer ?? new JobProducer(queueConnection(env.REDIS_URL), undefined, (e) => log.debug({ err: e.message }, 'queue redis'));
  const checkouts = checkoutCacheFromEnv(env, (msg, detail) => log.warn(detail ?? {}, msg));
  const driftTiming = operator.drift ?? DEFAULT_DRIFT;
  const scheduler = new DriftScheduler(queueConnection(env.REDIS_URL), driftTiming.intervalMs, driftTiming.debounceMs, (e) => log.debug({ err: e.message }, 'drift queue redis'));
  const deps: WorkerDeps = {
    github: async (repo, installationId) => new RepoClient(await factory!.forInstallation(installationId), repo),
    operator,
    cluster: (name) => registry.get(name),
    render: renderApp,
    diffLive: diffApp,
    sync: syncApp,
    producer,
    locks: new AppLocks(redis, lockDuration ? 2 * lockDuration : undefined),
    latest: new LatestShaRegister(redis),
    replies: new ReplyLimiter(redis),
    approvals: new ForkApprovals(redis),
    previews: new PreviewStore(redis),
    previewSlots: new PreviewSlots(redis),
    pauses: new AutoSyncPauses(redis),
    history: new DeployHistory(redis),
    aggregates: new AggregateRuns(redis),
    log,
    ...(env.DRIFTGUARD_WORKDIR ? { workDir: env.DRIFTGUARD_WORKDIR } : {}),
    ...(checkouts ? { checkouts } : {}),
    renders: new RenderMemo(concurrencyFrom(env, 'DRIFTGUARD_RENDER_MEMO_MB', DEFAULT_RENDER_MEMO_BYTES / (1024 * 1024)) * 1024 * 1024),
    ...(env.DRIFTGUARD_SYNC_TIMEOUT_MS ? { syncTimeoutMs: Number(env.DRIFTGUARD_SYNC_TIMEOUT_MS) } : {}),
    planConcurrency: concurrencyFrom(env, 'DRIFTGUARD_PLAN_CONCURRENCY', defaultPlanConcurrency()),
    drift: { targets: new DriftTargets(redis), reports: new DriftReports(redis), renders: new RenderCache(redis), scheduler, timing: driftTiming },
    ...overrides,
  };
  const connection = queueConnection(env.REDIS_URL);
  const concurrency = concurrencyFrom(env, 'WORKER_CONCURRENCY', 2);
  // Sync jobs fan out per app: many at once (they mostly wait), each cluster's requests bounded apart.
  const syncConcurrency = concurrencyFrom(env, 'DRIFTGUARD_SYNC_CONCURRENCY', DEFAULT_SYNC_CONCURRENCY);
  const onError = (e: Error) => log.debug({ err: e.message }, 'worker redis');
  const onRateLimited = (job: Job, until: number) => log.warn({ queue: job.queueName, jobId: job.id, until: new Date(until).toISOString() }, "GitHub's rate limit: the job runs again after the reset");
  const failed = (queue: string) => (job: Job, err: Error) => log.error({ queue, jobId: job.id, err: err.message }, 'job failed for good');

  const workers: Worker[] = [
    createConsumer<PlanJob>(QUEUES.plan, (job) => runPlan(job.data, deps, attemptOf(job)), {
      connection, concurrency, onError, onRateLimited, ...timing,
      onFinalFailure: async (job, err) => {
        failed('plan')(job, err);
        // Stalled too often (the worker died each time): nobody else will finish its runs.
        if (/stalled/.test(err.message)) await reportPlanFailure(job.data as PlanJob, deps, `the worker running it stopped (${err.message})`);
      },
    }),
    createConsumer<PushJob>(QUEUES.push, (job) => runPush(job.data, deps, attemptOf(job)), { connection, concurrency, onError, onRateLimited, ...timing, onFinalFailure: failed('push') }),
    createConsumer<CommandJob>(QUEUES.command, (job) => runCommand(job.data, deps), { connection, concurrency, onError, onRateLimited, ...timing, onFinalFailure: failed('command') }),
    createConsumer<SyncJob>(QUEUES.sync, async (job, token) => {
      const r = await runSync(job.data, deps, attemptOf(job));
      if (r.outcome === 'locked') {
        // Another worker syncs this app: wait without holding a worker slot (BullMQ's delayed retry).
        await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
        throw new DelayedError();
      }
      return r.outcome;
    }, {
      connection, concurrency: syncConcurrency, onError, onRateLimited, ...timing,
      onFinalFailure: async (job, err) => {
        failed('sync')(job, err);
        await failSyncCheckRun(job.data as SyncJob, deps, `Sync failed after ${job.attemptsMade} attempt(s): ${err.message}`);
      },
    }),
    createConsumer<PreviewJob>(QUEUES.preview, async (job, token) => {
      const r = await runPreview(job.data, deps, attemptOf(job));
      if (r.outcome === 'locked') {
        // Another job of this PR's previews runs: wait without holding a worker slot.
        await job.moveToDelayed(Date.now() + LOCKED_RETRY_MS, token);
        throw new DelayedError();
      }
      return r.outcome;
    }, {
      connection, concurrency, onError, ...timing,
      onFinalFailure: async (job, err) => {
        failed('preview')(job, err);
        await failPreviewJob(job.data as PreviewJob, deps, `Preview failed after ${job.attemptsMade} attempt(s): ${err.message}`.slice(0, 140));
      },
    }),
    // One sweep at a time per worker; the schedule makes one job per interval for all workers together.
    createConsumer(QUEUES.previewSweep, async () => {
      const report = await runSweep(deps, previewSweepDeps(deps, isPreviewNamespaceOf));
      log.info({ ...report, removed: report.removed.length, leftAlone: report.leftAlone.length }, 'preview sweep');
      return report;
    }, { connection, concurrency: 1, onError, ...timing, onFinalFailure: failed('preview-sweep') }),
    // Scans mostly read memory (the watch cache, the cached render): many at once.
    createConsumer<DriftJob>(QUEUES.drift, (job) => runDriftScan(job.data, deps), { connection, concurrency: concurrencyFrom(env, 'DRIFTGUARD_DRIFT_CONCURRENCY', 8), onError, ...timing, onFinalFailure: failed('drift') }),
  ];
  // The operator config says how often (default 5 min); without previews there is nothing to sweep.
  await producer.schedulePreviewSweep(operator.preview?.sweepIntervalMs ?? 0);
  log.info({ queues: Object.values(QUEUES), concurrency, syncConcurrency, planConcurrency: deps.planConcurrency }, 'Driftguard workers started');
  return {
    deps,
    workers,
    redisCheck,
    async close() {
      await closeConsumers(workers);
      if (!overrides.producer) await producer.close();
      await scheduler.close();
      await registry.close();
      deps.checkouts?.close();
      redis.disconnect();
    },
  };
}
