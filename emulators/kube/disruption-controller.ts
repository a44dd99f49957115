// The disruption controller, in small: a PodDisruptionBudget's status counts the pods its selector
// matches (expected), the ready ones (current healthy), what minAvailable / maxUnavailable require
// (desired healthy, percentages of the expected count rounded up), and how many may be disrupted.
import type { KubeApi } from './api.ts';
import { labelSelectorReqs, matchesLabels } from './selectors.ts';

type Obj = Record<string, any>;

const podReady = (p: Obj) => ((p.status?.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');

function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function disruptionStatus(api: KubeApi, pdb: Obj, now: string): Obj {
  const podRes = api.registry.byKind('', 'Pod')!;
  const reqs = labelSelectorReqs(pdb.spec?.selector);
  const pods = reqs.length === 0 ? [] : (api.store.scan(podRes, pdb.metadata.namespace) as Obj[])
    .filter((p) => matchesLabels(reqs, p.metadata.labels) && !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));
  const expected = pods.length;
  const healthy = pods.filter(podReady).length;
  const desired = pdb.spec?.maxUnavailable !== undefined
    ? Math.max(0, expected - scaled(pdb.spec.maxUnavailable, expected, true))
    : scaled(pdb.spec?.minAvailable ?? 1, expected, true);
  const allowed = Math.max(0, healthy - desired);
  const prev = ((pdb.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'DisruptionAllowed');
  const status = allowed > 0 ? 'True' : 'False';
  const reason = allowed > 0 ? 'SufficientPods' : 'InsufficientPods';
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected,
    conditions: [{
      type: 'DisruptionAllowed', status, reason, message: '',
      observedGeneration: pdb.metadata.generation ?? 1,
      lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
    }],
  };
}
