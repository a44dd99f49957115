// Push fan-out: read the config from the DEFAULT branch (never from the pushed branch), pick the
// automated apps whose target revision is the pushed branch, create a queued check run per app on
// the pushed commit and enqueue one sync job each. Older pushes lose to newer ones (seq).
import type { PushJob } from '../src/queue/jobs.ts';
import { appScope } from '../src/store/latest-sha.ts';
import { checkName, type WorkerDeps } from './deps.ts';
import { loadRepoConfig, reportConfigError } from './repo-config.ts';

export type PushOutcome = 'no-config' | 'invalid-config' | 'fanned-out';

export async function runPush(job: PushJob, deps: WorkerDeps): Promise<{ outcome: PushOutcome; apps: string[]; superseded: string[] }> {
  const log = deps.log.child({ job: 'push', repo: job.repo, ref: job.ref, sha: job.sha });
  const branch = job.ref.replace(/^refs\/heads\//, '');
  const gh = await deps.github(job.repo, job.installationId);
  // Always the default branch's config; for a push to it, exactly as of the pushed commit.
  const loaded = await loadRepoConfig(gh, branch === job.defaultBranch ? job.sha : job.defaultBranch);
  if (!loaded) return { outcome: 'no-config', apps: [], superseded: [] };
  if (!loaded.ok) {
    // Tell the pusher of the default branch; other branches do not use the config directly.
    if (branch === job.defaultBranch) await reportConfigError(gh, job.sha, loaded.error, `the default branch (${job.defaultBranch})`);
    return { outcome: 'invalid-config', apps: [], superseded: [] };
  }
  const apps = loaded.config.apps.filter((a) => a.syncPolicy.automated && (a.targetRevision ?? job.defaultBranch) === branch);
  const queued: string[] = [];
  const superseded: string[] = [];
  for (const app of apps) {
    const current = await deps.latest.offer(appScope(job.repo, app.name), job.seq, job.sha);
    if (!current) {
      // A newer push already took over (this job ran late): record it, never leave a run pending.
      await gh.reportCheckRun({
        name: checkName(app.name), headSha: job.sha, conclusion: 'skipped', externalId: `sync:${app.name}`,
        output: { title: 'Superseded by a newer push', summary: `A newer commit on ${branch} is synced instead of this one.` },
      });
      superseded.push(app.name);
      continue;
    }
    const run = await gh.createCheckRun({
      name: checkName(app.name), headSha: job.sha, status: 'queued', externalId: `sync:${app.name}`,
      output: { title: 'Queued', summary: `Waiting to sync ${app.name} to ${app.cluster}/${app.namespace}.` },
    });
    try {
      await deps.producer.sync({ repo: job.repo, installationId: job.installationId, app: app.name, sha: job.sha, ref: job.ref, seq: job.seq, checkRunId: run.id, deliveryId: job.deliveryId });
    } catch (e) {
      await gh.completeCheckRun(run.id, 'cancelled', { title: 'Could not be queued', summary: (e as Error).message }).catch(() => {});
      throw e;
    }
    queued.push(app.name);
  }
  log.info({ apps: queued, superseded }, 'push fanned out');
  return { outcome: 'fanned-out', apps: queued, superseded };
}
