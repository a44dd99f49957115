// Coalescing rapid pushes: every push gets a sequence number when the web process receives it
// (INCR, so ordering follows arrival even if workers run out of order); the register keeps the
// highest sequence per key. A sync whose SHA is no longer the latest ends as skipped/cancelled.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

// Set {seq, sha} only when seq is newer than what is stored. Returns 1 when stored.
const OFFER = `
local cur = redis.call('hget', KEYS[1], 'seq')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
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

  /** Record sha at seq for scope if it is the newest; true when it now is the latest. */
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
}

/** Scope names: one per app (syncs) and one per PR (plans). */
export const appScope = (repo: string, app: string) => `app:${repo.toLowerCase()}:${app}`;
export const prScope = (repo: string, pr: number) => `pr:${repo.toLowerCase()}:${pr}`;
