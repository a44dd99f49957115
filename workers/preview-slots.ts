// Handing freed preview slots to the previews waiting under the repository's limit: their last `up`
// job is queued again (a new job id each time), oldest first; the first to run takes the slot, the
// others find none free and wait on. Called when a `down` job frees slots and by every sweep, which
// repairs a hand-over lost to a worker that died in between.
import type { PreviewJob } from '../src/queue/jobs.ts';
import type { WorkerDeps } from './deps.ts';

/** Queue the waiting previews of `repo` that may take its free slots; how many were queued. */
export async function promoteWaiting(deps: Pick<WorkerDeps, 'previewSlots' | 'producer' | 'now'>, repo: string): Promise<number> {
  const waiting = await deps.previewSlots.promotable<Omit<PreviewJob, 'kind'>>(repo);
  const at = deps.now?.() ?? Date.now();
  for (const w of waiting) await deps.producer.preview(w.job, { rerunKey: `slot-${at}` });
  return waiting.length;
}
