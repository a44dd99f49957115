// The app's inventory: which kinds (group/version/kind) and namespaces it has objects in, kept in one
// ConfigMap per app in its destination namespace. Without it the prune scan could only look at a fixed
// list of built-in kinds, and a custom-resource kind removed from git would never be pruned. Same idea as
// Flux's inventory (Kustomization .status.inventory) and kubectl's ApplySet parent object
// (`applyset.kubernetes.io/contains-group-kinds`), kept in the cluster so every worker (and the CLI) sees it.
// It records kinds and namespaces, not objects: the objects themselves are found by the ownership label.
// It carries the app label (so the app's ConfigMap watch keeps it fresh at no cost) but no tracking id, so
// it is never diffed or pruned as one of the app's resources.
import type { KubeObject } from '../core/model/object.ts';
import { APP_LABEL, PREFIX } from '../core/ownership.ts';
import { apiVersionOf, gvkOf, type GVK } from '../kube/discovery.ts';

export const INVENTORY_LABEL = `${PREFIX}inventory`;
export const INVENTORY_GVK: GVK = { group: '', version: 'v1', kind: 'ConfigMap' };

export interface Inventory {
  /** Kinds the app has (or had, until pruned) objects of, as applied. */
  kinds: GVK[];
  /** Namespaces of its namespaced objects. */
  namespaces: string[];
}

export function inventoryName(app: string): string {
  return `driftguard-inventory-${app}`;
}

export function isInventory(obj: KubeObject): boolean {
  return obj.kind === 'ConfigMap' && obj.metadata?.labels?.[INVENTORY_LABEL] === 'true';
}

const kindLine = (g: GVK) => `${apiVersionOf(g)} ${g.kind}`;

/** The inventory stored in a live ConfigMap; undefined when absent or not ours. */
export function readInventory(obj: KubeObject | undefined): Inventory | undefined {
  if (!obj || !isInventory(obj)) return undefined;
  const data = (obj.data ?? {}) as Record<string, string>;
  const lines = (s: string | undefined) => (s ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const kinds = lines(data.kinds).flatMap((l) => {
    const [apiVersion, kind] = l.split(/\s+/);
    return apiVersion && kind ? [gvkOf(apiVersion, kind)] : [];
  });
  return { kinds, namespaces: lines(data.namespaces) };
}

/** Inventory of a set of objects (deduplicated, sorted so equal sets serialize equally). */
export function inventoryOf(objects: KubeObject[]): Inventory {
  const kinds = new Map<string, GVK>();
  const namespaces = new Set<string>();
  for (const o of objects) {
    const g = gvkOf(o.apiVersion, o.kind);
    kinds.set(kindLine(g), g);
    if (o.metadata?.namespace) namespaces.add(o.metadata.namespace);
  }
  return { kinds: [...kinds.keys()].sort().map((k) => kinds.get(k)!), namespaces: [...namespaces].sort() };
}

export function sameInventory(a: Inventory | undefined, b: Inventory): boolean {
  return !!a && a.kinds.map(kindLine).join('\n') === b.kinds.map(kindLine).join('\n') && a.namespaces.join('\n') === b.namespaces.join('\n');
}

/** The ConfigMap to server-side apply. */
export function inventoryObject(app: string, namespace: string, inv: Inventory): KubeObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: inventoryName(app), namespace, labels: { [APP_LABEL]: app, [INVENTORY_LABEL]: 'true' } },
    data: { kinds: inv.kinds.map(kindLine).join('\n'), namespaces: inv.namespaces.join('\n') },
  };
}
