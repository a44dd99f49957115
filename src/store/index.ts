export { createRedis, redisOptions, DEFAULT_REDIS_URL, KEY_PREFIX } from './redis.ts';
export { DeliveryStore } from './delivery-store.ts';
export { AppLocks, Lease } from './app-lease.ts';
export { LatestShaRegister, appScope, prScope, type LatestEntry } from './latest-sha.ts';
