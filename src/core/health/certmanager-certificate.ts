// cert-manager Certificate. Issuing=True while a new certificate is being requested (it goes before
// Ready, which still describes the old Secret); Ready=True when the Secret holds a valid, up-to-date
// certificate; Ready=False when it does not (missing, expired, wrong spec, failed issuance: then
// status.lastFailureTime and failedIssuanceAttempts are set and cert-manager backs off before retrying).
// cert-manager records the generation each condition was computed from; a Ready of an older generation
// is not trusted (Argo CD does not check this and shows the old verdict until cert-manager catches up).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generationLag, num, status } from './fields.ts';

export function certificateHealth(obj: KubeObject): HealthResult {
  const conds = conditions(obj);
  const issuing = findCondition(conds, 'Issuing');
  if (issuing?.status === 'True') return { status: 'Progressing', message: issuing.message };
  const ready = findCondition(conds, 'Ready');
  if (!ready) return { status: 'Progressing', message: 'Waiting for certificate' };
  const lag = generationLag(obj, ready);
  if (lag) return { status: 'Progressing', message: lag };
  if (ready.status === 'True') return { status: 'Healthy', message: ready.message };
  if (ready.status === 'False') {
    const attempts = num(status(obj).failedIssuanceAttempts);
    return { status: 'Degraded', message: attempts > 0 ? `${ready.message} (${attempts} failed issuance attempt${attempts > 1 ? 's' : ''})` : ready.message };
  }
  return { status: 'Progressing', message: ready.message || 'Waiting for certificate' };
}
