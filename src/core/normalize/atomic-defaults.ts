// Atomic lists (no merge keys) are replaced whole on apply, so an extra field inside a live item is
// drift, except the fields the API server fills in itself. Those are listed here, keyed by the list's
// field name and the field's path inside an item (field names, list indices dropped).
const DEFAULTED: Record<string, readonly string[]> = {
  // StatefulSet: the PVC templates come back as full PersistentVolumeClaims.
  volumeClaimTemplates: ['apiVersion', 'kind', 'status', 'metadata.creationTimestamp', 'spec.volumeMode'],
  // RBAC: apiGroup is defaulted for User/Group subjects.
  subjects: ['apiGroup'],
  // Admission webhooks (keyed by name in newer servers, atomic in older ones).
  webhooks: [
    'failurePolicy', 'matchPolicy', 'namespaceSelector', 'objectSelector', 'sideEffects', 'timeoutSeconds',
    'reinvocationPolicy', 'admissionReviewVersions', 'clientConfig.service.port', 'rules.scope',
  ],
  // NetworkPolicy peers' ports get protocol TCP.
  ingress: ['ports.protocol'],
  egress: ['ports.protocol'],
  // Projected volume sources: service account tokens default to one hour.
  sources: ['serviceAccountToken.expirationSeconds'],
  // Atomic maps whose fields the server defaults.
  fieldRef: ['apiVersion'],
  resourceFieldRef: ['divisor'],
};

/**
 * Whether a live-only field inside an atomic list item or atomic map is a server default.
 * `container` is the list/map field name, `rel` the field's path inside it (e.g. 'spec.volumeMode').
 */
export function isServerDefault(container: string, rel: string, key: string, value: unknown): boolean {
  if (rel === 'status') return true;
  // Every port struct (container, service, endpoint, network policy) defaults protocol to TCP.
  if (key === 'protocol' && value === 'TCP') return true;
  if (rel.endsWith('fieldRef.apiVersion') && value === 'v1') return true;
  if (rel.endsWith('resourceFieldRef.divisor')) return true;
  return DEFAULTED[container]?.includes(rel) ?? false;
}
