// The shape many operators share: one Ready condition, True = working, False = failed (the reason and
// message say why), absent or Unknown = the controller has not decided yet. A Ready computed from an
// older generation (condition or status observedGeneration) is not trusted.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generationLag } from './fields.ts';

export function readyConditionHealth(obj: KubeObject, waiting: string): HealthResult {
  const ready = findCondition(conditions(obj), 'Ready');
  if (!ready) return { status: 'Progressing', message: waiting };
  const lag = generationLag(obj, ready);
  if (lag) return { status: 'Progressing', message: lag };
  if (ready.status === 'True') return { status: 'Healthy', message: ready.message };
  if (ready.status === 'False') return { status: 'Degraded', message: ready.message || ready.reason };
  return { status: 'Progressing', message: ready.message || waiting };
}
