// The live state for a diff/sync: everything the app owns (from the warm watch cache) plus the live
// counterparts of desired objects the cache does not hold (not yet ours: one GET each). For an in-sync
// app every desired object is in the cache, so this costs no requests.
import { keyOf, keyString, type KubeObject } from '../core/model/object.ts';
import type { Cluster } from '../kube/cluster.ts';
import type { GVK } from '../kube/discovery.ts';
import type { OwnedCache } from '../kube/watch-cache.ts';
import { mapLimit } from './pool.ts';
import { PRUNE_SCAN_KINDS, type PreparedObject } from './prepare.ts';

export interface LiveState {
  cache: OwnedCache;
  /** All live objects relevant to the app, deduplicated. */
  live: KubeObject[];
  /** key -> error message for desired objects whose live state could not be read. */
  readErrors: Map<string, string>;
}

export async function loadLive(cluster: Cluster, app: string, objects: PreparedObject[], gvks: GVK[], concurrency: number): Promise<LiveState> {
  const cache = cluster.cacheFor(app);
  const known: GVK[] = [];
  for (const g of [...gvks, ...PRUNE_SCAN_KINDS]) if (cluster.discovery.peek(g) || (await cluster.discovery.resolve(g).catch(() => undefined))) known.push(g);
  await cache.ensure(known);
  const byKey = new Map<string, KubeObject>();
  for (const o of cache.objects()) byKey.set(keyString(keyOf(o)), o);
  const readErrors = new Map<string, string>();
  const missing = objects.filter((p) => !p.pendingCrd && !byKey.has(keyString(keyOf(p.object))));
  await mapLimit(missing, concurrency, async (p) => {
    try {
      const o = await cluster.resources.get(p.gvk, p.object.metadata.namespace ?? '', p.object.metadata.name!);
      if (o) byKey.set(keyString(keyOf(o)), { ...o, apiVersion: p.object.apiVersion, kind: p.object.kind });
    } catch (e) {
      readErrors.set(keyString(keyOf(p.object)), (e as Error).message);
    }
  });
  return { cache, live: [...byKey.values()], readErrors };
}
