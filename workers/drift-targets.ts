// Keeping each scanned app's drift target current: the push fan-out moves the branch head (and, for
// apps scanned without automated sync, the revision itself) and registers the app's scan scheduler; the
// sync records the revision it applied and its render, so the scan after a sync downloads nothing.
// Apps that left the config (or turned scanning off) lose their scheduler and target.
import type { AppConfig, RepoConfig } from '../src/core/config/types.ts';
import type { SourcedObject } from '../src/core/model/object.ts';
import type { PushJob, SyncJob } from '../src/queue/jobs.ts';
import type { WorkerDeps } from './deps.ts';

/** At a push to `branch`: `changed` are the automated apps whose sync this push queues. */
export async function recordPushTargets(deps: WorkerDeps, job: PushJob, config: RepoConfig, branch: string, changed: Set<string>): Promise<void> {
  const d = deps.drift;
  if (!d) return;
  const now = deps.now?.() ?? Date.now();
  for (const app of config.apps) {
    if (!app.driftDetection || (app.targetRevision ?? job.defaultBranch) !== branch) continue;
    const prev = await d.targets.get(job.repo, app.name);
    const base = { repo: job.repo, installationId: job.installationId, ref: job.ref, headSha: job.sha, updatedAt: now, ...(config.drift ? { drift: config.drift } : {}) };
    if (!app.syncPolicy.automated || (!prev && !changed.has(app.name))) {
      // Not synced by us: the branch head is what the cluster should be. An unchanged automated app without
      // a target yet: its render at this head is the one last synced.
      await d.targets.set({ ...base, app, sha: job.sha, seq: job.seq });
      await d.scheduler.soon(job.repo, job.installationId, app.name, 'push');
    } else if (prev) {
      // The sync records the revision once applied; meanwhile the scan compares with the last one synced.
      await d.targets.set({ ...prev, ...base, sha: prev.sha, app: changed.has(app.name) ? prev.app : app });
    }
    await d.scheduler.register(job.repo, job.installationId, app.name);
  }
  if (branch !== job.defaultBranch) return; // the config lives on the default branch
  for (const name of await d.targets.apps(job.repo)) {
    if (config.apps.some((a) => a.name === name && a.driftDetection)) continue;
    await d.scheduler.unregister(job.repo, name);
    await d.targets.remove(job.repo, name);
  }
}

/** Before the apply: the render of this revision, for the scans that follow. */
export async function rememberRender(deps: WorkerDeps, job: SyncJob, app: AppConfig, objects: SourcedObject[], complete: boolean): Promise<void> {
  if (!deps.drift || !app.driftDetection) return;
  await deps.drift.renders.put(job.repo, app, job.sha, { objects, complete });
}

/** After a successful sync: the applied revision is the app's drift target; scan once the dust settles. */
export async function recordSynced(deps: WorkerDeps, job: SyncJob, config: RepoConfig, app: AppConfig): Promise<void> {
  const d = deps.drift;
  if (!d || !app.driftDetection) return;
  // A rollback's revision is not Git's: the pause (AutoSyncPauses) says what to compare with meanwhile.
  if (job.trigger !== 'rollback') {
    const prev = await d.targets.get(job.repo, app.name);
    await d.targets.set({
      repo: job.repo, installationId: job.installationId, app, sha: job.sha, seq: job.seq, ref: job.ref, headSha: prev?.headSha ?? job.sha,
      updatedAt: deps.now?.() ?? Date.now(), ...(config.drift ? { drift: config.drift } : {}),
    });
    await d.scheduler.register(job.repo, job.installationId, app.name);
  }
  await d.scheduler.soon(job.repo, job.installationId, app.name, 'synced');
}
