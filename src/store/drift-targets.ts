// What each scanned app is compared with: the revision last synced (automated apps) or last pushed to
// its target branch (driftDetection-only apps), the app's config as of that revision, and the head of the
// target branch (where the drift check run goes). Written by the push fan-out and the sync worker, read
// by every scan: a scan needs no GitHub request to know its target.
import type { Redis } from 'ioredis';
import type { AppConfig, RepoDriftConfig } from '../core/config/types.ts';
import { KEY_PREFIX } from './redis.ts';

export interface DriftTarget {
  /** `owner/name` as GitHub spells it. */
  repo: string;
  installationId: number;
  app: AppConfig;
  /** The revision the live cluster should match. */
  sha: string;
  /** `refs/heads/<target branch>` */
  ref: string;
  /** Head of the target branch when last recorded: the drift check run's commit. */
  headSha: string;
  /** Push sequence that recorded `sha` (a later push of the app supersedes it; see LatestShaRegister). */
  seq?: number;
  /** The repo config's `drift:` (issue labels and assignees). */
  drift?: RepoDriftConfig;
  updatedAt: number;
}

export class DriftTargets {
  constructor(private readonly redis: Redis) {}

  private key(repo: string, app: string): string {
    return `${KEY_PREFIX}drift:target:${repo.toLowerCase()}:${app}`;
  }

  private index(repo: string): string {
    return `${KEY_PREFIX}drift:apps:${repo.toLowerCase()}`;
  }

  async get(repo: string, app: string): Promise<DriftTarget | undefined> {
    const v = await this.redis.get(this.key(repo, app));
    return v ? (JSON.parse(v) as DriftTarget) : undefined;
  }

  async set(t: DriftTarget): Promise<void> {
    await this.redis.multi().set(this.key(t.repo, t.app.name), JSON.stringify(t)).sadd(this.index(t.repo), t.app.name).exec();
  }

  /** Apps of the repository that have a target. */
  async apps(repo: string): Promise<string[]> {
    return this.redis.smembers(this.index(repo));
  }

  async remove(repo: string, app: string): Promise<void> {
    await this.redis.multi().del(this.key(repo, app)).srem(this.index(repo), app).exec();
  }
}
