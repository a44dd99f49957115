// Drift scans in BullMQ: one job scheduler per app (every `intervalMs`, at an offset within the interval
// derived from the app's name, so 1,000 apps do not all scan in the same second), plus scans asked for
// now (watch events, a sync that ended) deduplicated while one is pending.
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUE_PREFIX, QUEUES } from './names.ts';
import type { DriftJob, DriftScanReason } from './jobs.ts';
import { driftScanDedupeId, driftSchedulerId } from './job-ids.ts';

/** Scans are cheap and repeat: keep few finished jobs, never retry a failed scan (the next one comes). */
const SCAN_JOB_OPTIONS = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { age: 24 * 3600, count: 1000 } };

/** A stable offset in [0, intervalMs) for the app: its scans are spread over the interval. */
export function scanOffset(repo: string, app: string, intervalMs: number): number {
  const h = createHash('sha1').update(`${repo.toLowerCase()}\0${app}`).digest();
  return h.readUInt32BE(0) % intervalMs;
}

export class DriftScheduler {
  private readonly queue: Queue<DriftJob>;

  constructor(connection: ConnectionOptions, private readonly intervalMs: number, private readonly debounceMs: number, onError?: (e: Error) => void) {
    this.queue = new Queue<DriftJob>(QUEUES.drift, { connection, prefix: QUEUE_PREFIX, defaultJobOptions: SCAN_JOB_OPTIONS });
    this.queue.on('error', (e: Error) => onError?.(e));
  }

  /** Scan the app every interval (idempotent: registering again keeps one scheduler, updated). */
  async register(repo: string, installationId: number, app: string): Promise<void> {
    await this.queue.upsertJobScheduler(
      driftSchedulerId(repo, app),
      { every: this.intervalMs, offset: scanOffset(repo, app, this.intervalMs) },
      { name: QUEUES.drift, data: { kind: 'drift', repo, installationId, app, reason: 'interval' }, opts: SCAN_JOB_OPTIONS },
    );
  }

  /** Stop scanning the app (removed from the config, or no longer automated nor driftDetection). */
  async unregister(repo: string, app: string): Promise<boolean> {
    return this.queue.removeJobScheduler(driftSchedulerId(repo, app));
  }

  /**
   * A scan after the debounce window. Calls while one is waiting are that one (a burst of watch events
   * from a rollout or an edit makes one scan); a call while it runs makes one more after it (what it
   * read may predate the event). Deduplicated in Redis, so across workers too.
   */
  async soon(repo: string, installationId: number, app: string, reason: DriftScanReason): Promise<string | undefined> {
    const job = await this.queue.add(QUEUES.drift, { kind: 'drift', repo, installationId, app, reason }, {
      delay: this.debounceMs,
      deduplication: { id: driftScanDedupeId(repo, app), keepLastIfActive: true },
    });
    return job.id;
  }

  async schedulers(): Promise<number> {
    return this.queue.getJobSchedulersCount();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
