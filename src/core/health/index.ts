// Health assessment: one pure function per kind, chosen by API group and kind (as Argo CD's
// gitops-engine does), plus a generic rule for custom resources with status conditions.
import { parseApiVersion, type KubeObject } from '../model/object.ts';
import { HEALTH_ORDER, type HealthResult, type HealthStatus, type ObjectHealth } from './types.ts';
import { deploymentHealth } from './deployment.ts';
import { statefulSetHealth } from './statefulset.ts';
import { daemonSetHealth } from './daemonset.ts';
import { replicaSetHealth } from './replicaset.ts';
import { podHealth } from './pod.ts';
import { jobHealth } from './job.ts';
import { cronJobHealth } from './cronjob.ts';
import { pvcHealth } from './pvc.ts';
import { serviceHealth } from './service.ts';
import { ingressHealth } from './ingress.ts';
import { hpaHealth } from './hpa.ts';
import { apiServiceHealth } from './apiservice.ts';
import { pdbHealth } from './pdb.ts';
import { crdHealth } from './crd.ts';
import { genericConditionsHealth } from './generic-conditions.ts';

export type { HealthResult, HealthStatus, ObjectHealth } from './types.ts';
export { HEALTH_ORDER } from './types.ts';

type Check = (obj: KubeObject) => HealthResult;

const CHECKS: Record<string, Check> = {
  'apps/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'apps/ReplicaSet': replicaSetHealth,
  // Pre-1.16 groups still found in old manifests and Argo CD test data.
  'extensions/Deployment': deploymentHealth,
  'extensions/DaemonSet': daemonSetHealth,
  'extensions/ReplicaSet': replicaSetHealth,
  'extensions/Ingress': ingressHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  '/Pod': podHealth,
  '/Service': serviceHealth,
  '/PersistentVolumeClaim': pvcHealth,
  'batch/Job': jobHealth,
  'batch/CronJob': cronJobHealth,
  'autoscaling/HorizontalPodAutoscaler': hpaHealth,
  'apiregistration.k8s.io/APIService': apiServiceHealth,
  'policy/PodDisruptionBudget': pdbHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
};

/** Kinds with a dedicated rule, as `group/Kind` ('' group for core). */
export const ASSESSED_KINDS: readonly string[] = Object.keys(CHECKS);

/**
 * Health of one object, or undefined when the kind has no notion of health (ConfigMap, Secret,
 * RBAC, CRs without status conditions). Never throws: malformed status yields Unknown.
 */
export function assessHealth(obj: KubeObject): HealthResult | undefined {
  const md = obj.metadata ?? {};
  if (md.deletionTimestamp) {
    const finalizers = md.finalizers ?? [];
    return {
      status: 'Progressing',
      message: finalizers.length > 0 ? `Pending deletion; blocked by finalizers: ${finalizers.join(', ')}` : 'Pending deletion',
    };
  }
  const { group } = parseApiVersion(obj.apiVersion ?? '');
  const check = CHECKS[`${group}/${obj.kind}`];
  try {
    return check ? check(obj) : genericConditionsHealth(obj);
  } catch (e) {
    return { status: 'Unknown', message: `health check failed: ${(e as Error).message}` };
  }
}

function severity(s: HealthStatus): number {
  const i = HEALTH_ORDER.indexOf(s);
  return i < 0 ? HEALTH_ORDER.length - 1 : i;
}

/** Worst wins: Healthy < Suspended < Progressing < Missing < Degraded < Unknown. Empty → Healthy. */
export function aggregateHealth(statuses: readonly HealthStatus[]): HealthStatus {
  let worst: HealthStatus = 'Healthy';
  for (const s of statuses) if (severity(s) > severity(worst)) worst = s;
  return worst;
}

/** True when `b` is worse than `a`. */
export function isWorse(a: HealthStatus, b: HealthStatus): boolean {
  return severity(b) > severity(a);
}

/**
 * The CLI shape (`driftguard health --output json`). Kinds without a health notion are reported
 * Healthy with the message "no health check for this kind", so every input object gets one line.
 */
export function objectHealth(obj: KubeObject): ObjectHealth {
  const r = assessHealth(obj) ?? { status: 'Healthy' as const, message: NO_HEALTH_CHECK };
  return {
    group: parseApiVersion(obj.apiVersion ?? '').group,
    kind: obj.kind,
    namespace: obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? '',
    status: r.status,
    message: r.message,
  };
}

export const NO_HEALTH_CHECK = 'no health check for this kind';
