// PersistentVolumeClaim health, after Argo CD (gitops-engine health_pvc.go).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { status, str } from './fields.ts';

export function pvcHealth(obj: KubeObject): HealthResult {
  const phase = str(status(obj).phase);
  switch (phase) {
    case 'Bound':
      return { status: 'Healthy', message: '' };
    case 'Pending':
      // Normal for WaitForFirstConsumer storage classes until a pod uses the claim.
      return { status: 'Progressing', message: 'Waiting for the claim to be bound' };
    case 'Lost':
      return { status: 'Degraded', message: 'The claim lost its underlying PersistentVolume' };
    default:
      return { status: 'Unknown', message: phase ? `Unknown phase ${phase}` : '' };
  }
}
