// Every object of Argo CD's health test data that we store (test/fixtures/upstream/, see README
// there) through assessHealth, against the status Argo's own tests assert for that file:
// gitops-engine/pkg/health/health_test.go (TestDeploymentHealth, TestPod, ...) and the
// resource_customizations/<group>/<Kind>/health_test.yaml tables that replaced it in Argo CD 3.x.
// Where those tables also give a message, it is recorded in `argoMessage` and compared when the
// message is one we mean to match word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { assessHealth, type HealthStatus } from '../../src/core/health/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'upstream', 'argo-cd');
const GE = 'gitops-engine/pkg/health/testdata';
const RC = 'resource_customizations';

interface HealthCase {
  /** Path under test/fixtures/upstream/argo-cd/. */
  file: string;
  /** Argo test that asserts the status (Go test function or health_test.yaml). */
  argoTest: string;
  /** 'none': Argo returns no health (nil) for the object. */
  status: HealthStatus | 'none';
  /** Argo's asserted message, when its table has one. */
  argoMessage?: string;
  /** True when our message must equal argoMessage. */
  sameMessage?: boolean;
}

const ge = (file: string, argoTest: string, status: HealthStatus | 'none', argoMessage?: string, sameMessage?: boolean): HealthCase =>
  ({ file: `${GE}/${file}`, argoTest, status, argoMessage, sameMessage });

export const UPSTREAM_HEALTH_CASES: HealthCase[] = [
  // TestDeploymentHealth / resource_customizations/apps/Deployment/health_test.yaml
  { file: 'gitops-engine/pkg/utils/kube/testdata/nginx.yaml', argoTest: 'TestDeploymentHealth', status: 'Healthy', argoMessage: '', sameMessage: true },
  ge('deployment-progressing.yaml', 'TestDeploymentHealth', 'Progressing', 'Waiting for rollout to finish: 1 old replicas are pending termination...', true),
  ge('deployment-suspended.yaml', 'TestDeploymentHealth', 'Suspended', 'Deployment is paused', true),
  ge('deployment-degraded.yaml', 'TestDeploymentHealth', 'Degraded', 'Deployment "guestbook-ui" exceeded its progress deadline', true),
  // TestStatefulSetHealth, TestStatefulSetOnDeleteHealth, TestDaemonSetOnDeleteHealth
  ge('statefulset.yaml', 'TestStatefulSetHealth', 'Healthy', 'statefulset has 1 ready pods', true),
  ge('statefulset-ondelete.yaml', 'TestStatefulSetOnDeleteHealth', 'Healthy', 'statefulset has 1 ready pods', true),
  ge('daemonset-ondelete.yaml', 'TestDaemonSetOnDeleteHealth', 'Healthy', 'daemon set 0 out of 1 new pods have been updated', true),
  // apps/ReplicaSet/health_test.yaml
  { file: `${RC}/apps/ReplicaSet/testdata/healthy.yaml`, argoTest: 'apps/ReplicaSet/health_test.yaml', status: 'Healthy', argoMessage: '', sameMessage: true },
  // TestPVCHealth
  ge('pvc-bound.yaml', 'TestPVCHealth', 'Healthy', '', true),
  ge('pvc-pending.yaml', 'TestPVCHealth', 'Progressing', ''),
  // TestServiceHealth
  ge('svc-clusterip.yaml', 'TestServiceHealth', 'Healthy', '', true),
  ge('svc-loadbalancer.yaml', 'TestServiceHealth', 'Healthy', '', true),
  ge('svc-loadbalancer-unassigned.yaml', 'TestServiceHealth', 'Progressing', ''),
  ge('svc-loadbalancer-nonemptylist.yaml', 'TestServiceHealth', 'Healthy', '', true),
  // TestIngressHealth
  ge('ingress.yaml', 'TestIngressHealth', 'Healthy', '', true),
  ge('ingress-unassigned.yaml', 'TestIngressHealth', 'Progressing', ''),
  ge('ingress-nonemptylist.yaml', 'TestIngressHealth', 'Healthy', '', true),
  // TestJob
  ge('job-running.yaml', 'TestJob', 'Progressing', '', true),
  ge('job-failed.yaml', 'TestJob', 'Degraded', 'Job has reached the specified backoff limit', true),
  ge('job-succeeded.yaml', 'TestJob', 'Healthy', '', true),
  ge('job-suspended.yaml', 'TestJob', 'Suspended', ''),
  // TestHPA
  ge('hpa-v2-healthy.yaml', 'TestHPA', 'Healthy', 'recommended size matches current size', true),
  ge('hpa-v2-degraded.yaml', 'TestHPA', 'Degraded', 'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "sandbox-test-app-8" not found', true),
  ge('hpa-v2-progressing.yaml', 'TestHPA', 'Progressing', 'Waiting to Autoscale', true),
  ge('hpa-v2beta2-healthy.yaml', 'TestHPA', 'Healthy'),
  ge('hpa-v2beta1-healthy-disabled.yaml', 'TestHPA', 'Healthy'),
  ge('hpa-v2beta1-healthy.yaml', 'TestHPA', 'Healthy'),
  ge('hpa-v1-degraded.yaml', 'TestHPA', 'Degraded', 'the HPA controller was unable to get the target\'s current scale', true),
  ge('hpa-v1-degraded-failedgetobjectmetric.yaml', 'autoscaling/HorizontalPodAutoscaler/health_test.yaml', 'Degraded',
    'the HPA was unable to compute the replica count: unable to get metric tomcat_sessions_active_current_sessions: Service on namespace sample-service/unable to fetch metrics from custom metrics API: the server could not find the metric tomcat_sessions_active_current_sessions for services', true),
  ge('hpa-v1-healthy.yaml', 'TestHPA', 'Healthy', 'recent recommendations were higher than current one, applying the highest recent recommendation', true),
  ge('hpa-v1-healthy-toofew.yaml', 'TestHPA', 'Healthy', 'recommended size matches current size', true),
  ge('hpa-v1-progressing.yaml', 'TestHPA', 'Progressing', 'Waiting to Autoscale', true),
  ge('hpa-v1-progressing-with-no-annotations.yaml', 'TestHPA', 'Progressing', 'Waiting to Autoscale', true),
  // TestPod / resource_customizations/Pod/health_test.yaml
  ge('pod-pending.yaml', 'TestPod', 'Progressing', '', true),
  ge('pod-running-not-ready.yaml', 'TestPod', 'Progressing', '', true),
  ge('pod-crashloop.yaml', 'TestPod', 'Degraded', 'Back-off 40s restarting failed container=main pod=my-pod_argocd(63674389-f613-11e8-a057-fe5f49266390)', true),
  ge('pod-error.yaml', 'TestPod', 'Degraded', '', true),
  ge('pod-running-restart-always.yaml', 'TestPod', 'Healthy', '', true),
  ge('pod-running-restart-never.yaml', 'TestPod', 'Progressing', '', true),
  ge('pod-running-restart-onfailure.yaml', 'TestPod', 'Progressing', '', true),
  ge('pod-failed.yaml', 'TestPod', 'Degraded', 'container "main" failed with exit code 1', true),
  ge('pod-succeeded.yaml', 'TestPod', 'Healthy', '', true),
  ge('pod-deletion.yaml', 'TestPendingDeletionHealth', 'Progressing', 'Pending deletion', true),
  // TestApplication: gitops-engine has no health for Argo CD Applications (app-of-apps health is opt-in
  // in Argo CD); they carry no status conditions, so our generic rule gives none either.
  ge('application-healthy.yaml', 'TestApplication', 'none'),
  ge('application-degraded.yaml', 'TestApplication', 'none'),
  // TestAPIService
  ge('apiservice-v1-false.yaml', 'TestAPIService', 'Progressing', 'MissingEndpoints: endpoints for service/cert-manager-webhook in "external-dns" have no addresses', true),
  ge('apiservice-v1beta1-false.yaml', 'TestAPIService', 'Progressing', 'MissingEndpoints: endpoints for service/cert-manager-webhook in "external-dns" have no addresses', true),
  // resource_customizations/apiextensions.k8s.io/CustomResourceDefinition/health_test.yaml
  ...([
    ['crd-v1-healthy.yaml', 'Healthy', 'CRD is healthy'],
    ['crd-v1-names-not-accepted-degraded.yaml', 'Degraded', 'CRD names have not been accepted: the initial names have not been accepted'],
    ['crd-v1-non-structual-degraded.yaml', 'Degraded', 'Schema violations found: spec.preserveUnknownFields: Invalid value: true: must be false'],
    ['crd-v1-not-established-degraded.yaml', 'Degraded', 'CRD is not established'],
    ['crd-v1-terminating-condition-progressing.yaml', 'Progressing', 'CRD is terminating: user has deleted the CRD'],
    ['crd-v1-terminating-timestamp-progressing.yaml', 'Progressing', 'CRD is terminating'],
    ['crd-v1-no-conditions-progressing.yaml', 'Progressing', 'Status conditions not found'],
    // Listed in a newer health_test.yaml than the index holds; status and message from the health.lua of that version.
    ['crd-v1-installing-progressing.yaml', 'Progressing', 'CRD is being installed'],
  ] as const).map(([f, status, argoMessage]): HealthCase => ({
    file: `${RC}/apiextensions.k8s.io/CustomResourceDefinition/testdata/${f}`,
    argoTest: 'apiextensions.k8s.io/CustomResourceDefinition/health_test.yaml', status, argoMessage,
    // A CRD being deleted is reported by the generic deletion rule, as for every kind.
    sameMessage: f !== 'crd-v1-terminating-timestamp-progressing.yaml',
  })),
  // resource_customizations/batch/CronJob/health_test.yaml (argo-cd#23991)
  ...([
    ['healthy.yaml', 'Healthy', 'CronJob has completed its last execution successfully'],
    ['never-scheduled.yaml', 'Healthy', 'CronJob has not been scheduled yet'],
    ['degraded.yaml', 'Degraded', 'CronJob has not completed its last execution successfully'],
    ['never-succeeded.yaml', 'Healthy', 'The Cronjob never completed succesfully. It may not be healthy'],
    ['active.yaml', 'Healthy', 'The job is running. Its last execution may not have been successful'],
    // The table in the index (31087e2) says Suspended; the health.lua that answers argo-cd#24428
    // (newest in the index) reports a suspended CronJob Healthy, so the app is not held at Suspended.
    ['suspended.yaml', 'Healthy', 'CronJob is Suspended'],
  ] as const).map(([f, status, argoMessage]): HealthCase => ({
    file: `${RC}/batch/CronJob/testdata/${f}`, argoTest: 'batch/CronJob/health_test.yaml', status, argoMessage,
    // 31087e2's message has a typo ("succesfully") that the newer health.lua fixed; we print the fixed one.
    sameMessage: f !== 'never-succeeded.yaml',
  })),
  // resource_customizations/policy/PodDisruptionBudget/health_test.yaml
  { file: `${RC}/policy/PodDisruptionBudget/testdata/healthy.yaml`, argoTest: 'policy/PodDisruptionBudget/health_test.yaml', status: 'Healthy', argoMessage: 'PodDisruptionBudget has SufficientPods', sameMessage: true },
  { file: `${RC}/policy/PodDisruptionBudget/testdata/progressing.yaml`, argoTest: 'policy/PodDisruptionBudget/health_test.yaml', status: 'Progressing', argoMessage: 'Waiting for status', sameMessage: true },
  { file: `${RC}/policy/PodDisruptionBudget/testdata/degraded.yaml`, argoTest: 'policy/PodDisruptionBudget/health_test.yaml', status: 'Degraded', argoMessage: 'PodDisruptionBudget has SyncFailed', sameMessage: true },
];

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`);
}

test('every stored upstream health object has Argo\'s expected status recorded', () => {
  const stored = [
    ...yamlFiles(GE),
    'gitops-engine/pkg/utils/kube/testdata/nginx.yaml',
    ...yamlFiles(RC),
  ].sort();
  assert.deepEqual(stored, UPSTREAM_HEALTH_CASES.map((c) => c.file).sort());
});

for (const c of UPSTREAM_HEALTH_CASES) {
  test(`${c.argoTest}: ${c.file.split('/').pop()} is ${c.status}`, () => {
    // statefulset-ondelete.yaml repeats the `updateStrategy` key; Go's YAML decoder keeps the last one.
    const obj = parse(readFileSync(join(ROOT, c.file), 'utf8'), { uniqueKeys: false }) as KubeObject;
    const got = assessHealth(obj);
    if (c.status === 'none') return assert.equal(got, undefined);
    assert.ok(got, 'expected a health result');
    assert.equal(got.status, c.status, `message: ${got.message}`);
    if (c.sameMessage) assert.equal(got.message, c.argoMessage);
    // Where Argo says nothing we may explain more (e.g. which address a Service waits for).
    else assert.ok(got.message.length > 0 || c.status === 'Healthy' || c.argoMessage === '', 'a non-healthy status explains itself');
  });
}
