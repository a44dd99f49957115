// Pure drift parts: attributing drifted fields to managedFields entries, self-heal pacing and stopping,
// and the issue body (marker, table, suggested ignore rule, Secret-free, stable for equal input).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeChanges, fieldPathOf } from '../../src/core/drift/attribute.ts';
import { decideHeal, HEAL_MAX_DELAY_MS } from '../../src/core/drift/self-heal.ts';
import { driftManagers, driftMarker, fieldsSignature, renderDriftIssue, suggestIgnoreRules, type DriftedResource } from '../../src/core/drift/report.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const live: KubeObject = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {
    name: 'web', namespace: 'shop',
    managedFields: [
      { manager: 'driftguard', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } } } } },
      { manager: 'kubectl', operation: 'Update', apiVersion: 'autoscaling/v1', subresource: 'scale', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:note': {} } }, 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { 'f:image': {} } } } } } } },
    ],
    annotations: { note: 'x' },
  },
  spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'sidecar', image: 'busybox:2' }] } } },
};

test('fieldPathOf: list items by their merge key', () => {
  assert.deepEqual(fieldPathOf(live, '/spec/template/spec/containers/1/image'), ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"sidecar"}', 'f:image']);
  assert.deepEqual(fieldPathOf(live, '/spec/replicas'), ['f:spec', 'f:replicas']);
});

test('attributeChanges: the owning manager per drifted field; a removed field goes to the newest other writer', () => {
  const got = attributeChanges([
    { op: 'replace', path: '/spec/replicas', value: 2 },
    { op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'busybox:1' },
    { op: 'remove', path: '/metadata/annotations/note' },
    { op: 'add', path: '/spec/template/spec/containers/0/ports', value: [] },
    { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
  ], live, 'driftguard');
  assert.deepEqual(got, [
    { path: '/spec/replicas', op: 'replace', manager: 'kubectl', operation: 'Update', subresource: 'scale' },
    { path: '/spec/template/spec/containers/1/image', op: 'replace', manager: 'kubectl-edit', operation: 'Update', time: '2026-01-02T00:00:00Z' },
    { path: '/metadata/annotations/note', op: 'remove', manager: 'kubectl-edit', operation: 'Update', time: '2026-01-02T00:00:00Z' },
    { path: '/spec/template/spec/containers/0/ports', op: 'add', manager: 'kubectl-edit', operation: 'Update', time: '2026-01-02T00:00:00Z', lastWriter: true },
  ]);
  assert.deepEqual(attributeChanges([{ op: 'replace', path: '/spec/replicas', value: 1 }], undefined, 'driftguard'), [{ path: '/spec/replicas', op: 'replace' }]);
});

test('decideHeal: grace, then doubling per heal of the same fields, capped; pending while queued; stop at the limit', () => {
  const g = 5000;
  assert.deepEqual(decideHeal([], 'a', 0, g), { action: 'heal', delayMs: 5000, attempt: 1 });
  const one = [{ at: 0, fields: 'a', delayMs: 5000 }];
  assert.deepEqual(decideHeal(one, 'a', 6000, g), { action: 'pending' });
  assert.deepEqual(decideHeal(one, 'a', 20_000, g), { action: 'heal', delayMs: 10_000, attempt: 2 });
  assert.deepEqual(decideHeal(one, 'b', 6000, g), { action: 'heal', delayMs: 5000, attempt: 1 }, 'other fields: a new fight');
  const two = [...one, { at: 20_000, fields: 'a', delayMs: 10_000 }];
  assert.deepEqual(decideHeal(two, 'a', 60_000, g), { action: 'heal', delayMs: 20_000, attempt: 3 });
  const three = [...two, { at: 60_000, fields: 'a', delayMs: 20_000 }];
  assert.deepEqual(decideHeal(three, 'a', 100_000, g), { action: 'stop', heals: 3 });
  assert.deepEqual(decideHeal(three, 'a', 100_000 + 3_600_000, g), { action: 'heal', delayMs: 5000, attempt: 1 }, 'old heals are forgotten');
  assert.deepEqual(decideHeal(three, 'a', 400_000, 200_000, 10), { action: 'heal', delayMs: HEAL_MAX_DELAY_MS, attempt: 4 }, 'capped at 5 min');
});

const drifted: DriftedResource[] = [{
  diff: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', action: 'update', modified: true, patch: [], diff: '--- live\n+++ desired\n-  replicas: 5\n+  replicas: 2\n' },
  changes: [{ path: '/spec/replicas', op: 'replace', manager: 'hpa-controller', operation: 'Update', time: '2026-01-02T00:00:00Z' }],
}];

test('issue body: marker, managers, commands, stopped self-heal with an ignore rule for exactly the fields; stable', () => {
  const input = { repo: 'Acme/GitOps', app: 'web', cluster: 'prod', namespace: 'shop', sha: 'a'.repeat(40), branch: 'main', drifted, problems: [], since: '2026-01-02T00:00:01Z', selfHeal: { state: 'stopped' as const, heals: 3, managers: ['hpa-controller'] } };
  const body = renderDriftIssue(input);
  assert.ok(body.startsWith(driftMarker('acme/gitops', 'web')));
  assert.match(body, /\| `\/spec\/replicas` \| `hpa-controller` \(Update\) \| 2026-01-02T00:00:00Z \|/);
  assert.match(body, /Self-heal stopped\*\*: these fields were re-applied 3 times and changed back each time by `hpa-controller`/);
  assert.ok(body.includes('ignoreDifferences:\n  - group: "apps"\n    kind: Deployment\n    name: web\n    namespace: shop\n    jsonPointers:\n      - "/spec/replicas"\n'));
  assert.ok(body.includes('`/driftguard sync web`') && body.includes('`/driftguard rollback web previous`'));
  assert.equal(renderDriftIssue(input), body, 'the same drift renders the same body');
  assert.equal(fieldsSignature(drifted), 'apps/Deployment/shop/web#/spec/replicas');
  assert.deepEqual(driftManagers(drifted, 'driftguard'), ['hpa-controller']);
  assert.equal(suggestIgnoreRules([{ ...drifted[0], diff: { ...drifted[0].diff, action: 'create' } }]), '');
});
