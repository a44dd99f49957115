// Retry and retention defaults. GitHub and cluster calls fail transiently; exponential backoff
// spaces retries. Completed jobs are kept briefly (dedupe by id while they exist, and inspection).
import type { JobsOptions } from 'bullmq';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};
