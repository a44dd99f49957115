// One pacer for every GitHub request of every worker process, per installation, kept in Redis:
// - content-creating requests (POST/PATCH/PUT/DELETE) stay within GitHub's secondary limit (80 in any
//   60 s window by default): a sliding window of write times, checked and recorded in one Lua script;
// - a secondary-limit answer (403/429 with retry-after, or GitHub's "secondary rate limit" message)
//   blocks the installation's writes until then, in every process, and the request is sent again;
// - the primary limit: the budget GitHub reports (x-ratelimit-remaining/reset) is shared; at or below
//   the reserve every request waits for the reset, and a 403/429 with remaining 0 blocks until the reset.
// The pacer sits at the fetch level (under octokit's retry and throttling plugins), so every attempt
// on the wire is paced and counted, retries included. A wait longer than maxWaitMs is not spent inside
// the job: GITHUB_RATE_LIMITED (with details.until) tells the consumer to run the job again then.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DriftguardError } from '../core/errors.ts';

export interface GitHubLimits {
  /** Content-creating requests per window per installation (GitHub: 80 per minute). */
  writesPerWindow: number;
  windowMs: number;
  /** Requests left in the primary budget at or below which work waits for the reset. */
  reserve: number;
  /** The longest a request waits inside a job; beyond it the job is retried after the wait. */
  maxWaitMs: number;
}

export const DEFAULT_GITHUB_LIMITS: GitHubLimits = { writesPerWindow: 80, windowMs: 60_000, reserve: 50, maxWaitMs: 10 * 60_000 };

/** What a caller's requests waited for, so its reports can say so. */
export interface WaitStats {
  writeLimitMs: number;
  primaryLimitMs: number;
}

type Fetch = typeof globalThis.fetch;
type FetchInit = NonNullable<Parameters<Fetch>[1]>;

/** Requests that create installation tokens are the app's, not the installation's content. */
const TOKEN_PATH = /\/app\/installations\/[^/]+\/access_tokens$/;
const SECONDARY_MESSAGE = /secondary rate limit/i;
/** Sending a rate-limited request again: how many times before the answer goes to the caller. */
const MAX_RATE_LIMIT_RETRIES = 5;

// KEYS: window (zset of write times), blocked-until (ms). ARGV: limit, windowMs, member.
// Returns 0 when the write may go now (and records it), else the ms to wait. Redis' clock, so every
// process measures the window alike.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  -- In flight: scored in the future so it stays counted until SETTLE gives it its answer's time (a
  -- process that dies mid-request leaves it counted for ten windows).
  redis.call('ZADD', KEYS[1], now + 10 * window, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 12)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
-- Oldest still in flight: look again within a window.
return math.max(1, math.min(window, tonumber(oldest[2]) + window - now))
`;

// KEYS: window. ARGV: member. A write leaves the window counted from when its answer came back (at or
// after GitHub received it), so a request that was slow on the way never lets the next one in early.
const SETTLE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`;

// KEYS: blocked-until. ARGV: until (ms, our clock, converted by the caller to a relative wait). Keeps the later one.
const BLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > cur then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return 0
`;

// KEYS: budget hash. ARGV: remaining, reset (epoch s). A newer window replaces the old; within one
// window the lowest remaining wins (answers arrive out of order from concurrent requests).
const BUDGET = `
local reset = tonumber(ARGV[2])
local cur = tonumber(redis.call('HGET', KEYS[1], 'reset') or '0')
local remaining = tonumber(ARGV[1])
if reset < cur then return 0 end
if reset == cur then remaining = math.min(remaining, tonumber(redis.call('HGET', KEYS[1], 'remaining') or remaining)) end
redis.call('HSET', KEYS[1], 'reset', reset, 'remaining', remaining)
redis.call('EXPIREAT', KEYS[1], reset + 60)
return 0
`;

export class GitHubPacer {
  private seq = 0;
  private readonly waitingSince = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    readonly limits: GitHubLimits = DEFAULT_GITHUB_LIMITS,
    private readonly log?: Pick<Logger, 'warn' | 'info'>,
    private readonly prefix = 'driftguard:github',
    /** The clock for the primary limit's reset times (epoch ms). */
    private readonly now: () => number = Date.now,
  ) {}

  /** A fetch for one installation's octokit that paces and counts every request it sends. */
  fetchFor(installationId: number, stats?: WaitStats, inner: Fetch = globalThis.fetch): Fetch {
    return (input, init) => this.send(installationId, input, init ?? {}, stats, inner);
  }

  private key(kind: string, installationId: number): string {
    return `${this.prefix}:${kind}:${installationId}`;
  }

  private async send(installationId: number, input: Parameters<Fetch>[0], init: FetchInit, stats: WaitStats | undefined, inner: Fetch): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const write = method !== 'GET' && method !== 'HEAD' && !TOKEN_PATH.test(new URL(url).pathname);
    for (let attempt = 0; ; attempt++) {
      await this.waitForPrimary(installationId, stats);
      const member = write ? await this.waitForWrite(installationId, stats) : undefined;
      const res = await inner(input, init).finally(() => (member ? this.redis.eval(SETTLE, 1, this.key('writes', installationId), member).catch(() => undefined) : undefined));
      await this.observe(installationId, res).catch(() => undefined);
      const limited = await this.rateLimited(res);
      if (!limited) return res;
      await this.redis.eval(BLOCK, 1, this.key(limited.kind === 'primary' ? 'primary-blocked' : 'blocked', installationId), String(limited.waitMs));
      this.log?.warn({ installationId, method, url: new URL(url).pathname, status: res.status, waitMs: limited.waitMs, kind: limited.kind }, `GitHub's ${limited.kind} rate limit answered; waiting before sending again`);
      if (attempt >= MAX_RATE_LIMIT_RETRIES) return res;
      // A read has no write window to wait in: it waits here (a write waits in waitForWrite).
      if (!write && limited.kind === 'secondary') {
        this.tooLong(installationId, this.now(), limited.waitMs, "GitHub's secondary rate limit");
        await sleep(limited.waitMs);
      }
    }
  }

  /** Waits until this installation may send one more write, and records it in the window. */
  private async waitForWrite(installationId: number, stats?: WaitStats): Promise<string> {
    const started = this.now();
    const member = `${process.pid}:${++this.seq}:${Math.random()}`;
    for (;;) {
      const wait = Number(await this.redis.eval(ACQUIRE, 2, this.key('writes', installationId), this.key('blocked', installationId), String(this.limits.writesPerWindow), String(this.limits.windowMs), member));
      if (wait <= 0) break;
      this.tooLong(installationId, started, wait, "GitHub's write limit");
      this.noteWaiting(installationId, 'write', wait);
      await sleep(Math.min(wait, 5_000));
    }
    this.waitingSince.delete(`write:${installationId}`);
    if (stats) stats.writeLimitMs += this.now() - started;
    return member;
  }

  /** Waits for the reset when the shared primary budget is at the reserve or GitHub said it ran out. */
  private async waitForPrimary(installationId: number, stats?: WaitStats): Promise<void> {
    const started = this.now();
    for (;;) {
      const [budget, blocked] = await Promise.all([this.redis.hgetall(this.key('budget', installationId)), this.redis.pttl(this.key('primary-blocked', installationId))]);
      const resetMs = Number(budget.reset ?? 0) * 1000;
      let wait = 0;
      if (budget.remaining !== undefined && Number(budget.remaining) <= this.limits.reserve && resetMs > this.now()) wait = resetMs - this.now() + 1_000;
      // PTTL of the block key: it expires 1 s after the wait GitHub named.
      if (blocked > 1_000) wait = Math.max(wait, blocked - 1_000);
      if (wait <= 0) break;
      this.tooLong(installationId, started, wait, "GitHub's rate limit (requests per hour)");
      this.noteWaiting(installationId, 'primary', wait);
      await sleep(Math.min(wait, 5_000));
    }
    this.waitingSince.delete(`primary:${installationId}`);
    if (stats) stats.primaryLimitMs += this.now() - started;
  }

  /** A wait beyond maxWaitMs is not spent holding a worker: the job is retried when it is over. */
  private tooLong(installationId: number, started: number, wait: number, what: string): void {
    if (this.now() - started + wait <= this.limits.maxWaitMs) return;
    const until = this.now() + wait;
    const e = new DriftguardError('GITHUB_RATE_LIMITED', `waiting for ${what}: installation ${installationId} may send again at ${new Date(until).toISOString()}; the job runs again then`, { details: { until, installationId } });
    // octokit passes a fetch error named AbortError through as it is: not wrapped in a RequestError
    // (status 500), so neither the retry plugin retries it nor callers lose its code.
    Object.defineProperty(e, 'name', { value: 'AbortError' });
    throw e;
  }

  /** One log line when a wait starts (not one per poll). */
  private noteWaiting(installationId: number, kind: 'write' | 'primary', waitMs: number): void {
    const k = `${kind}:${installationId}`;
    if (this.waitingSince.has(k)) return;
    this.waitingSince.set(k, this.now());
    this.log?.info({ installationId, waitMs }, kind === 'write' ? "waiting for GitHub's write limit" : "waiting for GitHub's rate limit to reset");
  }

  private async observe(installationId: number, res: Response): Promise<void> {
    const remaining = res.headers.get('x-ratelimit-remaining');
    const reset = res.headers.get('x-ratelimit-reset');
    const resource = res.headers.get('x-ratelimit-resource');
    if (remaining === null || reset === null || (resource !== null && resource !== 'core')) return;
    await this.redis.eval(BUDGET, 1, this.key('budget', installationId), remaining, reset);
  }

  /** Whether the answer is a rate limit, which kind, and how long GitHub says to wait. */
  private async rateLimited(res: Response): Promise<{ kind: 'primary' | 'secondary'; waitMs: number } | undefined> {
    if (res.status !== 403 && res.status !== 429) return undefined;
    const retryAfter = res.headers.get('retry-after');
    if (res.headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(res.headers.get('x-ratelimit-reset') ?? 0) * 1000;
      return { kind: 'primary', waitMs: Math.max(1_000, reset - this.now() + 1_000, retryAfter ? Number(retryAfter) * 1000 : 0) };
    }
    if (retryAfter !== null) return { kind: 'secondary', waitMs: Math.max(1, Number(retryAfter) || 60) * 1000 };
    const body = await res.clone().text().catch(() => '');
    // GitHub's guidance without retry-after: wait at least a minute.
    if (SECONDARY_MESSAGE.test(body)) return { kind: 'secondary', waitMs: 60_000 };
    return undefined;
  }
}

/**
 * Route every request of this installation octokit through the pacer: the fetch of each request's
 * options is replaced (under octokit's retry and throttling wraps, which reuse the options), so every
 * attempt on the wire is paced. Returns what this octokit's requests waited for.
 */
export function paceOctokit(octokit: { hook: { before(name: 'request', f: (options: any) => void): void } }, pacer: GitHubPacer, installationId: number): WaitStats {
  const stats: WaitStats = { writeLimitMs: 0, primaryLimitMs: 0 };
  octokit.hook.before('request', (options: { request?: Record<string, unknown> }) => {
    const inner = (options.request?.fetch as Fetch | undefined) ?? globalThis.fetch;
    options.request = { ...options.request, fetch: pacer.fetchFor(installationId, stats, inner) };
  });
  return stats;
}

export { isRateLimited, rateLimitedUntil } from '../core/errors.ts';

/** GitHub limits from the environment (DRIFTGUARD_GITHUB_WRITES_PER_MINUTE etc.); undefined when pacing is off. */
export function githubLimitsFromEnv(env: NodeJS.ProcessEnv): GitHubLimits | undefined {
  if (env.DRIFTGUARD_GITHUB_PACER === 'off') return undefined;
  const num = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new DriftguardError('CONFIG_INVALID', `${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    writesPerWindow: num('DRIFTGUARD_GITHUB_WRITES_PER_WINDOW', DEFAULT_GITHUB_LIMITS.writesPerWindow, 1),
    windowMs: num('DRIFTGUARD_GITHUB_WRITE_WINDOW_MS', DEFAULT_GITHUB_LIMITS.windowMs, 100),
    reserve: num('DRIFTGUARD_GITHUB_RESERVE', DEFAULT_GITHUB_LIMITS.reserve, 0),
    maxWaitMs: num('DRIFTGUARD_GITHUB_MAX_WAIT_MS', DEFAULT_GITHUB_LIMITS.maxWaitMs, 0),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
