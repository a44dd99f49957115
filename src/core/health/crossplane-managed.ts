// Crossplane managed resources: any kind in a *.crossplane.io or *.upbound.io provider group (and the
// composites and claims that use the same conditions). Crossplane's conditions (crossplane-runtime
// xpv1): Synced says whether the last reconcile with the provider API worked (False = ReconcileError,
// or ReconcilePaused for a resource annotated crossplane.io/paused); Ready says whether the external
// resource is usable (Available, or Creating / Deleting / Unavailable); LastAsyncOperation=False is a
// failed async operation of an Upjet provider.
//
// Like Argo CD, except: a paused resource is Suspended (Crossplane documents pausing as deliberate;
// Argo CD calls its Synced=False Degraded), and Ready=False with reason Unavailable stays Progressing
// as in Argo CD but says so.
import type { KubeObject } from '../model/object.ts';
import type { HealthResult } from './types.ts';
import { conditions, describe, findCondition, generationLag, hasNoStatus, status } from './fields.ts';

// Kinds in these groups that have no status by design (configuration, not infrastructure).
const NO_STATUS = new Set(['ProviderConfig', 'ClusterProviderConfig', 'ProviderConfigUsage', 'ClusterProviderConfigUsage', 'DeploymentRuntimeConfig', 'ControllerConfig', 'Composition', 'CompositionRevision', 'EnvironmentConfig']);
// Conditions Crossplane's own kinds use to say "ready for use".
const READY_TYPES = ['Ready', 'Healthy', 'Offered', 'Established', 'ValidPipeline', 'RevisionHealthy'];

export function isCrossplaneGroup(group: string): boolean {
  return group.endsWith('.crossplane.io') || group.endsWith('.upbound.io');
}

export function crossplaneManagedHealth(obj: KubeObject): HealthResult {
  if (hasNoStatus(obj) && NO_STATUS.has(obj.kind)) return { status: 'Healthy', message: 'Resource is up-to-date.' };
  const conds = conditions(obj);
  if (conds.length === 0) {
    // ProviderConfig status has only `users` (a count) until something reports a condition.
    if (obj.kind.endsWith('ProviderConfig') && status(obj).users !== undefined) return { status: 'Healthy', message: 'Resource is in use.' };
    return { status: 'Progressing', message: 'Provisioning ...' };
  }
  const lag = generationLag(obj);
  if (lag) return { status: 'Progressing', message: lag };
  const synced = findCondition(conds, 'Synced');
  if (synced?.status === 'False' && synced.reason === 'ReconcilePaused') return { status: 'Suspended', message: describe(synced) || 'Reconciliation is paused' };
  const async = findCondition(conds, 'LastAsyncOperation');
  if (async?.status === 'False') return { status: 'Degraded', message: describe(async) };
  if (synced?.status === 'False') return { status: 'Degraded', message: describe(synced) };
  const ready = conds.find((c) => READY_TYPES.includes(c.type) && c.status === 'True');
  if (ready) return { status: 'Healthy', message: 'Resource is up-to-date.' };
  const notReady = findCondition(conds, 'Ready');
  return { status: 'Progressing', message: notReady ? describe(notReady) || 'Provisioning ...' : 'Provisioning ...' };
}
