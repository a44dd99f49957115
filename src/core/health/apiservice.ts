// APIService health, after Argo CD (gitops-engine health_apiservice.go): the Available condition.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition } from './fields.ts';

export function apiServiceHealth(obj: KubeObject): HealthResult {
  const available = findCondition(conditions(obj), 'Available');
  if (!available) return { status: 'Progressing', message: 'Waiting to be processed' };
  const message = `${available.reason}: ${available.message}`;
  return { status: available.status === 'True' ? 'Healthy' : 'Progressing', message };
}
