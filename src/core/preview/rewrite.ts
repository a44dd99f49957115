// The rendered app moved into its preview namespace. A preview is namespace-scoped: an object of a
// cluster-scoped kind (ClusterRole, CRD, Namespace, …) would outlive the namespace and touch what other
// previews and production share, and an object naming another namespace would write outside the
// preview; both are refused, every one named at its file:line, and then nothing at all is applied.
// Objects in the app's own namespace are moved to the preview's. Pure: the caller resolves each
// kind's scope (discovery, else the built-in tables and the render's CRDs).
import { displayKey, keyOf, type SourcedObject } from '../model/object.ts';
import type { ScopeAnswer } from '../policy/kind-scopes.ts';
import type { ReportError } from '../report/types.ts';
import { collidesWithGuardRail } from './guard-rails.ts';
import type { KubeObject } from '../model/object.ts';

export interface PreviewRewrite {
  objects: SourcedObject[];
  /** Why the preview cannot be applied; empty when it can. */
  refusals: ReportError[];
}

export function moveIntoPreview(
  objects: SourcedObject[],
  scopes: ReadonlyMap<string, ScopeAnswer>,
  ns: { app: string; preview: string; guardRails: readonly KubeObject[] },
): PreviewRewrite {
  const refusals: ReportError[] = [];
  const out: SourcedObject[] = [];
  for (const s of objects) {
    const o = s.object;
    const scope = scopes.get(`${o.apiVersion}/${o.kind}`) ?? { scope: 'unknown', why: `the scope of ${o.kind} in ${o.apiVersion} is not known` };
    const at = s.source ? { location: s.source } : {};
    if (scope.scope === 'cluster') {
      refusals.push({ message: `${displayKey(keyOf(o))} is cluster-scoped: previews are namespace-scoped and cannot create ${o.kind} objects`, title: 'Refused in a preview', ...at });
      continue;
    }
    if (scope.scope === 'unknown') {
      refusals.push({ message: `${displayKey(keyOf(o))}: ${scope.why}`, title: 'Refused in a preview', ...at });
      continue;
    }
    const named = o.metadata?.namespace;
    if (named !== undefined && named !== ns.app && named !== ns.preview) {
      refusals.push({ message: `${displayKey(keyOf(o))} names namespace "${named}": a preview only writes to its own namespace ${ns.preview} (objects in ${ns.app}, the app's namespace, are moved there)`, title: 'Refused in a preview', ...at });
      continue;
    }
    const moved = { ...s, object: { ...o, metadata: { ...o.metadata, namespace: ns.preview } } };
    if (collidesWithGuardRail(moved.object, ns.guardRails, ns.preview)) {
      refusals.push({ message: `${displayKey(keyOf(moved.object))} would replace a guard rail of the preview namespace (set by the operator config)`, title: 'Refused in a preview', ...at });
      continue;
    }
    out.push(moved);
  }
  return { objects: out, refusals };
}
