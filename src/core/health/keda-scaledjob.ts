// KEDA ScaledJob: the ScaledObject conditions without an HPA (Ready, Active, Paused). Argo CD calls
// Ready=Unknown Degraded for this kind; KEDA sets every condition Unknown before its first reconcile,
// so we call it Progressing, as for ScaledObject.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { kedaHealth } from './keda-conditions.ts';

export function scaledJobHealth(obj: KubeObject): HealthResult {
  return kedaHealth(obj, 'Waiting for ScaledJob');
}
