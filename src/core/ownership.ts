// How Driftguard marks what it owns. Pruning deletes only objects that carry BOTH the app label and a
// tracking id naming the object itself, so a copy of an owned object (kubectl get -o yaml | kubectl
// apply under another name) is never pruned — the same protection Argo CD's annotation tracking gives.
import { keyOf, parseApiVersion, type KubeObject } from './model/object.ts';

export const FIELD_MANAGER = 'driftguard';
export const PREFIX = 'driftguard.dev/';
export const APP_LABEL = `${PREFIX}app`;
export const TRACKING_ANNOTATION = `${PREFIX}tracking-id`;
export const SYNC_WAVE_ANNOTATION = `${PREFIX}sync-wave`;
/** `driftguard.dev/sync-options: Prune=false` keeps an object out of prunes. */
export const SYNC_OPTIONS_ANNOTATION = `${PREFIX}sync-options`;

/** `<app>:<group>/<Kind>:<namespace>/<name>`, as Argo CD formats its tracking ids. */
export function trackingId(app: string, obj: KubeObject): string {
  const k = keyOf(obj);
  return `${app}:${k.group}/${k.kind}:${k.namespace}/${k.name}`;
}

/** A copy of `obj` labelled and annotated as owned by `app`. Does not mutate. */
export function withOwnership(obj: KubeObject, app: string): KubeObject {
  const md = obj.metadata ?? {};
  return {
    ...obj,
    metadata: {
      ...md,
      labels: { ...(md.labels ?? {}), [APP_LABEL]: app },
      annotations: { ...(md.annotations ?? {}), [TRACKING_ANNOTATION]: trackingId(app, obj) },
    },
  };
}

/** True when `obj` is owned by `app`: label matches and the tracking id names this very object. */
export function isOwnedBy(obj: KubeObject, app: string): boolean {
  const md = obj.metadata ?? {};
  return md.labels?.[APP_LABEL] === app && md.annotations?.[TRACKING_ANNOTATION] === trackingId(app, obj);
}

/** The app that owns `obj`, if any (label + self-consistent tracking id). */
export function ownerApp(obj: KubeObject): string | undefined {
  const app = obj.metadata?.labels?.[APP_LABEL];
  return app !== undefined && isOwnedBy(obj, app) ? app : undefined;
}

export function syncWave(obj: KubeObject): number {
  const raw = obj.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];
  const n = raw === undefined ? 0 : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? n : 0;
}

export function hasSyncOption(obj: KubeObject, option: string): boolean {
  const raw = obj.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION] ?? '';
  return raw.split(',').map((s) => s.trim()).includes(option);
}

export { parseApiVersion };
