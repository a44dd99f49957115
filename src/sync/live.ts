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
  // Round 1: the kinds the app renders, and ConfigMaps (where its inventory lives).
  try {
    await cache.ensure([...gvks, INVENTORY_GVK], watchNs);
  } catch (e) {
    if (kubeStatus(e) !== 403) throw e;
    const scope = watchNs ? `in namespace(s) ${watchNs.join(', ')}` : 'cluster-wide';
    throw new DriftguardError('KUBE_API', `not allowed to list/watch the app's objects ${scope}: ${kubeMessage(e)}` +
      (watchNs ? '' : ' — with namespaced RBAC (a Role per namespace), use --namespaced / allowedNamespaces'), { cause: e, details: (e as DriftguardError).details });
  }
  const inventory = readInventory(cache.get(INVENTORY_GVK, opts.namespace, inventoryName(app)));
  // Round 2: kinds the app had before (its inventory); with no inventory yet, the common built-in kinds.
  await cache.ensure(inventory ? inventory.kinds : [...PRUNE_SCAN_KINDS], watchNs, { optional: true });

  const byKey = new Map<string, KubeObject>();
  for (const o of cache.objects()) if (!isInventory(o)) byKey.set(keyString(keyOf(o)), o);
  const readErrors = new Map<string, string>();

  // Namespaces the desired objects go to: owned (cached) ones exist; others cost one GET each.
  const namespaces = new Map<string, NamespaceState>();
  const nsObjects = new Map<string, KubeObject>();
  const wanted = [...new Set(objects.map((p) => p.object.metadata.namespace).filter((n): n is string => !!n))];
  await mapLimit(wanted, opts.concurrency, async (ns) => {
    if (cache.get(NAMESPACE_GVK, '', ns)) return void namespaces.set(ns, 'exists');
    if (watchNs) return void namespaces.set(ns, 'unknown'); // namespaced RBAC cannot read Namespaces
    try {
      const o = await cluster.resources.get(NAMESPACE_GVK, '', ns);
      namespaces.set(ns, o ? 'exists' : 'missing');
      if (o) nsObjects.set(ns, { ...o, apiVersion: 'v1', kind: 'Namespace' });
    } catch (e) {
      namespaces.set(ns, kubeStatus(e) === 403 ? 'unknown' : { error: kubeMessage(e) });
    }
  });

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
    groups.set(g, [...(groups.get(g) ?? []), p]);
  }
  const singles: PreparedObject[] = [];
  await Promise.all([...groups.values()].map(async (group) => {
    if (group.length <= LIST_INSTEAD_OF_GETS) return void singles.push(...group);
    const first = group[0];
    try {
      const { items } = await cluster.resources.list(first.gvk, { namespace: first.object.metadata.namespace });
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
      const o = await cluster.resources.get(p.gvk, p.object.metadata.namespace ?? '', p.object.metadata.name!);
      if (o) byKey.set(keyString(keyOf(o)), { ...o, apiVersion: p.object.apiVersion, kind: p.object.kind });
    } catch (e) {
      readErrors.set(keyString(keyOf(p.object)), (e as Error).message);
    }
  });
  return { cache, live: [...byKey.values()], readErrors, namespaces, inventory };
}
