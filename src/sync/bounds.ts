// The project's bounds checked against a cluster: each kind's scope from discovery (reads of the API's
// discovery documents only: nothing of the rendered objects is sent, so this is safe for fork PRs),
// falling back to the built-in tables and the render's CRDs when discovery cannot be reached. A kind
// the reachable cluster does not serve and no CRD in the render defines is an unknown kind.
import { checkBounds, type BoundsViolation, type ProjectBounds } from '../core/policy/bounds.ts';
import { crdScopes, offlineScope, type ScopeAnswer } from '../core/policy/kind-scopes.ts';
import type { SourcedObject } from '../core/model/object.ts';
import type { Cluster } from '../kube/cluster.ts';
import { gvkOf } from '../kube/discovery.ts';
import { kubeMessage } from '../kube/errors.ts';

/** Scope of every apiVersion/kind among the objects (one discovery request per group/version at most). */
export async function resolveScopes(cluster: Pick<Cluster, 'discovery'> | undefined, objects: SourcedObject[]): Promise<Map<string, ScopeAnswer>> {
  const crds = crdScopes(objects);
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const { object } of objects) kinds.set(`${object.apiVersion}/${object.kind}`, { apiVersion: object.apiVersion, kind: object.kind });
  const out = new Map<string, ScopeAnswer>();
  await Promise.all([...kinds].map(async ([k, { apiVersion, kind }]) => {
    if (!cluster) {
      out.set(k, offlineScope(crds, apiVersion, kind, `kind ${kind} in ${apiVersion} is not a built-in kind and no CRD in the render defines it (no cluster to ask)`));
      return;
    }
    try {
      const info = await cluster.discovery.resolve(gvkOf(apiVersion, kind));
      const crd = crds.get(`${gvkOf(apiVersion, kind).group}/${kind}`);
      if (info) out.set(k, { scope: info.namespaced ? 'namespaced' : 'cluster' });
      else if (crd) out.set(k, { scope: crd }); // its CRD is applied first, in the same sync
      else out.set(k, { scope: 'unknown', why: `unknown kind: the cluster does not serve ${kind} in ${apiVersion} and no CRD in the render defines it (install its CRD first, or fix apiVersion)` });
    } catch (e) {
      out.set(k, offlineScope(crds, apiVersion, kind, `kind ${kind} in ${apiVersion} is not a built-in kind, no CRD in the render defines it, and the cluster's discovery failed: ${kubeMessage(e)}`));
    }
  }));
  return out;
}

/** Violations of the objects against the bounds; `defaultNamespace` is where objects without one go. */
export async function boundsViolations(cluster: Pick<Cluster, 'discovery'> | undefined, objects: SourcedObject[], bounds: ProjectBounds, defaultNamespace: string): Promise<BoundsViolation[]> {
  const scopes = await resolveScopes(cluster, objects);
  return checkBounds(objects.map((o) => ({ ...o, scope: scopes.get(`${o.object.apiVersion}/${o.object.kind}`)! })), bounds, defaultNamespace);
}
