// Atomic lists (no merge keys) and atomic maps are replaced whole on apply, so an extra field inside a
// live item is drift, except the fields the API server fills in itself (SetDefaults_* functions in
// k8s.io/kubernetes pkg/apis/<group>/<version>/defaults.go, reviewed for the kinds GitOps repos hold).
// Keyed by the atomic list's (or map's) field name; each entry is the field's path inside an item
// (field names, list indices dropped). A path ending in `.*` tolerates any field under that prefix.
//
// Defaults that land in keyed lists or plain structs (probe timeouts, Service targetPort, webhook
// clientConfig.service.port, HPA behavior, Deployment strategy, volume defaultMode, ...) need no entry:
// there, a live-only field is drift only when we owned it, which the defaulter never makes us.
const DEFAULTED: Record<string, readonly string[]> = {
  // StatefulSet: the PVC templates come back as full PersistentVolumeClaims
  // (SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem; status.phase Pending).
  volumeClaimTemplates: ['apiVersion', 'kind', 'status', 'metadata.creationTimestamp', 'spec.volumeMode'],
  // RBAC SetDefaults_Subject: apiGroup rbac.authorization.k8s.io for User/Group, "" for ServiceAccount.
  subjects: ['apiGroup'],
  // admissionregistration SetDefaults_Rule: scope "*" (webhook rules; the webhooks themselves are keyed
  // by name, so their own defaults — failurePolicy, timeoutSeconds, clientConfig.service.port, ... — need
  // no entry);
  // batch SetDefaults_Job: podFailurePolicy.rules[].onPodConditions[].status "True".
  rules: ['scope', 'onPodConditions.status'],
  // ValidatingAdmissionPolicy(Binding) matchResources: NamedRuleWithOperations scope "*".
  resourceRules: ['scope'],
  excludeResourceRules: ['scope'],
  // NetworkPolicy peers' ports get protocol TCP.
  ingress: ['ports.protocol'],
  egress: ['ports.protocol'],
  // LimitRange SetDefaults_LimitRangeItem (type Container): default ← max, defaultRequest ← default or min.
  limits: ['default', 'default.*', 'defaultRequest', 'defaultRequest.*'],
  // EndpointSlice ports (discovery/v1 SetDefaults_EndpointPort): name "" and protocol TCP.
  ports: ['name'],
  // Projected volume sources: service account tokens default to one hour.
  sources: ['serviceAccountToken.expirationSeconds'],
  // Atomic maps whose fields the server defaults.
  fieldRef: ['apiVersion'],
  resourceFieldRef: ['divisor'],
};

/** Values the defaulter writes, where only that value is a default (anything else is drift). */
const DEFAULT_VALUES: Record<string, unknown> = {
  protocol: 'TCP',
  scope: '*',
  name: '',
  'onPodConditions.status': 'True',
  'spec.volumeMode': 'Filesystem',
  'serviceAccountToken.expirationSeconds': 3600,
};

function tolerates(entries: readonly string[] | undefined, rel: string): boolean {
  if (!entries) return false;
  for (const e of entries) {
    if (e === rel) return true;
    if (e.endsWith('.*') && rel.startsWith(e.slice(0, -1))) return true;
  }
  return false;
}

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
  if (!tolerates(DEFAULTED[container], rel)) return false;
  const fixed = DEFAULT_VALUES[rel];
  return fixed === undefined || fixed === value;
}

/**
 * Whole items an admission plugin appends to an atomic list. The DefaultTolerationSeconds plugin
 * (enabled by default in kube-apiserver) gives every Pod that does not already tolerate them
 * NoExecute tolerations for node.kubernetes.io/not-ready and /unreachable, for 300 s; they land
 * after the tolerations the manifest set. Only Pods get them: pod templates are not admitted.
 */
export function isAdmissionAddedItem(kind: string, names: readonly string[], item: unknown): boolean {
  if (kind !== 'Pod' || names.length !== 2 || names[0] !== 'spec' || names[1] !== 'tolerations') return false;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  const t = item as Record<string, unknown>;
  return (t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable') &&
    t.operator === 'Exists' && t.effect === 'NoExecute' && t.tolerationSeconds === 300 &&
    Object.keys(t).length === 4;
}
