// Per-app mutual exclusion across workers on any machine: a lease (random token + TTL) renewed while
// the holder works. If a worker dies, the lease expires and another worker may sync.
//
// Why not BullMQ alone: a custom jobId dedupes identical jobs only while they exist, and the
// deduplication option's keepLastIfActive silently drops the older waiting job's data — whose
// check run would then stay "queued" forever. Group concurrency is BullMQ Pro only. So jobs stay
// one-per-(app, sha) and this lease serializes them; the latest-SHA register decides who is stale.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

// Compare-and-act scripts: only the holder of the token may renew or release.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class Lease {
  private timer?: NodeJS.Timeout;
  private lost = false;

  constructor(private readonly redis: Redis, readonly key: string, readonly token: string, readonly ttlMs: number) {}

  /** Extend the TTL; false when the lease was lost (expired and maybe taken by someone else). */
  async renew(): Promise<boolean> {
    const ok = (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs))) === 1;
    if (!ok) this.lost = true;
    return ok;
  }

  /** Renew every ttl/3 until released. */
  keepAlive(onLost?: () => void): void {
    this.timer = setInterval(() => {
      this.renew().then(
        (ok) => { if (!ok) onLost?.(); },
        () => { /* Redis blip: the next tick retries; the TTL covers two missed renewals */ },
      );
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  get isLost(): boolean {
    return this.lost;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}

export class AppLocks {
  constructor(private readonly redis: Redis, private readonly ttlMs = 60_000) {}

  key(repo: string, app: string): string {
    return `${KEY_PREFIX}lock:${repo.toLowerCase()}:${app}`;
  }

  /** Poll for the lease up to waitMs; null when it stayed taken. */
  async acquireWithin(repo: string, app: string, waitMs: number, pollMs = 100): Promise<Lease | null> {
    const until = Date.now() + waitMs;
    for (;;) {
      const l = await this.acquire(repo, app);
      if (l || Date.now() >= until) return l;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** The lease, or null when another worker holds it. */
  async acquire(repo: string, app: string, ttlMs = this.ttlMs): Promise<Lease | null> {
    const key = this.key(repo, app);
    const token = randomBytes(16).toString('hex');
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? new Lease(this.redis, key, token, ttlMs) : null;
  }
}
