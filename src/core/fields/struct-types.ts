// Schema facts structured-merge-diff takes from the OpenAPI that list-keys.ts does not hold:
//  - atomic maps/structs (`x-kubernetes-map-type: atomic`, `+structType=atomic`): owned as one leaf,
//    replaced whole on apply (label selectors, key selectors, Service spec.selector, ...);
//  - non-pointer struct fields: present (empty) in a Go zero value, so creating an object never
//    "adds" them and Update entries carry no `.` marker for them (e.g. `f:spec`, `f:strategy`),
//    while pointer structs and maps added by an update do get one (`f:rollingUpdate: {.: {}}`).

/** Field-name suffixes of atomic maps/structs, optionally per top-level kind. */
const ATOMIC: Array<{ suffix: string[]; kinds?: string[] }> = [
  { suffix: ['spec', 'selector'], kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'PodDisruptionBudget', 'Service', 'ReplicationController'] },
  { suffix: ['podSelector'] },
  { suffix: ['namespaceSelector'] },
  { suffix: ['labelSelector'] },
  { suffix: ['configMapKeyRef'] },
  { suffix: ['secretKeyRef'] },
  { suffix: ['fieldRef'] },
  { suffix: ['resourceFieldRef'] },
  { suffix: ['configMapRef'] },
  { suffix: ['secretRef'] },
  { suffix: ['imagePullSecrets', '*'] },
  { suffix: ['nodeSelectorTerms', '*'] },
  { suffix: ['spec', 'scaleTargetRef'] },
  // PodSpec.nodeSelector is +mapType=atomic (k8s.io/api core/v1): apply replaces the whole map
  { suffix: ['spec', 'nodeSelector'] },
  { suffix: ['roleRef'] },
];

function matches(suffix: string[], path: readonly string[]): boolean {
  if (path.length < suffix.length) return false;
  const off = path.length - suffix.length;
  return suffix.every((seg, i) => seg === '*' || path[off + i] === seg);
}

/**
 * Whether the map at `path` (field names from the root; list items appear as '*') of an object of
 * `kind` is atomic.
 */
export function isAtomicMap(kind: string, path: readonly string[]): boolean {
  return ATOMIC.some((r) => (!r.kinds || r.kinds.includes(kind)) && matches(r.suffix, path));
}

const INLINE_STRUCTS: string[][] = [
  ['metadata'],
  ['spec'],
  ['status'],
  ['spec', 'strategy'],
  ['spec', 'updateStrategy'],
  ['spec', 'template'],
  ['spec', 'template', 'metadata'],
  ['spec', 'template', 'spec'],
  ['spec', 'jobTemplate'],
  ['spec', 'jobTemplate', 'metadata'],
  ['spec', 'jobTemplate', 'spec'],
  ['spec', 'jobTemplate', 'spec', 'template'],
  ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  ['status', 'loadBalancer'],
];

/**
 * Whether `path` (field names, list items as '*') is present in the Go zero value of its parent:
 * a non-pointer struct, or a list without omitempty (PodSpec.containers serializes as null).
 */
export function isInlineStruct(path: readonly string[]): boolean {
  if (INLINE_STRUCTS.some((s) => s.length === path.length && s.every((seg, i) => seg === path[i]))) return true;
  const last = path[path.length - 1];
  if (last === 'containers' && path[path.length - 2] === 'spec') return true;
  // Container.resources is a value struct in every container list.
  return last === 'resources' && path[path.length - 2] === '*';
}
