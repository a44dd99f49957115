// The preview namespace and its guard rails, as objects to apply before anything of the app: the
// Namespace with the labels that mark it as Driftguard's (so the sweeper and the `down` job only ever
// delete namespaces Driftguard created for this very preview), the operator's ResourceQuota and
// LimitRange, and a default-deny NetworkPolicy with the operator's allowances. Pure.
import { createHash } from 'node:crypto';
import type { OperatorPreviewConfig } from '../config/types.ts';
import { keyOf, type KubeObject } from '../model/object.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'driftguard';
/** Present (value "true") on every namespace Driftguard created for a preview. */
export const PREVIEW_LABEL = 'driftguard.dev/preview';
export const PREVIEW_REPO_LABEL = 'driftguard.dev/preview-repo';
export const PREVIEW_PR_LABEL = 'driftguard.dev/preview-pr';
export const PREVIEW_APP_LABEL = 'driftguard.dev/preview-app';
export const PREVIEW_SHA_LABEL = 'driftguard.dev/preview-sha';
/** The repository exactly as GitHub spells it (label values cannot hold `/`). */
export const PREVIEW_REPO_ANNOTATION = 'driftguard.dev/preview-repo';

export const QUOTA_NAME = 'driftguard-preview-quota';
export const LIMITS_NAME = 'driftguard-preview-limits';
export const NETWORK_POLICY_NAME = 'driftguard-preview-default-deny';

export interface PreviewIdentity {
  repo: string;
  pr: number;
  app: string;
  headSha: string;
  namespace: string;
}

/** `acme/web` → `acme_web` (owners never hold `_`); longer than 63: cut and hashed, deterministically. */
export function repoLabelValue(repo: string): string {
  const v = repo.toLowerCase().replace('/', '_').replace(/[^a-z0-9_.-]/g, '-');
  if (v.length <= 63) return v;
  return `${v.slice(0, 54).replace(/[^a-z0-9]+$/, '')}-${createHash('sha256').update(v).digest('hex').slice(0, 8)}`;
}

export function previewNamespaceLabels(id: PreviewIdentity, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [PREVIEW_LABEL]: 'true',
    [PREVIEW_REPO_LABEL]: repoLabelValue(id.repo),
    [PREVIEW_PR_LABEL]: String(id.pr),
    [PREVIEW_APP_LABEL]: id.app,
    [PREVIEW_SHA_LABEL]: id.headSha,
  };
}

/** True when the live namespace carries the marks of this repository's, PR's and app's preview. */
export function isPreviewNamespaceOf(ns: KubeObject, id: Omit<PreviewIdentity, 'headSha' | 'namespace'>): boolean {
  const l = ns.metadata?.labels ?? {};
  const repo = ns.metadata?.annotations?.[PREVIEW_REPO_ANNOTATION];
  return l[MANAGED_BY_LABEL] === MANAGED_BY && l[PREVIEW_LABEL] === 'true' && l[PREVIEW_PR_LABEL] === String(id.pr) && l[PREVIEW_APP_LABEL] === id.app
    && l[PREVIEW_REPO_LABEL] === repoLabelValue(id.repo) && typeof repo === 'string' && repo.toLowerCase() === id.repo.toLowerCase();
}

/** The Namespace, then the guard rails inside it, in the order they are applied. */
export function previewGuardRails(id: PreviewIdentity, op: OperatorPreviewConfig): KubeObject[] {
  const ns = id.namespace;
  const out: KubeObject[] = [{
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: previewNamespaceLabels(id, op.namespaceLabels), annotations: { [PREVIEW_REPO_ANNOTATION]: id.repo } },
  }];
  const marks = { [MANAGED_BY_LABEL]: MANAGED_BY, [PREVIEW_LABEL]: 'true' };
  if (op.resourceQuota) out.push({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: QUOTA_NAME, namespace: ns, labels: marks }, spec: { hard: op.resourceQuota.hard } });
  if (op.limitRange) out.push({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: LIMITS_NAME, namespace: ns, labels: marks }, spec: { limits: op.limitRange.limits } });
  out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: NETWORK_POLICY_NAME, namespace: ns, labels: marks }, spec: networkPolicySpec(op.networkPolicy) });
  return out;
}

const fromNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

/** Deny everything in and out, then allow what the operator lists (every peer in one rule per direction). */
function networkPolicySpec(np: OperatorPreviewConfig['networkPolicy']): Record<string, unknown> {
  const ingressPeers = [...(np.allowSameNamespace ? [{ podSelector: {} }] : []), ...np.ingressFromNamespaces.map(fromNamespace)];
  const egressPeers = [...(np.allowSameNamespace ? [{ podSelector: {} }] : []), ...np.egressToNamespaces.map(fromNamespace)];
  const egress: Array<Record<string, unknown>> = egressPeers.length ? [{ to: egressPeers }] : [];
  if (np.allowDNS) egress.push({ to: [fromNamespace('kube-system')], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] });
  return {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: ingressPeers.length ? [{ from: ingressPeers }] : [],
    egress,
  };
}

/** Rendered objects that would overwrite a guard rail (same kind and name in the preview namespace). */
export function collidesWithGuardRail(obj: KubeObject, guardRails: readonly KubeObject[], namespace: string): boolean {
  const k = keyOf(obj, namespace);
  return guardRails.some((g) => {
    const gk = keyOf(g);
    return gk.group === k.group && gk.kind === k.kind && gk.name === k.name && gk.namespace === k.namespace;
  });
}
