// cert-manager Issuer and ClusterIssuer (one status type, IssuerStatus): a single Ready condition,
// True once the issuer is registered/validated (ACME account registered, CA Secret found...), False
// with the reason when it cannot issue. No condition yet: cert-manager has not set it up.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generationLag } from './fields.ts';

export function issuerHealth(obj: KubeObject): HealthResult {
  const ready = findCondition(conditions(obj), 'Ready');
  if (!ready) return { status: 'Progressing', message: 'Initializing issuer' };
  const lag = generationLag(obj, ready);
  if (lag) return { status: 'Progressing', message: lag };
  if (ready.status === 'True') return { status: 'Healthy', message: ready.message };
  if (ready.status === 'False') return { status: 'Degraded', message: ready.message };
  return { status: 'Progressing', message: ready.message || 'Initializing issuer' };
}
