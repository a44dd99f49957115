// HorizontalPodAutoscaler health, after Argo CD (resource_customizations/autoscaling/
// HorizontalPodAutoscaler/health.lua, which replaced gitops-engine health_hpa.go).
// autoscaling/v2* carry status.conditions; autoscaling/v1 carries them as JSON in the
// `autoscaling.alpha.kubernetes.io/conditions` annotation. A known failure reason anywhere in the
// list is Degraded (a failing custom/external metric sits behind AbleToScale=True); otherwise the
// first AbleToScale=True or ScalingLimited=True condition is Healthy, with its message (ScalingActive
// False with ScalingDisabled, i.e. a target scaled to 0, is therefore not an error).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asArray, asObj, conditions, str, type Condition } from './fields.ts';

export const HPA_V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

const DEGRADED: ReadonlyArray<readonly [string, string]> = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'FailedGetObjectMetric'],
  ['ScalingActive', 'FailedGetPodsMetric'],
  ['ScalingActive', 'FailedGetExternalMetric'],
  ['ScalingActive', 'FailedComputeMetricsReplicas'],
  ['ScalingActive', 'InvalidSelector'],
];
const HEALTHY_TYPES = ['AbleToScale', 'ScalingLimited'];
const WAITING: HealthResult = { status: 'Progressing', message: 'Waiting to Autoscale' };

function v1Conditions(obj: KubeObject): Condition[] | HealthResult {
  const raw = obj.metadata?.annotations?.[HPA_V1_CONDITIONS_ANNOTATION];
  if (raw === undefined) return [];
  try {
    return asArray(JSON.parse(raw)).map((c) => {
      const o = asObj(c);
      return { type: str(o.type), status: str(o.status), reason: str(o.reason), message: str(o.message) };
    });
  } catch (e) {
    return { status: 'Unknown', message: `failed to parse ${HPA_V1_CONDITIONS_ANNOTATION}: ${(e as Error).message}` };
  }
}

export function hpaHealth(obj: KubeObject): HealthResult {
  let conds: Condition[];
  if (obj.apiVersion === 'autoscaling/v1') {
    const parsed = v1Conditions(obj);
    if (!Array.isArray(parsed)) return parsed;
    conds = parsed;
  } else {
    conds = conditions(obj);
  }
  const degraded = conds.find((c) => DEGRADED.some(([t, r]) => c.type === t && c.reason === r));
  if (degraded) return { status: 'Degraded', message: degraded.message.trim() };
  const healthy = conds.find((c) => HEALTHY_TYPES.includes(c.type) && c.status === 'True');
  if (healthy) return { status: 'Healthy', message: healthy.message };
  return WAITING;
}
