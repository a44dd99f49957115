// PR comment commands. The sender's permission is checked through the API: write, maintain and
// admin may run commands. Anyone who can comment can send one, so replies are bounded: a refusal or
// an answer that changes nothing (help, unknown command, no access, closed PR, unknown app) is
// answered with a comment once per user, PR and kind in a window (ReplyLimiter), later with a
// reaction only. Replies never quote the comment: they name the command as parsed.
// `/driftguard approve` on a fork PR records who approved its current head SHA and re-plans that SHA
// against the cluster; bots and users without write access are told what is needed, nothing more.
import { inlineCode } from '../src/core/report/text.ts';
import { canRunCommands, type PullInfo, type Reaction, type RepoClient } from '../src/github/client.ts';
import type { CommandJob } from '../src/queue/jobs.ts';
import { appScope, prScope } from '../src/store/latest-sha.ts';
import { checkName, type WorkerDeps } from './deps.ts';
import { syncRunId } from './check-runs.ts';
import { runPreviewCommand } from './preview-command.ts';
import { commandApp, queueRollback, resolveOrUndefined, resumeAutoSync } from './rollback-command.ts';

export const HELP_TEXT = [
  '**Driftguard commands** (comment on a pull request, or on an issue such as the drift issue where marked; needs write access to the repository):',
  '',
  '| Command | What it does |',
  '| --- | --- |',
  '| `/driftguard diff` | Re-plan this PR: render head and base, diff against the live cluster, update the check runs and the plan comment. |',
  '| `/driftguard sync <app>` | Sync the app now at the head of its branch (its target revision), as a push would. |',
  '| `/driftguard sync <app> --allow-mass-prune` | The same, confirming a prune of more than half of the app that was refused: the guard is lifted for this one sync. The check run records who confirmed. |',
  '| `/driftguard approve [<sha>]` | On a pull request from a fork: let Driftguard plan its head commit against the cluster (live state, server-side dry run). With a SHA (12 to 40 hex digits) only if that is still the head. Needs write, maintain or admin permission; a new push needs a new approval. Nothing from a fork is ever applied. |',
  '| `/driftguard preview [<sha>]` | Create or recreate this PR\'s preview environments now, at its head. On a pull request from a fork it is also the approval that lets that head commit run in a preview (with a SHA, only if that is still the head); a new push needs a new approval. |',
  '| `/driftguard preview delete` | Delete this PR\'s previews now (the next push or `/driftguard preview` brings them back). |',
  '| `/driftguard rollback <app> <sha\\|previous>` | Also on issues. Apply an earlier revision of the app now (one it was synced to; `previous` = the last successful one before the current), open a revert PR that brings Git back to it, and pause automated sync of the app until that PR merges, a push that changes the app lands, or `/driftguard resume <app>`. |',
  '| `/driftguard resume <app>` | Also on issues. Resume automated sync of an app paused by a rollback. |',
  '| `/driftguard help` | Show this help (also on issues; so does `/driftguard sync <app>`). |',
  '',
  'Apps, clusters and sync policies are configured in `.github/driftguard.yml` on the default branch.',
].join('\n');

export type CommandOutcome = 'denied' | 'replanned' | 'approved' | 'not-fork' | 'stale-sha' | 'helped' | 'unknown' | 'closed' | 'no-app' | 'no-branch' | 'sync-queued' | 'reacted'
  | 'no-preview' | 'preview-queued' | 'preview-delete-queued'
  | 'not-pr' | 'rollback-queued' | 'no-target' | 'unknown-sha' | 'not-in-history' | 'no-change' | 'resumed' | 'not-paused';

/** The command as we understood it, in inline code, for replies (never the raw comment). */
export function namedCommand(job: Pick<CommandJob, 'command' | 'app' | 'allowMassPrune' | 'sha' | 'target'>): string {
  if (job.command === 'sync') return `\`/driftguard sync ${job.app}${job.allowMassPrune ? ' --allow-mass-prune' : ''}\``;
  if (job.command === 'rollback') return `\`/driftguard rollback ${job.app} ${job.target}\``;
  if (job.command === 'resume') return `\`/driftguard resume ${job.app}\``;
  if (job.command === 'unknown') return 'this command';
  if (job.command === 'approve' && job.sha) return `\`/driftguard approve ${job.sha}\``;
  if (job.command === 'preview') return `\`/driftguard preview${job.sha ? ` ${job.sha}` : ''}\``;
  if (job.command === 'preview-delete') return '`/driftguard preview delete`';
  return `\`/driftguard ${job.command}\``;
}

export async function runCommand(job: CommandJob, deps: WorkerDeps): Promise<{ outcome: CommandOutcome }> {
  const log = deps.log.child({ job: 'command', repo: job.repo, pr: job.pr, sender: job.sender, command: job.command });
  const gh = await deps.github(job.repo, job.installationId);
  /** Comment the first time for this user, PR and kind; react afterwards. */
  const answer = async (outcome: CommandOutcome, reaction: Reaction, body: string): Promise<{ outcome: CommandOutcome }> => {
    if (await deps.replies.mayReply(job.repo, job.pr, job.sender, outcome)) {
      await gh.comment(job.pr, body);
      return { outcome };
    }
    await react(gh, job.commentId, reaction, log);
    log.info({ outcome }, 'repeated command answered with a reaction only');
    return { outcome: 'reacted' };
  };

  if (job.bot) {
    return answer('denied', '-1', `@${job.sender} ${namedCommand(job)} is not taken from bots: a person with **write**, **maintain** or **admin** permission on this repository must comment it.`);
  }
  const permission = await gh.permission(job.sender);
  if (!canRunCommands(permission) && job.command === 'approve') {
    return answer('denied', '-1', `@${job.sender} ${namedCommand(job)} needs **write**, **maintain** or **admin** permission on this repository (you have ${permission === 'none' ? 'no access' : `**${permission}**`}). Until someone with that permission approves its head commit, this fork's plan does not read the cluster.`);
  }
  if (!canRunCommands(permission)) {
    return answer('denied', '-1', `@${job.sender} ${namedCommand(job)} needs **write** access to this repository (you have ${permission === 'none' ? 'no access' : `**${permission}**`}). Ask a maintainer to run it.`);
  }
  if (job.command === 'help') return answer('helped', 'eyes', HELP_TEXT);
  if (job.command === 'unknown') return answer('unknown', 'confused', `@${job.sender} Driftguard does not know this command.\n\n${HELP_TEXT}`);
  if (job.command === 'sync') return queueSync(job, deps, gh, answer);
  if (job.command === 'rollback') return queueRollback(job, deps, gh, answer);
  if (job.command === 'resume') return resumeAutoSync(job, deps, gh, answer);
  if (job.onIssue) return answer('not-pr', 'confused', `@${job.sender} ${namedCommand(job)} works on pull requests only; on an issue Driftguard takes \`sync\`, \`rollback\`, \`resume\` and \`help\`.`);
  if (job.command === 'preview' || job.command === 'preview-delete') {
    const refused = await runPreviewCommand(job, deps, gh, answer);
    if (refused) return refused;
    // The preview section of the plan comment and the deployment say the rest.
    await react(gh, job.commentId, 'rocket', log);
    return { outcome: job.command === 'preview' ? 'preview-queued' : 'preview-delete-queued' };
  }

  const pr = await gh.pull(job.pr);
  if (pr.state !== 'open') return answer('closed', 'confused', `@${job.sender} this pull request is ${pr.state}; there is nothing to plan.`);
  if (job.command === 'approve') {
    if (!pr.fork) return answer('not-fork', 'confused', `@${job.sender} this pull request comes from this repository, not a fork: it needs no approval.`);
    if (job.sha && !pr.headSha.startsWith(job.sha)) {
      return answer('stale-sha', 'confused', `@${job.sender} ${namedCommand(job)} names a commit that is not the head of this pull request any more (the head is now \`${pr.headSha.slice(0, 7)}\`): nothing was approved. Review the new head and approve it.`);
    }
    // Tied to the head as it is now; a retried job finds the first record and keeps its who and when.
    const { approval, created } = await deps.approvals.approve(job.repo, job.pr, { sha: pr.headSha, by: job.sender, at: new Date().toISOString() });
    log.info({ sha: approval.sha, by: approval.by, created }, 'fork head approved');
  }
  // A retry of this command job finds the plan it queued: a fresh sequence number would mark that plan
  // superseded, and the deduplicated enqueue below would not replace it, so the comment would never update.
  if (!(await deps.producer.hasPlan(job.repo, job.pr, pr.headSha, String(job.commentId)))) await queuePlan(job, deps, pr);
  // The re-plan's comment records the approval; the reaction says "on it" without another post.
  if (job.command === 'approve') {
    await react(gh, job.commentId, 'rocket', log);
    return { outcome: 'approved' };
  }
  return { outcome: 'replanned' };
}

async function queuePlan(job: CommandJob, deps: WorkerDeps, pr: PullInfo): Promise<void> {
  const seq = await deps.latest.nextSeq();
  await deps.latest.offer(prScope(job.repo, job.pr), seq, pr.headSha);
  await deps.producer.plan(
    { repo: job.repo, installationId: job.installationId, pr: job.pr, headSha: pr.headSha, baseSha: pr.baseSha, fork: pr.fork, deliveryId: job.deliveryId, seq, requestedBy: job.sender },
    { rerunKey: String(job.commentId) },
  );
}

export type Answer = (outcome: CommandOutcome, reaction: Reaction, body: string) => Promise<{ outcome: CommandOutcome }>;

/**
 * `/driftguard sync <app> [--allow-mass-prune]` from a user with write access: sync the app at the
 * current head of its target revision, as a push would (queued check run, then the sync job), with
 * the mass-prune guard lifted for that one job when asked. The app and its policy come from the
 * default branch's config; the sync itself checks the operator's project again.
 */
async function queueSync(job: CommandJob, deps: WorkerDeps, gh: RepoClient, answer: Answer): Promise<{ outcome: CommandOutcome }> {
  const found = await commandApp(gh, job.app, 'to sync');
  if ('refusal' in found) return answer('no-app', 'confused', `@${job.sender} ${found.refusal}`);
  const { app, defaultBranch } = found;
  const branch = app.targetRevision ?? defaultBranch;
  const sha = await resolveOrUndefined(gh, branch);
  if (!sha) return answer('no-branch', 'confused', `@${job.sender} app \`${app.name}\` targets branch ${inlineCode(branch)}, which does not exist; nothing to sync.`);
  const seq = await deps.latest.nextSeq();
  await deps.latest.offer(appScope(job.repo, app.name), seq, sha);
  const who = job.allowMassPrune ? `requested by @${job.sender}, mass prune confirmed` : `requested by @${job.sender}`;
  const run = await gh.createCheckRun({
    name: checkName(app.name), headSha: sha, status: 'queued', externalId: syncRunId(app.name, seq),
    output: { title: 'Queued', summary: `Waiting to sync ${app.name} to ${app.cluster}/${app.namespace} (${who} on #${job.pr}).` },
  });
  try {
    await deps.producer.sync(
      {
        repo: job.repo, installationId: job.installationId, app: app.name, sha, ref: `refs/heads/${branch}`, seq, checkRunId: run.id, deliveryId: job.deliveryId,
        requestedBy: job.sender, requestedOn: job.pr, trigger: 'command', ...(job.allowMassPrune ? { allowMassPrune: true } : {}),
      },
      { rerunKey: String(job.commentId) },
    );
  } catch (e) {
    await gh.completeCheckRun(run.id, 'cancelled', { title: 'Could not be queued', summary: (e as Error).message }).catch(() => {});
    throw e;
  }
  // The check run and the outcome comment say the rest; the reaction says "on it" without a post.
  await react(gh, job.commentId, 'rocket', deps.log);
  return { outcome: 'sync-queued' };
}

/** A reaction is a courtesy: a deleted comment (404) or a blip must not fail or retry the command. */
async function react(gh: RepoClient, commentId: number, content: Reaction, log: WorkerDeps['log']): Promise<void> {
  await gh.react(commentId, content).catch((e: Error) => log.warn({ err: e.message, commentId, content }, 'could not react to the comment'));
}
