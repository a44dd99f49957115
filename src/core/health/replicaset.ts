// ReplicaSet health, after Argo CD (gitops-engine health_replicaset.go).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generation, num, optNum, spec, status } from './fields.ts';

export function replicaSetHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  if (generation(obj) > num(st.observedGeneration)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  }
  const failure = findCondition(conditions(obj), 'ReplicaFailure');
  if (failure?.status === 'True') return { status: 'Degraded', message: failure.message };
  const replicas = optNum(spec(obj).replicas);
  const available = num(st.availableReplicas);
  if (replicas !== undefined && available < replicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} out of ${replicas} new replicas are available...`,
    };
  }
  return { status: 'Healthy', message: '' };
}
