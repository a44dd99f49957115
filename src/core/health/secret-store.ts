// External Secrets SecretStore and ClusterSecretStore (one status type): Ready=True (reason Valid) when
// the provider configuration was validated, Ready=False (InvalidProviderConfig, ValidationFailed,
// InvalidStoreConfiguration) when it cannot be used.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { readyConditionHealth } from './ready-condition.ts';

export function secretStoreHealth(obj: KubeObject): HealthResult {
  return readyConditionHealth(obj, `Waiting for ${obj.kind}`);
}
