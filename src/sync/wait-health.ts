// Wait until the given objects settle (none Progressing or Missing), driven by the app's watch cache:
// each watch event re-assesses only the object it is about, so waiting costs no polling requests.
import { assessHealth } from '../core/health/index.ts';
import type { HealthResult } from '../core/health/types.ts';
import { keyOf, keyString, type KubeObject, type ResourceKey } from '../core/model/object.ts';
import type { OwnedCache } from '../kube/watch-cache.ts';
import { gvkOf } from '../kube/discovery.ts';

export interface HealthWait {
  health: Map<string, HealthResult>;
  timedOut: boolean;
}

const UNSETTLED = new Set(['Progressing', 'Missing']);

function healthOf(obj: KubeObject | undefined): HealthResult {
  if (!obj) return { status: 'Missing', message: 'not found in the cluster' };
  return assessHealth(obj) ?? { status: 'Healthy', message: '' };
}

/** Health per key; resolves when all are settled or at `deadline` (epoch ms). */
export function waitForHealth(cache: OwnedCache, targets: Array<{ key: ResourceKey; apiVersion: string }>, deadline: number): Promise<HealthWait> {
  const health = new Map<string, HealthResult>();
  const byKey = new Map(targets.map((t) => [keyString(t.key), t]));
  // A count of unsettled targets, kept as events come in: re-scanning every target on every watch event
  // would cost O(targets) per event in a big wave of workloads.
  let unsettled = 0;
  const set = (k: string, h: HealthResult) => {
    const before = health.get(k);
    if (before && UNSETTLED.has(before.status)) unsettled--;
    if (UNSETTLED.has(h.status)) unsettled++;
    health.set(k, h);
  };
  for (const [k, t] of byKey) {
    const g = gvkOf(t.apiVersion, t.key.kind);
    set(k, healthOf(cache.get(g, t.key.namespace, t.key.name)));
  }
  const settled = () => unsettled === 0;
  if (settled() || Date.now() >= deadline) return Promise.resolve({ health, timedOut: !settled() });
  return new Promise((resolve) => {
    const finish = (timedOut: boolean) => {
      off();
      clearTimeout(timer);
      resolve({ health, timedOut });
    };
    const off = cache.on((type, obj) => {
      const k = keyString(keyOf(obj));
      if (!byKey.has(k)) return;
      set(k, type === 'DELETED' ? healthOf(undefined) : healthOf(obj));
      if (settled()) finish(false);
    });
    const timer = setTimeout(() => finish(!settled()), Math.max(0, deadline - Date.now()));
  });
}
