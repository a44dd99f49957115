// What a fork pull request's plan says about its approval: the comment note and the check run's
// title and summary while it waits. A fork's code runs nothing against the cluster (no live read, no
// dry run, bundled schemas) until a user with write access approves its head SHA; a new push needs a
// new approval. Pure: the approval comes from the store, the time is a string.
import { CHECK_RUN_SUMMARY_MAX_CHARS } from './limits.ts';
import { shortSha, truncateWithEllipsis } from './text.ts';

export interface ForkApprovalInfo {
  sha: string;
  by: string;
  /** ISO 8601 */
  at: string;
}

export interface ForkState {
  headSha: string;
  /** The approval of this head SHA, if any. */
  approval?: ForkApprovalInfo;
  /** The PR's most recent approval, when it was for another SHA (a push came after it). */
  earlier?: ForkApprovalInfo;
}

export const APPROVE_COMMAND = '/driftguard approve';

const NEVER_APPLIED = 'Driftguard never applies changes from forks.';

/** A block-quote paragraph for the top of the sticky comment, ending with a blank line. */
export function forkNote(s: ForkState): string {
  const sha = `\`${shortSha(s.headSha)}\``;
  if (s.approval) {
    return `> **Fork pull request, approved** by @${s.approval.by} for ${sha} at ${s.approval.at}: this commit was planned against the cluster (live state, server-side dry run). ${NEVER_APPLIED} A new push needs a new approval.\n\n`;
  }
  const earlier = s.earlier && s.earlier.sha !== s.headSha
    ? ` @${s.earlier.by} approved \`${shortSha(s.earlier.sha)}\` at ${s.earlier.at}; the push of ${sha} needs a new approval.`
    : '';
  return `> **Fork pull request, waiting for approval**: ${sha} was planned without any request to the cluster (no live state or drift, no server-side dry run, bundled schemas). ${NEVER_APPLIED}${earlier}\n> A user with write, maintain or admin permission can comment \`${APPROVE_COMMAND} ${s.headSha}\` to plan this commit against the cluster (\`${APPROVE_COMMAND}\` alone approves whatever the head is when the command runs).\n\n`;
}

/** The check run of an app while its fork plan waits: conclusion action_required, saying what is needed. */
export function forkWaitingOutput(headSha: string, out: { title: string; summary: string }): { title: string; summary: string } {
  return {
    title: truncateWithEllipsis(`Approval needed (fork): ${out.title}`, 200),
    summary: truncateWithEllipsis(`**Waiting for approval.** This pull request comes from a fork: ${shortSha(headSha)} was planned offline, without any request to the cluster. A user with write, maintain or admin permission can comment \`${APPROVE_COMMAND}\` on the pull request to plan this commit against the cluster; a new push needs a new approval.\n\n${out.summary}`, CHECK_RUN_SUMMARY_MAX_CHARS),
  };
}
