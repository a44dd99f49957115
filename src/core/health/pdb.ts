// PodDisruptionBudget health, after Argo CD's resource_customizations/policy/PodDisruptionBudget.
// The DisruptionAllowed condition is False both when the controller failed (SyncFailed: Degraded) and
// when there are simply not enough healthy pods to allow an eviction (InsufficientPods). The latter is
// a valid steady state (e.g. minAvailable == replicas, argo-cd#20171), so it is Healthy, with the
// numbers in the message.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, num, status } from './fields.ts';

export function pdbHealth(obj: KubeObject): HealthResult {
  const conds = conditions(obj);
  if (conds.length === 0) return { status: 'Progressing', message: 'Waiting for status' };
  let result: HealthResult = { status: 'Progressing', message: 'Waiting for status' };
  for (const c of conds) {
    if (c.status === 'False' && c.reason !== 'InsufficientPods') {
      return { status: 'Degraded', message: `PodDisruptionBudget has ${c.reason}` };
    }
    result = { status: 'Healthy', message: `PodDisruptionBudget has ${c.reason}` };
    if (c.reason === 'InsufficientPods') {
      const st = status(obj);
      result.message += ` (${num(st.currentHealthy)} healthy, ${num(st.desiredHealthy)} desired, ${num(st.disruptionsAllowed)} disruptions allowed)`;
    }
  }
  return result;
}
