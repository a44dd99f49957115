// Redis holds every queued job, lock and latest-SHA register. A Redis without the append-only file
// loses all of them on restart without a trace, and an evicting maxmemory-policy drops jobs and
// locks under memory pressure (BullMQ requires noeviction). Both processes check at start and say so
// loudly; they still start, since a managed Redis may be configured correctly but hide CONFIG.
import type { Redis } from 'ioredis';

export const REQUIRED_REDIS_SETTINGS = { appendonly: 'yes', 'maxmemory-policy': 'noeviction' } as const;

export interface DurabilityReport {
  /** False when CONFIG GET failed (disabled, renamed, ACL) or Redis was unreachable. */
  checked: boolean;
  settings: Record<string, string>;
  problems: string[];
  error?: string;
}

/** What is wrong with these settings (CONFIG GET results), in words an operator can act on. */
export function durabilityProblems(settings: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (settings.appendonly !== 'yes') {
    problems.push(`appendonly is ${settings.appendonly ?? 'unknown'}: a Redis restart loses every queued job, lock and latest-SHA register (set appendonly yes)`);
  }
  const policy = settings['maxmemory-policy'];
  if (policy !== 'noeviction') {
    problems.push(`maxmemory-policy is ${policy ?? 'unknown'}: under memory pressure Redis evicts queued jobs and locks (BullMQ requires maxmemory-policy noeviction)`);
  }
  return problems;
}

export async function checkRedisDurability(redis: Redis, timeoutMs = 5000): Promise<DurabilityReport> {
  const settings: Record<string, string> = {};
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = (async () => {
      for (const name of Object.keys(REQUIRED_REDIS_SETTINGS)) {
        const pair = (await redis.call('CONFIG', 'GET', name)) as string[];
        if (pair.length >= 2) settings[name] = String(pair[1]);
      }
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    await Promise.race([read, timeout]);
  } catch (e) {
    return { checked: false, settings, problems: [], error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
  // A setting CONFIG GET does not list (an unusual server) counts as unknown, which is a problem.
  return { checked: true, settings, problems: durabilityProblems(settings) };
}

interface WarnLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Check and log: a loud warning for each problem, or that the check could not be made. */
export async function warnIfRedisNotDurable(redis: Redis, log: WarnLog, processName: string): Promise<DurabilityReport> {
  const r = await checkRedisDurability(redis);
  if (!r.checked) {
    log.warn(
      { redisCheck: 'unchecked', error: r.error, required: REQUIRED_REDIS_SETTINGS },
      `REDIS DURABILITY NOT CHECKED: ${processName} could not read CONFIG GET appendonly / maxmemory-policy (${r.error}). ` +
        'Make sure Redis runs with appendonly yes and maxmemory-policy noeviction, or queued jobs can be lost silently.',
    );
  } else if (r.problems.length) {
    log.warn(
      { redisCheck: 'failed', settings: r.settings, required: REQUIRED_REDIS_SETTINGS, problems: r.problems },
      `REDIS IS NOT DURABLE: ${r.problems.join('; ')}. ${processName} keeps running, but jobs can be lost silently.`,
    );
  } else {
    log.info({ redisCheck: 'ok', settings: r.settings }, 'Redis persists (appendonly yes) and does not evict (noeviction)');
  }
  return r;
}
