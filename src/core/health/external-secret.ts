// External Secrets ExternalSecret: one Ready condition (reasons SecretSynced when the target Secret was
// written from the provider, SecretSyncedError when fetching or writing failed, SecretDeleted /
// SecretMissing ...). No condition yet: the controller has not synced it.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { readyConditionHealth } from './ready-condition.ts';

export function externalSecretHealth(obj: KubeObject): HealthResult {
  return readyConditionHealth(obj, 'Waiting for ExternalSecret');
}
