// Auto-sync pauses: after `/driftguard rollback <app> <sha>` the cluster runs an older revision than the
// target branch's head on purpose, so nothing automatic (push syncs, self-heal) may put the head back
// until the revert PR merges, a push that changes the app lands, or someone says `/driftguard resume`.
// One record per repository and app; it has no TTL (a pause lasts until one of those happens).
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

export interface AutoSyncPause {
  /** The revision the app was rolled back to (and is live). */
  sha: string;
  /** ISO 8601 time the pause began. */
  since: string;
  /** GitHub login of who asked for the rollback. */
  by: string;
  /** The revert PR that brings Git back to `sha` for the app, once it is open. */
  revertPr?: number;
}

export class AutoSyncPauses {
  constructor(private readonly redis: Redis) {}

  private key(repo: string, app: string): string {
    return `${KEY_PREFIX}pause:${repo.toLowerCase()}:${app}`;
  }

  /** Pause automated sync of `app` (replacing an earlier pause of it). */
  async pause(repo: string, app: string, pause: AutoSyncPause): Promise<void> {
    await this.redis.set(this.key(repo, app), JSON.stringify(pick(pause)));
  }

  /** The pause of `app`, if automated sync of it is paused. */
  async get(repo: string, app: string): Promise<AutoSyncPause | undefined> {
    return parse(await this.redis.get(this.key(repo, app)));
  }

  /** Resume automated sync of `app`; returns the pause it ended (undefined when it was not paused). */
  async resume(repo: string, app: string): Promise<AutoSyncPause | undefined> {
    return parse((await this.redis.getdel(this.key(repo, app))) as string | null);
  }
}

function pick(p: AutoSyncPause): AutoSyncPause {
  return { sha: p.sha, since: p.since, by: p.by, ...(p.revertPr !== undefined ? { revertPr: p.revertPr } : {}) };
}

function parse(text: string | null): AutoSyncPause | undefined {
  if (!text) return undefined;
  const v = JSON.parse(text) as Partial<AutoSyncPause>;
  if (typeof v.sha !== 'string' || typeof v.since !== 'string' || typeof v.by !== 'string') return undefined;
  return pick({ sha: v.sha, since: v.since, by: v.by, ...(typeof v.revertPr === 'number' ? { revertPr: v.revertPr } : {}) });
}
