// What a Go API object looks like before anyone sets a field: the API server compares objects after
// converting its Go structs to JSON, so value structs are there as `{}` and slices, maps and pointers
// without `omitempty` as `null`. That is why creating a Deployment never "adds" spec, spec.template or
// spec.strategy (no `.` entry in managedFields) while it does add a rollingUpdate (a pointer).
// Only maps and lists matter here (scalars are leaves either way). Facts from k8s.io/api types.go.
import type { Schema } from '../openapi-schemas.ts';

const TEMPLATE = { metadata: {}, spec: {} };

/** Per schema name: fields present in the Go zero value beyond a kind's metadata/spec/status. */
const ZERO: Record<string, Record<string, unknown>> = {
  'io.k8s.api.core.v1.PodSpec': { containers: null },
  'io.k8s.api.core.v1.PodTemplateSpec': TEMPLATE,
  'io.k8s.api.core.v1.Container': { resources: {} },
  'io.k8s.api.core.v1.EphemeralContainer': { resources: {} },
  'io.k8s.api.core.v1.ServiceStatus': { loadBalancer: {} },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { resources: {} },
  'io.k8s.api.apps.v1.DeploymentSpec': { selector: null, template: {}, strategy: {} },
  'io.k8s.api.apps.v1.StatefulSetSpec': { selector: null, template: {}, updateStrategy: {} },
  'io.k8s.api.apps.v1.DaemonSetSpec': { selector: null, template: {}, updateStrategy: {} },
  'io.k8s.api.apps.v1.ReplicaSetSpec': { selector: null, template: {} },
  'io.k8s.api.batch.v1.JobSpec': { template: {} },
  'io.k8s.api.batch.v1.CronJobSpec': { jobTemplate: {} },
  'io.k8s.api.batch.v1.JobTemplateSpec': TEMPLATE,
  'io.k8s.api.networking.v1.IngressStatus': { loadBalancer: {} },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { podSelector: {} },
  'io.k8s.api.rbac.v1.Role': { rules: null },
  'io.k8s.api.rbac.v1.ClusterRole': { rules: null },
  'io.k8s.api.rbac.v1.RoleBinding': { roleRef: {} },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { roleRef: {} },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { scaleTargetRef: {} },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec': { scaleTargetRef: {} },
  'io.k8s.api.discovery.v1.EndpointSlice': { endpoints: null },
  'io.k8s.api.discovery.v1.Endpoint': { conditions: {} },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': { names: {}, versions: null },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus': { acceptedNames: {}, storedVersions: null },
};

/**
 * Zero-value fields of the schema named `name`. A kind's metadata, spec and status are value
 * structs in every built-in kind (the API conventions), so they are always there.
 */
export function goZeroFields(name: string, schema: Schema): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = { ...(ZERO[name] ?? {}) };
  if (schema['x-kubernetes-group-version-kind']) {
    const props = (schema.properties ?? {}) as Record<string, unknown>;
    for (const f of ['metadata', 'spec', 'status']) if (f in props) out[f] ??= {};
  }
  return Object.keys(out).length ? out : undefined;
}
