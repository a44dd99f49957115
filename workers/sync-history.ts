// One deploy-history entry per sync job, whatever its outcome (locked jobs are delayed, not ended, and
// record nothing). Recording never fails a sync: the check run is the report of record, history is
// best effort on top (logged when Redis refuses).
import type { SyncJob, SyncTrigger } from '../src/queue/jobs.ts';
import { historyId, type DeployCounts, type DeployResult } from '../src/store/deploy-history.ts';
import type { WorkerDeps } from './deps.ts';

/** Why the job runs: its trigger, or what an older job's fields imply. */
export const syncTrigger = (job: Pick<SyncJob, 'trigger' | 'requestedBy'>): SyncTrigger => job.trigger ?? (job.requestedBy ? 'command' : 'push');

export interface SyncTrace {
  title?: string;
  deploymentId?: number;
  checkRunId?: number;
  counts?: DeployCounts;
  health?: string;
}

export async function recordSync(deps: Pick<WorkerDeps, 'history' | 'log'>, job: SyncJob, result: DeployResult, trace: SyncTrace, now = new Date()): Promise<void> {
  try {
    await deps.history.record(job.repo, job.app, {
      id: historyId(job), sha: job.sha, at: now.toISOString(), trigger: syncTrigger(job), result, ref: job.ref,
      ...(job.requestedBy ? { by: job.requestedBy } : {}),
      ...(trace.counts ? { counts: trace.counts } : {}),
      ...(trace.health ? { health: trace.health } : {}),
      ...(trace.title ? { message: trace.title } : {}),
      ...(trace.checkRunId !== undefined ? { checkRunId: trace.checkRunId } : {}),
      ...(trace.deploymentId !== undefined ? { deploymentId: trace.deploymentId } : {}),
    });
  } catch (e) {
    deps.log.warn({ err: e, repo: job.repo, app: job.app, sha: job.sha }, 'could not record the deploy history entry');
  }
}
