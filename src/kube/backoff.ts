// Retry timing for API calls: exponential backoff with "equal jitter" (half fixed, half random, so many
// workers do not retry in lockstep yet every retry waits a little), bounded; a server's Retry-After wins.
export interface BackoffPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { retries: 5, baseMs: 100, maxMs: 5_000 };

/** Delay before retry number `attempt` (0-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Retry-After header (seconds or HTTP date) in ms, capped at `maxMs`; undefined when absent or invalid. */
export function retryAfterMs(header: string | null | undefined, maxMs: number, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(maxMs, secs * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.min(maxMs, Math.max(0, at - now)) : undefined;
}

/** Status codes worth retrying: throttling and server-side failures, never client errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
