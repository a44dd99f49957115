// Every object of Argo CD's health test data that we store (test/fixtures/upstream/, see README
// there) through assessHealth, against the status Argo's own test asserts for that file
// (gitops-engine/pkg/health/health_test.go: TestDeploymentHealth, TestPVCHealth, ...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { assessHealth, type HealthStatus } from '../../src/core/health/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'upstream', 'argo-cd', 'gitops-engine', 'pkg', 'health', 'testdata');

/** file -> [Argo test function, status it asserts]. */
const ARGO_EXPECTS: Record<string, [string, HealthStatus]> = {
  'deployment-progressing.yaml': ['TestDeploymentHealth', 'Progressing'],
  'deployment-suspended.yaml': ['TestDeploymentHealth', 'Suspended'],
  'deployment-degraded.yaml': ['TestDeploymentHealth', 'Degraded'],
  'pvc-bound.yaml': ['TestPVCHealth', 'Healthy'],
  'pvc-pending.yaml': ['TestPVCHealth', 'Progressing'],
  'svc-loadbalancer.yaml': ['TestServiceHealth', 'Healthy'],
  'svc-loadbalancer-unassigned.yaml': ['TestServiceHealth', 'Progressing'],
  'ingress.yaml': ['TestIngressHealth', 'Healthy'],
  'ingress-unassigned.yaml': ['TestIngressHealth', 'Progressing'],
  'job-failed.yaml': ['TestJob', 'Degraded'],
  'job-suspended.yaml': ['TestJob', 'Suspended'],
  'hpa-v2-degraded.yaml': ['TestHPA', 'Degraded'],
  'hpa-v1-progressing.yaml': ['TestHPA', 'Progressing'],
  'apiservice-v1-false.yaml': ['TestAPIService', 'Progressing'],
  'pod-crashloop.yaml': ['TestPod', 'Degraded'],
};

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

test('every stored upstream health object has Argo\'s expected status recorded', () => {
  assert.deepEqual(files, Object.keys(ARGO_EXPECTS).sort());
});

for (const file of files) {
  const [argoTest, want] = ARGO_EXPECTS[file] ?? ['?', 'Unknown'];
  test(`${argoTest}: ${file} is ${want}`, () => {
    const obj = parse(readFileSync(join(dir, file), 'utf8')) as KubeObject;
    const got = assessHealth(obj);
    assert.ok(got, 'expected a health result');
    assert.equal(got.status, want, `message: ${got.message}`);
    assert.ok(got.message.length > 0 || want === 'Healthy', 'a non-healthy status explains itself');
  });
}
