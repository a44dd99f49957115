// Health of custom resources that follow the Kubernetes status conventions (kstatus, Flux,
// Crossplane, cert-manager, Cluster API): status.observedGeneration and status.conditions with
// Ready / Available / Stalled / Reconciling / Synced. Objects without any of these have no health.
//
// Order matters: a spec the controller has not seen yet says nothing about the current conditions,
// so the generation lag comes first; Stalled (controller gave up) beats Ready; Reconciling=True means
// work in progress whatever Ready says.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, findCondition, generation, optNum, spec, status, type Condition } from './fields.ts';

const KNOWN = ['Ready', 'Available', 'Stalled', 'Reconciling', 'Synced'];

function describe(c: Condition): string {
  return [c.reason, c.message].filter(Boolean).join(': ');
}

export function genericConditionsHealth(obj: KubeObject): HealthResult | undefined {
  const conds = conditions(obj);
  if (!conds.some((c) => KNOWN.includes(c.type))) return undefined;

  if (spec(obj).suspend === true) return { status: 'Suspended', message: 'Reconciliation is suspended' };
  const observed = optNum(status(obj).observedGeneration);
  const gen = generation(obj);
  if (observed !== undefined && gen > 0 && observed < gen) {
    return { status: 'Progressing', message: `Waiting for generation ${gen} to be observed (observed ${observed})` };
  }
  const stalled = findCondition(conds, 'Stalled');
  if (stalled?.status === 'True') return { status: 'Degraded', message: describe(stalled) };
  const synced = findCondition(conds, 'Synced'); // Crossplane: False = the provider failed to reconcile
  if (synced?.status === 'False') return { status: 'Degraded', message: describe(synced) };
  // kstatus Reconciling, cert-manager Issuing: work in progress whatever Ready says.
  const working = conds.find((c) => (c.type === 'Reconciling' || c.type === 'Issuing') && c.status === 'True');
  if (working) return { status: 'Progressing', message: describe(working) };

  const ready = findCondition(conds, 'Ready') ?? findCondition(conds, 'Available');
  if (ready) {
    if (ready.status === 'True') return { status: 'Healthy', message: describe(ready) };
    if (ready.status === 'False') {
      // Controllers that report progress through Ready=False use reasons like these.
      const progressing = /^(Progressing|Reconciling|Pending|InProgress|Creating|Provisioning|Waiting|Initializing|Issuing)/i.test(ready.reason);
      return { status: progressing ? 'Progressing' : 'Degraded', message: describe(ready) };
    }
    return { status: 'Progressing', message: describe(ready) || `Waiting for ${ready.type}` };
  }
  if (synced?.status === 'True') return { status: 'Progressing', message: 'Synced, waiting for Ready' };
  return { status: 'Healthy', message: '' };
}
