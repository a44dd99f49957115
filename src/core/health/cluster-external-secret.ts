// External Secrets ClusterExternalSecret: creates one ExternalSecret per selected namespace. Its
// conditions are appended over time, so the last one is the current verdict: Ready, PartiallyReady
// (some namespaces failed) or NotReady (all failed); status.failedNamespaces names the namespaces
// that failed and why. Older controllers wrote PartiallyReady/NotReady with status False, newer ones
// True; either way the condition's presence as the latest entry means failure.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { asArray, asObj, conditions, status, str } from './fields.ts';

function failedNamespaces(obj: KubeObject): string[] {
  return asArray(status(obj).failedNamespaces).map((f) => {
    if (typeof f === 'string') return f;
    const o = asObj(f);
    return [str(o.namespace), str(o.reason)].filter(Boolean).join(': ');
  }).filter(Boolean);
}

export function clusterExternalSecretHealth(obj: KubeObject): HealthResult {
  const conds = conditions(obj);
  const last = conds[conds.length - 1];
  const failed = failedNamespaces(obj);
  const why = failed.length > 0 ? `failed namespaces: ${failed.join('; ')}` : '';
  if (last?.type === 'PartiallyReady' || last?.type === 'NotReady') {
    return { status: 'Degraded', message: [last.message, why].filter(Boolean).join('; ') || last.type };
  }
  if (last?.type === 'Ready') {
    if (last.status === 'True' && failed.length === 0) return { status: 'Healthy', message: last.message };
    if (last.status === 'False' || failed.length > 0) return { status: 'Degraded', message: [last.message, why].filter(Boolean).join('; ') || 'Ready=False' };
  }
  if (failed.length > 0) return { status: 'Degraded', message: why };
  return { status: 'Progressing', message: 'Waiting for ClusterExternalSecret' };
}
