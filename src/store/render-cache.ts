// An app's render at one commit, kept so drift scans never download or render the repository again:
// keyed by repository, app, commit SHA and a hash of the app's config (helm values, type, path), stored
// gzipped in Redis with a TTL, and the newest few hundred parsed in memory (a scan of an unchanged app
// reads neither Redis nor GitHub for it). Objects are returned frozen-by-convention: callers copy before
// changing them (the diff does: prepareDesired builds new objects).
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../core/config/types.ts';
import type { SourcedObject } from '../core/model/object.ts';
import { KEY_PREFIX } from './redis.ts';

export interface CachedRender {
  objects: SourcedObject[];
  /** False when the checkout or render may lack objects (prune-worthy deletes are then not drift). */
  complete: boolean;
  /** The revision does not render (deterministic: kept too, so a scan does not download it again to fail again). */
  error?: string;
}

/** What a render depends on besides the commit: the app's config. */
export function renderConfigHash(app: AppConfig): string {
  const { name, path, type, helm, kustomize, namespace } = app;
  return createHash('sha256').update(JSON.stringify({ name, path, type, helm, kustomize, namespace })).digest('hex').slice(0, 16);
}

export class RenderCache {
  private readonly memory = new Map<string, CachedRender>();

  constructor(private readonly redis: Redis, private readonly ttlMs = 14 * 24 * 3600 * 1000, private readonly memoryEntries = 2000) {}

  private key(repo: string, app: AppConfig, sha: string): string {
    return `${KEY_PREFIX}render:${repo.toLowerCase()}:${app.name}:${sha}:${renderConfigHash(app)}`;
  }

  async get(repo: string, app: AppConfig, sha: string): Promise<CachedRender | undefined> {
    const k = this.key(repo, app, sha);
    const hit = this.memory.get(k);
    if (hit) {
      this.memory.delete(k); // most recently used last
      this.memory.set(k, hit);
      return hit;
    }
    const buf = await this.redis.getBuffer(k);
    if (!buf) return undefined;
    const r = JSON.parse(gunzipSync(buf).toString('utf8')) as CachedRender;
    this.remember(k, r);
    return r;
  }

  async put(repo: string, app: AppConfig, sha: string, r: CachedRender): Promise<void> {
    const k = this.key(repo, app, sha);
    await this.redis.set(k, gzipSync(JSON.stringify(r)), 'PX', this.ttlMs);
    this.remember(k, r);
  }

  private remember(k: string, r: CachedRender): void {
    this.memory.delete(k);
    this.memory.set(k, r);
    while (this.memory.size > this.memoryEntries) this.memory.delete(this.memory.keys().next().value!);
  }
}
