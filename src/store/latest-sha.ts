// Coalescing rapid pushes: every push gets a sequence number when the web process receives it
// (INCR, so ordering follows arrival even if workers run out of order); the register keeps the
// highest sequence per key. "Superseded" means exactly one thing: a NEWER COMMIT was registered for
// the scope. A retried or stalled job (same sequence, same sha) is still current, and so is an older
// job whose commit was pushed again later (same sha, higher sequence): both must do their work.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

// Offer {seq, sha}. Returns 1 when the offer is current: stored (newer), the same offer again (a retry),
// or a newer offer of the same sha (nothing newer to sync). 0 when a newer commit is registered.
const OFFER = `
local cur = redis.call('hget', KEYS[1], 'seq')
if cur then
  local c, s = tonumber(cur), tonumber(ARGV[1])
  local sha = redis.call('hget', KEYS[1], 'sha')
  if c > s then
    if sha == ARGV[2] then return 1 end
    return 0
  end
  if c == s then
    if sha == ARGV[2] then return 1 end
    return 0
  end
end
redis.call('hset', KEYS[1], 'seq', ARGV[1], 'sha', ARGV[2])
redis.call('pexpire', KEYS[1], ARGV[3])
return 1`;

export interface LatestEntry {
  seq: number;
  sha: string;
}

export class LatestShaRegister {
  constructor(private readonly redis: Redis, private readonly ttlMs = 7 * 24 * 3600 * 1000) {}

  private key(scope: string): string {
    return `${KEY_PREFIX}latest:${scope}`;
  }

  /** A new, strictly increasing sequence number (global; only its order matters). */
  async nextSeq(): Promise<number> {
    return this.redis.incr(`${KEY_PREFIX}seq`);
  }

  /**
   * Record sha at seq for scope if it is the newest. True when the offer is current: newly stored,
   * offered again by a retry of the same job, or a later push of this same commit exists.
   */
  async offer(scope: string, seq: number, sha: string): Promise<boolean> {
    return (await this.redis.eval(OFFER, 1, this.key(scope), String(seq), sha, String(this.ttlMs))) === 1;
  }

  async latest(scope: string): Promise<LatestEntry | null> {
    const h = await this.redis.hgetall(this.key(scope));
    return h.seq ? { seq: Number(h.seq), sha: h.sha } : null;
  }

  /** True unless a newer sequence has been registered for scope. */
  async isCurrent(scope: string, seq: number): Promise<boolean> {
    const l = await this.latest(scope);
    return !l || l.seq <= seq;
  }

  /** The newer commit registered for scope after (seq, sha), or null: a job for (seq, sha) is not superseded. */
  async newerCommit(scope: string, seq: number, sha: string): Promise<LatestEntry | null> {
    const l = await this.latest(scope);
    return l && l.seq > seq && l.sha !== sha ? l : null;
  }
}

/** The "sha" a closed PR's scope holds (the web registers it on close): never equal to a real head. */
export const CLOSED_HEAD = 'closed';

/** Scope names: one per app (syncs) and one per PR (plans). */
export const appScope = (repo: string, app: string) => `app:${repo.toLowerCase()}:${app}`;
export const prScope = (repo: string, pr: number) => `pr:${repo.toLowerCase()}:${pr}`;
