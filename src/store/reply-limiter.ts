// Bounds how often the app answers comment commands it refuses (no write access, unknown command,
// bad arguments). Anyone who can comment on a public repository can send commands, so every reply
// is a post an outsider makes us write: the first refusal of a kind per user and PR in a window gets
// a reply, later ones only a reaction. A cap per PR bounds many accounts acting together.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

export const DEFAULT_REPLY_WINDOW_MS = 3600_000;
/** Replies per PR and window, all users together. */
export const DEFAULT_REPLIES_PER_PR = 10;

// Claim the per-user slot, then count the PR's replies; give the slot back when the PR is over its cap,
// so a user who was silenced by others still gets their one reply once the PR's window ends.
const CLAIM = `
if redis.call('set', KEYS[1], '1', 'PX', ARGV[1], 'NX') == false then return 0 end
local n = redis.call('incr', KEYS[2])
if n == 1 then redis.call('pexpire', KEYS[2], ARGV[1]) end
if n > tonumber(ARGV[2]) then redis.call('del', KEYS[1]) return 0 end
return 1`;

export interface ReplyLimiterOptions {
  windowMs?: number;
  perPr?: number;
}

export class ReplyLimiter {
  private readonly windowMs: number;
  private readonly perPr: number;

  constructor(private readonly redis: Redis, opts: ReplyLimiterOptions = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_REPLY_WINDOW_MS;
    this.perPr = opts.perPr ?? DEFAULT_REPLIES_PER_PR;
  }

  /** True when this refusal may be answered with a comment; false: react only. */
  async mayReply(repo: string, pr: number, user: string, kind: string): Promise<boolean> {
    const scope = `${KEY_PREFIX}replies:${repo.toLowerCase()}#${pr}`;
    const r = await this.redis.eval(CLAIM, 2, `${scope}:${user.toLowerCase()}:${kind}`, scope, String(this.windowMs), String(this.perPr));
    return r === 1;
  }
}
