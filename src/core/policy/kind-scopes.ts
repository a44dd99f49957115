// Is a kind namespaced or cluster-scoped when no cluster can be asked? Built-in kinds (the tables
// below and normalize/scope.ts) and the CRDs among the rendered objects (spec.scope) answer; anything
// else is unknown. Discovery, when the cluster is reachable, is asked first (src/sync/bounds.ts).
import { parseApiVersion, type SourcedObject } from '../model/object.ts';
import { isClusterScopedBuiltin } from '../normalize/scope.ts';

export type KindScope = 'namespaced' | 'cluster';

/** A scope, or why none is known (becomes the violation's message). */
export type ScopeAnswer = { scope: KindScope } | { scope: 'unknown'; why: string };

// Namespaced kinds served by kube-apiserver itself (`kubectl api-resources --namespaced=true`, 1.34).
const NAMESPACED_BUILTINS = new Set<string>([
  '/Pod', '/Service', '/ConfigMap', '/Secret', '/ServiceAccount', '/PersistentVolumeClaim', '/Endpoints',
  '/Event', '/LimitRange', '/ResourceQuota', '/ReplicationController', '/PodTemplate', '/Binding',
  'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'apps/ControllerRevision',
  'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy', 'extensions/Ingress',
  'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
  'coordination.k8s.io/Lease', 'discovery.k8s.io/EndpointSlice', 'events.k8s.io/Event',
  'storage.k8s.io/CSIStorageCapacity', 'resource.k8s.io/ResourceClaim', 'resource.k8s.io/ResourceClaimTemplate',
  'authorization.k8s.io/LocalSubjectAccessReview',
]);

/** Scope of a built-in kind by group and kind; undefined when it is not one. */
export function builtinScope(group: string, kind: string): KindScope | undefined {
  if (NAMESPACED_BUILTINS.has(`${group}/${kind}`)) return 'namespaced';
  if (isClusterScopedBuiltin(group, kind)) return 'cluster';
  return undefined;
}

/** group/Kind -> scope for every CustomResourceDefinition among the objects. */
export function crdScopes(objects: SourcedObject[]): Map<string, KindScope> {
  const m = new Map<string, KindScope>();
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition' || parseApiVersion(object.apiVersion).group !== 'apiextensions.k8s.io') continue;
    const spec = (object.spec ?? {}) as { group?: unknown; scope?: unknown; names?: { kind?: unknown } };
    if (typeof spec.group === 'string' && typeof spec.names?.kind === 'string') {
      m.set(`${spec.group}/${spec.names.kind}`, spec.scope === 'Cluster' ? 'cluster' : 'namespaced');
    }
  }
  return m;
}

/** The offline answer: CRDs in the render, then the built-in tables. */
export function offlineScope(crds: Map<string, KindScope>, apiVersion: string, kind: string, why: string): ScopeAnswer {
  const group = parseApiVersion(apiVersion).group;
  const scope = crds.get(`${group}/${kind}`) ?? builtinScope(group, kind);
  return scope ? { scope } : { scope: 'unknown', why };
}
