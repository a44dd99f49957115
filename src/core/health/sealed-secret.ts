// Bitnami SealedSecret: the controller writes status.conditions[type=Synced] (True once the Secret was
// unsealed and written, False with the error, e.g. "no key could decrypt secret") and
// status.observedGeneration. No status: not unsealed yet (or the controller runs with
// --update-status=false, in which case only a CEL rule from the operator config can say more).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generationLag } from './fields.ts';

export function sealedSecretHealth(obj: KubeObject): HealthResult {
  const synced = findCondition(conditions(obj), 'Synced');
  if (!synced) return { status: 'Progressing', message: 'Waiting for Sealed Secret to be decrypted' };
  const lag = generationLag(obj);
  if (lag) return { status: 'Progressing', message: lag };
  if (synced.status === 'True') return { status: 'Healthy', message: synced.message };
  if (synced.status === 'False') return { status: 'Degraded', message: synced.message || synced.reason };
  return { status: 'Progressing', message: synced.message || 'Waiting for Sealed Secret to be decrypted' };
}
