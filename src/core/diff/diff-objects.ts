// All resources of an app: match desired and live by group/kind/namespace/name, diff each, and
// list owned live objects missing from desired as deletions.
import { keyString, parseApiVersion, type KubeObject, type ResourceKey, type SourcedObject } from '../model/object.ts';
import { isOwnedBy, ownerApp } from '../ownership.ts';
import { diffResource, isNamespacedKind } from './diff-resource.ts';
import type { DiffOptions, DiffResult, DiffSummary, ResourceDiff } from './types.ts';

function resourceKey(obj: KubeObject, opts: DiffOptions): ResourceKey {
  const group = parseApiVersion(obj.apiVersion ?? '').group;
  const namespaced = isNamespacedKind(group, obj.kind, opts);
  return {
    group,
    kind: obj.kind,
    namespace: namespaced ? obj.metadata?.namespace || opts.defaultNamespace || 'default' : '',
    name: obj.metadata?.name ?? '',
  };
}

export function diffObjects(desired: SourcedObject[], live: KubeObject[], opts: DiffOptions = {}): DiffResult {
  const liveByKey = new Map<string, KubeObject>();
  for (const l of live) liveByKey.set(keyString(resourceKey(l, opts)), l);
  const resources: ResourceDiff[] = [];
  const matched = new Set<string>();
  for (const d of desired) {
    const named = !!d.object.metadata?.name;
    const ks = keyString(resourceKey(d.object, opts));
    const l = named ? liveByKey.get(ks) : undefined; // generateName objects are always created
    if (l) matched.add(ks);
    resources.push(diffResource(d, l, opts));
  }
  const deletes: Array<[string, KubeObject]> = [];
  for (const [ks, l] of liveByKey) {
    if (matched.has(ks)) continue;
    const owned = opts.appName !== undefined ? isOwnedBy(l, opts.appName) : ownerApp(l) !== undefined;
    if (owned) deletes.push([ks, l]);
  }
  deletes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, l] of deletes) resources.push(diffResource(undefined, l, opts));

  const summary: DiffSummary = { create: 0, update: 0, delete: 0, none: 0, total: resources.length };
  for (const r of resources) summary[r.action]++;
  return { resources, summary };
}
