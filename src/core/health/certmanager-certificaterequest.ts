// cert-manager CertificateRequest: a one-shot request. Its conditions (cert-manager docs, "CertificateRequest
// conditions"): InvalidRequest=True (never retried), Denied=True (an approver refused it: terminal),
// Approved=True, and Ready with reason Pending (waiting for approval or the issuer), Issued (done),
// Failed (terminal) or Denied. Argo CD has no rule for this kind.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, describe, findCondition } from './fields.ts';

export function certificateRequestHealth(obj: KubeObject): HealthResult {
  const conds = conditions(obj);
  const invalid = findCondition(conds, 'InvalidRequest');
  if (invalid?.status === 'True') return { status: 'Degraded', message: describe(invalid) || 'Invalid request' };
  const denied = findCondition(conds, 'Denied');
  if (denied?.status === 'True') return { status: 'Degraded', message: describe(denied) || 'Request was denied' };
  const ready = findCondition(conds, 'Ready');
  if (ready?.status === 'True') return { status: 'Healthy', message: ready.message };
  if (ready?.status === 'False' && ready.reason !== 'Pending') return { status: 'Degraded', message: describe(ready) };
  const approved = findCondition(conds, 'Approved');
  if (!ready && approved?.status !== 'True') return { status: 'Progressing', message: 'Waiting for approval' };
  return { status: 'Progressing', message: ready ? describe(ready) : 'Waiting for the issuer' };
}
