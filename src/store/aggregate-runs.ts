// The state of one aggregated check run (one run for every app a push syncs): which apps it waits for,
// and what each app's job reported. Jobs may run twice or die: an app's entry is overwritten by its
// latest report, and whoever records the last missing entry sees them all (each write is followed by
// a full read), so the run is completed at least once, by the last app to finish.
import type { Redis } from 'ioredis';
import type { AggregateEntry } from '../core/report/aggregate.ts';
import { KEY_PREFIX } from './redis.ts';

/** Kept a week: long enough for any retry of the push's jobs. */
const TTL_SECONDS = 7 * 24 * 3600;

export interface AggregateState {
  runId: number;
  apps: string[];
  entries: AggregateEntry[];
  /** Every app has reported. */
  done: boolean;
}

export class AggregateRuns {
  constructor(private readonly redis: Redis) {}

  private key(id: string): string {
    return `${KEY_PREFIX}aggregate:${id}`;
  }

  /** Registers the run and the apps it waits for; a second call (a retried push) keeps the first. */
  async begin(id: string, runId: number, apps: string[]): Promise<void> {
    await this.redis.set(`${this.key(id)}:meta`, JSON.stringify({ runId, apps }), 'EX', TTL_SECONDS, 'NX');
  }

  /** Records one app's report and returns the whole state (undefined when the run was never begun). */
  async record(id: string, entry: AggregateEntry): Promise<AggregateState | undefined> {
    const k = this.key(id);
    await this.redis.multi().hset(`${k}:entries`, entry.app, JSON.stringify(entry)).expire(`${k}:entries`, TTL_SECONDS).exec();
    return this.state(id);
  }

  async state(id: string): Promise<AggregateState | undefined> {
    const k = this.key(id);
    const [meta, raw] = await Promise.all([this.redis.get(`${k}:meta`), this.redis.hgetall(`${k}:entries`)]);
    if (!meta) return undefined;
    const { runId, apps } = JSON.parse(meta) as { runId: number; apps: string[] };
    const entries = Object.values(raw).map((v) => JSON.parse(v) as AggregateEntry);
    const have = new Set(entries.map((e) => e.app));
    return { runId, apps, entries, done: apps.every((a) => have.has(a)) };
  }
}
