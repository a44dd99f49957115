// Approvals of fork pull requests: a user with write access commented `/driftguard approve`, which
// lets the plan of that one head SHA read the cluster (live state, server-side dry run). Keyed by
// repo, PR and SHA so a new push is never covered by an older approval; the first approval of a SHA
// is kept (SET NX), so a retried command job records the same who and when.
// Two kinds: a 'plan' approval (`/driftguard approve`) lets the fork's plan read the cluster; a
// 'preview' approval (`/driftguard preview` on a fork) lets its code be rendered and applied in a
// preview namespace. Neither implies the other.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

/** Kept for 90 days: long enough for any open PR's plans and re-plans of that head. */
const TTL_SECONDS = 90 * 24 * 3600;

export interface ForkApproval {
  sha: string;
  /** GitHub login of the approver. */
  by: string;
  /** ISO 8601 time the approval was recorded. */
  at: string;
}

/** What an approval lets the fork's head do: be planned against the cluster, or run in a preview. */
export type ApprovalKind = 'plan' | 'preview';

export class ForkApprovals {
  constructor(private readonly redis: Redis) {}

  private prefix(repo: string, pr: number, kind: ApprovalKind): string {
    return `${KEY_PREFIX}fork-approval:${kind === 'preview' ? 'preview:' : ''}${repo.toLowerCase()}#${pr}`;
  }

  /** Record an approval of `sha`; an existing approval of that SHA is kept and returned with `created: false`. */
  async approve(repo: string, pr: number, approval: ForkApproval, kind: ApprovalKind = 'plan'): Promise<{ approval: ForkApproval; created: boolean }> {
    const json = JSON.stringify(approval);
    const set = await this.redis.set(`${this.prefix(repo, pr, kind)}:${approval.sha}`, json, 'EX', TTL_SECONDS, 'NX');
    if (set !== 'OK') {
      const existing = await this.get(repo, pr, approval.sha, kind);
      if (existing) return { approval: existing, created: false };
    }
    await this.redis.set(`${this.prefix(repo, pr, kind)}:latest`, json, 'EX', TTL_SECONDS);
    return { approval, created: true };
  }

  /** The approval of exactly this head SHA, if any. */
  async get(repo: string, pr: number, sha: string, kind: ApprovalKind = 'plan'): Promise<ForkApproval | undefined> {
    return parse(await this.redis.get(`${this.prefix(repo, pr, kind)}:${sha}`));
  }

  /** The PR's most recent approval (of any SHA): tells the comment that a new push needs a new one. */
  async latest(repo: string, pr: number, kind: ApprovalKind = 'plan'): Promise<ForkApproval | undefined> {
    return parse(await this.redis.get(`${this.prefix(repo, pr, kind)}:latest`));
  }
}

function parse(text: string | null): ForkApproval | undefined {
  if (!text) return undefined;
  const v = JSON.parse(text) as Partial<ForkApproval>;
  return typeof v.sha === 'string' && typeof v.by === 'string' && typeof v.at === 'string' ? { sha: v.sha, by: v.by, at: v.at } : undefined;
}
