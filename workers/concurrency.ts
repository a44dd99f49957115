// How much work one worker process runs at once. A PR plan renders (kustomize/helm child processes: CPU)
// and diffs (API round trips: waiting) its apps side by side; each app in flight holds its rendered
// objects, so the bound follows the cores and the machine's memory. Requests to each cluster are bounded
// separately (clusters[].maxConcurrentRequests), so more syncs at once never flood an API server.
import { availableParallelism, totalmem } from 'node:os';
import { DriftguardError } from '../src/core/errors.ts';

/** Machine memory set aside per app in flight (its render processes and objects). */
const MEMORY_PER_APP = 128 * 1024 * 1024;
const MAX_PLAN_CONCURRENCY = 16;

/** Apps one plan works on at once: twice the cores (renders wait on API round trips too), within memory. */
export function defaultPlanConcurrency(cores = availableParallelism(), memory = totalmem()): number {
  return Math.max(1, Math.min(2 * cores, Math.floor(memory / MEMORY_PER_APP), MAX_PLAN_CONCURRENCY));
}

/** Sync jobs one worker runs at once: they mostly wait (API, health), and each cluster's requests are bounded. */
export const DEFAULT_SYNC_CONCURRENCY = 16;

/** A positive integer from the environment, or the default; anything else is a configuration error. */
export function concurrencyFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new DriftguardError('CONFIG_INVALID', `${name} must be a positive integer, got "${raw}"`);
  return n;
}
