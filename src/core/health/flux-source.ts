// Flux sources (source.toolkit.fluxcd.io GitRepository, HelmRepository, OCIRepository, HelmChart,
// Bucket): one status API for all of them. Ready=True once an artifact of the wanted revision is in
// storage; Ready=False with FetchFailed, GitOperationFailed, StorageOperationFailed,
// ChartPullFailed/BuildFailed, AuthenticationFailed... ArtifactOutdated=True means a newer revision
// is being fetched. A HelmRepository of type "oci" has no status at all in Flux 2.x (nothing is
// fetched): Healthy.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, spec, str } from './fields.ts';
import { fluxHealth } from './flux-conditions.ts';

export function fluxSourceHealth(obj: KubeObject): HealthResult {
  if (obj.kind === 'HelmRepository' && str(spec(obj).type) === 'oci' && conditions(obj).length === 0 && spec(obj).suspend !== true) {
    return { status: 'Healthy', message: 'OCI HelmRepository: nothing to fetch' };
  }
  const h = fluxHealth(obj);
  const outdated = findCondition(conditions(obj), 'ArtifactOutdated');
  if (h.status === 'Healthy' && outdated?.status === 'True') return { status: 'Progressing', message: outdated.message || outdated.reason };
  return h;
}
