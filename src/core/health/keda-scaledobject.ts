// KEDA ScaledObject: conditions Ready (the HPA and scalers are set up), Active (scaling above zero),
// Fallback (True = the scalers keep failing and KEDA is holding spec.fallback.replicas) and Paused
// (autoscaling.keda.sh/paused or paused-replicas annotation). KEDA initialises every condition to
// Unknown, so Ready=Unknown is "not reconciled yet". Like Argo CD: a failing Ready or an active
// Fallback is Degraded, a paused ready object Suspended.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { kedaHealth } from './keda-conditions.ts';

export function scaledObjectHealth(obj: KubeObject): HealthResult {
  return kedaHealth(obj, 'Creating HorizontalPodAutoscaler Object');
}
