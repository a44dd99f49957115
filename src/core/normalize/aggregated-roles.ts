// Aggregated ClusterRoles: when `aggregationRule` is set, kube-controller-manager's
// clusterrole-aggregation-controller owns `rules` and rewrites them from the selected roles; any rules
// written in Git are overwritten ("the control plane overwrites any values that you manually specify
// in the rules field"). So `rules` is never drift there: applying could not change it. This is
// Argo CD's `ignoreAggregatedRoles` compare option, always on.
import { isPlainObject } from './values.ts';

type Obj = Record<string, unknown>;

export function isAggregatedClusterRole(obj: Obj | undefined): boolean {
  return !!obj && obj.kind === 'ClusterRole' && obj.apiVersion === 'rbac.authorization.k8s.io/v1' && isPlainObject(obj.aggregationRule);
}

/** The object without `rules`, when the desired side makes it an aggregated ClusterRole. */
export function withoutAggregatedRules<T extends Obj>(obj: T, desired: Obj | undefined): T {
  if (!isAggregatedClusterRole(desired) || !('rules' in obj)) return obj;
  const out = { ...obj };
  delete out.rules;
  return out;
}
