// How Kubernetes identifies items of a list, for the lists that matter to GitOps tools.
// Two sources of truth are mirrored here, because they differ:
//  - strategic merge patch: `patchMergeKey` / `patchStrategy` tags in k8s.io/api types.go;
//  - server-side apply: `x-kubernetes-list-type: map` + `x-kubernetes-list-map-keys` in the OpenAPI.
// e.g. container ports merge on containerPort for SMP but are keyed by (containerPort, protocol) for SSA.
// A list with a merge key but no x-kubernetes-list-type is keyed by that merge key for SSA too
// (kube-openapi schemaconv falls back to x-kubernetes-patch-strategy=merge + patch-merge-key).
// The SMP keys below are the complete set of `patchMergeKey` struct tags compiled into kubectl 1.34
// (spec and metadata lists; status-only ones other than conditions are left out).
// Lists not named here are atomic (replaced whole), as for any list without such markers:
// e.g. Container.resizePolicy (+listType=atomic), readinessGates, tolerations, Ingress rules/tls,
// NetworkPolicy ingress/egress, RBAC rules/subjects/clusterRoleSelectors, HPA metrics, EndpointSlice
// endpoints/ports, StatefulSet volumeClaimTemplates, CRD versions.

export interface ListType {
  /** Strategic-merge-patch merge key; absent = SMP replaces the list. */
  smpKey?: string;
  /** Server-side-apply map keys; absent with `set` false = atomic list. */
  ssaKeys?: string[];
  /** A list of scalars merged as a set (e.g. metadata.finalizers). */
  set?: boolean;
}

interface Rule {
  /** Field path suffix (list indices removed), e.g. ['containers', 'ports']. */
  suffix: string[];
  /** Restrict to these kinds (top-level object kind). */
  kinds?: string[];
  type: ListType;
}

const podContainerLists = ['containers', 'initContainers', 'ephemeralContainers'];

const RULES: Rule[] = [
  ...podContainerLists.flatMap((c): Rule[] => [
    { suffix: [c, 'ports'], type: { smpKey: 'containerPort', ssaKeys: ['containerPort', 'protocol'] } },
    { suffix: [c, 'env'], type: { smpKey: 'name', ssaKeys: ['name'] } },
    { suffix: [c, 'volumeMounts'], type: { smpKey: 'mountPath', ssaKeys: ['mountPath'] } },
    { suffix: [c, 'volumeDevices'], type: { smpKey: 'devicePath', ssaKeys: ['devicePath'] } },
    { suffix: [c, 'resources', 'claims'], type: { ssaKeys: ['name'] } },
    { suffix: ['spec', c], type: { smpKey: 'name', ssaKeys: ['name'] } },
  ]),
  { suffix: ['spec', 'volumes'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'imagePullSecrets'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'hostAliases'], type: { smpKey: 'ip', ssaKeys: ['ip'] } },
  { suffix: ['spec', 'topologySpreadConstraints'], type: { smpKey: 'topologyKey', ssaKeys: ['topologyKey', 'whenUnsatisfiable'] } },
  { suffix: ['spec', 'resourceClaims'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'schedulingGates'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'ports'], kinds: ['Service'], type: { smpKey: 'port', ssaKeys: ['port', 'protocol'] } },
  // admissionregistration: webhooks by name (v1beta1 and v1; v1 also +listType=map +listMapKey=name),
  // their matchConditions, and the CEL policies' matchConditions and variables.
  { suffix: ['webhooks'], kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['webhooks', 'matchConditions'], kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'matchConditions'], kinds: ['ValidatingAdmissionPolicy', 'MutatingAdmissionPolicy'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'variables'], kinds: ['ValidatingAdmissionPolicy', 'MutatingAdmissionPolicy'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['secrets'], kinds: ['ServiceAccount'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'drivers'], kinds: ['CSINode'], type: { smpKey: 'name', ssaKeys: ['name'] } },
  { suffix: ['spec', 'podCIDRs'], kinds: ['Node'], type: { set: true } },
  { suffix: ['status', 'conditions'], type: { smpKey: 'type', ssaKeys: ['type'] } },
  { suffix: ['metadata', 'ownerReferences'], type: { smpKey: 'uid', ssaKeys: ['uid'] } },
  { suffix: ['metadata', 'finalizers'], type: { set: true } },
];

/**
 * The list type at `path` (field names from the object root, no indices) in an object of `kind`.
 * Returns undefined for atomic lists.
 */
export function listTypeAt(kind: string, path: readonly string[]): ListType | undefined {
  for (const rule of RULES) {
    if (rule.kinds && !rule.kinds.includes(kind)) continue;
    if (path.length < rule.suffix.length) continue;
    const off = path.length - rule.suffix.length;
    if (rule.suffix.every((seg, i) => path[off + i] === seg)) return rule.type;
  }
  return undefined;
}

/** Identity of a list item under SSA keys, e.g. `{"containerPort":80,"protocol":"TCP"}`. */
export function ssaItemKey(item: unknown, keys: readonly string[]): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const rec = item as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    // SSA defaults `protocol` to TCP when absent, for the key only (apiserver defaulting does the same).
    out[k] = rec[k] ?? (k === 'protocol' ? 'TCP' : undefined);
  }
  return JSON.stringify(out);
}
