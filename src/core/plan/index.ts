// The sync plan, pure: which objects to create, update or prune, in which order. Modelled on the
// phases/waves/tasks of Argo CD's gitops-engine (pkg/sync), reduced to one "Sync" phase:
//   applies: by sync wave (driftguard.dev/sync-wave, default 0), then kind order, then namespace/name;
//   a CR never runs in an earlier wave than its CRD, and a namespaced object never runs in an earlier
//   wave than its Namespace (its wave is lifted), so dependencies exist before their dependants;
//   prunes: after all applies, in exactly the reverse order (workloads before their ConfigMaps,
//   Namespaces last).
// Prune only ever targets live objects that carry this app's ownership marks (label + a tracking id that
// names the object itself) and are no longer desired; `driftguard.dev/sync-options: Prune=false` keeps one.
import { DriftguardError } from '../errors.ts';
import { displayKey, keyOf, keyString, parseApiVersion, type KubeObject, type ResourceKey, type SourceLocation, type SourcedObject } from '../model/object.ts';
import type { ResourceDiff } from '../diff/types.ts';
import { APP_LABEL, hasSyncOption, isOwnedBy, syncWave } from '../ownership.ts';
import { kindOrder } from './kind-order.ts';
import { syncOptionsOf } from '../sync-options.ts';

export { KIND_ORDER, kindOrder } from './kind-order.ts';

export type PlanAction = 'create' | 'update' | 'prune' | 'none';

export interface PlanTask {
  key: ResourceKey;
  version: string;
  action: PlanAction;
  /** Effective wave (after lifting CRs to their CRD's wave and contents to their Namespace's wave). */
  wave: number;
  kindOrder: number;
  /** Desired object for create/update/none; the live object for prune. */
  object: KubeObject;
  live?: KubeObject;
  diff?: ResourceDiff;
  source?: SourceLocation;
  /** Why this object is noteworthy without being an error (e.g. taken over from another app). */
  warning?: string;
}

export interface PlanWave {
  wave: number;
  /** Tasks to write, sorted; consecutive tasks with the same kindOrder form one apply group. */
  tasks: PlanTask[];
}

export interface SyncPlan {
  app: string;
  /** Waves that contain at least one create/update, ascending. */
  waves: PlanWave[];
  /** Desired objects already in sync. */
  unchanged: PlanTask[];
  /** Prunes in execution order (reverse apply order). Empty when prune is off. */
  prunes: PlanTask[];
  /** Owned, no longer desired objects that are NOT pruned: prune off, Prune=false, or `keep`. */
  orphans: Array<PlanTask & { reason: string }>;
  counts: { create: number; update: number; prune: number; none: number; orphan: number; ownedLive: number };
}

export interface PlanInput {
  app: string;
  /** Desired objects, already ownership-marked and with namespaces defaulted. */
  desired: SourcedObject[];
  /** Live objects: the live counterparts of desired objects plus everything the app owns. */
  live: KubeObject[];
  /** Per-resource diffs (diffObjects) of desired vs live. */
  diffs: ResourceDiff[];
  prune: boolean;
  /** Confirm a prune of more than half of the app's live owned resources. */
  allowMassPrune?: boolean;
  /** Why an owned live object must never be pruned (e.g. outside the project's bounds); undefined = it may be. */
  keep?: (live: KubeObject) => string | undefined;
}

function diffKey(d: ResourceDiff): string {
  return keyString({ group: d.group, kind: d.kind, namespace: d.namespace, name: d.name });
}

function compareTasks(a: PlanTask, b: PlanTask): number {
  return (
    a.wave - b.wave ||
    a.kindOrder - b.kindOrder ||
    (a.key.kind < b.key.kind ? -1 : a.key.kind > b.key.kind ? 1 : 0) ||
    (a.key.group < b.key.group ? -1 : a.key.group > b.key.group ? 1 : 0) ||
    (a.key.namespace < b.key.namespace ? -1 : a.key.namespace > b.key.namespace ? 1 : 0) ||
    (a.key.name < b.key.name ? -1 : a.key.name > b.key.name ? 1 : 0)
  );
}

/** Waves of the dependencies an object needs first: its Namespace and the CRD of its kind. */
function dependencyWaves(desired: SourcedObject[]): { ns: Map<string, number>; crd: Map<string, number> } {
  const ns = new Map<string, number>();
  const crd = new Map<string, number>();
  for (const { object } of desired) {
    if (object.kind === 'Namespace' && parseApiVersion(object.apiVersion).group === '') {
      ns.set(object.metadata?.name ?? '', syncWave(object));
    } else if (object.kind === 'CustomResourceDefinition') {
      const spec = (object.spec ?? {}) as { group?: string; names?: { kind?: string } };
      if (spec.group && spec.names?.kind) crd.set(`${spec.group}/${spec.names.kind}`, syncWave(object));
    }
  }
  return { ns, crd };
}

export function planSync(input: PlanInput): SyncPlan {
  const { app } = input;
  const diffs = new Map(input.diffs.map((d) => [diffKey(d), d]));
  const liveByKey = new Map(input.live.map((o) => [keyString(keyOf(o)), o]));
  const deps = dependencyWaves(input.desired);
  const desiredKeys = new Set<string>();

  const applies: PlanTask[] = [];
  const unchanged: PlanTask[] = [];
  for (const { object, source } of input.desired) {
    const key = keyOf(object);
    const ks = keyString(key);
    desiredKeys.add(ks);
    const live = liveByKey.get(ks);
    const diff = diffs.get(ks);
    let action: PlanAction;
    // Only what the diff calls modified is written; without a diff entry, fall back to writing.
    if (diff && !diff.modified && live) action = 'none';
    else action = live ? 'update' : 'create';
    let wave = syncWave(object);
    if (key.namespace && deps.ns.has(key.namespace)) wave = Math.max(wave, deps.ns.get(key.namespace)!);
    const crdWave = deps.crd.get(`${key.group}/${key.kind}`);
    if (crdWave !== undefined) wave = Math.max(wave, crdWave);
    const task: PlanTask = {
      key, version: parseApiVersion(object.apiVersion).version, action, wave, kindOrder: kindOrder(key.kind),
      object, live, diff, source,
    };
    const otherApp = live?.metadata?.labels?.[APP_LABEL];
    if (otherApp !== undefined && otherApp !== app) task.warning = `${displayKey(key)} is labelled for app "${otherApp}"; this sync takes it over`;
    (action === 'none' ? unchanged : applies).push(task);
  }
  applies.sort(compareTasks);
  unchanged.sort(compareTasks);

  const owned = input.live.filter((o) => isOwnedBy(o, app));
  const candidates: PlanTask[] = owned
    .filter((o) => !desiredKeys.has(keyString(keyOf(o))))
    .map((o) => ({
      key: keyOf(o), version: parseApiVersion(o.apiVersion).version, action: 'prune' as const,
      wave: syncWave(o), kindOrder: kindOrder(o.kind), object: o, live: o,
    }))
    .sort(compareTasks)
    .reverse();
  const prunes: PlanTask[] = [];
  const orphans: Array<PlanTask & { reason: string }> = [];
  for (const t of candidates) {
    const kept = input.keep?.(t.object);
    if (kept !== undefined) orphans.push({ ...t, reason: kept });
    else if (!syncOptionsOf(t.object).delete) orphans.push({ ...t, reason: 'kept by sync option Delete=false' });
    else if (hasSyncOption(t.object, 'Prune=false')) orphans.push({ ...t, reason: 'kept by sync option Prune=false' });
    else if (!input.prune) orphans.push({ ...t, reason: 'not desired any more; prune is off' });
    else prunes.push(t);
  }
  // PruneLast=true: after every other prune (each part keeps its reverse apply order).
  const last = prunes.filter((t) => syncOptionsOf(t.object).pruneLast);
  if (last.length) {
    const first = prunes.filter((t) => !syncOptionsOf(t.object).pruneLast);
    prunes.splice(0, prunes.length, ...first, ...last);
  }
  if (prunes.length > 0 && prunes.length * 2 > owned.length && !input.allowMassPrune) {
    throw new DriftguardError(
      'SYNC_REFUSED',
      `refusing to prune ${prunes.length} of the ${owned.length} live resources app "${app}" owns (more than half); ` +
        'check the rendered manifests, then confirm with --allow-mass-prune',
      { details: { app, prune: prunes.length, owned: owned.length, resources: prunes.slice(0, 20).map((t) => displayKey(t.key)) } },
    );
  }

  const waves: PlanWave[] = [];
  for (const t of applies) {
    const last = waves[waves.length - 1];
    if (last && last.wave === t.wave) last.tasks.push(t);
    else waves.push({ wave: t.wave, tasks: [t] });
  }
  return {
    app, waves, unchanged, prunes, orphans,
    counts: {
      create: applies.filter((t) => t.action === 'create').length,
      update: applies.filter((t) => t.action === 'update').length,
      prune: prunes.length, none: unchanged.length, orphan: orphans.length, ownedLive: owned.length,
    },
  };
}

/** Split a wave's tasks into consecutive groups of the same kind order (applied one group after another). */
export function applyGroups(tasks: PlanTask[]): PlanTask[][] {
  const groups: PlanTask[][] = [];
  for (const t of tasks) {
    const last = groups[groups.length - 1];
    if (last && last[0].kindOrder === t.kindOrder && last[0].key.kind === t.key.kind) last.push(t);
    else groups.push([t]);
  }
  return groups;
}
