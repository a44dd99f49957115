// `/driftguard rollback <app> <sha|previous>` and `/driftguard resume <app>` (write access checked by
// the caller). A rollback is validated here — the app exists, the target is a revision the app ran
// (from its deploy history), the target branch exists — and queued as a sync job of the target SHA with
// trigger 'rollback' and the newest sequence of the app's scope, so coalescing never drops it as older.
// The sync job applies it (project bounds, checks and the mass-prune guard as for every sync), pauses
// automated sync and opens the revert PR (workers/rollback.ts).
import { REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { AppConfig } from '../src/core/config/types.ts';
import { inlineCode } from '../src/core/report/text.ts';
import { pausedTitle } from '../src/core/report/rollback.ts';
import { statusOf, type RepoClient } from '../src/github/client.ts';
import type { CommandJob } from '../src/queue/jobs.ts';
import { previousSyncedSha } from '../src/store/deploy-history.ts';
import { appScope } from '../src/store/latest-sha.ts';
import { checkName, type WorkerDeps } from './deps.ts';
import { loadRepoConfig } from './repo-config.ts';
import { syncRunId } from './check-runs.ts';
import type { Answer, CommandOutcome } from './command.ts';

type Found = { app: AppConfig; defaultBranch: string } | { refusal: string };

/** The app named by a command, from the default branch's config, or why there is none. */
export async function commandApp(gh: RepoClient, name: string | undefined, purpose: string): Promise<Found> {
  const defaultBranch = await gh.defaultBranch();
  const loaded = await loadRepoConfig(gh, defaultBranch);
  const app = loaded?.ok ? loaded.config.apps.find((a) => a.name === name) : undefined;
  if (app) return { app, defaultBranch };
  const known = loaded?.ok ? loaded.config.apps.map((a) => `\`${a.name}\``).join(', ') : '';
  const why = !loaded ? `there is no ${REPO_CONFIG_PATH} on ${defaultBranch}` : !loaded.ok ? `${REPO_CONFIG_PATH} on ${defaultBranch} is invalid` : `apps: ${known || 'none'}`;
  return { refusal: `there is no app ${inlineCode(name ?? '')} ${purpose} (${why}).` };
}

/** The commit a ref names, or undefined when GitHub knows none (404, or 422 for a SHA). */
export async function resolveOrUndefined(gh: RepoClient, ref: string): Promise<string | undefined> {
  return gh.resolveRef(ref).catch((e: unknown) => {
    if (statusOf(e) === 404 || statusOf(e) === 422) return undefined;
    throw e;
  });
}

export async function queueRollback(job: CommandJob, deps: WorkerDeps, gh: RepoClient, answer: Answer): Promise<{ outcome: CommandOutcome }> {
  const found = await commandApp(gh, job.app, 'to roll back');
  if ('refusal' in found) return answer('no-app', 'confused', `@${job.sender} ${found.refusal}`);
  const { app, defaultBranch } = found;
  const history = await deps.history.list(job.repo, app.name);
  const synced = history.filter((e) => e.result === 'synced');
  let target: string | undefined;
  if (job.target === 'previous') {
    target = previousSyncedSha(history);
    if (!target) {
      return answer('no-target', 'confused', `@${job.sender} nothing was rolled back: the deploy history of \`${app.name}\` holds no successful sync of an earlier revision than ${synced[0] ? `\`${synced[0].sha.slice(0, 7)}\`` : 'the current one'} (${history.length} entr${history.length === 1 ? 'y' : 'ies'} kept). Name a SHA: \`/driftguard rollback ${app.name} <sha>\`.`);
    }
  } else {
    target = await resolveOrUndefined(gh, job.target ?? '');
    if (!target) return answer('unknown-sha', 'confused', `@${job.sender} nothing was rolled back: this repository has no commit ${inlineCode(job.target ?? '')}.`);
    if (!synced.some((e) => e.sha === target)) {
      const oldest = history[history.length - 1];
      const kept = oldest ? `its deploy history goes back to \`${oldest.sha.slice(0, 7)}\` at ${oldest.at}` : 'it has no deploy history yet';
      return answer('not-in-history', 'confused', `@${job.sender} nothing was rolled back: \`${target.slice(0, 7)}\` is not a revision \`${app.name}\` was synced to (${kept}; only revisions that ran can be rolled back to). See \`driftguard history ${app.name}\`.`);
    }
  }
  if (synced[0]?.sha === target && !(await deps.pauses.get(job.repo, app.name))) {
    return answer('no-change', 'confused', `@${job.sender} \`${app.name}\` already runs \`${target.slice(0, 7)}\`: nothing to roll back.`);
  }
  const branch = app.targetRevision ?? defaultBranch;
  if (!(await resolveOrUndefined(gh, branch))) return answer('no-branch', 'confused', `@${job.sender} nothing was rolled back: app \`${app.name}\` targets branch ${inlineCode(branch)}, which does not exist any more.`);
  // The newest sequence of the app's scope: a push queued before this command is superseded by it, and
  // the register compares arrival, not commit age, so the older commit is not dropped as stale.
  const seq = await deps.latest.nextSeq();
  await deps.latest.offer(appScope(job.repo, app.name), seq, target);
  const run = await gh.createCheckRun({
    name: checkName(app.name), headSha: target, status: 'queued', externalId: syncRunId(app.name, seq),
    output: { title: 'Queued: rollback', summary: `Waiting to roll ${app.name} back to ${target.slice(0, 7)} on ${app.cluster}/${app.namespace} (requested by @${job.sender} on #${job.pr}).` },
  });
  try {
    await deps.producer.sync(
      { repo: job.repo, installationId: job.installationId, app: app.name, sha: target, ref: `refs/heads/${branch}`, seq, checkRunId: run.id, deliveryId: job.deliveryId, requestedBy: job.sender, requestedOn: job.pr, trigger: 'rollback' },
      { rerunKey: String(job.commentId) },
    );
  } catch (e) {
    await gh.completeCheckRun(run.id, 'cancelled', { title: 'Could not be queued', summary: (e as Error).message }).catch(() => {});
    throw e;
  }
  await gh.react(job.commentId, 'rocket').catch((e: Error) => deps.log.warn({ err: e.message }, 'could not react to the comment'));
  return { outcome: 'rollback-queued' };
}

export async function resumeAutoSync(job: CommandJob, deps: WorkerDeps, gh: RepoClient, answer: Answer): Promise<{ outcome: CommandOutcome }> {
  const found = await commandApp(gh, job.app, 'to resume');
  if ('refusal' in found) return answer('no-app', 'confused', `@${job.sender} ${found.refusal}`);
  const pause = await deps.pauses.resume(job.repo, found.app.name);
  if (!pause) return answer('not-paused', 'confused', `@${job.sender} automated sync of \`${found.app.name}\` is not paused.`);
  const name = found.app.name;
  await gh.comment(job.pr, `@${job.sender} automated sync of \`${name}\` resumed (it was: ${pausedTitle(pause)}). The cluster still runs \`${pause.sha.slice(0, 7)}\` until the next push that changes \`${name}\`; \`/driftguard sync ${name}\` applies the branch head now.`);
  return { outcome: 'resumed' };
}
