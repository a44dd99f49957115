import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiffAction, ResourceDiff } from '../../src/core/diff/types.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { liveHealth } from '../../src/sync/live-health.ts';

const deploy = (name: string, status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'web', generation: 2, ...extra },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27' }] } } },
  status,
});
const rolledOut = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] };
const rolling = { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'web' }, data: { a: '1' } };
const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'web' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } };

function d(o: KubeObject, action: DiffAction): ResourceDiff {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { group, version, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name!, action, modified: action !== 'none', patch: [], diff: '' };
}

test('liveHealth follows Argo CD: worst resource; not created = Missing; no health notion ignored; none = Healthy', () => {
  const cases: Array<{ name: string; diff: ResourceDiff[]; live: KubeObject[]; health: string; statuses: string[] }> = [
    { name: 'no resources at all', diff: [], live: [], health: 'Healthy', statuses: [] },
    { name: 'rolled out + Service + ConfigMap', diff: [d(deploy('web', rolledOut), 'none'), d(svc, 'update'), d(cm, 'none')], live: [deploy('web', rolledOut), svc, cm], health: 'Healthy', statuses: ['Healthy', 'Healthy'] },
    { name: 'nothing created yet', diff: [d(deploy('web', {}), 'create'), d(cm, 'create')], live: [], health: 'Missing', statuses: ['Missing', 'Missing'] },
    { name: 'ConfigMap only, missing', diff: [d(cm, 'create')], live: [], health: 'Missing', statuses: ['Missing'] },
    { name: 'rolling out, one Service missing', diff: [d(deploy('web', rolling), 'update'), d(svc, 'create')], live: [deploy('web', rolling)], health: 'Missing', statuses: ['Progressing', 'Missing'] },
    { name: 'owned object to prune still counts; being deleted is Progressing', diff: [d(deploy('web', rolledOut), 'none'), d(deploy('old', rolledOut), 'delete')], live: [deploy('web', rolledOut), deploy('old', rolledOut, { deletionTimestamp: '2026-01-01T00:00:00Z' })], health: 'Progressing', statuses: ['Healthy', 'Progressing'] },
  ];
  for (const c of cases) {
    const r = liveHealth(c.diff, c.live);
    assert.equal(r.health, c.health, c.name);
    assert.deepEqual(r.resources.map((x) => x.status), c.statuses, c.name);
  }
  const missing = liveHealth([d(svc, 'create')], []).resources[0];
  assert.deepEqual(missing, { group: '', kind: 'Service', namespace: 'web', name: 'web', status: 'Missing', message: 'not found in the cluster' });
});
