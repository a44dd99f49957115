// Which attempt of a BullMQ job is running: on the last one a job must finish every report it
// started (a retry would otherwise resume them).
import type { Job } from 'bullmq';

export interface Attempt {
  /** No retry follows a failure of this run (attempts exhausted, or the failure is deterministic). */
  finalAttempt: boolean;
}

export const attemptOf = (job: Job): Attempt => ({ finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
