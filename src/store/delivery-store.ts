// Webhook delivery dedupe: GitHub redelivers (manually or on timeouts) with the same
// X-GitHub-Delivery id. SET NX with a TTL claims an id exactly once across all web replicas.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

export class DeliveryStore {
  constructor(private readonly redis: Redis, private readonly ttlSeconds = 24 * 3600) {}

  private key(id: string): string {
    return `${KEY_PREFIX}delivery:${id}`;
  }

  /** True the first time an id is seen (within the TTL); false for duplicates. */
  async claim(id: string): Promise<boolean> {
    return (await this.redis.set(this.key(id), '1', 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }

  /** Forget a claim, so a redelivery is processed (used when enqueueing failed after claiming). */
  async release(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }
}
