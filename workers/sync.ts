// Sync one app at one SHA: lease the app (one sync per app across all workers), drop the job when a
// newer push exists (check run skipped/cancelled), render, apply + prune, wait for health, then
// report: check run on the commit, GitHub Deployment status, a comment on the merged PR(s).
// Every path ends the check run; nothing is applied when rendering fails.
import { authorizeApp } from '../src/core/config/authorize-app.ts';
import { REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { AppConfig, RepoConfig } from '../src/core/config/types.ts';
import { checksLine, errorsToAnnotations, findingsToAnnotations, notesToAnnotations, renderChecksSection, truncateWithEllipsis, renderSyncCheckRun, renderSyncComment, summarizeSync, massPruneRefusal, renderMassPruneRefusal, requestNote, type SyncResourceResult } from '../src/core/report/index.ts';
import type { HealthStatus } from '../src/core/health/types.ts';
import type { CheckConclusion, CheckOutput, RepoClient } from '../src/github/client.ts';
import type { SyncJob } from '../src/queue/jobs.ts';
import type { SyncResult } from '../src/sync/types.ts';
import type { Lease } from '../src/store/app-lease.ts';
import { appScope } from '../src/store/latest-sha.ts';
import { checkName, type WorkerDeps } from './deps.ts';
import { configAnnotations, loadRepoConfig } from './repo-config.ts';
import { toReportError } from './render-app.ts';
import { checkoutOrRefusal, cleanupCheckout, renderCheckout, type CheckoutOrRefusal } from './checkout.ts';
import { appsChangedBy, checkoutReader, type TreeReader } from './changed-apps.ts';
import { checkRendered } from './checks.ts';
import { appBounds, failedResourceAnnotations } from './bounds.ts';
import { findCheckRun, resumeCheckRun, syncRunId } from './check-runs.ts';
import { appRunFinisher, reportIntoAggregate } from './aggregate-run.ts';
import { closeOpenDeployments, resumeDeployment } from './deployments.ts';
import { recordSynced, rememberRender } from './drift-targets.ts';
import type { Attempt } from './attempt.ts';
import { DriftguardError, isDeterministic, isRateLimited } from '../src/core/errors.ts';
import { renderPausedCheckRun } from '../src/core/report/rollback.ts';
import { recordSync, syncTrigger, type SyncTrace } from './sync-history.ts';
import { pausedTitle } from '../src/core/report/rollback.ts';
import { finishRollback, pauseForRollback, unpauseRollback } from './rollback.ts';

export type SyncOutcome = 'locked' | 'skipped' | 'cancelled' | 'failed' | 'refused' | 'synced' | 'paused';

/** Last attempt: on an unexpected error the check run is completed as failure (otherwise the retry finishes it). */
export type SyncRunOptions = Attempt;

export async function runSync(job: SyncJob, deps: WorkerDeps, opts: SyncRunOptions = { finalAttempt: true }): Promise<{ outcome: SyncOutcome; result?: SyncResult }> {
  const log = deps.log.child({ job: 'sync', repo: job.repo, app: job.app, sha: job.sha });
  const gh = await deps.github(job.repo, job.installationId);
  const scope = appScope(job.repo, job.app);
  const run = await ensureCheckRun(gh, job);
  const finish = appRunFinisher(deps, gh, job, run);

  const newer = await deps.latest.newerCommit(scope, job.seq, job.sha);
  if (newer) {
    const title = job.trigger === 'rollback' ? 'Rollback superseded by a newer push' : 'Superseded by a newer push';
    await finish('skipped', { title, summary: `Commit ${newer.sha.slice(0, 7)} is synced instead.` });
    await closeOpenDeployments(gh, job, 'inactive', title).catch((e) => log.warn({ err: e }, 'could not close an open deployment'));
    await recordSync(deps, job, 'skipped', { title, checkRunId: run });
    return { outcome: 'skipped' };
  }
  const lease = await deps.locks.acquire(job.repo, job.app);
  if (!lease) return { outcome: 'locked' }; // the caller delays the job; the run stays queued
  lease.keepAlive(() => log.warn('lost the app lease while syncing'));
  const trace: SyncTrace = { checkRunId: run };
  try {
    const r = await syncLeased(job, deps, opts, gh, run, lease, trace);
    await recordSync(deps, job, r.outcome === 'locked' ? 'skipped' : r.outcome, trace);
    return r;
  } catch (e) {
    // Recorded when the check run was ended as failed (the last attempt); a retry records its own outcome.
    if (opts.finalAttempt || isDeterministic(e)) await recordSync(deps, job, 'failed', { ...trace, title: trace.title ?? 'Sync failed' });
    throw e;
  } finally {
    // Whatever happened (timeout, thrown error, lost connection), the app is free for the next sync.
    await lease.release().catch((e) => log.warn({ err: e }, 'could not release the app lease; it expires by its TTL'));
  }
}

async function syncLeased(job: SyncJob, deps: WorkerDeps, opts: SyncRunOptions, gh: RepoClient, run: number, lease: Lease, trace: SyncTrace): Promise<{ outcome: SyncOutcome; result?: SyncResult }> {
  const log = deps.log.child({ job: 'sync', repo: job.repo, app: job.app, sha: job.sha });
  const scope = appScope(job.repo, job.app);
  const finish = appRunFinisher(deps, gh, job, run);

  let checkout: CheckoutOrRefusal | undefined;
  let deployment: number | undefined;
  let completed = false;
  const complete = async (conclusion: CheckConclusion, output: CheckOutput, changed = false) => {
    trace.title = output.title;
    await finish(conclusion, output, changed);
    completed = true;
  };
  /** A rollback's requester hears every way it ends (the check run is on the old commit, out of sight). */
  const tellRollback = async (body: string) => {
    if (job.trigger === 'rollback' && job.requestedOn !== undefined) await gh.comment(job.requestedOn, `@${job.requestedBy} rollback of \`${job.app}\` to \`${job.sha.slice(0, 7)}\`: ${body}`);
  };
  try {
    // Re-check under the lease: a newer sync may have finished while we waited for it.
    if (await deps.latest.newerCommit(scope, job.seq, job.sha)) {
      await complete('skipped', { title: 'Superseded by a newer push', summary: 'A newer commit is synced instead.' });
      return { outcome: 'skipped' };
    }
    // An aggregated run was started by the push; an app's row is written when it is done.
    if (!job.aggregateRunId) await gh.startCheckRun(run, { title: 'Syncing', summary: `Syncing ${job.app} at ${job.sha.slice(0, 7)}.` });
    const defaultBranch = await gh.defaultBranch();
    // The config of the default branch; when that is the pushed branch, exactly as of this commit.
    // A rollback applies an older revision's manifests under TODAY's config (app, project, bounds), as
    // the revert PR restores only the app's files.
    const loaded = await loadRepoConfig(gh, job.ref === `refs/heads/${defaultBranch}` && job.trigger !== 'rollback' ? job.sha : defaultBranch);
    if (loaded && !loaded.ok) {
      await complete('failure', { title: 'Invalid .github/driftguard.yml: nothing was applied', summary: loaded.error.toString(), annotations: configAnnotations(loaded.error) });
      return { outcome: 'failed' };
    }
    const config = loaded?.ok ? loaded.config : undefined;
    const app = config?.apps.find((a) => a.name === job.app);
    // A sync asked for by command (write access checked) runs for manual apps too, as Argo CD's sync does.
    if (!config || !app || (!app.syncPolicy.automated && !job.requestedBy)) {
      await complete('skipped', { title: 'Not synced', summary: `${job.app} is no longer an automated app in ${REPO_CONFIG_PATH} on ${defaultBranch}.` });
      return { outcome: 'skipped' };
    }
    // Paused after a rollback: nothing automatic puts the branch head back (a push that changes the app
    // resumed the pause in the fan-out before its job was queued).
    const trigger = syncTrigger(job);
    const paused = trigger === 'push' || trigger === 'self-heal' ? await deps.pauses.get(job.repo, job.app) : undefined;
    if (paused) {
      await complete('neutral', renderPausedCheckRun(app.name, job.sha, paused));
      return { outcome: 'paused' };
    }
    const auth = authorizeApp(deps.operator, job.repo, app);
    if (!auth.ok) {
      await complete('failure', { title: 'Not allowed', summary: auth.reason, annotations: errorsToAnnotations([{ message: auth.reason, location: { file: REPO_CONFIG_PATH, line: app.line } }]) });
      return { outcome: 'failed' };
    }
    const env = `${app.name}`;
    // A deployment an earlier attempt of this job left in progress is resumed, not left beside a new one.
    const by = job.requestedBy ? ` by @${job.requestedBy}` : '';
    deployment = await resumeDeployment(gh, job, env, `Driftguard ${trigger} sync of ${app.name} to ${app.cluster}/${app.namespace}${by}`, {
      app: app.name, cluster: app.cluster, namespace: app.namespace, trigger, ...(job.requestedBy ? { requestedBy: job.requestedBy } : {}), ...(job.requestedOn !== undefined ? { requestedOn: job.requestedOn } : {}),
    }).catch((e) => {
      log.warn({ err: e }, 'could not create a deployment');
      return undefined;
    });
    if (deployment !== undefined) trace.deploymentId = deployment;
    if (deployment) await gh.deploymentStatus(deployment, 'in_progress', { description: 'Syncing', environment: env });

    const t0 = performance.now();
    checkout = await checkoutOrRefusal(gh, job.sha, deps);
    const t1 = performance.now();
    const rendered = await renderCheckout(deps, checkout, app, gh.scrubber);
    const t2 = performance.now();
    if (rendered.ok !== true) {
      const errors = rendered.ok === 'missing' ? [{ message: `${app.path} does not exist at ${job.sha.slice(0, 7)}`, location: { file: REPO_CONFIG_PATH, line: app.line } }] : rendered.errors;
      const summary = truncateWithEllipsis(errors.map((e) => `- ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.message}`).join('\n'), 60_000);
      await complete('failure', { title: 'Render failed: nothing was applied', summary, annotations: errorsToAnnotations(errors) });
      if (deployment) await gh.deploymentStatus(deployment, 'failure', { description: 'Render failed', environment: env });
      await tellRollback(`this revision no longer renders, so nothing was applied and automated sync was not paused.\n\n${summary}`);
      return { outcome: 'failed' };
    }
    await rememberRender(deps, job, app, rendered.objects, rendered.complete).catch((e) => log.warn({ err: e }, 'could not cache the render for drift scans'));
    // Checks before any write: an error-severity finding refuses the sync (a final outcome, not retried).
    const checks = await checkRendered(deps, app, rendered.objects, { repoPolicy: config.policy });
    const checkAnnotations = [...findingsToAnnotations(checks.result.findings), ...notesToAnnotations(checks.notes)];
    if (checks.result.counts.errors > 0) {
      await complete('failure', {
        title: `Checks failed (${checksLine(checks.result)}): nothing was applied`,
        summary: truncateWithEllipsis(`Driftguard refused to sync ${app.name} at ${job.sha.slice(0, 7)}: fix the errors below or waive a rule on the resource (\`driftguard.dev/waive: <rule>: <reason>\`).\n\n${renderChecksSection(checks)}`, 60_000),
        annotations: checkAnnotations,
      });
      if (deployment) await gh.deploymentStatus(deployment, 'failure', { description: 'Checks failed: nothing was applied', environment: env });
      await tellRollback(`this revision fails the checks (${checksLine(checks.result)}), so nothing was applied and automated sync was not paused. The check run on \`${job.sha.slice(0, 7)}\` lists the errors.`);
      log.info({ counts: checks.result.counts }, 'sync refused by checks');
      return { outcome: 'failed' };
    }
    if ((await deps.latest.newerCommit(scope, job.seq, job.sha)) || lease.isLost) {
      await complete('cancelled', { title: 'Cancelled: superseded by a newer push', summary: 'Nothing was applied; the newer commit is synced instead.' });
      if (deployment) await gh.deploymentStatus(deployment, 'inactive', { description: 'Superseded', environment: env });
      await tellRollback('a newer push of the app arrived first and is synced instead; nothing was applied.');
      return { outcome: 'cancelled' };
    }

    const note = job.requestedBy ? requestNote({ requestedBy: job.requestedBy, requestedOn: job.requestedOn, allowMassPrune: job.allowMassPrune }) : undefined;
    /** The merged PRs that changed this app, and the PR a command came from, each told once. */
    const tellPrs = async (body: string, merged: boolean): Promise<number[]> => {
      const prs: number[] = [];
      const tree: TreeReader = checkout && !(checkout instanceof DriftguardError) ? checkoutReader(checkout.dir) : gh;
      for (const pr of merged ? await gh.mergedPullsForCommit(job.sha).catch(() => [] as number[]) : []) {
        if (await prChangesApp(gh, tree, pr, config, app, job.sha).catch(() => false)) prs.push(pr);
      }
      if (job.requestedOn !== undefined && !prs.includes(job.requestedOn)) prs.push(job.requestedOn);
      for (const pr of prs) {
        const asked = pr === job.requestedOn;
        await gh.comment(pr, `${asked ? `@${job.requestedBy} ` : ''}${body}\n\n<sub>Driftguard · app **${app.name}**${asked ? ` · ${note}` : ''}</sub>`);
      }
      return prs;
    };
    // A rollback pauses automated sync BEFORE the first write: a push sync waiting for the lease must not
    // put the branch head back over the older revision.
    const pause = trigger === 'rollback' ? await pauseForRollback(deps, job) : undefined;
    let result: SyncResult;
    try {
      result = await deps.sync({
        cluster: deps.cluster(app.cluster), app: app.name, namespace: app.namespace, desired: [...rendered.objects, ...rendered.hooks], ...(app.createNamespace ? { createNamespace: app.createNamespace } : {}),
        prune: app.syncPolicy.prune, desiredComplete: rendered.complete, dryRun: false, timeoutMs: deps.syncTimeoutMs ?? 300_000, ignore: app.ignoreDifferences,
        bounds: appBounds(deps, auth.project, app),
        healthChecks: deps.operator.healthChecks,
        allowMassPrune: job.allowMassPrune === true,
      });
    } catch (e) {
      // Refused before any write, and deterministic: report how to confirm from GitHub, do not retry.
      const refusal = massPruneRefusal(e);
      if (!refusal) throw e;
      if (pause) await unpauseRollback(deps, job);
      const r = renderMassPruneRefusal({ app: app.name, sha: job.sha, cluster: app.cluster, namespace: app.namespace, refusal });
      await complete('failure', { title: r.title, summary: note ? `${note}\n\n${r.summary}` : r.summary });
      if (deployment) await gh.deploymentStatus(deployment, 'failure', { description: `Mass prune refused: confirm with /driftguard sync ${app.name} --allow-mass-prune`, environment: env });
      const told = await tellPrs(r.comment, true);
      log.warn({ prune: refusal.prune, owned: refusal.owned, told }, 'mass prune refused; waiting for a confirmation from GitHub');
      return { outcome: 'refused' };
    }
    const t3 = performance.now();
    const results = toReportResults(result);
    const health: HealthStatus = result.health ?? 'Unknown';
    const error = result.phase === 'Failed' ? result.message : undefined;
    const out = renderSyncCheckRun({ app: app.name, sha: job.sha, cluster: app.cluster, namespace: app.namespace, results, health, ...(error ? { error } : {}) });
    const checked = checks.result.findings.length > 0 ? `\n${renderChecksSection(checks)}` : '';
    const did = summarizeSync(results);
    await complete(out.conclusion, { title: out.title, summary: truncateWithEllipsis(`${note ? `${note}\n\n` : ''}${out.summary}${checked}`, 65_000), text: out.text, annotations: [...failedResourceAnnotations(result), ...checkAnnotations] }, did.created + did.updated + did.pruned > 0);
    if (deployment) await gh.deploymentStatus(deployment, out.conclusion === 'failure' ? 'failure' : 'success', { description: out.title, environment: env });
    if (result.phase === 'Succeeded') await recordSynced(deps, job, config, app).catch((e) => log.warn({ err: e }, 'could not record the drift target'));

    const counts = summarizeSync(results);
    trace.counts = { created: counts.created, updated: counts.updated, pruned: counts.pruned, failed: counts.failed };
    trace.health = health;
    // The merged PR hears about this app only when it changed the app and the sync did something
    // (or failed): the check run on the commit reports every sync, the PR is for what the PR did.
    // A sync asked for by command always answers on the PR it was asked on.
    const eventful = counts.created + counts.updated + counts.pruned + counts.failed > 0 || result.phase === 'Failed';
    const synced = renderSyncComment({ sha: job.sha, cluster: app.cluster, namespace: app.namespace, created: counts.created, updated: counts.updated, pruned: counts.pruned, failed: counts.failed, health });
    let commented: number[] = [];
    if (pause && job.requestedOn !== undefined) {
      // The rollback's own report: what ran, how Git follows, and the pause (kept when the apply failed
      // partway, so nothing overwrites a half-rolled-back app unseen).
      const rest = out.conclusion === 'failure'
        ? `The rollback did not complete; automated sync stays paused (${pausedTitle(pause)}) so nothing overwrites the app unseen. Fix the failure and roll back again, or \`/driftguard resume ${app.name}\`.`
        : await finishRollback(deps, gh, job, app, job.ref.replace(/^refs\/heads\//, ''), pause);
      await gh.comment(job.requestedOn, `@${job.requestedBy} **Rolled back \`${app.name}\` to \`${job.sha.slice(0, 7)}\`.** ${synced}\n\n${rest}\n\n<sub>Driftguard · app **${app.name}** · rollback requested by @${job.requestedBy}</sub>`);
      commented = [job.requestedOn];
    } else if (eventful || job.requestedOn !== undefined) {
      commented = await tellPrs(synced, eventful);
    }
    // Where the time went (ms), for profiling a slow sync from the logs.
    const ms = { checkout: Math.round(t1 - t0), render: Math.round(t2 - t1), sync: Math.round(t3 - t2), report: Math.round(performance.now() - t3) };
    log.info({ phase: result.phase, health, counts, commented, ms }, 'synced');
    return { outcome: out.conclusion === 'failure' ? 'failed' : 'synced', result };
  } catch (e) {
    // A deterministic failure is not retried: this is the last attempt whatever the count says.
    // Rate limited: the job runs again after GitHub's reset and finishes its run then.
    if ((opts.finalAttempt || isDeterministic(e)) && !completed && !isRateLimited(e)) {
      const msg = toReportError(e).message;
      await complete('failure', { title: 'Sync failed', summary: msg }).catch(() => {});
      if (deployment) await gh.deploymentStatus(deployment, 'error', { description: msg.slice(0, 140) }).catch(() => {});
    }
    throw e;
  } finally {
    await cleanupCheckout(checkout).catch((e) => log.warn({ err: e }, 'could not remove the checkout'));
  }
}

/** Did merged PR `pr` change `app` (its files, value files, kustomize bases, or the config)? */
async function prChangesApp(gh: RepoClient, tree: TreeReader, pr: number, config: RepoConfig, app: AppConfig, sha: string): Promise<boolean> {
  const files = await gh.pullFiles(pr);
  return (await appsChangedBy(tree, config, { all: false, files }, sha, [app])).length > 0;
}

async function ensureCheckRun(gh: RepoClient, job: SyncJob): Promise<number> {
  if (job.aggregateRunId) return job.aggregateRunId;
  if (job.checkRunId) return job.checkRunId;
  return (await resumeCheckRun(gh, { name: checkName(job.app), headSha: job.sha, status: 'queued', externalId: syncRunId(job.app, job.seq) })).id;
}

function toReportResults(r: SyncResult): SyncResourceResult[] {
  return r.resources.map((x) => ({
    group: x.group, kind: x.kind, namespace: x.namespace, name: x.name,
    action: x.action === 'prune' ? 'delete' : x.action,
    outcome: x.outcome,
    ...(x.health ? { health: x.health.status } : {}),
    // A resource that is not Healthy says why (the rule's message) when the sync has nothing else to say.
    ...(x.message ? { message: x.message } : x.health && x.health.status !== 'Healthy' && x.health.message ? { message: x.health.message } : {}),
  }));
}

/** Last resort from the consumer's failed handler (attempts exhausted, or stalled): end the run and the deployment. */
export async function failSyncCheckRun(job: SyncJob, deps: Pick<WorkerDeps, 'github' | 'aggregates'>, message: string): Promise<void> {
  const gh = await deps.github(job.repo, job.installationId);
  if (job.aggregateRunId) {
    await reportIntoAggregate(deps, gh, job, { app: job.app, conclusion: 'failure', title: 'Sync failed', summary: message });
    await closeOpenDeployments(gh, job, 'error', message);
    return;
  }
  const run = job.checkRunId ?? (await findCheckRun(gh, job.sha, checkName(job.app), syncRunId(job.app, job.seq)))?.id;
  if (run) await gh.completeCheckRun(run, 'failure', { title: 'Sync failed', summary: message });
  await closeOpenDeployments(gh, job, 'error', message);
}

export type { AppConfig };
