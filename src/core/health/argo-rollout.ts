// Argo Rollouts Rollout (argoproj.io). Since Rollouts v1.0 the controller records its own verdict in
// status.phase (Healthy, Progressing, Paused, Degraded) and status.message; an aborted update is
// phase Degraded with "RolloutAborted: ...", a pause (spec.paused, a pause step, an inconclusive
// analysis) is phase Paused, which is Argo CD's Suspended. The phase is only trusted once the
// controller has observed the current spec: status.observedGeneration is a string in this API (a
// number since v0.10, a hash before) and a workloadRef Rollout also tracks the workload's generation.
// Rollouts older than v1.0 (no phase) are read from their conditions and replica counts.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asArray, asObj, conditions, generation, num, spec, status, str } from './fields.ts';

const OBSERVING: HealthResult = { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' };

function generationObserved(obj: KubeObject): boolean {
  const st = status(obj);
  const observed = Number.parseInt(String(st.observedGeneration ?? ''), 10);
  const gen = generation(obj);
  // A hash (pre-v0.10) or a number ahead of metadata.generation cannot be compared: take it as observed.
  if (!Number.isFinite(observed) || observed > gen) return true;
  if (observed !== gen) return false;
  if (!spec(obj).workloadRef) return true;
  const wanted = obj.metadata?.annotations?.['rollout.argoproj.io/workload-generation'];
  return wanted === undefined || String(st.workloadObservedGeneration ?? '') === wanted;
}

export function rolloutHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  if (Object.keys(st).length === 0 || !generationObserved(obj)) return OBSERVING;
  const phase = str(st.phase);
  if (phase) {
    const message = str(st.message);
    if (phase === 'Paused') return { status: 'Suspended', message: message || 'Rollout is paused' };
    if (phase === 'Healthy' || phase === 'Progressing' || phase === 'Degraded') return { status: phase, message };
    return { status: 'Unknown', message: `unknown Rollout phase "${phase}"` };
  }
  return legacyRolloutHealth(obj);
}

/** Rollouts before v1.0 wrote no phase. */
function legacyRolloutHealth(obj: KubeObject): HealthResult {
  const st = status(obj);
  const sp = spec(obj);
  for (const c of conditions(obj)) {
    if (c.type === 'InvalidSpec') return { status: 'Degraded', message: c.message };
    if (c.type === 'Progressing' && (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded')) return { status: 'Degraded', message: c.message };
  }
  if (asArray(st.pauseConditions).length > 0 || sp.paused === true) return { status: 'Suspended', message: 'Rollout is paused' };
  const podHash = str(st.currentPodHash);
  if (!podHash) return { status: 'Progressing', message: 'Waiting for rollout to finish: status has not been reconciled.' };
  const desired = num(sp.replicas, 1);
  const replicas = num(st.replicas);
  const updated = num(st.updatedReplicas);
  const available = num(st.availableReplicas);
  if (updated < desired) return { status: 'Progressing', message: 'Waiting for roll out to finish: More replicas need to be updated' };
  if (available < updated) return { status: 'Progressing', message: 'Waiting for roll out to finish: updated replicas are still becoming available' };
  const stableRS = str(st.stableRS) || str(asObj(st.canary).stableRS);
  const strategy = asObj(sp.strategy);
  if (strategy.blueGreen) {
    if (str(asObj(st.blueGreen).activeSelector) !== podHash) return { status: 'Progressing', message: 'active service cutover pending' };
    if (stableRS && stableRS !== podHash) return { status: 'Progressing', message: 'waiting for analysis to complete' };
  } else if (strategy.canary) {
    if (replicas > updated) return { status: 'Progressing', message: 'Waiting for roll out to finish: old replicas are pending termination' };
    if (stableRS !== podHash) return { status: 'Progressing', message: 'Waiting for rollout to finish steps' };
  }
  return { status: 'Healthy', message: '' };
}
