// Flux Kustomization (kustomize.toolkit.fluxcd.io): Ready=True "Applied revision: ..." after a build,
// apply and (with wait/healthChecks) health check; Ready=False with BuildFailed, HealthCheckFailed,
// DependencyNotReady, ArtifactFailed, PruneFailed, ReconciliationFailed. See flux-conditions.ts.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { fluxHealth } from './flux-conditions.ts';

export function fluxKustomizationHealth(obj: KubeObject): HealthResult {
  return fluxHealth(obj);
}
