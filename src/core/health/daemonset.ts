// DaemonSet health, after Argo CD (gitops-engine health_daemonset.go) / `kubectl rollout status`.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asObj, generation, num, spec, status, str } from './fields.ts';

export function daemonSetHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  const name = obj.metadata?.name ?? '';
  if (generation(obj) > num(st.observedGeneration)) {
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    };
  }
  const desired = num(st.desiredNumberScheduled);
  const updated = num(st.updatedNumberScheduled);
  const available = num(st.numberAvailable);
  if (str(asObj(spec(obj).updateStrategy).type) === 'OnDelete') {
    return { status: 'Healthy', message: `daemon set ${updated} out of ${desired} new pods have been updated` };
  }
  if (updated < desired) {
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    // numberUnavailable is what the controller reports; fall back to the difference when it is absent.
    const unavailable = num(st.numberUnavailable, desired - available);
    return {
      status: 'Progressing',
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available (${unavailable} unavailable)...`,
    };
  }
  return { status: 'Healthy', message: '' };
}
