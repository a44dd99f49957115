// Whether a preview may render and apply a PR's head. A preview RUNS the PR's code in the cluster, so a
// fork's head gets none until a user with write permission comments `/driftguard preview` for exactly
// that commit; a new push needs a new approval. Preview approvals are their own kind: approving a
// fork's plan (`/driftguard approve`, a read and a dry run) never lets its code run. Pure.
import type { ForkApprovalInfo } from '../report/fork-approval.ts';
import { shortSha } from '../report/text.ts';

export const PREVIEW_COMMAND = '/driftguard preview';

export interface PreviewForkState {
  fork: boolean;
  headSha: string;
  /** The preview approval of exactly this head SHA, if any. */
  approval?: ForkApprovalInfo;
  /** The PR's most recent preview approval (any SHA): a push after it needs a new one. */
  latest?: ForkApprovalInfo;
}

export type PreviewForkGate =
  | { allowed: true; approval?: ForkApprovalInfo }
  | { allowed: false; note: string };

export function previewForkGate(s: PreviewForkState): PreviewForkGate {
  if (!s.fork) return { allowed: true };
  if (s.approval && s.approval.sha === s.headSha) return { allowed: true, approval: s.approval };
  return { allowed: false, note: forkWaitingNote(s) };
}

/** The comment section's line while a fork's preview waits for approval. */
function forkWaitingNote(s: PreviewForkState): string {
  const sha = `\`${shortSha(s.headSha)}\``;
  const earlier = s.latest && s.latest.sha !== s.headSha
    ? ` @${s.latest.by} approved a preview of \`${shortSha(s.latest.sha)}\` at ${s.latest.at}; the push of ${sha} needs a new approval.`
    : '';
  return `**Waiting for approval (fork)**: a preview runs this pull request's code in the cluster, so ${sha} gets none until a user with write, maintain or admin permission comments \`${PREVIEW_COMMAND} ${s.headSha}\` (\`${PREVIEW_COMMAND}\` alone approves whatever the head is when the command runs). The approval covers that commit only.${earlier}`;
}

/** The comment section's line once a fork's head is approved for a preview. */
export function forkApprovedNote(a: ForkApprovalInfo): string {
  return `Fork: @${a.by} approved a preview of \`${shortSha(a.sha)}\` at ${a.at}; a new push needs a new approval.`;
}
