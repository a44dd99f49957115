// External Secrets PushSecret: Ready=True (reason Synced) once the Secret was pushed to every store,
// Ready=False (reason Errored) when a push failed.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { readyConditionHealth } from './ready-condition.ts';

export function pushSecretHealth(obj: KubeObject): HealthResult {
  return readyConditionHealth(obj, 'Waiting for PushSecret');
}
