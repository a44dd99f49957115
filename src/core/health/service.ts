// Service health, after Argo CD (gitops-engine health_service.go): only LoadBalancer Services have a
// state to wait for, the external address in status.loadBalancer.ingress.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asArray, asObj, spec, status, str } from './fields.ts';

export function serviceHealth(obj: KubeObject): HealthResult {
  if (str(spec(obj).type) !== 'LoadBalancer') return { status: 'Healthy', message: '' };
  const ingress = asArray(asObj(status(obj).loadBalancer).ingress);
  return ingress.length > 0
    ? { status: 'Healthy', message: '' }
    : { status: 'Progressing', message: 'Waiting for the load balancer to be provisioned' };
}
