// Health assessment: one pure function per kind, chosen by API group and kind (as Argo CD's
// gitops-engine does), the Crossplane rule for its provider groups, and a generic rule (kstatus
// conventions) for every other kind. User-defined CEL checks from the operator config come first.
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
import { rolloutHealth } from './argo-rollout.ts';
import { analysisRunHealth } from './argo-analysisrun.ts';
import { experimentHealth } from './argo-experiment.ts';
import { certificateHealth } from './certmanager-certificate.ts';
import { issuerHealth } from './certmanager-issuer.ts';
import { certificateRequestHealth } from './certmanager-certificaterequest.ts';
import { externalSecretHealth } from './external-secret.ts';
import { clusterExternalSecretHealth } from './cluster-external-secret.ts';
import { secretStoreHealth } from './secret-store.ts';
import { pushSecretHealth } from './push-secret.ts';
import { crossplaneManagedHealth, isCrossplaneGroup } from './crossplane-managed.ts';
import { crossplanePackageHealth } from './crossplane-package.ts';
import { compositionHealth } from './crossplane-composition.ts';
import { scaledObjectHealth } from './keda-scaledobject.ts';
import { scaledJobHealth } from './keda-scaledjob.ts';
import { fluxKustomizationHealth } from './flux-kustomization.ts';
import { fluxHelmReleaseHealth } from './flux-helmrelease.ts';
import { fluxSourceHealth } from './flux-source.ts';
import { sealedSecretHealth } from './sealed-secret.ts';
import { prometheusOperatorHealth } from './prometheus-operator.ts';
import { customCheckKey, type CustomHealthChecks } from './custom-checks.ts';

export type { HealthResult, HealthStatus, ObjectHealth } from './types.ts';
export { compileHealthCheck, customCheckKey, type CustomHealthCheck, type CustomHealthChecks, type HealthCheckExprs } from './custom-checks.ts';
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
  'argoproj.io/Rollout': rolloutHealth,
  'argoproj.io/AnalysisRun': analysisRunHealth,
  'argoproj.io/Experiment': experimentHealth,
  'cert-manager.io/Certificate': certificateHealth,
  'cert-manager.io/Issuer': issuerHealth,
  'cert-manager.io/ClusterIssuer': issuerHealth,
  'cert-manager.io/CertificateRequest': certificateRequestHealth,
  'external-secrets.io/ExternalSecret': externalSecretHealth,
  'external-secrets.io/ClusterExternalSecret': clusterExternalSecretHealth,
  'external-secrets.io/SecretStore': secretStoreHealth,
  'external-secrets.io/ClusterSecretStore': secretStoreHealth,
  'external-secrets.io/PushSecret': pushSecretHealth,
  'pkg.crossplane.io/Provider': crossplanePackageHealth,
  'pkg.crossplane.io/Configuration': crossplanePackageHealth,
  'pkg.crossplane.io/Function': crossplanePackageHealth,
  'apiextensions.crossplane.io/Composition': compositionHealth,
  'keda.sh/ScaledObject': scaledObjectHealth,
  'keda.sh/ScaledJob': scaledJobHealth,
  'kustomize.toolkit.fluxcd.io/Kustomization': fluxKustomizationHealth,
  'helm.toolkit.fluxcd.io/HelmRelease': fluxHelmReleaseHealth,
  'source.toolkit.fluxcd.io/GitRepository': fluxSourceHealth,
  'source.toolkit.fluxcd.io/HelmRepository': fluxSourceHealth,
  'source.toolkit.fluxcd.io/OCIRepository': fluxSourceHealth,
  'source.toolkit.fluxcd.io/HelmChart': fluxSourceHealth,
  'source.toolkit.fluxcd.io/Bucket': fluxSourceHealth,
  'bitnami.com/SealedSecret': sealedSecretHealth,
  'monitoring.coreos.com/Prometheus': prometheusOperatorHealth,
  'monitoring.coreos.com/Alertmanager': prometheusOperatorHealth,
};

/** Kubernetes' own API groups: no dot (core, apps, batch...) or *.k8s.io. CRD groups always have a dot. */
function isBuiltinGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** Kinds with a dedicated rule, as `group/Kind` ('' group for core). */
export const ASSESSED_KINDS: readonly string[] = Object.keys(CHECKS);

/**
 * Health of one object, or undefined when the kind has no notion of health (ConfigMap, Secret, RBAC,
 * and custom resources whose status has neither conditions nor observedGeneration). `custom`: the
 * operator config's CEL checks, which take precedence over the built-in rule of their kind. Never
 * throws: malformed status yields Unknown.
 */
export function assessHealth(obj: KubeObject, custom?: CustomHealthChecks): HealthResult | undefined {
  const md = obj.metadata ?? {};
  if (md.deletionTimestamp) {
    const finalizers = md.finalizers ?? [];
    return {
      status: 'Progressing',
      message: finalizers.length > 0 ? `Pending deletion; blocked by finalizers: ${finalizers.join(', ')}` : 'Pending deletion',
    };
  }
  const { group } = parseApiVersion(obj.apiVersion ?? '');
  try {
    const user = custom?.get(customCheckKey(group, obj.kind));
    if (user) return user.assess(obj);
    const check = CHECKS[`${group}/${obj.kind}`] ?? (isCrossplaneGroup(group) ? crossplaneManagedHealth : undefined);
    return check ? check(obj) : genericConditionsHealth(obj, isBuiltinGroup(group));
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
export function objectHealth(obj: KubeObject, custom?: CustomHealthChecks): ObjectHealth {
  const group = parseApiVersion(obj.apiVersion ?? '').group;
  const r = assessHealth(obj, custom) ?? { status: 'Healthy' as const, message: isBuiltinGroup(group) ? NO_HEALTH_CHECK : NOT_ASSESSED };
  return {
    group,
    kind: obj.kind,
    namespace: obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? '',
    status: r.status,
    message: r.message,
  };
}

export const NO_HEALTH_CHECK = 'no health check for this kind';
/** A custom kind whose status the generic rule cannot read (a CEL check in the operator config can). */
export const NOT_ASSESSED = 'not assessed: no rule for this kind, and its status has neither conditions nor observedGeneration';
