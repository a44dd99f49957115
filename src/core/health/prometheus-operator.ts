// prometheus-operator Prometheus and Alertmanager (monitoring.coreos.com; one status shape): spec.paused
// stops the operator from touching the StatefulSets; condition Available is True (all replicas ready),
// Degraded (reason SomePodsNotReady: some are not) or False (none is); Reconciled=False means the
// operator could not apply the spec (invalid config, missing Secret...). Each condition carries the
// generation it describes. Like Argo CD's Prometheus rule (SomePodsNotReady is still rolling out);
// Argo CD has no Alertmanager rule and no Reconciled or paused check.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generationLag, messageOf, spec, status } from './fields.ts';

export function prometheusOperatorHealth(obj: KubeObject): HealthResult {
  if (spec(obj).paused === true || status(obj).paused === true) return { status: 'Suspended', message: `${obj.kind} is paused` };
  const conds = conditions(obj);
  const reconciled = findCondition(conds, 'Reconciled');
  if (reconciled?.status === 'False') return { status: 'Degraded', message: messageOf(reconciled, 'Reconciled=False') };
  const available = findCondition(conds, 'Available');
  if (!available) return { status: 'Progressing', message: 'Waiting for initialization' };
  const lag = generationLag(obj, available);
  if (lag) return { status: 'Progressing', message: lag };
  if (available.status === 'True') return { status: 'Healthy', message: 'All instances are available' };
  if (available.reason === 'SomePodsNotReady') return { status: 'Progressing', message: messageOf(available) };
  return { status: 'Degraded', message: messageOf(available, 'No instance is available') };
}
