// StatefulSet health, after Argo CD (gitops-engine health_statefulset.go) / `kubectl rollout status`.
// Note the API server defaults `updateStrategy.rollingUpdate.partition: 0`, so live RollingUpdate
// StatefulSets are judged by the partition rule (updated >= replicas - partition).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asObj, generation, num, optNum, spec, status, str } from './fields.ts';

export function statefulSetHealth(obj: KubeObject): HealthResult {
  const sp = spec(obj);
  const st = status(obj);
  const observed = num(st.observedGeneration);
  if (observed === 0 || generation(obj) > observed) {
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  }
  const replicas = optNum(sp.replicas);
  const ready = num(st.readyReplicas);
  const updated = num(st.updatedReplicas);
  if (replicas !== undefined && ready < replicas) {
    return { status: 'Progressing', message: `Waiting for ${replicas - ready} pods to be ready...` };
  }
  const strategy = asObj(sp.updateStrategy);
  const type = str(strategy.type) || 'RollingUpdate'; // API default
  if (type === 'RollingUpdate' && strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
    const partition = optNum(asObj(strategy.rollingUpdate).partition);
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
      };
    }
    return { status: 'Healthy', message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (type === 'OnDelete') {
    // With OnDelete the controller never replaces pods itself: updated < replicas is the user's choice.
    return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  }
  const updateRevision = str(st.updateRevision);
  const currentRevision = str(st.currentRevision);
  if (updateRevision !== currentRevision) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    };
  }
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${num(st.currentReplicas)} pods at revision ${currentRevision}...`,
  };
}
