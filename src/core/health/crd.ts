// CustomResourceDefinition health, after Argo CD's resource_customizations/apiextensions.k8s.io/
// CustomResourceDefinition/health.lua: a CRD is usable once the API server has accepted its names
// and marked it Established; a structural-schema violation (NonStructuralSchema=True) is an error
// even when established, because such a CRD cannot be served as intended. A CRD applied by this
// sync has no conditions for a moment (and Established=False with reason Installing while the API
// server sets it up), which is progress, not failure.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition } from './fields.ts';

export function crdHealth(obj: KubeObject): HealthResult {
  const conds = conditions(obj);
  if (conds.length === 0) return { status: 'Progressing', message: 'Status conditions not found' };
  const isTrue = (type: string) => findCondition(conds, type)?.status === 'True';

  const terminating = findCondition(conds, 'Terminating');
  if (terminating?.status === 'True') return { status: 'Progressing', message: `CRD is terminating: ${terminating.message}` };
  const names = findCondition(conds, 'NamesAccepted');
  if (names?.status === 'False') return { status: 'Degraded', message: `CRD names have not been accepted: ${names.message}` };
  if (!isTrue('Established')) {
    // Established=False/Installing is the API server still setting the CRD up (argo-cd's newer rule).
    if (findCondition(conds, 'Established')?.reason === 'Installing') return { status: 'Progressing', message: 'CRD is being installed' };
    return { status: 'Degraded', message: 'CRD is not established' };
  }
  const violations = findCondition(conds, 'NonStructuralSchema');
  if (violations?.status === 'True') return { status: 'Degraded', message: `Schema violations found: ${violations.message}` };
  return { status: 'Healthy', message: 'CRD is healthy' };
}
