// Deploy history per app: one entry per sync job (push, command, self-heal, rollback) with its outcome,
// newest first, bounded (default 200 per app; the oldest fall off). Recording is idempotent per sync
// job identity (`id`): a job that runs twice — retried, stalled and taken over — records once, the
// first record kept. Everything happens in one Lua script, so two workers racing record one entry.
// An index of (repo, app) pairs lets the CLI find an app by name alone.
import type { Redis } from 'ioredis';
import type { SyncTrigger } from '../queue/jobs.ts';
import { KEY_PREFIX } from './redis.ts';

export const DEFAULT_HISTORY_LIMIT = 200;

/** How a sync ended, as the history shows it. */
export type DeployResult = 'synced' | 'failed' | 'refused' | 'skipped' | 'cancelled' | 'paused';

export interface DeployCounts {
  created: number;
  updated: number;
  pruned: number;
  failed: number;
}

export interface DeployEntry {
  /** The sync job's identity (`historyId`): one entry per job however often it runs. */
  id: string;
  sha: string;
  /** ISO 8601 time the sync ended. */
  at: string;
  trigger: SyncTrigger;
  /** GitHub login of who asked (commands, rollbacks); absent for pushes and self-heals. */
  by?: string;
  result: DeployResult;
  /** `refs/heads/main` */
  ref?: string;
  /** Resources changed (absent when nothing was applied). */
  counts?: DeployCounts;
  /** Aggregate health after the sync. */
  health?: string;
  /** One line: the check run's title. */
  message?: string;
  checkRunId?: number;
  deploymentId?: number;
}

// KEYS: list, ids (hash id → 1), index (set). ARGV: id, entry JSON, max, index member.
const RECORD = `
if redis.call('hsetnx', KEYS[2], ARGV[1], '1') == 0 then return 0 end
redis.call('lpush', KEYS[1], ARGV[2])
redis.call('sadd', KEYS[3], ARGV[4])
local max = tonumber(ARGV[3])
while redis.call('llen', KEYS[1]) > max do
  local old = redis.call('rpop', KEYS[1])
  local ok, e = pcall(cjson.decode, old)
  if ok and type(e) == 'table' and e.id then redis.call('hdel', KEYS[2], e.id) end
end
return 1`;

/** The history identity of a sync job: its app, sequence and commit (unique per job, the same on every run of it). */
export const historyId = (job: { app: string; seq: number; sha: string }) => `${job.app}:${job.seq}:${job.sha}`;

export class DeployHistory {
  constructor(private readonly redis: Redis, private readonly max = DEFAULT_HISTORY_LIMIT) {}

  private keys(repo: string, app: string): [string, string, string] {
    const base = `${KEY_PREFIX}history:${repo.toLowerCase()}:${app}`;
    return [base, `${base}:ids`, `${KEY_PREFIX}history-index`];
  }

  /** Record a sync's entry; false when this job (entry.id) was recorded before (nothing changes). */
  async record(repo: string, app: string, entry: DeployEntry): Promise<boolean> {
    const keys = this.keys(repo, app);
    const r = await this.redis.eval(RECORD, 3, ...keys, entry.id, JSON.stringify(entry), String(this.max), `${repo} ${app}`);
    return r === 1;
  }

  /** The newest `limit` entries of `app`, newest first (all kept ones by default). */
  async list(repo: string, app: string, limit = this.max): Promise<DeployEntry[]> {
    if (limit <= 0) return [];
    const texts = await this.redis.lrange(this.keys(repo, app)[0], 0, limit - 1);
    return texts.flatMap((t) => {
      try {
        return [JSON.parse(t) as DeployEntry];
      } catch {
        return [];
      }
    });
  }

  /** Every (repo, app) with a history, repo as first recorded. */
  async apps(): Promise<Array<{ repo: string; app: string }>> {
    const members = await this.redis.smembers(this.keys('', '')[2]);
    const seen = new Map<string, { repo: string; app: string }>();
    for (const m of members) {
      const [repo, app] = m.split(' ');
      if (repo && app && !seen.has(`${repo.toLowerCase()} ${app}`)) seen.set(`${repo.toLowerCase()} ${app}`, { repo, app });
    }
    return [...seen.values()].sort((a, b) => a.repo.localeCompare(b.repo) || a.app.localeCompare(b.app));
  }
}

/**
 * `previous` of `/driftguard rollback <app> previous`: the newest successfully synced SHA other than the
 * current one (the newest successful sync's), from a history newest first. Undefined when the history
 * holds no earlier successful revision.
 */
export function previousSyncedSha(entries: readonly DeployEntry[]): string | undefined {
  const synced = entries.filter((e) => e.result === 'synced');
  const current = synced[0]?.sha;
  return synced.find((e) => e.sha !== current)?.sha;
}
