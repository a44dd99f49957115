// Flux HelmRelease (helm.toolkit.fluxcd.io): Ready sums up Released (install/upgrade), TestSuccess
// (when tests are enabled) and Remediated; Ready=False with InstallFailed, UpgradeFailed, TestFailed,
// ArtifactFailed, InitFailed...; Stalled=True with RetriesExceeded once remediation retries ran out.
// Argo CD also asks for Released or TestSuccess to be True next to Ready; Ready=True already implies it.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { fluxHealth } from './flux-conditions.ts';

export function fluxHelmReleaseHealth(obj: KubeObject): HealthResult {
  return fluxHealth(obj);
}
