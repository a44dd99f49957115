// Push fan-out: read the config from the DEFAULT branch (never from the pushed branch), pick the
// automated apps whose target revision is the pushed branch AND whose files changed between `before`
// and `after` (all of them on a first push, a force-push, an unknown `before` or a config change),
// create a queued check run per app on the pushed commit and enqueue one sync job each. Older pushes
// lose to newer ones (seq); a retried fan-out (same seq) resumes where its first attempt stopped.
import type { PushJob } from '../src/queue/jobs.ts';
import { appScope } from '../src/store/latest-sha.ts';
import { checkName, type WorkerDeps } from './deps.ts';
import { loadRepoConfig, reportConfigError } from './repo-config.ts';
import { findCheckRun, resumeCheckRun, syncRunId } from './check-runs.ts';
import type { Attempt } from './attempt.ts';
import { isRateLimited } from '../src/core/errors.ts';
import type { RepoClient } from '../src/github/client.ts';
import { AGGREGATE_CHECK, aggregateAbove, aggregateId, aggregateRunExternalId, reportIntoAggregate } from './aggregate-run.ts';
import { appsChangedBy, pushChanges } from './changed-apps.ts';
import type { AppConfig } from '../src/core/config/types.ts';
import { REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import { renderPausedCheckRun } from '../src/core/report/rollback.ts';
import { commitTree } from './checkout.ts';
import { recordPushTargets } from './drift-targets.ts';

export type PushOutcome = 'no-config' | 'invalid-config' | 'fanned-out';

export interface PushResult {
  outcome: PushOutcome;
  /** Apps queued for sync. */
  apps: string[];
  /** Apps a newer push already took over (check run skipped). */
  superseded: string[];
  /** Automated apps on this branch that the push did not change (nothing queued, no check run). */
  unchanged: string[];
  /** Apps paused after a rollback that this push did not sync (a neutral check run says so). */
  paused?: string[];
  /** Apps whose pause this push ended (it changes them: the new commit is synced). */
  resumed?: string[];
}

export async function runPush(job: PushJob, deps: WorkerDeps, attempt: Attempt = { finalAttempt: true }): Promise<PushResult> {
  const log = deps.log.child({ job: 'push', repo: job.repo, ref: job.ref, sha: job.sha });
  const branch = job.ref.replace(/^refs\/heads\//, '');
  const gh = await deps.github(job.repo, job.installationId);
  // Always the default branch's config; for a push to it, exactly as of the pushed commit.
  const loaded = await loadRepoConfig(gh, branch === job.defaultBranch ? job.sha : job.defaultBranch);
  if (!loaded) return { outcome: 'no-config', apps: [], superseded: [], unchanged: [] };
  if (!loaded.ok) {
    // Tell the pusher of the default branch; other branches do not use the config directly.
    if (branch === job.defaultBranch) await reportConfigError(gh, job.sha, loaded.error, `the default branch (${job.defaultBranch})`);
    return { outcome: 'invalid-config', apps: [], superseded: [], unchanged: [] };
  }
  const candidates = loaded.config.apps.filter((a) => a.syncPolicy.automated && (a.targetRevision ?? job.defaultBranch) === branch);
  if (candidates.length === 0) {
    await recordPushTargets(deps, job, loaded.config, branch, new Set());
    return { outcome: 'fanned-out', apps: [], superseded: [], unchanged: [] };
  }
  const changes = await pushChanges(gh, job);
  // Kustomize references are read from the commit's checkout: the cache keeps it for the sync jobs.
  const tree = commitTree(gh, job.sha, deps);
  const selected = await (async () => {
    const changed = await appsChangedBy(tree.reader, loaded.config, changes, job.sha, candidates);
    return { changed, ...(await applyPauses(job, deps, (pausedApps) => (changes.all ? [] : appsChangedBy(tree.reader, loaded.config, { all: false, files: changes.files.filter((f) => f !== REPO_CONFIG_PATH) }, job.sha, pausedApps)), changed, candidates)) };
  })().finally(() => tree.release());
  const { changed, apps, paused, resumed } = selected;
  // Drift scans: the branch head moves now; a synced app's revision once its sync has applied it.
  await recordPushTargets(deps, job, loaded.config, branch, new Set(apps.map((a) => a.name)));
  const unchanged = candidates.filter((a) => !changed.includes(a)).map((a) => a.name);
  log.info({ changes: changes.all ? `all apps: ${changes.reason}` : `${changes.files.length} file(s)`, apps: apps.map((a) => a.name), unchanged, paused, resumed }, 'push changes');
  for (const name of paused) {
    const pause = await deps.pauses.get(job.repo, name);
    const externalId = syncRunId(name, job.seq);
    if (pause && !(await findCheckRun(gh, job.sha, checkName(name), externalId))) {
      await gh.reportCheckRun({ name: checkName(name), headSha: job.sha, conclusion: 'neutral', externalId, output: renderPausedCheckRun(name, job.sha, pause) });
    }
  }
  const queued: string[] = [];
  const superseded: string[] = [];
  const rest = { unchanged, ...(paused.length ? { paused } : {}), ...(resumed.length ? { resumed } : {}) };
  if (deps.aggregates && apps.length > aggregateAbove(deps.operator)) {
    await fanOutAggregated(job, deps, gh, apps, attempt, queued, superseded);
    log.info({ apps: queued, superseded, aggregated: true }, 'push fanned out');
    return { outcome: 'fanned-out', apps: queued, superseded, ...rest };
  }
  for (const app of apps) {
    // Resumable: a retry (same seq) finds what its first attempt registered, created and queued, and
    // finishes the rest. Only a newer commit for the app supersedes this push.
    const name = checkName(app.name);
    const externalId = syncRunId(app.name, job.seq);
    if (!(await deps.latest.offer(appScope(job.repo, app.name), job.seq, job.sha))) {
      // A newer push already took over (this job ran late): record it, never leave a run pending. A run
      // an earlier attempt queued belongs to its sync job, which reports the same.
      if (!(await findCheckRun(gh, job.sha, name, externalId))) {
        await gh.reportCheckRun({
          name, headSha: job.sha, conclusion: 'skipped', externalId,
          output: { title: 'Superseded by a newer push', summary: `A newer commit on ${branch} is synced instead of this one.` },
        });
      }
      superseded.push(app.name);
      continue;
    }
    const run = await resumeCheckRun(gh, {
      name, headSha: job.sha, status: 'queued', externalId,
      output: { title: 'Queued', summary: `Waiting to sync ${app.name} to ${app.cluster}/${app.namespace}.` },
    });
    if (!run.completed) {
      try {
        await deps.producer.sync({ repo: job.repo, installationId: job.installationId, app: app.name, sha: job.sha, ref: job.ref, seq: job.seq, checkRunId: run.id, deliveryId: job.deliveryId });
      } catch (e) {
        // A retry resumes this run; only the last attempt gives up on it.
        if (attempt.finalAttempt && !isRateLimited(e)) await gh.completeCheckRun(run.id, 'cancelled', { title: 'Could not be queued', summary: (e as Error).message }).catch(() => {});
        throw e;
      }
    }
    queued.push(app.name);
  }
  log.info({ apps: queued, superseded }, 'push fanned out');
  return { outcome: 'fanned-out', apps: queued, superseded, unchanged, ...(paused.length ? { paused } : {}), ...(resumed.length ? { resumed } : {}) };
}

/**
 * Above the operator's github.aggregateAbove apps: one `driftguard` run for the push (found again by its
 * external_id on a retry), the apps it waits for registered in Redis, one sync job per app reporting into
 * it. An app a newer push took over is recorded as skipped right here.
 */
async function fanOutAggregated(job: PushJob, deps: WorkerDeps, gh: RepoClient, apps: AppConfig[], attempt: Attempt, queued: string[], superseded: string[]): Promise<void> {
  const branch = job.ref.replace(/^refs\/heads\//, '');
  const run = await resumeCheckRun(gh, {
    name: AGGREGATE_CHECK, headSha: job.sha, status: 'in_progress', externalId: aggregateRunExternalId(job.seq),
    output: { title: `Syncing ${apps.length} apps`, summary: `One check run for the ${apps.length} apps this push syncs (more than ${aggregateAbove(deps.operator)}): the table of outcomes comes when the last app is done.` },
  });
  if (run.completed) return;
  await deps.aggregates!.begin(aggregateId(job.repo, job.sha, job.seq), run.id, apps.map((a) => a.name));
  for (const app of apps) {
    if (!(await deps.latest.offer(appScope(job.repo, app.name), job.seq, job.sha))) {
      await reportIntoAggregate(deps, gh, job, { app: app.name, conclusion: 'skipped', title: 'Superseded by a newer push', summary: `A newer commit on ${branch} is synced instead of this one.` });
      superseded.push(app.name);
      continue;
    }
    try {
      await deps.producer.sync({ repo: job.repo, installationId: job.installationId, app: app.name, sha: job.sha, ref: job.ref, seq: job.seq, aggregateRunId: run.id, deliveryId: job.deliveryId });
    } catch (e) {
      if (attempt.finalAttempt && !isRateLimited(e)) await reportIntoAggregate(deps, gh, job, { app: app.name, conclusion: 'cancelled', title: 'Could not be queued', summary: (e as Error).message }).catch(() => {});
      throw e;
    }
    queued.push(app.name);
  }
}

/**
 * Apps paused after a rollback: a push that changes one's files (not only the config) ends the pause and syncs it;
 * every other paused candidate is reported paused, not synced. When the push's files cannot be known
 * (first push, force-push) nothing counts as changing a paused app: it stays paused.
 */
async function applyPauses(
  job: PushJob, deps: WorkerDeps, changing: (paused: AppConfig[]) => AppConfig[] | Promise<AppConfig[]>, changed: AppConfig[], candidates: AppConfig[],
): Promise<{ apps: AppConfig[]; paused: string[]; resumed: string[] }> {
  const pauses = await Promise.all(candidates.map((a) => deps.pauses.get(job.repo, a.name)));
  // Only the app's own files count: a config edit elsewhere in it does not undo a rollback.
  const pausedApps = candidates.filter((_, i) => pauses[i]);
  const knownChanged = pausedApps.length ? await changing(pausedApps) : [];
  const apps: AppConfig[] = [];
  const paused: string[] = [];
  const resumed: string[] = [];
  for (const [i, app] of candidates.entries()) {
    const pause = pauses[i];
    if (!pause) {
      if (changed.includes(app)) apps.push(app);
      continue;
    }
    if (!knownChanged.includes(app)) {
      paused.push(app.name);
      continue;
    }
    await deps.pauses.resume(job.repo, app.name);
    deps.log.info({ repo: job.repo, app: app.name, sha: job.sha, pause }, 'auto-sync resumed: the push changes the app');
    resumed.push(app.name);
    apps.push(app);
  }
  return { apps, paused, resumed };
}
