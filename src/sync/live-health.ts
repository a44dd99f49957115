// The app's current health in the cluster, as Argo CD computes an Application's: the worst health over
// the app's resources, where a desired resource that does not exist is Missing, a live one is assessed
// (kinds without a notion of health, e.g. ConfigMap, do not count), and an app with no resources is
// Healthy. Pure: it only reads the live objects the diff already loaded, so it costs no API request.
import { aggregateHealth, assessHealth, type CustomHealthChecks } from '../core/health/index.ts';
import type { HealthStatus, ObjectHealth } from '../core/health/types.ts';
import type { ResourceDiff } from '../core/diff/types.ts';
import { keyOf, keyString, type KubeObject } from '../core/model/object.ts';

export interface LiveHealth {
  /** Worst of `resources`; Healthy when there is none. */
  health: HealthStatus;
  /** One entry per resource that has a health: Missing ones and live ones of a kind with a health check. */
  resources: ObjectHealth[];
}

/**
 * `diff` is the live-vs-desired diff of the app (its resources); `live` holds their live objects;
 * `checks` are the operator config's CEL health checks.
 */
export function liveHealth(diff: readonly ResourceDiff[], live: readonly KubeObject[], checks?: CustomHealthChecks): LiveHealth {
  const byKey = new Map(live.map((o) => [keyString(keyOf(o)), o]));
  const resources: ObjectHealth[] = [];
  for (const r of diff) {
    const key = { group: r.group, kind: r.kind, namespace: r.namespace, name: r.name };
    const obj = r.action === 'create' ? undefined : byKey.get(keyString(key));
    if (!obj) {
      resources.push({ ...key, status: 'Missing', message: 'not found in the cluster' });
      continue;
    }
    const h = assessHealth(obj, checks);
    if (h) resources.push({ ...key, status: h.status, message: h.message });
  }
  return { health: aggregateHealth(resources.map((r) => r.status)), resources };
}
