// Sync hooks, pure: which objects are hooks, in which phase and wave they run and when they are deleted.
// Modelled on Argo CD's hook phases (gitops-engine pkg/sync/hook): a hook is not a desired resource —
// it is created when its phase runs, never diffed and never pruned.
//   driftguard.dev/hook: PreSync|Sync|PostSync|SyncFail (comma-separated for several phases)
//   helm.sh/hook: pre-install/pre-upgrade -> PreSync, post-install/post-upgrade -> PostSync; other Helm
//     events (test, pre-delete, post-delete, pre-rollback, post-rollback) are never run by a sync.
//   helm.sh/hook-weight or driftguard.dev/sync-wave: the wave within a phase (ascending).
//   driftguard.dev/hook-delete-policy or helm.sh/hook-delete-policy: BeforeHookCreation (default),
//     HookSucceeded, HookFailed (Helm's before-hook-creation, hook-succeeded, hook-failed).
import { PREFIX, SYNC_WAVE_ANNOTATION } from '../ownership.ts';
import type { KubeObject } from '../model/object.ts';

export const HOOK_ANNOTATION = `${PREFIX}hook`;
export const HOOK_DELETE_POLICY_ANNOTATION = `${PREFIX}hook-delete-policy`;
/** Set on the hook objects a sync creates: which app ran them (they carry no ownership marks, so no prune sees them). */
export const HOOK_APP_ANNOTATION = `${PREFIX}hook-of`;
export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';

export const HOOK_PHASES = ['PreSync', 'Sync', 'PostSync', 'SyncFail'] as const;
export type HookPhase = (typeof HOOK_PHASES)[number];
export type HookDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

export interface HookSpec {
  phases: HookPhase[];
  wave: number;
  deletePolicies: HookDeletePolicy[];
}

const HELM_EVENTS: Record<string, HookPhase | undefined> = {
  'pre-install': 'PreSync', 'pre-upgrade': 'PreSync', 'post-install': 'PostSync', 'post-upgrade': 'PostSync',
};
const DELETE_POLICIES: Record<string, HookDeletePolicy> = {
  BeforeHookCreation: 'BeforeHookCreation', HookSucceeded: 'HookSucceeded', HookFailed: 'HookFailed',
  'before-hook-creation': 'BeforeHookCreation', 'hook-succeeded': 'HookSucceeded', 'hook-failed': 'HookFailed',
};

function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export type HookKind =
  | { kind: 'resource' }
  | { kind: 'hook'; hook: HookSpec }
  /** A hook no sync runs (a Helm test, pre-delete, ...): set aside, neither applied nor run. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; message: string };

/** What `obj` is to a sync: a plain resource, a hook (with its phases, wave, delete policies), or neither. */
export function classifyHook(obj: KubeObject): HookKind {
  const ann = obj.metadata?.annotations ?? {};
  const own = ann[HOOK_ANNOTATION];
  const helm = ann[HELM_HOOK];
  let phases: HookPhase[] = [];
  if (own !== undefined) {
    for (const p of list(own)) {
      if (!(HOOK_PHASES as readonly string[]).includes(p)) {
        return { kind: 'invalid', message: `${HOOK_ANNOTATION}: "${p}" is not a hook phase (one of ${HOOK_PHASES.join(', ')})` };
      }
      if (!phases.includes(p as HookPhase)) phases.push(p as HookPhase);
    }
    if (phases.length === 0) return { kind: 'invalid', message: `${HOOK_ANNOTATION} is empty (one of ${HOOK_PHASES.join(', ')})` };
  } else if (helm !== undefined) {
    const events = list(helm);
    // Helm 2's crd-install is a plain resource to Helm 3 and Argo CD.
    if (events.length === 0 || events.every((e) => e === 'crd-install')) return { kind: 'resource' };
    for (const e of events) {
      const p = HELM_EVENTS[e];
      if (p && !phases.includes(p)) phases.push(p);
    }
    if (phases.length === 0) return { kind: 'ignored', reason: `Helm hook "${helm}" is not run by a sync` };
  } else return { kind: 'resource' };

  const rawWave = own !== undefined ? ann[SYNC_WAVE_ANNOTATION] : ann[HELM_HOOK_WEIGHT] ?? ann[SYNC_WAVE_ANNOTATION];
  const wave = rawWave === undefined ? 0 : Number.parseInt(rawWave, 10);
  const rawPolicy = ann[HOOK_DELETE_POLICY_ANNOTATION] ?? ann[HELM_HOOK_DELETE_POLICY];
  const deletePolicies: HookDeletePolicy[] = [];
  for (const p of list(rawPolicy)) {
    const d = DELETE_POLICIES[p];
    if (!d) return { kind: 'invalid', message: `hook delete policy "${p}" is not one of BeforeHookCreation, HookSucceeded, HookFailed` };
    if (!deletePolicies.includes(d)) deletePolicies.push(d);
  }
  if (deletePolicies.length === 0) deletePolicies.push('BeforeHookCreation');
  return { kind: 'hook', hook: { phases, wave: Number.isFinite(wave) ? wave : 0, deletePolicies } };
}

/** The phases `obj` runs in as a hook, or undefined for anything else (plain resources, Helm tests). */
export function hookPhases(obj: KubeObject): HookPhase[] | undefined {
  const c = classifyHook(obj);
  return c.kind === 'hook' ? c.hook.phases : undefined;
}

/** True for objects a sync must not treat as desired resources (hooks of any kind, run or not). */
export function isHookObject(obj: KubeObject): boolean {
  return classifyHook(obj).kind !== 'resource';
}

/** Every run of a hook among `objects`, in the order a sync runs them: by phase, then wave, then kind/name. */
export function listHooks<T extends { object: KubeObject }>(objects: T[]): Array<T & { phase: HookPhase; wave: number }> {
  const out: Array<T & { phase: HookPhase; wave: number }> = [];
  for (const o of objects) {
    const c = classifyHook(o.object);
    if (c.kind === 'hook') for (const phase of c.hook.phases) out.push({ ...o, phase, wave: c.hook.wave });
  }
  const name = (o: T) => `${o.object.kind}/${o.object.metadata?.name ?? ''}`;
  return out.sort((a, b) => HOOK_PHASES.indexOf(a.phase) - HOOK_PHASES.indexOf(b.phase) || a.wave - b.wave || name(a).localeCompare(name(b)));
}
