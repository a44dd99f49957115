// PR comment commands. The sender's permission is checked through the API: write, maintain and
// admin may run commands; everyone else gets a reply saying what is needed.
import { canRunCommands } from '../src/github/client.ts';
import type { CommandJob } from '../src/queue/jobs.ts';
import { prScope } from '../src/store/latest-sha.ts';
import type { WorkerDeps } from './deps.ts';

export const HELP_TEXT = [
  '**Driftguard commands** (comment on a pull request; needs write access to the repository):',
  '',
  '| Command | What it does |',
  '| --- | --- |',
  '| `/driftguard diff` | Re-plan this PR: render head and base, diff against the live cluster, update the check runs and the plan comment. |',
  '| `/driftguard help` | Show this help. |',
  '',
  'Apps, clusters and sync policies are configured in `.github/driftguard.yml` on the default branch.',
].join('\n');

export type CommandOutcome = 'denied' | 'replanned' | 'helped' | 'unknown' | 'closed';

export async function runCommand(job: CommandJob, deps: WorkerDeps): Promise<{ outcome: CommandOutcome }> {
  const gh = await deps.github(job.repo, job.installationId);
  const permission = await gh.permission(job.sender);
  if (!canRunCommands(permission)) {
    await gh.comment(job.pr, `@${job.sender} \`${job.text.replace(/`/g, "'")}\` needs **write** access to this repository (you have ${permission === 'none' ? 'no access' : `**${permission}**`}). Ask a maintainer to run it.`);
    return { outcome: 'denied' };
  }
  if (job.command === 'help') {
    await gh.comment(job.pr, HELP_TEXT);
    return { outcome: 'helped' };
  }
  if (job.command === 'unknown') {
    await gh.comment(job.pr, `@${job.sender} Driftguard does not know \`${job.text.replace(/`/g, "'")}\`.\n\n${HELP_TEXT}`);
    return { outcome: 'unknown' };
  }
  const pr = await gh.pull(job.pr);
  if (pr.state !== 'open') {
    await gh.comment(job.pr, `@${job.sender} this pull request is ${pr.state}; there is nothing to plan.`);
    return { outcome: 'closed' };
  }
  const seq = await deps.latest.nextSeq();
  await deps.latest.offer(prScope(job.repo, job.pr), seq, pr.headSha);
  await deps.producer.plan(
    { repo: job.repo, installationId: job.installationId, pr: job.pr, headSha: pr.headSha, baseSha: pr.baseSha, fork: pr.fork, deliveryId: job.deliveryId, seq, requestedBy: job.sender },
    { rerunKey: String(job.commentId) },
  );
  return { outcome: 'replanned' };
}
