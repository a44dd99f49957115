// Desired objects made ready for the cluster: every kind resolved in discovery (or defined by a CRD in the
// same set), namespaces defaulted for namespaced kinds only and dropped for cluster-scoped ones (as
// kubectl does), and ownership marks added. Problems are collected per object, never thrown one by one,
// so the caller can refuse the whole sync before its first write.
import { displayKey, keyOf, parseApiVersion, type KubeObject, type SourcedObject } from '../core/model/object.ts';
import { withOwnership } from '../core/ownership.ts';
import type { Cluster } from '../kube/cluster.ts';
import { gvkOf, type GVK } from '../kube/discovery.ts';

export interface PreparedObject extends SourcedObject {
  gvk: GVK;
  /** Served once its CRD (in this same sync) is established; not in discovery yet. */
  pendingCrd?: boolean;
  /** Noteworthy without being an error: a namespace ignored on a cluster-scoped kind. */
  warning?: string;
}

export interface PrepareProblem {
  object: KubeObject;
  source?: SourcedObject['source'];
  message: string;
}

export interface Prepared {
  objects: PreparedObject[];
  problems: PrepareProblem[];
  gvks: GVK[];
  namespace: string;
}

/** group/Kind -> namespaced, for kinds defined by CRDs among the desired objects. */
function crdKinds(desired: SourcedObject[]): Map<string, boolean> {
  const m = new Map<string, boolean>();
  for (const { object } of desired) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = (object.spec ?? {}) as { group?: string; scope?: string; names?: { kind?: string } };
    if (spec.group && spec.names?.kind) m.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return m;
}

/**
 * `allowedNamespaces`: the operator's access is restricted to these namespaces (namespaced RBAC), so a
 * cluster-scoped object, or one in another namespace, is a problem reported before any write.
 */
export async function prepareDesired(cluster: Cluster, app: string, desired: SourcedObject[], namespace?: string, allowedNamespaces?: string[]): Promise<Prepared> {
  const ns = namespace || cluster.contextNamespace || 'default';
  const fromCrds = crdKinds(desired);
  const objects: PreparedObject[] = [];
  const problems: PrepareProblem[] = [];
  const gvks = new Map<string, GVK>();
  // Discovery of every group/version at once (one request each, in parallel), not one after another.
  const infos = new Map<string, Promise<Awaited<ReturnType<Cluster['discovery']['resolve']>>>>();
  for (const { object } of desired) {
    const k = `${object.apiVersion}/${object.kind}`;
    if (!infos.has(k)) {
      const p = cluster.discovery.resolve(gvkOf(object.apiVersion, object.kind));
      p.catch(() => undefined);
      infos.set(k, p);
    }
  }
  for (const { object, source } of desired) {
    const gvk = gvkOf(object.apiVersion, object.kind);
    let namespaced: boolean;
    let pendingCrd = false;
    try {
      const info = await infos.get(`${object.apiVersion}/${object.kind}`)!;
      if (info) namespaced = info.namespaced;
      else if (fromCrds.has(`${gvk.group}/${gvk.kind}`)) {
        namespaced = fromCrds.get(`${gvk.group}/${gvk.kind}`)!;
        pendingCrd = true;
      } else {
        problems.push({ object, source, message: `unknown kind: the cluster does not serve ${object.kind} in ${object.apiVersion} (no such API in discovery; install its CRD first or fix apiVersion)` });
        continue;
      }
    } catch (e) {
      problems.push({ object, source, message: `discovery of ${object.apiVersion} failed: ${(e as Error).message}` });
      continue;
    }
    const md = { ...(object.metadata ?? {}) };
    let warning: string | undefined;
    if (namespaced) md.namespace = md.namespace || ns;
    else {
      // Cluster-scoped (discovery or its CRD says so): the object is matched by name alone.
      if (md.namespace) warning = `${object.kind} ${md.name ?? ''} is cluster-scoped; its namespace "${md.namespace}" in the desired copy is ignored`;
      delete md.namespace;
    }
    if (!md.name) {
      problems.push({ object, source, message: `${displayKey(keyOf(object))}: metadata.name is required (generateName is not supported by apply)` });
      continue;
    }
    if (allowedNamespaces && !namespaced) {
      problems.push({ object, source, message: `${displayKey(keyOf({ ...object, metadata: md }))} is cluster-scoped, but access is restricted to namespace(s) ${allowedNamespaces.join(', ')}; sync it with cluster-wide access` });
      continue;
    }
    if (allowedNamespaces && !allowedNamespaces.includes(md.namespace!)) {
      problems.push({ object, source, message: `${displayKey(keyOf({ ...object, metadata: md }))} is outside the namespace(s) this sync may write to (${allowedNamespaces.join(', ')})` });
      continue;
    }
    const marked = withOwnership({ ...object, metadata: md }, app);
    objects.push({ object: marked, source, gvk, pendingCrd, ...(warning ? { warning } : {}) });
    gvks.set(`${object.apiVersion}/${object.kind}`, gvk);
  }
  return { objects, problems, gvks: [...gvks.values()], namespace: ns };
}

/** Built-in kinds watched for prunes even when no desired object uses them any more (a whole kind removed from git). */
export const PRUNE_SCAN_KINDS: readonly GVK[] = [
  ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Service'], ['v1', 'ServiceAccount'], ['v1', 'PersistentVolumeClaim'],
  ['v1', 'Namespace'], ['apps/v1', 'Deployment'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'], ['batch/v1', 'CronJob'], ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['policy/v1', 'PodDisruptionBudget'],
].map(([av, k]) => gvkOf(av, k));

export function groupOf(obj: KubeObject): string {
  return parseApiVersion(obj.apiVersion).group;
}
