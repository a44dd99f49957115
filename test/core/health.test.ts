import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateHealth, assessHealth, isWorse, NO_HEALTH_CHECK, objectHealth } from '../../src/core/health/index.ts';
import type { HealthStatus } from '../../src/core/health/types.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

test('aggregateHealth: worst wins, empty is Healthy', () => {
  const cases: Array<[HealthStatus[], HealthStatus]> = [
    [[], 'Healthy'],
    [['Healthy'], 'Healthy'],
    [['Healthy', 'Suspended'], 'Suspended'],
    [['Suspended', 'Progressing', 'Healthy'], 'Progressing'],
    [['Progressing', 'Missing'], 'Missing'],
    [['Missing', 'Degraded', 'Progressing'], 'Degraded'],
    [['Degraded', 'Unknown', 'Healthy'], 'Unknown'],
    [['Unknown', 'Healthy'], 'Unknown'],
  ];
  for (const [input, want] of cases) assert.equal(aggregateHealth(input), want, JSON.stringify(input));
  assert.equal(isWorse('Healthy', 'Degraded'), true);
  assert.equal(isWorse('Degraded', 'Missing'), false);
});

test('kinds without a health notion give undefined', () => {
  const none: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' }, data: { a: 'b' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'x' }, type: 'Opaque' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [] },
    { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, status: { phase: 'Running' } },
  ];
  for (const o of none) assert.equal(assessHealth(o), undefined, o.kind);
});

test('objectHealth gives the CLI shape', () => {
  const dep: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod', generation: 1 },
    spec: { paused: true },
  };
  assert.deepEqual(objectHealth(dep), {
    group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web', status: 'Suspended', message: 'Deployment is paused',
  });
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  assert.deepEqual(objectHealth(cm), { group: '', kind: 'ConfigMap', namespace: '', name: 'c', status: 'Healthy', message: NO_HEALTH_CHECK });
});

test('malformed status never throws', () => {
  const weird: KubeObject[] = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, status: 'oops' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'a' }, spec: null, status: [] },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, status: { containerStatuses: 'x' } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'a' }, status: { conditions: [null, 3] } },
    { apiVersion: 'example.com/v1', kind: 'X', metadata: { name: 'a' }, status: { conditions: [{ type: 'Ready' }] } },
  ];
  for (const o of weird) assert.doesNotThrow(() => assessHealth(o));
});

test('autoscaling/v1 HPA with an unparsable conditions annotation is Unknown', () => {
  const hpa: KubeObject = {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'h', annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '[{' } },
  };
  assert.equal(assessHealth(hpa)?.status, 'Unknown');
});

test('desired manifests without status (as rendered from Git)', () => {
  const cases: Array<[KubeObject, HealthStatus]> = [
    // Deployment with no generation and no status: counts are all zero, replicas 2 → waiting for updates.
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 2 } }, 'Progressing'],
    [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { replicas: 1 } }, 'Progressing'],
    [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, 'Healthy'],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }, 'Unknown'],
    [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *' } }, 'Progressing'],
  ];
  for (const [o, want] of cases) assert.equal(assessHealth(o)?.status, want, o.kind);
});
