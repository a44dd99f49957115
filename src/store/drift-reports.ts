// Per app, what the drift reports last said and where they are, so that a scan whose result has not
// changed sends nothing to GitHub (the digest matches), and a rerun finds the issue and check run its
// earlier run made. Also the app's self-heal record: when heals of the same fields happened, and whether
// healing was stopped because something keeps changing them back.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

import type { HealRecord } from '../core/drift/self-heal.ts';

export type { HealRecord };

export interface DriftReportState {
  /** Open drift issue, if any. */
  issue?: number;
  /** Digest of the issue body last written. */
  issueDigest?: string;
  /** Drifted resources the issue last listed (a change of this set is worth a comment). */
  resources?: string[];
  /** The drift check run last written: its commit, id and output digest. */
  run?: { sha: string; id: number; digest: string };
  /** When the current drift was first seen (RFC 3339). */
  since?: string;
  /** Digest of the scan problem last reported (render failure, unreadable cluster). */
  problem?: string;
  /** Heals queued, newest last (bounded). */
  heals: HealRecord[];
  /** Healing stopped for these fields (they keep being changed back): by whom, since when. */
  healStopped?: { fields: string; managers: string[]; since: number };
}

const MAX_HEALS = 20;

export class DriftReports {
  constructor(private readonly redis: Redis) {}

  private key(repo: string, app: string): string {
    return `${KEY_PREFIX}drift:report:${repo.toLowerCase()}:${app}`;
  }

  async get(repo: string, app: string): Promise<DriftReportState> {
    const v = await this.redis.get(this.key(repo, app));
    return v ? (JSON.parse(v) as DriftReportState) : { heals: [] };
  }

  async set(repo: string, app: string, s: DriftReportState): Promise<void> {
    await this.redis.set(this.key(repo, app), JSON.stringify({ ...s, heals: s.heals.slice(-MAX_HEALS) }));
  }

  async remove(repo: string, app: string): Promise<void> {
    await this.redis.del(this.key(repo, app));
  }
}
