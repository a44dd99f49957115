// KEDA ScaledJob: the ScaledObject conditions without an HPA (Ready, Active, Paused). Argo CD calls
// any Ready=Unknown Degraded for this kind; KEDA also sets every condition Unknown (no reason) before
// its first reconcile, which we call Progressing as for ScaledObject. Ready=Unknown with an error
// reason (PartialTriggerError: some triggers fail) is Degraded, as in Argo CD.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { kedaHealth } from './keda-conditions.ts';

export function scaledJobHealth(obj: KubeObject): HealthResult {
  return kedaHealth(obj, 'Waiting for ScaledJob');
}
