// One record per preview (repository, PR, app): where it lives and how it is. The namespace is recorded
// BEFORE it is created, so a job killed right after creating it, a missed close webhook or a config that
// no longer mentions the app still leaves the sweeper and the `down` job a record to clean up from.
// A record is removed only once its namespace is really gone. Every preview is also in one index set,
// which the sweeper walks.
import type { Redis } from 'ioredis';
import { KEY_PREFIX } from './redis.ts';

export type PreviewState =
  /** Namespace, guard rails and the app are being applied (or an earlier attempt died doing it). */
  | 'deploying'
  /** Applied and healthy at headSha. */
  | 'ready'
  /** The last `up` failed (bad input, refused objects, unhealthy); the namespace may exist. */
  | 'failed'
  /** The namespace is being deleted. */
  | 'deleting';

export interface PreviewRecord {
  /** `owner/name` as GitHub spells it. */
  repo: string;
  installationId: number;
  pr: number;
  app: string;
  namespace: string;
  /** Operator cluster name. */
  cluster: string;
  headSha: string;
  /** Last push to the PR (or when the preview was first asked for), ms since the epoch: the TTL counts from here. */
  lastPushAt: number;
  /** The app's preview TTL when last deployed, ms. */
  ttlMs: number;
  state: PreviewState;
  /** GitHub Deployment of headSha to `environment`. */
  deploymentId?: number;
  environment: string;
  url?: string;
  /** One line: why it failed, or its health. */
  message?: string;
  updatedAt: number;
}

const INDEX = `${KEY_PREFIX}previews`;
const SEP = '\u0000';
const DROP_IF_GONE = `if redis.call('exists', KEYS[1]) == 0 then redis.call('srem', KEYS[2], ARGV[1]) end return 0`;

export class PreviewStore {
  constructor(private readonly redis: Redis) {}

  private key(repo: string, pr: number, app: string): string {
    return `${KEY_PREFIX}preview:${repo.toLowerCase()}#${pr}#${app}`;
  }

  private member(repo: string, pr: number, app: string): string {
    return [repo.toLowerCase(), String(pr), app].join(SEP);
  }

  async get(repo: string, pr: number, app: string): Promise<PreviewRecord | undefined> {
    const text = await this.redis.get(this.key(repo, pr, app));
    return text ? (JSON.parse(text) as PreviewRecord) : undefined;
  }

  /** Write the whole record (and index it). */
  async put(r: PreviewRecord): Promise<void> {
    await this.redis.multi().set(this.key(r.repo, r.pr, r.app), JSON.stringify(r)).sadd(INDEX, this.member(r.repo, r.pr, r.app)).exec();
  }

  /** Merge `patch` into the record; undefined (and nothing written) when there is none. */
  async update(repo: string, pr: number, app: string, patch: Partial<Omit<PreviewRecord, 'repo' | 'pr' | 'app'>>): Promise<PreviewRecord | undefined> {
    const cur = await this.get(repo, pr, app);
    if (!cur) return undefined;
    const next = { ...cur, ...patch };
    await this.put(next);
    return next;
  }

  /** Forget the preview: only once its namespace is gone. */
  async remove(repo: string, pr: number, app: string): Promise<void> {
    await this.redis.multi().del(this.key(repo, pr, app)).srem(INDEX, this.member(repo, pr, app)).exec();
  }

  /** The previews of one PR (every app). */
  async forPr(repo: string, pr: number): Promise<PreviewRecord[]> {
    return (await this.all()).filter((r) => r.repo.toLowerCase() === repo.toLowerCase() && r.pr === pr);
  }

  /** The previews of one repository. */
  async forRepo(repo: string): Promise<PreviewRecord[]> {
    return (await this.all()).filter((r) => r.repo.toLowerCase() === repo.toLowerCase());
  }

  /** Every recorded preview (the sweeper's walk). An index entry whose record vanished is dropped. */
  async all(): Promise<PreviewRecord[]> {
    const members = await this.redis.smembers(INDEX);
    const out: PreviewRecord[] = [];
    for (const m of members) {
      const [repo, pr, app] = m.split(SEP);
      const r = await this.get(repo, Number(pr), app);
      if (r) out.push(r);
      // Atomic: a preview recreated since the read keeps its index entry.
      else await this.redis.eval(DROP_IF_GONE, 2, this.key(repo, Number(pr), app), INDEX, m);
    }
    return out.sort((a, b) => a.repo.localeCompare(b.repo) || a.pr - b.pr || a.app.localeCompare(b.app));
  }
}
