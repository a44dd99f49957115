// The per-repository limit on previews (`preview.maxPerRepo`): a preview holds a slot from the moment
// it is admitted until its namespace is deleted. Over the limit a preview waits in a sorted set
// ordered by when it first asked (oldest first); when a slot frees, the oldest waiting previews are
// queued again (their last job is kept here) and the first of them to run takes the slot. Everything
// is in Redis and every step is one Lua script, so a retried job, two workers at once or a worker
// restart neither loses a waiting preview nor lets a newer PR jump the queue: admission needs a free
// slot AND a place among the oldest waiting.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

// KEYS: active (set), waiting (zset: member → first wait ms), jobs (hash: member → last job JSON),
// limit (string), repos (set of repos with waiting previews). ARGV: member, limit (-1: none), now, job, repo.
// Returns {admitted (1/0), place in the queue (1 = the oldest waiting)}.
const CLAIM = `
if ARGV[2] ~= '-1' then redis.call('set', KEYS[4], ARGV[2]) else redis.call('del', KEYS[4]) end
if redis.call('sismember', KEYS[1], ARGV[1]) == 1 then return {1, 0} end
local limit = tonumber(ARGV[2])
redis.call('zadd', KEYS[2], 'NX', ARGV[3], ARGV[1])
local rank = redis.call('zrank', KEYS[2], ARGV[1])
local free = limit - redis.call('scard', KEYS[1])
if limit < 0 or rank < free then
  redis.call('sadd', KEYS[1], ARGV[1])
  redis.call('zrem', KEYS[2], ARGV[1])
  redis.call('hdel', KEYS[3], ARGV[1])
  if redis.call('zcard', KEYS[2]) == 0 then redis.call('srem', KEYS[5], ARGV[5]) end
  return {1, 0}
end
redis.call('hset', KEYS[3], ARGV[1], ARGV[4])
redis.call('sadd', KEYS[5], ARGV[5])
return {0, rank + 1}`;

// KEYS as CLAIM. ARGV: member, repo. Frees the slot or the place in the queue.
const RELEASE = `
local freed = redis.call('srem', KEYS[1], ARGV[1])
redis.call('zrem', KEYS[2], ARGV[1])
redis.call('hdel', KEYS[3], ARGV[1])
if redis.call('zcard', KEYS[2]) == 0 then redis.call('srem', KEYS[5], ARGV[2]) end
return freed`;

// KEYS as CLAIM. ARGV: pr, repo. Frees every slot and place of one PR (`<pr>` and `<pr>/<app>`).
const RELEASE_PR = `
local freed = 0
local function mine(m) return m == ARGV[1] or string.sub(m, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '/' end
for _, m in ipairs(redis.call('smembers', KEYS[1])) do
  if mine(m) then freed = freed + redis.call('srem', KEYS[1], m) end
end
for _, m in ipairs(redis.call('zrange', KEYS[2], 0, -1)) do
  if mine(m) then redis.call('zrem', KEYS[2], m) redis.call('hdel', KEYS[3], m) end
end
if redis.call('zcard', KEYS[2]) == 0 then redis.call('srem', KEYS[5], ARGV[2]) end
return freed`;

export type SlotClaim = { admitted: true } | { admitted: false; position: number };

export interface WaitingPreview<J> {
  member: string;
  /** When it first asked for a slot (ms since the epoch). */
  since: number;
  /** The last job that asked: queued again when a slot frees. */
  job: J;
}

/** `12` or `12/web`: one preview (a PR, or one app of it). */
export const slotMember = (pr: number, app?: string) => (app ? `${pr}/${app}` : String(pr));

export class PreviewSlots {
  constructor(private readonly redis: Redis) {}

  private keys(repo: string): string[] {
    const base = `${KEY_PREFIX}preview-slots:${repo.toLowerCase()}`;
    return [`${base}:active`, `${base}:waiting`, `${base}:jobs`, `${base}:limit`, `${KEY_PREFIX}preview-slots:repos`];
  }

  /**
   * Take a slot for `member`, or wait: admitted when it already holds one, or when a slot is free and no
   * older preview waits for it. `limit` undefined: no limit. `job` is kept to queue again when it waits.
   */
  async claim(repo: string, member: string, limit: number | undefined, job: object, now: number): Promise<SlotClaim> {
    const [admitted, position] = (await this.redis.eval(CLAIM, 5, ...this.keys(repo), member, String(limit ?? -1), String(now), JSON.stringify(job), repo.toLowerCase())) as [number, number];
    return admitted === 1 ? { admitted: true } : { admitted: false, position };
  }

  /** Free `member`'s slot or place in the queue (its preview is gone, or its PR closed while waiting). True when a slot was freed. */
  async release(repo: string, member: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 5, ...this.keys(repo), member, repo.toLowerCase())) === 1;
  }

  /** Free every slot and place in the queue of one PR (it closed: whatever apps it had). How many slots were freed. */
  async releasePr(repo: string, pr: number): Promise<number> {
    return (await this.redis.eval(RELEASE_PR, 5, ...this.keys(repo), String(pr), repo.toLowerCase())) as number;
  }

  /** Whether `member` holds a slot. */
  async holds(repo: string, member: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys(repo)[0], member)) === 1;
  }

  /**
   * The waiting previews that may take the slots free now, oldest first (all waiting ones when the last
   * claim had no limit). Queue their jobs again; the first to run takes the slot.
   */
  async promotable<J>(repo: string): Promise<WaitingPreview<J>[]> {
    const [active, , , limitKey] = this.keys(repo);
    const [count, limitText] = await Promise.all([this.redis.scard(active), this.redis.get(limitKey)]);
    const free = limitText === null ? Infinity : Number(limitText) - count;
    if (free <= 0) return [];
    return this.oldest<J>(repo, Number.isFinite(free) ? free - 1 : -1);
  }

  /** Every waiting preview of `repo`, oldest first. */
  async waiting<J>(repo: string): Promise<WaitingPreview<J>[]> {
    return this.oldest<J>(repo, -1);
  }

  private async oldest<J>(repo: string, stop: number): Promise<WaitingPreview<J>[]> {
    const [, waiting, jobs] = this.keys(repo);
    const entries = await this.redis.zrange(waiting, '0', String(stop), 'WITHSCORES');
    const out: WaitingPreview<J>[] = [];
    for (let i = 0; i < entries.length; i += 2) {
      const text = await this.redis.hget(jobs, entries[i]);
      if (text) out.push({ member: entries[i], since: Number(entries[i + 1]), job: JSON.parse(text) as J });
    }
    return out;
  }

  /** Repositories (lower case) with at least one waiting preview: the sweeper promotes their queues. */
  async reposWithWaiting(): Promise<string[]> {
    return this.redis.smembers(this.keys('')[4]);
  }
}
