// What the preview sweeper does with one recorded preview: the webhooks that close previews can be
// missed (an outage, a redelivery that never came), so a periodic job asks GitHub and the cluster
// again. Pure: the caller reads the PR, the live namespace and the clock and passes them in.
//
// The sweeper never deletes what Driftguard did not create: a namespace that exists without the
// preview marker labels for this repository, PR and app is left alone whatever the record says (the
// record lives in Redis; the labels live on the object that would be deleted).

/** A PR label that exempts its previews from the TTL (never from closing or deletion of the PR). */
export const KEEP_PREVIEW_LABEL = 'driftguard:keep-preview';

/** Why a preview is removed; the `down` job's comment and deployment status say it to the user. */
export type RemovalReason = 'closed' | 'expired' | 'pr-gone';

export interface SweepInput {
  /** Milliseconds since the epoch. */
  now: number;
  /** Time to live since the last push, in milliseconds. */
  ttlMs: number;
  /** When the preview's PR was last pushed (or the preview created), ms since the epoch. */
  lastPushAt: number;
  /**
   * The namespace as it is in the cluster: absent when it does not exist; `owned` when its labels mark
   * it as this preview's (managed by Driftguard, same repository, PR and app).
   */
  namespace?: { owned: boolean };
  /** The PR as GitHub sees it now, or 'not-found' (404: deleted, or the repository is gone). */
  pr: { state: 'open' | 'closed'; labels: readonly string[] } | 'not-found';
}

export type SweepDecision =
  | { action: 'keep'; why: 'open' | 'kept-by-label'; /** ms since the epoch; absent when the keep label exempts it. */ expiresAt?: number }
  | { action: 'remove'; reason: RemovalReason }
  /** A namespace of that name exists but Driftguard did not create it (for this preview): never touched. */
  | { action: 'leave-alone'; why: 'not-ours' };

export function decideSweep(input: SweepInput): SweepDecision {
  if (input.namespace && !input.namespace.owned) return { action: 'leave-alone', why: 'not-ours' };
  if (input.pr === 'not-found') return { action: 'remove', reason: 'pr-gone' };
  if (input.pr.state === 'closed') return { action: 'remove', reason: 'closed' };
  if (input.pr.labels.includes(KEEP_PREVIEW_LABEL)) return { action: 'keep', why: 'kept-by-label' };
  const expiresAt = input.lastPushAt + input.ttlMs;
  if (input.now >= expiresAt) return { action: 'remove', reason: 'expired' };
  return { action: 'keep', why: 'open', expiresAt };
}

/** One sentence for the PR comment and the deployment status: why the preview is gone. */
export function removalMessage(reason: RemovalReason, ttlMs: number): string {
  switch (reason) {
    case 'closed':
      return 'the pull request is closed (removed by the sweeper: the close event was missed)';
    case 'expired':
      return `no push for ${formatDuration(ttlMs)} (the preview TTL); push again or comment \`/driftguard preview\` to recreate it, or add the \`${KEEP_PREVIEW_LABEL}\` label to keep it`;
    case 'pr-gone':
      return 'the pull request no longer exists';
  }
}

/** `72h`, `90m`, `45s`, `1d 2h`: the largest whole units, for messages. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120 && m % 60 !== 0) return `${m}m`;
  const h = Math.round(m / 60);
  if (h % 24 === 0 && h >= 24 * 7) return `${h / 24}d`;
  return `${h}h`;
}
