// BullMQ connection options from REDIS_URL (BullMQ creates and closes its own clients).
import type { ConnectionOptions } from 'bullmq';
import { redisOptions } from '../store/redis.ts';

export function queueConnection(url?: string): ConnectionOptions {
  return redisOptions(url) as ConnectionOptions;
}
