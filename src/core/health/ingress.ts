// Ingress health, after Argo CD (gitops-engine health_ingress.go): Healthy once the controller has
// published an address in status.loadBalancer.ingress.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asArray, asObj, status } from './fields.ts';

export function ingressHealth(obj: KubeObject): HealthResult {
  const ingress = asArray(asObj(status(obj).loadBalancer).ingress);
  return ingress.length > 0
    ? { status: 'Healthy', message: '' }
    : { status: 'Progressing', message: 'Waiting for the ingress controller to publish an address' };
}
