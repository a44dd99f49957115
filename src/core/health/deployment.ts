// Deployment health, after Argo CD (gitops-engine health_deployment.go), which follows
// `kubectl rollout status`.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generation, num, optNum, spec, status } from './fields.ts';

export function deploymentHealth(obj: KubeObject): HealthResult {
  const sp = spec(obj);
  const st = status(obj);
  if (sp.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (generation(obj) > num(st.observedGeneration)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  const progressing = findCondition(conditions(obj), 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment "${obj.metadata?.name ?? ''}" exceeded its progress deadline` };
  }
  const replicas = optNum(sp.replicas);
  const updated = num(st.updatedReplicas);
  const current = num(st.replicas);
  const available = num(st.availableReplicas);
  if (replicas !== undefined && updated < replicas) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    };
  }
  if (current > updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${current - updated} old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { status: 'Healthy', message: '' };
}
