// `/driftguard preview [<sha>]` and `/driftguard preview delete` (write permission already checked by
// runCommand). `preview` (re)creates the PR's previews at its head now; on a fork it is also the
// approval that lets that one head SHA run in a preview (optionally pinned to the SHA the approver
// reviewed, refused when the head has moved on). `preview delete` takes them down through the same
// `down` job a close runs.
import { REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { RepoClient } from '../src/github/client.ts';
import type { CommandJob } from '../src/queue/jobs.ts';
import { prScope } from '../src/store/latest-sha.ts';
import type { WorkerDeps } from './deps.ts';
import { loadRepoConfig } from './repo-config.ts';

import type { Answer, CommandOutcome } from './command.ts';

/** Queues the preview job, or answers why not; undefined when queued (the caller reacts). */
export async function runPreviewCommand(job: CommandJob, deps: WorkerDeps, gh: RepoClient, answer: Answer): Promise<{ outcome: CommandOutcome } | undefined> {
  const pr = await gh.pull(job.pr);
  const seq = await deps.latest.nextSeq();
  const base = { repo: job.repo, installationId: job.installationId, pr: job.pr, headSha: pr.headSha, seq, deliveryId: job.deliveryId, requestedBy: job.sender };
  if (job.command === 'preview-delete') {
    // Also on a closed PR: taking down what is left is always allowed (the job finds nothing when nothing is left).
    await deps.producer.preview({ ...base, action: 'down', reason: 'command' }, { rerunKey: String(job.commentId) });
    return undefined;
  }
  if (pr.state !== 'open') return answer('closed', 'confused', `@${job.sender} this pull request is ${pr.state}; it gets no preview.`);
  const defaultBranch = await gh.defaultBranch();
  const loaded = await loadRepoConfig(gh, defaultBranch);
  if (!loaded?.ok || !loaded.config.apps.some((a) => a.preview?.enabled)) {
    const why = !loaded ? `there is no ${REPO_CONFIG_PATH} on ${defaultBranch}` : !loaded.ok ? `${REPO_CONFIG_PATH} on ${defaultBranch} is invalid` : `no app in ${REPO_CONFIG_PATH} on ${defaultBranch} has \`preview:\` enabled`;
    return answer('no-preview', 'confused', `@${job.sender} this repository has no previews (${why}).`);
  }
  if (pr.fork) {
    if (job.sha && !pr.headSha.startsWith(job.sha)) {
      return answer('stale-sha', 'confused', `@${job.sender} \`/driftguard preview ${job.sha}\` names a commit that is not the head of this pull request any more (the head is now \`${pr.headSha.slice(0, 7)}\`): nothing was approved or deployed. Review the new head and approve it.`);
    }
    // The approval of exactly this head; the up job checks it again before it renders anything.
    const { approval, created } = await deps.approvals.approve(job.repo, job.pr, { sha: pr.headSha, by: job.sender, at: new Date(deps.now?.() ?? Date.now()).toISOString() }, 'preview');
    deps.log.info({ repo: job.repo, pr: job.pr, sha: approval.sha, by: approval.by, created }, 'fork head approved for a preview');
  }
  // This head is now the PR's newest: an up job queued earlier for an older head is dropped.
  await deps.latest.offer(prScope(job.repo, job.pr), seq, pr.headSha);
  await deps.producer.preview({ ...base, action: 'up' }, { rerunKey: String(job.commentId) });
  return undefined;
}
