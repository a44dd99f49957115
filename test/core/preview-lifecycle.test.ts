// The pure parts of the preview lifecycle: which rendered objects a preview may hold (and where they go),
// the namespace marks that decide what Driftguard may delete, the guard rails, and the comment section
// that two jobs rewrite in turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPreviewNamespaceOf, previewGuardRails, repoLabelValue } from '../../src/core/preview/guard-rails.ts';
import { moveIntoPreview } from '../../src/core/preview/rewrite.ts';
import { renderPreviewSection, withPreviewSection, PREVIEW_START } from '../../src/core/report/preview.ts';
import type { ScopeAnswer } from '../../src/core/policy/kind-scopes.ts';
import type { OperatorPreviewConfig } from '../../src/core/config/types.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';

const OP: OperatorPreviewConfig = {
  clusters: ['previews'],
  resourceQuota: { hard: { pods: '5' } },
  networkPolicy: { ingressFromNamespaces: ['ingress'], egressToNamespaces: [], allowSameNamespace: false, allowDNS: true },
  namespaceLabels: { team: 'previews' },
  sweepIntervalMs: 300_000,
};
const ID = { repo: 'Acme/Web', pr: 7, app: 'web', headSha: 'a'.repeat(40), namespace: 'pr-7-web' };

test('guard rails: the marked namespace first, then quota and a default-deny policy with the allowances', () => {
  const [ns, quota, policy, ...rest] = previewGuardRails(ID, OP);
  assert.equal(rest.length, 0, 'no LimitRange when the operator sets none');
  assert.equal(ns.kind, 'Namespace');
  assert.equal(ns.metadata.labels?.team, 'previews');
  assert.equal(ns.metadata.labels?.['driftguard.dev/preview-repo'], 'acme_web');
  assert.equal(quota.kind, 'ResourceQuota');
  assert.equal(quota.metadata.namespace, 'pr-7-web');
  assert.deepEqual(policy.spec, {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }] }],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
  });
  assert.equal(isPreviewNamespaceOf(ns, ID), true);
  assert.equal(isPreviewNamespaceOf(ns, { ...ID, pr: 8 }), false, 'another PR');
  assert.equal(isPreviewNamespaceOf(ns, { ...ID, app: 'api' }), false, 'another app');
  assert.equal(isPreviewNamespaceOf(ns, { ...ID, repo: 'acme/other' }), false, 'another repository');
  const unannotated: KubeObject = { ...ns, metadata: { ...ns.metadata, annotations: {} } };
  assert.equal(isPreviewNamespaceOf(unannotated, ID), false, 'labels alone (copied by hand) are not enough');
  const plain: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pr-7-web' } };
  assert.equal(isPreviewNamespaceOf(plain, ID), false);
  const long = repoLabelValue(`${'o'.repeat(39)}/${'r'.repeat(60)}`);
  assert.ok(long.length <= 63 && /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(long), long);
});

const obj = (kind: string, name: string, namespace?: string, apiVersion = 'v1'): SourcedObject => ({
  object: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
  source: { file: `deploy/${name}.yaml`, line: 1 },
});
const SCOPES = new Map<string, ScopeAnswer>([
  ['v1/ConfigMap', { scope: 'namespaced' }], ['v1/ResourceQuota', { scope: 'namespaced' }],
  ['rbac.authorization.k8s.io/v1/ClusterRole', { scope: 'cluster' }],
  ['example.com/v1/Widget', { scope: 'unknown', why: 'unknown kind: the cluster does not serve Widget' }],
]);

test('moving into the preview: own and unset namespaces move; cluster-scoped, unknown, foreign namespaces and guard rails are refused at file:line', () => {
  const guardRails = previewGuardRails(ID, OP);
  const r = moveIntoPreview([
    obj('ConfigMap', 'a'), obj('ConfigMap', 'b', 'web'), obj('ConfigMap', 'c', 'pr-7-web'),
    obj('ConfigMap', 'd', 'kube-system'), obj('ClusterRole', 'e', undefined, 'rbac.authorization.k8s.io/v1'),
    obj('Widget', 'f', undefined, 'example.com/v1'), obj('ResourceQuota', 'driftguard-preview-quota'),
  ], SCOPES, { app: 'web', preview: 'pr-7-web', guardRails });
  assert.deepEqual(r.objects.map((o) => `${o.object.metadata.name}@${o.object.metadata.namespace}`), ['a@pr-7-web', 'b@pr-7-web', 'c@pr-7-web']);
  assert.deepEqual(r.refusals.map((x) => `${x.location?.file}: ${x.message.split(':')[0]}`), [
    'deploy/d.yaml: ConfigMap kube-system/d names namespace "kube-system"',
    'deploy/e.yaml: ClusterRole.rbac.authorization.k8s.io e is cluster-scoped',
    'deploy/f.yaml: Widget.example.com f',
    'deploy/driftguard-preview-quota.yaml: ResourceQuota pr-7-web/driftguard-preview-quota would replace a guard rail of the preview namespace (set by the operator config)',
  ]);
});

test('the comment section: replaced in place, removed when empty, the rest of the body untouched', () => {
  const body = '<!-- driftguard:plan -->\n### Driftguard plan\n\nbody\n';
  const one = renderPreviewSection([{ app: 'web', state: 'ready', headSha: 'b'.repeat(40), namespace: 'pr-7-web', url: 'https://x.example.com/', health: 'Healthy', expiresAt: Date.UTC(2026, 11, 11, 2, 20) }]);
  assert.match(one, /\| web \| ✅ Ready \(Healthy\) \| <https:\/\/x\.example\.com\/> \| `bbbbbbb` \| `pr-7-web` \| 2026-12-11 02:20 UTC \|/);
  const withOne = withPreviewSection(body, one);
  const two = renderPreviewSection([{ app: 'web', state: 'gone', headSha: 'c'.repeat(40), message: 'the preview was deleted: the pull request was closed' }]);
  const withTwo = withPreviewSection(withOne, two);
  assert.equal(withTwo.split(PREVIEW_START).length, 2, 'one section');
  assert.ok(withTwo.startsWith(body.trimEnd()));
  assert.ok(!withTwo.includes('bbbbbbb') && withTwo.includes('🗑️ Deleted'));
  assert.equal(withPreviewSection(withTwo, two), withTwo, 'idempotent');
  assert.equal(withPreviewSection(withTwo, ''), body, 'removed');
  assert.equal(renderPreviewSection([]), '');
});
