// The status every Flux toolkit object writes (fluxcd/pkg/apis/meta, the kstatus conventions):
// spec.suspend stops reconciliation; status.observedGeneration lags metadata.generation until the
// controller has seen the current spec; Reconciling=True + Ready=Unknown (reason Progressing) while it
// works; Stalled=True when it gave up (a terminal error that a retry cannot fix); Ready=True/False
// with the outcome. A failed attempt that Flux will retry is Ready=False + Reconciling=True (reason
// ProgressingWithRetry): kstatus reads that InProgress, Argo CD and `flux get` Degraded; we agree
// with Argo CD so a failing release does not wait out the whole sync timeout.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, describe, findCondition, generationLag, spec } from './fields.ts';

export function fluxHealth(obj: KubeObject): HealthResult {
  if (spec(obj).suspend === true) return { status: 'Suspended', message: `${obj.kind} is suspended` };
  const conds = conditions(obj);
  if (conds.length === 0) return { status: 'Progressing', message: 'Status unknown: waiting for the controller to report' };
  const lag = generationLag(obj);
  if (lag) return { status: 'Progressing', message: lag };
  const stalled = findCondition(conds, 'Stalled');
  if (stalled?.status === 'True') return { status: 'Degraded', message: describe(stalled) };
  const ready = findCondition(conds, 'Ready');
  if (!ready) {
    const reconciling = findCondition(conds, 'Reconciling');
    return { status: 'Progressing', message: reconciling ? describe(reconciling) : 'Waiting for the Ready condition' };
  }
  const readyLag = generationLag(obj, ready);
  if (readyLag) return { status: 'Progressing', message: readyLag };
  if (ready.status === 'True') return { status: 'Healthy', message: describe(ready) };
  if (ready.status === 'False') return { status: 'Degraded', message: describe(ready) };
  return { status: 'Progressing', message: describe(ready) || 'Reconciliation in progress' };
}
