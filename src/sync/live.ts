// The live state for a diff/sync: everything the app owns (from the warm watch cache, for the kinds it
// renders plus the kinds in its inventory) plus the live counterparts of desired objects the cache does
// not hold (not yet ours). For an in-sync app every desired object is in the cache, so this costs no
// requests. For objects not yet ours, reads are kept few: nothing is read in a namespace that does not
// exist yet (nothing can be there), many objects of one kind in one namespace cost one LIST instead of a
// GET each, and only the rest cost a GET each.
import { DriftguardError } from '../core/errors.ts';
import { keyOf, keyString, type KubeObject } from '../core/model/object.ts';
import type { Cluster } from '../kube/cluster.ts';
import type { GVK } from '../kube/discovery.ts';
import { kubeMessage, kubeStatus } from '../kube/errors.ts';
import type { OwnedCache } from '../kube/watch-cache.ts';
import { INVENTORY_GVK, inventoryName, isInventory, readInventory, type Inventory } from './inventory.ts';
import { mapLimit } from './pool.ts';
import { PRUNE_SCAN_KINDS, type PreparedObject } from './prepare.ts';

/** Above this many unowned desired objects of one kind in one namespace, one LIST replaces their GETs. */
const LIST_INSTEAD_OF_GETS = 8;

const NAMESPACE_GVK: GVK = { group: '', version: 'v1', kind: 'Namespace' };

/** 'exists', 'missing', 'unknown' (not allowed to read namespaces: namespaced RBAC) or an error message. */
export type NamespaceState = 'exists' | 'missing' | 'unknown' | { error: string };

export interface LiveOptions {
  /** Destination namespace (home of the inventory). */
  namespace: string;
  /** Namespace-restricted access: list/watch only in these namespaces, never cluster-wide. */
  allowedNamespaces?: string[];
  concurrency: number;
  /** The sync's deadline: every read stops when it aborts, and loadLive throws a TIMEOUT naming what it could not read. */
  signal?: AbortSignal;
}

export interface LiveState {
  cache: OwnedCache;
  /** All live objects relevant to the app, deduplicated (the inventory ConfigMap excluded). */
  live: KubeObject[];
  /** key -> error message for desired objects whose live state could not be read. */
  readErrors: Map<string, string>;
  /** State of every namespace a desired namespaced object goes to. */
  namespaces: Map<string, NamespaceState>;
  /** The inventory as stored before this sync (undefined: none yet). */
  inventory?: Inventory;
}

export async function loadLive(cluster: Cluster, app: string, objects: PreparedObject[], gvks: GVK[], opts: LiveOptions): Promise<LiveState> {
  const cache = cluster.cacheFor(app);
  const watchNs = opts.allowedNamespaces;
  // Reads are issued in as few round trips as their dependencies allow (each round trip is a full API
  // latency that nothing else fills): round 1 (the app's kinds) runs together with the GETs of target
  // Namespaces and the discovery of the fallback prune-scan kinds; round 2 (the prune scan) together with
  // the reads of desired objects the app does not own yet, which only need round 1.
  const wanted = [...new Set(objects.map((p) => p.object.metadata.namespace).filter((n): n is string => !!n))];
  // A Namespace the cluster's namespace watch (or the app's owned cache) holds is known to exist: no GET.
  // Others are read now, while round 1 runs; if round 1 then finds one owned, the GET's answer is simply not
  // needed. The namespace watch starts with the first app (one per cluster); until it has synced, GETs.
  const nsReads = new Map<string, Promise<NamespaceState | KubeObject>>();
  const readNamespace = (ns: string) => cluster.resources.get(NAMESPACE_GVK, '', ns, { signal: opts.signal }).then(
    (o): NamespaceState | KubeObject => (o ? { ...o, apiVersion: 'v1', kind: 'Namespace' } : 'missing'),
    (e): NamespaceState => (kubeStatus(e) === 403 ? 'unknown' : { error: kubeMessage(e) }),
  );
  if (!watchNs) {
    cluster.cache.watchNamespaces();
    for (const ns of wanted) {
      if (cache.get(NAMESPACE_GVK, '', ns) || cluster.cache.cachedNamespace(ns)) continue;
      nsReads.set(ns, readNamespace(ns));
    }
  }
  // Round 2's kinds when the app has no inventory yet: resolve them in discovery meanwhile (cached per cluster).
  for (const g of PRUNE_SCAN_KINDS) void cluster.discovery.resolve(g).catch(() => undefined);
  // Round 1: the kinds the app renders, and ConfigMaps (where its inventory lives).
  try {
    await cache.ensure([...gvks, INVENTORY_GVK], watchNs, { signal: opts.signal });
  } catch (e) {
    await Promise.all(nsReads.values());
    if (kubeStatus(e) !== 403) throw e;
    const scope = watchNs ? `in namespace(s) ${watchNs.join(', ')}` : 'cluster-wide';
    throw new DriftguardError('KUBE_API', `not allowed to list/watch the app's objects ${scope}: ${kubeMessage(e)}` +
      (watchNs ? '' : ' — with namespaced RBAC (a Role per namespace), use --namespaced / allowedNamespaces'), { cause: e, details: (e as DriftguardError).details });
  }
  const inventory = readInventory(cache.get(INVENTORY_GVK, opts.namespace, inventoryName(app)));
  // Round 2: kinds the app had before (its inventory); with no inventory yet, the common built-in kinds.
  const round2 = cache.ensure(inventory ? inventory.kinds : [...PRUNE_SCAN_KINDS], watchNs, { optional: true, signal: opts.signal });
  round2.catch(() => undefined);

  const byKey = new Map<string, KubeObject>();
  for (const o of cache.objects()) if (!isInventory(o)) byKey.set(keyString(keyOf(o)), o);
  const readErrors = new Map<string, string>();

  // Namespaces the desired objects go to: owned (cached) ones exist; others cost one GET each (started above).
  const namespaces = new Map<string, NamespaceState>();
  const nsObjects = new Map<string, KubeObject>();
  for (const ns of wanted) {
    if (cache.get(NAMESPACE_GVK, '', ns)) { namespaces.set(ns, 'exists'); continue; }
    if (watchNs) { namespaces.set(ns, 'unknown'); continue; } // namespaced RBAC cannot read Namespaces
    const read = nsReads.get(ns);
    // Not read: the namespace watch held it a moment ago (if it has gone from the watch since, ask the API).
    const st = (read ? undefined : cluster.cache.cachedNamespace(ns)) ?? (await (read ?? readNamespace(ns)));
    if (typeof st === 'object' && 'metadata' in st) { namespaces.set(ns, 'exists'); nsObjects.set(ns, st); }
    else namespaces.set(ns, st as NamespaceState);
  }

  const missing = objects.filter((p) => {
    if (p.pendingCrd) return false; // its kind does not exist yet, nor can the object
    const k = keyString(keyOf(p.object));
    if (byKey.has(k)) return false;
    const ns = p.object.metadata.namespace;
    if (ns && namespaces.get(ns) === 'missing') return false; // an absent namespace holds nothing
    if (p.object.kind === 'Namespace' && p.gvk.group === '' && namespaces.has(p.object.metadata.name!)) {
      const o = nsObjects.get(p.object.metadata.name!);
      if (o) byKey.set(k, o);
      return namespaces.get(p.object.metadata.name!) === 'unknown';
    }
    return true;
  });

  const groups = new Map<string, PreparedObject[]>();
  for (const p of missing) {
    const g = `${p.object.apiVersion}/${p.object.kind}@${p.object.metadata.namespace ?? ''}`;
    const list = groups.get(g);
    if (list) list.push(p);
    else groups.set(g, [p]);
  }
  const singles: PreparedObject[] = [];
  await Promise.all([...groups.values()].map(async (group) => {
    if (group.length <= LIST_INSTEAD_OF_GETS) return void singles.push(...group);
    const first = group[0];
    try {
      const { items } = await cluster.resources.list(first.gvk, { namespace: first.object.metadata.namespace, signal: opts.signal });
      const found = new Map(items.map((o) => [o.metadata.name, o]));
      for (const p of group) {
        const o = found.get(p.object.metadata.name);
        if (o) byKey.set(keyString(keyOf(p.object)), { ...o, apiVersion: p.object.apiVersion, kind: p.object.kind, metadata: { ...o.metadata, namespace: p.object.metadata.namespace } });
      }
    } catch {
      singles.push(...group); // e.g. allowed to get but not to list: read one by one
    }
  }));
  await mapLimit(singles, opts.concurrency, async (p) => {
    try {
      const o = await cluster.resources.get(p.gvk, p.object.metadata.namespace ?? '', p.object.metadata.name!, { signal: opts.signal });
      if (o) byKey.set(keyString(keyOf(o)), { ...o, apiVersion: p.object.apiVersion, kind: p.object.kind });
    } catch (e) {
      readErrors.set(keyString(keyOf(p.object)), (e as Error).message);
    }
  });
  // Reads cut short by the deadline are not errors of their objects: the sync ran out of time.
  if (opts.signal?.aborted) {
    throw new DriftguardError('TIMEOUT', `could not read the live state of ${readErrors.size} object(s) in time (${[...readErrors.keys()].slice(0, 3).join(', ')}${readErrors.size > 3 ? ', ...' : ''})`);
  }
  // The prune scan's owned objects join the live state (round 1's are already in).
  await round2;
  for (const o of cache.objects()) {
    if (isInventory(o)) continue;
    const k = keyString(keyOf(o));
    if (!byKey.has(k)) byKey.set(k, o);
  }
  return { cache, live: [...byKey.values()], readErrors, namespaces, inventory };
}
