// The generic rule, for kinds without a rule of their own: the Kubernetes status conventions that
// kstatus (sigs.k8s.io/cli-utils) reads, plus the Ready/Available/Synced conditions that Flux,
// Crossplane composites, Cluster API and most operators write.
//
// Order matters: a spec the controller has not observed yet says nothing about the current conditions,
// so the generation lag comes first; Stalled (the controller gave up) beats Ready; Reconciling=True
// means work in progress whatever Ready says. Every message starts with "generic rule" so a reader
// knows no kind-specific rule decided.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, describe, findCondition, generation, generationLag, hasNoStatus, optNum, spec, status, type Condition } from './fields.ts';

const KNOWN = ['Ready', 'Available', 'Stalled', 'Reconciling', 'Synced'];
// Controllers that report progress through Ready=False use reasons like these.
const PROGRESS_REASON = /^(Progressing|Reconciling|Pending|InProgress|Creating|Provisioning|Waiting|Initializing|Issuing)/i;

function generic(status: HealthResult['status'], detail: string): HealthResult {
  return { status, message: detail ? `generic rule: ${detail}` : 'generic rule' };
}

function said(c: Condition): string {
  const d = describe(c);
  return `${c.type}=${c.status}${d ? ` (${d})` : ''}`;
}

/**
 * `builtin`: the kind is one of Kubernetes' own (group without a dot, or *.k8s.io). Those without a
 * rule (ConfigMap, Secret, RBAC, Namespace...) have no notion of health, so a status that says nothing
 * gives no health rather than Healthy. A custom kind with no status at all is Healthy (there is nothing
 * to wait for: ServiceMonitor, IngressRoute and most config-like CRDs never get a status); a custom kind
 * whose status has neither conditions nor observedGeneration gives no health, as Argo CD does.
 */
export function genericConditionsHealth(obj: KubeObject, builtin = false): HealthResult | undefined {
  if (hasNoStatus(obj)) {
    if (builtin) return undefined;
    const gen = generation(obj);
    return generic('Healthy', gen > 0 ? 'no status to assess (generation has no observedGeneration to wait for)' : 'no status to assess');
  }
  const conds = conditions(obj);
  const lag = generationLag(obj);
  if (lag) return generic('Progressing', lag);
  if (!builtin && spec(obj).suspend === true) return generic('Suspended', 'spec.suspend is true');

  if (!conds.some((c) => KNOWN.includes(c.type))) {
    const observed = optNum(status(obj).observedGeneration);
    // kstatus: the controller has observed the current spec and reports no condition against it.
    if (observed !== undefined && observed === generation(obj) && observed > 0) return generic('Healthy', `generation ${observed} observed, no conditions reported`);
    return undefined;
  }

  const stalled = findCondition(conds, 'Stalled');
  if (stalled?.status === 'True') return generic('Degraded', said(stalled));
  const synced = findCondition(conds, 'Synced'); // Crossplane composites: False = the last reconcile failed
  if (synced?.status === 'False') return generic('Degraded', said(synced));
  const working = conds.find((c) => c.type === 'Reconciling' && c.status === 'True');
  if (working) return generic('Progressing', said(working));

  const ready = findCondition(conds, 'Ready') ?? findCondition(conds, 'Available');
  if (ready) {
    const readyLag = generationLag(obj, ready);
    if (readyLag) return generic('Progressing', readyLag);
    if (ready.status === 'True') return generic('Healthy', said(ready));
    if (ready.status === 'False') return generic(PROGRESS_REASON.test(ready.reason) ? 'Progressing' : 'Degraded', said(ready));
    return generic('Progressing', said(ready));
  }
  if (synced?.status === 'True') return generic('Progressing', 'Synced=True, waiting for Ready');
  // Only Reconciling=False / Stalled=False: kstatus calls that Current.
  return generic('Healthy', conds.filter((c) => KNOWN.includes(c.type)).map(said).join(', '));
}
