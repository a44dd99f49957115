// The conditions KEDA's ScaledObject and ScaledJob share (apis/keda/v1alpha1 condition_types.go).
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generationLag, messageOf } from './fields.ts';

export function kedaHealth(obj: KubeObject, waiting: string): HealthResult {
  const conds = conditions(obj);
  const ready = findCondition(conds, 'Ready');
  const fallback = findCondition(conds, 'Fallback');
  const paused = findCondition(conds, 'Paused');
  if (ready?.status === 'False') return { status: 'Degraded', message: messageOf(ready, 'Ready=False') };
  // Ready=Unknown is KEDA's initial state (no reason), but also what it writes when only some triggers
  // work (reason PartialTriggerError).
  if (ready?.status === 'Unknown' && /Error|Fail/.test(ready.reason)) return { status: 'Degraded', message: messageOf(ready) };
  if (fallback?.status === 'True') return { status: 'Degraded', message: messageOf(fallback, 'Scalers are failing; using fallback replicas') };
  const lag = generationLag(obj);
  if (lag) return { status: 'Progressing', message: lag };
  if (ready?.status === 'True') {
    if (paused?.status === 'True') return { status: 'Suspended', message: messageOf(paused, `${obj.kind} is paused`) };
    return { status: 'Healthy', message: ready.message };
  }
  return { status: 'Progressing', message: ready?.message || waiting };
}
