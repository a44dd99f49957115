// Fields a write does not own, per endpoint (the API server's ResetFieldsStrategy): writes to the
// main resource of a kind with a status subresource leave status alone; writes to /status touch
// only status.

const KINDS_WITH_STATUS = new Set([
  'Pod', 'Service', 'Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'ReplicationController', 'ResourceQuota',
  'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'HorizontalPodAutoscaler', 'PodDisruptionBudget',
  'Ingress', 'NetworkPolicy', 'CustomResourceDefinition', 'APIService', 'CertificateSigningRequest', 'VolumeAttachment',
]);

/** A predicate on top-level field names to leave out of ownership for this write. */
export function resetFieldsFor(kind: string, subresource: string | undefined): (topField: string) => boolean {
  if (subresource === 'status') return (f) => f !== 'status';
  if (subresource === undefined && KINDS_WITH_STATUS.has(kind)) return (f) => f === 'status';
  return () => false;
}
