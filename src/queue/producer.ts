// The producer the web process (and the push fan-out worker) uses to enqueue jobs.
import { Queue, type JobsOptions } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import { QUEUE_PREFIX, QUEUES, type QueueName } from './names.ts';
import type { CommandJob, PlanJob, PreviewJob, PushJob, SyncJob } from './jobs.ts';
import { commandJobId, planJobId, previewJobId, pushJobId, rerunSuffix, syncJobId } from './job-ids.ts';
import { DEFAULT_JOB_OPTIONS } from './job-options.ts';

const PREVIEW_SWEEP_SCHEDULER = 'preview-sweep';

export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly jobOptions: JobsOptions = DEFAULT_JOB_OPTIONS,
    private readonly onError?: (e: Error) => void,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: QUEUE_PREFIX, defaultJobOptions: this.jobOptions });
      q.on('error', (e: Error) => this.onError?.(e));
      this.queues.set(name, q);
    }
    return q;
  }

  /** Resolves to the job id; re-adding an existing id returns the existing job, unchanged. */
  /** `rerunKey` (e.g. the comment id of `/driftguard diff`) forces a new plan of an already planned head. */
  async plan(job: Omit<PlanJob, 'kind'>, opts: { rerunKey?: string } = {}): Promise<string> {
    const id = planJobId(job.repo, job.pr, job.headSha) + rerunSuffix(opts.rerunKey);
    return this.add(QUEUES.plan, { kind: 'plan', ...job }, id);
  }

  /** A plan of this head queued earlier with this rerunKey is still kept (waiting, running or finished). */
  async hasPlan(repo: string, pr: number, headSha: string, rerunKey: string): Promise<boolean> {
    return (await this.queue(QUEUES.plan).getJob(planJobId(repo, pr, headSha) + rerunSuffix(rerunKey))) !== undefined;
  }

  /** Remove the waiting plan job of this head; false when there is none or it is already running. */
  async cancelPlan(repo: string, pr: number, headSha: string): Promise<boolean> {
    return (await this.queue(QUEUES.plan).remove(planJobId(repo, pr, headSha))) === 1;
  }

  async push(job: Omit<PushJob, 'kind'>): Promise<string> {
    return this.add(QUEUES.push, { kind: 'push', ...job }, pushJobId(job.deliveryId));
  }

  /** `rerunKey` (the comment id of `/driftguard sync`) syncs a SHA again even while its earlier job is kept. */
  /** `delayMs`: run no earlier than that (a self-heal's grace). */
  async sync(job: Omit<SyncJob, 'kind'>, opts: { rerunKey?: string; delayMs?: number } = {}): Promise<string> {
    const id = syncJobId(job.repo, job.app, job.sha, job.seq) + rerunSuffix(opts.rerunKey);
    if (!opts.delayMs) return this.add(QUEUES.sync, { kind: 'sync', ...job }, id);
    const added = await this.queue(QUEUES.sync).add(QUEUES.sync, { kind: 'sync', ...job }, { jobId: id, delay: opts.delayMs });
    return added.id ?? id;
  }

  async command(job: Omit<CommandJob, 'kind'>): Promise<string> {
    return this.add(QUEUES.command, { kind: 'command', ...job }, commandJobId(job.repo, job.commentId));
  }

  /** `rerunKey` (e.g. a command's comment id) makes a new job of an already queued (repo, pr, app, action, seq). */
  async preview(job: Omit<PreviewJob, 'kind'>, opts: { rerunKey?: string; delayMs?: number } = {}): Promise<string> {
    const id = previewJobId(job.repo, job.pr, job.app, job.action, job.seq) + rerunSuffix(opts.rerunKey);
    const added = await this.queue(QUEUES.preview).add(QUEUES.preview, { kind: 'preview', ...job }, { jobId: id, ...(opts.delayMs ? { delay: opts.delayMs } : {}) });
    return added.id ?? id;
  }

  /**
   * Run the preview sweeper every `everyMs` (upserted: every worker may call this at start; one schedule
   * results, and a changed interval replaces the old one). 0 removes the schedule.
   */
  async schedulePreviewSweep(everyMs: number): Promise<void> {
    const q = this.queue(QUEUES.previewSweep);
    if (everyMs <= 0) {
      await q.removeJobScheduler(PREVIEW_SWEEP_SCHEDULER);
      return;
    }
    await q.upsertJobScheduler(PREVIEW_SWEEP_SCHEDULER, { every: everyMs }, { name: QUEUES.previewSweep, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
  }

  /** One sweep now (tests, and an operator who does not want to wait for the schedule). */
  async sweepPreviewsNow(key: string): Promise<string> {
    return this.add(QUEUES.previewSweep, {}, `preview-sweep-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`);
  }

  private async add(name: QueueName, data: object, jobId: string): Promise<string> {
    const job = await this.queue(name).add(name, data, { jobId });
    return job.id ?? jobId;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
