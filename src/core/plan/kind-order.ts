// Apply order of kinds inside one sync wave: what others depend on goes first (namespaces, then policy,
// identities, config and storage, CRDs, RBAC, services, workloads, ingress). Same list as Argo CD's
// gitops-engine uses; kinds not listed (custom resources) come after all of them, so a CR is applied
// after the CRD that defines it when both are in the same wave.
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

const INDEX = new Map(KIND_ORDER.map((k, i) => [k, i]));

/** Position of `kind` in the apply order; unknown kinds (CRs) share the last position. */
export function kindOrder(kind: string): number {
  return INDEX.get(kind) ?? KIND_ORDER.length;
}
