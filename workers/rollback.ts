// The sync job's part of a rollback (trigger 'rollback'): pause automated sync of the app just before
// the older revision is applied (so no push sync or self-heal puts the branch head back), then bring
// Git along: open the revert PR when the operator allows it (`rollback.revertPullRequests`, which needs
// the app's contents: write and pull_requests: write), otherwise give the exact git commands. Returns
// the text the requester's issue or PR gets.
import { posix } from 'node:path';
import type { AppConfig } from '../src/core/config/types.ts';
import { gitRevertCommands, pausedTitle, renderRevertPrBody, resumeHint } from '../src/core/report/rollback.ts';
import type { RepoClient } from '../src/github/client.ts';
import { openRevertPr } from '../src/github/revert-pr.ts';
import type { SyncJob } from '../src/queue/jobs.ts';
import type { AutoSyncPause } from '../src/store/auto-sync-pause.ts';
import { kustomizeSources } from './changed-apps.ts';
import type { WorkerDeps } from './deps.ts';

/** Pause before applying; a retry of the same rollback keeps the first pause (its time, its revert PR). */
export async function pauseForRollback(deps: WorkerDeps, job: SyncJob): Promise<AutoSyncPause> {
  const prior = await deps.pauses.get(job.repo, job.app);
  if (prior && prior.sha === job.sha && prior.by === job.requestedBy) return prior;
  const pause = { sha: job.sha, since: new Date().toISOString(), by: job.requestedBy ?? 'unknown' };
  await deps.pauses.pause(job.repo, job.app, pause);
  return pause;
}

/** Undo pauseForRollback when nothing was applied (e.g. the mass-prune guard refused). */
export async function unpauseRollback(deps: WorkerDeps, job: SyncJob): Promise<void> {
  const p = await deps.pauses.get(job.repo, job.app);
  if (p && p.sha === job.sha && p.by === job.requestedBy) await deps.pauses.resume(job.repo, job.app);
}

/** The app's source paths: its path, its helm value files, the kustomize bases it reads at `sha`. */
export async function appSourcePaths(gh: RepoClient, app: AppConfig, sha: string): Promise<string[]> {
  const values = (app.helm?.valueFiles ?? []).map((f) => posix.normalize(posix.join(app.path, f))).filter((f) => !f.startsWith('..'));
  const bases = app.type === 'plain' || app.type === 'helm' ? [] : await kustomizeSources(gh, app.path, sha).catch(() => 'unknown' as const);
  return [...new Set([app.path, ...values, ...(bases === 'unknown' ? [] : bases)])];
}

/** After a successful apply: the revert PR (or the commands), and what the pause means. */
export async function finishRollback(deps: WorkerDeps, gh: RepoClient, job: SyncJob, app: AppConfig, branch: string, pause: AutoSyncPause): Promise<string> {
  const paths = await appSourcePaths(gh, app, job.sha);
  // What the app ran before (this rollback is recorded after this returns).
  const from = (await deps.history.list(job.repo, app.name, 50)).find((e) => e.result === 'synced' && e.sha !== job.sha)?.sha;
  const commands = gitRevertCommands({ branch, target: job.sha, paths, app: app.name });
  let git: string;
  if (deps.operator.rollback?.revertPullRequests) {
    try {
      const body = renderRevertPrBody({ app: app.name, target: job.sha, ...(from ? { from } : {}), by: job.requestedBy ?? 'unknown', requestedOn: job.requestedOn ?? 0, paths, changed: 0 });
      const pr = await openRevertPr(gh, { base: branch, target: job.sha, paths, branch: `driftguard/rollback-${app.name}-${job.seq}`, title: `Roll back ${app.name} to ${job.sha.slice(0, 7)}`, body });
      if (pr.kind === 'no-change') {
        // Git at the branch head already holds this revision of the app: nothing to pause for.
        await deps.pauses.resume(job.repo, app.name);
        return `Git on \`${branch}\` already has \`${app.name}\` as of \`${job.sha.slice(0, 7)}\`: no revert PR is needed and automated sync stays on.`;
      }
      pause = { ...pause, revertPr: pr.number };
      await deps.pauses.pause(job.repo, app.name, pause);
      git = `Revert PR #${pr.number} brings Git on \`${branch}\` back to this revision (${paths.map((p) => `\`${p}\``).join(', ')}).`;
    } catch (e) {
      deps.log.warn({ err: e, repo: job.repo, app: app.name }, 'could not open the revert PR');
      git = `Driftguard could not open the revert PR (${(e as Error).message}). Bring Git back to this revision with:\n\n${commands}`;
    }
  } else {
    git = `Driftguard does not open pull requests in this installation (operator config \`rollback.revertPullRequests\` is off; it needs the app's \`contents: write\` and \`pull_requests: write\`). Bring Git back to this revision with:\n\n${commands}`;
  }
  return `${git}\n\n**${pausedTitle(pause)}.** ${resumeHint(app.name, pause)}`;
}

