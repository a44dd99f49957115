// Consumer factory for workers: concurrency, stalled-job detection, graceful close.
// A job whose worker died keeps its lock only for lockDuration; BullMQ's stalled checker then moves
// it back to wait (up to maxStalledCount times) and finally to failed — the 'failed' event is
// where processors get a last chance to finish their check run (onFinalFailure). A job failed by
// the stalled checker ("job stalled more than allowable limit") emits no worker event, so that case
// is watched through QueueEvents; every consumer of the queue sees it, so onFinalFailure must be
// idempotent (completing a check run twice is harmless). Deterministic failures (isDeterministic) are
// thrown as UnrecoverableError: failed at once, never retried.
import { DelayedError, Job, QueueEvents, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { isDeterministic, isRateLimited, rateLimitedUntil } from '../core/errors.ts';
import type { ConnectionOptions } from 'bullmq';
import { QUEUE_PREFIX, type QueueName } from './names.ts';

export interface ConsumerOptions {
  connection: ConnectionOptions;
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  /** Called once a job will not be retried any more (attempts exhausted, or stalled too often). */
  onFinalFailure?: (job: Job, err: Error) => Promise<void> | void;
  onError?: (err: Error) => void;
  /** A job that GitHub's rate limit put off until `until` (epoch ms). */
  onRateLimited?: (job: Job, until: number) => void;
}

export type Processor<T> = (job: Job<T>, token?: string) => Promise<unknown>;

export function createConsumer<T>(name: QueueName, processor: Processor<T>, opts: ConsumerOptions): Worker<T> {
  const wopts: WorkerOptions = {
    connection: opts.connection,
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency ?? 2,
    lockDuration: opts.lockDuration ?? 30_000,
    stalledInterval: opts.stalledInterval ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 1,
  };
  // A deterministic failure (render error, refusal, invalid config) is final: BullMQ must not retry it.
  const run: Processor<T> = async (job, token) => {
    try {
      return await processor(job, token);
    } catch (e) {
      // GitHub's limit ran out for longer than a job waits: the job runs again after the reset, without
      // holding a worker slot meanwhile and without using up an attempt (its reports are resumed then).
      if (isRateLimited(e) && token) {
        opts.onRateLimited?.(job, rateLimitedUntil(e));
        await job.moveToDelayed(rateLimitedUntil(e), token);
        throw new DelayedError();
      }
      if (!isDeterministic(e)) throw e;
      const u = new UnrecoverableError(String(e)); // DriftguardError's toString: file:line: message
      (u as Error).cause = e;
      throw u;
    }
  };
  const worker = new Worker<T>(name, run, wopts);
  const final = (job: Job, err: Error) => {
    if (!opts.onFinalFailure) return;
    Promise.resolve(opts.onFinalFailure(job, err)).catch((e) => opts.onError?.(e as Error));
  };
  worker.on('failed', (job, err) => {
    if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError')) final(job, err);
  });
  worker.on('error', (err) => opts.onError?.(err));
  if (opts.onFinalFailure) {
    const events = new QueueEvents(name, { connection: opts.connection, prefix: QUEUE_PREFIX });
    events.on('error', (err) => opts.onError?.(err));
    events.on('failed', ({ jobId, failedReason }) => {
      if (!/stalled more than allowable limit/.test(failedReason)) return;
      Job.fromId<T>(worker, jobId).then(
        (job) => { if (job) final(job, new Error(failedReason)); },
        (e) => opts.onError?.(e as Error),
      );
    });
    worker.on('closed', () => void events.close());
  }
  return worker;
}

/** Stop taking new jobs, let running ones finish (or time out), then close connections. */
export async function closeConsumers(workers: Worker[], timeoutMs = 30_000): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      const graceful = w.close();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
      const r = await Promise.race([graceful.then(() => 'closed' as const), timeout]);
      clearTimeout(timer);
      if (r === 'timeout') await w.close(true);
    }),
  );
}
