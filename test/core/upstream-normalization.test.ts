// Normalizations Argo CD users rely on (gitops-engine diff.go remarshal/normalizers, argo-cd's
// known-types and ignore-differences docs), each on an object as `kubectl get -o yaml` returns it
// after the API server, its admission plugins or a well-known controller filled it in. A field
// filled that way is not drift; the same field set differently in Git is (controls marked `update`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource } from '../../src/core/diff/index.ts';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import type { DiffOptions } from '../../src/core/diff/types.ts';

interface Case {
  name: string;
  desired: string;
  live: string;
  action: 'none' | 'update';
  /** Lines the unified diff must show (update cases). */
  diffIncludes?: string[];
  opts?: DiffOptions;
}

const LAST_APPLIED_DEPLOY = JSON.stringify({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { annotations: {}, name: 'web', namespace: 'shop' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: 0.2 } } }] } } },
});

const deployDesired = (image = 'nginx:1.27') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        resources:
          requests: {cpu: 0.2}
`;
const deployLive = `apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "3"
    kubectl.kubernetes.io/last-applied-configuration: |
      ${LAST_APPLIED_DEPLOY}
  creationTimestamp: "2026-03-02T10:11:12Z"
  generation: 3
  managedFields:
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:annotations:
          .: {}
          f:kubectl.kubernetes.io/last-applied-configuration: {}
      f:spec:
        f:replicas: {}
        f:selector: {}
        f:template:
          f:metadata:
            f:labels:
              .: {}
              f:app: {}
          f:spec:
            f:containers:
              k:{"name":"web"}:
                .: {}
                f:image: {}
                f:name: {}
                f:resources:
                  .: {}
                  f:requests:
                    .: {}
                    f:cpu: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2026-03-02T10:11:12Z"
  name: web
  namespace: shop
  resourceVersion: "918273"
  uid: 5b0c9d1e-7f1a-4c55-9a0e-2c1f0e6d7a10
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector: {matchLabels: {app: web}}
  strategy:
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
    type: RollingUpdate
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - image: nginx:1.27
        imagePullPolicy: IfNotPresent
        name: web
        resources:
          requests: {cpu: 200m}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 2
  observedGeneration: 3
  readyReplicas: 2
  replicas: 2
  updatedReplicas: 2
`;

const crdDesired = (conversion = '') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced${conversion}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`;
const crdLive = (conversion: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    cert-manager.io/inject-ca-from: widgets/widgets-webhook
  creationTimestamp: "2026-02-01T09:00:00Z"
  generation: 1
  name: widgets.example.com
  resourceVersion: "4410"
  uid: 0f9c3e41-5a2b-4d7e-8f10-1d2c3b4a5e6f
spec:
  conversion:${conversion}
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
status:
  acceptedNames: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  conditions:
  - {lastTransitionTime: "2026-02-01T09:00:00Z", message: no conflicts found, reason: NoConflicts, status: "True", type: NamesAccepted}
  - {lastTransitionTime: "2026-02-01T09:00:00Z", message: the initial names have been accepted, reason: InitialNamesAccepted, status: "True", type: Established}
  storedVersions: [v1]
`;
const webhookConversion = `
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        service: {namespace: widgets, name: widgets-webhook, path: /convert}`;
const webhookConversionLive = (path = '/convert') => `
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig:
        caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJkekNDQVIyZ0F3SUJBZ0lRYjZ3PT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
        service: {namespace: widgets, name: widgets-webhook, path: ${path}, port: 443}`;

const podTolerations = (tolerations: string) => `apiVersion: v1
kind: Pod
metadata: {name: trainer, namespace: ml}
spec:
  tolerations: ${tolerations}
  containers:
  - {name: train, image: "ghcr.io/acme/train:3"}
`;

const cases: Case[] = [
  {
    name: 'Deployment: managedFields, status, last-applied annotation, template creationTimestamp: null and cpu 0.2 vs 200m',
    desired: deployDesired(), live: deployLive, action: 'none',
  },
  {
    name: 'Deployment: a changed image next to all that bookkeeping is still drift',
    desired: deployDesired('nginx:1.28'), live: deployLive, action: 'update', diffIncludes: ['-        - image: nginx:1.27', '+        - image: nginx:1.28'],
  },
  {
    name: 'CRD: conversion strategy None, status and generation filled by the API server',
    desired: crdDesired(), live: crdLive('\n    strategy: None'), action: 'none',
  },
  {
    name: 'CRD: preserveUnknownFields: false set in Git equals the v1 default the server omits',
    desired: crdDesired().replace('  scope: Namespaced', '  preserveUnknownFields: false\n  scope: Namespaced'),
    live: crdLive('\n    strategy: None'), action: 'none',
  },
  {
    name: 'CRD: conversion webhook caBundle injected by cert-manager cainjector, service port defaulted to 443',
    desired: crdDesired(webhookConversion), live: crdLive(webhookConversionLive()), action: 'none',
  },
  {
    name: 'CRD: conversion webhook path changed in the cluster is drift',
    desired: crdDesired(webhookConversion), live: crdLive(webhookConversionLive('/convert-v2')), action: 'update', diffIncludes: ['-          path: /convert-v2', '+          path: /convert'],
  },
  {
    name: 'Service ExternalName: sessionAffinity, port protocol and targetPort defaulted, no clusterIP',
    desired: 'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: shop}\nspec:\n  type: ExternalName\n  externalName: db.prod.example.com\n  ports:\n  - {name: pg, port: 5432}\n',
    live: 'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: shop, uid: 61d0, resourceVersion: "77", creationTimestamp: "2026-01-05T12:00:00Z"}\nspec:\n  externalName: db.prod.example.com\n  ports:\n  - {name: pg, port: 5432, protocol: TCP, targetPort: 5432}\n  sessionAffinity: None\n  type: ExternalName\nstatus:\n  loadBalancer: {}\n',
    action: 'none',
  },
  {
    name: 'Secret: type Opaque defaulted when Git sets none',
    desired: 'apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: shop}\nstringData: {password: hunter2}\n',
    live: 'apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: shop, uid: a1, resourceVersion: "5"}\ntype: Opaque\ndata: {password: aHVudGVyMg==}\n',
    action: 'none',
  },
  {
    name: 'Secret: a type Git sets differently is drift',
    desired: 'apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: shop}\ntype: kubernetes.io/basic-auth\nstringData: {password: hunter2}\n',
    live: 'apiVersion: v1\nkind: Secret\nmetadata: {name: app, namespace: shop, uid: a1, resourceVersion: "5"}\ntype: Opaque\ndata: {password: aHVudGVyMg==}\n',
    action: 'update', diffIncludes: ['-type: Opaque', '+type: kubernetes.io/basic-auth'],
  },
  {
    name: 'ServiceAccount: token secrets listed by the token controller, imagePullSecrets: [] in Git',
    desired: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: ci}\nimagePullSecrets: []\n',
    live: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: ci, uid: 9e, resourceVersion: "31", creationTimestamp: "2021-06-01T00:00:00Z"}\nsecrets:\n- name: builder-token-x7k2p\n',
    action: 'none',
  },
  {
    name: 'Endpoints: port protocol TCP defaulted in subsets',
    desired: 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: legacy-db, namespace: shop}\nsubsets:\n- addresses:\n  - ip: 10.20.0.15\n  ports:\n  - {name: pg, port: 5432}\n',
    live: 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: legacy-db, namespace: shop, uid: e9, resourceVersion: "12"}\nsubsets:\n- addresses:\n  - ip: 10.20.0.15\n  ports:\n  - {name: pg, port: 5432, protocol: TCP}\n',
    action: 'none',
  },
  {
    name: 'APIService: caBundle injected by cainjector, service port defaulted, Available condition',
    desired: 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1beta1.metrics.k8s.io\n  annotations: {cert-manager.io/inject-ca-from: kube-system/metrics-server}\nspec:\n  group: metrics.k8s.io\n  version: v1beta1\n  groupPriorityMinimum: 100\n  versionPriority: 100\n  service: {name: metrics-server, namespace: kube-system}\n',
    live: 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1beta1.metrics.k8s.io\n  annotations: {cert-manager.io/inject-ca-from: kube-system/metrics-server}\n  uid: 41aa\n  resourceVersion: "2231"\nspec:\n  caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=\n  group: metrics.k8s.io\n  groupPriorityMinimum: 100\n  service: {name: metrics-server, namespace: kube-system, port: 443}\n  version: v1beta1\n  versionPriority: 100\nstatus:\n  conditions:\n  - {lastTransitionTime: "2026-01-01T00:00:00Z", message: all checks passed, reason: Passed, status: "True", type: Available}\n',
    action: 'none',
  },
  {
    name: 'HPA autoscaling/v2: behavior filled by the server when Git sets none',
    desired: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n',
    live: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop, uid: h1, resourceVersion: "99"}
spec:
  behavior:
    scaleDown:
      policies:
      - {periodSeconds: 15, type: Percent, value: 100}
      selectPolicy: Max
      stabilizationWindowSeconds: 300
    scaleUp:
      policies:
      - {periodSeconds: 15, type: Pods, value: 4}
      - {periodSeconds: 15, type: Percent, value: 100}
      selectPolicy: Max
      stabilizationWindowSeconds: 0
  maxReplicas: 10
  metrics:
  - resource:
      name: cpu
      target: {averageUtilization: 70, type: Utilization}
    type: Resource
  minReplicas: 2
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
status:
  currentReplicas: 2
  desiredReplicas: 2
`,
    action: 'none',
  },
  {
    name: 'HPA autoscaling/v2: a partial scaleDown in Git, the rest of behavior filled by the server',
    desired: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 10\n  behavior:\n    scaleDown: {stabilizationWindowSeconds: 600}\n',
    live: 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop, uid: h1}\nspec:\n  behavior:\n    scaleDown:\n      policies:\n      - {periodSeconds: 15, type: Percent, value: 100}\n      selectPolicy: Max\n      stabilizationWindowSeconds: 600\n    scaleUp:\n      policies:\n      - {periodSeconds: 15, type: Pods, value: 4}\n      - {periodSeconds: 15, type: Percent, value: 100}\n      selectPolicy: Max\n      stabilizationWindowSeconds: 0\n  maxReplicas: 10\n  metrics:\n  - resource:\n      name: cpu\n      target: {averageUtilization: 80, type: Utilization}\n    type: Resource\n  minReplicas: 1\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n',
    action: 'none',
  },
  {
    name: 'PVC: volumeName bound, storageClassName and volumeMode defaulted, status',
    desired: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: shop}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10Gi}\n',
    live: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: shop\n  uid: p1\n  annotations: {pv.kubernetes.io/bind-completed: "yes", pv.kubernetes.io/bound-by-controller: "yes", volume.kubernetes.io/storage-provisioner: ebs.csi.aws.com}\n  finalizers: [kubernetes.io/pvc-protection]\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10Gi}\n  storageClassName: gp3\n  volumeMode: Filesystem\n  volumeName: pvc-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0\nstatus:\n  accessModes: [ReadWriteOnce]\n  capacity: {storage: 10Gi}\n  phase: Bound\n',
    action: 'none',
  },
  {
    name: 'PVC: a storageClassName Git sets differently is drift',
    desired: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: shop}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: io2\n  resources:\n    requests: {storage: 10Gi}\n',
    live: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: shop, uid: p1}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10Gi}\n  storageClassName: gp3\n  volumeMode: Filesystem\n  volumeName: pvc-0b1c\n',
    action: 'update', diffIncludes: ['-  storageClassName: gp3', '+  storageClassName: io2'],
  },
  {
    name: 'Pod: nodeName, default tolerations, service account token volume and mounts added at admission',
    desired: 'apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: shop}\nspec:\n  containers:\n  - name: shell\n    image: busybox:1.36\n    command: [sleep, infinity]\n',
    live: `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop, uid: d1, resourceVersion: "3"}
spec:
  containers:
  - command: [sleep, infinity]
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    name: shell
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - {mountPath: /var/run/secrets/kubernetes.io/serviceaccount, name: kube-api-access-8xq2d, readOnly: true}
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: ip-10-0-3-17.eu-west-1.compute.internal
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
  tolerations:
  - {effect: NoExecute, key: node.kubernetes.io/not-ready, operator: Exists, tolerationSeconds: 300}
  - {effect: NoExecute, key: node.kubernetes.io/unreachable, operator: Exists, tolerationSeconds: 300}
  volumes:
  - name: kube-api-access-8xq2d
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken: {expirationSeconds: 3607, path: token}
status:
  phase: Running
`,
    action: 'none',
  },
  {
    name: 'Pod: DefaultTolerationSeconds appends not-ready/unreachable tolerations after the ones Git sets (atomic list)',
    desired: podTolerations('[{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]'),
    live: podTolerations('[{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}, {effect: NoExecute, key: node.kubernetes.io/not-ready, operator: Exists, tolerationSeconds: 300}, {effect: NoExecute, key: node.kubernetes.io/unreachable, operator: Exists, tolerationSeconds: 300}]'),
    action: 'none',
  },
  {
    name: 'Pod: a toleration someone added that is not the admission default is drift',
    desired: podTolerations('[{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]'),
    live: podTolerations('[{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}, {effect: NoExecute, key: node.kubernetes.io/unreachable, operator: Exists, tolerationSeconds: 6000}]'),
    action: 'update', diffIncludes: ['-      tolerationSeconds: 6000'],
  },
  {
    name: 'Job: generated selector, controller-uid/job-name template labels and Job defaults',
    desired: 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\nspec:\n  template:\n    metadata:\n      labels: {app: migrate}\n    spec:\n      restartPolicy: Never\n      containers:\n      - {name: main, image: "ghcr.io/acme/migrate:1.0"}\n',
    live: `apiVersion: batch/v1
kind: Job
metadata:
  labels: {app: migrate, batch.kubernetes.io/controller-uid: 2f4e, batch.kubernetes.io/job-name: migrate, controller-uid: 2f4e, job-name: migrate}
  name: migrate
  namespace: shop
  uid: 2f4e
spec:
  backoffLimit: 6
  completionMode: NonIndexed
  completions: 1
  manualSelector: false
  parallelism: 1
  podReplacementPolicy: TerminatingOrFailed
  selector:
    matchLabels: {batch.kubernetes.io/controller-uid: 2f4e}
  suspend: false
  template:
    metadata:
      labels: {app: migrate, batch.kubernetes.io/controller-uid: 2f4e, batch.kubernetes.io/job-name: migrate, controller-uid: 2f4e, job-name: migrate}
    spec:
      containers:
      - image: ghcr.io/acme/migrate:1.0
        imagePullPolicy: IfNotPresent
        name: main
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Never
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  succeeded: 1
`,
    action: 'none',
  },
  {
    name: 'CronJob: concurrencyPolicy, history limits, suspend and jobTemplate defaults',
    desired: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report, namespace: shop}\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - {name: report, image: "ghcr.io/acme/report:2"}\n',
    live: `apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop, uid: c3, generation: 1}
spec:
  concurrencyPolicy: Allow
  failedJobsHistoryLimit: 1
  jobTemplate:
    metadata:
      creationTimestamp: null
    spec:
      template:
        metadata:
          creationTimestamp: null
        spec:
          containers:
          - image: ghcr.io/acme/report:2
            imagePullPolicy: IfNotPresent
            name: report
            resources: {}
            terminationMessagePath: /dev/termination-log
            terminationMessagePolicy: File
          dnsPolicy: ClusterFirst
          restartPolicy: OnFailure
          schedulerName: default-scheduler
          securityContext: {}
          terminationGracePeriodSeconds: 30
  schedule: 0 3 * * *
  successfulJobsHistoryLimit: 3
  suspend: false
status:
  lastScheduleTime: "2026-03-01T03:00:00Z"
`,
    action: 'none',
  },
  {
    name: 'Ingress: ingressClassName set by the DefaultIngressClass admission plugin, load balancer status',
    desired: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: web, port: {number: 80}}\n',
    live: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop, uid: i1, generation: 1}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - backend:\n          service: {name: web, port: {number: 80}}\n        path: /\n        pathType: Prefix\nstatus:\n  loadBalancer:\n    ingress:\n    - ip: 203.0.113.10\n',
    action: 'none',
  },
  {
    name: 'Ingress: an ingressClassName Git sets differently is drift',
    desired: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  ingressClassName: traefik\n  rules:\n  - host: shop.example.com\n',
    live: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop, uid: i1}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n',
    action: 'update', diffIncludes: ['-  ingressClassName: nginx', '+  ingressClassName: traefik'],
  },
  {
    // gitops-engine TestRemarshalStatefulSetCreationTimestamp: nested creationTimestamp: null is dropped.
    name: 'StatefulSet: creationTimestamp: null in template and volumeClaimTemplates metadata; claim template apiVersion/kind/status added',
    desired: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: test-sts, namespace: shop}\nspec:\n  serviceName: test\n  selector:\n    matchLabels: {app: test}\n  template:\n    metadata:\n      creationTimestamp: null\n      labels: {app: test}\n    spec:\n      containers:\n      - {name: test, image: nginx}\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n      creationTimestamp: null\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests: {storage: 1Gi}\n',
    live: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: test-sts, namespace: shop, uid: s9, creationTimestamp: "2025-11-06T19:35:31Z", generation: 1}\nspec:\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}\n  podManagementPolicy: OrderedReady\n  replicas: 1\n  revisionHistoryLimit: 10\n  selector:\n    matchLabels: {app: test}\n  serviceName: test\n  template:\n    metadata:\n      labels: {app: test}\n    spec:\n      containers:\n      - {image: nginx, imagePullPolicy: Always, name: test, resources: {}, terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File}\n      dnsPolicy: ClusterFirst\n      restartPolicy: Always\n      schedulerName: default-scheduler\n      securityContext: {}\n      terminationGracePeriodSeconds: 30\n  updateStrategy:\n    rollingUpdate: {partition: 0}\n    type: RollingUpdate\n  volumeClaimTemplates:\n  - apiVersion: v1\n    kind: PersistentVolumeClaim\n    metadata: {name: data}\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests: {storage: 1Gi}\n      volumeMode: Filesystem\n    status: {phase: Pending}\n',
    action: 'none',
  },
];

const so = (yaml: string) => parseManifestText('desired.yaml', yaml)[0]!;
const live = (yaml: string) => parseManifestText('live.yaml', yaml)[0]!.object;

for (const c of cases) {
  test(`normalization: ${c.name} → ${c.action}`, () => {
    const r = diffResource(so(c.desired), live(c.live), c.opts);
    assert.equal(r.action, c.action, r.diff);
    if (c.action === 'none') assert.deepEqual(r.patch, []);
    for (const line of c.diffIncludes ?? []) assert.ok(r.diff.split('\n').includes(line), `diff lacks ${JSON.stringify(line)}:\n${r.diff}`);
  });
}
