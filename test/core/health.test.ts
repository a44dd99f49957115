import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateHealth, assessHealth, isWorse, NO_HEALTH_CHECK, NOT_ASSESSED, objectHealth } from '../../src/core/health/index.ts';
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

test('generic rule: a custom kind is Healthy with no status, unassessed when its status says nothing', () => {
  const noStatus: KubeObject = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'p', generation: 2 }, spec: {} };
  const h = assessHealth(noStatus);
  assert.equal(h?.status, 'Healthy');
  assert.match(h!.message, /^generic rule: no status/);
  // A status of its own vocabulary (no conditions, no observedGeneration): no health, as Argo CD gives none.
  const opaque: KubeObject = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't', generation: 1 }, status: { phase: 'Failed' } };
  assert.equal(assessHealth(opaque), undefined);
  assert.equal(objectHealth(opaque).message, NOT_ASSESSED);
  // Built-in kinds without a rule keep having no health, status or not.
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' }, status: { phase: 'Active' } };
  assert.equal(assessHealth(ns), undefined);
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's' } };
  assert.equal(assessHealth(sa), undefined);
  // ...but a lagging observedGeneration is Progressing for them too.
  const gw: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', generation: 3 }, status: { observedGeneration: 2 } };
  assert.equal(assessHealth(gw)?.status, 'Progressing');
});

test('Rollout observedGeneration is a string; a hash from old Rollouts is not compared', () => {
  const base = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', spec: { replicas: 1 } };
  const cases: Array<[unknown, HealthStatus]> = [['3', 'Healthy'], ['2', 'Progressing'], [3, 'Healthy'], ['7d5c9f8b6', 'Healthy']];
  for (const [observed, want] of cases) {
    const o = { ...base, metadata: { name: 'r', generation: 3 }, status: { observedGeneration: observed, phase: 'Healthy' } } as KubeObject;
    assert.equal(assessHealth(o)?.status, want, JSON.stringify(observed));
  }
  const workload = {
    ...base, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
    metadata: { name: 'r', generation: 1, annotations: { 'rollout.argoproj.io/workload-generation': '4' } },
    status: { observedGeneration: '1', workloadObservedGeneration: '3', phase: 'Healthy' },
  } as KubeObject;
  assert.equal(assessHealth(workload)?.status, 'Progressing');
});
