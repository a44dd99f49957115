// Webhook delivery dedupe: GitHub redelivers (manually or on timeouts) with the same
// X-GitHub-Delivery id. SET NX with a TTL claims an id exactly once across all web replicas.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

// One round trip per webhook: claim the delivery id, take the next arrival sequence and, for PR
// heads, record it as the newest for its scope (same rule as LatestShaRegister.offer). Returns 0 for
// a duplicate, else the sequence number.
const CLAIM = `
if not redis.call('set', KEYS[1], '1', 'EX', ARGV[1], 'NX') then return 0 end
local seq = redis.call('incr', KEYS[2])
if KEYS[3] then
  local cur = redis.call('hget', KEYS[3], 'seq')
  if not cur or tonumber(cur) < seq then
    redis.call('hset', KEYS[3], 'seq', seq, 'sha', ARGV[2])
    redis.call('pexpire', KEYS[3], ARGV[3])
  end
end
return seq`;
const LATEST_TTL_MS = 7 * 24 * 3600 * 1000;

export class DeliveryStore {
  constructor(private readonly redis: Redis, private readonly ttlSeconds = 24 * 3600) {}

  private key(id: string): string {
    return `${KEY_PREFIX}delivery:${id}`;
  }

  /** True the first time an id is seen (within the TTL); false for duplicates. */
  async claim(id: string): Promise<boolean> {
    return (await this.redis.set(this.key(id), '1', 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }

  /**
   * claim() plus a sequence number (LatestShaRegister.nextSeq) and, with `offer`, the sha recorded
   * as the latest of its scope — atomically, in one round trip. null for a duplicate delivery.
   */
  async claimWithSeq(id: string, offer?: { scope: string; sha: string }): Promise<number | null> {
    const keys = [this.key(id), `${KEY_PREFIX}seq`, ...(offer ? [`${KEY_PREFIX}latest:${offer.scope}`] : [])];
    const seq = Number(await this.redis.eval(CLAIM, keys.length, ...keys, String(this.ttlSeconds), offer?.sha ?? '', String(LATEST_TTL_MS)));
    return seq > 0 ? seq : null;
  }

  /** Forget a claim, so a redelivery is processed (used when enqueueing failed after claiming). */
  async release(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }
}
