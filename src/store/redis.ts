// One place that turns REDIS_URL into ioredis options, so the web process, workers and BullMQ all
// connect the same way (redis://, rediss:// with TLS, user:password, /db).
import { Redis, type RedisOptions } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const KEY_PREFIX = 'driftguard:';

export function redisOptions(url: string = process.env.REDIS_URL || DEFAULT_REDIS_URL): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`REDIS_URL must be redis:// or rediss://, got ${u.protocol}`);
  const opts: RedisOptions = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    // BullMQ workers need blocking commands to wait forever; also right for our own clients, which
    // should wait for Redis to come back rather than fail every command during a restart.
    maxRetriesPerRequest: null,
  };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, '');
  if (db) opts.db = Number(db);
  if (u.protocol === 'rediss:') opts.tls = {};
  return opts;
}

export function createRedis(url?: string, extra: RedisOptions = {}, onError?: (e: Error) => void): Redis {
  const r = new Redis({ ...redisOptions(url), ...extra });
  // Without a listener ioredis prints every reconnect failure; reconnecting is automatic.
  r.on('error', (e: Error) => onError?.(e));
  return r;
}
